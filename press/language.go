package press

import "github.com/tiendo-vn/tiendo/domain"

// language phrases the facts write has chosen, in one language: every
// method is the words of one fact, given as numbers and dates already
// formatted in that language (tag). vi and en implement it.
type language interface {
	tag() string // the numfmt language tag: "vi" or "en"
	title(day string, c *domain.Campaign) string
	noun(m Metric) string // what a metric counts: "tài khoản ĐDĐT", "e-ID accounts"

	// The lead: one clause per metric, then the sentence.
	noFigure(m Metric) string
	ofQuota(m Metric, value, quota, noun, rate string) string
	figure(m Metric, value, noun string) string
	lead(day string, scope Unit, clauses []string) string

	// The change from the day before; fall says why, when known.
	rose(m Metric, by string) string
	fell(m Metric, by, why string) string
	same(m Metric) string
	fall(m MetricDay, day domain.Date) string
	changes(since string, changes []string) string

	// Who completed, leads and trails; among rewrites the paragraph's first
	// sentence ("Trong đó, …" in Vietnamese).
	allDone(n int, m Metric) string
	done(us []Unit, m Metric) string
	topAndBottom(m Metric, top, bottom []Named) string
	among(first string) string

	// Reports on time, missing and late.
	name(u Unit) string
	unitCount(n int) string
	allOnTime(total int) string
	onTime(n, total int) string
	missing(names []string) string
	late(names []string) string

	// After the end.
	ended(end string) string
	outcome(in Input, m MetricDay, f MetricFacts) string

	// Before the end: time left, the pace it asks for, who is at risk.
	untilEnd(days int, end string) string
	untilMilestone(days int, date string, ms *domain.Milestone, untilEnd string) string
	left(s string) string
	pace(m Metric, perDay string) string
	paces(scope Unit, paces []string) string
	allAtRisk(n int, m Metric) string
	atRisk(m Metric, us []Unit, more int) string
}
