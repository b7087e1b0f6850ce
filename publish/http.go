package publish

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
	"github.com/tiendo-vn/tiendo/press"
)

// Handler serves the published bulletins:
//
//	/bulletins/                          every campaign's archive
//	/bulletins/{campaign}/               a campaign's editions by day
//	/bulletins/{campaign}/{date}         the latest revision as a column (?lang=en, ?rev=N)
//	/bulletins/{campaign}/{date}/local/{unitCode}  a local column, not an edition (see Local)
//	/downloads/{campaign}/{date}.csv     its ranking tables (UTF-8 with BOM)
//	/downloads/{campaign}/{date}.json    the whole edition, the bytes of its SHA-256
//	/downloads/{campaign}/{date}.json.sha256  that SHA-256 for sha256sum -c
//	/downloads/{campaign}/{date}.xlsx    the ranking tables as a workbook
//	/downloads/…                         the tidy series, latest and every level (series_http.go)
//	/downloads/{campaign}/milestones/{date}.csv, .json  a milestone's frozen ranking
//	/feeds/bulletins.atom                every edition, newest first (.en.atom: in English)
//	/feeds/{campaign}.atom               one campaign's editions
//	/feeds/{feed}/archive/{N}.atom       the feed's archive pages (RFC 5005), oldest first
//	/feeds/corrections.atom              every correction of the figures (corrections.go)
//	/feeds/corrections/{campaign}.atom   one campaign's
//	/embed/{campaign}/{unitCode}         a small card for news sites' iframes (also …/index.html, …/index.en.html)
//
// A revision named by ?rev= never changes: it is served immutable with its
// hash as ETag. The latest revision may still be followed by a correction,
// so it is cached briefly.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bulletins/{$}", s.archiveAll)
	mux.HandleFunc("GET /bulletins/{campaign}/{$}", s.archive)
	mux.HandleFunc("GET /bulletins/{campaign}/{date}", s.column)
	// The same pages by the static export's file names (see staticURLs),
	// so that one link works on the server and on a static host.
	mux.HandleFunc("GET /bulletins/index.en.html", s.archiveAll)
	mux.HandleFunc("GET /bulletins/{campaign}/index.en.html", s.archive)
	mux.HandleFunc("GET /bulletins/{campaign}/{date}/{$}", s.column)
	mux.HandleFunc("GET /bulletins/{campaign}/{date}/{file}", s.column)
	mux.HandleFunc("GET /bulletins/{campaign}/{date}/local/{unit}", s.local)
	mux.HandleFunc("GET /downloads/{campaign}/{file}", s.download)
	mux.HandleFunc("GET /downloads/{file}", s.downloadAll)
	mux.HandleFunc("GET /downloads/{campaign}/milestones/{file}", s.milestoneDownload)
	mux.HandleFunc("GET /"+readmePath, s.readme)
	mux.HandleFunc("GET /feeds/{feed}", s.feed)
	mux.HandleFunc("GET /feeds/{feed}/archive/{page}", s.feedArchive)
	mux.HandleFunc("GET /feeds/corrections/{file}", s.campaignCorrectionsFeed)
	mux.HandleFunc("GET /embed/{campaign}/{unit}", s.embed)
	mux.HandleFunc("GET /embed/{campaign}/{unit}/{$}", s.embed)
	mux.HandleFunc("GET /embed/{campaign}/{unit}/{file}", s.embedFile)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := domain.TextProblem(r.URL.Path); p != "" {
			// No campaign, day or unit is named so; and PostgreSQL could not look it up.
			s.fail(w, r, domain.Errorf(domain.EINVALID, "the address %s", p))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := domain.HTTPStatus(err)
	switch {
	case code != http.StatusInternalServerError:
	case domain.ErrorCode(err) == domain.EINTERNAL && s.Outage != nil && s.Outage(r.Context(), err):
		w.Header().Set("Retry-After", "5")
		code, msg = http.StatusServiceUnavailable, "tạm thời không truy cập được cơ sở dữ liệu, vui lòng thử lại sau / the database cannot be reached for the moment, please retry later"
	default:
		msg = "lỗi máy chủ / server error"
		s.logger().ErrorContext(r.Context(), "bulletin page", "path", r.URL.Path, "err", err)
	}
	http.Error(w, msg, code)
}

func (s *Service) campaign(ctx context.Context, slug string) (*domain.Campaign, *domain.Unit, error) {
	c, err := s.DB.CampaignBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	scope, err := s.DB.UnitByID(ctx, c.ScopeUnitID)
	return c, scope, err
}

func notFound(format string, args ...any) error {
	return domain.Errorf(domain.ENOTFOUND, format, args...)
}

func lang(r *http.Request) string {
	if numfmt.IsEN(r.URL.Query().Get("lang")) || strings.HasSuffix(r.URL.Path, ".en.html") {
		return "en"
	}
	return "vi"
}

