package httpapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestLogRequestIDs: a line logged with a request's context carries its
// id, once, whatever the handler's attributes and groups.
func TestLogRequestIDs(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(httpapi.LogRequestIDs(slog.NewTextHandler(&buf, nil)))
	ctx := graph.WithRequestID(context.Background(), "abc123")
	logger.InfoContext(ctx, "one")
	logger.With("k", "v").InfoContext(ctx, "two")
	logger.InfoContext(ctx, "three", "request_id", "abc123")
	logger.InfoContext(context.Background(), "four")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	for i, line := range lines[:3] {
		if strings.Count(line, "request_id=abc123") != 1 {
			t.Errorf("line %d does not name the request once: %s", i+1, line)
		}
	}
	if !strings.Contains(lines[1], "k=v") {
		t.Errorf("the logger's own attributes are lost: %s", lines[1])
	}
	if strings.Contains(lines[3], "request_id") {
		t.Errorf("a line without a request names one: %s", lines[3])
	}
}

// TestAccessLogPrints: the access log writes one line per request at the
// default level (Info), carrying the request id the response shows and
// the client's identity
// (issue #13, bug 6: it logged at Debug, which the default level drops).
func TestAccessLogPrints(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(httpapi.LogRequestIDs(slog.NewTextHandler(&buf, nil)))
	h := httpapi.NewRouter(dbtest.New(t), testConfig(), logger)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/schema.graphql", nil)
	req.Header.Set("apollographql-client-name", "bao-dien-tu web")
	req.Header.Set("apollographql-client-version", "2.4.1")
	h.ServeHTTP(rec, req)
	id := rec.Header().Get("X-Request-Id")
	line := buf.String()
	if id == "" || !strings.Contains(line, "msg=http") || !strings.Contains(line, "path=/schema.graphql") ||
		strings.Count(line, "request_id="+id) != 1 {
		t.Fatalf("no access-log line naming request %q once: %q", id, line)
	}
	// The client's identity, as Apollo's headers give it.
	if !strings.Contains(line, `client="bao-dien-tu web"`) || !strings.Contains(line, "client_version=2.4.1") {
		t.Errorf("access log line without the client identity: %s", line)
	}
}
