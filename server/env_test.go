package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestMalformedEnvRefused: a typo in a setting stops the server at start
// with a message naming it, instead of running with the default.
func TestMalformedEnvRefused(t *testing.T) {
	for _, tc := range []struct{ key, val, want string }{
		{"RATE_LIMIT", "1O", `RATE_LIMIT="1O" is not a number`},
		{"RATE_BURST", "twenty", `RATE_BURST="twenty" is not a whole number`},
		{"REQUEST_TIMEOUT", "15", `REQUEST_TIMEOUT="15" is not a duration`},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Setenv(tc.key, tc.val)
			var out, errb bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // were the value accepted, the server would stop at once
			err := run(ctx, []string{"serve", "--database-url", "postgres://nowhere.invalid/x"}, &out, &errb, quiet)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("serve with %s=%s: %v; want an error containing %q", tc.key, tc.val, err, tc.want)
			}
		})
	}
}

func TestLogSettings(t *testing.T) {
	t.Setenv("LOG_LEVEL", "loud")
	if _, err := newLogger(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("LOG_LEVEL=loud: %v", err)
	}
	t.Setenv("LOG_LEVEL", "debug")
	t.Setenv("LOG_FORMAT", "json")
	var b bytes.Buffer
	l, err := newLogger(&b)
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("http", "path", "/graphql")
	if !strings.HasPrefix(b.String(), `{"time":`) || !strings.Contains(b.String(), `"path":"/graphql"`) {
		t.Errorf("LOG_LEVEL=debug LOG_FORMAT=json wrote %q", b.String())
	}
	t.Setenv("LOG_FORMAT", "xml")
	if _, err := newLogger(&b); err == nil {
		t.Error("LOG_FORMAT=xml accepted")
	}
}
