package press

import "github.com/tiendo-vn/tiendo/domain"

// language phrases the facts write has chosen, in one language: every
// method is the words of one fact, given as numbers and dates already
// formatted in that language (tag). vi and en implement it.
type language interface {
	tag() string // the numfmt language tag: "vi" or "en"
	title(day string, c *domain.Campaign) string
	noun(m Metric) string // what a metric counts: "tài khoản ĐDĐT", "e-ID accounts"

	// Lists: units named in a sentence, joined; a rate beside a unit; units
	// tied at a rate; "and n more".
	name(u Unit) string
	units(us []Unit) string
	join(items []string) string
	rateOf(n Named) string
	// noRate stands for the rate of a unit with a quota but no figure.
	noRate() string
	tied(units, rate string) string
	others(n int) string

	// The lead: one clause per metric, then the sentence.
	noFigure(m Metric) string
	ofQuota(m Metric, value, quota, noun, rate string) string
	figure(m Metric, value, noun string) string
	lead(day string, scope Unit, clauses []string) string

	// The change from the day before; why is a fall's known causes (see
	// fall), each a correction or a change of a figure's source.
	rose(m Metric, by string) string
	fell(m Metric, by, why string) string
	same(m Metric) string
	becauseOf(r Revision, m Metric) string
	sourceChanged(c FallCause, dayBefore string) string
	moreCauses(n int) string
	changes(since string, changes []string) string

	// Who completed, leads and trails; among rewrites the paragraph's first
	// sentence ("Trong đó, …" in Vietnamese).
	allDone(n int, m Metric) string
	done(us []Unit, m Metric) string
	topAndBottom(m Metric, top, bottom []Named) string
	among(first string) string

	// Reports on time, missing and late.
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
