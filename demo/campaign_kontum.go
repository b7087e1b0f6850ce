package demo

import (
	"github.com/tiendo-vn/tiendo/domain"
)

// konTum: seed 002, Kon Tum city's 15-day drive of 15–30/12/2023. On
// 10/12/2023 the city had collected 109.609 applications of 141.485 citizens
// aged 14 and over, 81.238 accounts issued and 64.437 activated. Targets by
// the plan's rule: accounts issued on the first day plus 15% of the quota
// where under 50%, plus 10% where at or over; every issued account activated.
// Ineligible citizens found by 18/12 lower the quota of some communes.
func konTum(w *world) *campaign {
	before, start, end := domain.MustDate("2023-12-10"), domain.MustDate("2023-12-15"), domain.MustDate("2023-12-30")
	metrics := []string{"collected", "issued", "activated"}
	const ref = "Kế hoạch triển khai chiến dịch 15 ngày, đêm đăng ký, kích hoạt tài khoản ĐDĐT (theo Văn bản số 1888/CATP-QLHC ngày 13/12/2023 của Công an thành phố)"
	c := &campaign{def: def("kon-tum-15-ngay", "608",
		"Chiến dịch 15 ngày, đêm đăng ký, kích hoạt tài khoản định danh điện tử thành phố Kon Tum",
		"Kon Tum City 15-day e-ID registration and activation drive",
		"Kế hoạch của UBND thành phố Kon Tum triển khai chiến dịch 15 ngày, đêm thực hiện đăng ký, kích hoạt tài khoản Định danh điện tử (tiếp nối Kế hoạch số 260/KH-UBND ngày 15/11/2023)",
		start, end, metrics,
		ms("2023-12-18", "Hoàn thành rà soát công dân không đủ điều kiện để đề nghị hạ chỉ tiêu", "Ineligible citizens reviewed, quota reduction requested"),
		ms("2023-12-20", "Báo cáo kết quả của cán bộ, công chức, viên chức", "Staff results reported"),
		ms("2023-12-30", "Hoàn thành 100% chỉ tiêu kích hoạt", "All issued accounts activated"))}
	leaves := w.leaves("608")
	base := quotaSplit(w, leaves, 141485, "kon-tum")
	issued := spreadWide(81238, leaves, base, "kon-tum")
	collected := map[string]int64{}
	head := make([]float64, len(leaves))
	for i, u := range leaves {
		head[i] = float64(max(base[u]-issued[u], 0)) + 1
	}
	for i, v := range split(109609-81238, head) {
		collected[leaves[i]] = issued[leaves[i]] + v
	}
	aw := make([]float64, len(leaves))
	for i, u := range leaves {
		aw[i] = float64(issued[u]) * (0.7 + 0.2*jit(u, "act"))
	}
	activated := map[string]int64{}
	for i, v := range split(64437, aw) {
		activated[leaves[i]] = v
	}
	f := newFeed(c.def.Slug, metrics, leaves)
	f.press[before] = true
	f.press[start] = true
	for _, u := range leaves {
		ie := min(max(issued[u]+scale(base[u], 0.12+0.10*jit(u, "ie")), issued[u]), max(base[u], issued[u]))
		ae := max(activated[u], scale(ie, 0.90+0.09*jit(u, "ae")))
		ce := max(collected[u]+scale(base[u], 0.03), ie+scale(base[u], 0.01))
		f.set(u, "issued", before, issued[u])
		f.set(u, "issued", end, ie)
		f.set(u, "activated", before, activated[u])
		f.set(u, "activated", end, ae)
		f.set(u, "collected", before, collected[u])
		f.set(u, "collected", end, ce)
	}
	// The targets follow from each commune's accounts on the first day.
	for _, u := range leaves {
		first, vals := f.seriesOf(u, "issued")
		onStart := vals[start-first]
		c.quota(u, "collected", base[u], start, "Chỉ tiêu: công dân từ đủ 14 tuổi trở lên", ref)
		c.quota(u, "issued", IssuedTarget(onStart, base[u]), start, issuedReason(onStart, base[u]), ref)
		c.quota(u, "activated", onStart, start, "100% tài khoản đã được cấp (tính đến ngày 15/12/2023) phải được kích hoạt", ref)
		if jit(u, "ineligible") < 0.3 {
			cut := scale(base[u], 0.01+0.02*jit(u, "cut"))
			c.quota(u, "collected", base[u]-cut, domain.MustDate("2023-12-18"),
				"Hạ chỉ tiêu: loại trừ công dân không đủ điều kiện đăng ký tài khoản ĐDĐT sau rà soát", "Đề nghị Bộ Công an hạ chỉ tiêu, 18/12/2023")
		}
	}
	c.feed = f
	return c
}

// spreadWide is spread with a wider spread, so some communes are under half
// their quota and others over it.
func spreadWide(total int64, units []string, quota map[string]int64, seed string) map[string]int64 {
	ws := make([]float64, len(units))
	for i, u := range units {
		ws[i] = float64(quota[u]) * (0.6 + 0.8*jit(seed, u, "wide"))
	}
	out := map[string]int64{}
	for i, v := range split(total, ws) {
		out[units[i]] = v
	}
	return out
}

// IssuedTarget is seed 002's rule for a unit's accounts-issued target in
// the 15-day drive: its accounts on the first day plus 15% of its quota if
// those were under 50% of the quota, plus 10% if at or over; the added part
// is rounded up to a whole account, as a target is met only by whole ones.
func IssuedTarget(onStart, quota int64) int64 {
	pct := int64(10)
	if 2*onStart < quota {
		pct = 15
	}
	return onStart + (quota*pct+99)/100
}

func issuedReason(onStart, quota int64) string {
	if 2*onStart < quota {
		return "Chỉ tiêu chiến dịch: tài khoản được cấp dưới 50% chỉ tiêu, tăng thêm 15% chỉ tiêu"
	}
	return "Chỉ tiêu chiến dịch: tài khoản được cấp từ 50% chỉ tiêu trở lên, tăng thêm 10% chỉ tiêu"
}
