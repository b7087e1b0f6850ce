package demo

import (
	"github.com/tiendo-vn/tiendo/domain"
)

// The five campaigns are modelled on the seed documents. Where a document
// prints a figure, the demo's series pass through it exactly on that day;
// everything else is synthetic, deterministic and plausible. The 2023
// campaigns live in the pre-reform tree (the March 2025 list, the nearest
// official list we have to 2023: a few communes merged in 2024–2025 appear
// under their merged names).

func def(slug, scope, name, nameEN, ref string, start, end domain.Date, metrics []string, ms ...domain.Milestone) domain.CampaignDef {
	return domain.CampaignDef{ScopeCode: scope, Campaign: domain.Campaign{
		Slug: slug, Name: name, NameEN: nameEN, LegalRef: ref, Start: start, End: end,
		DeadlineMinutes: 7*60 + 30, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone,
		Bands: domain.DefaultBands(), MetricKeys: metrics, Milestones: ms,
	}}
}

func ms(day, vi, en string) domain.Milestone {
	return domain.Milestone{Date: domain.MustDate(day), LabelVI: vi, LabelEN: en}
}

// quotaSplit divides a scope's quota among its reporting units by their
// rough size.
func quotaSplit(w *world, leaves []string, total int64, seed string) map[string]int64 {
	ws := make([]float64, len(leaves))
	for i, c := range leaves {
		ws[i] = kindWeight(w.unit(c)) * (0.7 + 0.6*jit(seed, c, "size"))
	}
	out := map[string]int64{}
	for i, q := range split(total, ws) {
		out[leaves[i]] = q
	}
	return out
}

// sumOver adds up a per-unit map over some units.
func sumOver(m map[string]int64, units []string) int64 {
	var s int64
	for _, u := range units {
		s += m[u]
	}
	return s
}

// groupAnchors gives each group (district) a figure: the groups in fixed
// get exactly the rate the press printed (in basis points); the others share
// the rest of total in proportion to their quota, a little unevenly.
func groupAnchors(groups []string, quota map[string]int64, fixed map[string]int64, total int64, seed string) map[string]int64 {
	out := map[string]int64{}
	rest := total
	var free []string
	var ws []float64
	for _, g := range groups {
		if bp, ok := fixed[g]; ok {
			out[g] = figureFor(quota[g], bp)
			rest -= out[g]
			continue
		}
		free = append(free, g)
		ws = append(ws, float64(quota[g])*(0.96+0.08*jit(seed, g, "group")))
	}
	for i, v := range split(rest, ws) {
		out[free[i]] = v
	}
	return out
}

// spread divides a group's figure among its units in proportion to their
// quota, each unit a little off its group's rate (the same way for every
// metric, so a commune ahead on collection is ahead on activation too).
func spread(total int64, units []string, quota map[string]int64, seed string) map[string]int64 {
	ws := make([]float64, len(units))
	for i, u := range units {
		ws[i] = float64(quota[u]) * (0.9 + 0.2*jit(seed, u, "spread"))
	}
	out := map[string]int64{}
	for i, v := range split(total, ws) {
		out[units[i]] = v
	}
	return out
}

func scale(v int64, f float64) int64 { return int64(float64(v) * f) }

