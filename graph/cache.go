package graph

import (
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/tiendo-vn/tiendo/milestone"
)

// readCache keeps frozen milestone rankings, parsed, by their SHA-256: a
// record never changes, so its hash is all a lookup needs. (Rankings and
// units are cached by the application layer, package app.)
type readCache struct {
	once    sync.Once
	records *lru.Cache[string, *milestone.Record]
}

const maxCachedRecords = 16

func (c *readCache) init() {
	c.once.Do(func() {
		c.records, _ = lru.New[string, *milestone.Record](maxCachedRecords)
	})
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
