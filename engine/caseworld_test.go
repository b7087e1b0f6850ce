package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// caseWorld builds a small input by hand for the edge-case tables.
type caseWorld struct {
	tb testing.TB
	in engine.Input
}

// newCase is a campaign over 01/12/2023–20/12/2023 (metric collected,
// default bands, reports due 07:30 on D+1 in Asia/Ho_Chi_Minh), computed
// for every day.
func newCase(tb testing.TB) *caseWorld {
	c := &domain.Campaign{ID: 1, Slug: "case", Start: domain.MustDate("2023-12-01"), End: domain.MustDate("2023-12-20"),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, Bands: domain.DefaultBands(),
		MetricKeys: []string{"collected"}}
	return &caseWorld{tb: tb, in: engine.Input{Campaign: c, From: c.Start, To: c.End}}
}

func (w *caseWorld) unit(id int64, code string, kind domain.UnitKind, parent int64) *domain.Unit {
	u := &domain.Unit{ID: id, Code: code, Kind: kind}
	if parent != 0 {
		u.ParentID = &parent
	}
	w.in.Units = append(w.in.Units, u)
	return u
}

func (w *caseWorld) quota(id, unit, target int64, from string) {
	w.in.Quotas = append(w.in.Quotas, domain.QuotaRevision{ID: id, CampaignID: 1, UnitID: unit, MetricKey: "collected",
		Target: target, EffectiveFrom: domain.MustDate(from)})
}

// report adds a report first received an hour before its deadline.
func (w *caseWorld) report(unit int64, day string, value int64) {
	d := domain.MustDate(day)
	w.reportAt(unit, day, value, w.in.Campaign.Deadline(d).Add(-time.Hour))
}

func (w *caseWorld) reportAt(unit int64, day string, value int64, at time.Time) {
	w.in.Reports = append(w.in.Reports, engine.Report{UnitID: unit, Metric: "collected", Day: domain.MustDate(day), Value: value,
		Revision: 1, FirstReportedAt: at})
}

// run computes the figures with the engine, checks that the reference
// agrees on every field, and returns the engine's.
func (w *caseWorld) run() [][]engine.Figure {
	w.tb.Helper()
	if diffs := compareEngine(w.tb, w.in, 10); len(diffs) > 0 {
		w.tb.Fatalf("engine and reference differ:\n%s", strings.Join(diffs, "\n"))
	}
	return collect(w.tb, engine.Compute, w.in)
}

func (w *caseWorld) fig(days [][]engine.Figure, day string, unit int64) engine.Figure {
	w.tb.Helper()
	return figureOf(w.tb, days, "collected", domain.MustDate(day), unit)
}

func rateOf(f engine.Figure) string {
	if f.Rate == nil {
		return ""
	}
	return numfmt.FormatRate(f.Value, f.Quota, numfmt.LangVI)
}
