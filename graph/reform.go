package graph

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

// currentDay is the day today's map is read on: today, or the first day of
// the new map when a clock (tests, replays) is set before it.
func (r *Resolver) currentDay() domain.Date { return max(r.today(), domain.Reform2025) }

// currentScope is what a campaign's scope became on today's map: itself if
// it still exists, else its one successor, else (split) what its parent
// became.
func (r *Resolver) currentScope(ctx context.Context, c *domain.Campaign) (*domain.Unit, error) {
	u, err := r.unitByID(ctx, c.ScopeUnitID)
	for err == nil && !u.ValidOn(r.currentDay()) {
		var ls []domain.Link
		if ls, err = r.loaders(ctx).Successors.Load(ctx, u.ID); err != nil {
			break
		}
		switch {
		case len(ls) == 1:
			u, err = r.unitByID(ctx, ls[0].NewID)
		case u.ParentID != nil:
			u, err = r.unitByID(ctx, *u.ParentID)
		default:
			return u, nil
		}
	}
	return u, err
}

// rankingCurrent answers Query.ranking on map CURRENT (see ReformMap).
func (r *Resolver) rankingCurrent(ctx context.Context, c *domain.Campaign, metric string, day domain.Date, scopeCode *string, level domain.UnitKind, p page) (*RankingConnection, error) {
	if level != domain.KindProvince && level != domain.KindCommune {
		return nil, &domain.Error{Code: domain.EINVALID, Field: "level", Message: "today's map has provinces and communes only (no districts since 01/07/2025); choose PROVINCE or COMMUNE"}
	}
	var scope *domain.Unit
	var err error
	if scopeCode != nil {
		if scope, err = r.DB.UnitByCode(ctx, *scopeCode, r.currentDay()); err != nil {
			return nil, err
		}
	} else if scope, err = r.currentScope(ctx, c); err != nil {
		return nil, err
	}
	units, err := r.DB.CurrentCandidates(ctx, c, metric, scope.ID, level, day, r.currentDay())
	if err != nil {
		return nil, err
	}
	series, err := r.DB.CurrentFigures(ctx, c, metric, units, day-7, day)
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
	for _, row := range db.RankMapped(yesterday) {
		if row.Rank != nil {
			prev[row.UnitID] = *row.Rank
		}
	}
	ranked := db.RankMapped(today)
	all := make([]*domain.RankRow, len(ranked))
	rows := make([]*RankingRow, len(ranked))
	for i, row := range ranked {
		row.RankChange = nil
		if was, ok := prev[row.UnitID]; ok && row.Rank != nil {
			ch := was - *row.Rank
			row.RankChange = &ch
		}
		all[i] = &row.RankRow
		rows[i] = &RankingRow{RankRow: &row.RankRow, Unit: byID[row.UnitID], Incomparable: !row.Comparable, Partial: row.Partial,
			Outcome: outcomeOf(c, row.Day, r.todayIn(c), row.Value, row.Quota), bands: dayBands(c, row.Day)}
	}
	own, err := r.unitByID(ctx, c.ScopeUnitID)
	if err != nil {
		return nil, err
	}
	rules := domain.RulesOn(domain.RulesOf(c), day)
	conn := &RankingConnection{Date: day, BandCounts: bandCounts(rules.Bands, all), Rules: rules, Map: ReformMapCurrent, Scope: scope, CampaignScope: own}
	lo, hi := min(p.Offset, len(rows)), min(p.Offset+p.Limit, len(rows))
	conn.Edges, conn.PageInfo, conn.TotalCount = connection(p, rows[lo:hi], len(rows), func(cur string, row *RankingRow) *RankingEdge { return &RankingEdge{cur, row} })
	return conn, nil
}

// seriesCurrent is a unit of today's map's series on map CURRENT, lo..hi.
func (r *Resolver) seriesCurrent(ctx context.Context, c *domain.Campaign, u *domain.Unit, metric string, lo, hi domain.Date) ([]*domain.MappedPoint, error) {
	series, err := r.DB.CurrentFigures(ctx, c, metric, []*domain.Unit{u}, lo-7, hi)
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

// scopeName is a campaign's scope as a reader reads it on a map: on today's
// map, a scope that no longer exists says what it became.
func (r *Resolver) scopeName(ctx context.Context, conn *RankingConnection, lang *Lang) (string, error) {
	own := conn.CampaignScope
	en := lang != nil && *lang == LangEn
	name := func(u *domain.Unit) string {
		if en {
			if u.Kind == domain.KindProvince {
				return u.NameEN + " Province"
			}
			return u.NameEN
		}
		return lowerKind(u.FullName)
	}
	if conn.Map != ReformMapCurrent || own.ValidOn(r.currentDay()) {
		if en {
			return name(own), nil
		}
		return own.FullName, nil
	}
	ls, err := r.loaders(ctx).Successors.Load(ctx, own.ID)
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(ls))
	for _, l := range ls {
		u, err := r.unitByID(ctx, l.NewID)
		if err != nil {
			return "", err
		}
		names = append(names, name(u))
	}
	if en {
		return name(own) + " (former), now part of " + strings.Join(names, ", "), nil
	}
	return name(own) + " (cũ), nay thuộc " + strings.Join(names, ", "), nil
}

// lowerKind writes a full name's kind word in lower case, as inside a
// sentence: Tỉnh Bến Tre → tỉnh Bến Tre.
func lowerKind(full string) string {
	for _, k := range []string{"Tỉnh", "Thành phố", "Huyện", "Quận", "Thị xã", "Thị trấn", "Xã", "Phường", "Đặc khu"} {
		if strings.HasPrefix(full, k+" ") {
			r, n := utf8.DecodeRuneInString(full)
			return string(unicode.ToLower(r)) + full[n:]
		}
	}
	return full
}

// seriesPage is a page of seriesCurrent as stored points, with the mapped
// point each came from.
func (r *Resolver) seriesPage(ctx context.Context, c *domain.Campaign, u *domain.Unit, metric string, lo, hi domain.Date, p page) ([]*domain.Point, map[*domain.Point]*domain.MappedPoint, int, error) {
	all, err := r.seriesCurrent(ctx, c, u, metric, lo, hi)
	if err != nil {
		return nil, nil, 0, err
	}
	from, to := min(p.Offset, len(all)), min(p.Offset+p.Limit, len(all))
	pts := make([]*domain.Point, 0, to-from)
	marks := make(map[*domain.Point]*domain.MappedPoint, to-from)
	for _, mp := range all[from:to] {
		pts = append(pts, &mp.Point)
		marks[&mp.Point] = mp
	}
	return pts, marks, len(all), nil
}
