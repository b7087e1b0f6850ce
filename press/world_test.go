package press

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// A random world for the property test: a nation of a few provinces (some
// reporting themselves) with communes, quotas per province, daily reports
// with gaps, and late changes to them; its figures come from the engine.

type pworld struct {
	r       *rand.Rand
	in      engine.Input
	leaves  []*domain.Unit
	scope   *domain.Unit
	lastID  int64
	reports map[string]int // (unit, metric, day) → index in in.Reports
}

func (w *pworld) unit(kind domain.UnitKind, word string, parent *domain.Unit) *domain.Unit {
	w.lastID++
	name := fmt.Sprintf("%c%d", 'A'+rune(w.lastID%26), w.lastID)
	u := &domain.Unit{ID: w.lastID, Code: fmt.Sprintf("%05d", w.lastID), Name: name, FullName: word + " " + name, NameEN: name, Kind: kind}
	if parent != nil {
		u.ParentID = &parent.ID
	}
	w.in.Units = append(w.in.Units, u)
	return u
}

func newWorld(seed uint64) *pworld {
	r := rand.New(rand.NewPCG(seed, 0x62756c6c))
	w := &pworld{r: r, reports: map[string]int{}}
	start := domain.DateOf(2023, time.June, 1) + domain.Date(r.IntN(200))
	c := &domain.Campaign{ID: 1, Slug: "p", Name: "Chiến dịch", NameEN: "Drive", Start: start, End: start + domain.Date(4+r.IntN(10)),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: "Asia/Ho_Chi_Minh", MetricKeys: []string{"collected", "activated"}[:1+r.IntN(2)]}
	w.in.Campaign = c
	w.scope = w.unit(domain.KindNation, "Nước", nil)
	c.ScopeUnitID = w.scope.ID
	for range 2 + r.IntN(4) {
		p := w.unit(domain.KindProvince, "Tỉnh", w.scope)
		if r.IntN(3) == 0 {
			w.leaves = append(w.leaves, p) // reports itself
		}
		for range r.IntN(4) {
			w.leaves = append(w.leaves, w.unit(domain.KindCommune, []string{"Xã", "Phường"}[r.IntN(2)], p))
		}
		for _, m := range c.MetricKeys {
			w.in.Quotas = append(w.in.Quotas, domain.QuotaRevision{ID: w.lastID*10 + int64(len(w.in.Quotas)), CampaignID: 1, UnitID: p.ID,
				MetricKey: m, Target: int64(50 + r.IntN(400)), EffectiveFrom: start - 2, Reason: "test"})
		}
	}
	if len(w.leaves) == 0 { // someone reports
		w.leaves = append(w.leaves, w.in.Units[1])
	}
	for _, u := range w.leaves {
		for _, m := range c.MetricKeys {
			v := int64(r.IntN(100))
			for d := start - 3; d <= c.End; d++ {
				if r.IntN(4) > 0 {
					v += int64(r.IntN(40))
					w.report(u, m, d, v)
				}
			}
		}
	}
	w.in.From, w.in.To = start, c.End
	return w
}

func (w *pworld) report(u *domain.Unit, m string, d domain.Date, v int64) {
	k := fmt.Sprint(u.ID, m, d)
	if i, ok := w.reports[k]; ok {
		w.in.Reports[i].Value = v
		return
	}
	due := time.Date(d.UTC().Year(), d.UTC().Month(), d.UTC().Day()+1, 0, 0, 0, 0, time.UTC)
	w.reports[k] = len(w.in.Reports)
	w.in.Reports = append(w.in.Reports, engine.Report{UnitID: u.ID, Metric: m, Day: d, Value: v, FirstReportedAt: due})
}

