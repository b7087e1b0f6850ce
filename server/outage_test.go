package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/localpg"
)

// outageReply is one answer the read load got.
type outageReply struct {
	sent       time.Time
	query      string
	status     int
	retryAfter string
	xcache     string
	code       string
	body       string
}

// TestDatabaseOutage is the fault test of issue 12: a server over its own
// PostgreSQL, under a steady read load from four clients; PostgreSQL is
// stopped for 10 s and started again. Meanwhile every answer is either
// 503 with Retry-After and UNAVAILABLE, or the answer the response cache
// held (X-Cache: stale, the same bytes as before); within 1 s of
// PostgreSQL's return every answer is right again; and the outage is
// logged in at most two lines (readiness probes included).
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("stops a PostgreSQL for 10 s")
	}
	dir := t.TempDir()
	for _, p := range []string{filepath.Dir(dir), dir} {
		os.Chmod(p, 0o755) // the postgres OS user must reach the data directory
	}
	pgLog := slog.New(slog.NewTextHandler(io.Discard, nil))
	startPG := func() *localpg.Server {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s, err := localpg.Start(ctx, localpg.Config{DataDir: filepath.Join(dir, "pg"), Logger: pgLog})
		if err != nil {
			t.Skipf("no private PostgreSQL: %v", err)
		}
		return s
	}
	stopPG := func(s *localpg.Server) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	}
	pg := startPG()
	store, err := db.Open(context.Background(), pg.ConnString(), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	dbtest.MustLoadExample(t, store)

	var logs graphtest.LogBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	srv := httptest.NewServer(httpapi.NewRouter(store, testConfig(), logger))
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	const cached = `{ campaigns(first: 5) { edges { node { slug name } } } }`
	ask := func(query string) outageReply {
		body, _ := json.Marshal(map[string]any{"query": query})
		r := outageReply{sent: time.Now(), query: query}
		resp, err := client.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			r.body = err.Error()
			return r
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		r.status, r.retryAfter, r.xcache, r.body = resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("X-Cache"), string(b)
		var out struct {
			Errors []struct{ Extensions map[string]any }
		}
		if json.Unmarshal(b, &out) == nil && len(out.Errors) > 0 {
			r.code, _ = out.Errors[0].Extensions["code"].(string)
		}
		return r
	}
	// The answer the cache will hold (no other database in this cluster
	// commits, so the second ask is a hit).
	want := ask(cached)
	if want.status != 200 || !strings.Contains(want.body, `"slug":"ref"`) {
		t.Fatalf("before the outage: %+v", want)
	}
	if r := ask(cached); r.xcache != "hit" {
		t.Fatalf("the second ask was not a hit: %+v", r)
	}

	// The read load: four clients, each alternating the cached query and
	// one never asked before, until told to stop (at most 2,000 each).
	var mu sync.Mutex
	var replies, pages []outageReply
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				select {
				case <-stop:
					return
				default:
				}
				if c == 0 && i%10 == 0 {
					// An orchestrator's readiness probe, too.
					if resp, err := client.Get(srv.URL + "/readyz"); err == nil {
						resp.Body.Close()
					}
				}
				if c == 1 && i%10 == 0 {
					// And a reader of the bulletin archive.
					r := outageReply{sent: time.Now(), query: "/bulletins/ref/"}
					if resp, err := client.Get(srv.URL + "/bulletins/ref/"); err == nil {
						r.status, r.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
						resp.Body.Close()
					}
					mu.Lock()
					pages = append(pages, r)
					mu.Unlock()
				}
				q := cached
				if i%2 == 1 {
					q = fmt.Sprintf(`{ units(search: "c%d-%d", first: 1) { totalCount } }`, c, i)
				}
				r := ask(q)
				mu.Lock()
				replies = append(replies, r)
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	logFrom := logs.Len()
	stopPG(pg)
	down := time.Now()
	time.Sleep(10 * time.Second)
	restart := time.Now()
	pg = startPG()
	defer stopPG(pg)
	up := time.Now()
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()

	// Answers to requests sent while PostgreSQL starts again may be of
	// either kind, or right.
	var during, after, stale, unavailable, firstRight int
	for _, r := range replies {
		right := r.status == 200 && r.xcache != "stale" && r.code == "" &&
			(r.query != cached || r.body == want.body) && (r.query == cached || strings.Contains(r.body, `"totalCount":0`))
		switch {
		case r.sent.After(down) && r.sent.Before(restart):
			during++
			switch {
			case r.status == 200 && r.xcache == "stale" && r.body == want.body:
				stale++
			case r.status == 503 && r.retryAfter != "" && r.code == "UNAVAILABLE":
				unavailable++
			default:
				t.Errorf("during the outage: %+v", r)
			}
		case r.sent.After(up.Add(time.Second)):
			after++
			if !right {
				t.Errorf("more than 1 s after PostgreSQL came back: %+v", r)
			}
		case r.sent.After(up) && right && firstRight == 0:
			firstRight = int(r.sent.Sub(up).Milliseconds())
		}
	}
	for _, p := range pages {
		switch {
		case p.sent.After(down) && p.sent.Before(restart) && (p.status != 503 || p.retryAfter == ""):
			t.Errorf("a bulletin page during the outage: %d, Retry-After %q; want 503 with Retry-After", p.status, p.retryAfter)
		case p.sent.After(up.Add(time.Second)) && p.status != 200:
			t.Errorf("a bulletin page after the outage: %d", p.status)
		}
	}
	t.Logf("during the outage: %d answers (%d stale from the cache, %d 503); %d after; first right answer %d ms after PostgreSQL was back",
		during, stale, unavailable, after, firstRight)
	if stale == 0 || unavailable == 0 || after == 0 {
		t.Errorf("the load did not see both kinds of answer during the outage, or none after")
	}
	// Every request has its access-log line: the outage's own lines are
	// the others.
	var outageLog string
	for _, line := range strings.SplitAfter(logs.From(logFrom), "\n") {
		if !strings.Contains(line, " msg=http ") {
			outageLog += line
		}
	}
	if n := strings.Count(outageLog, "\n"); n > 2 || !strings.Contains(outageLog, "database unreachable") ||
		!strings.Contains(outageLog, "outage over") {
		t.Errorf("the outage was logged in %d lines, want its start and its end:\n%s", n, outageLog)
	}
}
