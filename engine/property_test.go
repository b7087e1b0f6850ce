package engine_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
	"github.com/tiendo-vn/tiendo/engine/enginetest"
)

// computeFunc is engine.Compute or enginetest.Reference.
type computeFunc func(engine.Input, func([]engine.Figure) error) error

// collect runs a computation and returns its figures, days in emit order.
func collect(tb testing.TB, compute computeFunc, in engine.Input) [][]engine.Figure {
	tb.Helper()
	var days [][]engine.Figure
	if err := compute(in, func(day []engine.Figure) error {
		days = append(days, append([]engine.Figure(nil), day...)) // the engine reuses its slice
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return days
}

// fieldDiff lists the fields in which two figures differ, pointers compared
// by what they point to, as "Field: engine X, reference Y".
func fieldDiff(got, want engine.Figure) []string {
	var out []string
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		g, w := gv.Field(i), wv.Field(i)
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			out = append(out, fmt.Sprintf("%s: engine %s, reference %s", gv.Type().Field(i).Name, show(g), show(w)))
		}
	}
	return out
}

func show(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "nil"
		}
		return "&" + show(v.Elem())
	}
	if d, ok := v.Interface().(domain.Date); ok {
		return d.String()
	}
	return fmt.Sprintf("%v", v.Interface())
}

// describe names a figure for a failure message.
func describe(f engine.Figure) string {
	return fmt.Sprintf("%s %s unit %d (%s %s)", f.Metric, f.Day, f.UnitID, f.Kind, f.Code)
}

// compareEngine runs the engine and the reference on in and returns their
// differences, at most limit of them, one figure per line.
func compareEngine(tb testing.TB, in engine.Input, limit int) []string {
	tb.Helper()
	got, want := collect(tb, engine.Compute, in), collect(tb, enginetest.Reference, in)
	var diffs []string
	if len(got) != len(want) {
		return []string{fmt.Sprintf("engine emitted %d days, reference %d", len(got), len(want))}
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			diffs = append(diffs, fmt.Sprintf("day %d: engine %d figures, reference %d", i, len(got[i]), len(want[i])))
			continue
		}
		for j := range want[i] {
			if d := fieldDiff(got[i][j], want[i][j]); len(d) > 0 {
				diffs = append(diffs, describe(want[i][j])+":\n\t"+strings.Join(d, "\n\t"))
				if len(diffs) >= limit {
					return diffs
				}
			}
		}
	}
	return diffs
}

// figureOf finds one unit's figure for a metric and day.
func figureOf(tb testing.TB, days [][]engine.Figure, metric string, day domain.Date, unit int64) engine.Figure {
	tb.Helper()
	for _, fs := range days {
		for _, f := range fs {
			if f.Metric == metric && f.Day == day && f.UnitID == unit {
				return f
			}
		}
	}
	tb.Fatalf("no figure for %s %s unit %d", metric, day, unit)
	return engine.Figure{}
}

// A world generator: random trees, quotas with revisions, report histories
// with gaps, late reports, corrections and direct parent reports.

// zones: Vietnam's, and others whose deadlines fall on the previous or the
// same UTC day, or cross a change to or from summer time.
var zones = []string{"Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh", "UTC", "Asia/Kolkata", "Pacific/Kiritimati",
	"Pacific/Pago_Pago", "America/New_York", "Europe/London", "Australia/Sydney"}

type gen struct {
	r      *rand.Rand
	in     engine.Input
	nextID int64
	codes  map[domain.UnitKind]int
	small  bool  // small numbers, so that ties are common
	scale  int64 // a multiplier: 1, or large enough that products overflow int64
}

func (g *gen) id() int64 { g.nextID++; return g.nextID }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// day returns a day in [lo, hi].
func (g *gen) day(lo, hi domain.Date) domain.Date { return lo + domain.Date(g.r.IntN(int(hi-lo)+1)) }

func (g *gen) unit(kind domain.UnitKind, parent *domain.Unit, from, to *domain.Date) *domain.Unit {
	g.codes[kind]++
	u := &domain.Unit{ID: g.id(), Code: fmt.Sprintf("%s%03d", string(kind)[:2], g.codes[kind]), Kind: kind, ValidFrom: from, ValidTo: to}
	if parent != nil {
		pid := parent.ID
		u.ParentID = &pid
	}
	g.in.Units = append(g.in.Units, u)
	return u
}

