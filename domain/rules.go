package domain

import "time"

// RankingOrder names the order of a ranking: by rate, then figure (both
// descending), then code (rule 4). It is the only order there is so far;
// a rule set names it so that a later change is a new version, not a
// silent re-ranking of the past.
const RankingOrder = "RATE_FIGURE_CODE"

// RulesVersion is one version of a campaign's ranking rules: its band
// thresholds and its ranking order, in force from EffectiveFrom. Versions
// are numbered 1, 2, … per campaign and never change once stored; a change
// of the bands is a new version from a stated day, so the days before keep
// the thresholds they were ranked with.
type RulesVersion struct {
	Version       int
	EffectiveFrom Date
	Bands         []Band // highest first
	Order         string // RankingOrder
	CreatedAt     time.Time
	CreatedBy     string
}

// RulesOn returns the version of rules in force on day d: of the versions
// effective on or before d, the latest (the highest number), so a new
// version from a day replaces every earlier one from that day on; before
// every version's day (a campaign whose start was moved earlier), the
// first. Nil when there are none.
func RulesOn(rules []RulesVersion, d Date) *RulesVersion {
	var in, first *RulesVersion
	for i := range rules {
		r := &rules[i]
		if first == nil || r.Version < first.Version {
			first = r
		}
		if r.EffectiveFrom <= d && (in == nil || r.Version > in.Version) {
			in = r
		}
	}
	if in == nil {
		return first
	}
	return in
}

// RulesOf returns a campaign's rule versions: those stored, or, for a
// campaign built in memory without any, version 1 from its start with its
// bands (the default bands when it has none).
func RulesOf(c *Campaign) []RulesVersion {
	if len(c.Rules) > 0 {
		return c.Rules
	}
	bands := c.Bands
	if len(bands) == 0 {
		bands = DefaultBands()
	}
	return []RulesVersion{{Version: 1, EffectiveFrom: c.Start, Bands: bands, Order: RankingOrder}}
}
