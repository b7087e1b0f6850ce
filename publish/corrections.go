package publish

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// The corrections feeds (Atom 1.0, paged as RFC 5005 says, newest first,
// every correction across the pages, none left out):
//
//	/feeds/corrections.atom              every campaign's corrections
//	/feeds/corrections/{campaign}.atom   one campaign's
//	….p{N}.atom                          page N (2, 3, …), linked by rel="next"
//	….en.atom, ….p{N}.en.atom            the same in English
//
// The static export writes the same files, so a link works on both.

// DefaultCorrectionsPerPage is how many entries a page of a corrections
// feed holds by default.
const DefaultCorrectionsPerPage = 50

func (s *Service) correctionsPerPage() int {
	if s.CorrectionsPerPage > 0 {
		return s.CorrectionsPerPage
	}
	return DefaultCorrectionsPerPage
}

// feedPage names a page of a corrections feed: the campaign's slug (""
// for every campaign's), the page (from 1) and the language ("vi", "en").
type feedPage struct {
	slug string
	n    int
	lang string
}

// correctionsFile matches a feed's file name: the feed's name (a
// campaign's slug, or "corrections"), its page and ".en" for English.
var correctionsFile = regexp.MustCompile(`^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.p([1-9][0-9]{0,8}))?(\.en)?\.atom$`)

// url is the address of the feed page.
func (f feedPage) url(u urls) string {
	base := strings.TrimSuffix(u.feed("corrections", "vi", 0), ".atom")
	if f.slug != "" {
		base += "/" + url.PathEscape(f.slug)
	}
	if f.n > 1 {
		base += ".p" + strconv.Itoa(f.n)
	}
	if f.lang == "en" {
		base += ".en"
	}
	return base + ".atom"
}

// at is the same feed's page n.
func (f feedPage) at(n int) feedPage { f.n = n; return f }

// correctionsPage is the portal's corrections page for a correction.
func correctionsPage(u urls, slug, unit string, day domain.Date, lang string) string {
	q := url.Values{"campaign": {slug}, "scope": {unit}, "from": {day.String()}, "to": {day.String()}}
	if lang == "en" {
		q.Set("lang", "en")
	}
	return u.home("vi") + "corrections.html?" + q.Encode()
}

// feedFile parses a feed's file name: its name, page (1 without one) and
// language.
func feedFile(file string) (name string, f feedPage, ok bool) {
	m := correctionsFile.FindStringSubmatch(file)
	if m == nil {
		return "", f, false
	}
	f = feedPage{slug: m[1], n: 1, lang: "vi"}
	if m[2] != "" {
		f.n, _ = strconv.Atoi(m[2])
	}
	if m[3] != "" {
		f.lang = "en"
	}
	return m[1], f, true
}

// campaignCorrectionsFeed serves /feeds/corrections/{file}.
func (s *Service) campaignCorrectionsFeed(w http.ResponseWriter, r *http.Request) {
	_, f, ok := feedFile(r.PathValue("file"))
	if !ok {
		s.fail(w, r, notFound("no such feed: a campaign's corrections are /feeds/corrections/{campaign}.atom, its pages {campaign}.p2.atom"))
		return
	}
	s.serveCorrections(w, r, f)
}

// serveCorrections serves a page of a corrections feed.
func (s *Service) serveCorrections(w http.ResponseWriter, r *http.Request, f feedPage) {
	b, err := s.correctionsXML(r.Context(), f, s.siteURL(), liveURLs)
	s.writeAtom(w, r, b, err)
}

// writeAtom answers with a feed (cached a minute), or with err.
func (s *Service) writeAtom(w http.ResponseWriter, r *http.Request, b []byte, err error) {
	s.writeMinute(w, r, "application/atom+xml; charset=utf-8", b, err)
}

// pagesOf is how many feed pages total corrections take (at least one).
func (s *Service) pagesOf(total int) int {
	per := s.correctionsPerPage()
	return max(1, (total+per-1)/per)
}

