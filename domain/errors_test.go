package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

func TestHTTPStatus(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{domain.Errorf(domain.ENOTFOUND, "no campaign x"), 404, "no campaign x"},
		{fmt.Errorf("reading: %w", domain.Errorf(domain.EINVALID, "bad date")), 400, "bad date"},
		{domain.Errorf(domain.ERATELIMITED, "too many"), 429, "too many"},
		{domain.Errorf(domain.ECONFLICT, "taken"), 500, ""},
		{domain.Errorf(domain.EINTERNAL, "detail"), 500, ""},
		{errors.New("connection refused"), 500, ""},
	} {
		if status, msg := domain.HTTPStatus(tc.err); status != tc.status || msg != tc.msg {
			t.Errorf("HTTPStatus(%v) = %d %q, want %d %q", tc.err, status, msg, tc.status, tc.msg)
		}
	}
}
