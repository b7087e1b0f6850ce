package live

import (
	"context"
	"sync"

	"github.com/tiendo-vn/tiendo/domain"
)

// Sub is one live subscriber: a ticker on a news site, the portal's
// "đang cập nhật" mode.
type Sub struct {
	hub        *Hub
	campaignID int64
	addr       string
	ch         chan Event
	once       sync.Once
	mu         sync.Mutex
	closed     bool
}

// subBuffer is how many events a slow subscriber may fall behind before
// the oldest undelivered one is dropped for the newest (the newest version
// is what a ticker shows).
const subBuffer = 16

// Subscribe adds a subscriber to one campaign's events (0: every campaign)
// for a client at addr. Past the instance's or the address's bound it
// refuses with RATE_LIMITED.
func (h *Hub) Subscribe(campaignID int64, addr string) (*Sub, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) >= h.maxSubs {
		return nil, domain.Errorf(domain.ERATELIMITED, "this server has %d live subscribers, its most; try again later or poll", h.maxSubs)
	}
	if h.perAddr[addr] >= h.maxAddr {
		return nil, domain.Errorf(domain.ERATELIMITED, "%d live subscriptions from one address at most", h.maxAddr)
	}
	s := &Sub{hub: h, campaignID: campaignID, addr: addr, ch: make(chan Event, subBuffer)}
	h.subs[s] = struct{}{}
	h.perAddr[addr]++
	return s, nil
}

// Events is where the subscriber's events arrive; it is closed by Close.
func (s *Sub) Events() <-chan Event { return s.ch }

// Close removes the subscriber (more than once is harmless).
func (s *Sub) Close() {
	s.once.Do(func() {
		h := s.hub
		h.mu.Lock()
		delete(h.subs, s)
		if h.perAddr[s.addr]--; h.perAddr[s.addr] <= 0 {
			delete(h.perAddr, s.addr)
		}
		h.mu.Unlock()
		s.mu.Lock()
		s.closed = true
		close(s.ch)
		s.mu.Unlock()
	})
}

// deliver never blocks the hub: a full buffer loses its oldest event.
func (s *Sub) deliver(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for {
		select {
		case s.ch <- e:
			return
		default:
		}
		select {
		case <-s.ch:
		default:
		}
	}
}

// Count returns the number of subscribers (for metrics and /readyz).
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

type clientKey struct{}

// WithClient records the client's address in ctx (the HTTP layer does, for
// the per-address bound of subscribers).
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// ClientFrom returns the address WithClient recorded ("" if none).
func ClientFrom(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}
