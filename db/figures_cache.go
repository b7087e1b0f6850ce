package db

import (
	"context"
	"encoding/binary"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// A report morning refreshes the same day again and again: each refresh
// recomputes the day's 32,385 national figures, of which a few thousand
// change (the units reported, their ancestors, and the units whose rank
// they passed). Comparing them with the stored ones in PostgreSQL meant
// copying every figure into a temporary table and joining it with the
// day's stored figures. Instead, this process remembers a hash of every
// figure its last refresh of the campaign's latest days stored, and copies
// only the figures whose hash changed.
//
// The memory is only used while nothing else wrote the campaign's figures
// since: it is tagged with the snapshot its refresh recorded in
// figures_state (each refresh and each rewind records a new one in the
// transaction that writes the figures) and the fingerprint of the
// campaign's settings and units, and a refresh uses it only when
// figures_state still holds that snapshot, under the refresh's lock. It
// covers the last two days computed (a morning's day, and the day before
// for a late correction) per metric: about half a megabyte a day for the
// nation.

// figureHash is a figure as stored, hashed: two independent 64-bit hashes
// of every stored column but the key, so that two figures that differ
// hash alike only by a chance of about one in 2^128.
type figureHash [2]uint64

// figureDay is one metric's figures of one day.
type figureDay struct {
	metric int16
	day    domain.Date
}

// figuresMemory is what a campaign's last refresh in this process stored.
type figuresMemory struct {
	snapshot, fingerprint string
	days                  map[figureDay]*dayHashes // never changed once remembered
}

// dayHashes are the hashes of one metric's figures of a day, in the order
// the engine emitted them (its units' order, the same from one refresh to
// the next): a refresh finds each figure's old hash at its own position,
// not in a map (hashing a national day's 97,000 keys into maps, and
// looking them up, was a fifth of a report morning's refresh).
type dayHashes struct {
	units  []int64
	hashes []figureHash
	once   sync.Once
	index  map[int64]int32 // position by unit, built the first time a unit is not at its position
}

// find returns the hash of unit's figure, looked for at pos first.
func (d *dayHashes) find(pos int, unit int64) (figureHash, bool) {
	if pos >= 0 && pos < len(d.units) && d.units[pos] == unit {
		return d.hashes[pos], true
	}
	d.once.Do(func() {
		d.index = make(map[int64]int32, len(d.units))
		for i, u := range d.units {
			d.index[u] = int32(i)
		}
	})
	i, ok := d.index[unit]
	if !ok {
		return figureHash{}, false
	}
	return d.hashes[i], true
}

// figureMemories holds every campaign's memory.
type figureMemories struct {
	mu sync.Mutex
	m  map[int64]*figuresMemory
}

// valid returns the campaign's memory when it is tagged with snapshot and
// fingerprint (nil otherwise).
func (fm *figureMemories) valid(campaignID int64, snapshot *string, fingerprint string) *figuresMemory {
	if snapshot == nil {
		return nil
	}
	fm.mu.Lock()
	defer fm.mu.Unlock()
	m := fm.m[campaignID]
	if m == nil || m.snapshot != *snapshot || m.fingerprint != fingerprint {
		return nil
	}
	return m
}

// set replaces the campaign's memory (nil forgets it).
func (fm *figureMemories) set(campaignID int64, m *figuresMemory) {
	fm.mu.Lock()
	defer fm.mu.Unlock()
	if fm.m == nil {
		fm.m = map[int64]*figuresMemory{}
	}
	if m == nil {
		delete(fm.m, campaignID)
		return
	}
	fm.m[campaignID] = m
}

// advance re-tags the campaign's memory of snapshot old with snapshot now,
// when nothing it remembers changed between the two (settleDue).
func (fm *figureMemories) advance(campaignID int64, old, now, fingerprint string) {
	fm.mu.Lock()
	defer fm.mu.Unlock()
	if m := fm.m[campaignID]; m != nil && m.snapshot == old && m.fingerprint == fingerprint {
		cp := *m // a memory is never changed once made: a refresh may hold m
		cp.snapshot = now
		fm.m[campaignID] = &cp
	}
}

// covers reports whether m holds every figure of the metrics ids for the
// days from..to.
func (m *figuresMemory) covers(ids []int16, from, to domain.Date) bool {
	if m == nil {
		return false
	}
	for d := from; d <= to; d++ {
		for _, id := range ids {
			if _, ok := m.days[figureDay{id, d}]; !ok {
				return false
			}
		}
	}
	return true
}

// figureRecorder hashes the figures a refresh stores, for the next one.
type figureRecorder struct {
	keepFrom domain.Date // days before it are not remembered
	to       domain.Date // the refresh's last day
	days     map[figureDay]*dayHashes
	last     figureDay // the day note appended to last, and its hashes
	lastDay  *dayHashes
	// sizes of the days remembered before, to size the new ones
	base *figuresMemory
}

// rememberedDays is how many of the latest days computed are remembered.
const rememberedDays = 2

func newFigureRecorder(base *figuresMemory, to domain.Date) *figureRecorder {
	return &figureRecorder{keepFrom: to - rememberedDays + 1, to: to, days: map[figureDay]*dayHashes{}, base: base}
}

// note records figure f of metric id with hash h (days before keepFrom are
// not remembered).
func (r *figureRecorder) note(id int16, f *engine.Figure, h figureHash) int {
	if f.Day < r.keepFrom {
		return -1
	}
	k := figureDay{id, f.Day}
	day := r.lastDay
	if day == nil || k != r.last {
		day = r.days[k]
		if day == nil {
			n := 1024
			if b := r.base.day(k); b != nil {
				n = max(n, len(b.units))
			}
			day = &dayHashes{units: make([]int64, 0, n), hashes: make([]figureHash, 0, n)}
			r.days[k] = day
		}
		r.last, r.lastDay = k, day
	}
	day.units = append(day.units, f.UnitID)
	day.hashes = append(day.hashes, h)
	return len(day.units) - 1
}

// day returns the hashes m remembers of a metric's day (nil if none, or m is nil).
func (m *figuresMemory) day(k figureDay) *dayHashes {
	if m == nil {
		return nil
	}
	return m.days[k]
}

// memory is the memory after the refresh committed with snapshot: the days
// it computed, and the days of base (valid before it) it left as they were,
// up to its last day computed (a refresh whose last day is earlier than the
// last stored deletes the later ones).
func (r *figureRecorder) memory(snapshot, fingerprint string, base *figuresMemory) *figuresMemory {
	m := &figuresMemory{snapshot: snapshot, fingerprint: fingerprint, days: r.days}
	if base != nil {
		for k, v := range base.days {
			if _, done := m.days[k]; !done && k.day >= r.keepFrom && k.day <= r.to {
				m.days[k] = v
			}
		}
	}
	return m
}

// writeChanged stores the figures of the plan's days that differ from what
// base remembers of them (changed says which, noting every figure in rec)
// and deletes those base remembers that the plan no longer has; it returns
// the rows written. The days must be ones base covers.
func writeChanged(ctx context.Context, tx pgx.Tx, plan *refreshPlan, ids []int16, metricIDs map[string]int16, base *figuresMemory, rec *figureRecorder, changed func(*engine.Figure) bool) (int, error) {
	c := plan.in.Campaign
	ranks := rankBlocks{}
	if _, err := copyFigures(ctx, tx, "figures_new", c.ID, metricIDs, plan, ranks, changed); err != nil {
		return 0, err
	}
	if err := writeRanks(ctx, tx, c.ID, ids, pgDate(plan.from), pgDate(plan.to), ranks); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO figure_values SELECT * FROM figures_new
		ON CONFLICT (campaign_id, metric_id, day, unit_id) DO UPDATE SET `+figureUpdates)
	if err != nil {
		return 0, err
	}
	written := int(tag.RowsAffected())
	var gm []int16
	var gd []time.Time
	var gu []int64
	for k, old := range base.days {
		now := rec.days[k]
		if k.day < plan.from || k.day > plan.to || now == nil || slices.Equal(old.units, now.units) {
			continue
		}
		for _, u := range old.units {
			if _, ok := now.find(-1, u); !ok {
				gm, gd, gu = append(gm, k.metric), append(gd, pgDate(k.day)), append(gu, u)
			}
		}
	}
	if len(gu) > 0 {
		tag, err = tx.Exec(ctx, `DELETE FROM figure_values f USING unnest($2::smallint[], $3::date[], $4::bigint[]) AS g(metric_id, day, unit_id)
			WHERE f.campaign_id = $1 AND f.metric_id = g.metric_id AND f.day = g.day AND f.unit_id = g.unit_id`, c.ID, gm, gd, gu)
		if err != nil {
			return 0, err
		}
		written += int(tag.RowsAffected())
	}
	return written, nil
}

var figureSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// hashFigure hashes every column figureRow stores but the key (campaign,
// metric, day, unit), as it stores them (a null where figureRow writes
// one). The ranks are stored apart (figure_ranks.go).
func hashFigure(buf []byte, f *engine.Figure) (figureHash, []byte) {
	b := buf[:0]
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(ok bool, v int64) {
		if !ok {
			b = append(b, 0)
			return
		}
		b = append(b, 1)
		b = binary.AppendVarint(b, v)
	}
	flt := func(p *float64) {
		if p == nil {
			b = append(b, 0)
			return
		}
		b = append(b, 1)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(*p))
	}
	flag := func(v bool) {
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	str(string(f.Kind))
	num(f.ParentID != nil, deref(f.ParentID))
	num(f.HasValue, f.Value)
	str(string(f.Source))
	num(true, int64(f.StaleDays))
	num(f.HasQuota, f.Quota)
	flag(f.QuotaOwn)
	num(f.QuotaOwn, f.QuotaRevisionID)
	flt(f.Rate)
	num(f.Delta != nil, deref(f.Delta))
	num(f.Delta7 != nil, deref(f.Delta7))
	flt(f.Pace7d)
	flt(f.RequiredPace)
	num(f.Projected != nil, int64(deref(f.Projected)))
	flag(f.AtRisk)
	num(f.Band != "", 0)
	str(f.Band)
	num(true, int64(f.OnTime))
	num(true, int64(f.Late))
	num(true, int64(f.Missing))
	num(true, int64(int32(f.RulesVersion)))
	num(true, int64(int32(f.Revisions)))
	return figureHash{maphash.Bytes(figureSeeds[0], b), maphash.Bytes(figureSeeds[1], b)}, b
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
