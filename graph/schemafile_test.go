package graph_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/graph"
)

// TestSchemaFiles: /schema.graphql is the SDL (descriptions included) and
// /schema.json the standard introspection result; each has an ETag, and
// a second GET with If-None-Match is a 304 with no body.
func TestSchemaFiles(t *testing.T) {
	h := graph.SchemaHandler()
	for path, want := range map[string]string{
		"/schema.graphql": `scalar Date @specifiedBy(url: "https://www.rfc-editor.org/rfc/rfc3339#section-5.6")`,
		"/schema.json":    `"specifiedByURL": "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"`,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, "ranking") {
			t.Fatalf("%s: %d, no %q in\n%.600s", path, rec.Code, want, body)
		}
		etag := rec.Header().Get("ETag")
		if !strings.HasPrefix(etag, `"`) {
			t.Fatalf("%s: ETag %q", path, etag)
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("If-None-Match", etag)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s with If-None-Match: %d, %d bytes", path, rec.Code, rec.Body.Len())
		}
		if path == "/schema.json" {
			var r struct {
				Data struct {
					Schema struct{ Types []struct{ Name string } } `json:"__schema"`
				}
			}
			if err := json.Unmarshal([]byte(body), &r); err != nil || len(r.Data.Schema.Types) < 40 {
				t.Errorf("schema.json: %v, %d types", err, len(r.Data.Schema.Types))
			}
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/schema.yaml", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("/schema.yaml: %d", rec.Code)
	}
}
