package app

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// A write is acknowledged once it is durable: committed, with a note in
// its own transaction that the figures it changed are due. The figures are
// then brought up to date here, in the background, coalesced per campaign:
// one refresh at a time, and every write committed while one runs is
// covered by the next, from the earliest day any of them changed. On a
// report morning, when thousands of communes submit within minutes, that is
// a refresh or two per second per campaign, not one per write, and no
// writer waits for it.
//
// A writer reads its own writes: its next reads, through any server, wait,
// bounded, for the refreshes covering them (AwaitOwnWrites). Everyone else sees the figures
// when the refresh commits, usually within a second or two. If the
// process dies first, or a refresh fails, the note stays and the figures
// worker (package figures) refreshes the campaign later.

// OwnWritesWait bounds how long a writer's read waits for the refresh of
// its own writes before it answers from the figures stored.
const OwnWritesWait = 5 * time.Second

// figureQueue coalesces the refreshes of every campaign of one App.
type figureQueue struct {
	mu        sync.Mutex
	campaigns map[int64]*campaignQueue
	// own: principal (token id) → campaign → the generation its last write
	// asked for.
	own map[int64]map[int64]uint64
}

// campaignQueue is the coalescing state of one campaign.
type campaignQueue struct {
	requested uint64        // requests so far
	done      uint64        // requests covered by a finished refresh
	running   bool          // a refresh is running
	from      domain.Date   // earliest day of the requests not yet started
	pending   bool          // requests wait for a refresh not yet started
	now       time.Time     // latest clock of those requests
	since     time.Time     // when the earliest of them was acknowledged
	changed   chan struct{} // closed and replaced when done moves
	err       error         // the last refresh's error
}

// figuresDue asks for a refresh of campaign id from day from, for the
// writer p (nil: nobody waits), and returns its generation.
func (a *App) figuresDue(p *domain.Principal, id int64, from domain.Date) uint64 {
	q := &a.figures
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.campaigns == nil {
		q.campaigns, q.own = map[int64]*campaignQueue{}, map[int64]map[int64]uint64{}
	}
	c := q.campaigns[id]
	if c == nil {
		c = &campaignQueue{changed: make(chan struct{})}
		q.campaigns[id] = c
	}
	if !c.pending || from < c.from {
		c.from = from
	}
	if !c.pending {
		c.since = time.Now()
	}
	c.pending = true
	if now := a.now(); now.After(c.now) {
		c.now = now
	}
	c.requested++
	if p != nil {
		if q.own[p.TokenID] == nil {
			q.own[p.TokenID] = map[int64]uint64{}
		}
		q.own[p.TokenID][id] = c.requested
	}
	if !c.running {
		c.running = true
		go a.refreshLoop(id, c)
	}
	return c.requested
}

// refreshLoop refreshes campaign id until no request is pending.
func (a *App) refreshLoop(id int64, c *campaignQueue) {
	q := &a.figures
	q.mu.Lock()
	for c.pending {
		upTo, from, now, since := c.requested, c.from, c.now, c.since
		c.pending, c.now = false, time.Time{}
		q.mu.Unlock()
		err := a.Store.RefreshFiguresAfter(context.Background(), id, from, now)
		if err == nil {
			telemetry.ObserveFiguresBehind(time.Since(since))
		} else {
			a.logger().Error("refreshing figures after writes failed; the figures worker will retry",
				"campaign", id, "from", from.String(), "err", err)
		}
		q.mu.Lock()
		c.done, c.err = upTo, err
		close(c.changed)
		c.changed = make(chan struct{})
		q.forgetDone(id, upTo)
	}
	c.running = false
	q.mu.Unlock()
}

// forgetDone drops the writers' marks that generation upTo of campaign id
// covers. Called with q.mu held.
func (q *figureQueue) forgetDone(id int64, upTo uint64) {
	for tok, m := range q.own {
		if g, ok := m[id]; ok && g <= upTo {
			delete(m, id)
			if len(m) == 0 {
				delete(q.own, tok)
			}
		}
	}
}

// awaitFigures waits until generation gen of campaign id is refreshed, the
// context ends or the deadline passes; it returns the refresh's error.
func (a *App) awaitFigures(ctx context.Context, id int64, gen uint64, deadline <-chan time.Time) error {
	q := &a.figures
	for {
		q.mu.Lock()
		c := q.campaigns[id]
		if c.done >= gen {
			err := c.err
			q.mu.Unlock()
			return err
		}
		changed := c.changed
		q.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			return nil
		}
	}
}

