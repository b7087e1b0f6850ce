package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/live"
)

// BenchmarkTypename sends `{ __typename }` as a JSON POST (as
// bench/typename.sh's wrk does) through the whole router of a server
// configured as `serve` configures it: the live hub (so the response
// cache proves its answers current without the database), the access log
// (a text handler, discarded), and the rate limits either off (as the
// load measurement runs) or at their production defaults. It measures the
// per-request CPU and garbage of the HTTP stack around a trivial query.
func BenchmarkTypename(b *testing.B) {
	store := dbtest.New(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hub := live.New(0, 0)
	logger := slog.New(httpapi.LogRequestIDs(slog.NewTextHandler(io.Discard, nil)))
	go hub.Run(ctx, store, logger)
	for deadline := time.Now().Add(10 * time.Second); !hub.Ready(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("the live hub did not connect")
		}
	}
	for _, c := range []struct {
		name string
		rate httpapi.RateLimit
	}{
		{"NoRateLimit", httpapi.RateLimit{}},
		{"RateLimit", httpapi.RateLimit{PerSecond: 1e9, TokenPerSecond: 1e9}}, // on, never refusing
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := httpapi.Config{RequestTimeout: 15 * time.Second, MaxBodyBytes: 1 << 20, Live: hub, SiteURL: "http://localhost:8080",
				Limits: httpapi.Limits{Complexity: 5000, Depth: 12, Rate: c.rate, CacheBytes: 64 << 20}}
			h := httpapi.NewRouter(store, cfg, logger)
			const body = `{"query":"{ __typename }"}`
			tmpl, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:18083/graphql", nil)
			if err != nil {
				b.Fatal(err)
			}
			tmpl.Header.Set("Content-Type", "application/json")
			tmpl.ContentLength = int64(len(body))
			tmpl.RemoteAddr = "127.0.0.1:40000"
			tmpl.RequestURI = "/graphql"
			br := strings.NewReader(body)
			rc := io.NopCloser(br)
			w := &discardWriter{h: http.Header{}}
			serve := func() {
				br.Reset(body)
				// Each request's context is cancellable, as net/http's are.
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				r := tmpl.WithContext(ctx)
				r.Body = rc
				clear(w.h)
				w.status = 0
				h.ServeHTTP(w, r)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
			serve() // the response cache stores the answer
			if serve(); w.h.Get("X-Cache") != "hit" {
				b.Fatalf("X-Cache %q: the answer is not from the response cache", w.h.Get("X-Cache"))
			}
			b.ReportAllocs()
			for b.Loop() {
				serve()
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing but the status.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}
