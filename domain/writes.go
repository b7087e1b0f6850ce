package domain

import (
	"fmt"
	"strings"
	"time"
)

// MaxBatch is the most reports one submitReports call may carry.
const MaxBatch = 1000

// WriteOptions tune the checks of a write.
type WriteOptions struct {
	// Now is the current time (zero: time.Now()); "today" and "in the
	// future" are judged in the campaign's time zone.
	Now time.Time
	// QuotaFactor: a figure above its unit's quota in force times this
	// factor is rejected as a likely typing error unless the item confirms
	// it (then it is stored flagged). 0 means DefaultQuotaFactor; a
	// negative factor turns the check off.
	QuotaFactor float64
	// Due, when set, is called after the commit once for each campaign
	// whose stored figures the write left behind, with the first day they
	// no longer reflect. The write noted it durably in its own transaction
	// (the figures worker refreshes whatever nobody does); the store never
	// recomputes figures itself: the caller (package app) does, coalescing
	// the writes of a busy morning.
	Due func(campaignID int64, from Date)
	// ConfirmAboveQuota, for imports (a file has no per-row confirmation):
	// store figures above the factor flagged for review instead of refusing
	// the file.
	ConfirmAboveQuota bool
}

// Clock is the time of the write: Now, or time.Now() when Now is zero.
func (o WriteOptions) Clock() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// Factor is the quota factor in force: QuotaFactor, or DefaultQuotaFactor when it is 0.
func (o WriteOptions) Factor() float64 {
	if o.QuotaFactor == 0 {
		return DefaultQuotaFactor
	}
	return o.QuotaFactor
}

// ReportItem is one figure of a batch.
type ReportItem struct {
	UnitCode string `json:"unitCode"`
	Metric   string `json:"metric"`
	Date     Date   `json:"date"`
	Value    int64  `json:"value"`
	Note     string `json:"note,omitempty"`
	// ConfirmAboveQuota stores a figure above quota × factor anyway, flagged.
	ConfirmAboveQuota bool `json:"confirmAboveQuota,omitempty"`
}

// SubmitRequest is a submitReports batch.
type SubmitRequest struct {
	Campaign  string       `json:"campaign"`
	ClientKey string       `json:"clientKey"`
	Reports   []ReportItem `json:"reports"`
}

// CorrectRequest is a correctReport call.
type CorrectRequest struct {
	Campaign string
	ReportItem
	Reason    string
	ClientKey string // optional
}

// Report outcome statuses.
const (
	StatusWritten   = "WRITTEN"   // a new revision was stored
	StatusUnchanged = "UNCHANGED" // equal to the latest stored revision; nothing stored
)

// ReportItemOutcome is what became of one item.
type ReportItemOutcome struct {
	Index    int    `json:"index"`
	UnitCode string `json:"unitCode"`
	Metric   string `json:"metric"`
	Date     Date   `json:"date"`
	Value    int64  `json:"value"`
	Status   string `json:"status"`
	Revision int32  `json:"revision"` // the revision now latest
	Previous *int64 `json:"previous"` // the figure it replaced, if any
	Flagged  bool   `json:"flagged"`
}

// ReportResult is the result of a report write, as stored for replays.
type ReportResult struct {
	Campaign   string              `json:"campaign"`
	ClientKey  string              `json:"clientKey,omitempty"`
	Written    int                 `json:"written"`
	Unchanged  int                 `json:"unchanged"`
	Items      []ReportItemOutcome `json:"items"`
	ReceivedAt time.Time           `json:"receivedAt"`
	// Replayed is true when the result is that of an earlier request with
	// the same client key (nothing was written this time).
	Replayed bool `json:"-"`
}

// QuotaChange is one quota change of a SetQuotas call.
type QuotaChange struct {
	UnitCode      string
	Metric        string
	Target        int64
	EffectiveFrom *Date  // nil: the campaign's first day
	Reason        string // "": the request's
	Reference     string // "": the request's
}

// SetQuotasRequest revises quotas of one campaign.
type SetQuotasRequest struct {
	Campaign  string
	Reason    string // the default reason of every item
	Reference string // the default reference of every item
	Quotas    []QuotaChange
}

