package press

import (
	"fmt"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
)

// vi phrases a column in Vietnamese, the project's first language.
type vi struct{}

func (vi) tag() string { return "vi" }

func (vi) title(day string, c *domain.Campaign) string {
	return fmt.Sprintf("Bản tin tiến độ ngày %s: %s", day, c.Name)
}

func (vi) noun(m Metric) string { return m.NounVI }

func (vi) units(us []Unit) string { return unitsVI(us) }

func (vi) join(items []string) string { return joinVI(items) }

// rateOf is the rate the facts carry, written the Vietnamese way.
func (vi) rateOf(n Named) string { return n.Rate }

func (vi) noRate() string { return "chưa có số liệu" }

func (vi) tied(units, rate string) string {
	return fmt.Sprintf("%s (cùng %s, đồng hạng)", units, rate)
}

func (vi) others(n int) string { return fmt.Sprintf("%d đơn vị khác", n) }

func (vi) noFigure(m Metric) string { return fmt.Sprintf("chưa có số liệu %s", m.VerbVI) }

func (vi) ofQuota(m Metric, value, quota, noun, rate string) string {
	return fmt.Sprintf("%s %s/%s %s, đạt tỷ lệ %s", m.VerbVI, value, quota, noun, rate)
}

func (vi) figure(m Metric, value, noun string) string {
	return fmt.Sprintf("%s %s %s", m.VerbVI, value, noun)
}

func (vi) lead(day string, scope Unit, clauses []string) string {
	return fmt.Sprintf("Tính đến ngày %s, %s đã %s.", day, scopeVI(scope), strings.Join(clauses, "; "))
}

func (vi) rose(m Metric, by string) string { return fmt.Sprintf("số %s tăng %s", m.VerbVI, by) }

func (vi) fell(m Metric, by, why string) string {
	return fmt.Sprintf("số %s giảm %s%s", m.VerbVI, by, why)
}

func (vi) same(m Metric) string { return fmt.Sprintf("số %s không đổi", m.VerbVI) }

func (vi) becauseOf(r Revision, m Metric) string { return "do " + revisionVI(r, m.VerbVI) }

func (vi) sourceChanged(c FallCause, dayBefore string) string {
	return fmt.Sprintf("theo %s, thay cho %s ngày %s", c.sourceVI(c.To), c.sourceVI(c.From), dayBefore)
}

func (vi) moreCauses(n int) string { return fmt.Sprintf("và %d nguyên nhân khác", n) }

func (vi) changes(since string, changes []string) string {
	return fmt.Sprintf("So với ngày %s, %s.", since, joinVI(changes))
}

func (vi) allDone(n int, m Metric) string {
	return fmt.Sprintf("Tất cả %d đơn vị đã hoàn thành chỉ tiêu %s.", n, m.VerbVI)
}

func (vi) done(us []Unit, m Metric) string {
	return fmt.Sprintf("Đơn vị %s đã hoàn thành chỉ tiêu %s.", unitsVI(us), m.VerbVI)
}

func (vi) topAndBottom(m Metric, top, bottom []Named) string {
	return fmt.Sprintf("Tỷ lệ %s cao nhất là %s; thấp nhất là %s.", m.VerbVI, rated(vi{}, top), rated(vi{}, bottom))
}

// among: "Đơn vị …" and "Tỷ lệ …" follow "Trong đó, " in lower case.
func (vi) among(first string) string { return "Trong đó, " + lowerSentence(first) }

func (vi) name(u Unit) string { return lowerFirst(u) }

func (vi) unitCount(n int) string { return fmt.Sprintf("%d đơn vị", n) }

func (vi) allOnTime(total int) string {
	return fmt.Sprintf("Tất cả %d đơn vị đã báo cáo đúng hạn.", total)
}

func (vi) onTime(n, total int) string {
	return fmt.Sprintf("%d/%d đơn vị báo cáo đúng hạn.", n, total)
}

func (vi) missing(names []string) string { return fmt.Sprintf("Chưa báo cáo: %s.", joinVI(names)) }

func (vi) late(names []string) string {
	return fmt.Sprintf("Báo cáo trễ hạn: %s.", joinVI(names))
}

func (vi) ended(end string) string { return fmt.Sprintf("Chiến dịch kết thúc ngày %s.", end) }

func (vi) outcome(in Input, m MetricDay, f MetricFacts) string { return outcomeVI(in, m, f) }

func (vi) untilEnd(days int, end string) string {
	return fmt.Sprintf("còn %d ngày đến hết chiến dịch (%s)", days, end)
}

func (vi) untilMilestone(days int, date string, ms *domain.Milestone, untilEnd string) string {
	return fmt.Sprintf("còn %d ngày đến mốc %s (%s) và %s", days, date, ms.LabelVI, untilEnd)
}

func (vi) left(s string) string { return "Hiện " + s + "." }

func (vi) pace(m Metric, perDay string) string {
	return fmt.Sprintf("%s bình quân %s %s/ngày", m.VerbVI, perDay, shortNoun(m.NounVI))
}

func (vi) paces(scope Unit, paces []string) string {
	return fmt.Sprintf("Để hoàn thành chỉ tiêu đúng hạn, %s cần %s.", scopeVI(scope), joinVI(paces))
}

func (vi) allAtRisk(n int, m Metric) string {
	return fmt.Sprintf("Tất cả %d đơn vị đều có nguy cơ không hoàn thành chỉ tiêu %s.", n, m.VerbVI)
}

func (vi) atRisk(m Metric, us []Unit, more int) string {
	return fmt.Sprintf("Có nguy cơ không hoàn thành chỉ tiêu %s: %s.", m.VerbVI, unitsWithMore(vi{}, us, more))
}
