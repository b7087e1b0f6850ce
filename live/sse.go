package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

// Campaigns names campaigns both ways for the event stream (slug ↔ id).
type Campaigns interface {
	CampaignID(ctx context.Context, slug string) (int64, error)
	CampaignSlug(ctx context.Context, id int64) (string, error)
}

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 15 * time.Second

// SSE serves the events as Server-Sent Events (text/event-stream):
// GET /events?campaign=slug (or no campaign: every one). Each event is
// "event: figures" (campaign, version, computedTo) or "event: bulletin"
// (campaign, date, revision) or "event: resync" with a JSON data line;
// EventSource reconnects by itself. addr names the client for the
// per-address bound.
func SSE(h *Hub, campaigns Campaigns, addr func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			http.Error(w, "use GET", http.StatusMethodNotAllowed)
			return
		}
		var id int64
		if slug := r.URL.Query().Get("campaign"); slug != "" {
			var err error
			if id, err = campaigns.CampaignID(r.Context(), slug); err != nil {
				writeErr(w, err)
				return
			}
		}
		sub, err := h.Subscribe(id, addr(r))
		if err != nil {
			writeErr(w, err)
			return
		}
		defer sub.Close()
		rc := http.NewResponseController(w)
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Accel-Buffering", "no") // nginx: do not hold events back
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, ": tiendo live events\nretry: 3000\n\n")
		rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's request deadlines
		rc.SetReadDeadline(time.Time{})
		if rc.Flush() != nil {
			return
		}
		tick := time.NewTicker(heartbeat)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				fmt.Fprint(w, ": ♥\n\n")
			case e, ok := <-sub.Events():
				if !ok {
					return
				}
				name, data := sseEvent(r.Context(), campaigns, e)
				if name == "" {
					continue
				}
				fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data)
			}
			if rc.Flush() != nil {
				return
			}
		}
	})
}

func sseEvent(ctx context.Context, campaigns Campaigns, e Event) (string, []byte) {
	if e.Kind == Resync {
		return "resync", []byte("{}")
	}
	slug, err := campaigns.CampaignSlug(ctx, e.CampaignID)
	if err != nil {
		return "", nil
	}
	var v any
	name := "figures"
	if e.Kind == BulletinPublished {
		name = "bulletin"
		v = struct {
			Campaign string `json:"campaign"`
			Date     string `json:"date"`
			Revision int    `json:"revision"`
		}{slug, e.Day.String(), e.Revision}
	} else {
		var to *string
		if e.ComputedTo != nil {
			s := e.ComputedTo.String()
			to = &s
		}
		v = struct {
			Campaign   string  `json:"campaign"`
			Version    string  `json:"version"`
			ComputedTo *string `json:"computedTo"`
		}{slug, e.Version, to}
	}
	b, _ := json.Marshal(v)
	return name, b
}

func writeErr(w http.ResponseWriter, err error) {
	status, msg := domain.HTTPStatus(err)
	switch {
	case status == http.StatusInternalServerError:
		msg = "internal error"
	case status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "30")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]string{"code": domain.ErrorCode(err)}}}})
}

// StoreCampaigns names campaigns from the database, remembering each (a
// campaign's id and slug never change).
type StoreCampaigns struct {
	DB *db.DB

	mu     sync.Mutex
	bySlug map[string]int64
	byID   map[int64]string
}

func (s *StoreCampaigns) remember(id int64, slug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bySlug == nil {
		s.bySlug, s.byID = map[string]int64{}, map[int64]string{}
	}
	s.bySlug[slug], s.byID[id] = id, slug
}

// CampaignID returns the id of the campaign slug names (NOT_FOUND if none).
func (s *StoreCampaigns) CampaignID(ctx context.Context, slug string) (int64, error) {
	s.mu.Lock()
	id, ok := s.bySlug[slug]
	s.mu.Unlock()
	if ok {
		return id, nil
	}
	c, err := s.DB.CampaignBySlug(ctx, slug)
	if err != nil {
		return 0, err
	}
	s.remember(c.ID, c.Slug)
	return c.ID, nil
}

// CampaignSlug returns the slug of campaign id.
func (s *StoreCampaigns) CampaignSlug(ctx context.Context, id int64) (string, error) {
	s.mu.Lock()
	slug, ok := s.byID[id]
	s.mu.Unlock()
	if ok {
		return slug, nil
	}
	c, err := s.DB.CampaignByID(ctx, id)
	if err != nil {
		return "", err
	}
	s.remember(c.ID, c.Slug)
	return c.Slug, nil
}
