package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLimitBody: over a real connection, a body longer than the limit
// fails with http.MaxBytesError whether its length is declared or it is
// chunked; one declared within the limit is read whole, through the
// server's own reader (not wrapped again).
func TestLimitBody(t *testing.T) {
	const limit = 64
	srv := httptest.NewServer(limitBody(limit, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wrapped := fmt.Sprintf("%T", r.Body) == "*http.maxBytesReader"
		body, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			fmt.Fprintf(w, "too large")
		case err != nil:
			fmt.Fprintf(w, "error %v", err)
		default:
			fmt.Fprintf(w, "read %d wrapped=%v", len(body), wrapped)
		}
	})))
	defer srv.Close()
	for _, c := range []struct {
		name    string
		size    int
		chunked bool
		want    string
	}{
		{"DeclaredWithin", limit, false, fmt.Sprintf("read %d wrapped=false", limit)},
		{"DeclaredOver", limit + 1, false, "too large"},
		{"ChunkedWithin", limit, true, fmt.Sprintf("read %d wrapped=true", limit)},
		{"ChunkedOver", 10 * limit, true, "too large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(strings.Repeat("x", c.size))
			if c.chunked {
				body = io.MultiReader(body) // no length: sent chunked
			}
			req, err := http.NewRequest(http.MethodPost, srv.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(got) != c.want {
				t.Errorf("%s", got)
				t.Errorf("want %s", c.want)
			}
		})
	}
}
