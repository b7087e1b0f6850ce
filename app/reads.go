package app

import (
	"context"
	"unicode/utf8"

	"github.com/tiendo-vn/tiendo/domain"
)

// QuotaQuery asks for a page of a campaign's quotas.
type QuotaQuery struct {
	Campaign *domain.Campaign
	Metric   string  // "": every metric
	UnitCode *string // nil: every unit (required by QuotaHistory)
	// AsOf is the day read (nil: today, inside the campaign).
	AsOf          *domain.Date
	Offset, Limit int
}

// QuotasInForce returns a page of the quota revisions in force on q.AsOf
// (nil: today, or the campaign's last day once it ended) and the total.
// ENOTFOUND for an unknown unit.
func (a *App) QuotasInForce(ctx context.Context, q QuotaQuery) ([]*domain.QuotaRevision, int, error) {
	c := q.Campaign
	f := domain.QuotaFilter{CampaignID: c.ID, Metric: q.Metric, Offset: q.Offset, Limit: q.Limit}
	day := min(c.End, a.Today())
	if q.AsOf != nil {
		day = *q.AsOf
	}
	if q.UnitCode != nil {
		u, err := a.Store.UnitByCode(ctx, *q.UnitCode, max(min(day, c.End), c.Start))
		if err != nil {
			return nil, 0, err
		}
		f.UnitID = &u.ID
	}
	return a.Store.QuotasInForce(ctx, f, day)
}

// QuotaHistory returns a page of one unit's quota revisions (the unit
// valid on q.AsOf, nil: today inside the campaign), oldest first, and the
// total. ENOTFOUND for an unknown unit.
func (a *App) QuotaHistory(ctx context.Context, q QuotaQuery) ([]*domain.QuotaRevision, int, error) {
	c := q.Campaign
	on := max(min(a.Today(), c.End), c.Start)
	if q.AsOf != nil {
		on = *q.AsOf
	}
	u, err := a.Store.UnitByCode(ctx, deref(q.UnitCode), on)
	if err != nil {
		return nil, 0, err
	}
	return a.Store.QuotaHistory(ctx, domain.QuotaFilter{CampaignID: c.ID, Metric: q.Metric, UnitID: &u.ID, Offset: q.Offset, Limit: q.Limit})
}

// MaxSearch is the longest search of units' names, in characters.
const MaxSearch = 100

// UnitQuery asks for a page of units.
type UnitQuery struct {
	ParentCode *string
	Kind       *domain.UnitKind
	Search     string
	AsOf       *domain.Date // nil: today
	Offset     int
	Limit      int
}

// Units returns a page of units valid on q.AsOf and the total, and the
// former units (ended, with successors) whose name matches q.Search.
// ENOTFOUND for an unknown parent code.
func (a *App) Units(ctx context.Context, q UnitQuery) (units []*domain.Unit, total int, former []*domain.Unit, err error) {
	// The longest unit's name with its kind is under 60 characters. The
	// length in bytes is looked at first: a search comes in a variable, which
	// the document limits do not bound, and every alias of the field asks.
	if len(q.Search) > 4*MaxSearch || utf8.RuneCountInString(q.Search) > MaxSearch {
		return nil, 0, nil, domain.FieldErrorf(domain.EINVALID, "search", "search is longer than %d characters, longer than any unit's name", MaxSearch)
	}
	f := domain.UnitFilter{AsOf: a.Today(), ParentCode: q.ParentCode, Kind: q.Kind, Search: q.Search, Offset: q.Offset, Limit: q.Limit}
	if q.AsOf != nil {
		f.AsOf = *q.AsOf
	}
	if units, total, err = a.Store.FindUnits(ctx, f); err != nil {
		return nil, 0, nil, err
	}
	former, err = a.Store.FormerUnits(ctx, f.Search, f.AsOf, 10)
	return units, total, former, err
}

// Children returns a page of a unit's children valid on asOf (nil: today,
// or the unit's last day if it ended) and the total.
func (a *App) Children(ctx context.Context, u *domain.Unit, kind *domain.UnitKind, asOf *domain.Date, offset, limit int) ([]*domain.Unit, int, error) {
	day := a.Today()
	if u.ValidTo != nil && *u.ValidTo < day {
		day = *u.ValidTo
	}
	if asOf != nil {
		day = *asOf
	}
	return a.Store.FindUnits(ctx, domain.UnitFilter{AsOf: day, ParentID: &u.ID, Kind: kind, Offset: offset, Limit: limit})
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