// benTre: seed 001. On 14/11/2023 the province had collected 822.139 and
// activated 663.614 of 930.767; Thạnh Phú and Châu Thành had completed
// collection and led activation (83,77% and 79,81%); Ba Tri (71,6% and
// 56,85%) and Mỏ Cày Bắc (77,49% and 68,36%) trailed.
func benTre(w *world) *campaign {
	start, end, press := domain.MustDate("2023-10-02"), domain.MustDate("2023-12-15"), domain.MustDate("2023-11-14")
	metrics := []string{"collected", "activated"}
	c := &campaign{def: def("ben-tre-cong-dan-so", "83",
		"Mô hình điểm “Công dân số” tỉnh Bến Tre",
		"Ben Tre “Digital Citizen” pilot",
		"Công văn số 7027/UBND-KSTT của Chủ tịch UBND tỉnh Bến Tre về tiếp tục đẩy nhanh tiến độ thu nhận, kích hoạt tài khoản định danh điện tử",
		start, end, metrics,
		ms("2023-12-15", "Hoàn thành chỉ tiêu thu nhận, kích hoạt tài khoản ĐDĐT", "Collection and activation quota due"))}
	leaves := w.leaves("83")
	quota := quotaSplit(w, leaves, 930767, "ben-tre")
	for _, u := range leaves {
		for _, m := range metrics {
			c.quota(u, m, quota[u], start, "Chỉ tiêu mô hình điểm “Công dân số” UBND tỉnh đăng ký với Tổ công tác triển khai Đề án 06 Chính phủ", "")
		}
	}
	districts := w.children["83"]
	dq := map[string]int64{}
	for _, d := range districts {
		dq[d] = sumOver(quota, w.leaves(d))
	}
	col := groupAnchors(districts, dq, map[string]int64{"837": 10045, "831": 10120, "836": 7160, "838": 7749}, 822139, "ben-tre-col")
	act := groupAnchors(districts, dq, map[string]int64{"837": 8377, "831": 7981, "836": 5685, "838": 6836}, 663614, "ben-tre-act")
	f := newFeed(c.def.Slug, metrics, leaves)
	f.press[press] = true
	for _, d := range districts {
		units := w.leaves(d)
		colC := spread(col[d], units, quota, "ben-tre")
		actC := spread(act[d], units, quota, "ben-tre")
		for _, u := range units {
			q := quota[u]
			cs, as := scale(colC[u], 0.78+0.08*jit(u, "c0")), scale(actC[u], 0.62+0.08*jit(u, "a0"))
			ce := max(colC[u], scale(q, 0.985+0.04*jit(u, "c1")))
			ae := max(actC[u], min(ce, scale(q, 0.86+0.12*jit(u, "a1"))))
			f.set(u, "collected", start, cs)
			f.set(u, "collected", press, colC[u])
			f.set(u, "collected", end, ce)
			f.set(u, "activated", start, as)
			f.set(u, "activated", press, actC[u])
			f.set(u, "activated", end, ae)
		}
	}
	c.feed = f
	return c
}

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

