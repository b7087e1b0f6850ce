package press

import (
	"fmt"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/progress"
)

// scopeVI is how the press names the whole of a scope: toàn tỉnh, toàn
// thành phố, toàn huyện, toàn xã…
func scopeVI(u Unit) string {
	if u.Kind == domain.KindNation {
		return "toàn quốc"
	}
	if w := kindWord(u); w != "" {
		return "toàn " + w
	}
	return "toàn " + strings.ToLower(string(u.Kind))
}

// kindEN is a unit's kind word in English.
func kindEN(u Unit) string {
	switch kindWord(u) {
	case "tỉnh":
		return "province"
	case "thành phố":
		return "city"
	case "huyện", "quận":
		return "district"
	case "thị xã":
		return "town"
	case "xã":
		return "commune"
	case "phường":
		return "ward"
	case "thị trấn":
		return "township"
	case "đặc khu":
		return "special zone"
	}
	return strings.ToLower(string(u.Kind))
}

func scopeEN(u Unit) string {
	if u.Kind == domain.KindNation {
		return "the country"
	}
	return "the " + kindEN(u)
}

func nameEN(u Unit) string {
	n := u.NameEN
	if n == "" {
		n = u.Name
	}
	if u.Kind == domain.KindAgency || kindEN(u) == "" {
		return n
	}
	return n + " " + kindEN(u)
}

// joinVI joins a list the Vietnamese way: "A, B và C".
func joinVI(items []string) string { return join(items, ", ", " và ") }

// joinEN joins a list the English way: "A, B and C".
func joinEN(items []string) string { return join(items, ", ", " and ") }

func join(items []string, sep, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], sep) + last + items[len(items)-1]
}

// unitsVI names units in a sentence: the kind word once when they share it
// ("huyện Thạnh Phú, Châu Thành và Ba Tri"), else each in full.
func unitsVI(us []Unit) string {
	if len(us) == 0 {
		return ""
	}
	same := true
	for _, u := range us {
		same = same && kindWord(u) == kindWord(us[0]) && kindWord(u) != ""
	}
	names := make([]string, len(us))
	for i, u := range us {
		if same && i > 0 {
			names[i] = u.Name
		} else {
			names[i] = lowerFirst(u)
		}
	}
	return joinVI(names)
}

func unitsEN(us []Unit) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = nameEN(u)
	}
	return joinEN(names)
}

// ratedVI names units with their rates; units sharing a rank are written
// together: "huyện A (83,77%), huyện B và C (cùng 79,81%)".
func ratedVI(ns []Named) string {
	var parts []string
	for _, g := range byRank(ns) {
		us := make([]Unit, len(g))
		for i, n := range g {
			us[i] = n.Unit
		}
		if len(g) == 1 {
			parts = append(parts, fmt.Sprintf("%s (%s)", lowerFirst(g[0].Unit), g[0].Rate))
		} else {
			parts = append(parts, fmt.Sprintf("%s (cùng %s, đồng hạng)", unitsVI(us), g[0].Rate))
		}
	}
	return joinVI(parts)
}

func ratedEN(ns []Named) string {
	var parts []string
	for _, g := range byRank(ns) {
		us := make([]Unit, len(g))
		for i, n := range g {
			us[i] = n.Unit
		}
		r := progress.FormatRate(g[0].Value, g[0].Quota, "en")
		if len(g) == 1 {
			parts = append(parts, fmt.Sprintf("%s (%s)", nameEN(g[0].Unit), r))
		} else {
			parts = append(parts, fmt.Sprintf("%s (tied at %s)", unitsEN(us), r))
		}
	}
	return joinEN(parts)
}

// byRank groups consecutive units that share a rank.
func byRank(ns []Named) [][]Named {
	var out [][]Named
	for i, n := range ns {
		if i > 0 && n.Rank == ns[i-1].Rank {
			out[len(out)-1] = append(out[len(out)-1], n)
			continue
		}
		out = append(out, []Named{n})
	}
	return out
}

// shortNoun drops the qualifier a previous clause already gave:
// "tài khoản ĐDĐT" → "tài khoản".
func shortNoun(noun string) string {
	noun = strings.TrimSuffix(noun, " ĐDĐT")
	return strings.TrimPrefix(noun, "e-ID ")
}

func count(n int64, lang string) string { return progress.FormatCount(n, lang) }