// revParam reads ?rev=: none is the latest revision (0); anything but a
// revision number (1, 2, …) is the client's error, not the latest
// revision served as if it had been asked for.
func revParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("rev")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, domain.Errorf(domain.EINVALID, "rev=%.40q is not a revision number (1, 2, …); leave it out for the latest revision", v)
	}
	return int(n), nil
}

// edition reads a published revision (rev 0: the latest) of a campaign's
// scope for a day given as YYYY-MM-DD.
func (s *Service) edition(r *http.Request, slug, date string, rev int) (*domain.Campaign, *db.Edition, *press.Edition, error) {
	day, err := domain.ParseDate(date)
	if err != nil {
		return nil, nil, nil, domain.Errorf(domain.EINVALID, "%q is not a date (YYYY-MM-DD)", date)
	}
	if rev > math.MaxInt32 {
		// Revisions are numbered 1, 2, … in an int4: none is this far.
		return nil, nil, nil, notFound("no revision %d of the bulletin of %s for %s has been published", rev, slug, day)
	}
	c, scope, err := s.campaign(r.Context(), slug)
	if err != nil {
		return nil, nil, nil, err
	}
	ed, err := s.DB.EditionAt(r.Context(), c.ID, scope.ID, day, rev)
	if err != nil {
		return nil, nil, nil, err
	}
	if ed == nil {
		return nil, nil, nil, notFound("no bulletin of %s for %s has been published", slug, day)
	}
	pe, err := press.Unmarshal(ed.Content, ed.Hash)
	return c, ed, pe, err
}