// haiPhong: seed 003. On 13/6/2023 the city had collected 887.301 and
// activated 449.470 of 1.167.685 (38,49%); Cát Hải and its 12 communes had
// completed, as had Du Lễ, Núi Đối (Kiến Thuỵ) and Tự Cường (Tiên Lãng);
// six districts were at 40% or more, seven below. Milestones 20/6, 30/6, 5/7
// and 15/7.
func haiPhong(w *world) *campaign {
	start, end, press := domain.MustDate("2023-06-01"), domain.MustDate("2023-07-15"), domain.MustDate("2023-06-13")
	metrics := []string{"collected", "activated"}
	c := &campaign{def: def("hai-phong-cao-diem", "31",
		"Cao điểm kích hoạt tài khoản định danh điện tử thành phố Hải Phòng",
		"Hai Phong e-ID activation push",
		"Chỉ đạo của Chủ tịch UBND thành phố Hải Phòng, Trưởng Ban Chỉ đạo Đề án 06 thành phố, tháng 6/2023",
		start, end, metrics,
		ms("2023-06-20", "Mốc kiểm tra, đánh giá thi đua lần 1", "First checkpoint"),
		ms("2023-06-30", "Mốc kiểm tra, đánh giá thi đua lần 2", "Second checkpoint"),
		ms("2023-07-05", "Hoàn thành mục tiêu theo chỉ đạo của Bộ trưởng Bộ Công an", "Target set by the Minister of Public Security"),
		ms("2023-07-15", "Hạn cuối: sau mốc này xem xét trách nhiệm", "Final deadline: accountability after this date"))}
	// Residents by district (thousands), to size the quotas.
	pop := map[string]float64{"303": 100, "304": 170, "305": 220, "306": 130, "307": 120, "308": 50, "309": 60,
		"311": 330, "312": 200, "313": 150, "314": 140, "315": 150, "316": 180, "317": 32, "318": 1}
	districts := w.children["31"]
	ws := make([]float64, len(districts))
	for i, d := range districts {
		ws[i] = pop[d]
	}
	dq := map[string]int64{}
	quota := map[string]int64{}
	for i, q := range split(1167685, ws) {
		d := districts[i]
		dq[d] = q
		for u, v := range quotaSplit(w, w.leaves(d), q, "hai-phong") {
			quota[u] = v
		}
	}
	leaves := w.leaves("31")
	for _, u := range leaves {
		for _, m := range metrics {
			c.quota(u, m, quota[u], start, "Chỉ tiêu kích hoạt tài khoản định danh điện tử được giao", "")
		}
	}
	// Activation by district on 13/6, in basis points, before scaling to the
	// press total (a test checks each district stays on its side of 40%).
	bp := map[string]int64{"314": 4290, "316": 4230, "315": 4170, "311": 4120, "309": 4090, "305": 4060,
		"308": 3600, "303": 3450, "313": 3350, "306": 3230, "307": 3150, "312": 3050, "304": 2950, "318": 5200}
	done := map[string]bool{}
	for _, u := range w.leaves("317") {
		done[u] = true
	}
	for _, p := range [][2]string{{"314", "Du Lễ"}, {"314", "Núi Đối"}, {"315", "Tự Cường"}} {
		if u := w.childByName(p[0], p[1]); u != "" {
			done[u] = true
		}
	}
	act := map[string]int64{}
	var fixedSum int64
	for u := range done {
		act[u] = scale(quota[u], 1.0+0.03*jit(u, "done"))
		fixedSum += act[u]
	}
	act["318"] = figureFor(quota["318"], bp["318"])
	fixedSum += act["318"]
	var open []string
	for _, d := range districts {
		if d == "317" || d == "318" {
			continue
		}
		open = append(open, d)
	}
	// The open districts' free communes share the rest in proportion to
	// what the printed rates give them, which scales every open district by
	// the same factor.
	var ws2 []float64
	var pending []string
	for _, d := range open {
		target := float64(dq[d])*(float64(bp[d])/10000) - float64(sumDone([]string{d}, w, done, act))
		var free []string
		for _, u := range w.leaves(d) {
			if !done[u] {
				free = append(free, u)
			}
		}
		freeQ := sumOver(quota, free)
		for _, u := range free {
			pending = append(pending, u)
			ws2 = append(ws2, max(target, 0)*float64(quota[u])/float64(freeQ)*(0.9+0.2*jit(u, "hp")))
		}
	}
	for i, v := range split(449470-fixedSum, ws2) {
		act[pending[i]] = v
	}
	col := map[string]int64{}
	head := make([]float64, len(leaves))
	for i, u := range leaves {
		head[i] = float64(max(quota[u]-act[u], 0))*(0.8+0.4*jit(u, "colhead")) + 1
	}
	for i, v := range split(887301-449470, head) {
		col[leaves[i]] = act[leaves[i]] + v
	}
	f := newFeed(c.def.Slug, metrics, leaves)
	f.press[press] = true
	for _, u := range leaves {
		q := quota[u]
		as := scale(act[u], 0.62+0.1*jit(u, "a0"))
		cs := max(as, scale(col[u], 0.85+0.07*jit(u, "c0")))
		ae := max(act[u], scale(q, 0.80+0.22*jit(u, "a1")))
		ce := max(ae, col[u], scale(q, 0.95+0.08*jit(u, "c1")))
		f.set(u, "activated", start, as)
		f.set(u, "activated", press, act[u])
		f.set(u, "activated", end, ae)
		f.set(u, "collected", start, cs)
		f.set(u, "collected", press, col[u])
		f.set(u, "collected", end, ce)
	}
	c.feed = f
	return c
}

