package demo

import (
	"bytes"
	"encoding/csv"
	"sort"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/reform"
)

// vinhLong2025 is a campaign across the reform date: a summer 2025 drive in
// the three provinces that became the new Vĩnh Long (Bến Tre 83, Trà Vinh
// 84, Vĩnh Long 86 → Vĩnh Long 86). Until 30/06/2025 their old communes
// report; from 01/07/2025 the new communes do, each the sum of what its
// predecessors had (a split one shared evenly among its successors). No unit
// of either map covers the three provinces on both sides of the date, so
// its scope is the nation; read it on today's map (map: CURRENT) to see new
// Vĩnh Long's series continue backwards through its predecessors.
// floor is each unit's highest earlier figure of activated_l2 (figures are
// cumulative across campaigns: Bến Tre's communes counted in 2023 already).
func vinhLong2025(w *world, floor map[string]int64) *campaign {
	start, end := domain.MustDate("2025-06-16"), domain.MustDate("2025-07-15")
	c := &campaign{def: def("vinh-long-he-2025", "VN",
		"Đợt cao điểm hè 2025 kích hoạt tài khoản định danh điện tử mức 2: Bến Tre, Trà Vinh, Vĩnh Long (nay là tỉnh Vĩnh Long)",
		"Summer 2025 level-2 e-ID activation drive: Ben Tre, Tra Vinh, Vinh Long (now Vinh Long Province)",
		"Mô phỏng cho bản trình diễn: đợt cao điểm qua ngày sắp xếp đơn vị hành chính 01/07/2025",
		start, end, []string{"activated_l2"},
		ms("2025-07-01", "Tỉnh Vĩnh Long mới và các xã, phường mới bắt đầu báo cáo", "The new Vinh Long and its new communes start reporting"))}
	var old []string
	for _, p := range []string{"83", "84", "86"} {
		old = append(old, w.leaves(p)...)
	}
	quota := quotaSplit(w, old, 1_650_000, "vinh-long-2025")
	vals := map[string][]int64{}
	for _, u := range old {
		q := max(quota[u], floor[u]*13/10)
		quota[u] = q
		v0 := max(floor[u], int64(float64(q)*(0.58+0.08*jit("vl25", u, "from"))))
		vals[u] = series("vinh-long-2025|"+u, []anchor{{start, v0}, {end, v0 + int64(float64(q)*(0.2+0.12*jit("vl25", u, "to")))}})
		c.quota(u, "activated_l2", q, start, "Chỉ tiêu đợt cao điểm hè 2025 giao cho cấp xã", "")
	}
	report := func(u string, d domain.Date, v int64) {
		at := d.Time(vietnam).Add(17*time.Hour + time.Duration(jit("vl25", u, d)*300)*time.Minute)
		c.reports = append(c.reports, domain.ReportRow{UnitCode: u, Metric: "activated_l2", Date: d, Value: v, ReportedAt: at.UTC()})
	}
	for _, u := range old {
		for d := start; d < domain.Reform2025; d++ {
			report(u, d, vals[u][d-start])
		}
	}
	// After the reform: each new commune of Vĩnh Long reports the sum of its
	// predecessors' series, and gets the sum of their quotas.
	into, parts := successorsIn(old)
	var news []string
	for n := range into {
		news = append(news, n)
	}
	sort.Strings(news)
	for _, n := range news {
		var q int64
		for _, u := range into[n] {
			q += quota[u] / int64(parts[u])
		}
		c.quota(n, "activated_l2", q, domain.Reform2025, "Chỉ tiêu của xã, phường mới: tổng chỉ tiêu của các đơn vị hợp thành", "")
		for d := domain.Reform2025; d <= end; d++ {
			var v int64
			for _, u := range into[n] {
				v += vals[u][d-start] / int64(parts[u])
			}
			report(n, d, v)
		}
	}
	return c
}

// successorsIn returns, for the old units given, the new units they went
// into (new code → old codes) and how many new units each was split among.
func successorsIn(old []string) (into map[string][]string, parts map[string]int) {
	mine := map[string]bool{}
	for _, u := range old {
		mine[u] = true
	}
	recs, err := csv.NewReader(bytes.NewReader(reform.CrosswalkCSV)).ReadAll()
	if err != nil {
		panic("demo: the crosswalk: " + err.Error())
	}
	into, parts = map[string][]string{}, map[string]int{}
	for _, r := range recs[1:] { // old_code,old_kind,new_code,new_kind,kind,…
		if r[3] == "commune" && mine[r[0]] {
			into[r[2]] = append(into[r[2]], r[0])
			parts[r[0]]++
		}
	}
	return into, parts
}
