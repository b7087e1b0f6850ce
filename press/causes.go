package press

import (
	"fmt"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// Revision is a stored revision that changed figures: a report (a
// correction, or a first report received late) or a quota. It is what a
// fall of a total or a later revision of a bulletin names as its cause.
type Revision struct {
	Kind     string `json:"kind"` // "report" or "quota"
	Unit     Unit   `json:"unit"`
	Metric   string `json:"metric"`
	Day      string `json:"day"`      // the report's day, or the day the quota takes effect
	Revision int    `json:"revision"` // of the report (1: its first); 0 for a quota
	Value    int64  `json:"value"`
	Previous *int64 `json:"previous,omitempty"` // the value it replaced
	Reason   string `json:"reason,omitempty"`   // given with a correction or a quota
}

// FallCause is a known reason why a total fell from the day before: a
// correction of a unit's report, or a change of where a unit's figure
// comes from (rule 2: its own report wins over its children's sum).
type FallCause struct {
	Unit Unit `json:"unit"`
	// Scope: the unit is the bulletin's scope itself.
	Scope bool `json:"scope,omitempty"`
	// Correction: the revision that lowered the unit's figure (of the day,
	// or of the day before, raised).
	Correction *Revision `json:"correction,omitempty"`
	// Sources of the unit's figure the day before and on the day, when
	// they differ.
	From domain.Source `json:"from,omitempty"`
	To   domain.Source `json:"to,omitempty"`
}

// who names the unit whose source changed: its kind word for the scope
// ("tỉnh"), else its full name ("huyện Ba Tri").
func (c FallCause) whoVI() string {
	if w := kindWord(c.Unit); c.Scope && w != "" {
		return w
	}
	return lowerFirst(c.Unit)
}

func (c FallCause) whoEN() string {
	if c.Scope {
		return scopeEN(c.Unit)
	}
	return nameEN(c.Unit)
}

// sourceVI says where a figure comes from: "báo cáo của tỉnh", "tổng số
// liệu các đơn vị trực thuộc tỉnh", "báo cáo gần nhất của tỉnh".
func (c FallCause) sourceVI(s domain.Source) string {
	switch s {
	case domain.SourceReported:
		return "báo cáo của " + c.whoVI()
	case domain.SourceRollup:
		return "tổng số liệu các đơn vị trực thuộc " + c.whoVI()
	case domain.SourceCarried:
		return "báo cáo gần nhất của " + c.whoVI()
	}
	return "không có số liệu"
}

func (c FallCause) sourceEN(s domain.Source) string {
	switch s {
	case domain.SourceReported:
		return "the report of " + c.whoEN()
	case domain.SourceRollup:
		return "the sum of the figures of the units under " + c.whoEN()
	case domain.SourceCarried:
		return "the latest earlier report of " + c.whoEN()
	}
	return "no figure"
}

// fall says why a total fell, in parentheses, when every part of the fall
// is explained; nothing otherwise.
func fall(l language, m MetricDay, day domain.Date) string {
	cs, more := firstCauses(m.Fall)
	if len(cs) == 0 {
		return ""
	}
	parts := make([]string, len(cs), len(cs)+1)
	for i, c := range cs {
		if r := c.Correction; r != nil {
			parts[i] = l.becauseOf(*r, m.Metric)
			continue
		}
		parts[i] = l.sourceChanged(c, numfmt.FormatDate(day-1, l.tag()))
	}
	if more > 0 {
		parts = append(parts, l.moreCauses(more))
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// maxFallCauses is the most causes of a fall the change line names.
const maxFallCauses = 5

func firstCauses(cs []FallCause) ([]FallCause, int) {
	if len(cs) > maxFallCauses {
		return cs[:maxFallCauses], len(cs) - maxFallCauses
	}
	return cs, 0
}

// outcomeListed is the most units an outcome names per list before "and N
// more" (the table lists every unit).
const outcomeListed = 20

// outcomeWords are the words of an outcome in one language.
type outcomeWords struct {
	scope            func(Unit) string
	list             func([]Named) string
	reached, none    string
	all, done, short func(n int) string
	sentence         string
}

var (
	outcomeVIWords = outcomeWords{scopeVI, func(ns []Named) string { return listed(vi{}, ns) },
		"%s đạt %s chỉ tiêu", "không đơn vị nào hoàn thành chỉ tiêu: ",
		func(n int) string { return fmt.Sprintf("tất cả %d đơn vị đã hoàn thành chỉ tiêu", n) },
		func(n int) string { return fmt.Sprintf("%d đơn vị đã hoàn thành chỉ tiêu: ", n) },
		func(n int) string { return fmt.Sprintf("%d đơn vị chưa hoàn thành: ", n) },
		"Kết quả chỉ tiêu %s: %s."}
	outcomeENWords = outcomeWords{scopeEN, func(ns []Named) string { return listed(en{}, ns) },
		"%s reached %s of its quota", "no unit met its quota: ",
		func(n int) string { return fmt.Sprintf("all %d units met their quota", n) },
		func(n int) string { return fmt.Sprintf("%s met %s quota: ", unitCountEN(n), its(n)) },
		func(n int) string { return unitCountEN(n) + " did not: " },
		"Final result, %s: %s."}
)

// outcomeVI states a metric's result after the campaign's end: the scope's
// final rate, the units that completed and those that did not, with their
// rates. Never a risk: the time is over.
func outcomeVI(in Input, m MetricDay, f MetricFacts) string {
	return outcome(in, m, f, "vi", m.Metric.NameVI, outcomeVIWords)
}

func outcomeEN(in Input, m MetricDay, f MetricFacts) string {
	return outcome(in, m, f, "en", m.Metric.NameEN, outcomeENWords)
}

func outcome(in Input, m MetricDay, f MetricFacts, lang, metric string, w outcomeWords) string {
	var parts []string
	if r := rate(m.Scope, lang); r != "" {
		parts = append(parts, fmt.Sprintf(w.reached, w.scope(in.Scope), r))
	}
	done, short := len(f.Completed), len(f.Unfinished)
	switch {
	case done+short == 0:
	case short == 0:
		parts = append(parts, w.all(done))
	case done == 0:
		parts = append(parts, w.none+w.list(f.Unfinished))
	default:
		parts = append(parts, w.done(done)+w.list(f.Completed), w.short(short)+w.list(f.Unfinished))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf(w.sentence, lowerSentence(metric), strings.Join(parts, "; "))
}

func unitCountEN(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return fmt.Sprintf("%d units", n)
}

func its(n int) string {
	if n == 1 {
		return "its"
	}
	return "their"
}

// listed names units with their rates, the first outcomeListed of them.
func listed(l language, ns []Named) string {
	if len(ns) <= outcomeListed {
		return rated(l, ns)
	}
	return l.join(append(ratedParts(l, ns[:outcomeListed]), l.others(len(ns)-outcomeListed)))
}