func writeVI(in Input, e *Edition) Text {
	c := in.Campaign
	day := progress.FormatDate(in.Day, "vi")
	t := Text{Title: fmt.Sprintf("Bản tin tiến độ ngày %s: %s", day, c.Name)}
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
	t.Lead = fmt.Sprintf("Tính đến ngày %s, %s đã %s.", day, scopeVI(in.Scope), strings.Join(clauses, "; "))

	// Changes since the day before.
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
			changes = append(changes, fmt.Sprintf("số %s giảm %s (do đính chính)", m.Metric.VerbVI, count(-*d, "vi")))
		default:
			changes = append(changes, fmt.Sprintf("số %s không đổi", m.Metric.VerbVI))
		}
	}
	if len(changes) > 0 {
		t.Paragraphs = append(t.Paragraphs, fmt.Sprintf("So với ngày %s, %s.", progress.FormatDate(in.Day-1, "vi"), joinVI(changes)))
	}

	// Who completed, who leads, who trails.
	var standing []string
	for i, m := range in.Metrics {
		f := e.Facts[i]
		var done []Unit
		for _, n := range f.Completed {
			done = append(done, n.Unit)
		}
		switch {
		case len(done) > 0 && len(done) == len(m.Children):
			standing = append(standing, fmt.Sprintf("Tất cả %d đơn vị đã hoàn thành chỉ tiêu %s.", len(done), m.Metric.VerbVI))
		case len(done) > 0:
			standing = append(standing, fmt.Sprintf("Đơn vị %s đã hoàn thành chỉ tiêu %s.", unitsVI(done), m.Metric.VerbVI))
		}
		if len(f.Top) > 0 && len(f.Bottom) > 0 {
			standing = append(standing, fmt.Sprintf("Tỷ lệ %s cao nhất là %s; thấp nhất là %s.", m.Metric.VerbVI, ratedVI(f.Top), ratedVI(f.Bottom)))
		}
	}
	if len(standing) > 0 {
		t.Paragraphs = append(t.Paragraphs, "Trong đó, "+lowerSentence(strings.Join(standing, " ")))
	}

	// Reports late or missing.
	if p := coverageVI(in); p != "" {
		t.Paragraphs = append(t.Paragraphs, p)
	}

	// Time left and the pace it asks for.
	var when []string
	if in.Day >= c.End {
		when = append(when, fmt.Sprintf("Chiến dịch kết thúc ngày %s.", progress.FormatDate(c.End, "vi")))
	} else {
		left := fmt.Sprintf("còn %d ngày đến hết chiến dịch (%s)", int(c.End-in.Day), progress.FormatDate(c.End, "vi"))
		if ms := nextMilestone(c, in.Day); ms != nil {
			left = fmt.Sprintf("còn %d ngày đến mốc %s (%s) và %s", int(ms.Date-in.Day), progress.FormatDate(ms.Date, "vi"), ms.LabelVI, left)
		}
		when = append(when, "Hiện "+left+".")
		var paces []string
		for i, m := range in.Metrics {
			if p := e.Facts[i].RequiredPace; p != nil {
				paces = append(paces, fmt.Sprintf("%s bình quân %s %s/ngày", m.Metric.VerbVI, count(*p, "vi"), shortNoun(m.Metric.NounVI)))
			}
		}
		if len(paces) > 0 {
			when = append(when, fmt.Sprintf("Để hoàn thành chỉ tiêu đúng hạn, %s cần %s.", scopeVI(in.Scope), joinVI(paces)))
		}
	}
	for i, m := range in.Metrics {
		r := e.Facts[i].AtRisk
		switch {
		case len(r) == 0:
		case len(r) > 1 && len(r) == rankedCount(m):
			when = append(when, fmt.Sprintf("Tất cả %d đơn vị đều có nguy cơ không hoàn thành chỉ tiêu %s.", len(r), m.Metric.VerbVI))
		default:
			us, more := firstUnits(r, maxListed)
			list := unitsVI(us)
			if more > 0 {
				list = unitsVIWithMore(us, more)
			}
			when = append(when, fmt.Sprintf("Có nguy cơ không hoàn thành chỉ tiêu %s: %s.", m.Metric.VerbVI, list))
		}
	}
	t.Paragraphs = append(t.Paragraphs, strings.Join(when, " "))
	return t
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

