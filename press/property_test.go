package press

import (
	"bytes"
	"encoding/csv"
	"flag"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// The property of rule 6 on random worlds with late corrections: the
// figures come from the engine; each day's bulletin is published, then
// reports are corrected or arrive late, one at a time, and the day's
// bulletin rebuilt and revised each time. For every revision after the
// first, the differences between its rendering (the sentences, the HTML
// tables in both languages, the CSV download) and the previous revision's,
// found here independently of Diff, are exactly those its đính chính lists;
// no đính chính is empty; no revision is the same as the one before; an
// edition Revise refuses differs in nothing. Also: no fall is given a
// cause the input did not give, and no unit is "at risk" after the end.

var flagWorlds = flag.Int("bulletin-worlds", 50, "how many random worlds TestRevisionsListEveryChange checks")

// stored is an edition as a later revision reads it: from its JSON.
func stored(t *testing.T, e *Edition) *Edition {
	t.Helper()
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(b, e.Hash)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRevisionsListEveryChange(t *testing.T) {
	t.Parallel()
	revisions, refused := 0, 0
	for seed := range uint64(*flagWorlds) {
		w := newWorld(seed)
		c := w.in.Campaign
		ins := w.inputs(t)
		prev := map[domain.Date]*Edition{}
		seen := map[domain.Date]rendering{} // prev's, as read
		for d := c.Start; d <= c.End; d++ {
			e := Build(ins[d])
			checkText(t, seed, e, ins[d])
			Revise(nil, e, nil)
			prev[d] = stored(t, e)
			seen[d] = render(t, prev[d])
		}
		for range 4 {
			cause := w.correct(c.End)
			ins = w.inputs(t)
			for d := c.Start; d <= c.End; d++ {
				cur := Build(ins[d])
				checkText(t, seed, cur, ins[d])
				now := render(t, cur)
				want := seen[d].diff(now)
				if !Revise(prev[d], cur, []Revision{cause}) {
					refused++
					if len(want) > 0 {
						t.Fatalf("world %d, %s: no revision, but the rendering changed: %v", seed, d, want)
					}
					continue
				}
				revisions++
				if len(want) == 0 {
					t.Fatalf("world %d, %s: a revision the same as the one before", seed, d)
				}
				if len(cur.Changes) == 0 || cur.CorrectionVI == nil || cur.CorrectionEN == nil || len(cur.CorrectionVI.Paragraphs) == 0 {
					t.Fatalf("world %d, %s: an empty đính chính", seed, d)
				}
				var listed []string
				for _, ch := range cur.Changes {
					listed = append(listed, changeKey(ch))
				}
				slices.Sort(listed)
				if !slices.Equal(listed, want) {
					t.Fatalf("world %d, %s: the đính chính lists\n%v\nthe rendering changed in\n%v", seed, d, listed, want)
				}
				checkNotice(t, cur, listedKeys(cur)...)
				prev[d], seen[d] = stored(t, cur), now
			}
		}
	}
	t.Logf("%d revisions checked, %d rebuilds with nothing changed", revisions, refused)
	if revisions == 0 || refused == 0 {
		t.Errorf("the worlds should give both revisions (%d) and unchanged rebuilds (%d)", revisions, refused)
	}
}

func listedKeys(e *Edition) []string {
	var out []string
	for _, c := range e.Changes {
		out = append(out, c.Key)
	}
	return out
}

func changeKey(c Change) string {
	if c.Column == "" {
		return c.Key
	}
	return "c/" + c.Metric + "/" + c.Unit.Code + "/" + c.Column
}

var (
	fallCause = regexp.MustCompile(`(giảm|fell by) [0-9.,]+ \(`)
	htmlTable = regexp.MustCompile(`(?s)<caption>(.*?)</caption>.*?<tbody>(.*?)</tbody>`)
	htmlRow   = regexp.MustCompile(`<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>`)
)

// checkText: the printed paragraphs are the named sentences; no fall has a
// cause the input did not give; nothing is at risk from the last day on.
func checkText(t *testing.T, seed uint64, e *Edition, in Input) {
	t.Helper()
	for _, tx := range []Text{e.VI, e.EN} {
		paras := make([][]string, len(tx.Paragraphs))
		for _, s := range tx.Sentences {
			paras[s.Para] = append(paras[s.Para], s.Text)
		}
		for i, p := range paras {
			if strings.Join(p, " ") != tx.Paragraphs[i] {
				t.Fatalf("world %d, %s: paragraph %d is not its sentences: %q", seed, e.Day, i, tx.Paragraphs[i])
			}
		}
		all := strings.Join(tx.Paragraphs, "\n")
		if fallCause.MatchString(all) {
			t.Fatalf("world %d, %s: a fall with a cause nobody gave:\n%s", seed, e.Day, all)
		}
		if in.Day >= in.Campaign.End && (strings.Contains(all, "nguy cơ") || strings.Contains(all, "at risk")) {
			t.Fatalf("world %d, %s: at risk after the end:\n%s", seed, e.Day, all)
		}
	}
}

// rendering is an edition as a reader gets it: the named sentences, the
// cells of the HTML tables (both languages) and of the CSV download, by
// key ("s/lead", "c/activated/00003/figure"; the rate and its text are one
// cell).
type rendering map[string]string

func render(t *testing.T, e *Edition) rendering {
	t.Helper()
	out := cells(t, e)
	for k, v := range sentences(e) {
		out["s/"+k] = v
	}
	return out
}

// diff returns the sorted keys whose values differ.
func (a rendering) diff(b rendering) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func sentences(e *Edition) map[string]string {
	out := map[string]string{"title": e.VI.Title + "|" + e.EN.Title, "lead": e.VI.Lead + "|" + e.EN.Lead, "legal": e.LegalRef}
	for i, s := range e.VI.Sentences {
		out[s.Key] = s.Text + "|" + e.EN.Sentences[i].Text
	}
	return out
}

// cells reads the CSV download and the HTML pages of an edition into
// "c/metric/unit/column" → value.
func cells(t *testing.T, e *Edition) map[string]string {
	t.Helper()
	out := map[string]string{}
	group := map[string]string{"rate_text": "rate"}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, e); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		for i, col := range rows[0] {
			switch col {
			case "campaign", "date", "scope_code", "metric", "unit_code":
				continue
			}
			g := col
			if x, ok := group[col]; ok {
				g = x
			}
			out["c/"+r[3]+"/"+r[6]+"/"+g] += "|" + r[i]
		}
	}
	codes := map[string]string{} // table caption and unit name → metric and code
	for _, m := range e.Tables {
		for _, ch := range m.Children {
			codes[m.Metric.NameVI+"|"+ch.Unit.FullName] = m.Metric.Key + "/" + ch.Unit.Code
			codes[m.Metric.NameEN+"|"+nameEN(ch.Unit)] = m.Metric.Key + "/" + ch.Unit.Code
		}
	}
	for _, lang := range []string{"vi", "en"} {
		var page bytes.Buffer
		if err := RenderHTML(&page, Page{Edition: e, Lang: lang}); err != nil {
			t.Fatal(err)
		}
		for _, tb := range htmlTable.FindAllStringSubmatch(page.String(), -1) {
			for _, r := range htmlRow.FindAllStringSubmatch(tb[2], -1) {
				id, ok := codes[tb[1]+"|"+r[2]]
				if !ok {
					t.Fatalf("table %q row %q: no such unit", tb[1], r[2])
				}
				for i, g := range map[int]string{1: "rank", 3: "figure", 4: "quota", 5: "rate"} {
					out["c/"+id+"/"+g] += "|" + lang + ":" + r[i]
				}
			}
		}
	}
	return out
}
