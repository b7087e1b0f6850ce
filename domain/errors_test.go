package domain_test

import (
	"errors"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// TestHTTPStatus: what a plain HTTP endpoint answers for each kind of error;
// only the codes a reader's request causes show their message.
func TestHTTPStatus(t *testing.T) {
	want := func(err error, status int, msg string) {
		t.Helper()
		if gotStatus, gotMsg := domain.HTTPStatus(err); gotStatus != status || gotMsg != msg {
			t.Errorf("HTTPStatus(%v) = %d %q, want %d %q", err, gotStatus, gotMsg, status, msg)
		}
	}
	want(domain.Errorf(domain.ENOTFOUND, "no campaign x"), 404, "no campaign x")
	want(errors.Join(errors.New("reading"), domain.Errorf(domain.EINVALID, "bad date")), 400, "bad date")
	want(domain.Errorf(domain.ERATELIMITED, "too many"), 429, "too many")
	want(domain.Errorf(domain.ECONFLICT, "taken"), 500, "")
	want(domain.Errorf(domain.EINTERNAL, "detail"), 500, "")
	want(errors.New("connection refused"), 500, "")
}
