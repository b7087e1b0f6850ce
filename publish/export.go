package publish

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

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
	// which Atom entry ids and links must start with. It may name the path
	// too (https://example.org/tiendo/): then Base is that path, or must
	// be the same.
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
	site, base, err := siteAndBase(o.SiteURL, o.Base)
	if err != nil {
		return 0, err
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
	feeds := func(name string) error {
		pages, err := s.feedPages(ctx, name)
		for page := 0; page <= pages; page++ {
			for _, l := range []string{"vi", "en"} {
				add(u.feed(name, l, page), func() ([]byte, error) { return s.feedXML(ctx, name, l, page, site, u) })
			}
		}
		return err
	}
	if err := feeds("bulletins"); err != nil {
		return 0, err
	}
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
		if err := feeds(c.Slug); err != nil {
			return 0, err
		}
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
	if err := s.exportEmbeds(ctx, cs, base, add); err != nil {
		return 0, err
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

// exportEmbeds adds the embed card of every unit with figures on each
// campaign's latest day, as the server renders it, in both languages:
// embed/{campaign}/{unitCode}/index.html and index.en.html (the server
// answers both paths too).
func (s *Service) exportEmbeds(ctx context.Context, cs []*domain.Campaign, base string, add func(string, func() ([]byte, error))) error {
	h := s.Handler()
	for _, c := range cs {
		day, _, err := s.DB.FiguresVersion(ctx, c.ID)
		if err != nil || day == nil {
			continue
		}
		rows, err := s.DB.Pool.Query(ctx, `SELECT DISTINCT u.code FROM figures f JOIN units u ON u.id = f.unit_id
			WHERE f.campaign_id = $1 AND f.day = $2::date ORDER BY 1`, c.ID, day.String())
		if err != nil {
			return err
		}
		codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, code := range codes {
			for _, name := range []string{"index.html", "index.en.html"} {
				path := "embed/" + url.PathEscape(c.Slug) + "/" + url.PathEscape(code) + "/" + name
				add(base+path, func() ([]byte, error) {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/"+path, nil))
					if rec.Code != http.StatusOK {
						return nil, fmt.Errorf("the embed card answers %d: %s", rec.Code, rec.Body)
					}
					// The card links the portal's home, which is under base here.
					return bytes.ReplaceAll(rec.Body.Bytes(), []byte(`href="/?`), []byte(`href="`+base+`?`)), nil
				})
			}
		}
	}
	return nil
}

// siteAndBase splits a site URL into its origin and the path the export is
// served under, which --base may give instead (or the same).
func siteAndBase(siteURL, base string) (string, string, error) {
	if base == "" {
		base = "/"
	}
	if !strings.HasPrefix(base, "/") || !strings.HasSuffix(base, "/") {
		return "", "", fmt.Errorf("base path %q must start and end with /", base)
	}
	u, err := url.Parse(siteURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("site URL %q must be absolute (http:// or https://): Atom feeds need it", siteURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", "", fmt.Errorf("site URL %q must be an origin and a path, without a query, fragment or user", siteURL)
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/") + "/"
	switch {
	case path == "/":
	case base == "/" || base == path:
		base = path
	default:
		return "", "", fmt.Errorf("site URL %q names the path %s but the base path is %s: give the path once (in either), or the same in both", siteURL, path, base)
	}
	return u.Scheme + "://" + u.Host, base, nil
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
