package graph

import (
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/milestone"
)

// readCache keeps what public reads ask for again and again: whole
// rankings (one per campaign, metric, day, level and scope), checked on
// every request against the version of the campaign's stored figures, so a
// refresh is visible at once; and units, which change rarely (a rename
// shows within unitTTL, at once in the process that made it).
type readCache struct {
	once     sync.Once
	rankings *lru.Cache[rankKey, rankEntry]
	// records are frozen milestone rankings, parsed, by their SHA-256:
	// a record never changes, so its hash is all a lookup needs.
	records *lru.Cache[string, *milestone.Record]
	mu      sync.RWMutex
	units   map[int64]unitEntry
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
}

type unitEntry struct {
	unit *domain.Unit
	at   time.Time
}

const (
	maxCachedRecords  = 16
	maxCachedRankings = 64
	unitTTL           = time.Minute
)

func (c *readCache) init() {
	c.once.Do(func() {
		c.rankings, _ = lru.New[rankKey, rankEntry](maxCachedRankings)
		c.records, _ = lru.New[string, *milestone.Record](maxCachedRecords)
		c.units = map[int64]unitEntry{}
	})
}

func (c *readCache) ranking(k rankKey, version string) ([]*domain.RankRow, bool) {
	c.init()
	e, ok := c.rankings.Get(k)
	if !ok || e.version != version || version == "" {
		return nil, false
	}
	return e.rows, true
}

func (c *readCache) putRanking(k rankKey, version string, rows []*domain.RankRow) {
	c.init()
	if version != "" {
		c.rankings.Add(k, rankEntry{version, rows})
	}
}

func (c *readCache) unit(id int64) *domain.Unit {
	c.init()
	c.mu.RLock()
	e, ok := c.units[id]
	c.mu.RUnlock()
	if !ok || time.Since(e.at) > unitTTL {
		return nil
	}
	return e.unit
}

func (c *readCache) putUnits(units []*domain.Unit) {
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
func (c *readCache) forgetUnits() {
	c.init()
	c.mu.Lock()
	clear(c.units)
	c.mu.Unlock()
}

func (c *readCache) record(hash string) *milestone.Record {
	c.init()
	r, _ := c.records.Get(hash)
	return r
}

func (c *readCache) putRecord(hash string, r *milestone.Record) {
	c.init()
	c.records.Add(hash, r)
}
