package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/tiendo-vn/tiendo/db"
)

// apqCache holds the automatic persisted queries: the trusted documents
// known from the start (the portal's), this server's recent ones in memory,
// and every server's in PostgreSQL, so a hash registered through one server
// is known to all. A hash PostgreSQL does not know is remembered as unknown
// for unknownFor, so the clients of a stale page asking for it at once, or
// again and again, cost one database round trip a second, not one each; a
// hash registered meanwhile through another server is known here within
// that second (TestPersistedQueriesAcrossServers).
type apqCache struct {
	trusted map[string]string // by the hex SHA-256 of the document
	mem     *lru.LRU[string]
	unknown *expirable.LRU[string, struct{}]
	store   *db.DB
	logger  *slog.Logger
}

// unknownFor is how long a hash PostgreSQL did not know is answered as
// unknown without asking again; unknownHashes bounds how many are kept.
const (
	unknownFor    = time.Second
	unknownHashes = 10000
)

func newAPQCache(store *db.DB, logger *slog.Logger, trusted []string) apqCache {
	c := apqCache{trusted: map[string]string{}, mem: lru.New[string](1000), store: store, logger: logger,
		unknown: expirable.NewLRU[string, struct{}](unknownHashes, nil, unknownFor)}
	for _, q := range trusted {
		sum := sha256.Sum256([]byte(q))
		c.trusted[hex.EncodeToString(sum[:])] = q
	}
	return c
}

func (c apqCache) Get(ctx context.Context, hash string) (string, bool) {
	if q, ok := c.trusted[hash]; ok {
		return q, true
	}
	if q, ok := c.mem.Get(ctx, hash); ok {
		return q, true
	}
	if c.store == nil || c.unknown.Contains(hash) {
		return "", false
	}
	q, ok, err := c.store.PersistedQuery(ctx, hash)
	if err != nil {
		c.logger.WarnContext(ctx, "persisted query lookup failed", "err", err)
		return "", false
	}
	if ok {
		c.mem.Add(ctx, hash, q)
	} else {
		c.unknown.Add(hash, struct{}{})
	}
	return q, ok
}

// Add keeps the query in memory at once and stores it for the other
// servers without holding up the request (a registration lost to a failure
// costs another server one "PersistedQueryNotFound" round trip).
func (c apqCache) Add(ctx context.Context, hash, query string) {
	c.mem.Add(ctx, hash, query)
	c.unknown.Remove(hash)
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
