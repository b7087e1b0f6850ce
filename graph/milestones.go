package graph

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/milestone"
	"github.com/tiendo-vn/tiendo/publish"
)

// milestoneRanking answers Query.milestoneRanking: the frozen rows of one
// metric, level and scope, each beside the current ranking of the same day.
func (r *Resolver) milestoneRanking(ctx context.Context, slug string, date domain.Date, metric string, level domain.UnitKind,
	scopeCode *string, first *int, after *string) (*MilestoneRanking, error) {
	p, err := pageOf(first, after, 50)
	if err != nil {
		return nil, err
	}
	c, figures, err := r.DB.CampaignFigures(ctx, slug)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(c.MetricKeys, metric) {
		return nil, domain.FieldErrorf(domain.EINVALID, "metric", "campaign %s does not track %q (it tracks %s)", slug, metric, strings.Join(c.MetricKeys, ", "))
	}
	rec, z, err := r.milestoneRecord(ctx, c.ID, date)
	if err != nil {
		return nil, err
	}
	ms := milestoneOn(c, date, rec)
	if ms == nil {
		days := make([]string, len(c.Milestones))
		for i, m := range c.Milestones {
			days[i] = m.Date.String()
		}
		return nil, domain.FieldErrorf(domain.EINVALID, "date", "%s is not a milestone of %s (its milestones: %s)", date, slug, strings.Join(days, ", "))
	}
	scope, err := r.milestoneScope(ctx, c, date, scopeCode, level)
	if err != nil {
		return nil, err
	}
	metrics, err := r.metrics(ctx)
	if err != nil {
		return nil, err
	}
	rules := domain.RulesOf(c)
	out := &MilestoneRanking{Campaign: c, Milestone: ms, Metric: metrics[metric], Level: level, Scope: scope,
		FreezesAt: r.bulletinService().FreezesAt(c, date), CurrentRulesVersion: domain.RulesOn(rules, date)}
	var frozen []milestone.Row
	if rec != nil {
		out.Frozen, out.FrozenAt, out.Sha256 = true, &z.FrozenAt, &z.Hash
		for i := range rules {
			if rules[i].Version == z.RulesVersion {
				out.RulesVersion = &rules[i]
			}
		}
		csv, js := publish.MilestoneURL(c.Slug, date, "csv"), publish.MilestoneURL(c.Slug, date, "json")
		out.CsvURL, out.JSONURL = &csv, &js
		frozen, _ = rec.View(metric, level, scope.Code)
	}
	// A read never writes: the current figures are those stored.
	current, err := r.app().RankingAll(ctx, figures.Version, domain.RankingFilter{Campaign: c, Metric: metric, Day: date, ScopeID: scope.ID, Kind: level})
	if err != nil {
		return nil, err
	}
	now := make(map[int64]*domain.RankRow, len(current))
	for _, row := range current {
		now[row.UnitID] = row
	}
	var frozenBands []domain.Band
	if rec != nil {
		frozenBands = rec.Rules.Domain()
	}
	rows := make([]*MilestoneRankingRow, len(frozen))
	for i := range frozen {
		row := &MilestoneRankingRow{Row: frozen[i], UnitRef: frozen[i].Unit.Domain(), Changes: []MilestoneChange{}, bands: frozenBands}
		if cur := now[row.Unit.ID]; cur != nil {
			row.Current = &MilestoneCurrentRow{milestone.Current{Rank: cur.Rank, Figure: cur.Value, Quota: cur.Quota,
				Rate: cur.Rate, Band: cur.Band, RulesVersion: cur.RulesVersion}, out.CurrentRulesVersion.Bands}
			for _, ch := range milestone.Diff(&row.Row, &row.Current.Current) {
				row.Changes = append(row.Changes, MilestoneChange(ch))
			}
		}
		if len(row.Changes) > 0 {
			out.ChangedCount++
			unit := scope.Code // another unit's correction moved it
			if slices.Contains(row.Changes, MilestoneChangeFigure) || slices.Contains(row.Changes, MilestoneChangeRate) {
				unit = row.Unit.Code
			}
			u := correctionsURL(c.Slug, unit, date)
			row.CorrectionsURL = &u
		}
		rows[i] = row
	}
	lo, hi := min(p.Offset, len(rows)), min(p.Offset+p.Limit, len(rows))
	out.Edges, out.PageInfo, out.TotalCount = connection(p, rows[lo:hi], len(rows), func(cur string, row *MilestoneRankingRow) *MilestoneRankingEdge {
		return &MilestoneRankingEdge{Cursor: cur, Node: row}
	})
	return out, nil
}

// milestoneRecord reads the frozen record of a campaign's day (nil when
// none), parsed once per process: a record never changes, so it is kept by
// its hash and only the hash is read again.
func (r *Resolver) milestoneRecord(ctx context.Context, campaignID int64, day domain.Date) (*milestone.Record, *db.Freeze, error) {
	z, err := r.DB.MilestoneFreezeHeader(ctx, campaignID, day)
	if err != nil || z == nil {
		return nil, nil, err
	}
	if rec := r.cache.record(z.Hash); rec != nil {
		return rec, z, nil
	}
	if z, err = r.DB.MilestoneFreeze(ctx, campaignID, day); err != nil {
		return nil, nil, err
	}
	rec, err := milestone.Unmarshal(z.Content, z.Hash)
	if err != nil {
		return nil, nil, err
	}
	r.cache.putRecord(z.Hash, rec)
	return rec, z, nil
}

// milestoneOn is the campaign's milestone on day, or the one a frozen
// record names (a milestone removed after its freeze stays on record).
func milestoneOn(c *domain.Campaign, day domain.Date, rec *milestone.Record) *domain.Milestone {
	for i := range c.Milestones {
		if c.Milestones[i].Date == day {
			return &c.Milestones[i]
		}
	}
	if rec != nil {
		return &domain.Milestone{Date: day, LabelVI: rec.LabelVI, LabelEN: rec.LabelEN}
	}
	return nil
}

// milestoneScope resolves the scope of a milestone ranking (default: the
// campaign's) and checks the level ranked inside it.
func (r *Resolver) milestoneScope(ctx context.Context, c *domain.Campaign, day domain.Date, scopeCode *string, level domain.UnitKind) (*domain.Unit, error) {
	var scope *domain.Unit
	var err error
	if scopeCode == nil {
		scope, err = r.DB.UnitByID(ctx, c.ScopeUnitID)
	} else {
		scope, err = r.DB.UnitByCode(ctx, *scopeCode, day)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.FieldErrorf(domain.EINVALID, "scopeCode", "no unit has code %q on %s", *scopeCode, day)
		}
		if err == nil && scope.ID != c.ScopeUnitID {
			inside, err := r.DB.IsDescendant(ctx, scope.ID, c.ScopeUnitID)
			if err != nil {
				return nil, err
			}
			if !inside {
				return nil, domain.FieldErrorf(domain.EINVALID, "scopeCode", "unit %s is outside the campaign's scope", *scopeCode)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if err := app.LevelBelow(level, scope); err != nil {
		return nil, err
	}
	return scope, nil
}

// correctionsURL is the portal's corrections page for a unit and day.
func correctionsURL(slug, unitCode string, day domain.Date) string {
	q := url.Values{"campaign": {slug}, "unit": {unitCode}, "date": {day.String()}}
	return "/corrections.html?" + q.Encode()
}
