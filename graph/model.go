package graph

import (
	"github.com/tiendo-vn/tiendo/domain"
)

// ProgressPoint is one day of a unit's progress on one metric.
type ProgressPoint struct {
	Date      domain.Date
	Figure    *int64
	Quota     *int64
	Rate      *float64
	Source    domain.Source
	StaleDays int
	Delta     *int64

	Band                *string
	Pace7d              *float64
	RequiredPace        *float64
	ProjectedCompletion *domain.Date
	AtRisk              bool
	Coverage            *Coverage
	RevisionCount       int
	RulesVersion        int
	// Outcome is set for the last day of an ended campaign (engine.Outcome);
	// AtRisk is then false.
	Outcome *domain.CampaignOutcome

	bands []domain.Band // the campaign's, for RateText

	// What the revisions field needs to load the report's revisions.
	campaign *domain.Campaign
	unitID   int64
	metric   string
	// Incomparable and Partial are set on map CURRENT (see domain.MappedPoint).
	Incomparable bool
	Partial      []domain.Link
}

// Comparable is false when the day cannot be summed from predecessors.
func (p *ProgressPoint) Comparable() bool { return !p.Incomparable }

// PartialPredecessors are the links that prevent the sum.
func (p *ProgressPoint) PartialPredecessors() []*UnitLink { return linksFrom(p.Partial, false) }

// Corrected says whether the unit's own report for the day was corrected.
func (p *ProgressPoint) Corrected() bool { return p.RevisionCount > 1 }

// The formatted fields are methods rather than resolvers: they need no
// context, so gqlgen marshals them in line instead of in a goroutine each.

// FigureText is the figure formatted for a reader.
func (p *ProgressPoint) FigureText(lang *Lang) *string { return countText(p.Figure, lang) }

// QuotaText is the quota formatted for a reader.
func (p *ProgressPoint) QuotaText(lang *Lang) *string { return countText(p.Quota, lang) }

// RateText is the rate formatted for a reader.
func (p *ProgressPoint) RateText(lang *Lang) *string {
	return rateText(p.Figure, p.Quota, p.bands, lang)
}

// RankingRow is a ranking row as the application answers it (its unit
// already resolved), with the API's formatted fields.
type RankingRow struct {
	*domain.RankedRow
}

// AtRisk is the stored flag until the day's outcome is known, then false
// (the stored row is shared by every request, so it is not changed).
func (r *RankingRow) AtRisk() bool { return r.RankRow.AtRisk && r.Outcome == nil }

// Comparable is false when the row cannot be summed from predecessors.
func (r *RankingRow) Comparable() bool { return !r.Incomparable }

// PartialPredecessors are the links that prevent the sum.
func (r *RankingRow) PartialPredecessors() []*UnitLink { return linksFrom(r.Partial, false) }

// Coverage counts the row's reporting descendants by how they reported.
func (r *RankingRow) Coverage() *Coverage {
	return &Coverage{OnTime: r.OnTime, Late: r.Late, Missing: r.Missing, Total: r.OnTime + r.Late + r.Missing}
}

// FigureText is the figure formatted for a reader.
func (r *RankingRow) FigureText(lang *Lang) *string { return countText(r.Value, lang) }

// QuotaText is the quota formatted for a reader.
func (r *RankingRow) QuotaText(lang *Lang) *string { return countText(r.Quota, lang) }

// RateText is the rate formatted for a reader.
func (r *RankingRow) RateText(lang *Lang) *string { return rateText(r.Value, r.Quota, r.Bands, lang) }

// ProgressColumns is a page of a series as parallel arrays.
type ProgressColumns struct {
	Dates   []domain.Date
	Figures []*int64
	Quotas  []*int64
	Rates   []*float64
	Sources []domain.Source
	Deltas  []*int64
}

// UnitLink is a link of the 2025 reform seen from one end: Far is the unit
// at the other end.
type UnitLink struct {
	Far    int64
	Kind   domain.LinkKind
	Source string
}

// linksFrom turns stored links into UnitLinks seen from their new end
// (successors false) or their old end.
func linksFrom(ls []domain.Link, successors bool) []*UnitLink {
	out := make([]*UnitLink, len(ls))
	for i, l := range ls {
		far := l.OldID
		if successors {
			far = l.NewID
		}
		out[i] = &UnitLink{Far: far, Kind: l.Kind, Source: l.Source}
	}
	return out
}
