package demo

import (
	"github.com/tiendo-vn/tiendo/domain"
)

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
