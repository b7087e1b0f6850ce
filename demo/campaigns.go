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
