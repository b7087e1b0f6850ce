package portal_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/portal"
)

// firstPageBudget is the most the first page may transfer, gzipped as the
// server sends it: index.html, the CSS and ES modules it loads, and uPlot,
// which its chart loads (the API's answers excluded).
const firstPageBudget = 50_000

// newMux routes like httpapi.NewRouter does.
func newMux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphiql", portal.GraphiQLHandler("/graphql"))
	mux.Handle("/graphiql/", portal.GraphiQLHandler("/graphql"))
	mux.Handle("/", portal.Handler())
	return mux
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(tb testing.TB, h http.Handler, method, target string, header ...string) response {
	tb.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Result().Header, rec.Body.Bytes()}
}

func mustGet(tb testing.TB, h http.Handler, target string) response {
	tb.Helper()
	r := get(tb, h, http.MethodGet, target)
	if r.status != http.StatusOK {
		tb.Fatalf("GET %s: status %d, want 200", target, r.status)
	}
	return r
}

func TestHandler(t *testing.T) {
	t.Parallel()
	h := portal.Handler()

	t.Run("IndexHTML", func(t *testing.T) {
		r := mustGet(t, h, "/")
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("Cache-Control %q, want no-cache", cc)
		}
		if r.header.Get("Content-Security-Policy") == "" {
			t.Error("no Content-Security-Policy on the page")
		}
		for _, want := range []string{`<html lang="vi">`, `name="tiendo-api"`, `href="graphiql/"`, `src="app.js?v=`, `href="style.css?v=`} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("index.html lacks %s", want)
			}
		}
	})

	t.Run("AppJS", func(t *testing.T) {
		r := mustGet(t, h, "/app.js")
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("Content-Type %q, want text/javascript", ct)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Error("no nosniff")
		}
	})

	t.Run("CSS", func(t *testing.T) {
		r := mustGet(t, h, "/style.css")
		if ct := r.header.Get("Content-Type"); ct != "text/css; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		for _, p := range []string{"/nope", "/vendor/", "/static/index.html", "/../go.mod", "/vendor/graphiql/../../portal.go", "/a/b/c.js"} {
			r := get(t, h, http.MethodGet, p)
			if r.status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", p, r.status)
				continue
			}
			if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", p, ct)
			}
			if !bytes.Contains(r.body, []byte("Không tìm thấy trang")) {
				t.Errorf("GET %s: not the Vietnamese 404 page: %s", p, r.body)
			}
		}
	})

	t.Run("MethodNotAllowed", func(t *testing.T) {
		if r := get(t, h, http.MethodPost, "/"); r.status != http.StatusMethodNotAllowed {
			t.Errorf("POST /: status %d, want 405", r.status)
		}
	})

	t.Run("Head", func(t *testing.T) {
		r := get(t, h, http.MethodHead, "/app.js")
		if r.status != http.StatusOK || len(r.body) != 0 {
			t.Errorf("HEAD: status %d, %d bytes", r.status, len(r.body))
		}
	})

	t.Run("VersionedImmutable", func(t *testing.T) {
		page := mustGet(t, h, "/")
		m := regexp.MustCompile(`src="(app\.js\?v=[0-9a-f]{12})"`).FindSubmatch(page.body)
		if m == nil {
			t.Fatal("index.html does not reference app.js?v=hash")
		}
		r := mustGet(t, h, "/"+string(m[1]))
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("versioned asset Cache-Control %q, want immutable", cc)
		}
		r = mustGet(t, h, "/app.js?v=000000000000")
		if cc := r.header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("stale version Cache-Control %q, want no-cache", cc)
		}
	})

	t.Run("ETag", func(t *testing.T) {
		r := mustGet(t, h, "/style.css")
		etag := r.header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		if r := get(t, h, http.MethodGet, "/style.css", "If-None-Match", etag); r.status != http.StatusNotModified {
			t.Errorf("If-None-Match: status %d, want 304", r.status)
		}
	})

	t.Run("Gzip", func(t *testing.T) {
		plain := mustGet(t, h, "/app.js")
		r := get(t, h, http.MethodGet, "/app.js", "Accept-Encoding", "br, gzip")
		if r.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q, want gzip", r.header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain.body) {
			t.Error("gzipped body differs from the plain one")
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
			t.Error("no Vary: Accept-Encoding")
		}
		if r := get(t, h, http.MethodGet, "/app.js", "Accept-Encoding", "gzip;q=0"); r.header.Get("Content-Encoding") != "" {
			t.Error("gzip sent although refused with q=0")
		}
	})
}

// refs returns the src and href values of the <script> and <link> elements of page.
func refs(page []byte) []string {
	var out []string
	tag := regexp.MustCompile(`<(?:script|link)\b[^>]*>`)
	attr := regexp.MustCompile(`\b(?:src|href)="([^"]*)"`)
	for _, t := range tag.FindAll(page, -1) {
		for _, m := range attr.FindAllSubmatch(t, -1) {
			out = append(out, string(m[1]))
		}
	}
	return out
}

