package graph_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAdminWrites(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	t.Run("CreateAndUpdateCampaign", func(t *testing.T) {
		var c struct {
			CreateCampaign struct {
				Slug, ReportDeadline, TimeZone string
				Scope                          struct{ Code string }
				Metrics                        []struct{ Key string }
				Bands                          []struct{ Key string }
				Milestones                     []struct{ Date string }
			}
		}
		w.must(t, w.admin, `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
			slug reportDeadline timeZone scope { code } metrics { key } bands { key } milestones { date } } }`,
			map[string]any{"input": map[string]any{"slug": "boost", "name": "Chiến dịch 15 ngày, đêm", "scopeCode": "92",
				"startDate": "2024-01-15", "endDate": "2024-01-30", "metrics": []string{"issued", "activated"},
				"reportDeadline": "08:00", "milestones": []any{map[string]any{"date": "2024-01-20", "labelVi": "Sơ kết"}}}}, &c)
		cc := c.CreateCampaign
		if cc.Slug != "boost" || cc.ReportDeadline != "08:00" || cc.Scope.Code != "92" || len(cc.Metrics) != 2 || len(cc.Bands) != 4 || len(cc.Milestones) != 1 {
			t.Fatalf("%+v", cc)
		}
		var u struct {
			UpdateCampaign struct {
				Name, EndDate string
				Milestones    []struct{ Date string }
			}
		}
		w.must(t, w.admin, `mutation { updateCampaign(slug: "boost", input: {name: "Chiến dịch 16 ngày", endDate: "2024-01-31", milestones: []}) { name endDate milestones { date } } }`, nil, &u)
		if u.UpdateCampaign.Name != "Chiến dịch 16 ngày" || u.UpdateCampaign.EndDate != "2024-01-31" || len(u.UpdateCampaign.Milestones) != 0 {
			t.Fatalf("%+v", u)
		}
	})
	t.Run("SetQuotasKeepsHistory", func(t *testing.T) {
		var q struct {
			SetQuotas struct {
				Written, Unchanged int
				Items              []struct {
					Status     string
					Previous   *int
					RevisionID *string
				}
			}
		}
		const m = `mutation($input: SetQuotasInput!) { setQuotas(input: $input) { written unchanged items { status previous revisionId } } }`
		w.must(t, w.admin, m, map[string]any{"input": map[string]any{"campaign": "live", "reason": "hạ chỉ tiêu sau rà soát",
			"reference": "Văn bản số 1888/CATP-QLHC", "quotas": []any{
				map[string]any{"unitCode": "92000", "metric": "collected", "target": 900, "effectiveFrom": "2024-01-08"},
				map[string]any{"unitCode": "92001", "metric": "collected", "target": 1000},
			}}}, &q)
		s := q.SetQuotas
		if s.Written != 1 || s.Unchanged != 1 || *s.Items[0].Previous != 1000 || s.Items[0].RevisionID == nil || s.Items[1].Status != "UNCHANGED" {
			t.Fatalf("%+v", s)
		}
		var h struct {
			Campaign struct {
				QuotaHistory struct {
					Edges []struct {
						Node struct {
							Target                           int
							Reason, Reference, EffectiveFrom string
						}
					}
				}
			}
		}
		w.must(t, "", `{ campaign(slug: "live") { quotaHistory(unitCode: "92000", metric: "collected") { edges { node { target reason reference effectiveFrom } } } } }`, nil, &h)
		e := h.Campaign.QuotaHistory.Edges
		if len(e) != 2 || e[0].Node.Target != 1000 || e[1].Node.Target != 900 || e[1].Node.Reference != "Văn bản số 1888/CATP-QLHC" {
			t.Fatalf("%+v", e)
		}
	})
	t.Run("SetTargetsFromRule", func(t *testing.T) {
		w.must(t, w.admin, submitMutation, batch("base", report("92000", "issued", "2024-01-01", 400), report("92001", "issued", "2024-01-01", 300)), nil)
		type result struct {
			SetTargetsFromRule struct {
				Written int
				Skipped []string
				Items   []struct {
					UnitCode, Metric, Reason string
					Target                   int
				}
			}
		}
		var b result
		w.must(t, w.admin, `mutation { setTargetsFromRule(input: {campaign: "boost", metric: "issued", rule: BOOST, level: COMMUNE,
			baseCampaign: "live", asOf: "2024-01-05", reason: "Chiến dịch 15 ngày, đêm", reference: "Kế hoạch số 1/KH-UBND"}) {
			written skipped items { unitCode metric target reason } } }`, nil, &b)
		got := map[string]int{}
		for _, it := range b.SetTargetsFromRule.Items {
			got[it.UnitCode] = it.Target
		}
		// 92000: 400 of 1000 (under 50%) + 15% = 550; 92001: 300 of 400 (75%) + 10% = 340.
		if b.SetTargetsFromRule.Written != 2 || got["92000"] != 550 || got["92001"] != 340 || !slices.Contains(b.SetTargetsFromRule.Skipped, "92002") {
			t.Fatalf("%+v", b)
		}
		if r := b.SetTargetsFromRule.Items[0].Reason; !strings.HasPrefix(r, "Chiến dịch 15 ngày, đêm: ") || !strings.Contains(r, "tăng thêm") {
			t.Fatalf("reason %q", r)
		}
		var f result
		w.must(t, w.admin, `mutation { setTargetsFromRule(input: {campaign: "boost", metric: "activated", rule: FOLLOW, level: COMMUNE,
			baseCampaign: "live", baseMetric: "issued", asOf: "2024-01-05"}) { written skipped items { unitCode metric target reason } } }`, nil, &f)
		got = map[string]int{}
		for _, it := range f.SetTargetsFromRule.Items {
			got[it.UnitCode] = it.Target
		}
		if f.SetTargetsFromRule.Written != 2 || got["92000"] != 400 || got["92001"] != 300 {
			t.Fatalf("%+v", f)
		}
	})
	t.Run("UpsertUnits", func(t *testing.T) {
		type result struct {
			UpsertUnits struct {
				Created, Updated, Unchanged int
				Items                       []struct {
					Status string
					Unit   struct {
						Code, Name string
						Parent     *struct{ Code string }
					}
				}
			}
		}
		const m = `mutation($input: UpsertUnitsInput!) { upsertUnits(input: $input) { created updated unchanged items { status unit { code name parent { code } } } } }`
		var r result
		w.must(t, w.admin, m, map[string]any{"input": map[string]any{"units": []any{
			map[string]any{"code": "924", "name": "Huyện 2.4", "kind": "DISTRICT", "parentCode": "92"},
			map[string]any{"code": "92400", "name": "Xã 2.4.0", "kind": "COMMUNE", "parentCode": "924"},
			map[string]any{"code": "92000", "name": "Xã 2.0.0 (mới)", "kind": "COMMUNE", "parentCode": "920"},
			map[string]any{"code": "92001", "name": "Xã 2.0.1", "kind": "COMMUNE", "parentCode": "920"},
		}}}, &r)
		u := r.UpsertUnits
		if u.Created != 2 || u.Updated != 1 || u.Unchanged != 1 || u.Items[1].Unit.Parent.Code != "924" || u.Items[2].Unit.Name != "Xã 2.0.0 (mới)" {
			t.Fatalf("%+v", u)
		}
		// A cycle is refused.
		resp := w.post(t, w.admin, m, map[string]any{"input": map[string]any{"units": []any{
			map[string]any{"code": "924", "name": "Huyện 2.4", "kind": "DISTRICT", "parentCode": "92400"}}}})
		if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "BAD_INPUT" {
			t.Fatalf("%+v", resp)
		}
	})
	t.Run("AuditLogPages", func(t *testing.T) {
		var a struct {
			AuditLog struct {
				TotalCount int
				PageInfo   pageInfo
				Edges      []struct{ Node struct{ ID, Action string } }
			}
		}
		w.must(t, w.admin, `{ auditLog(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { node { id action } } } }`, nil, &a)
		if len(a.AuditLog.Edges) != 3 || !a.AuditLog.PageInfo.HasNextPage || a.AuditLog.Edges[0].Node.Action != "upsert" {
			t.Fatalf("%+v", a)
		}
		first, _ := strconv.Atoi(a.AuditLog.Edges[2].Node.ID)
		w.must(t, w.admin, `query($after: String) { auditLog(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id action } } } }`,
			map[string]any{"after": a.AuditLog.PageInfo.EndCursor}, &a)
		if next, _ := strconv.Atoi(a.AuditLog.Edges[0].Node.ID); len(a.AuditLog.Edges) != 3 || next >= first {
			t.Fatalf("%+v", a)
		}
	})
}
