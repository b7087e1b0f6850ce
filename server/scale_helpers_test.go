package main

import (
	"context"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// liveConfig starts what serve starts besides the routes (no replicas)
// over store, waits until it follows the database's announcements, and
// returns the routes' configuration using it; everything ends with the test.
func liveConfig(t *testing.T, store *db.DB) (*scaleOut, httpapi.Config) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	so, err := startScaleOut(ctx, store, scaleConfig{liveMax: 10, livePerAddr: 5}, quiet)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); so.close() })
	for deadline := time.Now().Add(30 * time.Second); !so.hub.Ready(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the hub never connected")
		}
	}
	cfg := testConfig()
	cfg.Live, cfg.ReadyLines = so.hub, so.readyLines
	return so, cfg
}
