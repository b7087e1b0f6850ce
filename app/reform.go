package app

import (
	"context"
	"slices"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// The 2025 reform: rankings and series read on today's map, where a unit
// that no longer exists is summed into what it became.

// CurrentScope is what a campaign's scope became on today's map: itself if
// it still exists, else its one successor, else (split) what its parent
// became.
func (a *App) CurrentScope(ctx context.Context, c *domain.Campaign) (*domain.Unit, error) {
	u, err := a.UnitByID(ctx, c.ScopeUnitID)
	for err == nil && !u.ValidOn(a.CurrentDay()) {
		var ls []domain.Link
		if ls, err = a.Store.LinksOf(ctx, []int64{u.ID}, true); err != nil {
			break
		}
		switch {
		case len(ls) == 1:
			u, err = a.UnitByID(ctx, ls[0].NewID)
		case u.ParentID != nil:
			u, err = a.UnitByID(ctx, *u.ParentID)
		default:
			return u, nil
		}
	}
	return u, err
}

// rankingCurrent answers a ranking on today's map. EINVALID for a level
// today's map does not have.
func (a *App) rankingCurrent(ctx context.Context, c *domain.Campaign, q RankingQuery, day domain.Date) (*Ranking, error) {
	if q.Level != domain.KindProvince && q.Level != domain.KindCommune {
		return nil, &domain.Error{Code: domain.EINVALID, Field: "level", Message: "today's map has provinces and communes only (no districts since 01/07/2025); choose PROVINCE or COMMUNE"}
	}
	var scope *domain.Unit
	var err error
	if q.ScopeCode != nil {
		if scope, err = a.Store.UnitByCode(ctx, *q.ScopeCode, a.CurrentDay()); err != nil {
			return nil, err
		}
	} else if scope, err = a.CurrentScope(ctx, c); err != nil {
		return nil, err
	}
	units, err := a.Store.CurrentCandidates(ctx, c, q.Metric, scope.ID, q.Level, day, a.CurrentDay())
	if err != nil {
		return nil, err
	}
	series, err := a.Store.CurrentFigures(ctx, c, q.Metric, units, day-7, day)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*domain.Unit, len(units))
	today, yesterday := make([]*domain.MappedPoint, len(units)), make([]*domain.MappedPoint, len(units))
	for i, u := range units {
		byID[u.ID] = u
		today[i], yesterday[i] = series[i][7], series[i][6]
	}
	prev := map[int64]int{}
	for _, row := range RankMapped(yesterday) {
		if row.Rank != nil {
			prev[row.UnitID] = *row.Rank
		}
	}
	ranked := RankMapped(today)
	all := make([]*domain.RankRow, len(ranked))
	rows := make([]*domain.RankedRow, len(ranked))
	for i, row := range ranked {
		row.RankChange = nil
		if was, ok := prev[row.UnitID]; ok && row.Rank != nil {
			ch := was - *row.Rank
			row.RankChange = &ch
		}
		all[i] = &row.RankRow
		rows[i] = &domain.RankedRow{RankRow: &row.RankRow, Unit: byID[row.UnitID], Incomparable: !row.Comparable, Partial: row.Partial,
			Outcome: OutcomeOf(c, row.Day, a.TodayIn(c), row.Value, row.Quota), Bands: DayBands(c, row.Day)}
	}
	own, err := a.UnitByID(ctx, c.ScopeUnitID)
	if err != nil {
		return nil, err
	}
	rules := domain.RulesOn(domain.RulesOf(c), day)
	lo, hi := min(q.Offset, len(rows)), min(q.Offset+q.Limit, len(rows))
	return &Ranking{Campaign: c, Day: day, Rules: rules, BandCounts: bandCounts(rules.Bands, all), Current: true,
		Scope: scope, CampaignScope: own, Rows: rows[lo:hi], Total: len(rows)}, nil
}

// seriesCurrent is a unit of today's map's series on map CURRENT, lo..hi.
func (a *App) seriesCurrent(ctx context.Context, c *domain.Campaign, u *domain.Unit, metric string, lo, hi domain.Date) ([]*domain.MappedPoint, error) {
	series, err := a.Store.CurrentFigures(ctx, c, metric, []*domain.Unit{u}, lo-7, hi)
	if err != nil {
		return nil, err
	}
	var out []*domain.MappedPoint
	for _, mp := range series[0][7:] {
		if mp != nil {
			out = append(out, mp)
		}
	}
	return out, nil
}

// RankMapped numbers the comparable rows of one day by the ranking order
// (rate, then figure, then code); the others come last, unranked, by code.
// It returns the rows in that order.
func RankMapped(rows []*domain.MappedPoint) []*domain.MappedPoint {
	rows = slices.DeleteFunc(slices.Clone(rows), func(r *domain.MappedPoint) bool { return r == nil })
	figs := make(map[*domain.MappedPoint]*engine.Figure, len(rows))
	for _, r := range rows {
		f := FigureOf(&r.RankRow)
		if !r.Comparable {
			f.HasValue, f.Rate = false, nil
		}
		figs[r] = f
	}
	slices.SortStableFunc(rows, func(a, b *domain.MappedPoint) int { return engine.Compare(figs[a], figs[b]) })
	sorted := make([]*engine.Figure, len(rows))
	for i, r := range rows {
		sorted[i] = figs[r]
	}
	engine.Number(sorted)
	for i, r := range rows {
		r.Rank = nil
		if rk := sorted[i].Rank; rk > 0 {
			r.Rank = &rk
		}
	}
	return rows
}
