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

func writeVI(in Input, e *Edition) Text {
	c := in.Campaign
	day := numfmt.FormatDate(in.Day, "vi")
	w := &writer{t: Text{Title: fmt.Sprintf("Bản tin tiến độ ngày %s: %s", day, c.Name)}}
	var clauses []string
	prevNoun := ""
	for _, m := range in.Metrics {
		noun := m.Metric.NounVI
		if noun == prevNoun {
			noun = shortNoun(noun)
		}
		prevNoun = m.Metric.NounVI
		f := m.Scope
		switch {
		case f.Value == nil:
			clauses = append(clauses, fmt.Sprintf("chưa có số liệu %s", m.Metric.VerbVI))
		case f.Quota != nil && *f.Quota > 0:
			clauses = append(clauses, fmt.Sprintf("%s %s/%s %s, đạt tỷ lệ %s", m.Metric.VerbVI, count(*f.Value, "vi"), count(*f.Quota, "vi"), noun, rate(f, "vi")))
		default:
			clauses = append(clauses, fmt.Sprintf("%s %s %s", m.Metric.VerbVI, count(*f.Value, "vi"), noun))
		}
	}
	w.t.Lead = fmt.Sprintf("Tính đến ngày %s, %s đã %s.", day, scopeVI(in.Scope), strings.Join(clauses, "; "))

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
			changes = append(changes, fmt.Sprintf("số %s tăng %s", m.Metric.VerbVI, count(*d, "vi")))
		case *d < 0:
			changes = append(changes, fmt.Sprintf("số %s giảm %s%s", m.Metric.VerbVI, count(-*d, "vi"), fallVI(m, in.Day)))
		default:
			changes = append(changes, fmt.Sprintf("số %s không đổi", m.Metric.VerbVI))
		}
	}
	if len(changes) > 0 {
		w.say("change", fmt.Sprintf("So với ngày %s, %s.", numfmt.FormatDate(in.Day-1, "vi"), joinVI(changes)))
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
			w.say("done/"+m.Metric.Key, fmt.Sprintf("Tất cả %d đơn vị đã hoàn thành chỉ tiêu %s.", len(done), m.Metric.VerbVI))
		case len(done) > 0:
			w.say("done/"+m.Metric.Key, fmt.Sprintf("Đơn vị %s đã hoàn thành chỉ tiêu %s.", unitsVI(done), m.Metric.VerbVI))
		}
		if len(f.Top) > 0 && len(f.Bottom) > 0 {
			w.say("top/"+m.Metric.Key, fmt.Sprintf("Tỷ lệ %s cao nhất là %s; thấp nhất là %s.", m.Metric.VerbVI, ratedVI(f.Top), ratedVI(f.Bottom)))
		}
	}
	if len(w.para) > 0 {
		w.para[0].Text = "Trong đó, " + lowerSentence(w.para[0].Text)
	}
	w.paragraph()

	// Reports late or missing.
	coverageVI(in, w)
	w.paragraph()

	// Time left and the pace it asks for; after the end, the outcome.
	if in.Day >= c.End {
		w.say("end", fmt.Sprintf("Chiến dịch kết thúc ngày %s.", numfmt.FormatDate(c.End, "vi")))
		for i, m := range in.Metrics {
			if s := outcomeVI(in, m, e.Facts[i]); s != "" {
				w.say("outcome/"+m.Metric.Key, s)
			}
		}
		w.paragraph()
		return w.t
	}
	left := fmt.Sprintf("còn %d ngày đến hết chiến dịch (%s)", int(c.End-in.Day), numfmt.FormatDate(c.End, "vi"))
	if ms := nextMilestone(c, in.Day); ms != nil {
		left = fmt.Sprintf("còn %d ngày đến mốc %s (%s) và %s", int(ms.Date-in.Day), numfmt.FormatDate(ms.Date, "vi"), ms.LabelVI, left)
	}
	w.say("left", "Hiện "+left+".")
	var paces []string
	for i, m := range in.Metrics {
		if p := e.Facts[i].RequiredPace; p != nil {
			paces = append(paces, fmt.Sprintf("%s bình quân %s %s/ngày", m.Metric.VerbVI, count(*p, "vi"), shortNoun(m.Metric.NounVI)))
		}
	}
	if len(paces) > 0 {
		w.say("pace", fmt.Sprintf("Để hoàn thành chỉ tiêu đúng hạn, %s cần %s.", scopeVI(in.Scope), joinVI(paces)))
	}
	for i, m := range in.Metrics {
		r := e.Facts[i].AtRisk
		switch {
		case len(r) == 0:
		case len(r) > 1 && len(r) == rankedCount(m):
			w.say("risk/"+m.Metric.Key, fmt.Sprintf("Tất cả %d đơn vị đều có nguy cơ không hoàn thành chỉ tiêu %s.", len(r), m.Metric.VerbVI))
		default:
			us, more := firstUnits(r, maxListed)
			list := unitsVI(us)
			if more > 0 {
				list = unitsVIWithMore(us, more)
			}
			w.say("risk/"+m.Metric.Key, fmt.Sprintf("Có nguy cơ không hoàn thành chỉ tiêu %s: %s.", m.Metric.VerbVI, list))
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

func coverageVI(in Input, w *writer) {
	if len(in.Metrics) == 0 {
		return
	}
	s := in.Metrics[0].Scope
	total := s.OnTime + s.Late + s.Missing
	if total == 0 {
		return
	}
	missing, late := coverage(in, lowerFirst, func(n int) string { return fmt.Sprintf("%d đơn vị", n) })
	if len(missing) == 0 && len(late) == 0 {
		w.say("coverage", fmt.Sprintf("Tất cả %d đơn vị đã báo cáo đúng hạn.", total))
		return
	}
	w.say("coverage", fmt.Sprintf("%d/%d đơn vị báo cáo đúng hạn.", s.OnTime, total))
	if len(missing) > 0 {
		w.say("coverage/missing", fmt.Sprintf("Chưa báo cáo: %s.", joinVI(missing)))
	}
	if len(late) > 0 {
		w.say("coverage/late", fmt.Sprintf("Báo cáo trễ hạn: %s.", joinVI(late)))
	}
}
