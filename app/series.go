package app

import (
	"context"

	"github.com/tiendo-vn/tiendo/domain"
)

// SeriesQuery asks for a page of one unit's daily figures on one metric.
type SeriesQuery struct {
	Campaign string // the campaign's slug
	UnitCode string
	Metric   string
	// From and To bound the days (nil: the campaign's first day, and
	// today inside the campaign).
	From, To *domain.Date
	// Current reads the series on today's map.
	Current       bool
	Offset, Limit int
}

// Series is a page of a unit's daily figures.
type Series struct {
	Campaign *domain.Campaign
	Unit     *domain.Unit
	Metric   string
	Points   []*domain.Point
	// Mapped is, on today's map, the mapped point each point came from.
	Mapped map[*domain.Point]*domain.MappedPoint
	Total  int
	Today  domain.Date // today in the campaign's time zone
}

// Series answers a page of a series from the figures stored, and from them
// alone (with the campaign and its units): its answer is that of the
// campaign's figures version. EINVALID for a metric the campaign does not
// track or from after to; ENOTFOUND for an unknown campaign or unit.
func (a *App) Series(ctx context.Context, q SeriesQuery) (*Series, error) {
	at := q.To
	if q.Current {
		d := a.CurrentDay()
		at = &d
	}
	c, u, err := a.CampaignUnitMetric(ctx, q.Campaign, q.UnitCode, q.Metric, at)
	if err != nil {
		return nil, err
	}
	lo, hi := c.Start, min(c.End, a.TodayIn(c))
	if q.From != nil {
		lo = *q.From
	}
	if q.To != nil {
		hi = *q.To
	}
	if hi < lo {
		return nil, domain.Errorf(domain.EINVALID, "from (%s) is after to (%s)", lo, hi)
	}
	s := &Series{Campaign: c, Unit: u, Metric: q.Metric, Today: a.TodayIn(c)}
	if !q.Current {
		s.Points, s.Total, err = a.Store.Series(ctx, c.ID, u.ID, q.Metric, lo, hi, q.Offset, q.Limit)
		return s, err
	}
	all, err := a.seriesCurrent(ctx, c, u, q.Metric, lo, hi)
	if err != nil {
		return nil, err
	}
	from, to := min(q.Offset, len(all)), min(q.Offset+q.Limit, len(all))
	s.Points, s.Total = make([]*domain.Point, 0, to-from), len(all)
	s.Mapped = make(map[*domain.Point]*domain.MappedPoint, to-from)
	for _, mp := range all[from:to] {
		s.Points = append(s.Points, &mp.Point)
		s.Mapped[&mp.Point] = mp
	}
	return s, nil
}

// CampaignUnitMetric resolves the arguments most figure fields share: the
// campaign, and the unit valid on day (nil: today) inside the campaign.
// It reads the campaign with its figures version (CampaignFigures notes it
// in the request's readset), so an answer read from the campaign's figures
// through it is versioned. EINVALID for a metric the campaign does not
// track; ENOTFOUND.
func (a *App) CampaignUnitMetric(ctx context.Context, slug, unitCode, metric string, day *domain.Date) (*domain.Campaign, *domain.Unit, error) {
	c, _, err := a.Store.CampaignFigures(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	if err := tracks(c, metric); err != nil {
		return nil, nil, err
	}
	on := max(min(a.TodayIn(c), c.End), c.Start)
	if day != nil {
		on = max(min(*day, c.End), c.Start)
	}
	u, err := a.Store.UnitByCode(ctx, unitCode, on)
	if err != nil {
		return nil, nil, err
	}
	return c, u, nil
}
