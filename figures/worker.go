// Package figures keeps every campaign's stored figures current in the
// background, so that a read never has to write (and a read replica can
// answer every query).
//
// A write refreshes the figures it changed before it returns, and notes in
// its own transaction that they are due (db/figures_due.go). The Worker
// covers what that cannot:
//
//   - a write committed whose refresh never ran (the process died between
//     the commit and the refresh) or failed: its note is still there;
//   - the days passing (the publisher's clock): once a day's report
//     deadline has passed, its figures are due even if nobody reported,
//     and every day of a campaign from its start has figures.
//
// Several servers may run a Worker on one database: a campaign being
// refreshed by another session is skipped (an advisory lock), not waited
// for. Each campaign fails alone, retried with a growing delay, and its
// failure is logged once per episode (package episode).
package figures

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/episode"
)

// Worker refreshes the figures that are due.
type Worker struct {
	DB     *db.DB
	Logger *slog.Logger
	// Settle is how long a note of figures due is left to the write that
	// made it (which refreshes before it returns) before the worker takes
	// it over (0: 3 s). On its first pass the worker takes every note: the
	// writes of a process that died.
	Settle time.Duration
	// Now returns the current time (the campaigns' clock); tests may fix it.
	Now func() time.Time

	init     sync.Once
	failures episode.Tracker
	started  bool
}

// Pass refreshes, once, every campaign whose figures are due now: those with
// a note older than Settle, and those whose figures stop before the last
// day whose report deadline has passed. It returns how many campaigns it
// refreshed; an error only when it could not list them (each campaign's
// failure is its own, retried later, and listed by Failing).
func (w *Worker) Pass(ctx context.Context) (int, error) {
	behind, err := w.DB.FiguresBehind(ctx)
	if err != nil {
		return 0, err
	}
	settle := w.Settle
	if settle <= 0 {
		settle = 3 * time.Second
	}
	if !w.started {
		settle, w.started = 0, true
	}
	w.init.Do(func() { w.failures.What, w.failures.Logger = "figures refresh", w.logger() })
	now := w.now()
	refreshed := 0
	for _, b := range behind {
		c := b.Campaign
		noted := b.DueFrom != nil && b.DueAge >= settle
		due := db.FiguresDue(c, now)
		late := due >= c.Start && (b.ComputedTo == nil || *b.ComputedTo < due)
		if !noted && !late {
			continue
		}
		if !w.failures.Due(c.Slug, time.Now()) {
			continue
		}
		var from = c.Start
		if b.DueFrom != nil {
			from = *b.DueFrom
		}
		start := time.Now()
		ran, err := w.DB.RefreshIfFree(ctx, c.ID, from, now)
		if ctx.Err() != nil {
			return refreshed, ctx.Err()
		}
		if !ran && err == nil {
			continue // another session is refreshing it
		}
		w.failures.Done(c.Slug, time.Now(), err)
		if err != nil {
			continue
		}
		refreshed++
		reason := "days passed"
		if noted {
			reason = "write not refreshed"
		}
		w.logger().Info("figures refreshed by the worker", "campaign", c.Slug, "reason", reason,
			"noted_seconds_ago", b.DueAge.Round(time.Millisecond).Seconds(), "seconds", time.Since(start).Round(time.Millisecond).Seconds())
	}
	return refreshed, nil
}

// Run runs a pass every interval (0: every second) until ctx ends.
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	var listErr string
	for {
		_, err := w.Pass(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && err.Error() != listErr:
			// Once per distinct failure, not every second of an outage.
			w.logger().Error("figures worker cannot list the campaigns due", "err", err)
			listErr = err.Error()
		case err == nil && listErr != "":
			w.logger().Info("figures worker lists the campaigns due again")
			listErr = ""
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// Failing lists the campaigns (by slug) whose figures cannot be refreshed
// now, oldest failure first.
func (w *Worker) Failing() []episode.Episode { return w.failures.Failing() }

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}