func coverageVI(in Input) string {
	if len(in.Metrics) == 0 {
		return ""
	}
	var missing, late []string
	for _, ch := range in.Metrics[0].Children {
		switch {
		case ch.Unit.Leaf && ch.Missing > 0:
			missing = append(missing, lowerFirst(ch.Unit))
		case ch.Unit.Leaf && ch.Late > 0:
			late = append(late, lowerFirst(ch.Unit))
		case !ch.Unit.Leaf:
			if ch.Missing > 0 {
				missing = append(missing, fmt.Sprintf("%s (%d đơn vị)", lowerFirst(ch.Unit), ch.Missing))
			}
			if ch.Late > 0 {
				late = append(late, fmt.Sprintf("%s (%d đơn vị)", lowerFirst(ch.Unit), ch.Late))
			}
		}
	}
	s := in.Metrics[0].Scope
	total := s.OnTime + s.Late + s.Missing
	if total == 0 {
		return ""
	}
	if len(missing) == 0 && len(late) == 0 {
		return fmt.Sprintf("Tất cả %d đơn vị đã báo cáo đúng hạn.", total)
	}
	out := fmt.Sprintf("%d/%d đơn vị báo cáo đúng hạn.", s.OnTime, total)
	if len(missing) > 0 {
		out += fmt.Sprintf(" Chưa báo cáo: %s.", joinVI(missing))
	}
	if len(late) > 0 {
		out += fmt.Sprintf(" Báo cáo trễ hạn: %s.", joinVI(late))
	}
	return out
}