// correct makes one late change: a report corrected (up or down) or a
// report that was missing arrives; it returns it as a cause.
func (w *pworld) correct(upTo domain.Date) Revision {
	c := w.in.Campaign
	u := w.leaves[w.r.IntN(len(w.leaves))]
	m := c.MetricKeys[w.r.IntN(len(c.MetricKeys))]
	d := c.Start - 1 + domain.Date(w.r.IntN(int(upTo-c.Start)+2))
	v := int64(w.r.IntN(800))
	if i, ok := w.reports[fmt.Sprint(u.ID, m, d)]; ok && w.r.IntN(2) == 0 {
		v = max(0, w.in.Reports[i].Value+int64(w.r.IntN(61)-30))
	}
	w.report(u, m, d, v)
	return Revision{Kind: "report", Unit: unitOfDomain(u), Metric: m, Day: d.String(), Revision: 2, Value: v, Reason: "sửa"}
}

func unitOfDomain(u *domain.Unit) Unit {
	return Unit{Code: u.Code, Name: u.Name, FullName: u.FullName, NameEN: u.NameEN, Kind: u.Kind, Leaf: u.Kind == domain.KindCommune}
}

// inputs computes the figures and returns each day's bulletin input.
func (w *pworld) inputs(t *testing.T) map[domain.Date]Input {
	t.Helper()
	c := w.in.Campaign
	byID := map[int64]*domain.Unit{}
	for _, u := range w.in.Units {
		byID[u.ID] = u
	}
	out := map[domain.Date]Input{}
	metrics := map[string]Metric{
		"collected": {Key: "collected", NameVI: "Thu nhận hồ sơ", NameEN: "Applications collected", VerbVI: "thu nhận", VerbEN: "collected", NounVI: "tài khoản ĐDĐT", NounEN: "e-ID accounts"},
		"activated": {Key: "activated", NameVI: "Kích hoạt", NameEN: "Accounts activated", VerbVI: "kích hoạt", VerbEN: "activated", NounVI: "tài khoản ĐDĐT", NounEN: "e-ID accounts"},
	}
	days := map[domain.Date]map[string]*MetricDay{}
	err := engine.Compute(w.in, func(day []engine.Figure) error { // one metric's day at a time
		for i := range day {
			f := &day[i]
			if f.UnitID != w.scope.ID && (f.ParentID == nil || *f.ParentID != w.scope.ID) {
				continue
			}
			if days[f.Day] == nil {
				days[f.Day] = map[string]*MetricDay{}
			}
			md := days[f.Day][f.Metric]
			if md == nil {
				md = &MetricDay{Metric: metrics[f.Metric]}
				days[f.Day][f.Metric] = md
			}
			pf := pressFigure(unitOfDomain(byID[f.UnitID]), f)
			if f.UnitID == w.scope.ID {
				md.Scope = pf
			} else {
				md.Children = append(md.Children, pf)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for d, byMetric := range days {
		in := Input{Campaign: c, Scope: unitOfDomain(w.scope), Day: d}
		for _, m := range c.MetricKeys {
			md := byMetric[m]
			sort.SliceStable(md.Children, func(i, j int) bool {
				a, b := md.Children[i], md.Children[j]
				if (a.Rank == 0) != (b.Rank == 0) {
					return b.Rank == 0
				}
				if a.Rank != b.Rank {
					return a.Rank < b.Rank
				}
				return a.Unit.Code < b.Unit.Code
			})
			in.Metrics = append(in.Metrics, *md)
		}
		out[d] = in
	}
	return out
}

func pressFigure(u Unit, f *engine.Figure) Figure {
	out := Figure{Unit: u, Delta: f.Delta, Rank: f.Rank, RankChange: f.RankChange, Band: f.Band, Source: string(f.Source),
		Pace7d: f.Pace7d, AtRisk: f.AtRisk, RequiredPace: f.RequiredPace, OnTime: f.OnTime, Late: f.Late, Missing: f.Missing}
	if f.HasValue {
		v := f.Value
		out.Value = &v
	}
	if f.HasQuota {
		q := f.Quota
		out.Quota = &q
	}
	if f.Projected != nil {
		out.Projected = f.Projected.String()
	}
	return out
}
