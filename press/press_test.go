package press

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

func TestJoin(t *testing.T) {
	for _, c := range []struct {
		items  []string
		vi, en string
	}{
		{nil, "", ""},
		{[]string{"Thạnh Phú"}, "Thạnh Phú", "Thạnh Phú"},
		{[]string{"Thạnh Phú", "Châu Thành"}, "Thạnh Phú và Châu Thành", "Thạnh Phú and Châu Thành"},
		{[]string{"Thạnh Phú", "Châu Thành", "Ba Tri"}, "Thạnh Phú, Châu Thành và Ba Tri", "Thạnh Phú, Châu Thành and Ba Tri"},
	} {
		if got := joinVI(c.items); got != c.vi {
			t.Errorf("joinVI(%q) = %q, want %q", c.items, got, c.vi)
		}
		if got := joinEN(c.items); got != c.en {
			t.Errorf("joinEN(%q) = %q, want %q", c.items, got, c.en)
		}
	}
}

func u(code, name, full string, kind domain.UnitKind) Unit {
	return Unit{Code: code, Name: name, FullName: full, NameEN: name, Kind: kind, Leaf: kind == domain.KindCommune}
}

func TestScopeWords(t *testing.T) {
	for _, c := range []struct {
		unit Unit
		want string
	}{
		{u("VN", "Việt Nam", "Nước Cộng hòa Xã hội Chủ nghĩa Việt Nam", domain.KindNation), "toàn quốc"},
		{u("83", "Bến Tre", "Tỉnh Bến Tre", domain.KindProvince), "toàn tỉnh"},
		{u("31", "Hải Phòng", "Thành phố Hải Phòng", domain.KindProvince), "toàn thành phố"},
		{u("836", "Ba Tri", "Huyện Ba Tri", domain.KindDistrict), "toàn huyện"},
		{u("305", "Lê Chân", "Quận Lê Chân", domain.KindDistrict), "toàn quận"},
		{u("572", "Ninh Hòa", "Thị xã Ninh Hòa", domain.KindDistrict), "toàn thị xã"},
		{u("608", "Kon Tum", "Thành phố Kon Tum", domain.KindDistrict), "toàn thành phố"},
		{u("28756", "Tân Xuân", "Xã Tân Xuân", domain.KindCommune), "toàn xã"},
		{u("00004", "Ba Đình", "Phường Ba Đình", domain.KindCommune), "toàn phường"},
		{u("28759", "Ba Tri", "Thị trấn Ba Tri", domain.KindCommune), "toàn thị trấn"},
	} {
		if got := scopeVI(c.unit); got != c.want {
			t.Errorf("scopeVI(%s) = %q, want %q", c.unit.FullName, got, c.want)
		}
	}
}

func p(v int64) *int64 { return &v }

// TestTiesAndEmptyLists: units with equal rate and figure share a rank and
// are written together; a day with nothing completed, nobody late and no
// milestone left says so without empty lists.
func TestTiesAndEmptyLists(t *testing.T) {
	c := &domain.Campaign{Slug: "x", Name: "Chiến dịch thử", NameEN: "Test drive", Start: domain.MustDate("2023-12-15"), End: domain.MustDate("2023-12-30")}
	m := Metric{Key: "activated", NameVI: "Kích hoạt", NameEN: "Accounts activated", VerbVI: "kích hoạt", VerbEN: "activated", NounVI: "tài khoản ĐDĐT", NounEN: "e-ID accounts"}
	kids := []Figure{
		{Unit: u("1", "A", "Xã A", domain.KindCommune), Value: p(50), Quota: p(100), Rank: 1, OnTime: 1},
		{Unit: u("2", "B", "Xã B", domain.KindCommune), Value: p(50), Quota: p(100), Rank: 1, OnTime: 1},
		{Unit: u("3", "C", "Phường C", domain.KindCommune), Value: p(40), Quota: p(100), Rank: 3, Missing: 1},
		{Unit: u("4", "D", "Xã D", domain.KindCommune), Value: p(30), Quota: p(100), Rank: 4, OnTime: 1},
	}
	in := Input{Campaign: c, Scope: u("608", "Kon Tum", "Thành phố Kon Tum", domain.KindDistrict), Day: domain.MustDate("2023-12-20"),
		Metrics: []MetricDay{{Metric: m, Scope: Figure{Unit: u("608", "Kon Tum", "Thành phố Kon Tum", domain.KindDistrict), Value: p(170), Quota: p(400), Delta: p(0), OnTime: 3, Missing: 1}, Children: kids}}}
	e := Build(in)
	if e.VI.Lead != "Tính đến ngày 20/12/2023, toàn thành phố đã kích hoạt 170/400 tài khoản ĐDĐT, đạt tỷ lệ 42,5%." {
		t.Errorf("lead: %s", e.VI.Lead)
	}
	all := e.VI.Lead + "\n" + strings.Join(e.VI.Paragraphs, "\n")
	for _, want := range []string{
		"So với ngày 19/12/2023, số kích hoạt không đổi.",
		"Trong đó, tỷ lệ kích hoạt cao nhất là xã A và B (cùng 50%, đồng hạng); thấp nhất là xã D (30%) và phường C (40%).",
		"3/4 đơn vị báo cáo đúng hạn. Chưa báo cáo: phường C.",
		"Hiện còn 10 ngày đến hết chiến dịch (30/12/2023).",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
	for _, bad := range []string{": .", "gồm: ", "hoàn thành chỉ tiêu kích hoạt.", "  "} {
		if strings.Contains(all, bad) {
			t.Errorf("%q in:\n%s", bad, all)
		}
	}
	en := e.EN.Lead + "\n" + strings.Join(e.EN.Paragraphs, "\n")
	for _, want := range []string{
		"As of Dec 20, 2023, the city had activated 170 of 400 e-ID accounts (42.5%).",
		"The highest activated rates are A commune and B commune (tied at 50%); the lowest, D commune (30%) and C ward (40%).",
		"3 of 4 units reported on time. Not reported: C ward.",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("missing %q in:\n%s", want, en)
		}
	}
	// The whole column, both languages, as a golden file.
	golden(t, "tie", "vi: "+e.VI.Title+"\n"+all+"\n\nen: "+e.EN.Title+"\n"+en+"\n")
	// A hash proves the content: the same edition hashes the same.
	b1, _ := e.Marshal()
	e2 := Build(in)
	b2, _ := e2.Marshal()
	if e.Hash != e2.Hash || string(b1) != string(b2) || len(e.Hash) != 64 {
		t.Errorf("hashes %s and %s", e.Hash, e2.Hash)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./press -update writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
