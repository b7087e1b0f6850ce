package httpapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/puddle/v2"

	"github.com/tiendo-vn/tiendo/graph"
)

// TestResponseCacheSharesARun: identical requests that arrive while the
// first runs wait for its answer instead of running too; and while the
// database is away, a request answered before gets that answer, marked
// stale, and another one goes to the handler.
func TestResponseCacheSharesARun(t *testing.T) {
	var runs atomic.Int32
	var snapErr atomic.Value // error
	snapErr.Store(errors.New("none"))
	snapshot := func(context.Context) (string, error) {
		if err := snapErr.Load().(error); err.Error() != "none" {
			return "", err
		}
		return "1:1:", nil
	}
	c := newResponseCache(snapshot, 1<<20)
	var ended atomic.Bool
	t.Cleanup(func() { ended.Store(true) })
	c.health = graph.NewDBHealth(refusing{&ended}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := c.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runs.Add(1)
		time.Sleep(100 * time.Millisecond)
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "never") {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"errors":[]}`+"\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":{"n":1}}`+"\n")
	}))
	ask := func(query string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"`+query+`"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	var wg sync.WaitGroup
	var hits atomic.Int32
	for range 20 {
		wg.Go(func() {
			rec := ask("{ n }")
			if rec.Code != 200 || rec.Body.String() != `{"data":{"n":1}}`+"\n" {
				t.Errorf("%d %s", rec.Code, rec.Body)
			}
			if rec.Header().Get("X-Cache") == "hit" {
				hits.Add(1)
			}
		})
	}
	wg.Wait()
	if runs.Load() != 1 || hits.Load() != 19 {
		t.Fatalf("20 identical requests at once: %d runs, %d hits; want 1 run and 19 hits", runs.Load(), hits.Load())
	}

	// The database goes away (and the snapshot moves on, as if a commit
	// had been lost with it): the answer held is served, marked stale.
	snapErr.Store(errors.New("connection refused"))
	rec := ask("{ n }")
	if rec.Code != 200 || rec.Header().Get("X-Cache") != "stale" || rec.Body.String() != `{"data":{"n":1}}`+"\n" {
		t.Fatalf("during an outage: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if !c.health.Down() {
		t.Fatal("a refused snapshot did not start an outage")
	}
	// A request never answered goes to the handler (which answers 503).
	if rec := ask("{ never }"); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("X-Cache") != "" || runs.Load() != 2 {
		t.Fatalf("a request never answered, during an outage: %d %v (%d runs)", rec.Code, rec.Header(), runs.Load())
	}
}

// refusing is a database that cannot be reached until ended.
type refusing struct{ ended *atomic.Bool }

func (refusing) Unreachable(err error) bool { return strings.Contains(err.Error(), "refused") }

func (f refusing) Ping(context.Context) error {
	if f.ended.Load() {
		return puddle.ErrClosedPool // ends the probe
	}
	return errors.New("still refused")
}
