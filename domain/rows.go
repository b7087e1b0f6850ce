package domain

import "time"

// The row types below are the contract's CSV shapes, keyed by codes rather
// than IDs. The importer, the demo dataset and the downloads all speak them.

// UnitRow is a line of units.csv: code,name,kind,parent_code, with the
// optional columns full_name,name_en,valid_from,valid_to. The parent is the
// unit with ParentCode that is valid on the row's first valid day.
type UnitRow struct {
	Code       string
	Name       string
	Kind       UnitKind
	ParentCode string // "" for the root
	FullName   string
	NameEN     string
	ValidFrom  *Date // nil: always existed
	ValidTo    *Date // nil: still exists (inclusive last day otherwise)
}

// QuotaRow is a line of quotas.csv:
// campaign,unit_code,metric,target,effective_from,reason (and optional reference).
type QuotaRow struct {
	Campaign      string // campaign slug
	UnitCode      string
	Metric        string
	Target        int64
	EffectiveFrom Date
	Reason        string
	Reference     string
}

// ReportRow is a line of reports.csv: unit_code,metric,date,value with the
// optional reported_at,note. A zero ReportedAt means "now" on import.
type ReportRow struct {
	UnitCode   string
	Metric     string
	Date       Date
	Value      int64
	ReportedAt time.Time
	Note       string
}

// CampaignDef is a campaign as written in a dataset: a Campaign whose scope
// is named by code (resolved on the campaign's first day).
type CampaignDef struct {
	Campaign
	ScopeCode string
}
