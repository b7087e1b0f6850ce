package publish

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/press"
)

// The Atom feeds are paged as archived feeds (RFC 5005): the current feed
// ({name}.atom) holds the newest FeedPage revisions published, and names
// with prev-archive the newest archive page; archive page N
// ({name}/archive/N.atom) holds revisions (N-1)·FeedPage+1 … N·FeedPage in
// the order they were published, and never changes once full (only full
// pages exist). Together they hold every revision ever published. Each
// feed has an English twin (.en.atom).

// historyNS is RFC 5005's namespace, of <fh:archive/>.
const historyNS = "http://purl.org/syndication/history/1.0"

// Atom 1.0 (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Rights  string      `xml:"rights"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Archive *struct{}   `xml:"http://purl.org/syndication/history/1.0 archive"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Title string `xml:"title,attr,omitempty"`
	Href  string `xml:"href,attr"`
}

type atomEntry struct {
	ID        string       `xml:"id"`
	Title     string       `xml:"title"`
	Updated   string       `xml:"updated"`
	Published string       `xml:"published,omitempty"`
	Links     []atomLink   `xml:"link"`
	Summary   string       `xml:"summary"`
	Content   *atomContent `xml:"content"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// feedPage is how many entries a feed document holds.
func (s *Service) feedPage() int {
	if s.FeedPage > 0 {
		return s.FeedPage
	}
	return 50
}

// feedName splits a feed's file name: "ben-tre.en.atom" is ben-tre in English.
func feedName(file string) (name, lang string, ok bool) {
	name, ok = strings.CutSuffix(file, ".atom")
	if !ok {
		return "", "", false
	}
	if n, en := strings.CutSuffix(name, ".en"); en {
		return n, "en", n != ""
	}
	return name, "vi", name != ""
}

func (s *Service) feed(w http.ResponseWriter, r *http.Request) {
	if name, f, ok := feedFile(r.PathValue("feed")); ok && name == "corrections" {
		f.slug = ""
		s.serveCorrections(w, r, f) // see corrections.go
		return
	}
	name, l, ok := feedName(r.PathValue("feed"))
	if !ok {
		s.fail(w, r, notFound("feeds are NAME.atom or NAME.en.atom"))
		return
	}
	s.serveFeed(w, r, name, l, 0, "public, max-age=60")
}

func (s *Service) feedArchive(w http.ResponseWriter, r *http.Request) {
	n, l, ok := feedName(r.PathValue("page"))
	page, err := strconv.Atoi(n)
	if !ok || err != nil || page < 1 {
		s.fail(w, r, notFound("archive pages are N.atom or N.en.atom, N from 1"))
		return
	}
	// A full archive page never changes.
	s.serveFeed(w, r, r.PathValue("feed"), l, page, "public, max-age=86400")
}

func (s *Service) serveFeed(w http.ResponseWriter, r *http.Request, name, l string, page int, cache string) {
	b, err := s.feedXML(r.Context(), name, l, page, s.siteURL(), s.live())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", cache)
	w.Write(b)
}

// feedFilter selects the editions of a feed ("bulletins": every campaign's)
// and names it in a language.
func (s *Service) feedFilter(ctx context.Context, name, l string) (db.EditionFilter, string, error) {
	if name == "bulletins" {
		return db.EditionFilter{}, map[string]string{"vi": "Tiến Độ: bản tin tiến độ", "en": "Tiến Độ: progress bulletins"}[l], nil
	}
	c, scope, err := s.campaign(ctx, name)
	if err != nil {
		return db.EditionFilter{}, "", err
	}
	title := c.Name
	if l == "en" && c.NameEN != "" {
		title = c.NameEN
	}
	return db.EditionFilter{CampaignID: &c.ID, ScopeID: &scope.ID}, "Tiến Độ: " + title, nil
}

// feedPages is how many full archive pages a feed has.
func (s *Service) feedPages(ctx context.Context, name string) (int, error) {
	f, _, err := s.feedFilter(ctx, name, "vi")
	if err != nil {
		return 0, err
	}
	f.Limit = 1
	_, total, err := s.DB.Editions(ctx, f)
	return total / s.feedPage(), err
}

// feedXML is a document of the Atom feed of every edition (name
// "bulletins") or of one campaign's, in a language: page 0 the current
// feed, page N its Nth archive page. base is the site's absolute URL, which
// ids and links start with.
func (s *Service) feedXML(ctx context.Context, name, l string, page int, base string, u urls) ([]byte, error) {
	f, title, err := s.feedFilter(ctx, name, l)
	if err != nil {
		return nil, err
	}
	size := s.feedPage()
	f.Limit, f.Published = size, -1
	if page > 0 {
		f.Offset, f.Published = (page-1)*size, 1
	}
	eds, total, err := s.DB.Editions(ctx, f)
	if err != nil {
		return nil, err
	}
	full := total / size
	if page > full {
		return nil, notFound("the feed %s has %d archive pages", name, full)
	}
	t, err := s.trust(ctx)
	if err != nil {
		return nil, err
	}
	rights := map[string]string{"vi": "Giấy phép ", "en": "Licence "}[l] + Licence + " (" + LicenceURL + ")"
	if t.Demo {
		rights = map[string]string{"vi": "Dữ liệu minh hoạ, không phải số liệu chính thức. ", "en": "Demo data, not official figures. "}[l] + rights
	}
	current := base + u.feed(name, l, 0)
	feed := atomFeed{Lang: l, ID: current, Title: title, Rights: rights, Author: atomPerson{Name: "Tiến Độ"},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + u.feed(name, l, page)},
			{Rel: "alternate", Type: "text/html", Href: base + u.archiveAll(l)}},
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	archive := func(rel string, n int) {
		feed.Links = append(feed.Links, atomLink{Rel: rel, Type: "application/atom+xml", Href: base + u.feed(name, l, n)})
	}
	switch {
	case page == 0 && full > 0:
		archive("prev-archive", full)
	case page > 0:
		feed.Archive = &struct{}{}
		archive("current", 0)
		if page > 1 {
			archive("prev-archive", page-1)
		}
		if page < full {
			archive("next-archive", page+1)
		}
	}
	for _, e := range eds {
		entry, err := feedEntry(e, l, base, u)
		if err != nil {
			return nil, err
		}
		feed.Updated = max(feed.Updated, entry.Updated)
		feed.Entries = append(feed.Entries, entry)
	}
	return feed.encode()
}

// feedEntry is one revision as an entry: its full text, and links to its
// column and its downloads (which never change).
func feedEntry(e *db.Edition, l, base string, u urls) (atomEntry, error) {
	pe, err := press.Unmarshal(e.Content, e.Hash)
	if err != nil {
		return atomEntry{}, err
	}
	slug, date := pe.Campaign, e.Day.String()
	link := base + u.column(slug, date, l, e.Revision)
	text := pe.Text(l)
	title := text.Title
	if e.Revision > 1 {
		title += map[string]string{"vi": fmt.Sprintf(" (bản %d, đính chính)", e.Revision), "en": fmt.Sprintf(" (revision %d, corrected)", e.Revision)}[l]
	}
	csv, js := base+u.download(slug, date, "csv", e.Revision), base+u.download(slug, date, "json", e.Revision)
	xlsx := base + u.download(slug, date, "xlsx", e.Revision)
	lead, items := pe.CorrectionText(l)
	var body bytes.Buffer
	err = entryHTML.Execute(&body, map[string]any{"EN": l == "en", "Text": text, "Correction": lead, "Items": items,
		"CSV": csv, "XLSX": xlsx, "JSON": js, "Link": link, "Hash": e.Hash})
	updated := e.PublishedAt.UTC().Format(time.RFC3339)
	return atomEntry{ID: link, Title: title, Updated: updated, Published: updated, Summary: text.Lead,
		Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: link},
			{Rel: "related", Type: "text/csv", Title: "CSV", Href: csv},
			{Rel: "related", Type: seriesContentType["xlsx"], Title: "XLSX", Href: xlsx},
			{Rel: "related", Type: "application/json", Title: "JSON", Href: js}},
		Content: &atomContent{Type: "html", Body: body.String()}}, err
}

// entryHTML is an entry's content: the column's text, its correction
// notice, and its downloads.
var entryHTML = template.Must(template.New("entry").Parse(
	`{{if .Correction}}<p><strong>{{if .EN}}Correction{{else}}Đính chính{{end}}:</strong> {{.Correction}}</p><ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul>{{end}}` +
		`<p><strong>{{.Text.Lead}}</strong></p>{{range .Text.Paragraphs}}<p>{{.}}</p>{{end}}` +
		`<p><a href="{{.Link}}">{{if .EN}}Full bulletin{{else}}Toàn văn bản tin{{end}}</a> · <a href="{{.CSV}}">CSV</a> · <a href="{{.XLSX}}">XLSX</a> · <a href="{{.JSON}}">JSON</a> · SHA-256 <code>{{.Hash}}</code></p>`))
