package db

import (
	"context"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// A write never recomputes figures: it notes them due in its own
// transaction (figures_due.go) and tells its caller (WriteOptions.Due),
// which refreshes them (package app coalesces the writes of a busy morning
// into a few refreshes); the figures worker (package figures) refreshes
// whatever is still noted, on start or within seconds.
//
// One refresh of a campaign runs at a time, across processes too (a
// session advisory lock). RefreshFigures reads its inputs before it takes
// its own lock, so two refreshes racing after two writes could store the
// older view last; run one after the other, the last one always reads
// everything committed before it started.

// refreshTimeout bounds one refresh, which runs for every request waiting
// on it and so does not stop when one of them goes away.
const refreshTimeout = 5 * time.Minute

// RefreshFiguresAfter brings a campaign's figures up to date from day from
// on, after any refresh of the campaign running in another session.
func (db *DB) RefreshFiguresAfter(ctx context.Context, campaignID int64, from domain.Date, now time.Time) error {
	_, err := db.refreshLocked(context.WithoutCancel(ctx), campaignID, false, from, now)
	return err
}

// RefreshIfFree refreshes a campaign's figures as RefreshFiguresAfter does,
// unless another session (in this process or another) is refreshing it:
// then it returns at once with ran false, and that refresh, or a later
// call, covers what is due. Background work uses it so that several
// servers share the campaigns instead of queueing on each.
func (db *DB) RefreshIfFree(ctx context.Context, campaignID int64, from domain.Date, now time.Time) (ran bool, err error) {
	return db.refreshLocked(ctx, campaignID, true, from, now)
}

// refreshLocked runs RefreshFigures under the campaign's session lock,
// waiting for it, or, with try, not (ran false when another holds it).
func (db *DB) refreshLocked(ctx context.Context, campaignID int64, try bool, from domain.Date, now time.Time) (ran bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	got := true
	if try {
		err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext('tiendo.refresh'), $1::int)`, int32(campaignID)).Scan(&got)
	} else {
		_, err = conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext('tiendo.refresh'), $1::int)`, int32(campaignID))
	}
	if err != nil || !got {
		return false, err
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock(hashtext('tiendo.refresh'), $1::int)`, int32(campaignID)); err != nil {
			conn.Conn().Close(uctx) // never hand the pool a session that holds the lock
		}
	}()
	_, err = db.RefreshFigures(ctx, campaignID, from, now)
	return true, err
}

// reportDue tells opt.Due, if set, that the campaigns ids have figures
// due from day from.
func reportDue(opt domain.WriteOptions, ids []int64, from domain.Date) {
	if opt.Due == nil {
		return
	}
	for _, id := range ids {
		opt.Due(id, from)
	}
}
