package graph_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

func TestSubmitReports(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		var res submitResult
		w.must(t, w.rep920, submitMutation, batch("b1",
			report("92000", "collected", "2024-01-08", 120),
			report("92000", "collected", "2024-01-09", 150),
			report("92001", "collected", "2024-01-09", 80)), &res)
		r := res.SubmitReports
		if r.Written != 3 || r.Unchanged != 0 || r.Replayed || r.ClientKey != "b1" || r.Items[1].Status != "WRITTEN" || r.Items[1].Revision != 1 {
			t.Fatalf("%+v", r)
		}
		// The figures are current once the refresh after the write has run.
		var p struct {
			Progress struct {
				Edges []struct {
					Node struct {
						Date   string
						Figure *int
						Source string
					}
				}
			}
		}
		w.must(t, "", `{ progress(campaign: "live", unitCode: "920", metric: "collected", from: "2024-01-09", to: "2024-01-09") { edges { node { date figure source } } } }`, nil, &p)
		if e := p.Progress.Edges; len(e) != 1 || e[0].Node.Figure == nil || *e[0].Node.Figure != 230 || e[0].Node.Source != "ROLLUP" {
			t.Fatalf("progress %+v", p)
		}
	})
	t.Run("RetryReturnsFirstResult", func(t *testing.T) {
		before := w.counts(t)
		var res submitResult
		w.must(t, w.rep920, submitMutation, batch("b1",
			report("92000", "collected", "2024-01-08", 120),
			report("92000", "collected", "2024-01-09", 150),
			report("92001", "collected", "2024-01-09", 80)), &res)
		if r := res.SubmitReports; !r.Replayed || r.Written != 3 || r.ReceivedAt != "2024-01-10T03:00:00Z" {
			t.Fatalf("%+v", r)
		}
		if after := w.counts(t); !equalCounts(before, after) {
			t.Fatalf("a retry wrote:\n%v\n%v", before, after)
		}
	})
	t.Run("KeysBelongToTheirToken", func(t *testing.T) {
		var res submitResult
		w.must(t, w.rep92, submitMutation, batch("b1", report("92000", "collected", "2024-01-09", 150)), &res)
		if r := res.SubmitReports; r.Replayed || r.Unchanged != 1 || r.Written != 0 {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("SameFigureIsUnchanged", func(t *testing.T) {
		var res submitResult
		w.must(t, w.admin, submitMutation, batch("b2",
			report("92000", "collected", "2024-01-09", 150),
			report("92000", "collected", "2024-01-10", 170)), &res)
		if r := res.SubmitReports; r.Written != 1 || r.Unchanged != 1 || r.Items[0].Status != "UNCHANGED" || r.Items[0].Revision != 1 {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("CorrectionLowersAndKeepsHistory", func(t *testing.T) {
		var res struct {
			CorrectReport struct {
				Written int
				Items   []struct {
					Status          string
					Revision, Value int
					Previous        *int
				}
			}
		}
		w.must(t, w.rep920, correctMutation, map[string]any{"input": map[string]any{"campaign": "live", "unitCode": "92000",
			"metric": "collected", "date": "2024-01-09", "value": 110, "reason": "nhập trùng 40 hồ sơ"}}, &res)
		it := res.CorrectReport.Items[0]
		if res.CorrectReport.Written != 1 || it.Revision != 2 || it.Previous == nil || *it.Previous != 150 {
			t.Fatalf("%+v", res)
		}
		var n int
		var correction bool
		var note string
		w.store.Pool.QueryRow(ctx, `SELECT count(*), bool_or(correction), max(note) FROM report_revisions r JOIN units u ON u.id = r.unit_id
			WHERE u.code = '92000' AND r.day = '2024-01-09'`).Scan(&n, &correction, &note)
		if n != 2 || !correction || note != "nhập trùng 40 hồ sơ" {
			t.Fatalf("%d revisions, correction %v, note %q", n, correction, note)
		}
		// Now lower than 8 January's 120: a correction of that day too.
		w.must(t, w.rep920, correctMutation, map[string]any{"input": map[string]any{"campaign": "live", "unitCode": "92000",
			"metric": "collected", "date": "2024-01-08", "value": 100, "reason": "nhập trùng"}}, nil)
		var p struct {
			Progress struct {
				Edges []struct{ Node struct{ Figure int } }
			}
		}
		w.must(t, "", `{ progress(campaign: "live", unitCode: "92000", metric: "collected", from: "2024-01-08", to: "2024-01-09") { edges { node { figure } } } }`, nil, &p)
		if e := p.Progress.Edges; len(e) != 2 || e[0].Node.Figure != 100 || e[1].Node.Figure != 110 {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("ConfirmedAboveQuotaIsFlagged", func(t *testing.T) {
		var res submitResult
		in := report("92001", "collected", "2024-01-10", 3500)
		in["confirmAboveQuota"] = true
		w.must(t, w.admin, submitMutation, batch("b3", in), &res)
		if it := res.SubmitReports.Items[0]; it.Status != "WRITTEN" || !it.Flagged {
			t.Fatalf("%+v", it)
		}
	})
	t.Run("UnitValidThatDay", func(t *testing.T) {
		var res submitResult
		w.must(t, w.rep92, submitMutation, batch("b4",
			report("92399", "issued", "2024-01-05", 10), report("92398", "issued", "2024-01-06", 12)), &res)
		if res.SubmitReports.Written != 2 {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("AuditLog", func(t *testing.T) {
		var res struct {
			AuditLog struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Actor, Action, Entity, EntityKey, RequestID string
						TokenID                                     *string
						Before, After                               *string
					}
				}
			}
		}
		w.must(t, w.admin, `{ auditLog(first: 100) { totalCount edges { node { actor tokenId action entity entityKey before after requestId } } } }`, nil, &res)
		var corr *struct {
			Actor, Action, Entity, EntityKey, RequestID string
			TokenID                                     *string
			Before, After                               *string
		}
		for i, e := range res.AuditLog.Edges {
			if e.Node.Action == "correct" {
				corr = &res.AuditLog.Edges[i].Node
				break // newest first: the correction of 8 January
			}
		}
		if corr == nil || corr.Actor != "Công an huyện 2.0" || corr.TokenID == nil || corr.Before == nil || corr.After == nil {
			t.Fatalf("%+v", res.AuditLog)
		}
		var before, after struct {
			Reports []map[string]any
		}
		json.Unmarshal([]byte(*corr.Before), &before)
		json.Unmarshal([]byte(*corr.After), &after)
		if before.Reports[0]["value"] != 120.0 || after.Reports[0]["value"] != 100.0 || after.Reports[0]["note"] != "nhập trùng" {
			t.Fatalf("before %s after %s", *corr.Before, *corr.After)
		}
		// Every write of this test is in the log: setup (campaign, quotas,
		// 5 tokens, a revocation) and the mutations above.
		var n int
		w.store.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE token_id IS NOT NULL`).Scan(&n)
		if n != 7 {
			t.Fatalf("%d audited API writes, want 7", n)
		}
	})
}

func TestWriteScope(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	submit := func(token, key, unit string) string {
		resp := w.post(t, token, submitMutation, batch(key, report(unit, "issued", "2024-01-09", 1)))
		if len(resp.Errors) > 0 {
			return resp.Errors[0].Extensions["code"].(string)
		}
		return "OK"
	}
	cases := []struct {
		name, token, unit, want string
	}{
		{"ProvinceReporterOwnUnit", w.rep92, "92", "OK"},
		{"ProvinceReporterDistrict", w.rep92, "921", "OK"},
		{"ProvinceReporterCommune", w.rep92, "92105", "OK"},
		{"DistrictReporterOwnCommune", w.rep920, "92001", "OK"},
		{"ErrDistrictReporterParent", w.rep920, "92", "FORBIDDEN"},
		{"ErrDistrictReporterSibling", w.rep920, "921", "FORBIDDEN"},
		{"ErrDistrictReporterCousin", w.rep920, "92100", "FORBIDDEN"},
		{"ErrDistrictReporterOtherDistrictCommune", w.rep921, "92002", "FORBIDDEN"},
		{"AdminAnywhereInCampaign", w.admin, "92300", "OK"},
		{"ErrAdminOutsideCampaign", w.admin, "91000", "BAD_INPUT"},
		{"ErrReporterOutsideCampaignAndSubtree", w.rep92, "90000", "FORBIDDEN"},
		{"ErrNoToken", "", "92000", "UNAUTHENTICATED"},
		{"ErrRevoked", w.revoked, "92000", "UNAUTHENTICATED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := submit(c.token, "scope-"+c.name, c.unit); got != c.want {
				t.Fatalf("%s, want %s", got, c.want)
			}
		})
	}
	t.Run("AdminOnlyMutations", func(t *testing.T) {
		mutations := []string{
			`mutation { setQuotas(input: {campaign: "live", reason: "x", quotas: [{unitCode: "920", metric: "issued", target: 1}]}) { written } }`,
			`mutation { createCampaign(input: {slug: "x", name: "x", scopeCode: "92", startDate: "2024-02-01", endDate: "2024-02-02", metrics: ["issued"]}) { slug } }`,
			`mutation { updateCampaign(slug: "live", input: {name: "x"}) { slug } }`,
			`mutation { setTargetsFromRule(input: {campaign: "live", metric: "issued", rule: BOOST, level: COMMUNE}) { written } }`,
			`mutation { upsertUnits(input: {units: [{code: "92997", name: "X", kind: COMMUNE, parentCode: "920"}]}) { created } }`,
		}
		for _, m := range mutations {
			for token, want := range map[string]string{w.rep92: "FORBIDDEN", "": "UNAUTHENTICATED"} {
				before := w.counts(t)
				resp := w.post(t, token, m, nil)
				if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != want {
					t.Errorf("%s: %+v, want %s", m, resp.Errors, want)
				}
				if after := w.counts(t); !equalCounts(before, after) {
					t.Errorf("%s wrote", m)
				}
			}
		}
	})
	t.Run("Viewer", func(t *testing.T) {
		var v struct {
			Viewer *struct {
				Name, Role string
				Unit       *struct{ Code string }
			}
		}
		w.must(t, w.rep920, `{ viewer { name role unit { code } } }`, nil, &v)
		if v.Viewer == nil || v.Viewer.Role != "REPORTER" || v.Viewer.Unit == nil || v.Viewer.Unit.Code != "920" {
			t.Fatalf("%+v", v)
		}
		w.must(t, w.admin, `{ viewer { name role unit { code } } }`, nil, &v)
		if v.Viewer.Role != "ADMIN" || v.Viewer.Unit != nil {
			t.Fatalf("%+v", v)
		}
		v.Viewer = nil
		w.must(t, "", `{ viewer { name } }`, nil, &v)
		if v.Viewer != nil {
			t.Fatalf("%+v", v)
		}
	})
}

func TestTokenSecretsAreNotStored(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	ctx := context.Background()
	tok, secret, err := w.store.CreateToken(ctx, domain.CLI("test"), domain.RoleReporter, "920", "Xã thử")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, db.TokenPrefix) || len(secret) < 40 {
		t.Fatalf("secret %q", secret)
	}
	var hash []byte
	if err := w.store.Pool.QueryRow(ctx, `SELECT hash FROM api_tokens WHERE id = $1`, tok.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(secret)); string(hash) != string(sum[:]) {
		t.Fatal("the stored hash is not the secret's SHA-256")
	}
	// The secret appears nowhere: no table holds it, as text or bytes.
	for _, table := range []string{"api_tokens", "audit_log", "client_keys"} {
		var n int
		if err := w.store.Pool.QueryRow(ctx, `SELECT count(*) FROM `+table+` t
			WHERE row_to_json(t)::text LIKE '%' || $1 || '%' OR row_to_json(t)::text LIKE '%' || encode(convert_to($1, 'UTF8'), 'hex') || '%'`,
			secret).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%s holds the secret", table)
		}
	}
	// It works, and stops working when revoked.
	p, err := w.store.Authenticate(ctx, secret)
	if err != nil || p.TokenID != tok.ID || p.Role != domain.RoleReporter || p.UnitCode != "920" {
		t.Fatalf("%+v %v", p, err)
	}
	if _, _, err := w.store.RevokeToken(ctx, domain.CLI("test"), tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.Authenticate(ctx, secret); err == nil {
		t.Fatal("a revoked token still works")
	}
	// ADMIN_TOKEN: hashed, idempotent.
	for i := 0; i < 2; i++ {
		created, err := w.store.BootstrapAdmin(ctx, "a-long-enough-admin-secret")
		if err != nil || created != (i == 0) {
			t.Fatalf("bootstrap %d: %v %v", i, created, err)
		}
	}
	if _, err := w.store.BootstrapAdmin(ctx, "short"); err == nil {
		t.Fatal("a short ADMIN_TOKEN was accepted")
	}
	if p, err := w.store.Authenticate(ctx, "a-long-enough-admin-secret"); err != nil || !p.IsAdmin() {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestGETNeverMutates(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	before := w.counts(t)
	for _, q := range []string{
		`mutation { upsertUnits(input: {units: [{code: "92996", name: "X", kind: COMMUNE, parentCode: "920"}]}) { created } }`,
		`mutation M { upsertUnits(input: {units: [{code: "92996", name: "X", kind: COMMUNE, parentCode: "920"}]}) { created } }`,
		`query { metrics { key } } mutation { upsertUnits(input: {units: [{code: "92996", name: "X", kind: COMMUNE, parentCode: "920"}]}) { created } }`,
	} {
		resp := w.raw(t, "GET", w.admin, "", "/graphql?query="+urlEscape(q), nil)
		if len(resp.Errors) == 0 || resp.status < 400 {
			t.Errorf("GET %s: HTTP %d %+v", q, resp.status, resp.Errors)
		}
	}
	// A mutation registered as a persisted query (APQ) over POST, without
	// a token so that it fails, cannot be run by its hash over GET either.
	const m = `mutation { upsertUnits(input: {units: [{code: "92996", name: "X", kind: COMMUNE, parentCode: "920"}]}) { created } }`
	sum := sha256.Sum256([]byte(m))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	body, _ := json.Marshal(map[string]any{"query": m, "extensions": ext})
	if resp := w.raw(t, "POST", "", "application/json", "/graphql", body); len(resp.Errors) == 0 {
		t.Fatalf("%+v", resp)
	}
	extJSON, _ := json.Marshal(ext)
	resp := w.raw(t, "GET", w.admin, "", "/graphql?extensions="+urlEscape(string(extJSON)), nil)
	if len(resp.Errors) == 0 || resp.status < 400 {
		t.Errorf("persisted mutation over GET: HTTP %d %+v", resp.status, resp.Errors)
	}
	if after := w.counts(t); !equalCounts(before, after) {
		t.Fatal("a GET request wrote")
	}
	// GET still runs queries.
	resp = w.raw(t, "GET", "", "", "/graphql?query="+urlEscape(`{ metrics { key } }`), nil)
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "collected") {
		t.Fatalf("%+v", resp)
	}
}
