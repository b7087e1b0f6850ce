package db

import (
	"context"

	"github.com/jackc/pgx/v5"

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

// WindowStatementsKept runs windowReports six times in one transaction
// (a prepared statement's sixth run may use a plan made for any
// parameters) and counts the prepared statements of the session that
// hold windowSQL.
func WindowStatementsKept(ctx context.Context, d *DB, units []*domain.Unit, metrics []string, lo, to domain.Date) (int, error) {
	tx, err := d.Pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	for range 6 {
		if _, err := windowReports(ctx, tx, units, metrics, lo, to); err != nil {
			return 0, err
		}
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%' || $1 || '%'`,
		"rc.unit_id + 0 = ANY($4)").Scan(&n)
	return n, err
}

// ReportKeysSmall is the statement a submitReports batch keeps report_keys'
// first days with, for the staging table named.
var ReportKeysSmall = reportKeysSmall

// RefreshesResumed is how many refreshes of d resumed from a checkpoint.
func (db *DB) RefreshesResumed() int64 { return db.resumed.Load() }

// ScanRankRows reads the rows of sql (pointColumns, a unit's code and its
// parent) as the rankings read theirs.
func ScanRankRows(ctx context.Context, d *DB, sql string) ([]*domain.RankRow, error) {
	rows, err := d.Pool.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, newRankRowScan().row)
}

// PointColumns are the columns of a figure the reads scan.
const PointColumns = pointColumns

// CurrentFiguresSQL is the statement CurrentFigures reads n units' figures
// of the days lo..hi with.
var CurrentFiguresSQL = currentFiguresSQL
