package press

import (
	"fmt"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// Revise decides whether cur, built from the current figures, is a new
// revision of the edition whose latest published revision is prev (rule
// 6): only when something published differs (a sentence, a table cell, a
// cell of the downloads). It then sets cur's đính chính: every item that
// differs, old → new, and the revisions of reports and quotas received
// since prev (causes), in both languages; and returns true. It returns
// false, and leaves cur without a notice, when nothing differs: cur must
// then not be published. With no prev, cur is the first revision.
func Revise(prev, cur *Edition, causes []Revision) bool {
	cur.CorrectionVI, cur.CorrectionEN, cur.Changes, cur.Causes = nil, nil, nil, nil
	if prev == nil {
		return true
	}
	changes := Diff(prev, cur)
	if len(changes) == 0 {
		return false
	}
	cur.Changes, cur.Causes = changes, causes
	cur.CorrectionVI, cur.CorrectionEN = notice(cur, "vi"), notice(cur, "en")
	return true
}

// metricOf returns a metric's words from the edition's tables.
func (e *Edition) metricOf(key string) Metric {
	for _, m := range e.Tables {
		if m.Metric.Key == key {
			return m.Metric
		}
	}
	return Metric{Key: key, NameVI: key, NameEN: key, VerbVI: key, VerbEN: key}
}

// maxCauses is the most causes a notice names before "and N more".
const maxCauses = 10

// notice writes the đính chính of a revision from its changes and causes.
func notice(e *Edition, lang string) *Text {
	en := numfmt.IsEN(lang)
	var sentences, cells int
	var items []string
	var row []string // the changed cells of the current row
	var rowKey, rowHead string
	flush := func() {
		if len(row) > 0 {
			items = append(items, rowHead+": "+strings.Join(row, "; ")+".")
		}
		row, rowKey = nil, ""
	}
	for _, c := range e.Changes {
		if c.Column == "" {
			flush()
			sentences++
			items = append(items, sentenceChange(c, en))
			continue
		}
		cells++
		if k := c.Metric + "/" + c.Unit.Code; k != rowKey {
			flush()
			rowKey, rowHead = k, rowHeading(e.metricOf(c.Metric), *c.Unit, c.Scope, en)
		}
		row = append(row, cellChange(c, en))
	}
	flush()
	var causes []string
	for i, r := range e.Causes {
		if i == maxCauses {
			if en {
				causes = append(causes, fmt.Sprintf("%d more", len(e.Causes)-maxCauses))
			} else {
				causes = append(causes, fmt.Sprintf("%d thay đổi khác", len(e.Causes)-maxCauses))
			}
			break
		}
		if en {
			causes = append(causes, revisionEN(r, e.metricOf(r.Metric).VerbEN))
		} else {
			causes = append(causes, revisionVI(r, e.metricOf(r.Metric).VerbVI))
		}
	}
	t := &Text{Paragraphs: items}
	if en {
		t.Title = "Correction"
		what := joinEN(counted(sentences, "sentence", "sentences", cells, "cell", "cells"))
		t.Lead = fmt.Sprintf("This edition replaces the one published before: %s changed", what)
		if len(causes) > 0 {
			t.Lead += ", after " + joinEN(causes)
		}
	} else {
		t.Title = "Đính chính"
		what := joinVI(counted(sentences, "câu", "câu", cells, "ô số liệu", "ô số liệu"))
		t.Lead = fmt.Sprintf("Bản tin này thay cho bản đã đăng trước: sửa %s", what)
		if len(causes) > 0 {
			t.Lead += ", do " + joinVI(causes)
		}
	}
	t.Lead += "."
	return t
}

func counted(a int, one, many string, b int, oneB, manyB string) []string {
	var out []string
	word := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	if a > 0 {
		out = append(out, word(a, one, many))
	}
	if b > 0 {
		out = append(out, word(b, oneB, manyB))
	}
	return out
}

func sentenceChange(c Change, en bool) string {
	old, now := c.OldVI, c.NewVI
	if en {
		old, now = c.OldEN, c.NewEN
	}
	switch {
	case old == "" && en:
		return fmt.Sprintf("Sentence added: “%s”", now)
	case old == "":
		return fmt.Sprintf("Thêm câu: “%s”", now)
	case now == "" && en:
		return fmt.Sprintf("Sentence removed: “%s”", old)
	case now == "":
		return fmt.Sprintf("Bỏ câu: “%s”", old)
	case en:
		return fmt.Sprintf("Sentence changed: “%s” → “%s”", old, now)
	}
	return fmt.Sprintf("Sửa câu: “%s” → “%s”", old, now)
}

// rowHeading names a row of the tables: "Bảng Kích hoạt, huyện Cát Hải",
// or the scope's own row, which only the CSV download has.
func rowHeading(m Metric, u Unit, scope, en bool) string {
	switch {
	case scope && en:
		return fmt.Sprintf("CSV download, %s, row of %s", m.NameEN, nameEN(u))
	case scope:
		return fmt.Sprintf("Tệp CSV, %s, dòng của %s", m.NameVI, lowerFirst(u))
	case en:
		return fmt.Sprintf("%s table, %s", m.NameEN, nameEN(u))
	}
	return fmt.Sprintf("Bảng %s, %s", m.NameVI, lowerFirst(u))
}

func cellChange(c Change, en bool) string {
	for _, col := range cellColumns {
		if col.csv != c.Column {
			continue
		}
		label, old, now := col.vi, c.OldVI, c.NewVI
		if en {
			label, old, now = col.en, c.OldEN, c.NewEN
		}
		if !col.inTable && !c.Scope {
			label += map[bool]string{false: " (tệp CSV)", true: " (CSV)"}[en]
		}
		return fmt.Sprintf("%s %s → %s", label, old, now)
	}
	return fmt.Sprintf("%s %s → %s", c.Column, c.OldVI, c.NewVI)
}

// revisionWords are the words naming a revision in one language; each
// format takes the metric's verb, the unit, the day and a number.
type revisionWords struct {
	lang                        string
	unit                        func(Unit) string
	quota, late, correct, cause string
}

var (
	revisionVIWords = revisionWords{"vi", lowerFirst, "chỉ tiêu %s của %s từ ngày %s là %s", "báo cáo trễ hạn số %s của %s ngày %s: %s",
		"đính chính số %s của %s ngày %s, bản %d: ", ", lý do “%s”"}
	revisionENWords = revisionWords{"en", nameEN, "the %s quota of %s from %s set to %s", "a late report of the %s figure of %s for %s: %s",
		"a correction of the %s figure of %s for %s, revision %d: ", ", reason “%s”"}
)

// revisionVI names a revision: "đính chính số kích hoạt của xã Tân Xuân
// ngày 13/06/2023, bản 2: 1.200 → 1.100, lý do “nhập trùng”".
func revisionVI(r Revision, verb string) string { return revisionText(r, verb, revisionVIWords) }

func revisionEN(r Revision, verb string) string { return revisionText(r, verb, revisionENWords) }

func revisionText(r Revision, verb string, w revisionWords) string {
	d, _ := domain.ParseDate(r.Day)
	day, who, value := numfmt.FormatDate(d, w.lang), w.unit(r.Unit), count(r.Value, w.lang)
	var s string
	switch {
	case r.Kind == "quota":
		s = fmt.Sprintf(w.quota, verb, who, day, value)
	case r.Revision <= 1:
		s = fmt.Sprintf(w.late, verb, who, day, value)
	default:
		s = fmt.Sprintf(w.correct, verb, who, day, r.Revision)
		if r.Previous != nil {
			s += count(*r.Previous, w.lang) + " → "
		}
		s += value
	}
	if r.Reason != "" {
		s += fmt.Sprintf(w.cause, r.Reason)
	}
	return s
}
