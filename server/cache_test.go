package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// versionedWorld is the spec's example (campaign ref) and a campaign
// "other" over VN tracking collected from start to end, both with figures,
// behind a router that follows the database's announcements.
type versionedWorld struct {
	store      *db.DB
	ref, other *domain.Campaign
	h          http.Handler
	so         *scaleOut
}

func newVersionedWorld(t *testing.T, ctx context.Context, start, end string) *versionedWorld {
	t.Helper()
	w := &versionedWorld{store: dbtest.New(t)}
	w.ref = dbtest.MustLoadExample(t, w.store)
	var err error
	w.other, err = w.store.CreateCampaign(ctx, &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: "other", Name: "Khác", Start: domain.MustDate(start), End: domain.MustDate(end),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"collected"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.RefreshFigures(ctx, w.other.ID, w.other.Start, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	so, cfg := liveConfig(t, w.store)
	w.h, w.so = httpapi.NewRouter(w.store, cfg, quiet), so
	return w
}

// announced runs change and waits for the next announcement of a version.
func (w *versionedWorld) announced(t *testing.T, change func()) {
	t.Helper()
	changed := w.so.hub.Changed()
	change()
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no announcement")
	}
}

// TestCacheKeyedByVersions: a ranking's answer stays cached while its
// campaign's figures version stands, whatever happens to another
// campaign, and goes when its own changes; GETs carry validators.
func TestCacheKeyedByVersions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	w := newVersionedWorld(t, ctx, "2023-12-01", "2023-12-20")
	store, c, other, h := w.store, w.ref, w.other, w.h
	get := func(query, inm string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(query), nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// bump rewrites a campaign's figures version and waits for the announcement.
	bump := func(id int64) {
		w.announced(t, func() {
			if _, err := store.Pool.Exec(ctx, `UPDATE figures_state SET updated_at = clock_timestamp() WHERE campaign_id = $1`, id); err != nil {
				t.Fatal(err)
			}
		})
	}
	const ranking = `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", level: PROVINCE) { totalCount edges { node { rank figure unit { name } } } } }`
	sameMinute()
	first := get(ranking, "")
	if first.Code != 200 || first.Header().Get("ETag") == "" || first.Header().Get("Cache-Control") != "public, max-age=5, stale-while-revalidate=30" {
		t.Fatalf("first answer: %d, ETag %q, Cache-Control %q: %s", first.Code, first.Header().Get("ETag"), first.Header().Get("Cache-Control"), first.Body)
	}
	if got := get(ranking, ""); got.Header().Get("X-Cache") != "hit" {
		t.Fatalf("the second ask was not a hit: %q", got.Header().Get("X-Cache"))
	}
	metrics := httptest.NewRecorder()
	h.ServeHTTP(metrics, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{`tiendo_cache_requests_total{layer="response",result="hit"}`, `tiendo_figures_refresh_duration_seconds_count{trigger="refresh"}`} {
		if !strings.Contains(metrics.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if got := get(ranking, first.Header().Get("ETag")); got.Code != http.StatusNotModified || got.Body.Len() != 0 {
		t.Errorf("If-None-Match with the ETag: %d (%d bytes), want 304", got.Code, got.Body.Len())
	}
	bump(other.ID)
	if got := get(ranking, ""); got.Header().Get("X-Cache") != "hit" {
		t.Errorf("a change to another campaign emptied this one's answer (X-Cache %q)", got.Header().Get("X-Cache"))
	}
	bump(c.ID)
	if got := get(ranking, ""); got.Header().Get("X-Cache") == "hit" {
		t.Error("the campaign's own change left its old answer cached")
	}
	// A query that reads more than versioned figures goes by the snapshot:
	// revalidated every time.
	units := get(`{ units(kind: PROVINCE) { totalCount } }`, "")
	if units.Header().Get("Cache-Control") != "public, no-cache" {
		t.Errorf("units: Cache-Control %q, want public, no-cache", units.Header().Get("Cache-Control"))
	}
	if typename := get(`{ __typename }`, ""); typename.Header().Get("Cache-Control") != "public, max-age=5, stale-while-revalidate=30" {
		t.Errorf("__typename: Cache-Control %q", typename.Header().Get("Cache-Control"))
	}
}

// TestProgressCachedByVersions (issue #14): a series' answer is proven
// current by its campaign's figures version, as a ranking's is. It stays
// cached through a write and refresh of another campaign, and through a
// write to its own campaign until that campaign's refresh (a fresh read
// answers the same meanwhile: the series reads the figures alone); the
// refresh replaces it. A correction and its correction back to the first
// value leave the figure as it was, yet the refresh shows three revisions.
func TestProgressCachedByVersions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The other campaign's days follow ref's: a report for them never
	// reaches ref's figures.
	w := newVersionedWorld(t, ctx, "2023-12-21", "2024-01-10")
	type point struct {
		Figure        int64
		RevisionCount int
		Corrected     bool
		Revisions     []struct{ Revision, Value int64 }
	}
	get := func(query string) (point, string) {
		t.Helper()
		rec := httptest.NewRecorder()
		w.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(query), nil))
		var resp struct {
			Data struct {
				Progress struct{ Edges []struct{ Node point } }
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || rec.Code != 200 || len(resp.Data.Progress.Edges) != 1 {
			t.Fatalf("%d %v: %s", rec.Code, err, rec.Body)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=5, stale-while-revalidate=30" && rec.Header().Get("X-Cache") == "" {
			t.Errorf("a series' answer: Cache-Control %q, want the versioned one", cc)
		}
		return resp.Data.Progress.Edges[0].Node, rec.Header().Get("X-Cache")
	}
	// refresh refreshes a campaign's figures and waits for the announcement
	// of their new version.
	refresh := func(id int64) {
		t.Helper()
		w.announced(t, func() {
			if n, err := w.store.RefreshFigures(ctx, id, 0, dbtest.ExampleNow); err != nil || n == 0 {
				t.Fatalf("refresh of campaign %d: %d figures written (%v)", id, n, err)
			}
		})
	}
	const q = `{ progress(campaign: "ref", unitCode: "90001", metric: "collected", from: "2023-12-10", to: "2023-12-10") {
		edges { node { figure revisionCount corrected revisions { revision value } } } } }`
	fresh := strings.Replace(q, "figure", " figure", 1) // another request: never a hit of q's
	sameMinute()
	first, _ := get(q)
	if first.Figure != 1328 || first.RevisionCount != 1 || len(first.Revisions) != 1 {
		t.Fatalf("before any correction: %+v", first)
	}
	if _, x := get(q); x != "hit" {
		t.Fatalf("the second ask was not a hit: %q", x)
	}

	dbtest.MustImportReports(t, w.store, "unit_code,metric,date,value,note\n90001,collected,2023-12-25,2500,\n")
	refresh(w.other.ID)
	if p, x := get(q); x != "hit" || p.RevisionCount != 1 {
		t.Errorf("a write and refresh of another campaign emptied this one's series (X-Cache %q, %+v)", x, p)
	}

	// 1328 corrected to 1329, then back to 1328: committed, not refreshed.
	dbtest.MustImportReports(t, w.store, "unit_code,metric,date,value,note\n90001,collected,2023-12-10,1329,gõ nhầm\n")
	dbtest.MustImportReports(t, w.store, "unit_code,metric,date,value,note\n90001,collected,2023-12-10,1328,sửa lại\n")
	cached, x := get(q)
	direct, y := get(fresh)
	if x != "hit" || y == "hit" {
		t.Errorf("before its refresh, X-Cache %q for the cached series and %q for another request; want hit and a miss", x, y)
	}
	if cached.RevisionCount != 1 || direct.RevisionCount != 1 || len(direct.Revisions) != 1 || direct.Corrected {
		t.Errorf("before the refresh a series is its figures version's: cached %+v, fresh %+v; want one revision in both", cached, direct)
	}

	refresh(w.ref.ID)
	got, x := get(q)
	if x == "hit" {
		t.Error("the campaign's own refresh left its old series cached")
	}
	if got.Figure != 1328 || got.RevisionCount != 3 || !got.Corrected || len(got.Revisions) != 3 || got.Revisions[1].Value != 1329 {
		t.Errorf("after the refresh: %+v; want 1328, three revisions (the second 1329), corrected", got)
	}
}

// sameMinute waits, when less than 20 s of the minute are left, for the
// next: the response cache's key holds the minute, so hits asserted across
// a minute's end would be misses that say nothing of the versions.
func sameMinute() {
	if s := time.Now().Second(); s > 40 {
		time.Sleep(time.Duration(61-s) * time.Second)
	}
}
