package db

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// Figures are refreshed after every write, so that reads are current when a
// mutation returns (a read never refreshes: it answers from what is
// stored). Three things make that safe and cheap:
//
//   - One refresh of a campaign at a time, across processes too (a session
//     advisory lock). RefreshFigures reads its inputs before it takes its own
//     lock, so two refreshes racing after two writes could store the older
//     view last; run one after the other, the last one always reads
//     everything committed before it started.
//   - Coalescing inside a process: every write that commits while a refresh
//     runs is covered by one next refresh (from the earliest day any of
//     them changed), not one refresh each; a morning of communes reporting
//     at once costs a few refreshes, not thousands.
//   - A durable note that figures are due (figures_due.go), written in the
//     write's own transaction: if the process dies between the commit and
//     the refresh, or the refresh fails, the figures worker (package
//     figures) refreshes them later, on start or within seconds.

// refreshTimeout bounds one refresh, which runs for every request waiting
// on it and so does not stop when one of them goes away.
const refreshTimeout = 5 * time.Minute

// refresher coalesces the refreshes of one campaign.
type refresher struct {
	mu        sync.Mutex
	cond      *sync.Cond
	requested uint64      // requests so far
	done      uint64      // requests covered by a finished refresh
	running   bool        // a refresh is running
	pending   bool        // requests wait for a refresh that has not started
	from      domain.Date // earliest day of the pending requests
	now       time.Time   // latest "now" of those requests
	// The last failed refresh covered requests failedFrom..failedTo.
	failedFrom, failedTo uint64
	err                  error
}

// RefreshFiguresAfter brings a campaign's figures up to date from day from
// on, after a write, and returns once a refresh that started after the call
// has finished.
func (db *DB) RefreshFiguresAfter(ctx context.Context, campaignID int64, from domain.Date, now time.Time) error {
	v, _ := db.refreshers.LoadOrStore(campaignID, &refresher{})
	r := v.(*refresher)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cond == nil {
		r.cond = sync.NewCond(&r.mu)
	}
	if !r.pending || from < r.from {
		r.from = from
	}
	r.pending = true
	if now.After(r.now) {
		r.now = now
	}
	r.requested++
	gen := r.requested
	for r.done < gen {
		if r.running {
			r.cond.Wait()
			continue
		}
		r.running = true
		upTo, f, n, first := r.requested, r.from, r.now, r.done+1
		r.pending, r.now = false, time.Time{}
		r.mu.Unlock()
		err := db.refreshLocked(ctx, campaignID, f, n)
		r.mu.Lock()
		r.running, r.done = false, upTo
		if err != nil {
			r.failedFrom, r.failedTo, r.err = first, upTo, err
		}
		r.cond.Broadcast()
	}
	if r.err != nil && r.failedFrom <= gen && gen <= r.failedTo {
		return r.err
	}
	return nil
}

// refreshLocked runs RefreshFigures under the campaign's session lock.
func (db *DB) refreshLocked(ctx context.Context, campaignID int64, from domain.Date, now time.Time) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	defer cancel()
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext('tiendo.refresh'), $1::int)`, int32(campaignID)); err != nil {
		return err
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtext('tiendo.refresh'), $1::int)`, int32(campaignID))
	_, err = db.RefreshFigures(ctx, campaignID, from, now)
	return err
}

// refreshCampaigns refreshes, from day from, the figures of the campaigns
// a write noted due (markUnitsDue).
func (db *DB) refreshCampaigns(ctx context.Context, ids []int64, from domain.Date, now time.Time) error {
	for _, id := range ids {
		if err := db.RefreshFiguresAfter(ctx, id, from, now); err != nil {
			return fmt.Errorf("refresh campaign %d: %w", id, err)
		}
	}
	return nil
}
