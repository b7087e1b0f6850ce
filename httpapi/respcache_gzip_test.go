package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// A hit for a client that accepts gzip is the stored gzip of the answer,
// through the compression around the handler unchanged; a client that
// does not accept it (or refuses it with q=0) gets the plain answer; small
// answers are not compressed.
func TestResponseCacheServesGzip(t *testing.T) {
	t.Parallel()
	big := `{"data":{"s":"` + strings.Repeat("Thạnh Phú ", 300) + `"}}` + "\n"
	c := newResponseCache(func(context.Context) (string, error) { return "1:1:", nil }, 1<<20)
	h := compressed(c.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.RawQuery, "small") {
			io.WriteString(w, `{"data":{"n":1}}`+"\n")
			return
		}
		io.WriteString(w, big)
	})))
	ask := func(query, accept string) (*httptest.ResponseRecorder, string) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+query, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if rec.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		return rec, string(body)
	}
	for i, tc := range []struct {
		query, accept, encoding, xcache string
	}{
		{"big", "gzip", "gzip", ""}, // the miss, compressed on its way
		{"big", "gzip", "gzip", "hit"},
		{"big", "br, gzip;q=0.5", "gzip", "hit"},
		{"big", "", "", "hit"},
		{"big", "gzip;q=0", "", "hit"},
		{"small", "gzip", "", ""},
		{"small", "gzip", "", "hit"},
	} {
		rec, body := ask(tc.query, tc.accept)
		want := big
		if tc.query == "small" {
			want = `{"data":{"n":1}}` + "\n"
		}
		if got := rec.Header().Get("Content-Encoding"); got != tc.encoding || rec.Header().Get("X-Cache") != tc.xcache || body != want {
			t.Errorf("%d: %s with Accept-Encoding %q: Content-Encoding %q X-Cache %q, body %.40q", i, tc.query, tc.accept, got, rec.Header().Get("X-Cache"), body)
		}
		if tc.encoding != "" && tc.xcache == "hit" && rec.Header().Get("Content-Length") == "" {
			t.Errorf("%d: a hit compressed again rather than the stored gzip", i) // (gzhttp sets no length)
		}
		if tc.encoding != "" && !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%d: no Vary: Accept-Encoding", i)
		}
	}
}
