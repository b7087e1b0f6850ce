package publish

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
)

type feedDoc struct {
	Lang    string     `xml:"lang,attr"`
	Archive *struct{}  `xml:"http://purl.org/syndication/history/1.0 archive"`
	Links   []feedLink `xml:"link"`
	Entries []struct {
		ID      string     `xml:"id"`
		Links   []feedLink `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

// checkFeeds follows each feed of s from its current document through its
// prev-archive links, in both languages, reading documents with read and
// entry links with get (paths under site, which u names), and checks that
// the pages together hold every revision published, that entries carry
// the full text as HTML, and that every link of an entry resolves.
func checkFeeds(t *testing.T, s *Service, site string, u urls, get func(path string) bool, read func(path string) []byte) {
	t.Helper()
	ctx := context.Background()
	cs, _, err := s.DB.FindCampaigns(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	slugs := map[int64]string{}
	names := []string{"bulletins"}
	for _, c := range cs {
		names = append(names, c.Slug)
		slugs[c.ID] = c.Slug
	}
	for _, name := range names {
		f := db.EditionFilter{Limit: 100000}
		if name != "bulletins" {
			c, scope, err := s.campaign(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			f.CampaignID, f.ScopeID = &c.ID, &scope.ID
		}
		eds, _, err := s.DB.Editions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"vi", "en"} {
			seen := map[string]bool{}
			next, pages := site+u.feed(name, l, 0), 0
			for next != "" {
				doc := next
				pages++
				var d feedDoc
				if err := xml.Unmarshal(read(strings.TrimPrefix(doc, site)), &d); err != nil {
					t.Fatalf("%s: %v", doc, err)
				}
				if d.Lang != l || (pages > 1) != (d.Archive != nil) {
					t.Errorf("%s: lang %q, fh:archive %v", doc, d.Lang, d.Archive != nil)
				}
				next = ""
				for _, k := range d.Links {
					if k.Rel == "prev-archive" {
						next = k.Href
					}
				}
				for _, e := range d.Entries {
					seen[e.ID] = true
					if e.Content.Type != "html" || !strings.Contains(e.Content.Body, "<p><strong>") {
						t.Errorf("%s: entry %s has no HTML text: %q", doc, e.ID, e.Content.Body)
					}
					exts := ""
					for _, k := range e.Links[1:] {
						u, _ := url.Parse(k.Href)
						exts += path.Ext(u.Path)
					}
					if exts != ".csv.xlsx.json" {
						t.Errorf("%s: entry %s links %v: want the column, CSV, XLSX and JSON", doc, e.ID, e.Links)
					}
					for _, k := range e.Links {
						if !strings.HasPrefix(k.Href, site+"/") || !get(strings.TrimPrefix(k.Href, site)) {
							t.Errorf("%s: entry %s links %s, which does not resolve", doc, e.ID, k.Href)
						}
					}
				}
			}
			if pages < 2 && len(eds) > s.feedPage() {
				t.Errorf("feed %s (%s): one page for %d revisions", name, l, len(eds))
			}
			for _, e := range eds {
				if id := site + u.column(slugs[e.CampaignID], e.Day.String(), l, e.Revision); !seen[id] {
					t.Errorf("feed %s (%s): %s is on no page", name, l, id)
				}
			}
		}
	}
}

// TestFeedsServed: the server's feeds, paged, hold every revision, in
// both languages, and their entries' links answer 200. (Before: one page
// of 50, Vietnamese only, no downloads.)
func TestFeedsServed(t *testing.T) {
	s := published(t)
	h := s.Handler()
	do := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	get := func(path string) bool { return do(path).Code == http.StatusOK }
	read := func(path string) []byte {
		rec := do(path)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		return rec.Body.Bytes()
	}
	checkFeeds(t, s, s.siteURL(), s.live(), get, read)
	if rec := do("/feeds/bulletins/archive/99.atom"); rec.Code != http.StatusNotFound {
		t.Errorf("an archive page beyond the last: %d", rec.Code)
	}
}

// published publishes what the demo has due on 14/6/2023 (Hải Phòng's 13
// days and Khánh Hòa's 9), with feeds of 5 entries a page.
func published(t *testing.T) *Service {
	t.Helper()
	s := &Service{DB: loaded(t), Now: func() time.Time { return at("2023-06-14") }, FeedPage: 5}
	if n, err := s.PublishDue(context.Background()); err != nil || n != 22 {
		t.Fatalf("published %d revisions (%v), want 22", n, err)
	}
	return s
}

// checkStaticFeeds checks the feeds of the static export in dir.
func checkStaticFeeds(t *testing.T, s *Service, dir, site string) {
	t.Helper()
	file := func(path string) string {
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(path, "/")))
		if strings.HasSuffix(path, "/") {
			p = filepath.Join(p, "index.html")
		}
		return p
	}
	get := func(path string) bool { _, err := os.Stat(file(path)); return err == nil }
	read := func(path string) []byte {
		b, err := os.ReadFile(file(path))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	checkFeeds(t, s, site, staticURLs("/"), get, read)
}