// QuotaChangeOutcome is what became of one quota change.
type QuotaChangeOutcome struct {
	Index         int
	UnitCode      string
	Metric        string
	Target        int64
	EffectiveFrom Date
	Reason        string
	Status        string // StatusWritten or StatusUnchanged
	RevisionID    int64  // the new revision (0 when unchanged)
	Previous      *int64 // the target in force on EffectiveFrom before
}

// QuotaResult is the result of a quota write.
type QuotaResult struct {
	Campaign  string
	Written   int
	Unchanged int
	Items     []QuotaChangeOutcome
}

// Target rules of SetTargetsFromRule.
const (
	// RuleBoost: figure on the base day plus a share of the quota, larger
	// for units under a threshold (seed 002: under 50% add 15%, else 10%).
	RuleBoost = "BOOST"
	// RuleFollow: the target is another metric's figure on the base day
	// (seed 002: 100% of issued accounts activated).
	RuleFollow = "FOLLOW"
)

// TargetRuleRequest sets a campaign's targets by a rule over figures.
type TargetRuleRequest struct {
	Campaign     string   // the campaign whose targets are set
	Metric       string   // the metric the targets are for
	Rule         string   // RuleBoost or RuleFollow
	Level        UnitKind // the units that get targets
	ScopeCode    string   // "": the campaign's scope
	BaseCampaign string   // whose figures and quotas the rule reads ("": Campaign)
	BaseMetric   string   // the metric read ("": Metric for RuleBoost; required for RuleFollow)
	AsOf         *Date    // the day read (nil: Campaign's first day)
	// RuleBoost's parameters in percent (0: seed 002's 50, 15 and 10).
	ThresholdPercent, BelowPercent, AtOrAbovePercent int64
	EffectiveFrom                                    *Date  // nil: Campaign's first day
	Reason                                           string // prefixed to each derived reason
	Reference                                        string
}

// TargetsResult is SetTargetsFromRule's result: the quota write and the
// units that got no target (no figure, or no quota for RuleBoost).
type TargetsResult struct {
	QuotaResult
	Skipped []string
}

// CampaignPatch changes some settings of a campaign; nil fields stay. Lists
// (metrics, bands, milestones) are replaced whole.
type CampaignPatch struct {
	Name            *string
	NameEN          *string
	LegalRef        *string
	Start           *Date
	End             *Date
	DeadlineMinutes *int32
	DeadlineDays    *int32
	TimeZone        *string
	MetricKeys      []string // nil: unchanged
	Bands           []Band
	// BandsFrom is the first day new Bands apply to (nil: today in the
	// campaign's time zone, or its first day if later): a new rules
	// version from that day, the days before keeping theirs.
	BandsFrom  *Date
	Milestones *[]Milestone
}

// Unit outcome statuses (with StatusUnchanged).
const (
	StatusCreated = "CREATED"
	StatusUpdated = "UPDATED"
)

// UnitWriteOutcome is what became of one unit of an UpsertUnits call.
type UnitWriteOutcome struct {
	Index  int
	Code   string
	ID     int64
	Status string // StatusCreated, StatusUpdated or StatusUnchanged
}

// ImportResult says what an import wrote.
type ImportResult struct {
	Read     int // data rows read
	Inserted int // rows written
	Skipped  int // rows identical to what was already stored
	// FirstDay and LastDay bound the days of a reports import (nil otherwise).
	FirstDay, LastDay *time.Time
}

// ImportErrors is every problem found in a file; nothing of it was written.
type ImportErrors []error

func (e ImportErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	s := strings.Join(msgs, "\n")
	if len(e) >= MaxImportErrors {
		s += fmt.Sprintf("\n(stopped after %d problems)", MaxImportErrors)
	}
	return s
}

// Unwrap lets errors.As find the first *Error (its code is BAD_INPUT).
func (e ImportErrors) Unwrap() []error { return e }

// DefaultQuotaFactor is how many times its quota a unit's figure may be
// before it is taken for a typing error (see WriteOptions.QuotaFactor).
const DefaultQuotaFactor = 3.0

// MaxImportErrors is how many problems an import lists before it stops looking.
const MaxImportErrors = 20
