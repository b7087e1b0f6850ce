package publish

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/press"
	"github.com/tiendo-vn/tiendo/progress"
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
	code := http.StatusInternalServerError
	msg := "lỗi máy chủ / server error"
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
		code, msg = http.StatusNotFound, domain.ErrorMessage(err)
	case domain.EINVALID:
		code, msg = http.StatusBadRequest, domain.ErrorMessage(err)
	case domain.EINTERNAL:
		if s.Outage != nil && s.Outage(r.Context(), err) {
			w.Header().Set("Retry-After", "5")
			code, msg = http.StatusServiceUnavailable, "tạm thời không truy cập được cơ sở dữ liệu, vui lòng thử lại sau / the database cannot be reached for the moment, please retry later"
			break
		}
		fallthrough
	default:
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
	if progress.IsEN(r.URL.Query().Get("lang")) || strings.HasSuffix(r.URL.Path, ".en.html") {
		return "en"
	}
	return "vi"
}

// edition reads a published revision (rev 0: the latest) of a campaign's
// scope for a day given as YYYY-MM-DD.
func (s *Service) edition(r *http.Request, slug, date string, rev int) (*domain.Campaign, *db.Edition, *press.Edition, error) {
	day, err := domain.ParseDate(date)
	if err != nil {
		return nil, nil, nil, domain.Errorf(domain.EINVALID, "%q is not a date (YYYY-MM-DD)", date)
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
	rev, _ := strconv.Atoi(r.URL.Query().Get("rev"))
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
		d.rev, _ = strconv.Atoi(r.URL.Query().Get("rev"))
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

func (s *Service) archiveAll(w http.ResponseWriter, r *http.Request) {
	b, err := s.archiveAllHTML(r.Context(), lang(r), s.live())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Write(b)
}

// archiveAllHTML lists every campaign's archive and feed.
func (s *Service) archiveAllHTML(ctx context.Context, l string, u urls) ([]byte, error) {
	cs, _, err := s.DB.FindCampaigns(ctx, 0, 100)
	if err != nil {
		return nil, err
	}
	t, err := s.trust(ctx)
	if err != nil {
		return nil, err
	}
	title := map[string]string{"vi": "Lưu trữ bản tin", "en": "Bulletin archive"}[l]
	var b strings.Builder
	b.WriteString(pageHead(l, title, u, t))
	b.WriteString(`<ul>`)
	for _, c := range cs {
		name := c.Name
		if l == "en" && c.NameEN != "" {
			name = c.NameEN
		}
		fmt.Fprintf(&b, `<li><a href="%s">%s</a> · <a href="%s">Atom</a></li>`,
			template.HTMLEscapeString(u.archive(c.Slug, l)), template.HTMLEscapeString(name), template.HTMLEscapeString(u.feed(c.Slug, l, 0)))
	}
	fmt.Fprintf(&b, `</ul><p><a href="%s">Atom</a></p>`, template.HTMLEscapeString(u.feed("bulletins", l, 0)))
	b.WriteString(pageFoot(l, title, u.site+u.archiveAll(l), t))
	return []byte(b.String()), nil
}

func pageHead(lang, title string, u urls, t Trust) string {
	return `<!doctype html><html lang="` + lang + `"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>` +
		template.HTMLEscapeString(title) + `</title><style>body{font:16px/1.6 system-ui,sans-serif;max-width:42em;margin:1.5em auto;padding:0 1em}a{color:#0b4f8a}td,th{padding:.2em .6em;text-align:left}` + navCSS + `</style></head><body>` +
		string(portalNav(lang, u)) + `<main>` + string(t.banner(lang)) + `<h1>` +
		template.HTMLEscapeString(title) + `</h1>`
}

// pageFoot ends a page of pageHead with the trust footer.
func pageFoot(lang, title, permalink string, t Trust) string {
	return `</main>` + string(t.footer(lang, title, permalink)) + `</body></html>`
}

func (s *Service) archive(w http.ResponseWriter, r *http.Request) {
	c, scope, err := s.campaign(r.Context(), r.PathValue("campaign"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.archiveHTML(r.Context(), c, scope, lang(r), s.live())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Write(b)
}

// archiveHTML lists a campaign's editions, every revision, newest first.
func (s *Service) archiveHTML(ctx context.Context, c *domain.Campaign, scope *domain.Unit, l string, u urls) ([]byte, error) {
	eds, _, err := s.DB.Editions(ctx, db.EditionFilter{CampaignID: &c.ID, ScopeID: &scope.ID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	slug := c.Slug
	name := c.Name
	if l == "en" && c.NameEN != "" {
		name = c.NameEN
	}
	t, err := s.trust(ctx)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(pageHead(l, name, u, t))
	fmt.Fprintf(&b, `<p>%s</p><div class="scroll" tabindex="0"><table><thead><tr><th scope="col">%s</th><th scope="col">%s</th><th scope="col">%s</th><th scope="col">SHA-256</th><th scope="col">%s</th></tr></thead><tbody>`,
		template.HTMLEscapeString(c.LegalRef), map[string]string{"vi": "Ngày", "en": "Day"}[l], map[string]string{"vi": "Bản", "en": "Revision"}[l],
		map[string]string{"vi": "Đăng lúc", "en": "Published"}[l], map[string]string{"vi": "Tải về", "en": "Download"}[l])
	esc := template.HTMLEscapeString
	for _, e := range eds {
		d := e.Day.String()
		fmt.Fprintf(&b, `<tr><td><a href="%s">%s</a></td><td>%d</td><td>%s</td><td><code>%.12s</code></td><td><a href="%s">CSV</a> · <a href="%s">JSON</a></td></tr>`,
			esc(u.column(slug, d, l, e.Revision)), progress.FormatDate(e.Day, l), e.Revision, stamp(e.PublishedAt, l), e.Hash,
			esc(u.download(slug, d, "csv", e.Revision)), esc(u.download(slug, d, "json", e.Revision)))
	}
	b.WriteString(`</tbody></table></div>`)
	fmt.Fprintf(&b, `<p><a href="%s">Atom</a></p>`, esc(u.feed(slug, l, 0)))
	b.WriteString(pageFoot(l, name, u.site+u.archive(slug, l), t))
	return []byte(b.String()), nil
}

var card = template.Must(template.New("card").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>{{.Unit}}</title>
<style>body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#111;background:#fff}.card{border:1px solid #ccc;border-radius:6px;padding:.8em 1em;max-width:28em}
h1{font-size:1.05em;margin:0 0 .4em}.row{margin:.4em 0}.bar{height:.6em;background:#e5e5e5;border-radius:3px;overflow:hidden}.bar span{display:block;height:100%;background:#1f6f43}
.src{font-size:.8em;color:#555}a{color:#0b4f8a}</style></head>
<body><main class="card"><h1>{{.Unit}}</h1><div class="src">{{.Campaign}}</div>
{{range .Rows}}<div class="row"><div>{{.Name}}: <strong>{{.Figure}}</strong>{{if .Quota}}/{{.Quota}} ({{.Rate}}){{end}}</div>
{{if .Quota}}<div class="bar" role="img" aria-label="{{.Rate}}"><span style="width:{{.Width}}%"></span></div>{{end}}</div>{{end}}
{{if .Demo}}<div class="src"><strong>{{if eq .Lang "en"}}Demo data, not official figures{{else}}Dữ liệu minh hoạ, không phải số liệu chính thức{{end}}</strong></div>{{end}}
<div class="src">{{.AsOf}} · <a href="{{.Link}}" target="_blank" rel="noopener">Tiến Độ</a> · <a href="{{.LicenceURL}}" target="_blank" rel="license noopener">{{.Licence}}</a></div></main></body></html>
`))

// embed serves a card of one unit's latest figures, for a news site's
// iframe.
func (s *Service) embed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, _, err := s.campaign(ctx, r.PathValue("campaign"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	day, version, err := s.DB.FiguresVersion(ctx, c.ID)
	if err != nil || day == nil {
		s.fail(w, r, errors.Join(err, notFound("no figures for %s yet", c.Slug)))
		return
	}
	if q := r.URL.Query().Get("date"); q != "" {
		// ?date=YYYY-MM-DD: the figures as of that day (the latest day at most).
		d, err := domain.ParseDate(q)
		if err != nil {
			s.fail(w, r, domain.Errorf(domain.EINVALID, "date: %q is not a day YYYY-MM-DD", q))
			return
		}
		if d < c.Start {
			s.fail(w, r, domain.Errorf(domain.EINVALID, "date: %s is before the campaign starts (%s)", q, c.Start))
			return
		}
		if d < *day {
			day = &d
		}
	}
	u, err := s.DB.UnitByCode(ctx, r.PathValue("unit"), *day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	metrics, err := s.DB.Metrics(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type row struct {
		Name, Figure, Quota, Rate string
		Width                     float64
	}
	var rows []row
	for _, m := range metrics {
		if !contains(c.MetricKeys, m.Key) {
			continue
		}
		own, _, err := s.DB.DayFigures(ctx, c.ID, m.Key, *day, u.ID)
		if err != nil || own == nil {
			continue
		}
		rw := row{Name: m.NameVI, Figure: "–"}
		if l == "en" {
			rw.Name = m.NameEN
		}
		if own.Value != nil {
			rw.Figure = progress.FormatCount(*own.Value, l)
			if own.Quota != nil && *own.Quota > 0 {
				rw.Quota, rw.Rate = progress.FormatCount(*own.Quota, l), progress.FormatRateIn(*own.Value, *own.Quota, c.Bands, l)
				rw.Width = min(100, 100*float64(*own.Value)/float64(*own.Quota))
			}
		}
		rows = append(rows, rw)
	}
	name, campaign := u.FullName, c.Name
	asOf := "Tính đến ngày " + progress.FormatDate(*day, "vi")
	if l == "en" {
		name, asOf = u.NameEN, "As of "+progress.FormatDate(*day, "en")
		if c.NameEN != "" {
			campaign = c.NameEN
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("ETag", fmt.Sprintf("%q", version+"-"+u.Code+"-"+l+"-"+day.String()))
	// Meant for other sites' iframes.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors *")
	t, err := s.trust(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	card.Execute(w, map[string]any{"Lang": l, "Unit": name, "Campaign": campaign, "Rows": rows, "AsOf": asOf,
		"Link": "/?campaign=" + c.Slug, // relative: to this server, whatever the Host header said
		"Demo": t.Demo, "Licence": Licence, "LicenceURL": LicenceURL})
}

// embedFile answers the static export's names of a card, index.html and
// index.en.html.
func (s *Service) embedFile(w http.ResponseWriter, r *http.Request) {
	if f := r.PathValue("file"); f != "index.html" && f != "index.en.html" {
		s.fail(w, r, notFound("no card %s here: index.html or index.en.html", f))
		return
	}
	s.embed(w, r)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
