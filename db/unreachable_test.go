package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestUnreachablePoolExhausted: a request whose time runs out waiting for
// a connection of a pool whose every connection is taken meets the
// database's unavailability; the same deadline with a connection free is
// the request's own (too slow, not an outage).
func TestUnreachablePoolExhausted(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, dbtest.NewURL(t), db.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	late := func() error {
		ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := store.Pool.Exec(ctx, `SELECT pg_sleep(1)`)
		return err
	}
	if err := late(); err == nil || store.Unreachable(err) {
		t.Fatalf("a statement too slow, with the pool free: %v, unreachable %v; want the request's own deadline", err, store.Unreachable(err))
	}
	conn, err := store.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if err := late(); err == nil || !store.Unreachable(err) {
		t.Fatalf("waiting for a connection of an exhausted pool: %v, unreachable %v; want unreachable", err, store.Unreachable(err))
	}
}
