package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/domain"
)

// selects reports whether the selection of the field being resolved
// reaches a field by path, given as type and field pairs from the field's
// own type ("ProgressConnection", "edges", "ProgressEdge", "node", ...),
// through fragments and aliases and honouring @skip and @include.
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	return selectsIn(graphql.GetOperationContext(ctx), fc.Field.Selections, path)
}

func selectsIn(oc *graphql.OperationContext, sel ast.SelectionSet, path []string) bool {
	for _, f := range graphql.CollectFields(oc, sel, path[:1]) {
		if f.Name == path[1] && (len(path) == 2 || selectsIn(oc, f.Selections, path[2:])) {
			return true
		}
	}
	return false
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

type metricsCache struct {
	once sync.Once
	all  map[string]*domain.Metric
	err  error
}

// metrics returns every metric by key, loaded once per request.
func (r *Resolver) metrics(ctx context.Context) (map[string]*domain.Metric, error) {
	c := &metricsCache{}
	if l := requestLoadersOf(ctx); l != nil {
		c = &l.metrics
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

// progress answers Query.progress from the figures table.
func (r *Resolver) progress(ctx context.Context, slug, unitCode, metric string, from, to *domain.Date, first *int, after *string, onMap *ReformMap) (*ProgressConnection, error) {
	p, err := pageOf(first, after, 100)
	if err != nil {
		return nil, err
	}
	s, err := r.app().Series(ctx, app.SeriesQuery{Campaign: slug, UnitCode: unitCode, Metric: metric, From: from, To: to,
		Current: onMap != nil && *onMap == ReformMapCurrent, Offset: p.Offset, Limit: p.Limit})
	if err != nil {
		return nil, err
	}
	cols := &ProgressColumns{}
	for _, pt := range s.Points {
		cols.Dates = append(cols.Dates, pt.Day)
		cols.Figures = append(cols.Figures, pt.Value)
		cols.Quotas = append(cols.Quotas, pt.Quota)
		cols.Rates = append(cols.Rates, pt.Rate)
		cols.Sources = append(cols.Sources, pt.Source)
		cols.Deltas = append(cols.Deltas, pt.Delta)
	}
	if selects(ctx, "ProgressConnection", "edges", "ProgressEdge", "node", "ProgressPoint", "revisions") {
		keys := make([]domain.RevisionKey, 0, len(s.Points))
		for _, pt := range s.Points {
			if pt.Revisions > 0 {
				keys = append(keys, domain.RevisionKey{UnitID: s.Unit.ID, Metric: s.Metric, Day: pt.Day})
			}
		}
		if err := r.loaders(ctx).PrefetchRevisions(ctx, keys); err != nil {
			return nil, err
		}
	}
	conn := &ProgressConnection{Columns: cols}
	conn.Edges, conn.PageInfo, conn.TotalCount = connection(p, s.Points, s.Total, func(cur string, pt *domain.Point) *ProgressEdge {
		return &ProgressEdge{Cursor: cur, Node: progressPoint(s, pt)}
	})
	return conn, nil
}

// progressPoint is one point of a series as the API shows it.
func progressPoint(s *app.Series, pt *domain.Point) *ProgressPoint {
	c, mp := s.Campaign, s.Mapped[pt]
	out := app.OutcomeOf(c, pt.Day, s.Today, pt.Value, pt.Quota)
	return &ProgressPoint{Date: pt.Day, Figure: pt.Value, Quota: pt.Quota, Rate: pt.Rate,
		Source: pt.Source, StaleDays: pt.StaleDays, Delta: pt.Delta,
		Band: pt.Band, Pace7d: pt.Pace7d, RequiredPace: pt.RequiredPace, ProjectedCompletion: pt.Projected, AtRisk: pt.AtRisk && out == nil,
		Coverage:      &Coverage{OnTime: pt.OnTime, Late: pt.Late, Missing: pt.Missing, Total: pt.OnTime + pt.Late + pt.Missing},
		RevisionCount: pt.Revisions, Outcome: out, RulesVersion: pt.RulesVersion, bands: app.DayBands(c, pt.Day),
		campaign: c, unitID: s.Unit.ID, metric: s.Metric,
		Incomparable: mp != nil && !mp.Comparable, Partial: mp.Links()}
}

// rankingConnection is a page of a ranking as the API shows it.
func rankingConnection(rk *app.Ranking, p page) *RankingConnection {
	conn := &RankingConnection{Date: rk.Day, Rules: rk.Rules, Map: ReformMapCampaign, Scope: rk.Scope, CampaignScope: rk.CampaignScope}
	if rk.Current {
		conn.Map = ReformMapCurrent
	}
	for _, bc := range rk.BandCounts {
		conn.BandCounts = append(conn.BandCounts, &BandCount{Band: bc.Band, Count: bc.Count})
	}
	rows := make([]*RankingRow, len(rk.Rows))
	for i, row := range rk.Rows {
		rows[i] = &RankingRow{RankedRow: row}
	}
	conn.Edges, conn.PageInfo, conn.TotalCount = connection(p, rows, rk.Total, func(cur string, row *RankingRow) *RankingEdge { return &RankingEdge{cur, row} })
	return conn
}
