package db

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// CurrentCandidates returns the units of kind valid on today inside scope's
// subtree that have a figure of the campaign and metric on day, or a
// predecessor that has one: the rows of a ranking on today's map.
func (db *DB) CurrentCandidates(ctx context.Context, c *domain.Campaign, metric string, scopeID int64, kind domain.UnitKind, day, today domain.Date) ([]*domain.Unit, error) {
	rows, err := db.reader(ctx).Query(ctx, subtreeSQL+`,
		here AS MATERIALIZED (SELECT u.id FROM units u JOIN sub ON sub.id = u.id WHERE u.kind = $2 AND u.valid @> $3::date),
		day AS MATERIALIZED (SELECT f.unit_id FROM figures f
			WHERE f.campaign_id = $4 AND f.metric_id = (SELECT id FROM metrics WHERE key = $5) AND f.day = $6)
		SELECT `+unitColumns+` FROM units u WHERE u.id IN (
			SELECT here.id FROM here JOIN day ON day.unit_id = here.id
			UNION SELECT l.new_id FROM here JOIN unit_links l ON l.new_id = here.id JOIN day ON day.unit_id = l.old_id)
		ORDER BY u.code`, scopeID, string(kind), pgDate(today), c.ID, metric, pgDate(day))
	if err != nil {
		return nil, mapErr(err, "ranking")
	}
	units, err := pgx.CollectRows(rows, scanUnit)
	return units, mapErr(err, "ranking")
}

// CurrentFigures reads units (of today's map) in a campaign for the days
// lo..hi, each as a domain.MappedPoint per day (out[i][d-lo], nil where the unit
// has neither a figure nor predecessors). Changes, 7-day pace and what
// follows from it are recomputed from the mapped series where the earlier
// day is inside lo..hi. Three queries, whatever the number of units.
func (db *DB) CurrentFigures(ctx context.Context, c *domain.Campaign, metric string, units []*domain.Unit, lo, hi domain.Date) ([][]*domain.MappedPoint, error) {
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	links, err := db.LinksOf(ctx, ids, false)
	if err != nil {
		return nil, err
	}
	all := slices.Clone(ids)
	preds := map[int64][]domain.Link{}
	for _, l := range links {
		preds[l.NewID] = append(preds[l.NewID], l)
		all = append(all, l.OldID)
	}
	rows, err := db.reader(ctx).Query(ctx, currentFiguresSQL(len(all), lo, hi), c.ID, metric, pgDate(lo), pgDate(hi), all)
	if err != nil {
		return nil, mapErr(err, "figures")
	}
	type key struct {
		unit int64
		day  domain.Date
	}
	figs := map[key]*domain.Point{}
	var rev int
	scan := newPointScan(nil, &rev)
	_, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		if err := scan.scan(row); err != nil {
			return struct{}{}, err
		}
		p := scan.point()
		p.Revisions = rev
		figs[key{p.UnitID, p.Day}] = p
		return struct{}{}, nil
	})
	if err != nil {
		return nil, mapErr(err, "figures")
	}
	out := make([][]*domain.MappedPoint, len(units))
	for i, u := range units {
		out[i] = make([]*domain.MappedPoint, hi-lo+1)
		for d := lo; d <= hi; d++ {
			var mp *domain.MappedPoint
			if own := figs[key{u.ID, d}]; own != nil {
				mp = &domain.MappedPoint{RankRow: domain.RankRow{Point: *own, Code: u.Code, ParentID: u.ParentID}, Comparable: true}
			} else if ls := preds[u.ID]; len(ls) > 0 {
				mp = sumPredecessors(u, d, ls, func(id int64) *domain.Point { return figs[key{id, d}] })
			}
			out[i][d-lo] = mp
		}
		derive(c, out[i])
	}
	return out, nil
}

// spanDescents is the most index descents (units times 16-day spans)
// for which currentFiguresSQL finds the units' days through
// figures_series_idx rather than the primary key's range of the days.
const spanDescents = 2000

