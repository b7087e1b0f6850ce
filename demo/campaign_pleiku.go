package demo

import (
	"github.com/tiendo-vn/tiendo/domain"
)

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
