package publish

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// The archive pages and the embed card, from templates/ (html/template:
// every value escaped by its context).

//go:embed templates/*.html
var templateFS embed.FS

var (
	pageTemplates = template.Must(template.ParseFS(templateFS, "templates/pages.html"))
	card          = template.Must(template.ParseFS(templateFS, "templates/card.html"))
)

// page is what the head and foot templates of a bulletin page need.
type page struct {
	Lang, Title string
	EN          bool
	NavCSS      template.CSS
	Nav, Banner template.HTML
	Footer      template.HTML
}

// newPage is a page titled title whose permanent address is permalink.
func newPage(lang, title, permalink string, u urls, t Trust) page {
	return page{Lang: lang, Title: title, EN: lang == "en", NavCSS: template.CSS(navCSS), Nav: portalNav(lang, u),
		Banner: t.banner(lang), Footer: t.footer(lang, title, permalink)}
}

// render executes one of pageTemplates.
func render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&b, name, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Service) archiveAll(w http.ResponseWriter, r *http.Request) {
	b, err := s.archiveAllHTML(r.Context(), lang(r), s.live())
	s.archivePage(w, r, b, err)
}

// archivePage sends an archive page (cached a minute), or the error.
func (s *Service) archivePage(w http.ResponseWriter, r *http.Request, b []byte, err error) {
	s.writeMinute(w, r, "text/html; charset=utf-8", b, err)
}

// writeMinute answers with b, of type contentType and cached a minute, or
// with err.
func (s *Service) writeMinute(w http.ResponseWriter, r *http.Request, contentType string, b []byte, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
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
	type campaign struct{ Archive, Name, Feed string }
	data := struct {
		page
		Campaigns []campaign
		Feed      string
	}{page: newPage(l, title, u.site+u.archiveAll(l), u, t), Feed: u.feed("bulletins", l, 0)}
	for _, c := range cs {
		name := c.Name
		if l == "en" && c.NameEN != "" {
			name = c.NameEN
		}
		data.Campaigns = append(data.Campaigns, campaign{Archive: u.archive(c.Slug, l), Name: name, Feed: u.feed(c.Slug, l, 0)})
	}
	return render("archiveAll", data)
}

func (s *Service) archive(w http.ResponseWriter, r *http.Request) {
	c, scope, err := s.campaign(r.Context(), r.PathValue("campaign"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.archiveHTML(r.Context(), c, scope, lang(r), s.live())
	s.archivePage(w, r, b, err)
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
	type edition struct {
		Column, Day, Published, Hash, CSV, JSON string
		Revision                                int
	}
	data := struct {
		page
		LegalRef, Feed string
		Editions       []edition
	}{page: newPage(l, name, u.site+u.archive(slug, l), u, t), LegalRef: c.LegalRef, Feed: u.feed(slug, l, 0)}
	for _, e := range eds {
		d := e.Day.String()
		data.Editions = append(data.Editions, edition{Column: u.column(slug, d, l, e.Revision), Day: numfmt.FormatDate(e.Day, l),
			Revision: e.Revision, Published: stamp(e.PublishedAt, l), Hash: fmt.Sprintf("%.12s", e.Hash),
			CSV: u.download(slug, d, "csv", e.Revision), JSON: u.download(slug, d, "json", e.Revision)})
	}
	return render("archive", data)
}

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
			rw.Figure = numfmt.FormatCount(*own.Value, l)
			if own.Quota != nil && *own.Quota > 0 {
				rw.Quota, rw.Rate = numfmt.FormatCount(*own.Quota, l), numfmt.FormatRateIn(*own.Value, *own.Quota, c.Bands, l)
				rw.Width = min(100, 100*float64(*own.Value)/float64(*own.Quota))
			}
		}
		rows = append(rows, rw)
	}
	name, campaign := u.FullName, c.Name
	asOf := "Tính đến ngày " + numfmt.FormatDate(*day, "vi")
	if l == "en" {
		name, asOf = u.NameEN, "As of "+numfmt.FormatDate(*day, "en")
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