// currentFiguresSQL is the statement CurrentFigures reads n units' figures
// of the days lo..hi with ($1 campaign, $2 metric key, $3 lo, $4 hi, $5 the
// units' ids). A few units' days lie together in figures_series_idx, one
// short range per unit and 16-day span (migration 023): a province and its
// predecessor over 90 days read 170 figures there, where the primary key's
// range of those days holds every unit of the campaign (on the national
// world, 149 ms against 0.9). A level's thousands of units over a
// ranking's 8 days read that range once instead (the nation's 10,035
// communes: 47 ms, against 118 ms for a descent per unit).
func currentFiguresSQL(n int, lo, hi domain.Date) string {
	q := `
		SELECT ` + pointColumns + `, f.revisions
		FROM figures f
		JOIN (SELECT DISTINCT id FROM unnest($5::bigint[]) AS x(id)) x ON x.id = f.unit_id
		WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day BETWEEN $3 AND $4`
	if spans := int(hi-lo)/16 + 2; n*spans <= spanDescents {
		q += ` AND day_bucket(f.day) = ANY(ARRAY(SELECT generate_series(day_bucket($3), day_bucket($4))))`
	}
	return q
}

// sumPredecessors is a unit's figure on day d as the sum of its
// predecessors' (see domain.MappedPoint).
func sumPredecessors(u *domain.Unit, d domain.Date, links []domain.Link, fig func(int64) *domain.Point) *domain.MappedPoint {
	mp := &domain.MappedPoint{RankRow: domain.RankRow{Point: domain.Point{Day: d, UnitID: u.ID, Kind: u.Kind, Source: domain.SourceNone}, Code: u.Code, ParentID: u.ParentID}}
	for _, l := range links {
		if l.Kind != domain.LinkWhole || fig(l.OldID) == nil {
			mp.Partial = append(mp.Partial, l)
		}
	}
	if len(mp.Partial) > 0 {
		return mp
	}
	mp.Comparable = true
	p := &mp.Point
	var value, quota int64
	var hasValue, hasQuota bool
	for _, l := range links {
		f := fig(l.OldID)
		if f.Value != nil {
			value, hasValue = value+*f.Value, true
		}
		if f.Quota != nil {
			quota, hasQuota = quota+*f.Quota, true
		}
		p.OnTime, p.Late, p.Missing = p.OnTime+f.OnTime, p.Late+f.Late, p.Missing+f.Missing
	}
	if len(links) == 1 { // one predecessor, whole: its figure as it was
		f := fig(links[0].OldID)
		p.Source, p.StaleDays, p.QuotaOwn, p.Revisions = f.Source, f.StaleDays, f.QuotaOwn, f.Revisions
	} else if hasValue {
		p.Source = domain.SourceRollup
	}
	if hasValue {
		p.Value = &value
	}
	if hasQuota {
		p.Quota = &quota
	}
	return mp
}

// derive recomputes a mapped series' rate, band, changes and pace.
func derive(c *domain.Campaign, series []*domain.MappedPoint) {
	bands := c.Bands
	if len(bands) == 0 {
		bands = domain.DefaultBands()
	}
	for i, mp := range series {
		if mp == nil {
			continue
		}
		p := &mp.Point
		if !mp.Comparable {
			p.Value, p.Quota, p.Rate, p.Band, p.Delta, p.Delta7, p.Pace7d = nil, nil, nil, nil, nil, nil, nil
			p.RequiredPace, p.Projected, p.AtRisk, p.Rank, p.RankChange = nil, nil, false, nil, nil
			continue
		}
		f := &engine.Figure{Day: p.Day, Code: mp.Code}
		if p.Value != nil {
			f.HasValue, f.Value = true, *p.Value
		}
		if p.Quota != nil {
			f.HasQuota, f.Quota = true, *p.Quota
		}
		p.Rate, p.Band = nil, nil
		if f.HasValue && f.HasQuota && f.Quota > 0 {
			r := float64(f.Value) / float64(f.Quota)
			b := domain.BandFor(bands, r).Key
			p.Rate, p.Band = &r, &b
		}
		change := func(back int) (*int64, bool) {
			if i < back {
				return nil, false // outside the window: keep what is stored
			}
			q := series[i-back]
			if q == nil || !q.Comparable || q.Value == nil || p.Value == nil {
				return nil, true
			}
			v := *p.Value - *q.Value
			return &v, true
		}
		if v, ok := change(1); ok {
			p.Delta = v
		}
		if v, ok := change(7); ok {
			p.Delta7, p.Pace7d = v, nil
			if v != nil {
				pace := float64(*v) / 7
				p.Pace7d = &pace
			}
		}
		f.Delta7 = p.Delta7
		if f.HasValue && f.HasQuota {
			engine.Pace(c, f)
			p.RequiredPace, p.Projected, p.AtRisk = f.RequiredPace, f.Projected, f.AtRisk
		}
	}
}
