package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// figuresStateOf returns a campaign's recorded snapshot and figures version.
func figuresStateOf(t *testing.T, store *db.DB, campaignID int64) (snapshot, version string) {
	t.Helper()
	if err := store.Pool.QueryRow(context.Background(), `SELECT snapshot::text, updated_at::text FROM figures_state WHERE campaign_id = $1`,
		campaignID).Scan(&snapshot, &version); err != nil {
		t.Fatal(err)
	}
	return snapshot, version
}

// TestNothingToDoRecordsTheSnapshot: a campaign made due by writes that do
// not touch its figures (another metric of its units) records the
// refresh's snapshot, so the next refresh searches the revisions from
// there, not from its own last computation; its figures' version stays and
// nothing is announced. A change that does touch it afterwards is found,
// and gives the figures a recomputation from scratch gives.
func TestNothingToDoRecordsTheSnapshot(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	ref := dbtest.MustLoadExample(t, store) // collected and activated, scope VN
	x, err := store.CreateCampaign(ctx, &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: "activated-only", Name: "Chỉ kích hoạt", Start: ref.Start, End: ref.End,
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"activated"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.RefreshFigures(ctx, x.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	snap0, version0 := figuresStateOf(t, store, x.ID)
	before := figureDump(t, store, x.ID)

	listener, err := pgx.Connect(ctx, store.Pool.Config().ConnConfig.ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(ctx)
	if _, err := listener.Exec(ctx, "LISTEN tiendo_figures"); err != nil {
		t.Fatal(err)
	}

	var code string
	if err := store.Pool.QueryRow(ctx, `SELECT code FROM units WHERE kind = 'COMMUNE' ORDER BY code LIMIT 1`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	// A write of the other metric: x is due (its scope holds the unit) but
	// none of its figures can change.
	dbtest.MustImportReports(t, store, fmt.Sprintf("unit_code,metric,date,value,note\n%s,collected,2023-12-19,987654,nhập bổ sung\n", code))
	var due int
	if err := store.Pool.QueryRow(ctx, `SELECT count(*) FROM figures_due WHERE campaign_id = $1`, x.ID).Scan(&due); err != nil || due == 0 {
		t.Fatalf("the write did not make the campaign due (%d notes, %v)", due, err)
	}
	if n, err := store.RefreshFigures(ctx, x.ID, 0, dbtest.ExampleNow); err != nil || n != 0 {
		t.Fatalf("refresh wrote %d figures, %v; want none", n, err)
	}
	snap1, version1 := figuresStateOf(t, store, x.ID)
	if snap1 == snap0 {
		t.Errorf("the snapshot stayed %s: the next refresh searches every revision since it again", snap0)
	}
	if version1 != version0 {
		t.Errorf("the figures' version moved from %s to %s, though no figure changed", version0, version1)
	}
	if err := store.Pool.QueryRow(ctx, `SELECT count(*) FROM figures_due WHERE campaign_id = $1`, x.ID).Scan(&due); err != nil || due != 0 {
		t.Errorf("%d notes of figures due left (%v)", due, err)
	}
	if d := diffDumps(figureDump(t, store, x.ID), before); d != "" {
		t.Errorf("figures changed: %s", d)
	}
	wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	for {
		n, err := listener.WaitForNotification(wctx)
		if err != nil {
			break // none within the wait
		}
		var e struct{ Campaign int64 }
		if json.Unmarshal([]byte(n.Payload), &e) == nil && e.Campaign == x.ID {
			t.Errorf("announced with nothing changed: %s", n.Payload)
		}
	}

	// A change of x's own metric after the recorded snapshot is found.
	dbtest.MustImportReports(t, store, fmt.Sprintf("unit_code,metric,date,value,note\n%s,activated,2023-12-19,424242,nhập bổ sung\n", code))
	if n, err := store.RefreshFigures(ctx, x.ID, 0, dbtest.ExampleNow); err != nil || n == 0 {
		t.Fatalf("refresh after a change of its metric wrote %d figures, %v", n, err)
	}
	if _, version2 := figuresStateOf(t, store, x.ID); version2 == version1 {
		t.Error("the figures changed but their version did not")
	}
	incremental := figureDump(t, store, x.ID)
	if d := diffDumps(incremental, fullRecompute(t, store, x)); d != "" {
		t.Errorf("incremental after the recorded snapshot differs from a full recomputation: %s", d)
	}
}
