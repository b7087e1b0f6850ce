package graph

import (
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/milestone"
)

// MilestoneRanking is a milestone's frozen ranking for one metric, level
// and scope, beside the current figures.
type MilestoneRanking struct {
	Campaign            *domain.Campaign
	Milestone           *domain.Milestone
	Metric              *domain.Metric
	Level               domain.UnitKind
	Scope               *domain.Unit
	Frozen              bool
	FreezesAt           time.Time
	FrozenAt            *time.Time
	Sha256              *string
	RulesVersion        *domain.RulesVersion
	CurrentRulesVersion *domain.RulesVersion
	ChangedCount        int
	TotalCount          int
	Edges               []*MilestoneRankingEdge
	PageInfo            *PageInfo
	CsvURL              *string
	JSONURL             *string
}

// MilestoneRankingRow is a frozen row with what the current figures give.
type MilestoneRankingRow struct {
	milestone.Row
	UnitRef        *domain.Unit
	Current        *MilestoneCurrentRow
	Changes        []MilestoneChange
	CorrectionsURL *string

	bands []domain.Band // the frozen record's, for RateText
}

// FigureText is the frozen figure formatted for a reader.
func (r *MilestoneRankingRow) FigureText(lang *Lang) *string { return countText(r.Figure, lang) }

// QuotaText is the frozen quota formatted for a reader.
func (r *MilestoneRankingRow) QuotaText(lang *Lang) *string { return countText(r.Quota, lang) }

// RateText is the frozen rate formatted for a reader.
func (r *MilestoneRankingRow) RateText(lang *Lang) *string {
	return rateText(r.Figure, r.Quota, r.bands, lang)
}

// MilestoneCurrentRow is a unit's standing by the current figures.
type MilestoneCurrentRow struct {
	milestone.Current
	bands []domain.Band // the day's rules version's, for RateText
}

// FigureText is the current figure formatted for a reader.
func (r *MilestoneCurrentRow) FigureText(lang *Lang) *string { return countText(r.Figure, lang) }

// RateText is the current rate formatted for a reader.
func (r *MilestoneCurrentRow) RateText(lang *Lang) *string {
	return rateText(r.Figure, r.Quota, r.bands, lang)
}

// RulesVersion is the campaign's rules version a bulletin was computed
// with (nil for editions published before rules were versioned).
func (b *Bulletin) RulesVersion() *int {
	if b.Content.RulesVersion == 0 {
		return nil
	}
	v := b.Content.RulesVersion
	return &v
}
