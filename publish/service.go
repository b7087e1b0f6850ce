// Package publish publishes the daily bulletins: it assembles an edition's
// facts from the stored figures, writes it with package press, stores it as
// an immutable revision, publishes each day by itself once the day's report
// deadline has passed, and serves the editions as HTML columns, feeds and
// downloads.
package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/episode"
	"github.com/tiendo-vn/tiendo/press"
	"github.com/tiendo-vn/tiendo/telemetry"
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
	// CorrectionsPerPage is how many entries a page of a corrections feed
	// holds (0: DefaultCorrectionsPerPage).
	CorrectionsPerPage int
	// Outage, if set, reports whether err is the database's outage, which
	// it logs once (graph.DBHealth.Failed): pages then answer 503 with
	// Retry-After, and log nothing each.
	Outage func(ctx context.Context, err error) bool
	// MaxStreams bounds the downloads streamed from the database at once
	// (series.*, DATE.all.*; 0: DefaultMaxStreams): each holds one of the
	// pool's connections as long as its client takes to read it, so a few
	// clients that never read would otherwise hold them all, and the API and
	// /readyz with them. A download past the bound waits up to StreamWait
	// (0: 5 s), then is answered 503 with Retry-After.
	MaxStreams  int
	StreamWait  time.Duration
	streamsOnce sync.Once
	streams     chan struct{}
	// Contact is where readers report an error, printed on every page
	// ("" prints none).
	Contact string
	// RetryMin is the delay before a campaign whose publication failed is
	// tried again; it doubles with each failure, up to 30 minutes (0: a
	// minute).
	RetryMin time.Duration
	// SiteURL is the public origin the Atom feeds' ids and links start
	// with, e.g. https://tiendo.example.org (the server's --site-url);
	// empty: http://localhost. Never the request's Host header: feeds are
	// cached publicly, and a forged Host would put its links in them.
	SiteURL string
	// FeedPage is how many entries each Atom feed document holds (0: 50).
	FeedPage int

	init     sync.Once
	failures episode.Tracker
	mu       sync.Mutex
	// checked: for each campaign and day already published, the version of
	// the figures its last rebuild read (a rebuild that changes nothing
	// published publishes nothing, and is not done again for that version).
	checked map[checkKey]string
}

type checkKey struct {
	campaign int64
	day      domain.Date
}

// rebuilt tells whether a day was rebuilt from a version of the figures.
func (s *Service) rebuilt(campaign int64, day domain.Date, version string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checked[checkKey{campaign, day}] == version
}

// markRebuilt records that a day was rebuilt from a version of the figures.
func (s *Service) markRebuilt(campaign int64, day domain.Date, version string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.checked == nil {
		s.checked = map[checkKey]string{}
	}
	s.checked[checkKey{campaign, day}] = version
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
	in, _, err := s.input(ctx, c, scope, day)
	return in, err
}

// input assembles a bulletin's facts and returns the snapshot of the
// figures they were read from: the same before and after reading them
// (a refresh in between reads them again).
func (s *Service) input(ctx context.Context, c *domain.Campaign, scope *domain.Unit, day domain.Date) (press.Input, string, error) {
	for attempt := 0; ; attempt++ {
		before, err := s.DB.FiguresSnapshot(ctx, c.ID)
		if err != nil {
			return press.Input{}, "", err
		}
		in, err := s.read(ctx, c, scope, day)
		if err != nil {
			return in, "", err
		}
		after, err := s.DB.FiguresSnapshot(ctx, c.ID)
		if err != nil || after == before || attempt == 3 {
			return in, after, err
		}
	}
}

func (s *Service) read(ctx context.Context, c *domain.Campaign, scope *domain.Unit, day domain.Date) (press.Input, error) {
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
		if own.Delta != nil && *own.Delta < 0 {
			if md.Fall, err = s.fall(ctx, c, scope, key, day); err != nil {
				return in, err
			}
		}
		in.Metrics = append(in.Metrics, md)
	}
	return in, nil
}

func unitOf(u *domain.Unit) press.Unit {
	leaf := u.Kind == domain.KindCommune || u.Kind == domain.KindVillage || u.Kind == domain.KindAgency
	return press.Unit{Code: u.Code, Name: u.Name, FullName: u.FullName, NameEN: u.NameEN, Kind: u.Kind, Leaf: leaf}
}

