package publish

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/progress"
)

// The corrections feeds (Atom 1.0, paged as RFC 5005 says, newest first,
// every correction across the pages, none left out):
//
//	/feeds/corrections.atom              every campaign's corrections
//	/feeds/corrections/{campaign}.atom   one campaign's
//	….p{N}.atom                          page N (2, 3, …), linked by rel="next"
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

// correctionsFile matches a feed's file name: the feed's name (a
// campaign's slug, or "corrections") and its page.
var correctionsFile = regexp.MustCompile(`^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.p([1-9][0-9]{0,8}))?\.atom$`)

// correctionsFeedURL is the address of page n of the corrections feed of
// slug ("" for every campaign's).
func correctionsFeedURL(u urls, slug string, n int) string {
	base := strings.TrimSuffix(u.feed("corrections"), ".atom")
	if slug != "" {
		base += "/" + url.PathEscape(slug)
	}
	if n > 1 {
		return base + ".p" + strconv.Itoa(n) + ".atom"
	}
	return base + ".atom"
}

// correctionsPage is the portal's corrections page for a correction.
func correctionsPage(u urls, slug, unit string, day domain.Date) string {
	q := url.Values{"campaign": {slug}, "scope": {unit}, "from": {day.String()}, "to": {day.String()}}
	home := u.home("vi")
	return home + "corrections.html?" + q.Encode()
}

// feedFile parses a feed's file name: its name and page (1 without one).
func feedFile(file string) (name string, page int, ok bool) {
	m := correctionsFile.FindStringSubmatch(file)
	if m == nil {
		return "", 0, false
	}
	page = 1
	if m[2] != "" {
		page, _ = strconv.Atoi(m[2])
	}
	return m[1], page, true
}

// campaignCorrectionsFeed serves /feeds/corrections/{file}.
func (s *Service) campaignCorrectionsFeed(w http.ResponseWriter, r *http.Request) {
	slug, n, ok := feedFile(r.PathValue("file"))
	if !ok {
		s.fail(w, r, notFound("no such feed: a campaign's corrections are /feeds/corrections/{campaign}.atom, its pages {campaign}.p2.atom"))
		return
	}
	s.serveCorrections(w, r, slug, n)
}

