// Package graphtest is what the tests of graph, httpapi, server and publish
// share: GraphQL requests sent to an http.Handler as clients send them (a
// JSON POST to /graphql), and a log buffer to read while a server writes.
package graphtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Post sends body (the request's JSON object: query, variables,
// extensions) to h as a POST to /graphql, with the headers given as name,
// value pairs, and returns the recorded answer.
func Post(h http.Handler, body map[string]any, header ...string) *httptest.ResponseRecorder {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Query posts {"query": query} to h (Post).
func Query(h http.Handler, query string, header ...string) *httptest.ResponseRecorder {
	return Post(h, map[string]any{"query": query}, header...)
}

// Decode decodes the answer's body into v, failing tb when it is not JSON.
func Decode(tb testing.TB, rec *httptest.ResponseRecorder, v any) {
	tb.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		tb.Fatalf("%v: %.1000s", err, rec.Body)
	}
}
