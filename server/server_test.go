package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testSiteURL is the --site-url of the tests' server.
const testSiteURL = "https://tiendo.example.org"

func testConfig() httpapi.Config {
	return httpapi.Config{CORSOrigins: "https://baodientu.example", RequestTimeout: 10 * time.Second,
		MaxBodyBytes: 1 << 20, Limits: httpapi.Limits{Complexity: 5000, Depth: 12}, SiteURL: testSiteURL}
}

func TestSiteURL(t *testing.T) {
	for _, c := range []struct{ configured, listen, want string }{
		{"", ":8080", "http://localhost:8080"},
		{"", "0.0.0.0:9000", "http://localhost:9000"},
		{"", "127.0.0.1:8081", "http://127.0.0.1:8081"},
		{"", "[::]:8080", "http://localhost:8080"},
		{"https://tiendo.example.org/", ":8080", "https://tiendo.example.org"},
		{"http://tiendo.example.org:8443", ":8080", "http://tiendo.example.org:8443"},
		{"tiendo.example.org", ":8080", ""},
		{"https://tiendo.example.org/path", ":8080", ""},
		{"ftp://tiendo.example.org", ":8080", ""},
	} {
		got, err := siteURLFor(c.configured, c.listen)
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("siteURLFor(%q, %q) = %q, %v; want %q", c.configured, c.listen, got, err, c.want)
		}
	}
}

func loadedDemo(t *testing.T) *db.DB {
	t.Helper()
	store := dbtest.New(t)
	if err := loadDemo(context.Background(), store, io.Discard); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return store
}

// gql runs a query through the whole router and returns data, failing the
// test on any GraphQL error.
func gql(t *testing.T, h http.Handler, query string) map[string]any {
	t.Helper()
	rec := graphtest.Query(h, query)
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Errors) > 0 || rec.Code != 200 {
		t.Fatalf("%s\n→ %d %s", query, rec.Code, rec.Body)
	}
	return out.Data
}

