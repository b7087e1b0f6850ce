package httpapi

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// TestCompressedWithoutEncoding: a client that accepts no encoding gets
// what gzhttp gives one that accepts only identity (Vary, the body as
// it is), and one that accepts gzip a compressed large answer.
func TestCompressedWithoutEncoding(t *testing.T) {
	large := strings.Repeat(`{"data":{"__typename":"Query"}}`, 100)
	h := compressed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("Vary", "Accept")
		w.Write([]byte(large))
	}))
	serve := func(accept string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		if accept != "" {
			r.Header.Set("Accept-Encoding", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	none, identity := serve(""), serve("identity")
	if !reflect.DeepEqual(none.Header(), identity.Header()) || none.Body.String() != identity.Body.String() || none.Code != identity.Code {
		t.Errorf("no Accept-Encoding: %d %v; identity: %d %v", none.Code, none.Header(), identity.Code, identity.Header())
	}
	if got := none.Header().Values("Vary"); !reflect.DeepEqual(got, []string{"Accept-Encoding", "Accept"}) || none.Body.String() != large {
		t.Errorf("no Accept-Encoding: Vary %q, body of %d bytes", got, none.Body.Len())
	}
	if gz := serve("gzip"); gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= len(large) {
		t.Errorf("gzip: Content-Encoding %q, %d bytes", gz.Header().Get("Content-Encoding"), gz.Body.Len())
	}
}
