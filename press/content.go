package press

import (
	"strconv"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// What an edition publishes, item by item: every sentence of its text (in
// both languages) and every cell of its tables and of its CSV download (a
// row per metric and unit, the scope's own row in the CSV only). A later
// revision is published only when an item differs from the previous
// revision's, and its đính chính lists exactly the items that differ.

// Item is one published sentence or cell.
type Item struct {
	Key    string // "s/lead", "s/top/activated", "c/activated/317/figure"
	Metric string // for a cell
	Unit   Unit   // for a cell: the row's unit
	Column string // for a cell: the CSV column
	Scope  bool   // for a cell: the scope's own row (in the CSV only)
	Value  string // what is compared: the CSV value, or the sentence in both languages
	VI, EN string // as a reader sees it
}

// Change is an item of a later revision that differs from the previous
// revision's: added (Old empty), removed (New empty) or changed.
type Change struct {
	Key    string `json:"key"`
	Metric string `json:"metric,omitempty"`
	Unit   *Unit  `json:"unit,omitempty"`
	Column string `json:"column,omitempty"`
	Scope  bool   `json:"scope,omitempty"`
	OldVI  string `json:"oldVi"`
	NewVI  string `json:"newVi"`
	OldEN  string `json:"oldEn"`
	NewEN  string `json:"newEn"`
}

// cellColumns are the CSV columns compared cell by cell (the others name
// the row), with their words; inTable: also shown in the page's table.
var cellColumns = []struct {
	csv, vi, en string
	inTable     bool
}{
	{"rank", "hạng", "rank", true},
	{"rank_change", "thay đổi hạng", "rank change", false},
	{"unit_name", "tên đơn vị", "unit name", true},
	{"figure", "số liệu", "figure", true},
	{"quota", "chỉ tiêu", "quota", true},
	{"rate", "tỷ lệ", "rate", true}, // rate and rate_text: one item
	{"band", "xếp loại", "band", false},
	{"delta", "thay đổi so với ngày trước", "change since the day before", false},
	{"pace7d", "tốc độ bình quân 7 ngày", "7-day average pace", false},
	{"required_pace", "tốc độ cần đạt", "required pace", false},
	{"projected_completion", "ngày dự kiến hoàn thành", "projected completion", false},
	{"at_risk", "có nguy cơ không hoàn thành", "at risk", false},
	{"source", "nguồn số liệu", "source", false},
	{"on_time", "số đơn vị báo cáo đúng hạn", "units reporting on time", false},
	{"late", "số đơn vị báo cáo trễ hạn", "units reporting late", false},
	{"missing", "số đơn vị chưa báo cáo", "units not reporting", false},
}

// Items returns everything the edition publishes, in reading order.
func (e *Edition) Items() []Item { return e.items(!e.named()) }

// named tells whether the edition's sentences are named (editions stored
// before they were are compared paragraph by paragraph).
func (e *Edition) named() bool {
	return len(e.VI.Sentences) > 0 && len(e.VI.Sentences) == len(e.EN.Sentences)
}

func (e *Edition) items(paragraphs bool) []Item {
	var out []Item
	sentence := func(key, vi, en string) {
		it := Item{Key: "s/" + key, VI: vi, EN: en}
		if vi != "" || en != "" {
			it.Value = vi + "\x00" + en
		}
		out = append(out, it)
	}
	sentence("title", e.VI.Title, e.EN.Title)
	sentence("lead", e.VI.Lead, e.EN.Lead)
	if !paragraphs {
		for i, s := range e.VI.Sentences {
			sentence(s.Key, s.Text, e.EN.Sentences[i].Text)
		}
	} else { // stored before sentences were named: whole paragraphs
		for i := range max(len(e.VI.Paragraphs), len(e.EN.Paragraphs)) {
			sentence("p"+strconv.Itoa(i), at(e.VI.Paragraphs, i), at(e.EN.Paragraphs, i))
		}
	}
	sentence("legal", e.LegalRef, e.LegalRef)
	for _, m := range e.Tables {
		for i, f := range append([]Figure{m.Scope}, m.Children...) {
			row := csvRow(e, m, f)
			for _, col := range cellColumns {
				it := Item{Key: "c/" + m.Metric.Key + "/" + f.Unit.Code + "/" + col.csv, Metric: m.Metric.Key, Unit: f.Unit,
					Column: col.csv, Scope: i == 0, Value: row[csvIndex[col.csv]], VI: cellText(col.csv, f, row, "vi"), EN: cellText(col.csv, f, row, "en")}
				switch col.csv {
				case "rate":
					if it.Value != "" {
						it.Value += "|" + row[csvIndex["rate_text"]]
					}
				case "unit_name":
					it.Value += "|" + nameEN(f.Unit)
				}
				out = append(out, it)
			}
		}
	}
	return out
}

func at(ss []string, i int) string {
	if i < len(ss) {
		return ss[i]
	}
	return ""
}

var csvIndex = func() map[string]int {
	m := map[string]int{}
	for i, c := range CSVHeader {
		m[c] = i
	}
	return m
}()

// cellText writes a cell for a reader: numbers and dates in the language's
// forms, words for the codes.
func cellText(col string, f Figure, row []string, lang string) string {
	v := row[csvIndex[col]]
	en := numfmt.IsEN(lang)
	switch col {
	case "unit_name":
		if en {
			return nameEN(f.Unit)
		}
		return f.Unit.FullName
	case "rate":
		if r := rate(f, lang); r != "" {
			return r
		}
		return "–"
	}
	if v == "" {
		return "–"
	}
	switch col {
	case "rank", "rank_change", "figure", "quota", "delta", "on_time", "late", "missing":
		n, _ := strconv.ParseInt(v, 10, 64)
		return numfmt.FormatCount(n, lang)
	case "pace7d", "required_pace":
		return decimal(v, lang)
	case "projected_completion":
		if d, err := domain.ParseDate(v); err == nil {
			return numfmt.FormatDate(d, lang)
		}
	case "at_risk":
		return map[bool]map[string]string{false: {"true": "có", "false": "không"}, true: {"true": "yes", "false": "no"}}[en][v]
	case "source":
		return sourceWord(domain.Source(v), en)
	}
	return v
}

// decimal writes a CSV decimal ("1234.56") in a language's forms
// ("1.234,56" in Vietnamese).
func decimal(v, lang string) string {
	whole, frac, ok := strings.Cut(v, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return v
	}
	s := numfmt.FormatCount(n, lang)
	if ok {
		if numfmt.IsEN(lang) {
			s += "." + frac
		} else {
			s += "," + frac
		}
	}
	return s
}

func sourceWord(s domain.Source, en bool) string {
	words := map[domain.Source][2]string{
		domain.SourceReported: {"báo cáo của đơn vị", "the unit's own report"},
		domain.SourceRollup:   {"tổng số liệu các đơn vị trực thuộc", "the sum of its units"},
		domain.SourceCarried:  {"báo cáo gần nhất trước đó", "its latest earlier report"},
		domain.SourceNone:     {"không có số liệu", "no figure"},
	}
	w, ok := words[s]
	if !ok {
		return string(s)
	}
	if en {
		return w[1]
	}
	return w[0]
}

// blank is an item absent from an edition: an empty sentence, or a cell
// showing "–".
func blank(it Item) Item {
	it.Value, it.VI, it.EN = "", "", ""
	if it.Column != "" {
		it.VI, it.EN = "–", "–"
	}
	return it
}

// Diff lists the items of cur that differ from prev's: those changed or
// added in cur's order, then those removed.
func Diff(prev, cur *Edition) []Change {
	paragraphs := !prev.named() || !cur.named()
	old := map[string]Item{}
	prevItems := prev.items(paragraphs)
	for _, it := range prevItems {
		old[it.Key] = it
	}
	var out []Change
	add := func(was, now Item) {
		if was.Value == now.Value && was.VI == now.VI && was.EN == now.EN {
			return
		}
		if now.Column == "rate" && was.VI == now.VI && was.EN == now.EN {
			// The same rounded rate, another exact one (the CSV's): show that.
			raw := func(it Item) string { v, _, _ := strings.Cut(it.Value, "|"); return v }
			was.VI, was.EN, now.VI, now.EN = decimal(raw(was), "vi"), decimal(raw(was), "en"), decimal(raw(now), "vi"), decimal(raw(now), "en")
		}
		c := Change{Key: now.Key, Metric: now.Metric, Column: now.Column, Scope: now.Scope,
			OldVI: was.VI, NewVI: now.VI, OldEN: was.EN, NewEN: now.EN}
		if c.Column != "" {
			u := now.Unit
			c.Unit = &u
		}
		out = append(out, c)
	}
	seen := map[string]bool{}
	for _, it := range cur.items(paragraphs) {
		seen[it.Key] = true
		was, ok := old[it.Key]
		if !ok {
			was = blank(it)
		}
		add(was, it)
	}
	for _, it := range prevItems {
		if !seen[it.Key] {
			add(it, blank(it))
		}
	}
	return out
}