// sumDone adds the figures of the completed communes of some districts.
func sumDone(districts []string, w *world, done map[string]bool, act map[string]int64) int64 {
	var s int64
	for _, d := range districts {
		for _, u := range w.leaves(d) {
			if done[u] {
				s += act[u]
			}
		}
	}
	return s
}

// pleiku: seed 000. TP. Pleiku had 31.426 accounts activated (5.310 at
// level 1, 26.116 at level 2), 16,96% of the 185.255 the Ministry set for
// 10/10/2023; communes report weekly on Tuesdays in the city's plan, daily
// here, and more often miss. Three city agencies track their own staff.
func pleiku(w *world) *campaign {
	start, end, press := domain.MustDate("2023-07-17"), domain.MustDate("2023-10-10"), domain.MustDate("2023-08-01")
	metrics := []string{"activated", "activated_l2"}
	c := &campaign{def: def("pleiku-dinh-danh", "622",
		"Đăng ký, kích hoạt tài khoản định danh điện tử thành phố Pleiku",
		"Pleiku City e-ID registration and activation",
		"Kế hoạch số 673/KH-UBND ngày 8/3/2023 của UBND TP. Pleiku; Công văn số 1043/CV-BCĐ ngày 10/4/2023 về đôn đốc, đẩy nhanh tiến độ thực hiện Đề án 06",
		start, end, metrics,
		ms("2023-08-10", "Phòng Nội vụ báo cáo kết quả của cán bộ, công chức, viên chức", "Staff results due from the Home Affairs office"),
		ms("2023-10-10", "Hạn hoàn thành chỉ tiêu Bộ Công an giao", "Quota set by the Ministry due"))}
	leaves := w.leaves("622")
	quota := quotaSplit(w, leaves, 185255, "pleiku")
	for _, u := range leaves {
		for _, m := range metrics {
			c.quota(u, m, quota[u], start, "Chỉ tiêu Bộ Công an giao, hoàn thành trước ngày 10/10/2023", "Kế hoạch số 673/KH-UBND ngày 8/3/2023")
		}
	}
	act := spreadWide(31426, leaves, quota, "pleiku")
	lw := make([]float64, len(leaves))
	for i, u := range leaves {
		lw[i] = float64(act[u]) * (0.75 + 0.2*jit(u, "l2"))
	}
	l2 := map[string]int64{}
	for i, v := range split(26116, lw) {
		l2[leaves[i]] = min(v, act[leaves[i]])
	}
	reporting := append(append([]string(nil), leaves...), agencyCodes...)
	f := newFeed(c.def.Slug, metrics, reporting)
	f.press[press] = true
	f.missing, f.late = 0.06, 0.08
	for _, u := range leaves {
		q := quota[u]
		ae := max(act[u], scale(q, 0.40+0.45*jit(u, "ae")))
		le := max(l2[u], scale(ae, 0.85+0.1*jit(u, "le")))
		f.set(u, "activated", start, scale(act[u], 0.8+0.1*jit(u, "a0")))
		f.set(u, "activated", press, act[u])
		f.set(u, "activated", end, ae)
		f.set(u, "activated_l2", start, scale(l2[u], 0.75+0.1*jit(u, "l0")))
		f.set(u, "activated_l2", press, l2[u])
		f.set(u, "activated_l2", end, le)
	}
	for i, a := range agencyCodes {
		staff := agencyStaff[i]
		for _, m := range metrics {
			c.quota(a, m, staff, start, "100% cán bộ, công chức, viên chức, người lao động có tài khoản ĐDĐT mức 2", "Công văn số 1043/CV-BCĐ ngày 10/4/2023")
			f.set(a, m, start, scale(staff, 0.55+0.1*jit(a, m)))
			f.set(a, m, end, scale(staff, 0.97+0.03*jit(a, m, "end")))
		}
	}
	c.feed = f
	return c
}

