// Package episode lets independent jobs fail alone. A job (one campaign's
// figures, one campaign's bulletins) that fails is retried after a delay
// that doubles with each failure; its failure is logged once when it
// starts and once when it ends, not on every attempt; and the jobs failing
// now can be listed (for /readyz). It knows nothing of what the jobs do.
package episode

import (
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Episode is a job's failure from its first failed attempt until the next
// success.
type Episode struct {
	Key      string    // the job
	Since    time.Time // the first failed attempt
	Attempts int       // failed attempts so far
	Err      string    // the last attempt's error
	RetryAt  time.Time // the next attempt, not before
}

// Tracker records the episodes of a set of jobs. Its zero value is usable:
// it retries after 1 s, 2 s, 4 s… up to 5 minutes and logs to slog's
// default logger.
type Tracker struct {
	What   string        // what the jobs do, for the logs ("figures refresh")
	Logger *slog.Logger  // nil: slog.Default()
	Min    time.Duration // delay after the first failure (0: 1 s)
	Max    time.Duration // longest delay (0: 5 minutes)

	mu      sync.Mutex
	failing map[string]*Episode
}

// Due reports whether the job key may run at now: it is not failing, or its
// delay has passed.
func (t *Tracker) Due(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.failing[key]
	return e == nil || !now.Before(e.RetryAt)
}

// Done records the outcome of an attempt of job key at now. An error starts
// an episode (logged) or continues one (not logged) and sets when to try
// again; success ends an episode (logged, with how long it lasted).
func (t *Tracker) Done(key string, now time.Time, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.failing[key]
	if err == nil {
		if e != nil {
			delete(t.failing, key)
			t.logger().Info(t.what()+" recovered", "job", key, "failed_attempts", e.Attempts,
				"seconds", now.Sub(e.Since).Round(time.Millisecond).Seconds())
		}
		return
	}
	if e == nil {
		if t.failing == nil {
			t.failing = map[string]*Episode{}
		}
		e = &Episode{Key: key, Since: now}
		t.failing[key] = e
		defer func() {
			t.logger().Error(t.what()+" failing", "job", key, "err", err, "retry_in", e.RetryAt.Sub(now).String())
		}()
	}
	e.Attempts++
	e.Err = err.Error()
	e.RetryAt = now.Add(t.delay(e.Attempts))
}

// Failing lists the episodes in progress, oldest first.
func (t *Tracker) Failing() []Episode {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Episode, 0, len(t.failing))
	for _, e := range t.failing {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Episode) int { return a.Since.Compare(b.Since) })
	return out
}

// delay is the wait after the n-th failed attempt in a row.
func (t *Tracker) delay(n int) time.Duration {
	lo, hi := t.Min, t.Max
	if lo <= 0 {
		lo = time.Second
	}
	if hi <= 0 {
		hi = 5 * time.Minute
	}
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

func (t *Tracker) what() string {
	if t.What == "" {
		return "job"
	}
	return t.What
}

func (t *Tracker) logger() *slog.Logger {
	if t.Logger != nil {
		return t.Logger
	}
	return slog.Default()
}
