package graph

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

type metricsKey struct{}

type metricsCache struct {
	once sync.Once
	all  map[string]*domain.Metric
	err  error
}

// metrics returns every metric by key, loaded once per request.
func (r *Resolver) metrics(ctx context.Context) (map[string]*domain.Metric, error) {
	c, ok := ctx.Value(metricsKey{}).(*metricsCache)
	if !ok {
		c = &metricsCache{}
	}
	c.once.Do(func() {
		ms, err := r.DB.Metrics(ctx)
		c.all, c.err = map[string]*domain.Metric{}, err
		for _, m := range ms {
			c.all[m.Key] = m
		}
	})
	return c.all, c.err
}

// campaignUnitMetric resolves the arguments most figure fields share.
func (r *Resolver) campaignUnitMetric(ctx context.Context, slug, unitCode, metric string, day *domain.Date) (*domain.Campaign, *domain.Unit, error) {
	c, err := r.DB.CampaignBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(c.MetricKeys, metric) {
		return nil, nil, domain.Errorf(domain.EINVALID, "campaign %s does not track %q (it tracks %s)", slug, metric, strings.Join(c.MetricKeys, ", "))
	}
	on := max(min(r.todayIn(c), c.End), c.Start)
	if day != nil {
		on = max(min(*day, c.End), c.Start)
	}
	u, err := r.DB.UnitByCode(ctx, unitCode, on)
	if err != nil {
		return nil, nil, err
	}
	return c, u, nil
}

func (r *Resolver) todayIn(c *domain.Campaign) domain.Date {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	return domain.DateFromTime(now().In(c.Location()))
}

// progress answers Query.progress from the figures table.
func (r *Resolver) progress(ctx context.Context, slug, unitCode, metric string, from, to *domain.Date, first *int, after *string, onMap *ReformMap) (*ProgressConnection, error) {
	p, err := pageOf(first, after, 100)
	if err != nil {
		return nil, err
	}
	current := onMap != nil && *onMap == ReformMapCurrent
	var at *domain.Date
	if current {
		d := r.currentDay()
		at = &d
	} else {
		at = to
	}
	c, u, err := r.campaignUnitMetric(ctx, slug, unitCode, metric, at)
	if err != nil {
		return nil, err
	}
	lo, hi := c.Start, min(c.End, r.todayIn(c))
	if from != nil {
		lo = *from
	}
	if to != nil {
		hi = *to
	}
	if hi < lo {
		return nil, domain.Errorf(domain.EINVALID, "from (%s) is after to (%s)", lo, hi)
	}
	var pts []*domain.Point
	var marks map[*domain.Point]*domain.MappedPoint
	var total int
	if current {
		if pts, marks, total, err = r.seriesPage(ctx, c, u, metric, lo, hi, p); err != nil {
			return nil, err
		}
	} else if pts, total, err = r.DB.Series(ctx, c.ID, u.ID, metric, lo, hi, p.Offset, p.Limit); err != nil {
		return nil, err
	}
	cols := &ProgressColumns{}
	for _, pt := range pts {
		cols.Dates = append(cols.Dates, pt.Day)
		cols.Figures = append(cols.Figures, pt.Value)
		cols.Quotas = append(cols.Quotas, pt.Quota)
		cols.Rates = append(cols.Rates, pt.Rate)
		cols.Sources = append(cols.Sources, pt.Source)
		cols.Deltas = append(cols.Deltas, pt.Delta)
	}
	conn := &ProgressConnection{Columns: cols}
	today := r.todayIn(c)
	conn.Edges, conn.PageInfo, conn.TotalCount = connection(p, pts, total, func(cur string, pt *domain.Point) *ProgressEdge {
		out := outcomeOf(c, pt.Day, today, pt.Value, pt.Quota)
		return &ProgressEdge{Cursor: cur, Node: &ProgressPoint{Date: pt.Day, Figure: pt.Value, Quota: pt.Quota, Rate: pt.Rate,
			Source: pt.Source, StaleDays: pt.StaleDays, Delta: pt.Delta,
			Band: pt.Band, Pace7d: pt.Pace7d, RequiredPace: pt.RequiredPace, ProjectedCompletion: pt.Projected, AtRisk: pt.AtRisk && out == nil,
			Coverage:      &Coverage{OnTime: pt.OnTime, Late: pt.Late, Missing: pt.Missing, Total: pt.OnTime + pt.Late + pt.Missing},
			RevisionCount: pt.Revisions, Outcome: out, RulesVersion: pt.RulesVersion, bands: dayBands(c, pt.Day),
			campaign: c, unitID: u.ID, metric: metric,
			Incomparable: marks[pt] != nil && !marks[pt].Comparable, Partial: marks[pt].Links()}}
	})
	return conn, nil
}

