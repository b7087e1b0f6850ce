package live_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/live"
)

func TestHubFollowsTheDatabase(t *testing.T) {
	store := dbtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hub := live.New(0, 0)
	var mu sync.Mutex
	var watched []live.Event
	hub.Watch(func(e live.Event) { mu.Lock(); watched = append(watched, e); mu.Unlock() })
	go hub.Run(ctx, store, slog.New(slog.DiscardHandler))
	for !hub.Ready() {
		time.Sleep(5 * time.Millisecond)
	}
	all, err := hub.Subscribe(0, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	other, err := hub.Subscribe(999, "10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	changed := hub.Changed()

	c := dbtest.MustLoadExample(t, store)
	_, version, err := store.FiguresVersion(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatal("Changed was not closed by the figures' change")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v, ok := hub.Version(c.ID); ok && v == version {
			break
		}
		if time.Now().After(deadline) {
			v, ok := hub.Version(c.ID)
			t.Fatalf("Version = %q, %v; want %q", v, ok, version)
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case e := <-all.Events():
		if e.Kind != live.FiguresChanged || e.CampaignID != c.ID {
			t.Errorf("subscriber of every campaign heard %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the subscriber heard nothing")
	}
	select {
	case e := <-other.Events():
		t.Errorf("a subscriber of another campaign heard %+v", e)
	default:
	}
	mu.Lock()
	if len(watched) < 2 || watched[0].Kind != live.Resync {
		t.Errorf("watchers saw %+v: want the first connection's resync, then the change", watched)
	}
	mu.Unlock()
	all.Close()
	all.Close()
	if _, open := <-all.Events(); open {
		t.Error("a closed subscriber's channel is open")
	}
	if hub.Count() != 1 {
		t.Errorf("%d subscribers after one closed, want 1", hub.Count())
	}
}

func TestSubscribersAreBounded(t *testing.T) {
	hub := live.New(3, 2)
	a1, err1 := hub.Subscribe(1, "a")
	_, err2 := hub.Subscribe(1, "a")
	_, err3 := hub.Subscribe(1, "a")
	if err1 != nil || err2 != nil || domain.ErrorCode(err3) != domain.ERATELIMITED {
		t.Fatalf("per address: %v %v %v", err1, err2, err3)
	}
	if _, err := hub.Subscribe(1, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Subscribe(1, "c"); domain.ErrorCode(err) != domain.ERATELIMITED {
		t.Fatalf("past the instance's bound: %v", err)
	}
	a1.Close()
	if _, err := hub.Subscribe(1, "a"); err != nil {
		t.Fatalf("after one left: %v", err)
	}
}