// correctionsFilter selects the corrections of slug's campaign ("" for
// every campaign) over all their days.
func (s *Service) correctionsFilter(ctx context.Context, slug string) (domain.CorrectionFilter, error) {
	f := domain.CorrectionFilter{From: domain.MustDate("1900-01-01"), To: domain.MustDate("9999-12-31")}
	if slug != "" {
		c, err := s.DB.CampaignBySlug(ctx, slug)
		if err != nil {
			return f, err
		}
		f.Campaign = c
	}
	return f, nil
}

// correctionsPages is how many pages the corrections feed of slug has (at
// least one, which may be empty).
func (s *Service) correctionsPages(ctx context.Context, slug string) (int, error) {
	f, err := s.correctionsFilter(ctx, slug)
	if err != nil {
		return 0, err
	}
	total, err := s.DB.CountCorrections(ctx, f)
	return s.pagesOf(total), err
}

// correctionsXML is a page of a corrections feed; base is the site's
// absolute URL.
func (s *Service) correctionsXML(ctx context.Context, fp feedPage, base string, u urls) ([]byte, error) {
	f, err := s.correctionsFilter(ctx, fp.slug)
	if err != nil {
		return nil, err
	}
	per := s.correctionsPerPage()
	f.Offset, f.Limit = (fp.n-1)*per, per
	cs, total, err := s.DB.Corrections(ctx, f)
	if err != nil {
		return nil, err
	}
	pages := s.pagesOf(total)
	if fp.n > pages {
		return nil, notFound("the feed has %d pages", pages)
	}
	campaigns, units, metrics, err := s.correctionNames(ctx, cs)
	if err != nil {
		return nil, err
	}
	title := "Tiến Độ: đính chính số liệu"
	if fp.lang == "en" {
		title = "Tiến Độ: corrections of the figures"
	}
	if f.Campaign != nil {
		title += " — " + campaignName(f.Campaign, fp.lang)
	}
	link := func(rel string, n int) atomLink {
		return atomLink{Rel: rel, Type: "application/atom+xml", Href: base + fp.at(n).url(u)}
	}
	feed := atomFeed{Lang: fp.lang, ID: base + fp.at(1).url(u), Title: title, Author: atomPerson{Name: "Tiến Độ"},
		Links:   []atomLink{link("self", fp.n), link("first", 1), link("last", pages)},
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	if fp.n > 1 {
		feed.Links = append(feed.Links, link("previous", fp.n-1))
	}
	if fp.n < pages {
		feed.Links = append(feed.Links, link("next", fp.n+1))
	}
	for _, c := range cs {
		camp, unit, m := campaigns[c.CampaignID], units[c.UnitID], metrics[c.Metric]
		if camp == nil || unit == nil || m == nil {
			return nil, fmt.Errorf("correction %d: campaign, unit or metric missing", c.ID)
		}
		updated := c.ReportedAt.UTC().Format(time.RFC3339)
		feed.Updated = max(feed.Updated, updated)
		page := base + correctionsPage(u, camp.Slug, unit.Code, c.Day, fp.lang)
		id := fmt.Sprintf("tag:tiendo,2026:correction/%s/%d", camp.Slug, c.ID)
		if fp.lang == "en" {
			id += "/en"
		}
		feed.Entries = append(feed.Entries, atomEntry{ID: id, Title: correctionTitle(c, unit, m, fp.lang), Updated: updated,
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: page}}, Summary: correctionSummary(c, camp, units, fp.lang)})
	}
	return feed.encode()
}

// encode writes the feed as an XML document.
func (feed atomFeed) encode() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// correctionNames loads the campaigns, units (corrected and submitting)
// and metrics a page of corrections names, in one query each.
func (s *Service) correctionNames(ctx context.Context, cs []*domain.Correction) (map[int64]*domain.Campaign, map[int64]*domain.Unit, map[string]*domain.Metric, error) {
	campaigns := map[int64]*domain.Campaign{}
	all, _, err := s.DB.FindCampaigns(ctx, 0, 1000)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, c := range all {
		campaigns[c.ID] = c
	}
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.UnitID)
		if c.SubmitterUnitID != nil {
			ids = append(ids, *c.SubmitterUnitID)
		}
	}
	units := map[int64]*domain.Unit{}
	if len(ids) > 0 {
		us, err := s.DB.UnitsByID(ctx, ids)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, u := range us {
			if u != nil {
				units[u.ID] = u
			}
		}
	}
	ms, err := s.DB.Metrics(ctx)
	metrics := map[string]*domain.Metric{}
	for _, m := range ms {
		metrics[m.Key] = m
	}
	return campaigns, units, metrics, err
}