func figureOf(u press.Unit, p *domain.Point) press.Figure {
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
// the current figures: a new revision when something it publishes (a
// sentence, a table cell, a cell of its downloads) differs from the last
// published revision, with its đính chính (what changed and the revisions
// of reports and quotas behind it); none otherwise. It reports whether a
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
		if err := s.DB.RefreshFiguresAfter(ctx, c.ID, 0, s.now()); err != nil {
			return nil, false, err
		}
	}
	ed, created, err := s.DB.PublishEdition(ctx, c.ID, scope.ID, day, actor, func(prev *db.Edition) (*db.EditionContent, error) {
		in, snapshot, err := s.input(ctx, c, scope, day)
		if err != nil {
			return nil, err
		}
		ed := press.Build(in)
		var old *press.Edition
		if prev != nil {
			if old, err = press.Unmarshal(prev.Content, prev.Hash); err != nil {
				return nil, err
			}
		}
		if !press.Revise(old, ed, nil) {
			return nil, nil // nothing published would change
		}
		if prev != nil { // a later revision: name what it follows
			causes, err := s.causes(ctx, c, scope, day, prev.FiguresSnapshot, snapshot)
			if err != nil {
				return nil, err
			}
			press.Revise(old, ed, causes)
		}
		demo, err := s.DB.Demo(ctx)
		if err != nil {
			return nil, err
		}
		ed.Licence, ed.LicenceURL, ed.Demo = Licence, LicenceURL, demo
		b, err := ed.Marshal()
		return &db.EditionContent{Content: b, Hash: ed.Hash, Snapshot: snapshot}, err
	})
	if err == nil && created && ed != nil && ed.Revision == 1 {
		// How long after its deadline and grace the day's first edition came out.
		telemetry.SetPublicationLag(c.Slug, max(0, s.now().Sub(c.Deadline(day).Add(s.Grace))))
	}
	return ed, created, err
}

// PublishDue publishes, for every campaign's scope, each day whose report
// deadline (plus the grace) has passed and whose bulletin is not yet
// published, and a new revision of any published day whose figures have
// changed since; and freezes the ranking of each milestone due (see
// freezeDue). It returns how many bulletin revisions it created. Each campaign
// fails alone: its error does not stop the others, it is retried after a
// delay that grows with each failure (Failing lists it meanwhile), and it
// is logged once per episode; the errors of this pass are returned joined.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	cs, _, err := s.DB.FindCampaigns(ctx, 0, 1000)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errList, err)
	}
	s.init.Do(func() {
		s.failures.What, s.failures.Logger, s.failures.Min, s.failures.Max = "bulletin publication", s.logger(), s.RetryMin, 30*time.Minute
		if s.failures.Min <= 0 {
			s.failures.Min = time.Minute
		}
	})
	created := 0
	var errs []error
	for _, c := range cs {
		last := db.FiguresDue(c, s.now().Add(-s.Grace))
		if last < c.Start || !s.failures.Due(c.Slug, time.Now()) {
			continue
		}
		n, err := s.publishCampaign(ctx, c, last)
		created += n
		if ctx.Err() != nil {
			return created, ctx.Err()
		}
		s.failures.Done(c.Slug, time.Now(), err)
		if err != nil {
			errs = append(errs, fmt.Errorf("campaign %s: %w", c.Slug, err))
		}
	}
	return created, errors.Join(errs...)
}

// Failing lists the campaigns (by slug) whose bulletins cannot be published
// now, oldest failure first.
func (s *Service) Failing() []episode.Episode { return s.failures.Failing() }

// publishCampaign publishes the days of one campaign up to last that are
// due, and returns how many revisions it created.
func (s *Service) publishCampaign(ctx context.Context, c *domain.Campaign, last domain.Date) (int, error) {
	scope, err := s.DB.UnitByID(ctx, c.ScopeUnitID)
	if err != nil {
		return 0, err
	}
	// Every write committed so far is in the figures the bulletins say:
	// refresh through the same one-at-a-time path as the writes.
	if err := s.DB.RefreshFiguresAfter(ctx, c.ID, 0, s.now()); err != nil {
		return 0, err
	}
	published, err := s.DB.PublishedDays(ctx, c.ID, scope.ID)
	if err != nil {
		return 0, err
	}
	_, version, err := s.DB.FiguresVersion(ctx, c.ID)
	if err != nil {
		return 0, err
	}
	created := 0
	for d := c.Start; d <= last; d++ {
		at, ok := published[d]
		if ok && (!figuresNewer(version, at) || s.rebuilt(c.ID, d, version)) {
			continue
		}
		_, made, err := s.publish(ctx, c, scope, d, "tiendo", false)
		if err != nil {
			return created, fmt.Errorf("bulletin %s %s: %w", c.Slug, d, err)
		}
		s.markRebuilt(c.ID, d, version)
		if made {
			created++
		}
	}
	_, err = s.freezeDue(ctx, c, scope, last)
	return created, err
}

// errList is PublishDue's error when it cannot list the campaigns.
var errList = errors.New("listing the campaigns")

// figuresNewer tells whether the figures (their version is when they were
// last written) changed after an edition was published.
func figuresNewer(version string, published time.Time) bool {
	t, err := time.Parse("2006-01-02 15:04:05.999999-07", version)
	return err != nil || t.After(published)
}

// Run publishes what is due every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	var listErr string
	for {
		start := time.Now()
		// A campaign's failure is logged once per episode by PublishDue's
		// tracker; the rest (the campaigns cannot even be listed) once per
		// distinct error.
		n, err := s.PublishDue(ctx)
		if errors.Is(err, errList) && err.Error() != listErr && ctx.Err() == nil {
			s.logger().Error("publishing bulletins", "err", err)
		}
		if listErr = ""; errors.Is(err, errList) {
			listErr = err.Error()
		}
		if n > 0 {
			s.logger().Info("bulletins published", "revisions", n, "seconds", time.Since(start).Seconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