// validity returns a random validity period, mostly "always".
func (g *gen) validity() (*domain.Date, *domain.Date) {
	c := g.in.Campaign
	var from, to *domain.Date
	if g.chance(0.1) {
		d := g.day(c.Start-3, c.End)
		from = &d
	}
	if g.chance(0.1) {
		lo := c.Start - 2
		if from != nil {
			lo = *from
		}
		d := g.day(lo, c.End)
		to = &d
	}
	return from, to
}

func (g *gen) tree() {
	nation := g.unit(domain.KindNation, nil, nil, nil)
	for range 1 + g.r.IntN(3) {
		p := g.unit(domain.KindProvince, nation, nil, nil)
		g.agencies(p)
		for range g.r.IntN(4) {
			from, to := g.validity()
			d := g.unit(domain.KindDistrict, p, from, to)
			g.agencies(d)
			for range g.r.IntN(5) {
				from, to := g.validity()
				cm := g.unit(domain.KindCommune, d, from, to)
				if g.chance(0.1) {
					for range 1 + g.r.IntN(2) {
						g.unit(domain.KindVillage, cm, nil, nil)
					}
				}
			}
		}
		if g.chance(0.3) { // after the 2025 reform, communes hang under provinces
			for range 1 + g.r.IntN(3) {
				from, to := g.validity()
				g.unit(domain.KindCommune, p, from, to)
			}
		}
	}
}

func (g *gen) agencies(parent *domain.Unit) {
	if !g.chance(0.25) {
		return
	}
	for range 1 + g.r.IntN(2) {
		a := g.unit(domain.KindAgency, parent, nil, nil)
		if g.chance(0.3) {
			g.unit(domain.KindAgency, a, nil, nil)
		}
	}
}

func (g *gen) amount(max int64) int64 {
	if g.small {
		return int64(g.r.IntN(5)) * 10
	}
	return g.r.Int64N(max+1) * g.scale
}

func (g *gen) quotas() {
	c := g.in.Campaign
	for _, u := range g.in.Units {
		for _, m := range c.MetricKeys {
			if !g.chance(0.45) {
				continue
			}
			eff := c.Start - domain.Date(g.r.IntN(3))
			for range 1 + g.r.IntN(3) {
				target := g.amount(3000)
				if g.small {
					target = int64(1+g.r.IntN(4)) * 20
				}
				if g.chance(0.05) {
					target = 0
				}
				g.in.Quotas = append(g.in.Quotas, domain.QuotaRevision{ID: g.id(), CampaignID: c.ID, UnitID: u.ID,
					MetricKey: m, Target: target, EffectiveFrom: eff, Reason: "test"})
				if !g.chance(0.2) { // sometimes two revisions take effect the same day
					eff = g.day(eff, c.End+1)
				}
			}
		}
	}
	g.r.Shuffle(len(g.in.Quotas), func(i, j int) { g.in.Quotas[i], g.in.Quotas[j] = g.in.Quotas[j], g.in.Quotas[i] })
}

func (g *gen) reports() {
	c := g.in.Campaign
	loc := c.Location()
	for _, u := range g.in.Units {
		for _, m := range c.MetricKeys {
			if g.chance(0.15) {
				continue // never reports
			}
			p := 0.2 + 0.8*g.r.Float64()
			first := g.day(c.Start-15, c.End)
			var value int64
			if !g.small {
				value = g.r.Int64N(500) * g.scale
			}
			for d := first; d <= c.End+2; d++ {
				if !u.ValidOn(d) || !g.chance(p) {
					continue
				}
				switch {
				case g.chance(0.08): // a correction lowering the figure
					value = max(0, value-g.amount(100))
				default:
					value += g.amount(150)
				}
				y, mo, dd := d.UTC().Date()
				due := time.Date(y, mo, dd+int(c.DeadlineDays), int(c.DeadlineMinutes)/60, int(c.DeadlineMinutes)%60, 0, 0, loc)
				var at time.Time
				switch g.r.IntN(6) {
				case 0:
					at = due // exactly on the deadline: on time
				case 1:
					at = due.Add(time.Nanosecond) // a hair late
				case 2:
					at = due.Add(time.Duration(g.r.Int64N(int64(72 * time.Hour)))) // late
				default:
					at = due.Add(-time.Duration(g.r.Int64N(int64(30 * time.Hour)))) // on time
				}
				// Corrected reports: some revision counts above 1, drawn from the day
				// rather than the generator so that every seed keeps its world.
				g.in.Reports = append(g.in.Reports, engine.Report{UnitID: u.ID, Metric: m, Day: d, Value: value,
					Revision: 1 + int(d-first)%3, FirstReportedAt: at})
			}
		}
	}
	g.r.Shuffle(len(g.in.Reports), func(i, j int) { g.in.Reports[i], g.in.Reports[j] = g.in.Reports[j], g.in.Reports[i] })
}

