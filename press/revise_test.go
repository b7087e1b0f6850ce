package press

import (
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// world is a small campaign at district level: a city and four communes,
// one metric, on a day.
func world(day string) Input {
	c := &domain.Campaign{Slug: "x", Name: "Chiến dịch thử", NameEN: "Test drive", LegalRef: "Kế hoạch số 1/KH-UBND",
		Start: domain.MustDate("2023-12-15"), End: domain.MustDate("2023-12-30")}
	m := Metric{Key: "activated", NameVI: "Kích hoạt", NameEN: "Accounts activated", VerbVI: "kích hoạt", VerbEN: "activated",
		NounVI: "tài khoản ĐDĐT", NounEN: "e-ID accounts"}
	pace := func(v float64) *float64 { return &v }
	kids := []Figure{
		{Unit: u("1", "A", "Xã A", domain.KindCommune), Value: p(90), Quota: p(100), Delta: p(5), Rank: 1, OnTime: 1, Source: "REPORTED", Pace7d: pace(5), Band: "KHÁ"},
		{Unit: u("2", "B", "Xã B", domain.KindCommune), Value: p(60), Quota: p(100), Delta: p(4), Rank: 2, OnTime: 1, Source: "REPORTED", Pace7d: pace(4), Band: "TRUNG BÌNH"},
		{Unit: u("5", "E", "Xã E", domain.KindCommune), Value: p(50), Quota: p(100), Delta: p(3), Rank: 3, OnTime: 1, Source: "REPORTED", Pace7d: pace(3), Band: "TRUNG BÌNH"},
		{Unit: u("3", "C", "Phường C", domain.KindCommune), Value: p(40), Quota: p(100), Delta: p(2), Rank: 4, OnTime: 1, Source: "REPORTED", Pace7d: pace(2), AtRisk: true, Band: "TRUNG BÌNH"},
		{Unit: u("4", "D", "Xã D", domain.KindCommune), Value: p(30), Quota: p(100), Delta: p(1), Rank: 5, OnTime: 1, Source: "REPORTED", Pace7d: pace(1), AtRisk: true, Band: "CHẬM"},
	}
	scope := u("608", "Kon Tum", "Thành phố Kon Tum", domain.KindDistrict)
	return Input{Campaign: c, Scope: scope, Day: domain.MustDate(day),
		Metrics: []MetricDay{{Metric: m, Scope: Figure{Unit: scope, Value: p(270), Quota: p(500), Delta: p(15), OnTime: 5, Source: "ROLLUP",
			Pace7d: pace(12), RequiredPace: pace(18)}, Children: kids}}}
}

// column is an edition as a reader sees it, both languages, with its đính
// chính.
func column(e *Edition) string {
	var b strings.Builder
	for _, t := range []struct {
		lang string
		text Text
		fix  *Text
	}{{"vi", e.VI, e.CorrectionVI}, {"en", e.EN, e.CorrectionEN}} {
		b.WriteString(t.lang + ": " + t.text.Title + "\n" + t.text.Lead + "\n" + strings.Join(t.text.Paragraphs, "\n") + "\n")
		if t.fix != nil {
			b.WriteString(t.fix.Title + ": " + t.fix.Lead + "\n- " + strings.Join(t.fix.Paragraphs, "\n- ") + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestFallSaysOnlyAKnownCause (defect 1): a fall with no known cause says
// only that the total fell (it printed "do đính chính" / "a correction"
// for any fall); a change of source says so; a correction is named.
func TestFallSaysOnlyAKnownCause(t *testing.T) {
	in := world("2023-12-20")
	in.Metrics[0].Scope.Delta = p(-7)
	e := Build(in)
	all := column(e)
	if !strings.Contains(all, "số kích hoạt giảm 7.") || !strings.Contains(all, "activated fell by 7.") {
		t.Errorf("a fall of unknown cause:\n%s", all)
	}
	for _, bad := range []string{"đính chính", "correction"} {
		if strings.Contains(all, bad) {
			t.Errorf("a fall of unknown cause blamed on a correction (%q):\n%s", bad, all)
		}
	}

	// The city's own report, lower than its communes' sum the day before.
	in.Metrics[0].Scope.Source = "REPORTED"
	in.Metrics[0].Fall = []FallCause{{Unit: in.Scope, Scope: true, From: domain.SourceRollup, To: domain.SourceReported}}
	e = Build(in)
	golden(t, "fall-source", column(e))
	for _, want := range []string{
		"số kích hoạt giảm 7 (theo báo cáo của thành phố, thay cho tổng số liệu các đơn vị trực thuộc thành phố ngày 19/12/2023)",
		"activated fell by 7 (as reported by the city, in place of the sum of the figures of the units under the city on Dec 19, 2023)",
	} {
		if !strings.Contains(column(e), want) {
			t.Errorf("missing %q in:\n%s", want, column(e))
		}
	}

	// A commune's correction of the day.
	in.Metrics[0].Scope.Source = "ROLLUP"
	in.Metrics[0].Fall = []FallCause{{Unit: in.Metrics[0].Children[1].Unit, Correction: &Revision{Kind: "report",
		Unit: in.Metrics[0].Children[1].Unit, Metric: "activated", Day: "2023-12-20", Revision: 2, Value: 60, Previous: p(75), Reason: "nhập trùng"}}}
	e = Build(in)
	for _, want := range []string{
		"số kích hoạt giảm 7 (do đính chính số kích hoạt của xã B ngày 20/12/2023, bản 2: 75 → 60, lý do “nhập trùng”)",
		"activated fell by 7 (after a correction of the activated figure of B commune for Dec 20, 2023, revision 2: 75 → 60, reason “nhập trùng”)",
	} {
		if !strings.Contains(column(e), want) {
			t.Errorf("missing %q in:\n%s", want, column(e))
		}
	}
}

// TestReviseLateCorrections (defect 2): a late correction that changes the
// change-since-yesterday line lists that sentence and the cells it
// changed; one that changes only a table row lists that row; nothing
// changed publishes nothing. (Correct listed only changed figures: a
// changed line or pace went unsaid, and an unchanged edition got a new
// revision with an empty notice.)
func TestReviseLateCorrections(t *testing.T) {
	day := "2023-12-20"
	first := Build(world(day))
	if !Revise(nil, first, nil) || first.CorrectionVI != nil {
		t.Fatal("a first revision is published, without a notice")
	}
	if again := Build(world(day)); Revise(first, again, nil) {
		t.Errorf("an unchanged edition is a new revision: %v", again.Changes)
	}

	// 19/12 of commune B corrected down by 3: 20/12 rose 3 more than said.
	in := world(day)
	in.Metrics[0].Scope.Delta, in.Metrics[0].Children[1].Delta = p(18), p(7)
	fix := []Revision{{Kind: "report", Unit: in.Metrics[0].Children[1].Unit, Metric: "activated", Day: "2023-12-19", Revision: 2,
		Value: 53, Previous: p(56), Reason: "nhập trùng 3 hồ sơ"}}
	second := Build(in)
	if !Revise(first, second, fix) {
		t.Fatal("a changed change-since-yesterday line published nothing")
	}
	checkNotice(t, second, "s/change", "c/activated/608/delta", "c/activated/2/delta")
	golden(t, "correction-change-line", column(second))

	// A commune's figure corrected under a city that reports itself: only
	// its row changes.
	in = world(day)
	in.Metrics[0].Scope.Source = "REPORTED"
	prev := Build(in)
	in = world(day)
	in.Metrics[0].Scope.Source = "REPORTED"
	in.Metrics[0].Children[2].Value, in.Metrics[0].Children[2].Delta = p(51), p(4)
	cur := Build(in)
	fix = []Revision{{Kind: "report", Unit: in.Metrics[0].Children[2].Unit, Metric: "activated", Day: day, Revision: 2, Value: 51, Previous: p(50),
		Reason: "bổ sung"}}
	if !Revise(prev, cur, fix) {
		t.Fatal("a changed table cell published nothing")
	}
	checkNotice(t, cur, "c/activated/5/figure", "c/activated/5/rate", "c/activated/5/delta")
	golden(t, "correction-table-cell", column(cur))
}

// checkNotice checks that a revision's đính chính lists exactly keys, in
// both languages, each old and new value shown.
func checkNotice(t *testing.T, e *Edition, keys ...string) {
	t.Helper()
	var got []string
	for _, c := range e.Changes {
		got = append(got, c.Key)
		vi, en := strings.Join(e.CorrectionVI.Paragraphs, "\n"), strings.Join(e.CorrectionEN.Paragraphs, "\n")
		for _, s := range []string{c.OldVI, c.NewVI} {
			if !strings.Contains(vi, s) {
				t.Errorf("%s: %q not in the notice:\n%s", c.Key, s, vi)
			}
		}
		for _, s := range []string{c.OldEN, c.NewEN} {
			if !strings.Contains(en, s) {
				t.Errorf("%s: %q not in the notice:\n%s", c.Key, s, en)
			}
		}
	}
	if strings.Join(got, " ") != strings.Join(keys, " ") {
		t.Errorf("notice lists %v, want %v", got, keys)
	}
}

// TestEndedCampaignStatesOutcome (defect 4): on the last day no unit is
// "at risk"; the outcome is stated, with the final rates.
func TestEndedCampaignStatesOutcome(t *testing.T) {
	in := world("2023-12-30")
	in.Metrics[0].Children[0].Value, in.Metrics[0].Scope.Value = p(100), p(280)
	e := Build(in)
	all := column(e)
	for _, bad := range []string{"nguy cơ", "at risk", "At risk"} {
		if strings.Contains(all, bad) {
			t.Errorf("%q after the end:\n%s", bad, all)
		}
	}
	for _, want := range []string{
		"Chiến dịch kết thúc ngày 30/12/2023. Kết quả chỉ tiêu kích hoạt: toàn thành phố đạt 56% chỉ tiêu; 1 đơn vị đã hoàn thành chỉ tiêu: xã A (100%); 4 đơn vị chưa hoàn thành: xã B (60%), xã E (50%), phường C (40%) và xã D (30%).",
		"The campaign ended on Dec 30, 2023. Final result, accounts activated: the city reached 56% of its quota; 1 unit met its quota: A commune (100%); 4 units did not: B commune (60%), E commune (50%), C ward (40%) and D commune (30%).",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
	if len(e.Facts[0].AtRisk) != 0 || len(e.Facts[0].Unfinished) != 4 {
		t.Errorf("facts: at risk %v, not completed %v", e.Facts[0].AtRisk, e.Facts[0].Unfinished)
	}
	golden(t, "ended", all)
}

// TestReviseStoredWithoutNames: an edition stored before sentences were
// named is compared paragraph by paragraph: only the changed paragraph is
// listed.
func TestReviseStoredWithoutNames(t *testing.T) {
	old := Build(world("2023-12-20"))
	old.VI.Sentences, old.EN.Sentences = nil, nil
	in := world("2023-12-20")
	in.Metrics[0].Scope.Delta = p(18)
	cur := Build(in)
	if !Revise(old, cur, nil) {
		t.Fatal("a changed paragraph published nothing")
	}
	checkNotice(t, cur, "s/p0", "c/activated/608/delta")
}

// TestOutcomeCountsUnitsWithoutFigures: after the end, a unit with a quota
// and no figure did not complete; the outcome names it (found by a rules
// audit: it was left out, and the sentence said every unit had completed).
func TestOutcomeCountsUnitsWithoutFigures(t *testing.T) {
	in := world("2023-12-30")
	kids := in.Metrics[0].Children
	for i := range kids[:4] {
		kids[i].Value, kids[i].Rank = p(100), 1
	}
	kids[4].Value, kids[4].Rank, kids[4].Source, kids[4].OnTime, kids[4].Missing, kids[4].Delta, kids[4].Pace7d = nil, 0, "NONE", 0, 1, nil, nil
	in.Metrics[0].Scope.Value, in.Metrics[0].Scope.OnTime, in.Metrics[0].Scope.Missing = p(400), 4, 1
	e := Build(in)
	all := column(e)
	for _, want := range []string{
		"toàn thành phố đạt 80% chỉ tiêu; 4 đơn vị đã hoàn thành chỉ tiêu: xã A, xã B, xã E và phường C (cùng 100%, đồng hạng); 1 đơn vị chưa hoàn thành: xã D (chưa có số liệu).",
		"1 unit did not: D commune (no figure).",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
	for _, bad := range []string{"tất cả", "all 4"} {
		if strings.Contains(all, bad) {
			t.Errorf("%q when a unit never reported:\n%s", bad, all)
		}
	}
}
