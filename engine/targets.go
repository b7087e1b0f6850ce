package engine

import (
	"fmt"
	"math"
	"math/big"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// Derived targets: a campaign's targets can come from a rule over figures
// rather than be set one by one. Seed 002 (Kon Tum's 15-day drive,
// 15/12–30/12/2023) has two:
//
//   - "các đơn vị hiện có tài khoản được cấp dưới 50%/chỉ tiêu thì phải tăng
//     thêm 15%/chỉ tiêu, có tài khoản được cấp trên 50%/chỉ tiêu thì phải tăng
//     thêm 10%/chỉ tiêu": a unit whose issued accounts are under 50% of its
//     quota must add 15% of its quota, one at or over 50% must add 10%
//     (domain.md settles "at or over": exactly 50% adds 10%);
//   - "100% công dân đã được cấp tài khoản định danh điện tử phải được kích
//     hoạt": the activated target is the issued figure.
//
// Rounding. The plan gives no per-unit numbers to read a rounding off (its
// appendix is not in the seed), so the rule is the one its words imply: a
// unit "must add" at least the percentage, and a target is a whole number of
// accounts, so the increment is rounded up to the next whole account:
// Kon Tum city, 81.238 issued of 141.485 (57,42%), must add 10% = 14.148,5,
// that is 14.149, for a target of 95.387. The comparison with 50% is exact
// (2·figure < quota). The target is not capped at the quota: the plan asks
// for the increment whatever it sums to, and a target over the quota is
// simply reported as a rate over 100% of the quota.

// BoostRule is the first rule: a unit whose figure is under Threshold of its
// quota must add BelowPercent of its quota, else AtOrAbovePercent.
type BoostRule struct {
	ThresholdNum, ThresholdDen int64 // the threshold as a fraction of the quota: 1/2
	BelowPercent               int64 // 15
	AtOrAbovePercent           int64 // 10
}

// KonTumBoost is seed 002's rule: under 50% add 15% of the quota, at or over
// 50% add 10%.
var KonTumBoost = BoostRule{ThresholdNum: 1, ThresholdDen: 2, BelowPercent: 15, AtOrAbovePercent: 10}

// Increment returns how much a unit with figure and quota must add, rounded
// up to a whole account, and whether it was under the threshold. ok is false
// when the rule does not apply: a quota of zero or less, or a negative figure.
func (r BoostRule) Increment(figure, quota int64) (add int64, below, ok bool) {
	if quota <= 0 || figure < 0 || r.ThresholdDen <= 0 {
		return 0, false, false
	}
	// figure/quota < num/den  ⇔  figure·den < num·quota
	lhs := new(big.Int).Mul(big.NewInt(figure), big.NewInt(r.ThresholdDen))
	below = lhs.Cmp(new(big.Int).Mul(big.NewInt(r.ThresholdNum), big.NewInt(quota))) < 0
	pct := r.AtOrAbovePercent
	if below {
		pct = r.BelowPercent
	}
	// ⌈quota·pct/100⌉
	n := new(big.Int).Mul(big.NewInt(quota), big.NewInt(pct))
	n.Add(n, big.NewInt(99))
	n.Quo(n, big.NewInt(100))
	if !n.IsInt64() {
		return 0, false, false
	}
	return n.Int64(), below, true
}

// Target returns figure plus the increment (see Increment).
func (r BoostRule) Target(figure, quota int64) (int64, bool) {
	add, _, ok := r.Increment(figure, quota)
	if !ok || figure > math.MaxInt64-add {
		return 0, false
	}
	return figure + add, true
}

// DerivedTarget is a target a rule gives one unit, with what it was derived
// from.
type DerivedTarget struct {
	UnitID  int64
	Code    string
	Metric  string      // the metric the target is for
	Day     domain.Date // the day of the figures it was derived from
	Figure  int64       // the unit's figure that day (of the rule's source metric)
	Quota   int64       // the quota in force that day (BoostRule only)
	Below   bool        // under the threshold (BoostRule only)
	Percent int64       // the percentage of the quota added (BoostRule only)
	Add     int64       // the increment (BoostRule only)
	Follows string      // the metric whose figure the target is (FollowTargets only)
	Target  int64
}

// Targets applies the rule to one day's figures of one metric (usually the
// campaign's first day, as engine.Compute gives them) and returns a target
// for that metric for every unit with a figure and a positive quota; a unit
// without a figure, or without a quota, gets none (no data is not zero).
func (r BoostRule) Targets(day []Figure) []DerivedTarget {
	var out []DerivedTarget
	for _, f := range day {
		if !f.HasValue || !f.HasQuota {
			continue
		}
		add, below, ok := r.Increment(f.Value, f.Quota)
		if !ok || f.Value > math.MaxInt64-add {
			continue
		}
		pct := r.AtOrAbovePercent
		if below {
			pct = r.BelowPercent
		}
		out = append(out, DerivedTarget{UnitID: f.UnitID, Code: f.Code, Metric: f.Metric, Day: f.Day,
			Figure: f.Value, Quota: f.Quota, Below: below, Percent: pct, Add: add, Target: f.Value + add})
	}
	return out
}

// FollowTargets is the second rule, a target equal to another metric's
// figure: given one day's figures of the source metric (issued), it returns
// for every unit with a figure a target for metric (activated) equal to it.
// 100% of issued accounts activated means activated ÷ issued, so the target
// moves with the issued figure; derive it again for each day it is needed.
func FollowTargets(source []Figure, metric string) []DerivedTarget {
	var out []DerivedTarget
	for _, f := range source {
		if !f.HasValue {
			continue
		}
		out = append(out, DerivedTarget{UnitID: f.UnitID, Code: f.Code, Metric: metric, Day: f.Day,
			Figure: f.Value, Follows: f.Metric, Target: f.Value})
	}
	return out
}

// QuotaRows writes derived targets as quota revisions of a campaign (the
// contract's quotas.csv shape), in force from the given day, with a reason
// that says how each was derived, in Vietnamese as the plan writes it.
func QuotaRows(campaign string, from domain.Date, reference string, ts []DerivedTarget) []domain.QuotaRow {
	out := make([]domain.QuotaRow, 0, len(ts))
	for _, t := range ts {
		var reason string
		if t.Follows != "" {
			// "100% of the issued figure (81.238) as of 10/12/2023"
			reason = fmt.Sprintf("100%% số liệu %s (%s) tính đến ngày %s",
				t.Follows, numfmt.FormatCount(t.Figure, numfmt.LangVI), numfmt.FormatDate(t.Day, numfmt.LangVI))
		} else {
			// "81.238/141.485 (57,42%) as of 15/12/2023: add 10% of the quota (14.149)"
			reason = fmt.Sprintf("%s/%s (%s) tính đến ngày %s: tăng thêm %d%% chỉ tiêu (%s)",
				numfmt.FormatCount(t.Figure, numfmt.LangVI), numfmt.FormatCount(t.Quota, numfmt.LangVI), numfmt.FormatRate(t.Figure, t.Quota, numfmt.LangVI),
				numfmt.FormatDate(t.Day, numfmt.LangVI), t.Percent, numfmt.FormatCount(t.Add, numfmt.LangVI))
		}
		out = append(out, domain.QuotaRow{Campaign: campaign, UnitCode: t.Code, Metric: t.Metric, Target: t.Target,
			EffectiveFrom: from, Reason: reason, Reference: reference})
	}
	return out
}