func genWorld(seed uint64) engine.Input {
	r := rand.New(rand.NewPCG(seed, 0x7469656e646f))
	g := &gen{r: r, codes: map[domain.UnitKind]int{}, small: r.IntN(3) == 0, scale: 1}
	if r.IntN(6) == 0 {
		g.scale = 1_000_000_003 // figure × quota beyond int64, figures still exact in float64
	}
	start := domain.DateOf(2023, time.June, 1) + domain.Date(r.IntN(400))
	end := start + domain.Date(r.IntN(30))
	metrics := []string{"collected", "issued", "activated"}
	r.Shuffle(len(metrics), func(i, j int) { metrics[i], metrics[j] = metrics[j], metrics[i] })
	c := &domain.Campaign{ID: 1, Slug: "p", Start: start, End: end,
		DeadlineMinutes: []int32{450, 0, 30, 1380, 1439}[r.IntN(5)], DeadlineDays: int32(r.IntN(2)),
		TimeZone: zones[r.IntN(len(zones))], MetricKeys: metrics[:1+r.IntN(2)]}
	switch r.IntN(4) {
	case 0:
		c.Bands = []domain.Band{{Key: "A", Min: 0.9}, {Key: "B", Min: 0.5}, {Key: "C", Min: 0.25}}
	case 1:
		c.Bands = nil // the default bands
	default:
		c.Bands = domain.DefaultBands()
	}
	if r.IntN(3) == 0 {
		// Rules versions: the bands changed from some days on, possibly
		// more than once, a later version possibly from an earlier day.
		c.Rules = []domain.RulesVersion{{Version: 1, EffectiveFrom: start, Bands: c.Bands}}
		for v := 2; v <= 2+r.IntN(3); v++ {
			bands := []domain.Band{{Key: "X", Min: 0.8 + 0.1*float64(r.IntN(3))}, {Key: "Y", Min: 0.3}, {Key: "Z", Min: 0}}
			c.Rules = append(c.Rules, domain.RulesVersion{Version: v, EffectiveFrom: start + domain.Date(r.IntN(35)) - 3, Bands: bands})
		}
		r.Shuffle(len(c.Rules), func(i, j int) { c.Rules[i], c.Rules[j] = c.Rules[j], c.Rules[i] })
	}
	g.in.Campaign = c
	g.tree()
	g.quotas()
	g.reports()
	g.in.From = g.day(start, end)
	g.in.To = g.day(g.in.From, end)
	if r.IntN(3) == 0 {
		g.in.From = start
	}
	return g.in
}

var (
	flagWorlds = flag.Int("worlds", 400, "how many random worlds TestEngineMatchesReference checks")
	flagWorld  = flag.Int("world", -1, "check only this world (its seed), to reproduce a failure")
)

// TestEngineMatchesReference is the property test: on many random worlds,
// the engine and the reference agree on every unit, metric and day, field by
// field.
func TestEngineMatchesReference(t *testing.T) {
	t.Parallel()
	lo, hi := 0, *flagWorlds
	if testing.Short() {
		hi = min(hi, 60)
	}
	if *flagWorld >= 0 {
		lo, hi = *flagWorld, *flagWorld+1
	}
	for i := lo; i < hi; i++ {
		seed := uint64(i)
		in := genWorld(seed)
		if diffs := compareEngine(t, in, 5); len(diffs) > 0 {
			t.Fatalf("world %d (rerun with -world %[1]d; %d units, %d reports, %s..%s of %s..%s, %s, deadline %d min +%d days): engine and reference differ:\n%s",
				seed, len(in.Units), len(in.Reports), in.From, in.To, in.Campaign.Start, in.Campaign.End,
				in.Campaign.TimeZone, in.Campaign.DeadlineMinutes, in.Campaign.DeadlineDays, strings.Join(diffs, "\n"))
		}
	}
}

