package db_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// advisoryLocks counts the advisory locks the transaction's backend holds.
func advisoryLocks(tb testing.TB, tx pgx.Tx) int {
	tb.Helper()
	var n int
	if err := tx.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// Big writes must hold a bounded number of locks: PostgreSQL's lock table is
// shared and small (max_locks_per_transaction × connections), and a national
// unit import or a few full report batches at once used to fill it.
func TestWritesHoldFewLocks(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	ctx := context.Background()

	t.Run("units", func(t *testing.T) {
		tx, err := store.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `INSERT INTO units (code, name, full_name, kind) VALUES ('VN', 'Việt Nam', 'Việt Nam', 'NATION')`); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO units (code, name, full_name, kind, parent_id)
			SELECT 'P' || i, 'Tỉnh ' || i, 'Tỉnh ' || i, 'PROVINCE', (SELECT id FROM units WHERE code = 'VN')
			FROM generate_series(1, 2000) i`); err != nil {
			t.Fatal(err)
		}
		if n := advisoryLocks(t, tx); n > 2 {
			t.Fatalf("inserting 2001 units holds %d advisory locks, want at most 2", n)
		}
		// The trigger still refuses an overlapping code.
		if _, err := tx.Exec(ctx, `INSERT INTO units (code, name, full_name, kind, parent_id)
			VALUES ('P7', 'Khác', 'Khác', 'PROVINCE', (SELECT id FROM units WHERE code = 'VN'))`); err == nil {
			t.Fatal("a second unit P7 valid on the same days was accepted")
		}
	})

	t.Run("reports", func(t *testing.T) {
		tx, err := store.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		units := make([]int64, domain.MaxBatch)
		metrics := make([]int16, domain.MaxBatch)
		for i := range units {
			units[i] = int64(1000 + i)
			metrics[i] = int16(1 + i%3)
		}
		if err := db.LockUnitMetrics(ctx, tx, units, metrics); err != nil {
			t.Fatal(err)
		}
		if n := advisoryLocks(t, tx); n > 256 {
			t.Fatalf("a batch of %d reports holds %d advisory locks, want at most 256", domain.MaxBatch, n)
		}
	})
}
