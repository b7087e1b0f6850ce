package publish

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/press"
)

// A local column is the bulletin of any unit inside a campaign's scope (a
// district or commune newspaper's own), written on demand from the current
// stored figures by the same rules and words as the official edition. It
// is not an edition: nothing is stored, refreshed or hashed for it, and
// every copy says so (LocalNotice). The official, immutable editions stay
// those of each campaign's scope.

// LocalNotice labels every local column, by language.
var LocalNotice = map[string]string{
	"vi": "Bản tin địa phương — không phải bản tin chính thức",
	"en": "Local column — not an official bulletin",
}

// LocalPath is a local column's permalink (?lang=en in English).
func LocalPath(slug string, day domain.Date, code, lang string) string {
	return "/bulletins/" + url.PathEscape(slug) + "/" + day.String() + "/local/" + url.PathEscape(code) + query(lang, 0)
}

// Local writes the column of the unit coded code, inside the campaign's
// scope, for a day of the campaign, from the figures stored now. It reads
// only.
func (s *Service) Local(ctx context.Context, slug string, day domain.Date, code string) (*domain.Campaign, *domain.Unit, *press.Edition, error) {
	c, err := s.DB.CampaignBySlug(ctx, slug)
	if err != nil {
		return nil, nil, nil, err
	}
	if day < c.Start || day > c.End {
		return nil, nil, nil, domain.FieldErrorf(domain.EINVALID, "date", "%s is outside the campaign (%s to %s)", day, c.Start, c.End)
	}
	u, err := s.DB.UnitByCode(ctx, code, day)
	if err != nil {
		return nil, nil, nil, err
	}
	inside, err := s.DB.IsDescendant(ctx, u.ID, c.ScopeUnitID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !inside {
		return nil, nil, nil, domain.FieldErrorf(domain.EINVALID, "scopeCode", "unit %s is outside the campaign's scope", code)
	}
	in, err := s.Input(ctx, c, u, day)
	if err != nil {
		return nil, nil, nil, err
	}
	return c, u, press.Build(in), nil
}

// local serves a local column as a page:
// /bulletins/{campaign}/{date}/local/{unitCode} (?lang=en).
func (s *Service) local(w http.ResponseWriter, r *http.Request) {
	slug, date, code := r.PathValue("campaign"), r.PathValue("date"), r.PathValue("unit")
	day, err := domain.ParseDate(date)
	if err != nil {
		s.fail(w, r, domain.FieldErrorf(domain.EINVALID, "date", "%q is not a date (YYYY-MM-DD)", date))
		return
	}
	c, _, pe, err := s.Local(r.Context(), slug, day, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	other := map[string]string{"vi": "en", "en": "vi"}[l]
	t, err := s.trust(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := s.live()
	notice := LocalNotice[l]
	p := press.Page{Edition: pe, Lang: l, Local: notice, OtherLang: LocalPath(slug, day, code, other),
		Home: u.home(l), Archive: u.archive(c.Slug, l),
		Banner: t.banner(l) + template.HTML(`<p role="note"><strong>`+template.HTMLEscapeString(notice)+`</strong></p>`)}
	p.Footer = t.footer(l, pe.Text(l).Title+" — "+notice, u.site+LocalPath(slug, day, code, l))
	var buf bytes.Buffer
	if err := press.RenderHTML(&buf, p); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Written from the current figures, which a late report may change.
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Write(buf.Bytes())
}