func TestFS(t *testing.T) {
	t.Parallel()
	f := portal.FS()
	for _, name := range []string{"index.html", "app.js", "api.js", "i18n.js", "style.css", "graphiql/init.js",
		"vendor/graphiql/graphiql.min.js", "vendor/graphiql/graphiql.min.css", "vendor/react/react.production.min.js",
		"vendor/react-dom/react-dom.production.min.js", "vendor/uplot/uPlot.iife.min.js", "vendor/uplot/uPlot.min.css"} {
		if _, err := fs.Stat(f, name); err != nil {
			t.Errorf("FS lacks %s: %v", name, err)
		}
	}
	b, err := fs.ReadFile(f, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("?v=")) {
		t.Error("FS serves index.html rewritten; it should hold the file as written")
	}
}

// TestVendored checks that every vendored library carries its licence, that no
// file still points at a source map we do not ship, and that VERSIONS agrees
// with the pins in package.json.
func TestVendored(t *testing.T) {
	t.Parallel()
	f := portal.FS()
	dirs, err := fs.ReadDir(f, "vendor")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		if _, err := fs.Stat(f, path.Join("vendor", d.Name(), "LICENSE")); err != nil {
			t.Errorf("vendor/%s has no LICENSE", d.Name())
		}
		files, _ := fs.ReadDir(f, path.Join("vendor", d.Name()))
		for _, file := range files {
			b, _ := fs.ReadFile(f, path.Join("vendor", d.Name(), file.Name()))
			if bytes.Contains(b, []byte("sourceMappingURL=")) {
				t.Errorf("vendor/%s/%s refers to a source map that is not vendored", d.Name(), file.Name())
			}
		}
	}

	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	raw, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	versions, err := fs.ReadFile(f, "vendor/VERSIONS")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(string(versions), "\n") {
		if name, v, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			got[name] = v
		}
	}
	for _, name := range []string{"graphiql", "react", "react-dom", "uplot"} {
		want := pkg.Dependencies[name]
		if want == "" || got[name] != want {
			t.Errorf("%s: package.json pins %q, vendor/VERSIONS has %q (run portal/vendor.sh)", name, want, got[name])
		}
	}
}

// TestFirstPageBudget adds up what a browser fetches for the first page apart
// from the API's answers: index.html, its local stylesheets and scripts, and
// the ES modules they import, transitively (but not those loaded on a click).
func TestFirstPageBudget(t *testing.T) {
	t.Parallel()
	f := portal.FS()
	seen := map[string]bool{}
	total, gz := 0, 0
	dynImportRE := regexp.MustCompile(`import\(['"](\.[^'"]+)['"]\)`)
	vendorRE := regexp.MustCompile(`['"](vendor/[^'"]+\.(?:js|css))['"]`)
	importRE := regexp.MustCompile(`(?m)^\s*import\s+(?:[^'"]*?\s+from\s+)?['"](\.[^'"]+)['"]`)
	// Modules fetched only when a reader asks for them, never while the page
	// loads: the chart downloads (PNG, SVG), on a click of their button.
	onClick := map[string]bool{"chart-export.js": true}
	var add func(name string)
	add = func(name string) {
		name = path.Clean(name)
		if seen[name] {
			return
		}
		seen[name] = true
		if onClick[name] {
			if _, err := fs.Stat(f, name); err != nil {
				t.Errorf("the first page refers to %s: %v", name, err)
			}
			return
		}
		if strings.HasPrefix(name, "vendor/") && !strings.HasPrefix(name, "vendor/uplot/") {
			t.Errorf("the first page loads vendored %s (only uPlot, for its chart, is expected)", name)
		}
		b, err := fs.ReadFile(f, name)
		if err != nil {
			t.Errorf("the first page refers to %s: %v", name, err)
			return
		}
		total += len(b)
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		zw.Write(b)
		zw.Close()
		gz += zb.Len()
		switch path.Ext(name) {
		case ".html":
			for _, ref := range refs(b) {
				if strings.HasPrefix(ref, "data:") {
					continue // inline (the empty icon that spares a /favicon.ico request)
				}
				if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
					t.Errorf("index.html loads %s from another origin", ref)
					continue
				}
				add(path.Join(path.Dir(name), ref))
			}
		case ".js":
			for _, m := range importRE.FindAllSubmatch(b, -1) {
				add(path.Join(path.Dir(name), string(m[1])))
			}
			// Modules imported when needed (the chart), and the files they load.
			for _, m := range dynImportRE.FindAllSubmatch(b, -1) {
				if string(m[1]) == "./static-api.js" {
					continue // loaded only by a static copy whose API cannot be reached
				}
				add(path.Join(path.Dir(name), string(m[1])))
			}
			for _, m := range vendorRE.FindAllSubmatch(b, -1) {
				add(string(m[1]))
			}
		}
	}
	add("index.html")
	if !seen["app.js"] || !seen["style.css"] || !seen["api.js"] {
		t.Fatalf("walked %v; want index.html, style.css, app.js and its modules", seen)
	}
	if !seen["chart.js"] || !seen["vendor/uplot/uPlot.iife.min.js"] {
		t.Errorf("walked %v; want the chart and uPlot, which the first page draws", seen)
	}
	t.Logf("first page: %d files, %d bytes (%d gzipped, as transferred)", len(seen), total, gz)
	if gz > firstPageBudget {
		t.Errorf("the first page transfers %d bytes gzipped, over the %d budget", gz, firstPageBudget)
	}
}
