package enginetest

import (
	"math"
	"math/big"
	"strconv"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// rated reports whether a base has a rate.
func rated(b refBase) bool { return b.has && b.hasQuota && b.quota > 0 }

// better reports whether a stands strictly better than b in a ranking (both
// have figures).
func better(a, b refBase) bool {
	ra, rb := rated(a), rated(b)
	if ra != rb {
		return ra
	}
	if ra {
		// a.value/a.quota vs b.value/b.quota, cross-multiplied exactly.
		x := new(big.Int).Mul(big.NewInt(a.value), big.NewInt(b.quota))
		y := new(big.Int).Mul(big.NewInt(b.value), big.NewInt(a.quota))
		if c := x.Cmp(y); c != 0 {
			return c > 0
		}
	}
	return a.value > b.value
}

// rank is u's rank among the units of its kind that exist on d (0 without a
// figure).
func (w *refWorld) rank(u *domain.Unit, m string, d domain.Date) int {
	k := refKey{u.ID, m, d}
	if r, ok := w.ranks[k]; ok {
		return r
	}
	me := w.base(u, m, d)
	r := 0
	if me.has {
		r = 1
		for _, v := range w.in.Units {
			if v.Kind == u.Kind && v.ValidOn(d) {
				if vb := w.base(v, m, d); vb.has && better(vb, me) {
					r++
				}
			}
		}
	}
	w.ranks[k] = r
	return r
}

// rulesOn is the rules version in force on d.
func (w *refWorld) rulesOn(d domain.Date) *domain.RulesVersion {
	var in, lowest *domain.RulesVersion
	for i := range w.rules {
		r := &w.rules[i]
		if r.EffectiveFrom <= d && (in == nil || r.Version > in.Version) {
			in = r
		}
		if lowest == nil || r.Version < lowest.Version {
			lowest = r
		}
	}
	if in == nil {
		return lowest
	}
	return in
}

// band is the band a rate of value/quota (quota > 0) falls in on day d.
func (w *refWorld) band(value, quota int64, d domain.Date) string {
	rate := new(big.Rat).SetFrac64(value, quota)
	bands := w.rulesOn(d).Bands
	if len(bands) == 0 {
		bands = domain.DefaultBands()
	}
	var best, lowest *domain.Band
	for i := range bands {
		b := &bands[i]
		if lowest == nil || b.Min < lowest.Min {
			lowest = b
		}
		if rate.Cmp(decimal(b.Min)) >= 0 && (best == nil || b.Min > best.Min) {
			best = b
		}
	}
	if best == nil {
		best = lowest
	}
	return best.Key
}

// decimal returns the decimal a band minimum was written as (0.7 is 7/10,
// not the binary fraction nearest it), so that exactly 70% is KHÁ.
func decimal(x float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
	if !ok {
		return new(big.Rat).SetFloat64(x)
	}
	return r
}

// ratio returns a/b as the float64 nearest the exact fraction.
func ratio(a, b int64) *float64 {
	f, _ := new(big.Rat).SetFrac64(a, b).Float64()
	return &f
}

// figure works out everything of u's figure on d.
func (w *refWorld) figure(u *domain.Unit, m string, d domain.Date) engine.Figure {
	b := w.base(u, m, d)
	f := engine.Figure{Metric: m, Day: d, UnitID: u.ID, Code: u.Code, Kind: u.Kind, ParentID: u.ParentID,
		HasValue: b.has, Value: b.value, Source: b.source, StaleDays: b.stale,
		HasQuota: b.hasQuota, Quota: b.quota, QuotaOwn: b.quotaOwn, QuotaRevisionID: b.quotaRev,
		OnTime: b.onTime, Late: b.late, Missing: b.missing, RulesVersion: w.rulesOn(d).Version, Revisions: b.revisions}
	if rated(b) {
		f.Rate = ratio(b.value, b.quota)
		f.Band = w.band(b.value, b.quota, d)
	}
	// Changes: against yesterday and a week ago, when the unit existed and had a figure.
	var delta7 *int64
	if b.has {
		if u.ValidOn(d - 1) {
			if p := w.base(u, m, d-1); p.has {
				v := b.value - p.value
				f.Delta = &v
			}
		}
		if u.ValidOn(d - 7) {
			if p := w.base(u, m, d-7); p.has {
				v := b.value - p.value
				delta7 = &v
				f.Delta7 = &v
				f.Pace7d = ratio(v, 7)
			}
		}
	}
	// Required pace, projection, risk.
	if b.has && b.hasQuota {
		remaining := b.quota - b.value
		daysLeft := int64(w.c.End - d)
		if remaining <= 0 {
			zero := 0.0
			f.RequiredPace = &zero
		} else {
			if daysLeft > 0 {
				f.RequiredPace = ratio(remaining, daysLeft)
			}
			if delta7 != nil && *delta7 > 0 {
				// ⌈remaining ÷ (delta7/7)⌉ = ⌈7·remaining ÷ delta7⌉, when the day fits a Date.
				n := new(big.Int).Mul(big.NewInt(7), big.NewInt(remaining))
				n.Add(n, big.NewInt(*delta7-1))
				n.Quo(n, big.NewInt(*delta7))
				if n.Add(n, big.NewInt(int64(d))).Cmp(big.NewInt(math.MaxInt32)) <= 0 {
					p := domain.Date(n.Int64())
					f.Projected = &p
				}
			}
			switch {
			case daysLeft <= 0:
				f.AtRisk = true
			case delta7 == nil:
				f.AtRisk = true
			default:
				// delta7/7 < remaining/daysLeft, exactly
				x := new(big.Int).Mul(big.NewInt(*delta7), big.NewInt(daysLeft))
				f.AtRisk = x.Cmp(new(big.Int).Mul(big.NewInt(7), big.NewInt(remaining))) < 0
			}
		}
	}
	// Rank and its change since yesterday.
	f.Rank = w.rank(u, m, d)
	if f.Rank > 0 && u.ValidOn(d-1) {
		if p := w.rank(u, m, d-1); p > 0 {
			ch := p - f.Rank
			f.RankChange = &ch
		}
	}
	return f
}
