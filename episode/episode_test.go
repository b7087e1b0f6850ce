package episode

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTracker(t *testing.T) {
	var log bytes.Buffer
	tr := &Tracker{What: "test job", Logger: slog.New(slog.NewTextHandler(&log, nil)), Min: time.Second, Max: 4 * time.Second}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	boom := errors.New("boom")

	t.Run("BackoffDoublesToMax", func(t *testing.T) {
		now := t0
		var waits []time.Duration
		for range 5 {
			if !tr.Due("a", now) {
				t.Fatalf("a not due at %s", now)
			}
			tr.Done("a", now, boom)
			e := tr.Failing()[0]
			waits = append(waits, e.RetryAt.Sub(now))
			if tr.Due("a", e.RetryAt.Add(-time.Millisecond)) {
				t.Fatal("a due before its delay passed")
			}
			now = e.RetryAt
		}
		want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
		if !slices.Equal(waits, want) {
			t.Fatalf("delays %v, want %v", waits, want)
		}
	})
	t.Run("OthersUnaffected", func(t *testing.T) {
		if !tr.Due("b", t0) {
			t.Fatal("b waits for a's failures")
		}
		tr.Done("b", t0, nil)
		if got := tr.Failing(); len(got) != 1 || got[0].Key != "a" || got[0].Attempts != 5 || got[0].Err != "boom" {
			t.Fatalf("failing %+v", got)
		}
	})
	t.Run("LoggedOncePerEpisode", func(t *testing.T) {
		tr.Done("a", t0.Add(time.Minute), nil)
		if n := strings.Count(log.String(), "test job failing"); n != 1 {
			t.Fatalf("%d failure lines for one episode of 5 attempts:\n%s", n, log.String())
		}
		if !strings.Contains(log.String(), `msg="test job recovered" job=a failed_attempts=5 seconds=60`) {
			t.Fatalf("no recovery line:\n%s", log.String())
		}
		if len(tr.Failing()) != 0 || !tr.Due("a", t0) {
			t.Fatal("a still failing after a success")
		}
	})
}
