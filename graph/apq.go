package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/lru"

	"github.com/tiendo-vn/tiendo/db"
)

// apqCache holds the automatic persisted queries: this server's recent
// ones in memory, and every server's in PostgreSQL, so a hash registered
// through one server is known to all.
type apqCache struct {
	mem    *lru.LRU[string]
	store  *db.DB
	logger *slog.Logger
}

func newAPQCache(store *db.DB, logger *slog.Logger) apqCache {
	return apqCache{mem: lru.New[string](1000), store: store, logger: logger}
}

func (c apqCache) Get(ctx context.Context, hash string) (string, bool) {
	if q, ok := c.mem.Get(ctx, hash); ok {
		return q, true
	}
	if c.store == nil {
		return "", false
	}
	q, ok, err := c.store.PersistedQuery(ctx, hash)
	if err != nil {
		c.logger.WarnContext(ctx, "persisted query lookup failed", "err", err)
		return "", false
	}
	if ok {
		c.mem.Add(ctx, hash, q)
	}
	return q, ok
}

// Add keeps the query in memory at once and stores it for the other
// servers without holding up the request (a registration lost to a failure
// costs another server one "PersistedQueryNotFound" round trip).
func (c apqCache) Add(ctx context.Context, hash, query string) {
	c.mem.Add(ctx, hash, query)
	if c.store == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := c.store.PersistQuery(ctx, hash, query); err != nil {
			c.logger.Warn("persisted query not stored", "err", err)
		}
	}()
}
