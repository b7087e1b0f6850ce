package demo

import (
	"fmt"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// Dataset is everything the demo loads, in the contract's row shapes.
type Dataset struct {
	Metrics   []domain.Metric // extra metrics; the five of the domain come with the schema
	Units     []domain.UnitRow
	Campaigns []domain.CampaignDef
	Quotas    []domain.QuotaRow
	// Reports are the first revision of every report; Corrections are later
	// revisions (each with a note) to load after them.
	Reports     []domain.ReportRow
	Corrections []domain.ReportRow
}

// Build assembles the dataset. It is deterministic: two builds are equal.
func Build() (*Dataset, error) {
	rows, err := Units()
	if err != nil {
		return nil, err
	}
	units := append([]domain.UnitRow(nil), rows...)
	units = append(units, agencies()...)
	w := newWorld(units)
	ds := &Dataset{Units: units}
	for _, plan := range []func(*world) *campaign{benTre, konTum, haiPhong, pleiku, khanhHoa, func(w *world) *campaign {
		return vinhLong2025(w, highest(ds, "activated_l2"))
	}} {
		c := plan(w)
		ds.Campaigns = append(ds.Campaigns, c.def)
		ds.Quotas = append(ds.Quotas, c.quotas...)
		reps, corr := c.emit()
		ds.Reports = append(ds.Reports, reps...)
		ds.Corrections = append(ds.Corrections, corr...)
	}
	return ds, nil
}

// highest returns each unit's highest figure of metric in ds so far.
func highest(ds *Dataset, metric string) map[string]int64 {
	out := map[string]int64{}
	for _, rs := range [][]domain.ReportRow{ds.Reports, ds.Corrections} {
		for _, r := range rs {
			if r.Metric == metric {
				out[r.UnitCode] = max(out[r.UnitCode], r.Value)
			}
		}
	}
	return out
}

// campaign is one campaign of the demo with its quotas and reports.
type campaign struct {
	def     domain.CampaignDef
	quotas  []domain.QuotaRow
	feed    *feed
	reports []domain.ReportRow // written directly, without a feed
}

// emit returns the campaign's reports and corrections.
func (c *campaign) emit() (reports, corrections []domain.ReportRow) {
	if c.feed == nil {
		return c.reports, nil
	}
	return c.feed.emit()
}

// quota appends a quota revision.
func (c *campaign) quota(unit, metric string, target int64, from domain.Date, reason, ref string) {
	c.quotas = append(c.quotas, domain.QuotaRow{Campaign: c.def.Slug, UnitCode: unit, Metric: metric,
		Target: target, EffectiveFrom: from, Reason: reason, Reference: ref})
}

// feed is how the units of one campaign report: their series (given by
// anchors), and how often they are late or silent.
type feed struct {
	slug    string
	metrics []string
	units   []string
	anchors map[string]map[string][]anchor // unit → metric → anchors
	press   map[domain.Date]bool           // days every unit reports on time
	missing float64                        // share of unit-days with no report
	late    float64                        // share of unit-days reported after the deadline
	fixes   int                            // how many reports get a correction
}

func newFeed(slug string, metrics []string, units []string) *feed {
	f := &feed{slug: slug, metrics: metrics, units: units, anchors: map[string]map[string][]anchor{},
		press: map[domain.Date]bool{}, missing: 0.02, late: 0.05, fixes: 4}
	for _, u := range units {
		f.anchors[u] = map[string][]anchor{}
	}
	return f
}

// set adds an anchor.
func (f *feed) set(unit, metric string, day domain.Date, value int64) {
	m := f.anchors[unit]
	if m == nil {
		panic("demo: unit " + unit + " does not report in " + f.slug)
	}
	m[metric] = append(m[metric], anchor{day, value})
}

// value returns an anchor's value.
func (f *feed) value(unit, metric string, day domain.Date) int64 {
	for _, a := range f.anchors[unit][metric] {
		if a.day == day {
			return a.value
		}
	}
	panic(fmt.Sprintf("demo: no anchor %s %s %s", unit, metric, day))
}

// seriesOf returns the full daily series of a unit and metric.
func (f *feed) seriesOf(unit, metric string) (domain.Date, []int64) {
	as := f.anchors[unit][metric]
	return as[0].day, series(f.slug+"|"+unit+"|"+metric, as)
}

var vietnam = time.FixedZone("ICT", 7*3600) // Asia/Ho_Chi_Minh has had no DST since 1975

// emit writes the reports: one per unit, metric and day, except the
// unit-days that stay silent; reported the evening of the day or the next
// morning before 07:30, or late; and a few corrected afterwards.
func (f *feed) emit() (reports, corrections []domain.ReportRow) {
	fixed := 0
	for _, u := range f.units {
		for _, m := range f.metrics {
			first, vals := f.seriesOf(u, m)
			last := first.AddDays(len(vals) - 1)
			fixAt := -1
			if fixed < f.fixes && jit(f.slug, u, m, "fix") < 0.08 && len(vals) > 6 {
				fixAt = 2 + int(jit(f.slug, u, m, "fixday")*float64(len(vals)-4))
			}
			for i, v := range vals {
				d := first.AddDays(i)
				if !f.press[d] && d != first && d != last && i != fixAt && jit(f.slug, u, d, "miss") < f.missing {
					continue
				}
				at := d.Time(vietnam).Add(17*time.Hour + time.Duration(jit(f.slug, u, d, "at")*855)*time.Minute)
				if !f.press[d] && jit(f.slug, u, d, "late") < f.late {
					at = d.AddDays(1).Time(vietnam).Add(8*time.Hour + time.Duration(jit(f.slug, u, d, "lateat")*360)*time.Minute)
				}
				r := domain.ReportRow{UnitCode: u, Metric: m, Date: d, Value: v, ReportedAt: at.UTC()}
				if i == fixAt && !f.press[d] && vals[i+1] > v && v > vals[i-1] {
					fix := r
					fix.ReportedAt = d.AddDays(2).Time(vietnam).Add(9*time.Hour + 30*time.Minute).UTC()
					if fixed%2 == 0 { // a stale figure copied from the day before, corrected upwards
						r.Value = vals[i-1]
						fix.Note = fmt.Sprintf("Đính chính số liệu ngày %s: báo cáo ban đầu chép nhầm số của ngày hôm trước", d.VI())
					} else { // a typing slip, corrected downwards
						r.Value = v + (vals[i+1]-v+1)/2
						fix.Note = fmt.Sprintf("Đính chính số liệu ngày %s: nhập thừa %d trường hợp do trùng hồ sơ", d.VI(), r.Value-v)
					}
					corrections = append(corrections, fix)
					fixed++
				}
				reports = append(reports, r)
			}
		}
	}
	return reports, corrections
}