// at walks a decoded JSON value by keys and indexes ("a.b.0.c").
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// TestDemoThroughTheAPI is issue #2's acceptance: the demo loaded into an
// empty database answers with the real unit lists of both eras and the
// press figures of seed 001.
func TestDemoThroughTheAPI(t *testing.T) {
	h := httpapi.NewRouter(loadedDemo(t), testConfig(), quiet)
	d := gql(t, h, `{
		before: units(kind: PROVINCE, asOf: "2023-11-14") { totalCount }
		today: units(kind: PROVINCE) { totalCount }
		benTre: unit(code: "83", asOf: "2023-11-14") { name fullName kind }
		nowhere: unit(code: "83") { name }
		campaigns { totalCount }
		col: progress(campaign: "ben-tre-cong-dan-so", unitCode: "83", metric: "collected", from: "2023-11-14", to: "2023-11-14") {
			edges { node { figure quota source rateText figureText quotaText en: rateText(lang: EN) } } }
		act: progress(campaign: "ben-tre-cong-dan-so", unitCode: "83", metric: "activated", from: "2023-11-14", to: "2023-11-14") {
			edges { node { figure quota rateText } } }
		cols: progress(campaign: "ben-tre-cong-dan-so", unitCode: "83", metric: "collected", from: "2023-11-13", to: "2023-11-14") {
			columns { dates figures quotas sources } }
		hp: progress(campaign: "hai-phong-cao-diem", unitCode: "31", metric: "activated", from: "2023-06-13", to: "2023-06-13") {
			edges { node { figure quota rateText } } }
		rank: ranking(campaign: "ben-tre-cong-dan-so", metric: "activated", date: "2023-11-14", level: DISTRICT) {
			totalCount edges { node { rank unit { code name } rateText } } }
	}`)
	checks := []struct {
		path string
		want any
	}{
		{"before.totalCount", 63.0},
		{"today.totalCount", 34.0},
		{"benTre.name", "Bến Tre"},
		{"benTre.fullName", "Tỉnh Bến Tre"},
		{"benTre.kind", "PROVINCE"},
		{"nowhere", nil},
		{"campaigns.totalCount", 6.0},
		{"col.edges.0.node.figure", 822139.0},
		{"col.edges.0.node.quota", 930767.0},
		{"col.edges.0.node.source", "ROLLUP"},
		{"col.edges.0.node.rateText", "88,33%"},
		{"col.edges.0.node.figureText", "822.139"},
		{"col.edges.0.node.quotaText", "930.767"},
		{"col.edges.0.node.en", "88.33%"},
		{"act.edges.0.node.figure", 663614.0},
		{"cols.columns.dates.1", "2023-11-14"},
		{"cols.columns.figures.1", 822139.0},
		{"cols.columns.quotas.1", 930767.0},
		{"cols.columns.sources.1", "ROLLUP"},
		{"act.edges.0.node.rateText", "71,3%"},
		{"hp.edges.0.node.figure", 449470.0},
		{"hp.edges.0.node.quota", 1167685.0},
		{"hp.edges.0.node.rateText", "38,49%"},
		{"rank.totalCount", 9.0},
		{"rank.edges.0.node.unit.name", "Thạnh Phú"},
		{"rank.edges.0.node.rateText", "83,77%"},
		{"rank.edges.1.node.unit.name", "Châu Thành"},
		{"rank.edges.1.node.rateText", "79,81%"},
		{"rank.edges.7.node.unit.name", "Mỏ Cày Bắc"},
		{"rank.edges.7.node.rateText", "68,36%"},
		{"rank.edges.8.node.unit.name", "Ba Tri"},
		{"rank.edges.8.node.rateText", "56,85%"},
	}
	for _, c := range checks {
		if got := at(d, c.path); got != c.want {
			t.Errorf("%s = %v, want %v", c.path, got, c.want)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	h := httpapi.NewRouter(dbtest.New(t), testConfig(), quiet)
	for _, path := range []string{"/healthz", "/readyz"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != 200 {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	closed := dbtest.New(t)
	closed.Close()
	rec := httptest.NewRecorder()
	httpapi.NewRouter(closed, testConfig(), quiet).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database gone: %d, want 503", rec.Code)
	}
}

// TestImportBadLineImportsNothing runs the import command on a reports file
// whose third line is wrong: nothing of the file is written and the error
// names the file, line and column.
func TestImportBadLineImportsNothing(t *testing.T) {
	url := dbtest.NewURL(t)
	dir := t.TempDir()
	units := filepath.Join(dir, "units.csv")
	reports := filepath.Join(dir, "reports.csv")
	os.WriteFile(units, []byte("code,name,kind,parent_code\nVN,Việt Nam,NATION,\n83,Bến Tre,PROVINCE,VN\n836,Ba Tri,DISTRICT,83\n"), 0o644)
	os.WriteFile(reports, []byte("unit_code,metric,date,value\n836,collected,2023-11-13,1000\n836,collected,2023-11-14,-5\n836,collected,2023-11-15,1200\n"), 0o644)
	var out, errb bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"import", "--database-url", url, units}, &out, &errb, quiet); err != nil {
		t.Fatalf("import units: %v\n%s", err, errb.String())
	}
	err := run(ctx, []string{"import", "--database-url", url, reports}, &out, &errb, quiet)
	if err == nil {
		t.Fatal("a file with a negative count was accepted")
	}
	msg := err.Error() + errb.String()
	if !strings.Contains(msg, "reports.csv:3") || !strings.Contains(msg, "value") {
		t.Errorf("the error should name reports.csv line 3 and the value column: %s", msg)
	}
	store, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var n int
	if err := store.Pool.QueryRow(ctx, `SELECT count(*) FROM report_revisions`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d report revisions written (%v), want none", n, err)
	}

	// Bytes no text may hold, and headers that fit no shape: the error names
	// the file, line, column and column name, never PostgreSQL's words.
	for _, c := range []struct{ name, text, want string }{
		{"ErrNUL", "unit_code,metric,date,value,note\n836,collected,2023-11-13,1000,a\x00b\n", "reports.csv:2:31 (note): the field contains a NUL character"},
		{"ErrNotUTF8", "unit_code,metric,date,value,note\n836,collected,2023-11-13,1000,B\xe1n Tre\n", "reports.csv:2:31 (note): the field is not valid UTF-8"},
		{"ErrUnknownColumn", "unit_code,metric,date,value,notes\n836,collected,2023-11-13,1000,x\n", `reports.csv:1:5: unknown column "notes" in a reports file`},
		{"ErrDuplicateColumn", "unit_code,metric,date,value,value\n836,collected,2023-11-13,1000,1000\n", `reports.csv:1:5: column "value" appears twice`},
		{"ErrNoShape", "a,b\n1,2\n", "reports.csv:1: the header is not one of units"},
	} {
		os.WriteFile(reports, []byte(c.text), 0o644)
		err := run(ctx, []string{"import", "--database-url", url, reports}, &out, &errb, quiet)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "SQLSTATE") {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	if err := store.Pool.QueryRow(ctx, `SELECT count(*) FROM report_revisions`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d report revisions written (%v), want none", n, err)
	}
}

// TestCompressedAnswers: /graphql answers with gzip or zstd when the
// client accepts it, with Vary: Accept-Encoding, uncompressed otherwise;
// an answer from the response cache is compressed the same way and
// decompresses to the answer it repeats.
func TestCompressedAnswers(t *testing.T) {
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	cfg := testConfig()
	cfg.Limits.CacheBytes = 1 << 20
	h := httpapi.NewRouter(store, cfg, quiet)
	q := `{"query":"{ units(first: 100) { totalCount edges { node { code name fullName nameEn kind validFrom validTo } } } }"}`
	get := func(enc string) (*httptest.ResponseRecorder, []byte) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(q))
		req.Header.Set("Content-Type", "application/json")
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		switch rec.Header().Get("Content-Encoding") {
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		case "zstd":
			zr, err := zstd.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		}
		return rec, body
	}
	_, plain := get("")
	data := func(b []byte) string { // the answer without the client's rate-limit state
		if i := bytes.Index(b, []byte(`"extensions"`)); i >= 0 {
			return string(b[:i])
		}
		return string(b)
	}
	if len(plain) < 1024 {
		t.Fatalf("answer too short to compress (%d bytes): %s", len(plain), plain)
	}
	for _, c := range []struct{ accept, want string }{
		{"gzip", "gzip"}, {"gzip", "gzip"}, {"gzip, deflate, br, zstd", "zstd"}, {"zstd", "zstd"}, {"identity", ""}, {"", ""},
	} {
		rec, body := get(c.accept)
		if got := rec.Header().Get("Content-Encoding"); got != c.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.want)
		}
		if c.want != "" && rec.Body.Len() >= len(plain)/2 {
			t.Errorf("%s: %d bytes compressed from %d", c.want, rec.Body.Len(), len(plain))
		}
		if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: Vary %q", c.accept, rec.Header().Values("Vary"))
		}
		if data(body) != data(plain) {
			t.Errorf("Accept-Encoding %q (X-Cache %q): the answer differs:\n%.300s\n%.300s", c.accept, rec.Header().Get("X-Cache"), body, plain)
		}
		if rec.Header().Get("X-Cache") != "hit" {
			t.Errorf("Accept-Encoding %q: not answered from the response cache", c.accept)
		}
	}
}
