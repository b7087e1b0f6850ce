// Package readset records what one request read, for the caches that keep
// its answer: the campaigns whose figures it read, each at its figures
// version, or that it read something no version describes (then only an
// unchanged database snapshot proves a stored answer current).
package readset

import (
	"context"
	"maps"
	"sync"
)

// Set is what one request read. The zero value is empty and tracked.
type Set struct {
	mu        sync.Mutex
	campaigns map[int64]string
	untracked bool
}

type key struct{}

// With returns ctx carrying a new Set, and the Set.
func With(ctx context.Context) (context.Context, *Set) {
	s := &Set{}
	return context.WithValue(ctx, key{}, s), s
}

// Campaign notes that the request read campaign id's figures at version.
// Reading one campaign at two versions (a write between two reads of one
// request) makes the answer untracked.
func Campaign(ctx context.Context, id int64, version string) {
	s, ok := ctx.Value(key{}).(*Set)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.campaigns == nil {
		s.campaigns = map[int64]string{}
	}
	if v, seen := s.campaigns[id]; seen && v != version {
		s.untracked = true
	}
	s.campaigns[id] = version
}

// Untracked notes that the request read something no version describes.
func Untracked(ctx context.Context) {
	if s, ok := ctx.Value(key{}).(*Set); ok {
		s.mu.Lock()
		s.untracked = true
		s.mu.Unlock()
	}
}

// Campaigns returns the campaigns read with their versions, and false when
// the request read something untracked.
func (s *Set) Campaigns() (map[int64]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.campaigns), !s.untracked
}
