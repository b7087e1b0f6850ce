package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestTokenRevokeTwice: revoking a revoked token says so instead of
// claiming to revoke it again.
func TestTokenRevokeTwice(t *testing.T) {
	url := dbtest.NewURL(t)
	ctx := context.Background()
	tok := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		args = append([]string{"token", args[0], "--database-url", url}, args[1:]...)
		if err := run(ctx, args, &out, &errb, quiet); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	tok("create", "--role", "admin", "--name", "Ban biên tập")
	if out := tok("revoke", "1"); !strings.Contains(out, "token 1 revoked") {
		t.Errorf("first revoke printed %q", out)
	}
	if out := tok("revoke", "1"); !strings.Contains(out, "already revoked") || strings.Contains(out, "token 1 revoked") {
		t.Errorf("second revoke printed %q, want it to say the token was already revoked", out)
	}
}
