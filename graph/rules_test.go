package graph_test

import (
	"context"
	"fmt"
	"testing"
)

const updateBands = `mutation($bands: [BandInput!], $from: Date) {
	updateCampaign(slug: "live", input: {bands: $bands, effectiveFrom: $from}) {
		bands { key min } rulesVersions { version effectiveFrom bands { key min } order } } }`

func bands(mins ...float64) []map[string]any {
	keys := []string{"HOAN_THANH", "KHA", "TRUNG_BINH", "CHAM"}
	out := make([]map[string]any, len(mins))
	for i, m := range mins {
		out[i] = map[string]any{"key": keys[i], "min": m}
	}
	return out
}

type bandDay struct {
	Date, Band   string
	RulesVersion int
}

// seriesBands reads the band and rules version of every day of 92000's
// collected series.
func (w *writeWorld) seriesBands(t *testing.T) []bandDay {
	t.Helper()
	var out struct {
		Progress struct{ Edges []struct{ Node bandDay } }
	}
	w.must(t, "", `{ progress(campaign: "live", unitCode: "92000", metric: "collected", to: "2024-01-09") {
		edges { node { date band rulesVersion } } } }`, nil, &out)
	days := make([]bandDay, len(out.Progress.Edges))
	for i, e := range out.Progress.Edges {
		days[i] = e.Node
	}
	return days
}

func (w *writeWorld) rulesVersions(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM rules_versions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRulesVersions: a band change is a new rules version from a stated
// day; the days before keep the bands (and the version) they had; every
// figure and ranking row names its version.
func TestRulesVersions(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	var reports []map[string]any
	for d := 1; d <= 9; d++ {
		reports = append(reports, report("92000", "collected", fmt.Sprintf("2024-01-%02d", d), 750)) // 75% of 1000: KHÁ
	}
	w.must(t, w.admin, submitMutation, batch("rules", reports...), nil)
	for _, d := range w.seriesBands(t) {
		if d.Band != "KHA" || d.RulesVersion != 1 {
			t.Fatalf("before any change: %+v, want KHA by version 1", d)
		}
	}

	t.Run("ErrBandsNotDecreasing", func(t *testing.T) {
		before, audit := w.rulesVersions(t), w.counts(t)["audit_log"]
		for _, bs := range [][]map[string]any{bands(1, 0.8, 0.8, 0), bands(1, 0.4, 0.7, 0)} {
			resp := w.post(t, w.admin, updateBands, map[string]any{"bands": bs, "from": "2024-01-05"})
			if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "BAD_INPUT" || resp.Errors[0].Extensions["field"] != "input.bands[2].min" {
				t.Errorf("bands %v: %+v, want BAD_INPUT naming input.bands[2].min", bs, resp.Errors)
			}
		}
		if w.rulesVersions(t) != before || w.counts(t)["audit_log"] != audit {
			t.Error("a refused band change wrote something")
		}
	})
	t.Run("ErrEffectiveFrom", func(t *testing.T) {
		before := w.rulesVersions(t)
		for _, c := range []struct {
			vars map[string]any
		}{
			{map[string]any{"from": "2024-01-05"}},                                 // no bands
			{map[string]any{"bands": bands(1, 0.8, 0.4, 0), "from": "2023-12-31"}}, // before the campaign
			{map[string]any{"bands": bands(1, 0.8, 0.4, 0), "from": "2024-02-01"}}, // after it
		} {
			resp := w.post(t, w.admin, updateBands, c.vars)
			if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "BAD_INPUT" || resp.Errors[0].Extensions["field"] != "input.effectiveFrom" {
				t.Errorf("%v: %+v, want BAD_INPUT naming input.effectiveFrom", c.vars, resp.Errors)
			}
		}
		if w.rulesVersions(t) != before {
			t.Error("a refused band change wrote a rules version")
		}
	})

	t.Run("OK", func(t *testing.T) {
		// KHÁ from 80%: 75% is TRUNG BÌNH from the 5th on, KHÁ before.
		var out struct {
			UpdateCampaign struct {
				Bands         []struct{ Key string }
				RulesVersions []struct {
					Version       int
					EffectiveFrom string
					Order         string
				}
			}
		}
		w.must(t, w.admin, updateBands, map[string]any{"bands": bands(1, 0.8, 0.4, 0), "from": "2024-01-05"}, &out)
		rv := out.UpdateCampaign.RulesVersions
		if len(rv) != 2 || rv[0].Version != 1 || rv[0].EffectiveFrom != "2024-01-01" || rv[1].Version != 2 ||
			rv[1].EffectiveFrom != "2024-01-05" || rv[1].Order != "RATE_FIGURE_CODE" {
			t.Fatalf("rules versions %+v", rv)
		}
		check := func(when string) {
			for _, d := range w.seriesBands(t) {
				want := bandDay{d.Date, "KHA", 1}
				if d.Date >= "2024-01-05" {
					want = bandDay{d.Date, "TRUNG_BINH", 2}
				}
				if d != want {
					t.Errorf("%s: %+v, want %+v", when, d, want)
				}
			}
		}
		check("after the change")
		// Computed again from scratch, every day by the version of its own.
		ctx := context.Background()
		if _, err := w.store.Pool.Exec(ctx, `DELETE FROM figures_state`); err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.RefreshFigures(ctx, w.campaignID(t), 0, writeNow); err != nil {
			t.Fatal(err)
		}
		check("recomputed")
		// The same bands again change nothing.
		n := w.rulesVersions(t)
		w.must(t, w.admin, updateBands, map[string]any{"bands": bands(1, 0.8, 0.4, 0), "from": "2024-01-05"}, nil)
		if w.rulesVersions(t) != n {
			t.Error("the same bands made a new version")
		}
		// Without a day: from today (10/1 in the campaign's zone).
		w.must(t, w.admin, updateBands, map[string]any{"bands": bands(1, 0.75, 0.4, 0)}, &out)
		if rv := out.UpdateCampaign.RulesVersions; len(rv) != 3 || rv[2].EffectiveFrom != "2024-01-10" {
			t.Errorf("a change without effectiveFrom: %+v, want version 3 from 2024-01-10", rv)
		}
		var rk struct {
			Ranking struct {
				Rules struct{ Version int }
				Edges []struct {
					Node struct {
						Band         string
						RulesVersion int
						Unit         struct{ Code string }
					}
				}
			}
		}
		w.must(t, "", `{ ranking(campaign: "live", metric: "collected", date: "2024-01-06", level: COMMUNE, first: 100) {
			rules { version } edges { node { band rulesVersion unit { code } } } } }`, nil, &rk)
		if rk.Ranking.Rules.Version != 2 {
			t.Errorf("ranking of 6/1: rules version %d, want 2", rk.Ranking.Rules.Version)
		}
		for _, e := range rk.Ranking.Edges {
			if e.Node.RulesVersion != 2 || e.Node.Unit.Code == "92000" && e.Node.Band != "TRUNG_BINH" {
				t.Errorf("ranking row of 6/1 %+v, want version 2 (and TRUNG_BINH for 92000)", e.Node)
			}
		}
	})
}

func (w *writeWorld) campaignID(t *testing.T) int64 {
	t.Helper()
	c, err := w.store.CampaignBySlug(context.Background(), "live")
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
