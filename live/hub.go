// Package live knows, on every API instance, the current version of each
// campaign's figures and what has just changed, from the database's
// announcements (LISTEN/NOTIFY on the primary): caches key their entries by
// those versions and drop a campaign's entries when it changes, writers wait
// for their own write's figures, and live subscribers (GraphQL
// subscriptions, Server-Sent Events) hear each change within a moment.
package live

import (
	"context"
	"log/slog"
	"sync"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

// Kind says what an Event announces.
type Kind string

const (
	// FiguresChanged: a campaign's figures were rewritten (Version is new).
	FiguresChanged Kind = "FIGURES"
	// BulletinPublished: an edition was published (Day, Revision).
	BulletinPublished Kind = "BULLETIN"
	// Resync: the announcements were interrupted; anything may have
	// changed (every campaign's version was reloaded).
	Resync Kind = "RESYNC"
)

// Event is one announcement.
type Event struct {
	Kind       Kind
	CampaignID int64 // 0 with Resync
	Version    string
	ComputedTo *domain.Date
	Day        domain.Date
	Revision   int
}

// Hub holds the versions and the subscribers of one instance.
type Hub struct {
	mu       sync.Mutex
	versions map[int64]string
	changed  chan struct{} // closed and replaced at every change
	subs     map[*Sub]struct{}
	perAddr  map[string]int
	watchers []func(Event)
	maxSubs  int
	maxAddr  int
	ready    bool
	base     uint64 // counts the writes to campaigns' and units' descriptions (and resyncs)
}

// New returns a Hub allowing maxSubs subscribers in all and maxPerAddress
// from one address (≤ 0: 1,000 and 20).
func New(maxSubs, maxPerAddress int) *Hub {
	if maxSubs <= 0 {
		maxSubs = 1000
	}
	if maxPerAddress <= 0 {
		maxPerAddress = 20
	}
	return &Hub{versions: map[int64]string{}, changed: make(chan struct{}), subs: map[*Sub]struct{}{},
		perAddr: map[string]int{}, maxSubs: maxSubs, maxAddr: maxPerAddress}
}

// Run listens to store's announcements until ctx ends (reconnecting as
// needed; after each connection it reloads every version and announces a
// Resync).
func (h *Hub) Run(ctx context.Context, store *db.DB, logger *slog.Logger) {
	store.Listen(ctx, db.Listener{
		Logger: logger,
		Connected: func(ctx context.Context) {
			v, err := store.AllFiguresVersions(ctx)
			if err != nil {
				logger.Warn("figures versions could not be loaded", "err", err)
				return
			}
			h.resync(v)
		},
		Figures: func(c db.FiguresChange) {
			h.publish(Event{Kind: FiguresChanged, CampaignID: c.CampaignID, Version: c.Version, ComputedTo: c.ComputedTo})
		},
		Bulletin: func(b db.BulletinPublished) {
			h.publish(Event{Kind: BulletinPublished, CampaignID: b.CampaignID, Day: b.Day, Revision: b.Revision})
		},
		Base: func(string) { h.bumpBase() },
		Disconnected: func() {
			h.mu.Lock()
			h.ready = false
			h.mu.Unlock()
		},
	})
}

// Ready reports whether the versions are known (Run has connected once):
// until then a cache must not trust Version.
func (h *Hub) Ready() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ready
}

// Version returns a campaign's figures version as last announced.
func (h *Hub) Version(campaignID int64) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.versions[campaignID]
	return v, ok && h.ready
}

// Changed returns a channel closed at the next change of any version: a
// reader waiting for its own write waits on it, then checks Version.
func (h *Hub) Changed() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changed
}

// Watch calls fn with every event, in order, on the listening goroutine:
// fn must be quick (a cache dropping entries). Watch before Run.
func (h *Hub) Watch(fn func(Event)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.watchers = append(h.watchers, fn)
}

// Base returns a counter that moves at every write to the tables that
// describe campaigns and units (and whenever announcements were missed):
// an answer that read them is current while it has not moved.
func (h *Hub) Base() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.base
}

func (h *Hub) bumpBase() {
	h.mu.Lock()
	h.base++
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
}

func (h *Hub) resync(v map[int64]string) {
	h.mu.Lock()
	h.versions, h.ready = v, true
	h.base++
	h.mu.Unlock()
	h.publish(Event{Kind: Resync})
}

func (h *Hub) publish(e Event) {
	h.mu.Lock()
	if e.Kind == FiguresChanged {
		h.versions[e.CampaignID] = e.Version
	}
	close(h.changed)
	h.changed = make(chan struct{})
	watchers := h.watchers
	subs := make([]*Sub, 0, len(h.subs))
	for s := range h.subs {
		if s.campaignID == 0 || s.campaignID == e.CampaignID || e.Kind == Resync {
			subs = append(subs, s)
		}
	}
	h.mu.Unlock()
	for _, w := range watchers {
		w(e)
	}
	for _, s := range subs {
		s.deliver(e)
	}
}
