package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
)

func TestListenAnnouncesFiguresAndBulletins(t *testing.T) {
	store := dbtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	connected := make(chan struct{}, 4)
	figures := make(chan db.FiguresChange, 16)
	bulletins := make(chan db.BulletinPublished, 4)
	go store.Listen(ctx, db.Listener{
		Connected: func(context.Context) { connected <- struct{}{} },
		Figures:   func(c db.FiguresChange) { figures <- c },
		Bulletin:  func(b db.BulletinPublished) { bulletins <- b },
	})
	<-connected

	c := dbtest.MustLoadExample(t, store)
	var got db.FiguresChange
	select {
	case got = <-figures:
	case <-time.After(10 * time.Second):
		t.Fatal("no announcement after the figures were computed")
	}
	day, version, err := store.FiguresVersion(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for len(figures) > 0 { // the last announcement is the current version
		got = <-figures
	}
	if got.CampaignID != c.ID || got.Version != version || got.ComputedTo == nil || *got.ComputedTo != *day {
		t.Errorf("announced %+v; FiguresVersion says %v %q", got, day, version)
	}
	versions, err := store.AllFiguresVersions(ctx)
	if err != nil || versions[c.ID] != version {
		t.Errorf("AllFiguresVersions = %v, %v; want %d → %q", versions, err, c.ID, version)
	}

	if _, err := store.Pool.Exec(ctx, `INSERT INTO bulletins (campaign_id, scope_unit_id, day, revision, content, content_hash, published_by)
		SELECT $1, scope_unit_id, '2023-12-05', 1, '{}', repeat('a', 64), 'test' FROM campaigns WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-bulletins:
		if b.CampaignID != c.ID || b.Day.String() != "2023-12-05" || b.Revision != 1 {
			t.Errorf("bulletin announced as %+v", b)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no announcement of the bulletin")
	}

	// The listening connection dies: Listen reconnects, says so, and hears
	// the next change.
	if _, err := store.Pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-connected:
	case <-time.After(15 * time.Second):
		t.Fatal("Listen did not reconnect")
	}
	if _, err := store.Pool.Exec(ctx, `UPDATE figures_state SET updated_at = now() WHERE campaign_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-figures:
		if got.CampaignID != c.ID {
			t.Errorf("after reconnecting: %+v", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing heard after reconnecting")
	}
}
