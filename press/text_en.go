package press

import (
	"fmt"
	"strings"

	"github.com/tiendo-vn/tiendo/numfmt"
)

func writeEN(in Input, e *Edition) Text {
	c := in.Campaign
	day := numfmt.FormatDate(in.Day, "en")
	name := c.NameEN
	if name == "" {
		name = c.Name
	}
	w := &writer{t: Text{Title: fmt.Sprintf("Progress bulletin, %s: %s", day, name)}}
	var clauses []string
	prevNoun := ""
	for _, m := range in.Metrics {
		noun := m.Metric.NounEN
		if noun == prevNoun {
			noun = shortNoun(noun)
		}
		prevNoun = m.Metric.NounEN
		f := m.Scope
		switch {
		case f.Value == nil:
			clauses = append(clauses, fmt.Sprintf("no %s figures yet", m.Metric.VerbEN))
		case f.Quota != nil && *f.Quota > 0:
			clauses = append(clauses, fmt.Sprintf("%s %s of %s %s (%s)", m.Metric.VerbEN, count(*f.Value, "en"), count(*f.Quota, "en"), noun, rate(f, "en")))
		default:
			clauses = append(clauses, fmt.Sprintf("%s %s %s", m.Metric.VerbEN, count(*f.Value, "en"), noun))
		}
	}
	w.t.Lead = fmt.Sprintf("As of %s, %s had %s.", day, scopeEN(in.Scope), joinEN(clauses))
	var changes []string
	for _, m := range in.Metrics {
		if d := m.Scope.Delta; d != nil {
			switch {
			case *d > 0:
				changes = append(changes, fmt.Sprintf("%s rose by %s", m.Metric.VerbEN, count(*d, "en")))
			case *d < 0:
				changes = append(changes, fmt.Sprintf("%s fell by %s%s", m.Metric.VerbEN, count(-*d, "en"), fallEN(m, in.Day)))
			default:
				changes = append(changes, fmt.Sprintf("%s did not change", m.Metric.VerbEN))
			}
		}
	}
	if len(changes) > 0 {
		w.say("change", fmt.Sprintf("Since %s, %s.", numfmt.FormatDate(in.Day-1, "en"), joinEN(changes)))
		w.paragraph()
	}
	for i, m := range in.Metrics {
		f := e.Facts[i]
		var done []Unit
		for _, n := range f.Completed {
			done = append(done, n.Unit)
		}
		switch {
		case len(done) > 0 && len(done) == len(m.Children):
			w.say("done/"+m.Metric.Key, fmt.Sprintf("All %d units have met their %s quota.", len(done), m.Metric.VerbEN))
		case len(done) == 1:
			w.say("done/"+m.Metric.Key, fmt.Sprintf("%s has met its %s quota.", unitsEN(done), m.Metric.VerbEN))
		case len(done) > 1:
			w.say("done/"+m.Metric.Key, fmt.Sprintf("%s have met their %s quota.", unitsEN(done), m.Metric.VerbEN))
		}
		if len(f.Top) > 0 && len(f.Bottom) > 0 {
			w.say("top/"+m.Metric.Key, fmt.Sprintf("The highest %s rates are %s; the lowest, %s.", m.Metric.VerbEN, ratedEN(f.Top), ratedEN(f.Bottom)))
		}
	}
	w.paragraph()
	coverageEN(in, w)
	w.paragraph()
	if in.Day >= c.End {
		w.say("end", fmt.Sprintf("The campaign ended on %s.", numfmt.FormatDate(c.End, "en")))
		for i, m := range in.Metrics {
			if s := outcomeEN(in, m, e.Facts[i]); s != "" {
				w.say("outcome/"+m.Metric.Key, s)
			}
		}
		w.paragraph()
		return w.t
	}
	left := fmt.Sprintf("%s until the campaign ends (%s)", days(int(c.End-in.Day)), numfmt.FormatDate(c.End, "en"))
	if ms := nextMilestone(c, in.Day); ms != nil {
		label := ms.LabelEN
		if label == "" {
			label = ms.LabelVI
		}
		left = fmt.Sprintf("%s until the %s milestone (%s) and %s", days(int(ms.Date-in.Day)), numfmt.FormatDate(ms.Date, "en"), label, left)
	}
	w.say("left", strings.ToUpper(left[:1])+left[1:]+".")
	var paces []string
	for i, m := range in.Metrics {
		if p := e.Facts[i].RequiredPace; p != nil {
			paces = append(paces, fmt.Sprintf("%s %s %s a day", count(*p, "en"), shortNoun(m.Metric.NounEN), m.Metric.VerbEN))
		}
	}
	if len(paces) > 0 {
		w.say("pace", fmt.Sprintf("To meet the quota in time, %s needs an average of %s.", scopeEN(in.Scope), joinEN(paces)))
	}
	for i, m := range in.Metrics {
		r := e.Facts[i].AtRisk
		switch {
		case len(r) == 0:
		case len(r) > 1 && len(r) == rankedCount(m):
			w.say("risk/"+m.Metric.Key, fmt.Sprintf("All %d units are at risk of missing the %s quota.", len(r), m.Metric.VerbEN))
		default:
			us, more := firstUnits(r, maxListed)
			w.say("risk/"+m.Metric.Key, fmt.Sprintf("At risk of missing the %s quota: %s.", m.Metric.VerbEN, unitsENWithMore(us, more)))
		}
	}
	w.paragraph()
	return w.t
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func coverageEN(in Input, w *writer) {
	if len(in.Metrics) == 0 {
		return
	}
	s := in.Metrics[0].Scope
	total := s.OnTime + s.Late + s.Missing
	if total == 0 {
		return
	}
	missing, late := coverage(in, nameEN, unitCountEN)
	if len(missing) == 0 && len(late) == 0 {
		w.say("coverage", fmt.Sprintf("All %d units reported on time.", total))
		return
	}
	w.say("coverage", fmt.Sprintf("%d of %d units reported on time.", s.OnTime, total))
	if len(missing) > 0 {
		w.say("coverage/missing", fmt.Sprintf("Not reported: %s.", joinEN(missing)))
	}
	if len(late) > 0 {
		w.say("coverage/late", fmt.Sprintf("Reported late: %s.", joinEN(late)))
	}
}

// unitsENWithMore names the first units and counts the rest:
// "A ward, B ward and 5 more".
func unitsENWithMore(us []Unit, more int) string {
	if more == 0 {
		return unitsEN(us)
	}
	names := make([]string, len(us)+1)
	for j, u := range us {
		names[j] = nameEN(u)
	}
	names[len(us)] = fmt.Sprintf("%d more", more)
	return joinEN(names)
}
