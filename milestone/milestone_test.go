package milestone

import (
	"bytes"
	"slices"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

func ptr[T any](v T) *T { return &v }

// world is a province (scope) with two districts of two communes each.
func world() (*domain.Campaign, *domain.Unit, []Figure) {
	id := func(n int64) *int64 { return &n }
	prov := &domain.Unit{ID: 1, Code: "90", Kind: domain.KindProvince, ParentID: id(0)}
	formula := "=HYPERLINK(\"http://x\")"
	d1 := &domain.Unit{ID: 2, Code: "900", Kind: domain.KindDistrict, ParentID: id(1)}
	d2 := &domain.Unit{ID: 3, Code: "901", Kind: domain.KindDistrict, ParentID: id(1)}
	cs := []*domain.Unit{
		{ID: 4, Code: "90000", FullName: formula, Kind: domain.KindCommune, ParentID: id(2)},
		{ID: 5, Code: "90001", Kind: domain.KindCommune, ParentID: id(2)},
		{ID: 6, Code: "90100", Kind: domain.KindCommune, ParentID: id(3)},
		{ID: 7, Code: "90101", Kind: domain.KindCommune, ParentID: id(3)},
	}
	c := &domain.Campaign{Slug: "p", Start: domain.MustDate("2023-06-01"), End: domain.MustDate("2023-07-15"), MetricKeys: []string{"activated"},
		Rules: []domain.RulesVersion{{Version: 1, EffectiveFrom: domain.MustDate("2023-06-01"), Bands: domain.DefaultBands()},
			{Version: 2, EffectiveFrom: domain.MustDate("2023-06-15"), Bands: domain.DefaultBands()[:2]}}}
	fig := func(u *domain.Unit, v, q int64, rank int) Figure {
		r := float64(v) / float64(q)
		return Figure{Metric: "activated", Unit: u, StoredRank: rank,
			Point: Row{Figure: ptr(v), Quota: ptr(q), Rate: &r, Source: domain.SourceReported}}
	}
	figs := []Figure{fig(prov, 300, 400, 1), fig(d1, 150, 200, 1), fig(d2, 150, 200, 1),
		fig(cs[0], 50, 100, 3), fig(cs[1], 100, 100, 1), fig(cs[2], 50, 100, 3), fig(cs[3], 90, 100, 2)}
	return c, prov, figs
}

func TestRecord(t *testing.T) {
	c, scope, figs := world()
	ms := domain.Milestone{Date: domain.MustDate("2023-06-20"), LabelVI: "Mốc 1"}
	a, hash, err := Build(c, scope, ms, figs).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(figs)
	b, _, _ := Build(c, scope, ms, figs).Marshal()
	if !bytes.Equal(a, b) {
		t.Fatal("the record depends on the order of the figures")
	}
	rec, err := Unmarshal(a, hash)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Rules.Version != 2 || len(rec.Rankings) != 2 || rec.Rankings[0].Level != domain.KindDistrict {
		t.Fatalf("rules %d, %d rankings", rec.Rules.Version, len(rec.Rankings))
	}
	if w := rec.Rankings[1].Rows[3].Within; !slices.Equal(w, []string{"90", "901"}) && !slices.Equal(w, []string{"90", "900"}) {
		t.Errorf("within %v", w)
	}
	// Inside district 901: its two communes, renumbered (3 and 2 → 2 and 1).
	rows, ok := rec.View("activated", domain.KindCommune, "901")
	if !ok || len(rows) != 2 || rows[0].Unit.Code != "90101" || *rows[0].Rank != 1 || *rows[1].Rank != 2 {
		t.Fatalf("communes of 901: %+v", rows)
	}
	// The whole scope keeps the stored ranks, ties shared.
	rows, _ = rec.View("activated", domain.KindCommune, "90")
	if got := []int{*rows[0].Rank, *rows[1].Rank, *rows[2].Rank, *rows[3].Rank}; !slices.Equal(got, []int{1, 2, 3, 3}) {
		t.Errorf("ranks %v", got)
	}
	if _, ok := rec.View("activated", domain.KindVillage, "90"); ok {
		t.Error("a level the record lacks")
	}
	r := rows[2]
	same := &Current{Rank: r.Rank, Figure: r.Figure, Quota: r.Quota, Rate: r.Rate, Band: r.Band}
	if d := Diff(&r, same); len(d) != 0 {
		t.Errorf("no change: %v", d)
	}
	rate := 0.6
	moved := &Current{Rank: ptr(2), Figure: ptr(int64(60)), Quota: r.Quota, Rate: &rate, Band: ptr("X")}
	if d := Diff(&r, moved); !slices.Equal(d, []Change{ChangeRank, ChangeFigure, ChangeRate, ChangeBand}) {
		t.Errorf("changes %v", d)
	}
}

func TestWriteCSVFormulaCells(t *testing.T) {
	c, scope, figs := world()
	var b bytes.Buffer
	if err := WriteCSV(&b, Build(c, scope, domain.Milestone{Date: domain.MustDate("2023-06-20")}, figs)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte(`"'=HYPERLINK(""http://x"")"`)) || bytes.Contains(b.Bytes(), []byte(`,"=HYPERLINK`)) {
		t.Errorf("a formula-like name is not written as text:\n%s", b.String())
	}
}
