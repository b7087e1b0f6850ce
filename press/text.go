package press

import (
	"fmt"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// Sentence is one sentence of a column, named by what it says ("lead",
// "change", "top/activated", …): the key a later revision's đính chính
// compares it by.
type Sentence struct {
	Key  string `json:"key"`
	Para int    `json:"para"` // index in Paragraphs
	Text string `json:"text"`
}

// writer collects a column sentence by sentence, paragraph by paragraph.
type writer struct {
	t    Text
	para []Sentence
}

func (w *writer) say(key, s string) { w.para = append(w.para, Sentence{Key: key, Text: s}) }

// paragraph ends the current paragraph (if it has any sentence).
func (w *writer) paragraph() {
	if len(w.para) == 0 {
		return
	}
	texts := make([]string, len(w.para))
	for i, s := range w.para {
		texts[i] = s.Text
		s.Para = len(w.t.Paragraphs)
		w.t.Sentences = append(w.t.Sentences, s)
	}
	w.t.Paragraphs = append(w.t.Paragraphs, strings.Join(texts, " "))
	w.para = nil
}

// write chooses what a column says, once for every language: the lead, the
// change from the day before (a fall with its known causes), who completed,
// leads and trails, the reports late or missing, then the time left with the
// pace it asks for and who is at risk or, after the end, the outcome. The
// language only phrases each fact (see language).
func write(in Input, e *Edition, l language) Text {
	c := in.Campaign
	day := numfmt.FormatDate(in.Day, l.tag())
	w := &writer{t: Text{Title: l.title(day, c)}}
	var clauses []string
	prevNoun := ""
	for _, m := range in.Metrics {
		noun := l.noun(m.Metric)
		if noun == prevNoun {
			noun = shortNoun(noun)
		}
		prevNoun = l.noun(m.Metric)
		f := m.Scope
		switch {
		case f.Value == nil:
			clauses = append(clauses, l.noFigure(m.Metric))
		case f.Quota != nil && *f.Quota > 0:
			clauses = append(clauses, l.ofQuota(m.Metric, count(*f.Value, l.tag()), count(*f.Quota, l.tag()), noun, rate(f, l.tag())))
		default:
			clauses = append(clauses, l.figure(m.Metric, count(*f.Value, l.tag()), noun))
		}
	}
	w.t.Lead = l.lead(day, in.Scope, clauses)

	// Changes since the day before; a fall says why only when the cause is
	// known (rule: never invent one).
	var changes []string
	for _, m := range in.Metrics {
		d := m.Scope.Delta
		if d == nil {
			continue
		}
		switch {
		case *d > 0:
			changes = append(changes, l.rose(m.Metric, count(*d, l.tag())))
		case *d < 0:
			changes = append(changes, l.fell(m.Metric, count(-*d, l.tag()), fall(l, m, in.Day)))
		default:
			changes = append(changes, l.same(m.Metric))
		}
	}
	if len(changes) > 0 {
		w.say("change", l.changes(numfmt.FormatDate(in.Day-1, l.tag()), changes))
		w.paragraph()
	}

	// Who completed, who leads, who trails.
	for i, m := range in.Metrics {
		f := e.Facts[i]
		var done []Unit
		for _, n := range f.Completed {
			done = append(done, n.Unit)
		}
		switch {
		case len(done) > 0 && len(done) == len(m.Children):
			w.say("done/"+m.Metric.Key, l.allDone(len(done), m.Metric))
		case len(done) > 0:
			w.say("done/"+m.Metric.Key, l.done(done, m.Metric))
		}
		if len(f.Top) > 0 && len(f.Bottom) > 0 {
			w.say("top/"+m.Metric.Key, l.topAndBottom(m.Metric, f.Top, f.Bottom))
		}
	}
	if len(w.para) > 0 {
		w.para[0].Text = l.among(w.para[0].Text)
	}
	w.paragraph()

	// Reports late or missing.
	coverageOf(in, w, l)
	w.paragraph()

	// Time left and the pace it asks for; after the end, the outcome.
	if in.Day >= c.End {
		w.say("end", l.ended(numfmt.FormatDate(c.End, l.tag())))
		for i, m := range in.Metrics {
			if s := l.outcome(in, m, e.Facts[i]); s != "" {
				w.say("outcome/"+m.Metric.Key, s)
			}
		}
		w.paragraph()
		return w.t
	}
	left := l.untilEnd(int(c.End-in.Day), numfmt.FormatDate(c.End, l.tag()))
	if ms := nextMilestone(c, in.Day); ms != nil {
		left = l.untilMilestone(int(ms.Date-in.Day), numfmt.FormatDate(ms.Date, l.tag()), ms, left)
	}
	w.say("left", l.left(left))
	var paces []string
	for i, m := range in.Metrics {
		if p := e.Facts[i].RequiredPace; p != nil {
			paces = append(paces, l.pace(m.Metric, count(*p, l.tag())))
		}
	}
	if len(paces) > 0 {
		w.say("pace", l.paces(in.Scope, paces))
	}
	for i, m := range in.Metrics {
		r := e.Facts[i].AtRisk
		switch {
		case len(r) == 0:
		case len(r) > 1 && len(r) == rankedCount(m):
			w.say("risk/"+m.Metric.Key, l.allAtRisk(len(r), m.Metric))
		default:
			us, more := firstUnits(r, maxListed)
			w.say("risk/"+m.Metric.Key, l.atRisk(m.Metric, us, more))
		}
	}
	w.paragraph()
	return w.t
}

func lowerSentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	// "Đơn vị …" and "Tỷ lệ …" follow "Trong đó, " in lower case.
	return strings.ToLower(string(r[0])) + string(r[1:])
}

func nextMilestone(c *domain.Campaign, d domain.Date) *domain.Milestone {
	for i := range c.Milestones {
		// A milestone on the last day is the end, said already.
		if c.Milestones[i].Date > d && c.Milestones[i].Date < c.End {
			return &c.Milestones[i]
		}
	}
	return nil
}

// coverage lists the children missing and late, each with how many of its
// own units when it is not a reporting unit itself, named by name.
func coverage(in Input, name func(Unit) string, units func(int) string) (missing, late []string) {
	for _, ch := range in.Metrics[0].Children {
		switch {
		case ch.Unit.Leaf && ch.Missing > 0:
			missing = append(missing, name(ch.Unit))
		case ch.Unit.Leaf && ch.Late > 0:
			late = append(late, name(ch.Unit))
		case !ch.Unit.Leaf:
			if ch.Missing > 0 {
				missing = append(missing, fmt.Sprintf("%s (%s)", name(ch.Unit), units(ch.Missing)))
			}
			if ch.Late > 0 {
				late = append(late, fmt.Sprintf("%s (%s)", name(ch.Unit), units(ch.Late)))
			}
		}
	}
	return missing, late
}

// coverageOf says how many units reported on time, and names those that
// did not report or reported late.
func coverageOf(in Input, w *writer, l language) {
	if len(in.Metrics) == 0 {
		return
	}
	s := in.Metrics[0].Scope
	total := s.OnTime + s.Late + s.Missing
	if total == 0 {
		return
	}
	missing, late := coverage(in, l.name, l.unitCount)
	if len(missing) == 0 && len(late) == 0 {
		w.say("coverage", l.allOnTime(total))
		return
	}
	w.say("coverage", l.onTime(s.OnTime, total))
	if len(missing) > 0 {
		w.say("coverage/missing", l.missing(missing))
	}
	if len(late) > 0 {
		w.say("coverage/late", l.late(late))
	}
}