// correctionTitle: "Xã Phú Lễ, thu nhận hồ sơ ngày 12/11/2023: 1.234 → 1.250"
// ("Phu Le commune, applications collected on 11/12/2023: 1,234 → 1,250").
func correctionTitle(c *domain.Correction, u *domain.Unit, m *domain.Metric, lang string) string {
	old := "–"
	if c.Previous != nil {
		old = numfmt.FormatCount(*c.Previous, lang)
	}
	unit, metric, on := u.FullName, m.NameVI, "ngày"
	if lang == "en" {
		unit, metric, on = cmp.Or(u.NameEN, u.FullName), cmp.Or(m.NameEN, m.NameVI), "on"
	}
	return fmt.Sprintf("%s, %s %s %s: %s → %s", unit, strings.ToLower(metric), on, numfmt.FormatDate(c.Day, lang),
		old, numfmt.FormatCount(c.Value, lang))
}

// summaryWords are the words of a correction's summary.
var summaryWords = map[string]struct {
	reason, unit, admin, imported, onTime, late, at, timeLayout, revised string
}{
	"vi": {"Lý do: %s. ", "Đơn vị gửi: %s. ", "Gửi bởi quản trị viên. ", "Nhập từ tệp CSV. ", "đúng hạn", "trễ hạn",
		"Báo cáo lúc %s (%s).", "15:04 02/01/2006", " Bản tin ngày này đã được đính chính."},
	"en": {"Reason: %s. ", "Sent by %s. ", "Sent by an administrator. ", "Imported from a CSV file. ", "on time", "late",
		"Reported at %s (%s).", "3:04 PM 01/02/2006", " This day's bulletin was corrected."},
}

// correctionSummary says the reason, who sent it (a unit, never a name),
// when, and whether on time.
func correctionSummary(c *domain.Correction, camp *domain.Campaign, units map[int64]*domain.Unit, lang string) string {
	w := summaryWords[lang]
	var b strings.Builder
	if r := strings.TrimSpace(c.Note); r != "" {
		fmt.Fprintf(&b, w.reason, r)
	}
	switch {
	case c.SubmitterUnitID != nil && units[*c.SubmitterUnitID] != nil:
		su := units[*c.SubmitterUnitID]
		name := su.FullName
		if lang == "en" {
			name = cmp.Or(su.NameEN, su.FullName)
		}
		fmt.Fprintf(&b, w.unit, name)
	case c.SubmitterRole != nil && *c.SubmitterRole == domain.RoleAdmin:
		b.WriteString(w.admin)
	case c.Via != nil && *c.Via == "IMPORT":
		b.WriteString(w.imported)
	}
	late := w.onTime
	if c.ReportedAt.After(camp.Deadline(c.Day)) {
		late = w.late
	}
	fmt.Fprintf(&b, w.at, c.ReportedAt.In(camp.Location()).Format(w.timeLayout), late)
	if c.BulletinRevised {
		b.WriteString(w.revised)
	}
	return b.String()
}

// campaignName is a campaign's name in lang.
func campaignName(c *domain.Campaign, lang string) string {
	if lang == "en" {
		return cmp.Or(c.NameEN, c.Name)
	}
	return c.Name
}

// exportCorrectionFeeds adds every page of every corrections feed to a
// static export.
func (s *Service) exportCorrectionFeeds(ctx context.Context, cs []*domain.Campaign, site string, u urls, add func(string, func() ([]byte, error))) error {
	slugs := []string{""}
	for _, c := range cs {
		slugs = append(slugs, c.Slug)
	}
	for _, slug := range slugs {
		pages, err := s.correctionsPages(ctx, slug)
		if err != nil {
			return err
		}
		for n := 1; n <= pages; n++ {
			for _, lang := range []string{"vi", "en"} {
				fp := feedPage{slug, n, lang}
				add(fp.url(u), func() ([]byte, error) { return s.correctionsXML(ctx, fp, site, u) })
			}
		}
	}
	return nil
}
