package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestCacheKeyedByVersions: a ranking's answer stays cached while its
// campaign's figures version stands, whatever happens to another
// campaign, and goes when its own changes; GETs carry validators.
func TestCacheKeyedByVersions(t *testing.T) {
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	other, err := store.CreateCampaign(ctx, &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: "other", Name: "Khác", Start: domain.MustDate("2023-12-01"), End: domain.MustDate("2023-12-20"),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"collected"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.RefreshFigures(ctx, other.ID, other.Start, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	so, cfg := liveConfig(t, store)
	h := httpapi.NewRouter(store, cfg, quiet)
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
		changed := so.hub.Changed()
		if _, err := store.Pool.Exec(ctx, `UPDATE figures_state SET updated_at = clock_timestamp() WHERE campaign_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		select {
		case <-changed:
		case <-time.After(5 * time.Second):
			t.Fatal("no announcement")
		}
	}
	const ranking = `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", level: PROVINCE) { totalCount edges { node { rank figure unit { name } } } } }`
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
