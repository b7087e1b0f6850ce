// Package publish publishes the daily bulletins: it assembles an edition's
// facts from the stored figures, writes it with package press, stores it as
// an immutable revision, publishes each day by itself once the day's report
// deadline has passed, and serves the editions as HTML columns, feeds and
// downloads.
package publish

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/press"
)

// Service publishes and serves bulletins.
type Service struct {
	DB     *db.DB
	Logger *slog.Logger
	// Grace is how long after a day's report deadline its bulletin is
	// published by itself (late reports still count until then).
	Grace time.Duration
	// Now returns the current time; tests may fix it.
	Now func() time.Time
	// SiteURL is the public origin the Atom feeds' ids and links start
	// with, e.g. https://tiendo.example.org (the server's --site-url);
	// empty: http://localhost. Never the request's Host header: feeds are
	// cached publicly, and a forged Host would put its links in them.
	SiteURL string
}

// siteURL is SiteURL without its trailing slash, or http://localhost.
func (s *Service) siteURL() string {
	if s.SiteURL == "" {
		return "http://localhost"
	}
	return strings.TrimSuffix(s.SiteURL, "/")
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Input assembles what the bulletin of a campaign, scope unit and day says
// from the stored figures.
func (s *Service) Input(ctx context.Context, c *domain.Campaign, scope *domain.Unit, day domain.Date) (press.Input, error) {
	in := press.Input{Campaign: c, Scope: unitOf(scope), Day: day}
	metrics, err := s.DB.Metrics(ctx)
	if err != nil {
		return in, err
	}
	byKey := map[string]*domain.Metric{}
	for _, m := range metrics {
		byKey[m.Key] = m
	}
	for _, key := range c.MetricKeys {
		m := byKey[key]
		if m == nil {
			return in, fmt.Errorf("metric %q of campaign %s not found", key, c.Slug)
		}
		own, children, err := s.DB.DayFigures(ctx, c.ID, key, day, scope.ID)
		if err != nil {
			return in, err
		}
		if own == nil {
			return in, domain.Errorf(domain.ENOTFOUND, "no figures of %s for %s on %s yet", c.Slug, scope.Code, day)
		}
		ids := make([]int64, len(children))
		for i, ch := range children {
			ids[i] = ch.UnitID
		}
		units, err := s.DB.UnitsByID(ctx, ids)
		if err != nil {
			return in, err
		}
		md := press.MetricDay{Metric: press.Metric{Key: m.Key, NameVI: m.NameVI, NameEN: m.NameEN, VerbVI: m.VerbVI,
			VerbEN: m.VerbEN, NounVI: m.NounVI, NounEN: m.NounEN}, Scope: figureOf(in.Scope, own)}
		for i, ch := range children {
			if units[i] == nil || !units[i].ValidOn(day) {
				continue
			}
			md.Children = append(md.Children, figureOf(unitOf(units[i]), &ch.Point))
		}
		in.Metrics = append(in.Metrics, md)
	}
	return in, nil
}

func unitOf(u *domain.Unit) press.Unit {
	leaf := u.Kind == domain.KindCommune || u.Kind == domain.KindVillage || u.Kind == domain.KindAgency
	return press.Unit{Code: u.Code, Name: u.Name, FullName: u.FullName, NameEN: u.NameEN, Kind: u.Kind, Leaf: leaf}
}

func figureOf(u press.Unit, p *db.Point) press.Figure {
	f := press.Figure{Unit: u, Value: p.Value, Quota: p.Quota, Delta: p.Delta, AtRisk: p.AtRisk, RequiredPace: p.RequiredPace,
		OnTime: p.OnTime, Late: p.Late, Missing: p.Missing, RankChange: p.RankChange, Source: string(p.Source), Pace7d: p.Pace7d}
	if p.Projected != nil {
		f.Projected = p.Projected.String()
	}
	if p.Rank != nil {
		f.Rank = *p.Rank
	}
	if p.Band != nil {
		f.Band = *p.Band
	}
	return f
}

// Build writes the edition of a campaign, scope unit and day from the
// current figures.
func (s *Service) Build(ctx context.Context, c *domain.Campaign, scope *domain.Unit, day domain.Date) (*press.Edition, error) {
	in, err := s.Input(ctx, c, scope, day)
	if err != nil {
		return nil, err
	}
	return press.Build(in), nil
}

// Publish publishes the bulletin of a campaign, scope unit and day as of
// the current figures: a new revision when they differ from the last
// published one (with what changed), none otherwise. It reports whether a
// revision was created. The milestones due are frozen too, so a server
// that does not publish by itself still records them.
func (s *Service) Publish(ctx context.Context, c *domain.Campaign, scope *domain.Unit, day domain.Date, actor string) (*db.Edition, bool, error) {
	ed, made, err := s.publish(ctx, c, scope, day, actor, true)
	if err == nil {
		err = s.freezeAfterPublish(ctx, c)
	}
	return ed, made, err
}

func (s *Service) publish(ctx context.Context, c *domain.Campaign, scope *domain.Unit, day domain.Date, actor string, refresh bool) (*db.Edition, bool, error) {
	if day < c.Start || day > c.End {
		return nil, false, domain.Errorf(domain.EINVALID, "%s is outside the campaign (%s to %s)", day, c.Start, c.End)
	}
	if due := db.FiguresDue(c, s.now()); day > due {
		return nil, false, domain.Errorf(domain.EINVALID, "the bulletin of %s can be published once its reports are due (%s)",
			day, c.Deadline(day).In(c.Location()).Format("15:04 02/01/2006"))
	}
	if refresh {
		if _, err := s.DB.RefreshFigures(ctx, c.ID, 0, s.now()); err != nil {
			return nil, false, err
		}
	}
	return s.DB.PublishEdition(ctx, c.ID, scope.ID, day, actor, func(prev *db.Edition) ([]byte, string, error) {
		ed, err := s.Build(ctx, c, scope, day)
		if err != nil {
			return nil, "", err
		}
		if prev != nil {
			old, err := press.Unmarshal(prev.Content, prev.Hash)
			if err != nil {
				return nil, "", err
			}
			press.Correct(old, ed)
			if ed.CorrectionVI == nil { // no figure changed: the same edition
				ed.CorrectionVI, ed.CorrectionEN = old.CorrectionVI, old.CorrectionEN
			}
		}
		b, err := ed.Marshal()
		return b, ed.Hash, err
	})
}

// PublishDue publishes, for every campaign's scope, each day whose report
// deadline (plus the grace) has passed and whose bulletin is not yet
// published, and a new revision of any published day whose figures have
// changed since; and freezes the ranking of each milestone due (see
// freezeDue). It returns how many bulletin revisions it created.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	cs, _, err := s.DB.FindCampaigns(ctx, 0, 1000)
	if err != nil {
		return 0, err
	}
	created := 0
	for _, c := range cs {
		last := db.FiguresDue(c, s.now().Add(-s.Grace))
		if last < c.Start {
			continue
		}
		scope, err := s.DB.UnitByID(ctx, c.ScopeUnitID)
		if err != nil {
			return created, err
		}
		if _, err := s.DB.RefreshFigures(ctx, c.ID, 0, s.now()); err != nil {
			return created, err
		}
		published, err := s.DB.PublishedDays(ctx, c.ID, scope.ID)
		if err != nil {
			return created, err
		}
		_, version, err := s.DB.FiguresVersion(ctx, c.ID)
		if err != nil {
			return created, err
		}
		for d := c.Start; d <= last; d++ {
			at, ok := published[d]
			if ok && !figuresNewer(version, at) {
				continue
			}
			_, made, err := s.publish(ctx, c, scope, d, "tiendo", false)
			if err != nil {
				return created, fmt.Errorf("bulletin %s %s: %w", c.Slug, d, err)
			}
			if made {
				created++
			}
		}
		if _, err := s.freezeDue(ctx, c, scope, last); err != nil {
			return created, err
		}
	}
	return created, nil
}

// figuresNewer tells whether the figures (their version is when they were
// last written) changed after an edition was published.
func figuresNewer(version string, published time.Time) bool {
	t, err := time.Parse("2006-01-02 15:04:05.999999-07", version)
	return err != nil || t.After(published)
}

// Run publishes what is due every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	for {
		start := time.Now()
		n, err := s.PublishDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger().Error("publishing bulletins", "err", err)
		} else if n > 0 {
			s.logger().Info("bulletins published", "revisions", n, "seconds", time.Since(start).Seconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
