package db

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
)

// Unreachable reports whether err says that PostgreSQL could not be
// reached or went away, rather than that a statement failed: a failed
// connection attempt, a network error, a connection the server closed
// (shutting down, crashed, starting up, out of connection slots), a closed
// pool, or a request whose time ran out while every connection of the
// pool was taken (its acquire timed out). Such errors are
// the database's outage, not the request's fault nor a bug: the API
// answers them with UNAVAILABLE and a time to retry.
func (db *DB) Unreachable(err error) bool {
	if IsConnectionError(err) {
		return true
	}
	// A deadline met while a statement ran on a connection is the
	// request's own (pgconn says so); one met while waiting for a
	// connection, with every connection taken, is the pool's.
	if !errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) || db == nil || db.Pool == nil {
		return false
	}
	s := db.Pool.Stat()
	return s.AcquiredConns() >= s.MaxConns()
}

// IsConnectionError reports whether err comes from the connection to
// PostgreSQL rather than from a statement (see Unreachable).
func IsConnectionError(err error) bool {
	if err == nil {
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &connectErr):
		return true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The request's own time (context's errors are net.Errors too).
		return false
	case errors.As(err, &netErr):
		return true
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, puddle.ErrClosedPool),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.As(err, &pgErr):
		// Class 08: connection exception; 57P01-57P03: the server is
		// shutting down, crashed or starting; 53300: too many connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" ||
			pgErr.Code == "57P03" || pgErr.Code == "53300"
	}
	return false
}

// Ping reports whether PostgreSQL answers.
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }
