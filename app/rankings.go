package app

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// RankingQuery asks for one page of a ranking.
type RankingQuery struct {
	Campaign  string       // the campaign's slug
	Metric    string       // one of the campaign's metrics
	Date      *domain.Date // nil: today, inside the campaign
	ScopeCode *string      // nil: the campaign's scope
	Level     domain.UnitKind
	// Current reads the ranking on today's map (the 2025 reform's units).
	Current       bool
	Offset, Limit int
}

// Ranking is a page of a ranking and what a reader needs around it.
type Ranking struct {
	Campaign *domain.Campaign
	Day      domain.Date
	// Rules is the rules version in force on Day; BandCounts counts the
	// whole ranking's rows per band of it, then the rows without a band.
	Rules      *domain.RulesVersion
	BandCounts []BandCount
	// Scope is the unit whose subtree is ranked; CampaignScope the
	// campaign's own.
	Scope, CampaignScope *domain.Unit
	Current              bool
	Rows                 []*domain.RankedRow
	Total                int
}

// BandCount is how many rows of a whole ranking are in a band (nil: the
// rows without a rate).
type BandCount struct {
	Band  *domain.Band
	Count int
}

// Ranking answers a page of a ranking from the figures stored (a read never
// writes: the writes and the figures worker keep them current). EINVALID
// for a metric the campaign does not track, the NATION level, a level not
// below the scope, a day outside the campaign or a scope outside it;
// ENOTFOUND for an unknown campaign or scope.
func (a *App) Ranking(ctx context.Context, q RankingQuery) (*Ranking, error) {
	c, figures, err := a.Store.CampaignFigures(ctx, q.Campaign)
	if err != nil {
		return nil, err
	}
	if err := tracks(c, q.Metric); err != nil {
		return nil, err
	}
	if q.Level == domain.KindNation {
		return nil, domain.Errorf(domain.EINVALID, "there is only one nation to rank; choose PROVINCE, DISTRICT or COMMUNE")
	}
	day := max(min(a.TodayIn(c), c.End), c.Start)
	if q.Date != nil {
		if *q.Date < c.Start || *q.Date > c.End {
			return nil, domain.Errorf(domain.EINVALID, "%s is outside the campaign (%s to %s)", *q.Date, c.Start, c.End)
		}
		day = *q.Date
	}
	if q.Current {
		return a.rankingCurrent(ctx, c, q, day)
	}
	own, err := a.UnitByID(ctx, c.ScopeUnitID)
	if err != nil {
		return nil, err
	}
	scope := own
	if q.ScopeCode != nil {
		if scope, err = a.ScopeUnit(ctx, c, *q.ScopeCode, day); err != nil {
			return nil, err
		}
	}
	if err := LevelBelow(q.Level, scope); err != nil {
		return nil, err
	}
	f := domain.RankingFilter{Campaign: c, Metric: q.Metric, Day: day, ScopeID: scope.ID, Kind: q.Level}
	e, err := a.rankingAll(ctx, figures.Version, f)
	if err != nil {
		return nil, err
	}
	all := e.rows
	lo, hi := min(q.Offset, len(all)), min(q.Offset+q.Limit, len(all))
	rows, err := a.rankedRows(ctx, c, all[lo:hi])
	if err != nil {
		return nil, err
	}
	rules := domain.RulesOn(domain.RulesOf(c), day)
	return &Ranking{Campaign: c, Day: day, Rules: rules, BandCounts: e.bands.counts(rules.Bands),
		Scope: scope, CampaignScope: own, Rows: rows, Total: len(all)}, nil
}

// tracks: EINVALID unless c tracks metric.
func tracks(c *domain.Campaign, metric string) error {
	if !slices.Contains(c.MetricKeys, metric) {
		return domain.Errorf(domain.EINVALID, "campaign %s does not track %q (it tracks %s)", c.Slug, metric, strings.Join(c.MetricKeys, ", "))
	}
	return nil
}

// RankingAll returns the whole ranking f selects (its offset and limit
// aside), read once per version of the campaign's figures (version "": not
// cached). Within the campaign's own scope it is the stored ranking;
// inside a smaller scope it is renumbered (rankScope).
func (a *App) RankingAll(ctx context.Context, version string, f domain.RankingFilter) ([]*domain.RankRow, error) {
	e, err := a.rankingAll(ctx, version, f)
	return e.rows, err
}

// rankingAll is RankingAll with the rows counted per band, which the cache
// keeps with them: each page served from a cached ranking had counted its
// rows again (a nation's 10,035 communes: two thirds of the CPU of a
// commune ranking's request with the response cache off).
func (a *App) rankingAll(ctx context.Context, version string, f domain.RankingFilter) (rankEntry, error) {
	k := rankKey{f.Campaign.ID, f.Metric, f.Day, f.Kind, f.ScopeID}
	if e, ok := a.cache.ranking(k, version); ok {
		return e, nil
	}
	var all []*domain.RankRow
	var err error
	if f.ScopeID == f.Campaign.ScopeUnitID {
		f.Offset, f.Limit = 0, math.MaxInt32
		all, _, err = a.Store.Ranking(ctx, f)
	} else {
		all, err = a.rankScope(ctx, f)
	}
	if err != nil {
		return rankEntry{}, err
	}
	e := rankEntry{version: version, rows: all, bands: tallyBands(all)}
	a.cache.putRanking(k, e)
	return e, nil
}

// rankScope renumbers a scope's units in the stored order (ties share a
// rank, through engine.Number), and compares each rank with the previous
// day's inside the same scope.
func (a *App) rankScope(ctx context.Context, f domain.RankingFilter) ([]*domain.RankRow, error) {
	today, err := a.Store.RankingRows(ctx, f, f.Day)
	if err != nil {
		return nil, err
	}
	yesterday, err := a.Store.RankingRows(ctx, f, f.Day-1)
	if err != nil {
		return nil, err
	}
	number(yesterday)
	number(today)
	prev := make(map[int64]int, len(yesterday))
	for _, r := range yesterday {
		if r.Rank != nil {
			prev[r.UnitID] = *r.Rank
		}
	}
	for _, r := range today {
		r.RankChange = nil
		if p, ok := prev[r.UnitID]; ok && r.Rank != nil {
			ch := p - *r.Rank
			r.RankChange = &ch
		}
	}
	return today, nil
}

// number ranks rows (in their order) by engine.Number.
func number(rows []*domain.RankRow) {
	figs := make([]*engine.Figure, len(rows))
	for i, r := range rows {
		figs[i] = FigureOf(r)
	}
	engine.Number(figs)
	for i, r := range rows {
		r.Rank = nil
		if figs[i].Rank > 0 {
			rk := figs[i].Rank
			r.Rank = &rk
		}
	}
}

// FigureOf is a ranking row as the engine numbers it.
func FigureOf(r *domain.RankRow) *engine.Figure {
	f := &engine.Figure{UnitID: r.UnitID, Code: r.Code, Rate: r.Rate}
	if r.Value != nil {
		f.HasValue, f.Value = true, *r.Value
	}
	if r.Quota != nil {
		f.HasQuota, f.Quota = true, *r.Quota
	}
	return f
}

// rankedRows gives stored rows their units (from the process's unit cache,
// one batched load for the rest), outcome and bands.
func (a *App) rankedRows(ctx context.Context, c *domain.Campaign, rows []*domain.RankRow) ([]*domain.RankedRow, error) {
	out := make([]*domain.RankedRow, len(rows))
	var missing []int64
	today := a.TodayIn(c)
	for i, row := range rows {
		out[i] = &domain.RankedRow{RankRow: row, Unit: a.CachedUnit(row.UnitID),
			Outcome: OutcomeOf(c, row.Day, today, row.Value, row.Quota), Bands: DayBands(c, row.Day)}
		if out[i].Unit == nil {
			missing = append(missing, row.UnitID)
		}
	}
	if len(missing) > 0 {
		units, err := a.Store.UnitsByID(ctx, missing)
		if err != nil {
			return nil, err
		}
		a.CacheUnits(units)
		for _, row := range out {
			if row.Unit == nil {
				if row.Unit = a.CachedUnit(row.UnitID); row.Unit == nil {
					return nil, fmt.Errorf("unit %d of a ranking row not found", row.UnitID)
				}
			}
		}
	}
	return out, nil
}

// DayBands are the bands of a campaign's rules version in force on day d.
func DayBands(c *domain.Campaign, d domain.Date) []domain.Band {
	return domain.RulesOn(domain.RulesOf(c), d).Bands
}

// bandCounts counts the rows of a whole ranking per band (those of the
// rules version of its day), highest first, then the rows without a band.
func bandCounts(bands []domain.Band, all []*domain.RankRow) []BandCount {
	return tallyBands(all).counts(bands)
}

// bandTally is a whole ranking's rows counted by band key: what
// bandCounts needs of the rows, kept with a cached ranking.
type bandTally struct {
	byKey  map[string]int
	noBand int
}

func tallyBands(all []*domain.RankRow) bandTally {
	t := bandTally{byKey: map[string]int{}}
	for _, row := range all {
		if row.Band == nil {
			t.noBand++
		} else {
			t.byKey[*row.Band]++
		}
	}
	return t
}

// counts is the tally per band of bands, highest first, then the rows
// without a band or with one bands does not have.
func (t bandTally) counts(bands []domain.Band) []BandCount {
	out := make([]BandCount, len(bands)+1)
	at := make(map[string]int, len(bands))
	for i := range bands {
		out[i] = BandCount{Band: &bands[i]}
		at[bands[i].Key] = i
	}
	out[len(bands)].Count = t.noBand
	for key, n := range t.byKey {
		i, ok := at[key]
		if !ok {
			i = len(bands)
		}
		out[i].Count += n
	}
	return out
}

// OutcomeOf is engine.Outcome as a nullable value.
func OutcomeOf(c *domain.Campaign, day, today domain.Date, value, quota *int64) *domain.CampaignOutcome {
	if o := engine.Outcome(c, day, today, value, quota); o != "" {
		return &o
	}
	return nil
}

// ScopeUnit is the unit of a scopeCode argument on day, which must be the
// campaign's scope or inside it: EINVALID naming scopeCode otherwise,
// ENOTFOUND for an unknown code.
func (a *App) ScopeUnit(ctx context.Context, c *domain.Campaign, code string, day domain.Date) (*domain.Unit, error) {
	su, err := a.Store.UnitByCode(ctx, code, day)
	if err != nil {
		return nil, err
	}
	inside, err := a.Store.IsDescendant(ctx, su.ID, c.ScopeUnitID)
	if err != nil {
		return nil, err
	}
	if !inside {
		return nil, domain.FieldErrorf(domain.EINVALID, "scopeCode", "unit %s is outside the campaign's scope", code)
	}
	return su, nil
}