// rankingAll returns the whole ranking f selects (its offset and limit
// aside), read once per version of the campaign's figures.
func (r *Resolver) rankingAll(ctx context.Context, version string, f domain.RankingFilter) ([]*domain.RankRow, error) {
	k := rankKey{f.Campaign.ID, f.Metric, f.Day, f.Kind, f.ScopeID}
	if all, ok := r.cache.ranking(k, version); ok {
		return all, nil
	}
	whole := f
	whole.Offset, whole.Limit = 0, math.MaxInt32
	all, _, err := r.DB.Ranking(ctx, whole)
	if err != nil {
		return nil, err
	}
	r.cache.putRanking(k, version, all)
	return all, nil
}

// dayBands are the bands of a campaign's rules version in force on day d.
func dayBands(c *domain.Campaign, d domain.Date) []domain.Band {
	return domain.RulesOn(domain.RulesOf(c), d).Bands
}

// bandCounts counts the rows of a whole ranking per band (those of the
// rules version of its day), highest first, then the rows without a band.
func bandCounts(bands []domain.Band, all []*domain.RankRow) []*BandCount {
	out := make([]*BandCount, len(bands)+1)
	at := make(map[string]int, len(bands))
	for i := range bands {
		out[i] = &BandCount{Band: &bands[i]}
		at[bands[i].Key] = i
	}
	out[len(bands)] = &BandCount{}
	for _, row := range all {
		i, ok := len(bands), false
		if row.Band != nil {
			i, ok = at[*row.Band]
			if !ok {
				i = len(bands)
			}
		}
		out[i].Count++
	}
	return out
}

// rankingPage answers one page of a ranking from the whole ranking, read
// once per version of the campaign's figures, with each row's unit.
func (r *Resolver) rankingPage(ctx context.Context, version string, f domain.RankingFilter) ([]*RankingRow, int, error) {
	all, err := r.rankingAll(ctx, version, f)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := min(f.Offset, len(all)), min(f.Offset+f.Limit, len(all))
	page := make([]*RankingRow, hi-lo)
	var missing []int64
	today := r.todayIn(f.Campaign)
	for i, row := range all[lo:hi] {
		page[i] = &RankingRow{RankRow: row, Unit: r.cache.unit(row.UnitID),
			Outcome: outcomeOf(f.Campaign, row.Day, today, row.Value, row.Quota), bands: dayBands(f.Campaign, row.Day)}
		if page[i].Unit == nil {
			missing = append(missing, row.UnitID)
		}
	}
	if len(missing) > 0 {
		units, err := r.DB.UnitsByID(ctx, missing)
		if err != nil {
			return nil, 0, err
		}
		r.cache.putUnits(units)
		for _, row := range page {
			if row.Unit == nil {
				if row.Unit = r.cache.unit(row.UnitID); row.Unit == nil {
					return nil, 0, fmt.Errorf("unit %d of a ranking row not found", row.UnitID)
				}
			}
		}
	}
	return page, len(all), nil
}

// outcomeOf is engine.Outcome as the API's nullable enum.
func outcomeOf(c *domain.Campaign, day, today domain.Date, value, quota *int64) *domain.CampaignOutcome {
	if o := engine.Outcome(c, day, today, value, quota); o != "" {
		return &o
	}
	return nil
}
