package db

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// unitsMemory keeps the subtrees of units the refreshes read, each with the
// lines its fingerprint hashes, for as long as units_state.version (moved
// by every statement that writes units, migration 027) stays the same. A
// report morning refreshes a campaign about once a second; its units change
// a few times a year.
//
// Not the tiendo_base announcement (migration 019), which the response
// caches use: that arrives after the commit, on its own connection, so a
// refresh that starts just after a change of units could miss it. The
// version is read in the refresh's own snapshot, with the units it names.
//
// The units are shared by every refresh that uses them, so nothing may
// change them: the engine and the plan only read them.
type unitsMemory struct {
	mu    sync.Mutex
	trees map[int64]*unitsTree // by the subtree's root
}

// unitsTree is one root's subtree as of one version of the units.
type unitsTree struct {
	version int64
	units   []*domain.Unit
	lines   []byte // each unit's line of the fingerprint, in id order
}

// maxUnitTrees bounds the subtrees kept: one per campaign scope in use (a
// national subtree is about 2 MB).
const maxUnitTrees = 16

// subtreeAt returns the subtree of root as tx sees it, from memory when the
// units have not changed since it was read.
func (db *DB) subtreeAt(ctx context.Context, tx pgx.Tx, root int64) (*unitsTree, error) {
	var version int64
	if err := tx.QueryRow(ctx, `SELECT version FROM units_state`).Scan(&version); err != nil {
		return nil, err
	}
	m := &db.units
	m.mu.Lock()
	t := m.trees[root]
	m.mu.Unlock()
	if t != nil && t.version == version {
		return t, nil
	}
	units, err := subtreeIn(ctx, tx, root)
	if err != nil {
		return nil, err
	}
	t = &unitsTree{version: version, units: units, lines: unitLines(units)}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.trees == nil || len(m.trees) >= maxUnitTrees {
		m.trees = map[int64]*unitsTree{}
	}
	// A refresh that read an older version must not replace a newer one.
	if old := m.trees[root]; old == nil || old.version < version {
		m.trees[root] = t
	}
	return t, nil
}

// unitLines is what a fingerprint hashes of units: one line each, in id
// order.
func unitLines(units []*domain.Unit) []byte {
	sorted := slices.Clone(units)
	slices.SortFunc(sorted, func(a, b *domain.Unit) int { return cmp.Compare(a.ID, b.ID) })
	var b []byte
	for _, u := range sorted {
		var parent int64
		if u.ParentID != nil {
			parent = *u.ParentID
		}
		b = fmt.Appendf(b, "%d %s %s %d %s %s\n", u.ID, u.Code, u.Kind, parent, datePtr(u.ValidFrom), datePtr(u.ValidTo))
	}
	return b
}
