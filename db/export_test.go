package db

import (
	"context"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// LockUnitMetrics exposes lockUnitMetrics to the tests of package db_test.
var LockUnitMetrics = lockUnitMetrics

// WindowReports runs windowReports in a transaction of its own.
func WindowReports(ctx context.Context, d *DB, units []*domain.Unit, metrics []string, lo, to domain.Date) ([]engine.Report, error) {
	tx, err := d.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	return windowReports(ctx, tx, units, metrics, lo, to)
}

// Subtree exposes subtree.
func (db *DB) Subtree(ctx context.Context, rootID int64) ([]*domain.Unit, error) {
	return db.subtree(ctx, rootID)
}

// WindowSQL is the statement windowReports reads a window with.
const WindowSQL = windowSQL
