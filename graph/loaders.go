package graph

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

// Loaders batch the lookups nested fields make, once per request.
type Loaders struct {
	UnitByID *dataloadgen.Loader[int64, *domain.Unit]
	// Revisions loads the revisions of reports (a series' points).
	Revisions *dataloadgen.Loader[domain.RevisionKey, []*domain.Revision]
	// Predecessors and Successors are the links of the 2025 reform of a unit.
	Predecessors, Successors *dataloadgen.Loader[int64, []domain.Link]

	fetchRevisions func(ctx context.Context, keys []domain.RevisionKey) ([][]*domain.Revision, []error)
}

// PrefetchRevisions loads the revisions of keys in one query now and keeps
// them for Revisions.Load. A field that knows every key its children will
// ask for uses it: the loader's batch is only as wide as what arrives within
// its wait, and on a busy machine the children of one list arrive spread out.
func (l *Loaders) PrefetchRevisions(ctx context.Context, keys []domain.RevisionKey) error {
	if len(keys) == 0 {
		return nil
	}
	vals, errs := l.fetchRevisions(ctx, keys)
	if len(errs) > 0 {
		return errs[0]
	}
	for i, k := range keys {
		l.Revisions.Prime(k, vals[i])
	}
	return nil
}

// loaderWait is how long a loader waits for more keys after the first: the
// fields of one list resolve together, well within it, and a request
// should not sit idle waiting for more.
var loaderWait = 500 * time.Microsecond

// linkLoader batches the links of many units into one query.
func linkLoader(store *db.DB, successors bool) *dataloadgen.Loader[int64, []domain.Link] {
	return dataloadgen.NewLoader(func(ctx context.Context, ids []int64) ([][]domain.Link, []error) {
		links, err := store.LinksOf(ctx, ids, successors)
		if err != nil {
			return nil, []error{err}
		}
		at := make(map[int64]int, len(ids))
		for i, id := range ids {
			at[id] = i
		}
		out := make([][]domain.Link, len(ids))
		for _, l := range links {
			near := l.NewID
			if successors {
				near = l.OldID
			}
			out[at[near]] = append(out[at[near]], l)
		}
		return out, nil
	}, dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(1000))
}

func newLoaders(store *db.DB) *Loaders {
	fetchRevisions := func(ctx context.Context, keys []domain.RevisionKey) ([][]*domain.Revision, []error) {
		byKey, err := store.RevisionsOf(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		out := make([][]*domain.Revision, len(keys))
		for i, k := range keys {
			out[i] = byKey[k]
		}
		return out, nil
	}
	return &Loaders{
		UnitByID: dataloadgen.NewLoader(func(ctx context.Context, ids []int64) ([]*domain.Unit, []error) {
			units, err := store.UnitsByID(ctx, ids)
			if err != nil {
				return nil, []error{err}
			}
			return units, nil
		}, dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(1000)),
		Revisions:      dataloadgen.NewLoader(fetchRevisions, dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(1000)),
		Predecessors:   linkLoader(store, false),
		Successors:     linkLoader(store, true),
		fetchRevisions: fetchRevisions,
	}
}

// requestLoaders is a request's loaders, made when a field first needs one
// (most requests need none: a cached answer, a ranking, __typename), and
// its metrics cache; one slot of the request's Request for both.
type requestLoaders struct {
	store   *db.DB
	once    sync.Once
	loaders *Loaders
	metrics metricsCache
}

// LoaderMiddleware gives every request its own loaders and metrics cache:
// in the request's Request when it has one without them, else in a
// context value of their own.
func LoaderMiddleware(store *db.DB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := requestOf(r.Context())
		if c == nil || c.req.loaders != nil {
			ctx, _ := NewRequest(r.Context())
			r = r.WithContext(ctx)
			c = ctx.(*requestCtx)
		}
		c.own.loaders.store = store
		c.req.loaders = &c.own.loaders
		next.ServeHTTP(w, r)
	})
}

// loaders returns the request's loaders (fresh ones outside a request).
func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l := requestLoadersOf(ctx); l != nil {
		l.once.Do(func() { l.loaders = newLoaders(l.store) })
		return l.loaders
	}
	return newLoaders(r.DB)
}

func (r *Resolver) unitByID(ctx context.Context, id int64) (*domain.Unit, error) {
	if u := r.app().CachedUnit(id); u != nil {
		return u, nil
	}
	u, err := r.loaders(ctx).UnitByID.Load(ctx, id)
	if err == nil && u != nil {
		r.app().CacheUnits([]*domain.Unit{u})
	}
	if err == nil && u == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "unit %d not found", id)
	}
	return u, err
}
