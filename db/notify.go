package db

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// The channels the database announces changes on (migration 017_notify).
const (
	ChannelFigures   = "tiendo_figures"
	ChannelBulletins = "tiendo_bulletins"
	// ChannelBase announces a write to the tables that describe campaigns
	// and units (payload: the table).
	ChannelBase = "tiendo_base"
)

// FiguresChange says a campaign's figures were rewritten: Version is the
// new value FiguresVersion returns.
type FiguresChange struct {
	CampaignID int64
	Version    string
	ComputedTo *domain.Date // nil: none computed yet
}

// BulletinPublished says an edition was published.
type BulletinPublished struct {
	CampaignID int64
	Day        domain.Date
	Revision   int
}

// Listener receives what the database announces.
type Listener struct {
	// Connected runs after every (re)connection, once LISTEN is in place:
	// whatever was announced while disconnected is lost, so reload.
	Connected func(ctx context.Context)
	// Disconnected runs when the listening connection is lost: until the
	// next Connected, announcements may be missed.
	Disconnected func()
	Figures      func(FiguresChange)
	Bulletin     func(BulletinPublished)
	Base         func(table string)
	Logger       *slog.Logger
}

// Listen holds one connection of the pool LISTENing on the channels and
// hands each notification to l until ctx ends; a lost connection is
// reopened with backoff (up to 5 s between tries). Notifications come from
// the primary only: a standby does not deliver them.
func (db *DB) Listen(ctx context.Context, l Listener) {
	if l.Logger == nil {
		l.Logger = slog.New(slog.DiscardHandler)
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, l, func() { backoff = 100 * time.Millisecond })
		if l.Disconnected != nil {
			l.Disconnected()
		}
		if ctx.Err() != nil {
			return
		}
		l.Logger.Warn("listening for changes failed; retrying", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (db *DB) listenOnce(ctx context.Context, l Listener, connected func()) error {
	pc, err := db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that LISTENed must not go back to the pool: take it.
	conn := pc.Hijack()
	defer conn.Close(context.Background())
	for _, ch := range []string{ChannelFigures, ChannelBulletins, ChannelBase} {
		if _, err := conn.Exec(ctx, "LISTEN "+ch); err != nil {
			return err
		}
	}
	connected()
	if l.Connected != nil {
		l.Connected(ctx)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if err := dispatch(l, n.Channel, []byte(n.Payload)); err != nil {
			l.Logger.Warn("an announcement could not be read", "channel", n.Channel, "err", err)
		}
	}
}

func dispatch(l Listener, channel string, payload []byte) error {
	switch channel {
	case ChannelFigures:
		var m struct {
			Campaign   int64
			Version    string
			ComputedTo *string
		}
		if err := json.Unmarshal(payload, &m); err != nil {
			return err
		}
		c := FiguresChange{CampaignID: m.Campaign, Version: m.Version}
		if m.ComputedTo != nil {
			d, err := domain.ParseDate(*m.ComputedTo)
			if err != nil {
				return err
			}
			c.ComputedTo = &d
		}
		if l.Figures != nil {
			l.Figures(c)
		}
	case ChannelBulletins:
		var m struct {
			Campaign int64
			Day      string
			Revision int
		}
		if err := json.Unmarshal(payload, &m); err != nil {
			return err
		}
		d, err := domain.ParseDate(m.Day)
		if err != nil {
			return err
		}
		if l.Bulletin != nil {
			l.Bulletin(BulletinPublished{CampaignID: m.Campaign, Day: d, Revision: m.Revision})
		}
	case ChannelBase:
		if l.Base != nil {
			l.Base(string(payload))
		}
	default:
		return fmt.Errorf("unknown channel")
	}
	return nil
}

// AllFiguresVersions returns every campaign's figures version (campaign id
// → FiguresVersion's token), for a cache starting or reconnecting.
func (db *DB) AllFiguresVersions(ctx context.Context) (map[int64]string, error) {
	rows, err := db.Pool.Query(ctx, `SELECT campaign_id, updated_at::text FROM figures_state`)
	if err != nil {
		return nil, mapErr(err, "figures versions")
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, mapErr(err, "figures versions")
		}
		out[id] = v
	}
	return out, mapErr(rows.Err(), "figures versions")
}
