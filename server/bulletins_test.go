package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/publish"
)

func get(h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestBulletinDelivery publishes Bến Tre's 14/11/2023 and takes it every
// way: the GraphQL fields, the HTML column (and 304 on a second GET), the
// Atom feed, the CSV with Vietnamese intact, the JSON and the embed card.
func TestBulletinDelivery(t *testing.T) {
	ctx := context.Background()
	store := loadedDemo(t)
	svc := &publish.Service{DB: store, Now: func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }}
	c, err := store.CampaignBySlug(ctx, "ben-tre-cong-dan-so")
	if err != nil {
		t.Fatal(err)
	}
	scope, _ := store.UnitByID(ctx, c.ScopeUnitID)
	for _, d := range []string{"2023-11-13", "2023-11-14"} {
		if _, _, err := svc.Publish(ctx, c, scope, domain.MustDate(d), "test"); err != nil {
			t.Fatal(err)
		}
	}
	h := httpapi.NewRouter(store, testConfig(), quiet)
	const lead = "Tính đến ngày 14/11/2023, toàn tỉnh đã thu nhận 822.139/930.767 tài khoản ĐDĐT, đạt tỷ lệ 88,33%; kích hoạt 663.614/930.767 tài khoản, đạt tỷ lệ 71,3%."

	d := gql(t, h, `{
		b: bulletin(campaign: "ben-tre-cong-dan-so", date: "2023-11-14") { revision lead sha256 url csvUrl scope { code } revisions { revision } }
		en: bulletin(campaign: "ben-tre-cong-dan-so", date: "2023-11-14", lang: EN) { lead }
		none: bulletin(campaign: "ben-tre-cong-dan-so", date: "2023-11-20") { lead }
		all: bulletins(campaign: "ben-tre-cong-dan-so") { totalCount edges { node { date } } }
	}`)
	if at(d, "b.lead") != lead || at(d, "b.revision") != 1.0 || at(d, "b.scope.code") != "83" || at(d, "none") != nil {
		t.Errorf("bulletin: %v", d)
	}
	if !strings.HasPrefix(at(d, "en.lead").(string), "As of Nov 14, 2023, the province had collected 822,139 of 930,767") {
		t.Errorf("English lead: %v", at(d, "en.lead"))
	}
	if at(d, "all.totalCount") != 2.0 || at(d, "all.edges.0.node.date") != "2023-11-14" {
		t.Errorf("bulletins: %v", at(d, "all"))
	}

	url := at(d, "b.url").(string)
	page := get(h, url)
	if page.Code != 200 || !strings.Contains(page.Body.String(), lead) || page.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("GET %s: %d %q", url, page.Code, page.Header())
	}
	if again := get(h, url, "If-None-Match", page.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Errorf("second GET with the ETag: %d, want 304", again.Code)
	}
	if en := get(h, "/bulletins/ben-tre-cong-dan-so/2023-11-14?lang=en"); !strings.Contains(en.Body.String(), "As of Nov 14, 2023") {
		t.Errorf("English column: %d", en.Code)
	}
	if miss := get(h, "/bulletins/ben-tre-cong-dan-so/2023-11-20"); miss.Code != 404 {
		t.Errorf("an unpublished day: %d, want 404", miss.Code)
	}

	// CSV: UTF-8 with a BOM, Vietnamese intact.
	csvRec := get(h, at(d, "b.csvUrl").(string))
	body := csvRec.Body.Bytes()
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatal("the CSV has no byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("CSV: %v", err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 11 && r[7] == "Huyện Thạnh Phú" && r[3] == "activated" && r[11] == "83,77%" {
			found = true
		}
	}
	if !found {
		t.Errorf("the CSV has no row for Huyện Thạnh Phú at 83,77%%: %q", rows[:3])
	}

	// Atom 1.0: the elements RFC 4287 requires, parsed as XML.
	// Whatever Host the request names (the feed is cached publicly).
	feed := get(h, "http://evil.example/feeds/ben-tre-cong-dan-so.atom")
	if strings.Contains(feed.Body.String(), "evil.example") {
		t.Errorf("the feed links to the request's Host: %s", feed.Body)
	}
	var f struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Links   []struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(feed.Body.Bytes(), &f); err != nil || feed.Header().Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("feed: %v (%s)", err, feed.Header().Get("Content-Type"))
	}
	if f.ID == "" || f.Title == "" || f.Author.Name == "" || len(f.Entries) != 2 {
		t.Fatalf("feed lacks required elements: %+v", f)
	}
	for _, e := range f.Entries {
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.ID == "" || e.Title == "" || len(e.Links) == 0 {
			t.Errorf("entry %+v", e)
		}
		if !strings.HasPrefix(e.Links[0].Href, testSiteURL+"/bulletins/") || !strings.HasPrefix(e.ID, testSiteURL+"/") {
			t.Errorf("entry %s links to %s, not to --site-url %s", e.ID, e.Links[0].Href, testSiteURL)
		}
		for _, k := range e.Links {
			if !strings.HasPrefix(k.Href, testSiteURL+"/") {
				t.Errorf("entry %s links to %s, not to --site-url %s", e.ID, k.Href, testSiteURL)
			}
		}
	}

	if card := get(h, "http://evil.example/embed/ben-tre-cong-dan-so/836"); card.Code != 200 || !strings.Contains(card.Body.String(), "Huyện Ba Tri") ||
		strings.Contains(card.Body.String(), "evil.example") {
		t.Errorf("embed: %d, links to the request's Host: %v", card.Code, strings.Contains(card.Body.String(), "evil.example"))
	}
	// A NUL or bytes that are not UTF-8 in a path: a bad request, not a server error.
	for _, p := range []string{"/bulletins/a%00b/", "/bulletins/a%FFb/2023-11-14", "/feeds/a%00b.atom", "/downloads/a%00b/2023-11-14.csv",
		"/embed/ben-tre-cong-dan-so/8%0036", "/embed/a%00b/836"} {
		if rec := get(h, p); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "the address contains a NUL") &&
			!strings.Contains(rec.Body.String(), "the address is not valid UTF-8") {
			t.Errorf("GET %s: %d %q, want 400 saying what is wrong", p, rec.Code, rec.Body)
		}
	}
	// A revision that is not a revision number: a client's error named as
	// such, never a server error (found by a hostile-load audit: past int4
	// the database refused it, a 500 and an ERROR line each time), nor the
	// latest revision served as if asked for.
	for _, c := range []struct {
		path string
		code int
		says string
	}{
		{"/bulletins/ben-tre-cong-dan-so/2023-11-14?rev=2147483648", http.StatusNotFound, "no revision 2147483648"},
		{"/bulletins/ben-tre-cong-dan-so/2023-11-14?rev=99999999999999999999", http.StatusBadRequest, "rev="},
		{"/bulletins/ben-tre-cong-dan-so/2023-11-14?rev=abc", http.StatusBadRequest, "rev="},
		{"/bulletins/ben-tre-cong-dan-so/2023-11-14?rev=-1", http.StatusBadRequest, "rev="},
		{"/downloads/ben-tre-cong-dan-so/2023-11-14.r2147483648.json", http.StatusNotFound, "no revision 2147483648"},
		{"/downloads/ben-tre-cong-dan-so/2023-11-14.r2147483648.json.sha256", http.StatusNotFound, "no revision 2147483648"},
		{"/downloads/ben-tre-cong-dan-so/2023-11-14.json?rev=x", http.StatusBadRequest, "rev="},
		{"/bulletins/ben-tre-cong-dan-so/2023-11-14/r9223372036854775807.html", http.StatusNotFound, "no revision"},
	} {
		if rec := get(h, c.path); rec.Code != c.code || !strings.Contains(rec.Body.String(), c.says) {
			t.Errorf("GET %s: %d %.200q, want %d saying %q", c.path, rec.Code, rec.Body, c.code, c.says)
		}
	}
	if js := get(h, "/downloads/ben-tre-cong-dan-so/2023-11-14.json"); js.Code != 200 || !strings.Contains(js.Body.String(), `"licence":"CC BY 4.0"`) {
		t.Errorf("JSON download: %d", js.Code)
	}
}
