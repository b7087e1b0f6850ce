package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/vektah/gqlparser/v2/gqlerror"

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

// maxStoredQuery is the longest document stored for the other servers: a
// real client's documents are a few KB; a longer one is known to the server
// that learned it (its clients send it again to the others, as APQ does for
// any hash a server does not know).
const maxStoredQuery = 16 << 10

// Add keeps the query in this server's memory (bounded) at once. It is
// stored for the other servers only once it passed validation and the
// limits (apqStore), so an anonymous client's junk registered under its
// hashes writes nothing to the database.
func (c apqCache) Add(ctx context.Context, hash, query string) {
	c.mem.Add(ctx, hash, query)
	c.unknown.Remove(hash)
}

// apqStore stores the document an operation registered (APQ with its
// query) for the other servers, once the operation passed parsing,
// validation and the limits: it runs after them (graph.NewExecutor's
// order).
type apqStore struct{ cache apqCache }

func (apqStore) ExtensionName() string                   { return "PersistedQueryStore" }
func (apqStore) Validate(graphql.ExecutableSchema) error { return nil }

func (s apqStore) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	st, ok := oc.Stats.GetExtension("APQ").(*extension.ApqStats)
	if !ok || !st.SentQuery || len(oc.RawQuery) > maxStoredQuery {
		return nil
	}
	if _, trusted := s.cache.trusted[st.Hash]; !trusted {
		s.cache.persist(ctx, st.Hash, oc.RawQuery)
	}
	return nil
}

// persist stores a document for the other servers without holding up the
// request (a registration lost to a failure costs another server one
// "PersistedQueryNotFound" round trip).
func (c apqCache) persist(ctx context.Context, hash, query string) {
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
