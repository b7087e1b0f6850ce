package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/portal"
)

// TestPortalReadsByHash: the portal reads by GET with the persisted-query
// extension alone. Its documents are known from the server's start
// (trusted), so the first such GET is answered; the answer carries an ETag
// and Cache-Control, and a GET with If-None-Match is a 304. A document the
// server does not know is PersistedQueryNotFound (200 under
// application/json, as the portal asks), registered by the same GET with
// its text, and known by its hash from then on.
func TestPortalReadsByHash(t *testing.T) {
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	_, cfg := liveConfig(t, store)
	h := httpapi.NewRouter(store, cfg, quiet)
	get := func(query string, variables map[string]any, full bool, inm string) *httptest.ResponseRecorder {
		sum := sha256.Sum256([]byte(query))
		q := url.Values{"extensions": {`{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`}}
		if full {
			q.Set("query", query)
		}
		if variables != nil {
			v, _ := json.Marshal(variables)
			q.Set("variables", string(v))
		}
		req := httptest.NewRequest(http.MethodGet, "/graphql?"+q.Encode(), nil)
		req.Header.Set("Accept", "application/json")
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	docs := portal.Queries()
	if len(docs) < 15 {
		t.Fatalf("portal.Queries found %d documents", len(docs))
	}
	// Every portal document is known by its hash (variables missing or not).
	var ranking string
	for _, d := range docs {
		if rec := get(d, nil, false, ""); strings.Contains(rec.Body.String(), "PersistedQueryNotFound") {
			t.Errorf("not trusted: %.80s", d)
		}
		if strings.HasPrefix(d, "query Ranking(") && strings.Contains(d, "$map: ReformMap") {
			ranking = d // the rankings page's
		}
	}
	if ranking == "" {
		t.Fatal("the rankings page's query is not among portal.Queries")
	}
	vars := map[string]any{"c": "ref", "m": "collected", "d": "2023-12-10", "s": nil, "l": "PROVINCE", "first": 100, "lang": "VI", "map": nil}
	first := get(ranking, vars, false, "")
	etag := first.Header().Get("ETag")
	if first.Code != 200 || etag == "" || first.Header().Get("Cache-Control") != "public, max-age=5, stale-while-revalidate=30" ||
		!strings.Contains(first.Body.String(), `"totalCount"`) || strings.Contains(first.Body.String(), `"errors"`) {
		t.Fatalf("the rankings page's read: %d, ETag %q, Cache-Control %q: %.300s", first.Code, etag, first.Header().Get("Cache-Control"), first.Body)
	}
	if again := get(ranking, vars, false, etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidating with the ETag: %d (%d bytes), want 304", again.Code, again.Body.Len())
	}

	// A document built as a page runs: the standard round trip, once.
	const built = `query Progress($c: String!) { m0: campaign(slug: $c) { slug } }`
	miss := get(built, map[string]any{"c": "ref"}, false, "")
	if miss.Code != 200 || !strings.Contains(miss.Body.String(), "PersistedQueryNotFound") {
		t.Fatalf("an unknown hash: %d %s", miss.Code, miss.Body)
	}
	if reg := get(built, map[string]any{"c": "ref"}, true, ""); reg.Code != 200 || !strings.Contains(reg.Body.String(), `"slug":"ref"`) {
		t.Fatalf("the same GET with its text: %d %s", reg.Code, reg.Body)
	}
	if hit := get(built, map[string]any{"c": "ref"}, false, ""); hit.Code != 200 || !strings.Contains(hit.Body.String(), `"slug":"ref"`) {
		t.Errorf("by its hash once registered: %d %s", hit.Code, hit.Body)
	}
}
