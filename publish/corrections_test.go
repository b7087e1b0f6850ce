package publish

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// feedLink is an Atom link: its relation and target.
type feedLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

type pagedFeed struct {
	Links   []feedLink `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Summary string `xml:"summary"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func (f pagedFeed) link(rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// The corrections feeds hold every correction across pages linked by
// rel="next" (no silent cap), on the server and in the static export,
// naming units, never the token or the operator that sent them.
func TestCorrectionFeeds(t *testing.T) {
	store := loaded(t)
	ctx := context.Background()
	s := &Service{DB: store, CorrectionsPerPage: 3}
	h := s.Handler()
	get := func(path string) (int, pagedFeed) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		var f pagedFeed
		if rec.Code == http.StatusOK {
			if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return rec.Code, f
	}
	// walk follows rel="next" from a feed's first page and returns every entry id.
	walk := func(path string) []string {
		t.Helper()
		var ids []string
		for pages := 0; path != ""; pages++ {
			code, f := get(path)
			if code != http.StatusOK || pages > 100 {
				t.Fatalf("%s: %d", path, code)
			}
			for _, e := range f.Entries {
				ids = append(ids, e.ID)
				if !strings.Contains(e.Title, "→") || strings.Contains(e.Summary, "demo") || !strings.Contains(e.Link.Href, "/corrections.html?") {
					t.Errorf("%s: entry %+v", path, e)
				}
			}
			path = strings.TrimPrefix(f.link("next"), "http://localhost")
		}
		return ids
	}
	total := func(c *domain.Campaign) int {
		t.Helper()
		f := domain.CorrectionFilter{Campaign: c, From: domain.MustDate("1900-01-01"), To: domain.MustDate("9999-12-31")}
		n, err := store.CountCorrections(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	c, err := store.CampaignBySlug(ctx, "ben-tre-cong-dan-so")
	if err != nil {
		t.Fatal(err)
	}
	ids := walk("/feeds/corrections/ben-tre-cong-dan-so.atom")
	if want := total(c); len(ids) != want || want <= 3 {
		t.Fatalf("Bến Tre's feed holds %d corrections across its pages, want %d (more than a page)", len(ids), want)
	}
	en := walk("/feeds/corrections/ben-tre-cong-dan-so.en.atom")
	if len(en) != len(ids) {
		t.Errorf("the English feed holds %d corrections, the Vietnamese %d", len(en), len(ids))
	}
	if _, f := get("/feeds/corrections/ben-tre-cong-dan-so.en.atom"); !strings.Contains(f.Entries[0].Title, " on ") ||
		!strings.Contains(f.Entries[0].Summary, "Sent by") || !strings.Contains(f.Entries[0].Link.Href, "lang=en") {
		t.Errorf("an English entry: %+v", f.Entries[0])
	}
	all := walk("/feeds/corrections.atom")
	seen := map[string]bool{}
	for _, id := range all {
		if seen[id] {
			t.Errorf("%s twice", id)
		}
		seen[id] = true
	}
	if want := total(nil); len(all) != want {
		t.Fatalf("the overall feed holds %d corrections, want %d", len(all), want)
	}
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("%s is in Bến Tre's feed, not in the overall one", id)
		}
	}
	for _, path := range []string{"/feeds/corrections/ben-tre-cong-dan-so.p999.atom", "/feeds/corrections/nope.atom",
		"/feeds/corrections/ben-tre-cong-dan-so.p0.atom", "/feeds/corrections.p999.atom"} {
		if code, _ := get(path); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, code)
		}
	}

	// The static export writes every page; its next links are its files.
	dir := t.TempDir()
	if _, err := s.Export(ctx, ExportOptions{Dir: dir, Base: "/td/", SiteURL: "https://tiendo.example.org"}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for file := "feeds/corrections/ben-tre-cong-dan-so.atom"; file != ""; n++ {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		var f pagedFeed
		if err := xml.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(f.Entries[0].Link.Href, "https://tiendo.example.org/td/corrections.html?") {
			t.Errorf("%s links %s", file, f.Entries[0].Link.Href)
		}
		file = strings.TrimPrefix(f.link("next"), "https://tiendo.example.org/td/")
	}
	if want := (total(c) + 2) / 3; n != want {
		t.Errorf("the export's Bến Tre feed has %d pages, want %d", n, want)
	}
	for _, f := range []string{"corrections.atom", "corrections.en.atom", "corrections/ben-tre-cong-dan-so.p2.en.atom"} {
		if _, err := os.Stat(filepath.Join(dir, "feeds", filepath.FromSlash(f))); err != nil {
			t.Error(err)
		}
	}
}