func writeEN(in Input, e *Edition) Text {
	c := in.Campaign
	day := progress.FormatDate(in.Day, "en")
	name := c.NameEN
	if name == "" {
		name = c.Name
	}
	t := Text{Title: fmt.Sprintf("Progress bulletin, %s: %s", day, name)}
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
	t.Lead = fmt.Sprintf("As of %s, %s had %s.", day, scopeEN(in.Scope), joinEN(clauses))
	var changes []string
	for _, m := range in.Metrics {
		if d := m.Scope.Delta; d != nil {
			switch {
			case *d > 0:
				changes = append(changes, fmt.Sprintf("%s rose by %s", m.Metric.VerbEN, count(*d, "en")))
			case *d < 0:
				changes = append(changes, fmt.Sprintf("%s fell by %s (a correction)", m.Metric.VerbEN, count(-*d, "en")))
			default:
				changes = append(changes, fmt.Sprintf("%s did not change", m.Metric.VerbEN))
			}
		}
	}
	if len(changes) > 0 {
		t.Paragraphs = append(t.Paragraphs, fmt.Sprintf("Since %s, %s.", progress.FormatDate(in.Day-1, "en"), joinEN(changes)))
	}
	var standing []string
	for i, m := range in.Metrics {
		f := e.Facts[i]
		var done []Unit
		for _, n := range f.Completed {
			done = append(done, n.Unit)
		}
		switch {
		case len(done) > 0 && len(done) == len(m.Children):
			standing = append(standing, fmt.Sprintf("All %d units have met their %s quota.", len(done), m.Metric.VerbEN))
		case len(done) == 1:
			standing = append(standing, fmt.Sprintf("%s has met its %s quota.", unitsEN(done), m.Metric.VerbEN))
		case len(done) > 1:
			standing = append(standing, fmt.Sprintf("%s have met their %s quota.", unitsEN(done), m.Metric.VerbEN))
		}
		if len(f.Top) > 0 && len(f.Bottom) > 0 {
			standing = append(standing, fmt.Sprintf("The highest %s rates are %s; the lowest, %s.", m.Metric.VerbEN, ratedEN(f.Top), ratedEN(f.Bottom)))
		}
	}
	if len(standing) > 0 {
		t.Paragraphs = append(t.Paragraphs, strings.Join(standing, " "))
	}
	if p := coverageEN(in); p != "" {
		t.Paragraphs = append(t.Paragraphs, p)
	}
	var when []string
	if in.Day >= c.End {
		when = append(when, fmt.Sprintf("The campaign ended on %s.", progress.FormatDate(c.End, "en")))
	} else {
		left := fmt.Sprintf("%s until the campaign ends (%s)", days(int(c.End-in.Day)), progress.FormatDate(c.End, "en"))
		if ms := nextMilestone(c, in.Day); ms != nil {
			label := ms.LabelEN
			if label == "" {
				label = ms.LabelVI
			}
			left = fmt.Sprintf("%s until the %s milestone (%s) and %s", days(int(ms.Date-in.Day)), progress.FormatDate(ms.Date, "en"), label, left)
		}
		when = append(when, strings.ToUpper(left[:1])+left[1:]+".")
		var paces []string
		for i, m := range in.Metrics {
			if p := e.Facts[i].RequiredPace; p != nil {
				paces = append(paces, fmt.Sprintf("%s %s %s a day", count(*p, "en"), shortNoun(m.Metric.NounEN), m.Metric.VerbEN))
			}
		}
		if len(paces) > 0 {
			when = append(when, fmt.Sprintf("To meet the quota in time, %s needs an average of %s.", scopeEN(in.Scope), joinEN(paces)))
		}
	}
	for i, m := range in.Metrics {
		r := e.Facts[i].AtRisk
		switch {
		case len(r) == 0:
		case len(r) > 1 && len(r) == rankedCount(m):
			when = append(when, fmt.Sprintf("All %d units are at risk of missing the %s quota.", len(r), m.Metric.VerbEN))
		default:
			us, more := firstUnits(r, maxListed)
			list := unitsEN(us)
			if more > 0 {
				names := make([]string, len(us)+1)
				for j, u := range us {
					names[j] = nameEN(u)
				}
				names[len(us)] = fmt.Sprintf("%d more", more)
				list = joinEN(names)
			}
			when = append(when, fmt.Sprintf("At risk of missing the %s quota: %s.", m.Metric.VerbEN, list))
		}
	}
	t.Paragraphs = append(t.Paragraphs, strings.Join(when, " "))
	return t
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func coverageEN(in Input) string {
	if len(in.Metrics) == 0 {
		return ""
	}
	var missing, late []string
	for _, ch := range in.Metrics[0].Children {
		switch {
		case ch.Unit.Leaf && ch.Missing > 0:
			missing = append(missing, nameEN(ch.Unit))
		case ch.Unit.Leaf && ch.Late > 0:
			late = append(late, nameEN(ch.Unit))
		case !ch.Unit.Leaf:
			if ch.Missing > 0 {
				missing = append(missing, fmt.Sprintf("%s (%d units)", nameEN(ch.Unit), ch.Missing))
			}
			if ch.Late > 0 {
				late = append(late, fmt.Sprintf("%s (%d units)", nameEN(ch.Unit), ch.Late))
			}
		}
	}
	s := in.Metrics[0].Scope
	total := s.OnTime + s.Late + s.Missing
	if total == 0 {
		return ""
	}
	if len(missing) == 0 && len(late) == 0 {
		return fmt.Sprintf("All %d units reported on time.", total)
	}
	out := fmt.Sprintf("%d of %d units reported on time.", s.OnTime, total)
	if len(missing) > 0 {
		out += fmt.Sprintf(" Not reported: %s.", joinEN(missing))
	}
	if len(late) > 0 {
		out += fmt.Sprintf(" Reported late: %s.", joinEN(late))
	}
	return out
}

// maxListed is the most units a list names before "and N more".
const maxListed = 8

func firstUnits(ns []Named, n int) ([]Unit, int) {
	var us []Unit
	for i, x := range ns {
		if i == n {
			return us, len(ns) - n
		}
		us = append(us, x.Unit)
	}
	return us, 0
}

// unitsVIWithMore names the first units and counts the rest:
// "phường A, phường B và 5 đơn vị khác".
func unitsVIWithMore(us []Unit, more int) string {
	names := make([]string, len(us)+1)
	for i, u := range us {
		names[i] = lowerFirst(u)
	}
	names[len(us)] = fmt.Sprintf("%d đơn vị khác", more)
	return joinVI(names)
}

// rankedCount is how many children of the scope's level a metric ranks.
func rankedCount(m MetricDay) int {
	var kind domain.UnitKind
	n := 0
	for _, ch := range m.Children {
		if kind == "" && ch.Unit.Kind != domain.KindAgency {
			kind = ch.Unit.Kind
		}
		if ch.Unit.Kind == kind && ch.Rank > 0 {
			n++
		}
	}
	return n
}
