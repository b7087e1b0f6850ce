package publish

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/press"
)

// ExportOptions say where a static export goes and how it is reached.
type ExportOptions struct {
	// Dir is the directory written (created if missing).
	Dir string
	// Base is the path the export is served under, "/" or e.g. "/tiendo/".
	Base string
	// SiteURL is the absolute URL of Base's host, e.g. https://tiendo.example.org,
	// which Atom entry ids and links must start with.
	SiteURL string
	// Progress, when set, is told each file written and how many are done
	// of how many.
	Progress func(done, total int, file string)
}

// Export writes every published bulletin as static files (see staticURLs
// for the layout): each campaign's archive, every revision of every edition
// as a page in both languages, its CSV and JSON downloads, and the Atom
// feeds. It returns the number of files written.
func (s *Service) Export(ctx context.Context, o ExportOptions) (int, error) {
	base := o.Base
	if base == "" {
		base = "/"
	}
	if !strings.HasPrefix(base, "/") || !strings.HasSuffix(base, "/") {
		return 0, fmt.Errorf("base path %q must start and end with /", base)
	}
	site := strings.TrimSuffix(o.SiteURL, "/")
	if !strings.HasPrefix(site, "http://") && !strings.HasPrefix(site, "https://") {
		return 0, fmt.Errorf("site URL %q must be absolute (http:// or https://): Atom feeds need it", o.SiteURL)
	}
	u := staticURLs(base)
	u.site = site
	t, err := s.trust(ctx)
	if err != nil {
		return 0, err
	}
	cs, _, err := s.DB.FindCampaigns(ctx, 0, 1000)
	if err != nil {
		return 0, err
	}
	// Count the files first, so that progress can say "of how many".
	type job struct {
		file string
		make func() ([]byte, error)
		// stream, when set instead of make, writes a large file to w
		stream func(w io.Writer) error
	}
	var jobs []job
	add := func(file string, make func() ([]byte, error)) {
		jobs = append(jobs, job{file: strings.TrimPrefix(file, base), make: make})
	}
	addStream := func(file string, stream func(w io.Writer) error) {
		jobs = append(jobs, job{file: strings.TrimPrefix(file, base), stream: stream})
	}
	// The tidy series of c (nil: of every campaign) in every format.
	addSeries := func(dir string, c *domain.Campaign) {
		f := db.SeriesFilter{}
		if c != nil {
			f.CampaignID = c.ID
		}
		for _, ext := range []string{"csv", "json", "xlsx"} {
			addStream(dir+"series."+ext, func(w io.Writer) error { return s.writeSeries(ctx, w, ext, f) })
		}
		add(dir+"series.meta.json", func() ([]byte, error) { return s.seriesMeta(ctx, c, site) })
	}
	addSeries(base+"downloads/", nil)
	file := func(url string) string {
		if strings.HasSuffix(url, "/") {
			return url + "index.html"
		}
		return url
	}
	for _, l := range []string{"vi", "en"} {
		add(file(u.archiveAll(l)), func() ([]byte, error) { return s.archiveAllHTML(ctx, l, u) })
	}
	add(u.feed("bulletins"), func() ([]byte, error) { return s.feedXML(ctx, "bulletins", site, u) })
	add(base+readmePath, func() ([]byte, error) { return []byte(readmeText(t)), nil })
	if err := s.exportCorrectionFeeds(ctx, cs, site, u, add); err != nil {
		return 0, err
	}
	for _, c := range cs {
		scope, err := s.DB.UnitByID(ctx, c.ScopeUnitID)
		if err != nil {
			return 0, err
		}
		for _, l := range []string{"vi", "en"} {
			add(file(u.archive(c.Slug, l)), func() ([]byte, error) { return s.archiveHTML(ctx, c, scope, l, u) })
		}
		add(u.feed(c.Slug), func() ([]byte, error) { return s.feedXML(ctx, c.Slug, site, u) })
		addSeries(base+"downloads/"+url.PathEscape(c.Slug)+"/", c)
		freezes, err := s.DB.MilestoneFreezes(ctx, c.ID)
		if err != nil {
			return 0, err
		}
		for _, z := range freezes {
			for _, ext := range []string{"csv", "json"} {
				add(strings.TrimPrefix(MilestoneURL(c.Slug, z.Day, ext), "/"), func() ([]byte, error) { return milestoneFile(z, ext) })
			}
		}
		eds, _, err := s.DB.Editions(ctx, db.EditionFilter{CampaignID: &c.ID, ScopeID: &scope.ID, Limit: 100000})
		if err != nil {
			return 0, err
		}
		if len(eds) > 0 { // latest.*: the newest day's files, as the server answers them
			for _, ext := range []string{"csv", "json", "xlsx"} {
				e := eds[0]
				addStream(base+"downloads/"+url.PathEscape(c.Slug)+"/latest."+ext, func(w io.Writer) error { return s.dayFile(w, e, ext) })
			}
		}
		latest := map[string]int{}
		for _, e := range eds {
			latest[e.Day.String()] = max(latest[e.Day.String()], e.Revision)
		}
		for _, e := range eds {
			date := e.Day.String()
			revs := []int{e.Revision}
			if latest[date] == e.Revision {
				revs = append(revs, 0) // the latest is also the edition's own page
			}
			for _, rev := range revs {
				for _, l := range []string{"vi", "en"} {
					add(file(u.column(c.Slug, date, l, rev)), func() ([]byte, error) {
						pe, err := press.Unmarshal(e.Content, e.Hash)
						if err != nil {
							return nil, err
						}
						return s.columnHTML(ctx, c, e, pe, l, u)
					})
				}
				for _, ext := range []string{"csv", "json", "xlsx"} {
					addStream(u.download(c.Slug, date, ext, rev), func(w io.Writer) error { return s.dayFile(w, e, ext) })
				}
				json := u.download(c.Slug, date, "json", rev)
				add(json+".sha256", func() ([]byte, error) { return sha256Line(e.Hash, path.Base(json)), nil })
				if rev == 0 { // every unit of the day, at every level
					for _, ext := range []string{"csv", "json", "xlsx"} {
						addStream(base+"downloads/"+url.PathEscape(c.Slug)+"/"+date+".all."+ext, func(w io.Writer) error {
							return s.writeSeries(ctx, w, ext, db.SeriesFilter{CampaignID: c.ID, From: e.Day, To: e.Day})
						})
					}
				}
			}
		}
	}
	for i, j := range jobs {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		name := filepath.Join(o.Dir, filepath.FromSlash(j.file))
		if j.stream != nil {
			if err := streamFile(name, j.stream); err != nil {
				return i, fmt.Errorf("%s: %w", j.file, err)
			}
		} else {
			b, err := j.make()
			if err != nil {
				return i, fmt.Errorf("%s: %w", j.file, err)
			}
			if err := writeFile(name, b); err != nil {
				return i, err
			}
		}
		if o.Progress != nil {
			o.Progress(i+1, len(jobs), j.file)
		}
	}
	return len(jobs), nil
}

// streamFile writes name through a temporary file and a rename, as
// write writes it, never holding it in memory.
func streamFile(name string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp := name + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, name)
}

// writeFile writes b to name through a temporary file and a rename, so a
// reader of the export never sees half a file.
func writeFile(name string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