// cacheable sets the validators of a published revision and answers 304
// when the client has it already.
func cacheable(w http.ResponseWriter, r *http.Request, ed *db.Edition, variant string, pinned bool) bool {
	etag := fmt.Sprintf(`"%s-%d-%s"`, ed.Hash[:32], ed.Revision, variant)
	w.Header().Set("ETag", etag)
	if pinned {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	w.Header().Set("Last-Modified", ed.PublishedAt.UTC().Format(http.TimeFormat))
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if strings.TrimSpace(t) == etag || strings.TrimSpace(t) == "*" {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

func (s *Service) column(w http.ResponseWriter, r *http.Request) {
	rev, err := revParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slug, date := r.PathValue("campaign"), r.PathValue("date")
	if f := r.PathValue("file"); f != "" {
		// index.html, index.en.html, r{N}.html or r{N}.en.html
		name := strings.TrimSuffix(strings.TrimSuffix(f, ".html"), ".en")
		if n, err := strconv.Atoi(strings.TrimPrefix(name, "r")); err == nil && strings.HasPrefix(name, "r") && n > 0 {
			rev = n
		} else if name != "index" || !strings.HasSuffix(f, ".html") {
			s.fail(w, r, notFound("no page %s here: index.html, index.en.html, rN.html or rN.en.html", f))
			return
		}
	}
	c, ed, pe, err := s.edition(r, slug, date, rev)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	if cacheable(w, r, ed, l, rev > 0) {
		return
	}
	b, err := s.columnHTML(r.Context(), c, ed, pe, l, s.live())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

// columnHTML renders one revision of an edition as a newspaper column,
// linking its other revisions, language and downloads by u.
func (s *Service) columnHTML(ctx context.Context, c *domain.Campaign, ed *db.Edition, pe *press.Edition, l string, u urls) ([]byte, error) {
	revs, err := s.DB.EditionRevisions(ctx, c.ID, ed.ScopeUnitID, ed.Day)
	if err != nil {
		return nil, err
	}
	other := "en"
	if l == "en" {
		other = "vi"
	}
	slug, date := c.Slug, ed.Day.String()
	p := press.Page{Edition: pe, Lang: l, Revision: ed.Revision, PublishedAt: stamp(ed.PublishedAt, l),
		OtherLang: u.column(slug, date, other, ed.Revision),
		CSV:       u.download(slug, date, "csv", 0), JSON: u.download(slug, date, "json", 0),
		Home: u.home(l), Archive: u.archive(slug, l), Nav: portalNav(l, u)}
	for _, rv := range revs {
		p.Revisions = append(p.Revisions, press.PageRevision{Revision: rv.Revision, URL: u.column(slug, date, l, rv.Revision),
			PublishedAt: stamp(rv.PublishedAt, l), Hash: rv.Hash, Current: rv.Revision == ed.Revision})
	}
	t, err := s.trust(ctx)
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("%s (bản %d)", pe.Text(l).Title, ed.Revision)
	if l == "en" {
		title = fmt.Sprintf("%s (revision %d)", pe.Text(l).Title, ed.Revision)
	}
	p.Banner, p.Footer = t.banner(l), t.footer(l, title, u.site+u.column(slug, date, l, ed.Revision))
	var buf bytes.Buffer
	if err := press.RenderHTML(&buf, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func stamp(t time.Time, lang string) string {
	t = t.In(time.FixedZone("ICT", 7*3600))
	if lang == "en" {
		return t.Format("Jan 2, 2006 15:04 (UTC+7)")
	}
	return t.Format("15:04 ngày 02/01/2006")
}

const downloadNames = "downloads are DATE.csv|json|xlsx, DATE.json.sha256, DATE.rN.csv|json|xlsx, DATE.rN.json.sha256, DATE.all.csv|json|xlsx, latest.csv|json|xlsx, series.csv|json|xlsx or series.meta.json"

// dayFile is a day's download by its name: DATE.EXT, DATE.rN.EXT (the
// static export's name of revision N), DATE[.rN].json.sha256, and
// DATE.all.EXT (every unit of the day).
type dayFile struct {
	date string
	rev  int
	ext  string
	sum  bool
	all  bool
}

func parseDownload(file string) (d dayFile, ok bool) {
	file, d.sum = strings.CutSuffix(file, ".sha256")
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return d, false
	}
	file, d.ext = file[:i], file[i+1:]
	if _, ok := seriesContentType[d.ext]; !ok || d.sum && d.ext != "json" {
		return d, false
	}
	date, r, hasRev := strings.Cut(file, ".")
	d.date = date
	switch {
	case !hasRev:
	case r == "all" && !d.sum:
		d.all = true
	default:
		n, err := strconv.Atoi(strings.TrimPrefix(r, "r"))
		if !strings.HasPrefix(r, "r") || err != nil || n < 1 {
			return d, false
		}
		d.rev = n
	}
	return d, true
}

// downloadAll answers /downloads/series.* (every campaign).
func (s *Service) downloadAll(w http.ResponseWriter, r *http.Request) {
	name, ext, _ := strings.Cut(r.PathValue("file"), ".")
	if name != "series" {
		s.fail(w, r, notFound("every campaign's figures are series.csv, series.json, series.xlsx and series.meta.json"))
		return
	}
	s.serveSeries(w, r, nil, ext)
}

func (s *Service) download(w http.ResponseWriter, r *http.Request) {
	file, slug := r.PathValue("file"), r.PathValue("campaign")
	switch name, ext, _ := strings.Cut(file, "."); name {
	case "series":
		c, _, err := s.campaign(r.Context(), slug)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.serveSeries(w, r, c, ext)
		return
	case "latest":
		if _, ok := seriesContentType[ext]; !ok {
			s.fail(w, r, notFound("the latest day's files are latest.csv, latest.json and latest.xlsx"))
			return
		}
		c, scope, err := s.campaign(r.Context(), slug)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		eds, _, err := s.DB.Editions(r.Context(), db.EditionFilter{CampaignID: &c.ID, ScopeID: &scope.ID, Limit: 1})
		if err != nil || len(eds) == 0 {
			s.fail(w, r, cmp.Or(err, notFound("no bulletin of %s has been published yet", slug)))
			return
		}
		date := eds[0].Day.String()
		w.Header().Set("Tiendo-Date", date)
		w.Header().Set("Content-Location", s.live().download(slug, date, ext, 0))
		s.serveDay(w, r, dayFile{date: date, ext: ext}, file)
		return
	}
	d, ok := parseDownload(file)
	if !ok {
		s.fail(w, r, notFound(downloadNames))
		return
	}
	if d.rev == 0 {
		rev, err := revParam(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.rev = rev
	}
	s.serveDay(w, r, d, file)
}

// serveDay answers a day's download d, asked for as file.
func (s *Service) serveDay(w http.ResponseWriter, r *http.Request, d dayFile, file string) {
	c, ed, pe, err := s.edition(r, r.PathValue("campaign"), d.date, d.rev)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.all {
		s.dayRows(w, r, c, ed, d.ext)
		return
	}
	variant := d.ext
	if d.sum {
		variant += ".sha256"
	}
	if cacheable(w, r, ed, variant, d.rev > 0) {
		return
	}
	linkHeader(w, "/"+readmePath)
	if d.sum {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(sha256Line(ed.Hash, strings.TrimSuffix(file, ".sha256")))
		return
	}
	name := fmt.Sprintf("tiendo-%s-%s-r%d.%s", pe.Campaign, pe.Day, ed.Revision, d.ext)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Type", seriesContentType[d.ext])
	canonicalLink(w, s.live().permalink(pe.Campaign, pe.Day, d.ext, ed.Revision))
	err2 := s.dayFile(w, ed, d.ext)
	if err2 != nil {
		s.logger().ErrorContext(r.Context(), "download", "file", file, "err", err2)
	}
}
