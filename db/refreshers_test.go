package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// Issue 13, bug 1: the refreshes of campaign 1 of one database and of
// campaign 1 of another are two campaigns' refreshes. Database A's refresh
// is held (its advisory lock taken by the test) while database B's campaign
// 1 is refreshed after a correction: B's refresh must neither wait for A's
// nor be counted as done by it. Before, one process-wide refresher per
// campaign id made B wait for A (and a third caller could end B's wait
// with A's refresh, B's figures never refreshed).
func TestRefreshersPerDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := dbtest.New(t), dbtest.New(t)
	ca, cb := dbtest.MustLoadExample(t, a), dbtest.MustLoadExample(t, b)
	if ca.ID != cb.ID {
		t.Fatalf("campaign ids %d and %d: the test needs one id in both databases", ca.ID, cb.ID)
	}
	dbtest.MustImportReports(t, b, "unit_code,metric,date,value,reported_at,note\n90000,collected,2023-12-20,3900,2023-12-21T00:00:00Z,sửa\n")

	hold, err := a.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Release()
	if _, err := hold.Exec(ctx, `SELECT pg_advisory_lock(hashtext('tiendo.refresh'), $1::int)`, int32(ca.ID)); err != nil {
		t.Fatal(err)
	}
	aDone := make(chan error, 1)
	go func() { aDone <- a.RefreshFiguresAfter(ctx, ca.ID, ca.Start, dbtest.ExampleNow) }()
	// Wait until A's refresh waits for the lock.
	for deadline := time.Now().Add(10 * time.Second); ; {
		var waiting int
		if err := hold.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("database A's refresh never waited for its lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	bDone := make(chan error, 1)
	go func() { bDone <- b.RefreshFiguresAfter(ctx, cb.ID, domain.MustDate("2023-12-20"), dbtest.ExampleNow) }()
	select {
	case err := <-bDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Error("database B's refresh of campaign 1 waited for database A's")
	}
	if _, err := hold.Exec(ctx, `SELECT pg_advisory_unlock(hashtext('tiendo.refresh'), $1::int)`, int32(ca.ID)); err != nil {
		t.Fatal(err)
	}
	if err := <-aDone; err != nil {
		t.Fatal(err)
	}
	if t.Failed() {
		<-bDone
	}
	var v int64
	if err := b.Pool.QueryRow(ctx, `SELECT value FROM figures f JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $1 AND u.code = '90000' AND f.metric_id = (SELECT id FROM metrics WHERE key = 'collected')
		AND f.day = '2023-12-20'`, cb.ID).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != 3900 {
		t.Fatalf("database B's figure after its refresh: %d, want the corrected 3900", v)
	}
}
