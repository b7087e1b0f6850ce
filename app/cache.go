package app

import (
	"context"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/tiendo-vn/tiendo/domain"
)

// cache keeps what public reads ask for again and again: whole rankings
// (one per campaign, metric, day, level and scope), checked on every
// request against the version of the campaign's stored figures, so a
// refresh is visible at once; and units, which change rarely (a rename
// shows within unitTTL, at once in the process that made it).
type cache struct {
	once     sync.Once
	rankings *lru.Cache[rankKey, rankEntry]
	mu       sync.RWMutex
	units    map[int64]unitEntry
}

type rankKey struct {
	campaign int64
	metric   string
	day      domain.Date
	kind     domain.UnitKind
	scope    int64
}

type rankEntry struct {
	version string
	rows    []*domain.RankRow
	bands   bandTally // the rows counted per band, once
}

type unitEntry struct {
	unit *domain.Unit
	at   time.Time
}

const (
	maxCachedRankings = 64
	unitTTL           = time.Minute
)

func (c *cache) init() {
	c.once.Do(func() {
		c.rankings, _ = lru.New[rankKey, rankEntry](maxCachedRankings)
		c.units = map[int64]unitEntry{}
	})
}

func (c *cache) ranking(k rankKey, version string) (rankEntry, bool) {
	c.init()
	e, ok := c.rankings.Get(k)
	if !ok || e.version != version || version == "" {
		return rankEntry{}, false
	}
	return e, true
}

func (c *cache) putRanking(k rankKey, e rankEntry) {
	c.init()
	if e.version != "" {
		c.rankings.Add(k, e)
	}
}

// CachedUnit returns the unit with id if the process saw it lately.
func (a *App) CachedUnit(id int64) *domain.Unit {
	c := &a.cache
	c.init()
	c.mu.RLock()
	e, ok := c.units[id]
	c.mu.RUnlock()
	if !ok || time.Since(e.at) > unitTTL {
		return nil
	}
	return e.unit
}

// CacheUnits remembers units for CachedUnit.
func (a *App) CacheUnits(units []*domain.Unit) {
	c := &a.cache
	c.init()
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.units) > 200000 { // bounded: start again rather than grow
		clear(c.units)
	}
	for _, u := range units {
		if u != nil {
			c.units[u.ID] = unitEntry{u, now}
		}
	}
}

// forgetUnits drops every cached unit (after a write to units).
func (a *App) forgetUnits() {
	c := &a.cache
	c.init()
	c.mu.Lock()
	clear(c.units)
	c.mu.Unlock()
}

// UnitByID returns one unit, from the cache when it can. ENOTFOUND.
func (a *App) UnitByID(ctx context.Context, id int64) (*domain.Unit, error) {
	if u := a.CachedUnit(id); u != nil {
		return u, nil
	}
	u, err := a.Store.UnitByID(ctx, id)
	if err != nil {
		return nil, err
	}
	a.CacheUnits([]*domain.Unit{u})
	return u, nil
}
