package telemetry

import (
	"sync"
	"sync/atomic"
)

// known keeps a vector's children by their labels, as WithLabelValues
// finds them, so that a request finds its own without hashing and
// formatting its labels: a map read without a lock, copied to add to it.
// Labels are few (see the package's doc); past maxKnown children, the
// others are looked up each time.
type known[K comparable, V any] struct {
	mu sync.Mutex // held to add
	m  atomic.Pointer[map[K]V]
}

const maxKnown = 1000

// get returns k's child, made by child the first time.
func (c *known[K, V]) get(k K, child func(K) V) V {
	if m := c.m.Load(); m != nil {
		if v, ok := (*m)[k]; ok {
			return v
		}
	}
	v := child(k)
	c.mu.Lock()
	defer c.mu.Unlock()
	var old map[K]V
	if p := c.m.Load(); p != nil {
		old = *p
	}
	if len(old) >= maxKnown {
		return v
	}
	m := make(map[K]V, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[k] = v
	c.m.Store(&m)
	return v
}