// serveCorrections serves page n of the corrections feed of slug ("" for
// every campaign's).
func (s *Service) serveCorrections(w http.ResponseWriter, r *http.Request, slug string, n int) {
	b, err := s.correctionsXML(r.Context(), slug, n, baseURL(r), liveURLs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Write(b)
}

// pagesOf is how many feed pages total corrections take (at least one).
func (s *Service) pagesOf(total int) int {
	per := s.correctionsPerPage()
	return max(1, (total+per-1)/per)
}

// correctionsFilter selects the corrections of slug's campaign ("" for
// every campaign) over all their days.
func (s *Service) correctionsFilter(ctx context.Context, slug string) (db.CorrectionFilter, error) {
	f := db.CorrectionFilter{From: domain.MustDate("1900-01-01"), To: domain.MustDate("9999-12-31")}
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

// correctionsXML is page n of the corrections feed of slug ("" for every
// campaign's); base is the site's absolute URL.
func (s *Service) correctionsXML(ctx context.Context, slug string, n int, base string, u urls) ([]byte, error) {
	f, err := s.correctionsFilter(ctx, slug)
	if err != nil {
		return nil, err
	}
	per := s.correctionsPerPage()
	f.Offset, f.Limit = (n-1)*per, per
	cs, total, err := s.DB.Corrections(ctx, f)
	if err != nil {
		return nil, err
	}
	pages := s.pagesOf(total)
	if n > pages {
		return nil, notFound("the feed has %d pages", pages)
	}
	campaigns, units, metrics, err := s.correctionNames(ctx, cs)
	if err != nil {
		return nil, err
	}
	title := "Tiến Độ: đính chính số liệu"
	if f.Campaign != nil {
		title += " — " + f.Campaign.Name
	}
	self := base + correctionsFeedURL(u, slug, n)
	feed := atomFeed{Lang: "vi", ID: base + correctionsFeedURL(u, slug, 1), Title: title, Author: atomPerson{Name: "Tiến Độ"},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "first", Type: "application/atom+xml", Href: base + correctionsFeedURL(u, slug, 1)},
			{Rel: "last", Type: "application/atom+xml", Href: base + correctionsFeedURL(u, slug, pages)}},
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	if n > 1 {
		feed.Links = append(feed.Links, atomLink{Rel: "previous", Type: "application/atom+xml", Href: base + correctionsFeedURL(u, slug, n-1)})
	}
	if n < pages {
		feed.Links = append(feed.Links, atomLink{Rel: "next", Type: "application/atom+xml", Href: base + correctionsFeedURL(u, slug, n+1)})
	}
	for _, c := range cs {
		camp, unit, m := campaigns[c.CampaignID], units[c.UnitID], metrics[c.Metric]
		if camp == nil || unit == nil || m == nil {
			return nil, fmt.Errorf("correction %d: campaign, unit or metric missing", c.ID)
		}
		updated := c.ReportedAt.UTC().Format(time.RFC3339)
		feed.Updated = max(feed.Updated, updated)
		link := base + correctionsPage(u, camp.Slug, unit.Code, c.Day)
		feed.Entries = append(feed.Entries, atomEntry{ID: fmt.Sprintf("tag:tiendo,2026:correction/%s/%d", camp.Slug, c.ID),
			Title: correctionTitle(c, unit, m), Updated: updated, Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Summary: correctionSummary(c, camp, units)})
	}
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
func (s *Service) correctionNames(ctx context.Context, cs []*db.Correction) (map[int64]*domain.Campaign, map[int64]*domain.Unit, map[string]*domain.Metric, error) {
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

// correctionTitle: "Xã Phú Lễ, thu nhận hồ sơ ngày 12/11/2023: 1.234 → 1.250".
func correctionTitle(c *db.Correction, u *domain.Unit, m *domain.Metric) string {
	old := "–"
	if c.Previous != nil {
		old = progress.FormatCount(*c.Previous, "vi")
	}
	return fmt.Sprintf("%s, %s ngày %s: %s → %s", u.FullName, strings.ToLower(m.NameVI), progress.FormatDate(c.Day, "vi"),
		old, progress.FormatCount(c.Value, "vi"))
}

// correctionSummary says the reason, who sent it (a unit, never a name),
// when, and whether on time.
func correctionSummary(c *db.Correction, camp *domain.Campaign, units map[int64]*domain.Unit) string {
	var b strings.Builder
	if r := strings.TrimSpace(c.Note); r != "" {
		fmt.Fprintf(&b, "Lý do: %s. ", r)
	}
	switch {
	case c.SubmitterUnitID != nil && units[*c.SubmitterUnitID] != nil:
		fmt.Fprintf(&b, "Đơn vị gửi: %s. ", units[*c.SubmitterUnitID].FullName)
	case c.SubmitterRole != nil && *c.SubmitterRole == db.RoleAdmin:
		b.WriteString("Gửi bởi quản trị viên. ")
	case c.Via != nil && *c.Via == "IMPORT":
		b.WriteString("Nhập từ tệp CSV. ")
	}
	late := "đúng hạn"
	if c.ReportedAt.After(camp.Deadline(c.Day)) {
		late = "trễ hạn"
	}
	loc := camp.Location()
	fmt.Fprintf(&b, "Báo cáo lúc %s (%s).", c.ReportedAt.In(loc).Format("15:04 02/01/2006"), late)
	if c.BulletinRevised {
		b.WriteString(" Bản tin ngày này đã được đính chính.")
	}
	return b.String()
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
			add(correctionsFeedURL(u, slug, n), func() ([]byte, error) { return s.correctionsXML(ctx, slug, n, site, u) })
		}
	}
	return nil
}
