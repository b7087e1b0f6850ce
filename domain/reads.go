package domain

import (
	"encoding/json"
	"time"
)

// Point is one stored figure as the API reads it.
type Point struct {
	Day          Date
	UnitID       int64
	Kind         UnitKind
	Value        *int64
	Source       Source
	StaleDays    int
	Quota        *int64
	QuotaOwn     bool
	Rate         *float64
	Delta        *int64
	Delta7       *int64
	Pace7d       *float64
	RequiredPace *float64
	Projected    *Date
	AtRisk       bool
	Band         *string
	Rank         *int
	RankChange   *int
	OnTime       int
	Late         int
	Missing      int
	RulesVersion int // the campaign's rules version the band was given by
	// Revisions of the unit's own report for the day, as of the refresh
	// that stored the figure (read for series only).
	Revisions int
}

// RankingFilter selects one ranking: units of one kind inside one scope, for
// one campaign, metric and day.
type RankingFilter struct {
	Campaign *Campaign
	Metric   string
	Day      Date
	ScopeID  int64
	Kind     UnitKind
	Offset   int
	Limit    int
}

// RankRow is a ranking row: a stored figure with the unit's code.
type RankRow struct {
	Point
	Code     string
	ParentID *int64
}

// FiguresState is how far a campaign's stored figures go (nil: none yet),
// and a token that changes whenever they are rewritten (for caches).
type FiguresState struct {
	ComputedTo *Date
	Version    string
}

// UnitFilter selects units for FindUnits.
type UnitFilter struct {
	AsOf       Date      // the day the tree is read on
	ParentCode *string   // children of the unit with this code on AsOf
	ParentID   *int64    // children of this unit
	Kind       *UnitKind // only this kind
	Search     string    // accent- and case-insensitive part of the name
	Offset     int
	Limit      int
}

// QuotaFilter selects quota revisions.
type QuotaFilter struct {
	CampaignID int64
	Metric     string // "" for all
	UnitID     *int64
	Offset     int
	Limit      int
}

// CorrectionFilter selects a page of corrections: the revisions that
// replaced an earlier one or were sent as corrections, of a campaign's
// metrics, for units in its scope (or ScopeID's subtree), for days From to To
// within the campaign. Without a campaign, every campaign's, each correction
// once per campaign it belongs to.
type CorrectionFilter struct {
	Campaign *Campaign // nil: every campaign
	ScopeID  *int64    // nil: the campaign's scope
	Metric   string    // "": every metric of the campaign
	From, To Date
	Offset   int
	Limit    int
}

// Correction is a revision in a campaign's corrections log.
type Correction struct {
	Revision
	CampaignID int64
	// BulletinRevised: an edition of the campaign's bulletin for the day
	// was published before this revision was recorded and a later revision
	// of it after.
	BulletinRevised bool
}

// Revision is one stored revision of a unit's report for a metric and day,
// as the public corrections log shows it: never the token's name (the
// actor), only how it came in and which unit's token sent it.
type Revision struct {
	ID       int64
	UnitID   int64
	Metric   string
	Day      Date
	Revision int
	Value    int64
	// Previous is the value of the revision before (nil for the first).
	Previous *int64
	// ReportedAt is when the report says it was sent (an import's
	// reported_at column; the time of receipt for the API); RecordedAt is
	// when this service stored it.
	ReportedAt time.Time
	RecordedAt time.Time
	Note       string
	// Correction: sent as a correction (correctReport, or a changed value).
	Correction bool
	// Via is "API" or "IMPORT"; nil for revisions stored before it was kept.
	Via *string
	// SubmitterRole is the sending token's role ("reporter", "admin"), nil
	// when unknown; SubmitterUnitID its unit, nil when it has none.
	SubmitterRole   *string
	SubmitterUnitID *int64
}

// RevisionKey names one report: a unit, a metric and a day.
type RevisionKey struct {
	UnitID int64
	Metric string
	Day    Date
}

// Link is a stored link of the reform with the ids of both ends.
type Link struct {
	OldID, NewID int64
	Kind         LinkKind
	Source       string
}

// MappedPoint is a unit of today's map on one day of a campaign: its own
// stored figure when it has one (it existed and was in the campaign that
// day), else the sum over its predecessors of the reform when every one of
// them went whole into it and has a figure that day (Comparable), else no
// figure and the links that prevent the sum (Partial: split predecessors,
// and whole ones without a figure in the campaign that day).
type MappedPoint struct {
	RankRow
	Comparable bool
	Partial    []Link
}

// Links are the links that make the point not comparable (nil-safe).
func (mp *MappedPoint) Links() []Link {
	if mp == nil {
		return nil
	}
	return mp.Partial
}

// AuditRecord is one write as the audit log recorded it.
type AuditRecord struct {
	ID        int64
	At        time.Time
	Actor     string
	TokenID   *int64
	Action    string // create, update, submit, correct, set, revoke, import…
	Entity    string // reports, quotas, campaign, units, token…
	EntityKey string
	Before    json.RawMessage // nil when there was nothing before
	After     json.RawMessage
	RequestID string
}

// RankedRow is a ranking row as the application answers it: the stored
// row, its unit, the day's outcome and bands, and on today's map whether
// it could be summed from predecessors.
type RankedRow struct {
	*RankRow
	Unit *Unit
	// Outcome is set for the last day of an ended campaign (engine.Outcome).
	Outcome *CampaignOutcome
	// Bands are those of the campaign's rules version of the row's day.
	Bands []Band
	// Incomparable and Partial are set on map CURRENT (see MappedPoint).
	Incomparable bool
	Partial      []Link
}
