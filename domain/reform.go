package domain

// Reform2025 is the first day of the two-level map (34 provinces, 3,321
// communes, no districts): units of the old map are valid until the day
// before, the new ones from it.
var Reform2025 = MustDate("2025-07-01")

// LinkKind says whether an old unit went whole into a new one.
type LinkKind string

// The kinds of link.
const (
	LinkWhole LinkKind = "WHOLE" // the old unit went entirely into the new one
	LinkPart  LinkKind = "PART"  // the old unit was split: only part of it is here
)

// LinkRow is a row of a crosswalk file: old unit → new unit.
type LinkRow struct {
	OldCode, NewCode string
	Kind             LinkKind
	Source           string // the official text
}
