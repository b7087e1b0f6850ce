package press

import (
	"fmt"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// en phrases a column in English (en-US numbers and dates).
type en struct{}

func (en) tag() string { return "en" }

func (en) title(day string, c *domain.Campaign) string {
	name := c.NameEN
	if name == "" {
		name = c.Name
	}
	return fmt.Sprintf("Progress bulletin, %s: %s", day, name)
}

func (en) noun(m Metric) string { return m.NounEN }

func (en) units(us []Unit) string { return unitsEN(us) }

func (en) join(items []string) string { return joinEN(items) }

func (en) rateOf(n Named) string { return numfmt.FormatRate(n.Value, n.Quota, "en") }

func (en) noRate() string { return "no figure" }

func (en) tied(units, rate string) string { return fmt.Sprintf("%s (tied at %s)", units, rate) }

func (en) others(n int) string { return fmt.Sprintf("%d more", n) }

func (en) noFigure(m Metric) string { return fmt.Sprintf("no %s figures yet", m.VerbEN) }

func (en) ofQuota(m Metric, value, quota, noun, rate string) string {
	return fmt.Sprintf("%s %s of %s %s (%s)", m.VerbEN, value, quota, noun, rate)
}

func (en) figure(m Metric, value, noun string) string {
	return fmt.Sprintf("%s %s %s", m.VerbEN, value, noun)
}

func (en) lead(day string, scope Unit, clauses []string) string {
	return fmt.Sprintf("As of %s, %s had %s.", day, scopeEN(scope), joinEN(clauses))
}

func (en) rose(m Metric, by string) string { return fmt.Sprintf("%s rose by %s", m.VerbEN, by) }

func (en) fell(m Metric, by, why string) string {
	return fmt.Sprintf("%s fell by %s%s", m.VerbEN, by, why)
}

func (en) same(m Metric) string { return fmt.Sprintf("%s did not change", m.VerbEN) }

func (en) becauseOf(r Revision, m Metric) string { return "after " + revisionEN(r, m.VerbEN) }

func (en) sourceChanged(c FallCause, dayBefore string) string {
	if c.To == domain.SourceReported {
		return fmt.Sprintf("as reported by %s, in place of %s on %s", c.whoEN(), c.sourceEN(c.From), dayBefore)
	}
	return fmt.Sprintf("now %s, in place of %s on %s", c.sourceEN(c.To), c.sourceEN(c.From), dayBefore)
}

func (en) moreCauses(n int) string { return fmt.Sprintf("and %d more", n) }

func (en) changes(since string, changes []string) string {
	return fmt.Sprintf("Since %s, %s.", since, joinEN(changes))
}

func (en) allDone(n int, m Metric) string {
	return fmt.Sprintf("All %d units have met their %s quota.", n, m.VerbEN)
}

func (en) done(us []Unit, m Metric) string {
	if len(us) == 1 {
		return fmt.Sprintf("%s has met its %s quota.", unitsEN(us), m.VerbEN)
	}
	return fmt.Sprintf("%s have met their %s quota.", unitsEN(us), m.VerbEN)
}

func (en) topAndBottom(m Metric, top, bottom []Named) string {
	return fmt.Sprintf("The highest %s rates are %s; the lowest, %s.", m.VerbEN, rated(en{}, top), rated(en{}, bottom))
}

func (en) among(first string) string { return first }

func (en) name(u Unit) string { return nameEN(u) }

func (en) unitCount(n int) string { return unitCountEN(n) }

func (en) allOnTime(total int) string { return fmt.Sprintf("All %d units reported on time.", total) }

func (en) onTime(n, total int) string {
	return fmt.Sprintf("%d of %d units reported on time.", n, total)
}

func (en) missing(names []string) string { return fmt.Sprintf("Not reported: %s.", joinEN(names)) }

func (en) late(names []string) string { return fmt.Sprintf("Reported late: %s.", joinEN(names)) }

func (en) ended(end string) string { return fmt.Sprintf("The campaign ended on %s.", end) }

func (en) outcome(in Input, m MetricDay, f MetricFacts) string { return outcomeEN(in, m, f) }

func (en) untilEnd(n int, end string) string {
	return fmt.Sprintf("%s until the campaign ends (%s)", days(n), end)
}

func (en) untilMilestone(n int, date string, ms *domain.Milestone, untilEnd string) string {
	label := ms.LabelEN
	if label == "" {
		label = ms.LabelVI
	}
	return fmt.Sprintf("%s until the %s milestone (%s) and %s", days(n), date, label, untilEnd)
}

func (en) left(s string) string { return strings.ToUpper(s[:1]) + s[1:] + "." }

func (en) pace(m Metric, perDay string) string {
	return fmt.Sprintf("%s %s %s a day", perDay, shortNoun(m.NounEN), m.VerbEN)
}

func (en) paces(scope Unit, paces []string) string {
	return fmt.Sprintf("To meet the quota in time, %s needs an average of %s.", scopeEN(scope), joinEN(paces))
}

func (en) allAtRisk(n int, m Metric) string {
	return fmt.Sprintf("All %d units are at risk of missing the %s quota.", n, m.VerbEN)
}

func (en) atRisk(m Metric, us []Unit, more int) string {
	return fmt.Sprintf("At risk of missing the %s quota: %s.", m.VerbEN, unitsWithMore(en{}, us, more))
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
