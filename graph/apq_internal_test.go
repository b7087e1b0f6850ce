package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestUnknownHashesAskedOnce: a hash PostgreSQL did not know is answered
// unknown from memory while it is remembered (a hash stored meanwhile by
// another server is not looked up again), and found once registered here.
func TestUnknownHashesAskedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	c := newAPQCache(store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	c.unknown = expirable.NewLRU[string, struct{}](unknownHashes, nil, time.Hour) // no expiry mid-test on a slow machine
	query := "{ __typename }"
	sum := sha256.Sum256([]byte(query))
	hash := hex.EncodeToString(sum[:])
	if _, ok := c.Get(ctx, hash); ok {
		t.Fatal("an unregistered hash was found")
	}
	// Another server registers it: this one does not ask again yet.
	if err := store.PersistQuery(ctx, hash, query); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(ctx, hash); ok {
		t.Fatal("a hash found unknown a moment ago was looked up again in PostgreSQL")
	}
	// Once it has expired, it is asked for and found.
	c.unknown.Remove(hash)
	if q, ok := c.Get(ctx, hash); !ok || q != query {
		t.Fatalf("a stored hash was not found: %q %v", q, ok)
	}
	// Registered through this server: known at once.
	other := "{ ranking { totalCount } }"
	osum := sha256.Sum256([]byte(other))
	ohash := hex.EncodeToString(osum[:])
	c.Get(ctx, ohash)
	c.Add(ctx, ohash, other)
	if q, ok := c.Get(ctx, ohash); !ok || q != other {
		t.Fatalf("a hash registered here was not found: %q %v", q, ok)
	}
}
