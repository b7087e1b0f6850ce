package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// TestReadsFromAReplica runs the API over a real primary and streaming
// standby: queries are answered by the standby, a writer reads its own
// write at once, on the server it wrote through and on another (where the
// write's refresh committed before the read: its query must not read the
// paused standby), /readyz and /metrics describe the replica.
func TestReadsFromAReplica(t *testing.T) {
	primaryURL, standbyURL, _ := dbtest.ReplicaPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	store, err := db.Open(ctx, primaryURL, db.Options{Tracer: telemetry.PGX{Pool: "primary"}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dbtest.MustLoadExample(t, store)
	const admin = "scale-test-admin-secret-0123456789"
	if err := bootstrapAdmin(ctx, store, admin, quiet); err != nil {
		t.Fatal(err)
	}
	so, err := startScaleOut(ctx, store, scaleConfig{replicaURLs: standbyURL, replicaLag: 5 * time.Second,
		replicaWait: time.Second, liveMax: 10, livePerAddr: 5}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer so.close()
	store.UseReplicas(so.replicas)
	cfg := testConfig()
	cfg.Live, cfg.ReadyLines = so.hub, so.readyLines
	cfg.Limits.CacheBytes = -1
	h, other := httpapi.NewRouter(store, cfg, quiet), httpapi.NewRouter(store, cfg, quiet)
	for deadline := time.Now().Add(30 * time.Second); !so.replicas.Status()[0].Serving; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the standby never served: %+v", so.replicas.Status())
		}
	}

	before := replicaQueries(t, h)
	gql(t, h, `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", level: PROVINCE) { totalCount } }`)
	if after := replicaQueries(t, h); after <= before {
		t.Errorf("the query ran %v statements on the replica (before %v): it was not served there", after, before)
	}

	const figure = `{ progress(campaign: "ref", unitCode: "90000", metric: "collected", from: "2023-12-20", to: "2023-12-20") { edges { node { figure } } } }`
	old := post(t, h, admin, figure, nil)
	standby, err := db.Open(ctx, standbyURL, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer standby.Close()
	for i := 1; i <= 3; i++ {
		if i == 3 {
			// The standby stops replaying: the writer must still read its
			// write (from the primary, after the bounded wait), while an
			// anonymous reader is still served the standby's older figure.
			if _, err := standby.Pool.Exec(ctx, `select pg_wal_replay_pause()`); err != nil {
				t.Fatal(err)
			}
			defer standby.Pool.Exec(context.Background(), `select pg_wal_replay_resume()`)
		}
		v := int(at(old, "data.progress.edges.0.node.figure").(float64)) + 10*i
		res := post(t, h, admin, `mutation($in: CorrectReportInput!) { correctReport(input: $in) { written } }`,
			map[string]any{"in": map[string]any{"campaign": "ref", "unitCode": "90000", "metric": "collected", "date": "2023-12-20",
				"value": v, "reason": "đính chính " + strconv.Itoa(i), "confirmAboveQuota": true}})
		lsn, _ := at(res, "extensions.writeLSN").(string)
		if _, err := db.ParseLSN(lsn); err != nil {
			t.Fatalf("the write's answer %v names no writeLSN", res)
		}
		if got := post(t, h, admin, figure, nil); int(at(got, "data.progress.edges.0.node.figure").(float64)) != v {
			t.Fatalf("write %d: the writer's next read says %v, want %d", i, at(got, "data.progress.edges.0.node.figure"), v)
		}
		if i == 3 {
			if got := at(gql(t, h, figure), "progress.edges.0.node.figure"); int(got.(float64)) != v-10 {
				t.Errorf("an anonymous read during the pause says %v, want the standby's %d (was it not served by the standby?)", got, v-10)
			}
			// Another server, where the write's refresh has committed
			// already and which knows nothing of the write: the token's
			// read is at the primary's position, not the standby's.
			if got := post(t, other, admin, figure, nil); int(at(got, "data.progress.edges.0.node.figure").(float64)) != v {
				t.Errorf("the writer's read through another server during the pause says %v, want %d", at(got, "data.progress.edges.0.node.figure"), v)
			}
		}
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if !regexp.MustCompile(`replica 127\.0\.0\.1:\d+: serving, \d`).MatchString(rec.Body.String()) {
		t.Errorf("/readyz says %q", rec.Body)
	}
}

// replicaQueries reads from /metrics how many statements the replica ran.
func replicaQueries(t *testing.T, h http.Handler) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, `tiendo_db_query_duration_seconds_count{outcome="ok",pool="replica"} `) {
			n, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return n
		}
	}
	return 0
}

