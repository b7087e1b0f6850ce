package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestBehindACachingProxy puts nginx (scripts/proxy.sh) in front of the
// server: many readers of one ranking cost the origin one request per
// figures version (within the answer's freshness), the proxy answers 304s,
// and after the figures change the proxy serves the new answer.
func TestBehindACachingProxy(t *testing.T) {
	if _, err := exec.LookPath("nginx"); err != nil {
		if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx is not installed (scripts/proxy.sh installs nginx-light with apt-get; .ci/run does)")
		}
	}
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	so, cfg := liveConfig(t, store)
	router := httpapi.NewRouter(store, cfg, quiet)
	var origin atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" {
			origin.Add(1)
		}
		router.ServeHTTP(w, r)
	}))
	defer srv.Close()

	dir := t.TempDir()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "scripts", "proxy.sh")
	if out, err := exec.Command(script, "start", dir, strconv.Itoa(port), strings.TrimPrefix(srv.URL, "http://")).CombinedOutput(); err != nil {
		t.Fatalf("proxy.sh: %v\n%s", err, out)
	}
	defer exec.Command(script, "stop", dir).Run()
	proxy := "http://127.0.0.1:" + strconv.Itoa(port)

	const ranking = `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", level: PROVINCE) { totalCount edges { node { rank figure } } } }`
	get := func(inm string) (int, string, string) {
		req, _ := http.NewRequest("GET", proxy+"/graphql?query="+url.QueryEscape(ranking), nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("ETag"), string(b)
	}
	code, etag, body := get("")
	if code != 200 || etag == "" || !strings.Contains(body, `"totalCount"`) {
		t.Fatalf("through the proxy: %d %q %s", code, etag, body)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				if code, _, _ := get(""); code != 200 {
					t.Errorf("a reader got %d", code)
				}
			}
		}()
	}
	wg.Wait()
	if n := origin.Load(); n > 2 {
		t.Errorf("201 readers of one answer cost the origin %d requests, want 1 (2 if its 5 s freshness ran out)", n)
	}
	if code, _, _ := get(etag); code != http.StatusNotModified {
		t.Errorf("If-None-Match through the proxy: %d, want 304", code)
	}
	t.Logf("origin requests for 202 readers: %d", origin.Load())

	// A client asking for gzip gets the origin's compressed answer, stored
	// as such (the proxy once stripped Accept-Encoding and never compressed).
	const communes = `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", level: COMMUNE, first: 100) { totalCount edges { node { rank figure quota rate band unit { code name } } } } }`
	for i := range 2 {
		req, _ := http.NewRequest("GET", proxy+"/graphql?query="+url.QueryEscape(communes), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("request %d for gzip through the proxy: %d, Content-Encoding %q, %d bytes", i+1, res.StatusCode, res.Header.Get("Content-Encoding"), len(b))
		}
	}

	changed := so.hub.Changed()
	if _, err := store.Pool.Exec(ctx, `UPDATE figures_state SET updated_at = clock_timestamp() WHERE campaign_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	<-changed
	before := origin.Load()
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, tag, _ := get("")
		if origin.Load() > before {
			break // the proxy asked the origin again once its copy went stale
		}
		if time.Now().After(deadline) {
			t.Fatalf("the proxy never asked the origin again after the change (ETag %s)", tag)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