// OwnWrites is what a writer's read found of its own writes' figures.
type OwnWrites int

const (
	// OwnWritesNone: none of the writer's writes had figures still due.
	OwnWritesNone OwnWrites = iota
	// OwnWritesRefreshed: the read waited, and the figures of every write
	// the writer made before it are refreshed now.
	OwnWritesRefreshed
	// OwnWritesPending: the read waited OwnWritesWait (or a refresh
	// failed) and some are still due; it answers from the figures stored.
	OwnWritesPending
)

// AwaitOwnWrites waits, at most OwnWritesWait, until the figures of every
// write p made are refreshed, so that a writer reads its own writes: first
// for the refreshes this App queued, then, on the primary, for the notes of
// figures due that p's writes through any server left (migration 022), so
// that a writer behind a load balancer reads its writes on every server.
// Anonymous reads (p nil) return at once and ask nothing.
func (a *App) AwaitOwnWrites(ctx context.Context, p *domain.Principal) OwnWrites {
	if p == nil {
		return OwnWritesNone
	}
	deadline := time.Now().Add(OwnWritesWait)
	local := a.awaitQueued(ctx, p, deadline)
	if p.TokenID == 0 {
		return local
	}
	if noted := a.awaitNoted(ctx, p.TokenID, deadline); noted != OwnWritesNone {
		return noted
	}
	return local
}

// awaitQueued waits until deadline for the refreshes this App queued after
// p's writes.
func (a *App) awaitQueued(ctx context.Context, p *domain.Principal, deadline time.Time) OwnWrites {
	q := &a.figures
	q.mu.Lock()
	want := make(map[int64]uint64, len(q.own[p.TokenID]))
	for id, g := range q.own[p.TokenID] {
		want[id] = g
	}
	q.mu.Unlock()
	if len(want) == 0 {
		return OwnWritesNone
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for id, g := range want {
		if a.awaitFigures(ctx, id, g, timer.C) != nil && ctx.Err() != nil {
			break
		}
	}
	return OwnWritesRefreshed
}

// awaitNoted waits until deadline for the notes of figures due that token's
// writes left (through this server or another) to be deleted by the
// refreshes covering them. It asks the primary again at each announced
// change of figures (a.Changed), and in any case after 10 ms, 20, 40, 80,
// then every 100 ms. Notes written after the first look are not waited
// for: a writer that never stops writing still gets its answers.
func (a *App) awaitNoted(ctx context.Context, token int64, deadline time.Time) OwnWrites {
	changed := a.changed()
	upTo, err := a.Store.WriterFiguresDue(ctx, token, math.MaxInt64)
	if err != nil {
		if ctx.Err() == nil {
			a.logger().Warn("asking the primary for a writer's figures due failed; answering from the figures stored", "token", token, "err", err)
		}
		return OwnWritesNone
	}
	if upTo == 0 {
		return OwnWritesNone
	}
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		left := time.Until(deadline)
		if left <= 0 {
			return OwnWritesPending
		}
		t := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return OwnWritesPending
		case <-changed:
		case <-t.C:
		}
		t.Stop()
		changed = a.changed()
		if upTo, err = a.Store.WriterFiguresDue(ctx, token, upTo); err != nil {
			return OwnWritesPending
		} else if upTo == 0 {
			return OwnWritesRefreshed
		}
	}
}

// changed is a.Changed's channel, or one never closed.
func (a *App) changed() <-chan struct{} {
	if a.Changed == nil {
		return nil
	}
	return a.Changed()
}

// dueCollector gathers a write's figures due (WriteOptions.Due).
type dueCollector map[int64]domain.Date

func (d dueCollector) add(id int64, from domain.Date) {
	if f, ok := d[id]; !ok || from < f {
		d[id] = from
	}
}

// afterWrite queues the refreshes of what a committed write left due.
func (a *App) afterWrite(p *domain.Principal, due dueCollector) {
	for id, from := range due {
		a.figuresDue(p, id, from)
	}
}

// logger is the App's logger, or the default one.
func (a *App) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

// Settle waits until no refresh is queued or running (or ctx ends): before
// the store closes, and in tests that read anonymously after a write.
func (a *App) Settle(ctx context.Context) error {
	q := &a.figures
	for {
		var wait chan struct{}
		q.mu.Lock()
		for _, c := range q.campaigns {
			if c.running {
				wait = c.changed
				break
			}
		}
		q.mu.Unlock()
		if wait == nil {
			return nil
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