func post(t *testing.T, h http.Handler, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	rec := graphtest.Post(h, map[string]any{"query": query, "variables": vars}, "Authorization", "Bearer "+token)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out["errors"] != nil {
		t.Fatalf("%s\n→ %d %s", query, rec.Code, rec.Body)
	}
	return out
}

// TestPersistedQueriesAcrossServers registers a persisted query through one
// server; another server, sharing only the database, answers its hash.
func TestPersistedQueriesAcrossServers(t *testing.T) {
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	a, b := httpapi.NewRouter(store, testConfig(), quiet), httpapi.NewRouter(store, testConfig(), quiet)
	const query = `{ campaigns { edges { node { slug } } } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	ask := func(h http.Handler, withQuery bool) map[string]any {
		body := map[string]any{"extensions": ext}
		if withQuery {
			body["query"] = query
		}
		var out map[string]any
		graphtest.Decode(t, graphtest.Post(h, body), &out)
		return out
	}
	if got := ask(b, false); got["errors"] == nil {
		t.Fatalf("an unknown hash was answered: %v", got)
	}
	if got := ask(a, true); at(got, "data.campaigns.edges.0.node.slug") != "ref" {
		t.Fatalf("registering: %v", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := ask(b, false)
		if at(got, "data.campaigns.edges.0.node.slug") == "ref" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other server does not know the hash: %v", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPersistedQueriesStoredWhenValid: only a document that passed
// validation and the limits is stored for the other servers, and only one of
// a reasonable size; an anonymous client registering junk under its hashes
// (found by a hostile-load audit: 1,000 of 47 KB each in 3 s, invalid ones
// included) writes nothing to the database.
func TestPersistedQueriesStoredWhenValid(t *testing.T) {
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	h := httpapi.NewRouter(store, testConfig(), quiet)
	register := func(query string) (hash string, out map[string]any) {
		sum := sha256.Sum256([]byte(query))
		hash = hex.EncodeToString(sum[:])
		body := map[string]any{"query": query, "extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
		graphtest.Decode(t, graphtest.Post(h, body), &out)
		return hash, out
	}
	var junk []string
	for _, q := range []string{
		`{ noSuchField }`,                          // invalid
		`{ campaigns { edges { node { slug } } } `, // does not parse
		`{ ` + strings.Repeat(`a: __typename `, 1) + strings.Repeat(`# padding`+"\n", 2000) + `}`, // valid, 20 KB of comments
		`query($x: Int!) { campaigns(first: $x) { totalCount } }`,                                 // a variable missing
	} {
		hash, out := register(q)
		if len(q) < 16<<10 && out["errors"] == nil {
			t.Fatalf("%.40q was answered: %v", q, out)
		}
		junk = append(junk, hash)
	}
	good, out := register(`{ campaigns { totalCount } }`)
	if out["errors"] != nil {
		t.Fatalf("a valid document: %v", out)
	}
	count := func(hashes ...string) int {
		var n int
		if err := store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persisted_queries WHERE sha256 = ANY($1)`, hashes).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for deadline := time.Now().Add(5 * time.Second); count(good) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the valid document was not stored")
		}
	}
	time.Sleep(200 * time.Millisecond) // the junk's writes, had there been any, were started before
	if n := count(junk...); n != 0 {
		t.Errorf("%d documents stored that did not pass validation or are too long", n)
	}
}
