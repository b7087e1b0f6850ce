package domain

import (
	"sync"
	"time"
)

// Unit is a node of the administrative tree: the nation, a province, a
// district, a commune, a village, or an agency hanging under one of them.
// Codes are reused across the 2025 reform, so a unit is a code within a
// validity period; ID is the stable identity.
type Unit struct {
	ID       int64
	Code     string   // official GSO code (province 2 digits, district 3, commune 5), "VN" for the nation
	Name     string   // short name: "Ba Tri"
	FullName string   // with its kind word: "Huyện Ba Tri"
	NameEN   string   // "Ba Tri"
	Kind     UnitKind //
	ParentID *int64   // nil for the root
	// ValidFrom is the first day the unit exists (nil: always has).
	ValidFrom *Date
	// ValidTo is the last day the unit exists (nil: still exists).
	ValidTo *Date
}

// ValidOn reports whether the unit exists on day d.
func (u *Unit) ValidOn(d Date) bool {
	return (u.ValidFrom == nil || *u.ValidFrom <= d) && (u.ValidTo == nil || d <= *u.ValidTo)
}

// Metric is what is counted. Metrics are data: the keys are stable and
// lowercase (collected, issued, activated, activated_l2, cccd_issued).
type Metric struct {
	ID       int32
	Key      string
	NameVI   string // "Thu nhận hồ sơ"
	NameEN   string // "Applications collected"
	VerbVI   string // as a bulletin writes it: "thu nhận"
	VerbEN   string // "collected"
	NounVI   string // what is counted: "tài khoản ĐDĐT"
	NounEN   string // "e-ID accounts"
	Position int32
}

// Band is a ranking band of a campaign: units whose rate is at least Min
// (and below the next band up) are in it.
type Band struct {
	Key     string  // HOAN_THANH, KHA, TRUNG_BINH, CHAM
	Min     float64 // lowest rate in the band, 1.0 = 100%
	LabelVI string  // "Hoàn thành"
	LabelEN string  // "Completed"
}

// DefaultBands are the bands of rule 4: HOÀN THÀNH ≥ 100%, KHÁ ≥ 70%,
// TRUNG BÌNH ≥ 40%, CHẬM below. Highest first.
func DefaultBands() []Band {
	return []Band{
		{Key: "HOAN_THANH", Min: 1.0, LabelVI: "Hoàn thành", LabelEN: "Completed"},
		{Key: "KHA", Min: 0.7, LabelVI: "Khá", LabelEN: "Good"},
		{Key: "TRUNG_BINH", Min: 0.4, LabelVI: "Trung bình", LabelEN: "Average"},
		{Key: "CHAM", Min: 0, LabelVI: "Chậm", LabelEN: "Slow"},
	}
}

// Milestone is a dated checkpoint of a campaign.
type Milestone struct {
	Date    Date
	LabelVI string
	LabelEN string
}

// Campaign is a time-boxed drive over a scope unit's subtree.
type Campaign struct {
	ID          int64
	Slug        string
	Name        string // Vietnamese name, as the plan calls it
	NameEN      string
	LegalRef    string // "Kế hoạch số 260/KH-UBND ngày 15/11/2023 của UBND thành phố Kon Tum"
	ScopeUnitID int64
	Start       Date // first day (inclusive)
	End         Date // last day (inclusive)
	// DeadlineMinutes is the time of day the report for day D is due, in
	// minutes after midnight of D+DeadlineDays (07:30 → 450).
	DeadlineMinutes int32
	DeadlineDays    int32
	TimeZone        string // IANA zone, "Asia/Ho_Chi_Minh"
	Bands           []Band // highest first: those of the latest rules version
	// Rules are the versions of its ranking rules, oldest first; the
	// figures of a day are banded by the version in force that day.
	Rules      []RulesVersion
	MetricKeys []string
	Milestones []Milestone
	CreatedAt  time.Time
}

// DefaultTimeZone is the time zone of Vietnam.
const DefaultTimeZone = "Asia/Ho_Chi_Minh"

// zones caches loaded time zones by name: time.LoadLocation reads and parses
// the zone file on every call, and a *time.Location never changes.
var zones sync.Map // string → *time.Location

// Location returns the campaign's time zone (Vietnam's when its name is
// unknown).
func (c *Campaign) Location() *time.Location {
	if loc, ok := zones.Load(c.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	zones.Store(c.TimeZone, loc)
	return loc
}

// Deadline returns the instant the report for day d is due: the campaign's
// time of day on the wall clock of its zone, DeadlineDays after d ("07:30 on
// D+1"). It stays 07:30 on a day a zone with summer time changes its clocks
// before 07:30. This is the one definition the engine and the publisher use.
func (c *Campaign) Deadline(d Date) time.Time {
	y, m, dd := d.UTC().Date()
	mins := int(c.DeadlineMinutes)
	return time.Date(y, m, dd+int(c.DeadlineDays), mins/60, mins%60, 0, 0, c.Location())
}

// BandFor returns the band of a rate; bands must be sorted highest first.
func BandFor(bands []Band, rate float64) Band {
	for _, b := range bands {
		if rate >= b.Min {
			return b
		}
	}
	if len(bands) == 0 {
		return Band{}
	}
	return bands[len(bands)-1]
}

// QuotaRevision is one revision of a target (chỉ tiêu) for a campaign, unit
// and metric, in force from EffectiveFrom until a later revision.
type QuotaRevision struct {
	ID            int64
	CampaignID    int64
	UnitID        int64
	MetricKey     string
	Target        int64
	EffectiveFrom Date
	Reason        string
	Reference     string
	CreatedAt     time.Time
	CreatedBy     string
}

// ReportRevision is one revision of a unit's cumulative figure for one metric
// as of one day. Revisions are append-only: the highest Revision counts.
type ReportRevision struct {
	ID         int64
	UnitID     int64
	MetricKey  string
	Day        Date
	Value      int64
	Revision   int32
	ReportedAt time.Time // when the unit says it reported (judged against the deadline)
	ReceivedAt time.Time // when this service stored it
	Actor      string    // who wrote it (token name, "import", "demo")
	Note       string
	Correction bool // a correction (carries a reason in Note)
}