// The agencies of TP. Pleiku that track their own staff (seed 000 asks the
// city's agencies to lead by example). Their codes are ours: agencies are
// not in the official list.
var (
	agencyCodes = []string{"622-PNV", "622-CA", "622-PGDDT"}
	agencyStaff = []int64{46, 612, 2874}
)

func agencies() []domain.UnitRow {
	to := Reform.AddDays(-1)
	return []domain.UnitRow{
		{Code: "622-PNV", Name: "Phòng Nội vụ", FullName: "Phòng Nội vụ thành phố Pleiku", NameEN: "Pleiku Home Affairs Office", Kind: domain.KindAgency, ParentCode: "622", ValidTo: &to},
		{Code: "622-CA", Name: "Công an thành phố", FullName: "Công an thành phố Pleiku", NameEN: "Pleiku City Police", Kind: domain.KindAgency, ParentCode: "622", ValidTo: &to},
		{Code: "622-PGDDT", Name: "Phòng Giáo dục và Đào tạo", FullName: "Phòng Giáo dục và Đào tạo thành phố Pleiku", NameEN: "Pleiku Education and Training Office", Kind: domain.KindAgency, ParentCode: "622", ValidTo: &to},
	}
}

// khanhHoa: seed 004. Before 30/6/2023: chip ID cards for every eligible
// citizen and an e-ID account issued for each. The document prints no
// figures; these are synthetic.
func khanhHoa(w *world) *campaign {
	start, end := domain.MustDate("2023-06-05"), domain.MustDate("2023-06-30")
	metrics := []string{"cccd_issued", "issued"}
	c := &campaign{def: def("khanh-hoa-30-6", "56",
		"Hoàn thành thu nhận, cấp căn cước công dân và tài khoản định danh điện tử trước ngày 30/6/2023",
		"Khanh Hoa: chip ID cards and e-ID accounts before 30 June 2023",
		"Thông báo kết luận của Thường trực Ban Chỉ đạo thực hiện Nghị quyết số 30 của Ban Thường vụ Tỉnh ủy Khánh Hòa (họp ngày 5/6/2023)",
		start, end, metrics,
		ms("2023-06-10", "Thành lập Ban Chỉ đạo cấp xã", "Commune steering committees set up"),
		ms("2023-06-20", "Kế hoạch kích hoạt mức 2 tại cơ quan, đơn vị", "Level-2 activation plans in agencies"),
		ms("2023-06-30", "Hoàn thành 100% thu nhận, cấp CCCD và tài khoản ĐDĐT", "All chip ID cards and e-ID accounts issued"))}
	leaves := w.leaves("56")
	cq := quotaSplit(w, leaves, 968412, "khanh-hoa")
	iq := map[string]int64{}
	for u, q := range cq {
		iq[u] = scale(q, 0.9+0.06*jit(u, "iq"))
	}
	for _, u := range leaves {
		c.quota(u, "cccd_issued", cq[u], start, "Công dân đủ điều kiện cấp căn cước công dân", "")
		c.quota(u, "issued", iq[u], start, "Tài khoản định danh điện tử phải được cấp", "")
	}
	f := newFeed(c.def.Slug, metrics, leaves)
	for _, u := range leaves {
		c0 := scale(cq[u], 0.86+0.08*jit(u, "c0"))
		i0 := scale(iq[u], 0.5+0.15*jit(u, "i0"))
		f.set(u, "cccd_issued", start, c0)
		f.set(u, "cccd_issued", end, max(c0, scale(cq[u], 0.96+0.05*jit(u, "c1"))))
		f.set(u, "issued", start, i0)
		f.set(u, "issued", end, max(i0, scale(iq[u], 0.72+0.28*jit(u, "i1"))))
	}
	c.feed = f
	return c
}