// TestResumeMatchesCompute checks Resume: on random worlds, a checkpoint
// taken at From, then reports and quota revisions of days from From on
// changed (new reports, revised values, a new quota), resuming from it
// gives every figure computing the changed world from scratch gives.
func TestResumeMatchesCompute(t *testing.T) {
	t.Parallel()
	lo, hi := 0, *flagWorlds/2
	if testing.Short() {
		hi = min(hi, 40)
	}
	if *flagWorld >= 0 {
		lo, hi = *flagWorld, *flagWorld+1
	}
	resumed := 0
	for i := lo; i < hi; i++ {
		seed := uint64(i)
		in := genWorld(seed)
		cp, err := engine.Resume(in, nil, func([]engine.Figure) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		changed := changeFromOn(in, rand.New(rand.NewPCG(seed, 6)))
		var cp2 *engine.Checkpoint
		got := collect(t, func(in engine.Input, emit func([]engine.Figure) error) error {
			var err error
			cp2, err = engine.Resume(in, cp, emit)
			return err
		}, changed)
		if engine.ResumedFrom(cp2, cp) {
			resumed++
		}
		sameFigures(t, seed, "resumed", got, collect(t, engine.Compute, changed), nil)
	}
	if resumed == 0 {
		t.Fatal("no world resumed from its checkpoint")
	}
}

// changeFromOn returns in with its reports and quotas of days from
// in.From on changed: about a third of those reports revised, a tenth
// dropped, a report for as many other units on their days, a quota
// revision effective from a day in the window.
func changeFromOn(in engine.Input, r *rand.Rand) engine.Input {
	type key struct {
		unit   int64
		metric string
		day    domain.Date
	}
	have := map[key]bool{}
	for _, rep := range in.Reports {
		have[key{rep.UnitID, rep.Metric, rep.Day}] = true
	}
	var reports []engine.Report
	for _, rep := range in.Reports {
		if rep.Day >= in.From {
			switch r.IntN(10) {
			case 0:
				continue
			case 1, 2, 3:
				rep.Value += r.Int64N(200) - 50
				rep.Value = max(rep.Value, 0)
				rep.Revision++
			case 4:
				u := in.Units[r.IntN(len(in.Units))]
				if k := (key{u.ID, rep.Metric, rep.Day}); !have[k] {
					have[k] = true
					extra := rep
					extra.UnitID = u.ID
					reports = append(reports, extra)
				}
			}
		}
		reports = append(reports, rep)
	}
	in.Reports = reports
	in.Quotas = append([]domain.QuotaRevision(nil), in.Quotas...)
	if len(in.Quotas) > 0 {
		q := in.Quotas[r.IntN(len(in.Quotas))]
		q.ID = 1 << 40
		q.Target += 1000
		q.EffectiveFrom = in.From + domain.Date(r.IntN(int(in.To-in.From)+1))
		in.Quotas = append(in.Quotas, q)
	}
	return in
}

// TestSparseUnitIDs: the engine finds units by id whether the ids are
// dense (a store's) or far apart; the figures are the same either way.
func TestSparseUnitIDs(t *testing.T) {
	t.Parallel()
	const spread = 1 << 40
	for seed := range uint64(30) {
		in := genWorld(seed)
		want := collect(t, engine.Compute, in)
		sparse := in
		sparse.Units = nil
		for _, u := range in.Units {
			v := *u
			v.ID *= spread
			if u.ParentID != nil {
				p := *u.ParentID * spread
				v.ParentID = &p
			}
			sparse.Units = append(sparse.Units, &v)
		}
		sparse.Reports = slices.Clone(in.Reports)
		for i := range sparse.Reports {
			sparse.Reports[i].UnitID *= spread
		}
		sparse.Quotas = slices.Clone(in.Quotas)
		for i := range sparse.Quotas {
			sparse.Quotas[i].UnitID *= spread
		}
		c := *in.Campaign
		c.ScopeUnitID *= spread
		sparse.Campaign = &c
		got := collect(t, engine.Compute, sparse)
		sameFigures(t, seed, "with sparse ids", got, want, func(f *engine.Figure) {
			f.UnitID /= spread
			if f.ParentID != nil {
				p := *f.ParentID / spread
				f.ParentID = &p
			}
		})
	}
}

// sameFigures fails t where got (what the engine gave how) and want
// differ, after adjust (if any) on each of got's figures.
func sameFigures(t *testing.T, seed uint64, how string, got, want [][]engine.Figure, adjust func(*engine.Figure)) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("world %d: %d days %s, %d computed", seed, len(got), how, len(want))
	}
	for d := range want {
		if len(got[d]) != len(want[d]) {
			t.Fatalf("world %d, day %d: %d figures %s, %d computed", seed, d, len(got[d]), how, len(want[d]))
		}
		for j := range want[d] {
			f := got[d][j]
			if adjust != nil {
				adjust(&f)
			}
			if diff := fieldDiff(f, want[d][j]); len(diff) > 0 {
				t.Fatalf("world %d (rerun with -world %[1]d): %s differs %s:\n\t%s",
					seed, describe(want[d][j]), how, strings.Join(diff, "\n\t"))
			}
		}
	}
}
