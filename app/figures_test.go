package app_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// gatedStore is the PostgreSQL store whose figure refreshes each wait for
// the test to open the gate, so that a test sees what happens between a
// write's commit and its figures' refresh.
type gatedStore struct {
	*db.DB
	started chan domain.Date // each refresh's first day, as it starts
	gate    chan struct{}    // one value lets one refresh run
	ran     atomic.Int32
}

func (g *gatedStore) RefreshFiguresAfter(ctx context.Context, id int64, from domain.Date, now time.Time) error {
	g.started <- from
	<-g.gate
	g.ran.Add(1)
	return g.DB.RefreshFiguresAfter(ctx, id, from, now)
}

// gatedWorld is the spec's example on its own database, an admin, and an
// App whose refreshes wait at g's gate.
func gatedWorld(t *testing.T) (*db.DB, *domain.Campaign, *domain.Principal, *gatedStore, *app.App) {
	t.Helper()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	admin := dbtest.MustAdmin(t, store)
	g := &gatedStore{DB: store, started: make(chan domain.Date, 10), gate: make(chan struct{})}
	return store, c, admin, g, &app.App{Store: g, Now: func() time.Time { return dbtest.ExampleNow }, QuotaFactor: -1}
}

// figure is the stored figure of a unit's collected on a day (-1: none).
func figure(t *testing.T, store *db.DB, campaignID int64, unit, day string) int64 {
	t.Helper()
	var v *int64
	err := store.Pool.QueryRow(context.Background(), `SELECT f.value FROM figures f JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $1 AND u.code = $2 AND f.metric_id = (SELECT id FROM metrics WHERE key = 'collected') AND f.day = $3`,
		campaignID, unit, day).Scan(&v)
	if err != nil || v == nil {
		return -1
	}
	return *v
}

// Issue 14, item 7: a write is acknowledged once it is durable, not once
// its figures are refreshed; the writes that commit while a refresh runs
// are covered by one next refresh from their earliest day; the writer's
// reads wait for its own writes' figures, and everyone sees them once the
// refresh commits. Before, every write refreshed its campaign's figures
// before it returned (SubmitReports blocked here until the gate opened).
func TestWritesAcknowledgedBeforeTheirFiguresCoalesced(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, c, admin, g, a := gatedWorld(t)
	t.Cleanup(func() { close(g.gate); a.Settle(ctx) })
	submit := func(key, unit, day string, value int64) {
		t.Helper()
		done := make(chan error, 1)
		go func() {
			_, err := a.SubmitReports(ctx, admin, domain.SubmitRequest{Campaign: c.Slug, ClientKey: key,
				Reports: []domain.ReportItem{{UnitCode: unit, Metric: "collected", Date: domain.MustDate(day), Value: value}}})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the write waited for its figures' refresh")
		}
	}
	before := figure(t, store, c.ID, "90002", "2023-12-20")
	submit("k1", "90002", "2023-12-20", 5000)
	if first := <-g.started; first != domain.MustDate("2023-12-20") {
		t.Fatalf("first refresh from %s, want 2023-12-20", first)
	}
	if got := figure(t, store, c.ID, "90002", "2023-12-20"); got != before {
		t.Fatalf("figure %d before the refresh ran, want the old %d", got, before)
	}
	// Two more writes while the first refresh waits: one more refresh,
	// from the earliest of their days.
	submit("k2", "92201", "2023-12-20", 4000)
	submit("k3", "90002", "2023-12-19", 4001)
	own := make(chan app.OwnWrites, 1)
	go func() { own <- a.AwaitOwnWrites(ctx, admin) }()
	select {
	case <-own:
		t.Fatal("the writer's read did not wait for its writes' figures")
	case <-time.After(200 * time.Millisecond):
	}
	g.gate <- struct{}{} // the first refresh runs
	if second := <-g.started; second != domain.MustDate("2023-12-19") {
		t.Fatalf("coalesced refresh from %s, want the earliest day written, 2023-12-19", second)
	}
	if got := figure(t, store, c.ID, "90002", "2023-12-20"); got != 5000 {
		t.Fatalf("figure %d after the first refresh, want 5000", got)
	}
	g.gate <- struct{}{} // the coalesced one
	wantRefreshed(t, own, "the writer's read")
	if a, b := figure(t, store, c.ID, "90002", "2023-12-19"), figure(t, store, c.ID, "92201", "2023-12-20"); a != 4001 || b != 4000 {
		t.Fatalf("figures %d and %d after the coalesced refresh, want 4001 and 4000", a, b)
	}
	if err := a.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := g.ran.Load(); n != 2 {
		t.Fatalf("%d refreshes for 3 writes, want 2 (one running, one covering the two after it)", n)
	}
	if a.AwaitOwnWrites(ctx, admin) != app.OwnWritesNone {
		t.Fatal("a writer whose writes are all refreshed still waits")
	}
}

// Issue 14, item 7, across servers: a writer behind a load balancer writes
// through one server and reads through another, which never queued the
// refresh. Its read there waits for the refresh of the first (the notes of
// figures due name the writer's token) and then sees the new figure; an
// anonymous read, and another token's, wait for nothing. Before, the
// second server knew nothing of the write and answered at once.
func TestWriterReadsItsWritesThroughAnotherServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, c, admin, g, a := gatedWorld(t)
	b := &app.App{Store: store, Now: func() time.Time { return dbtest.ExampleNow }}
	t.Cleanup(func() { close(g.gate); a.Settle(ctx) })
	if _, err := a.SubmitReports(ctx, admin, domain.SubmitRequest{Campaign: c.Slug, ClientKey: "elsewhere",
		Reports: []domain.ReportItem{{UnitCode: "90002", Metric: "collected", Date: domain.MustDate("2023-12-20"), Value: 5000}}}); err != nil {
		t.Fatal(err)
	}
	<-g.started // A's refresh waits at the gate

	start := time.Now()
	if got := b.AwaitOwnWrites(ctx, nil); got != app.OwnWritesNone || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("an anonymous read on the other server: %v after %s, want OwnWritesNone at once", got, time.Since(start))
	}
	other := &domain.Principal{TokenID: admin.TokenID + 1000, Role: domain.RoleAdmin}
	if got := b.AwaitOwnWrites(ctx, other); got != app.OwnWritesNone {
		t.Fatalf("another token's read on the other server: %v, want OwnWritesNone", got)
	}

	own := make(chan app.OwnWrites, 1)
	go func() { own <- b.AwaitOwnWrites(ctx, admin) }()
	select {
	case got := <-own:
		t.Fatalf("the writer's read through the other server did not wait for its write's figures (%v)", got)
	case <-time.After(300 * time.Millisecond):
	}
	g.gate <- struct{}{}
	wantRefreshed(t, own, "the writer's read through the other server")
	if got := figure(t, store, c.ID, "90002", "2023-12-20"); got != 5000 {
		t.Fatalf("figure %d once the writer's read returned, want 5000", got)
	}
	if got := b.AwaitOwnWrites(ctx, admin); got != app.OwnWritesNone {
		t.Fatalf("a writer whose writes are all refreshed: %v, want OwnWritesNone", got)
	}
}

// wantRefreshed waits for what a writer's read (what) said of its own
// writes, which must be that it waited for their refresh.
func wantRefreshed(t *testing.T, own <-chan app.OwnWrites, what string) {
	t.Helper()
	select {
	case got := <-own:
		if got != app.OwnWritesRefreshed {
			t.Fatalf("%s: %v, want OwnWritesRefreshed", what, got)
		}
	case <-time.After(app.OwnWritesWait + 5*time.Second):
		t.Fatalf("%s never returned", what)
	}
}
