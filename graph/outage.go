package graph

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/puddle/v2"
)

// OutageRetryAfter is what a client is told to wait, in seconds, while
// the database cannot be reached.
const OutageRetryAfter = 5

// UnavailableMessage is the error of a request the database's outage
// stopped.
var UnavailableMessage = "the database cannot be reached for the moment: retry after " + strconv.Itoa(OutageRetryAfter) + " seconds"

// outageProbeEvery is how often a lost database is pinged: answers are
// right again within this of its return.
const outageProbeEvery = 200 * time.Millisecond

// DBHealth notices when PostgreSQL cannot be reached, and when it can be
// again. The first request that fails for want of a database starts an
// outage: it is logged once, with the error; from then on the database is
// pinged every outageProbeEvery, and its first answer ends the outage,
// logged once with how long it lasted. Requests meanwhile answer 503
// UNAVAILABLE with Retry-After (or the response cache's latest answer),
// and log nothing each.
type DBHealth struct {
	unreachable func(error) bool
	ping        func(context.Context) error
	logger      *slog.Logger
	now         func() time.Time

	mu    sync.Mutex
	down  bool
	since time.Time // start of the current or last outage
	upAt  time.Time // end of the last outage
}

// Pinger is what DBHealth watches (db.DB is one): whether an error says
// the database cannot be reached, and a ping.
type Pinger interface {
	Unreachable(error) bool
	Ping(context.Context) error
}

// NewDBHealth watches store's reachability, logging to logger.
func NewDBHealth(store Pinger, logger *slog.Logger) *DBHealth {
	return &DBHealth{unreachable: store.Unreachable, ping: store.Ping, logger: logger, now: time.Now}
}

// Down reports whether an outage is going on.
func (h *DBHealth) Down() bool {
	if h == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}

// Failed reports whether err is the database's outage; if so, and the
// request began after the last outage ended (an older request's error
// says nothing new), it starts an outage unless one is going on.
func (h *DBHealth) Failed(ctx context.Context, err error) bool {
	if h == nil || err == nil || !(h.unreachable(err) || h.Down() && errors.Is(err, context.DeadlineExceeded)) {
		return false
	}
	begun := requestStart(ctx)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down || (!begun.IsZero() && begun.Before(h.upAt)) {
		return true
	}
	h.down, h.since = true, h.now()
	h.logger.Error("database unreachable: answering 503 UNAVAILABLE, or from the response cache, until it answers again", "err", err)
	go h.probe()
	return true
}

// probe pings the database until it answers, then ends the outage. It
// gives up when the pool is closed (the server is stopping).
func (h *DBHealth) probe() {
	t := time.NewTicker(outageProbeEvery)
	defer t.Stop()
	for range t.C {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := h.ping(ctx)
		cancel()
		if errors.Is(err, puddle.ErrClosedPool) {
			return
		}
		if err != nil {
			continue
		}
		h.mu.Lock()
		h.down, h.upAt = false, h.now()
		took := h.upAt.Sub(h.since)
		h.mu.Unlock()
		h.logger.Info("database reachable again: outage over", "outage", took.Round(time.Millisecond).String(), "outage_seconds", took.Seconds())
		return
	}
}
