package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
)

// TestIsConnectionError tells the database's absence from a statement's
// failure and from the request's own deadline.
func TestIsConnectionError(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("campaigns: %w", err) }
	for _, c := range []struct {
		err  error
		want bool
	}{
		{wrap(&pgconn.ConnectError{}), true},
		{wrap(&net.OpError{Op: "dial", Err: errors.New("connection refused")}), true},
		{wrap(pgconn.ErrConnClosed), true},
		{wrap(puddle.ErrClosedPool), true},
		{wrap(io.ErrUnexpectedEOF), true},
		{wrap(&pgconn.PgError{Code: "57P01"}), true}, // admin shutdown
		{wrap(&pgconn.PgError{Code: "08006"}), true}, // connection failure
		{wrap(&pgconn.PgError{Code: "53300"}), true}, // too many connections
		{wrap(&pgconn.PgError{Code: "23505"}), false},
		{wrap(&pgconn.PgError{Code: "57014"}), false}, // statement timeout
		{wrap(context.DeadlineExceeded), false},
		{wrap(context.Canceled), false},
		{errors.New("internal"), false},
		{nil, false},
	} {
		if got := IsConnectionError(c.err); got != c.want {
			t.Errorf("%#v: %v, want %v", c.err, got, c.want)
		}
	}
}
