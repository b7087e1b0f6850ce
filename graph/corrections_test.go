package graph_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
)

// correctionsWorld is the live campaign with three corrections: a
// reporter's on time (92001, 1 January), an admin's late one (92100, 2
// January) and a reporter's late one (92100, 3 January).
func correctionsWorld(t *testing.T) *writeWorld {
	t.Helper()
	w := setupWrites(t)
	ctx := context.Background()
	vn := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("ICT", 7*3600))
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	who := func(secret string) *domain.Principal {
		p, err := w.store.Authenticate(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	submit := func(p *domain.Principal, unit, day string, value int64, at string) {
		t.Helper()
		if _, err := w.store.SubmitReports(ctx, p, domain.SubmitRequest{Campaign: "live", ClientKey: unit + day,
			Reports: []domain.ReportItem{{UnitCode: unit, Metric: "collected", Date: domain.MustDate(day), Value: value}}},
			dbtest.Refreshing(t, w.store, domain.WriteOptions{Now: vn(at)})); err != nil {
			t.Fatal(err)
		}
	}
	correct := func(p *domain.Principal, unit, day string, value int64, reason, at string) {
		t.Helper()
		if _, err := w.store.CorrectReport(ctx, p, domain.CorrectRequest{Campaign: "live", Reason: reason,
			ReportItem: domain.ReportItem{UnitCode: unit, Metric: "collected", Date: domain.MustDate(day), Value: value}},
			dbtest.Refreshing(t, w.store, domain.WriteOptions{Now: vn(at)})); err != nil {
			t.Fatal(err)
		}
	}
	rep920, rep921, admin := who(w.rep920), who(w.rep921), who(w.admin)
	submit(rep920, "92001", "2024-01-01", 10, "2024-01-02 07:00")
	correct(rep920, "92001", "2024-01-01", 12, "nhập nhầm số của xã bên cạnh", "2024-01-02 07:20")
	submit(rep921, "92100", "2024-01-02", 20, "2024-01-03 07:00")
	submit(rep921, "92100", "2024-01-03", 25, "2024-01-04 07:00")
	correct(admin, "92100", "2024-01-02", 18, "trùng 2 hồ sơ", "2024-01-05 09:00")
	correct(rep921, "92100", "2024-01-03", 27, "bỏ sót 2 hồ sơ", "2024-01-06 10:00")
	return w
}

type correctionNode struct {
	Unit              struct{ Code string }
	Metric            struct{ Key string }
	Date              string
	Revision          int
	Value             int64
	ValueText         string
	PreviousValue     *int64
	PreviousValueText *string
	Change            *int64
	OnTime            bool
	Reason            *string
	SubmittedVia      *string
	SubmitterRole     *string
	SubmitterUnit     *struct{ Code string }
	BulletinRevised   bool
}

const correctionFields = `unit { code } metric { key } date revision value valueText previousValue previousValueText change
	reportedAt recordedAt onTime reason submittedVia submitterRole submitterUnit { code fullName } bulletinRevised`

type correctionsPage struct {
	Corrections struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct{ Node correctionNode }
	}
}

func TestCorrections(t *testing.T) {
	t.Parallel()
	w := correctionsWorld(t)
	list := func(t *testing.T, args string) correctionsPage {
		t.Helper()
		var out correctionsPage
		w.must(t, "", `{ corrections(campaign: "live"`+args+`) { totalCount pageInfo { hasNextPage endCursor } edges { node { `+correctionFields+` } } } }`, nil, &out)
		return out
	}
	summary := func(p correctionsPage) string {
		var s []string
		for _, e := range p.Corrections.Edges {
			s = append(s, e.Node.Unit.Code+"@"+e.Node.Date)
		}
		return strings.Join(s, " ")
	}

	t.Run("OK", func(t *testing.T) {
		out := list(t, "")
		if got := summary(out); got != "92100@2024-01-03 92100@2024-01-02 92001@2024-01-01" || out.Corrections.TotalCount != 3 {
			t.Fatalf("newest first: %q, total %d", got, out.Corrections.TotalCount)
		}
		late, admin, onTime := out.Corrections.Edges[0].Node, out.Corrections.Edges[1].Node, out.Corrections.Edges[2].Node
		if onTime.Value != 12 || deref(onTime.PreviousValue) != 10 || deref(onTime.Change) != 2 || !onTime.OnTime ||
			deref(onTime.Reason) != "nhập nhầm số của xã bên cạnh" || onTime.SubmitterUnit == nil || onTime.SubmitterUnit.Code != "920" ||
			deref(onTime.SubmitterRole) != "REPORTER" || deref(onTime.SubmittedVia) != "API" || onTime.Revision != 2 || onTime.Metric.Key != "collected" {
			t.Errorf("the reporter's correction on time: %+v", onTime)
		}
		if admin.Value != 18 || deref(admin.PreviousValue) != 20 || deref(admin.Change) != -2 || admin.OnTime ||
			deref(admin.SubmitterRole) != "ADMIN" || admin.SubmitterUnit != nil || deref(admin.PreviousValueText) != "20" {
			t.Errorf("the admin's late correction: %+v", admin)
		}
		if late.OnTime || late.SubmitterUnit == nil || late.SubmitterUnit.Code != "921" || deref(late.Reason) != "bỏ sót 2 hồ sơ" {
			t.Errorf("the reporter's late correction: %+v", late)
		}
	})

	t.Run("OKSubtreeAndDays", func(t *testing.T) {
		for args, want := range map[string]string{
			`, scopeCode: "920"`:                     "92001@2024-01-01",
			`, scopeCode: "921"`:                     "92100@2024-01-03 92100@2024-01-02",
			`, scopeCode: "92100"`:                   "92100@2024-01-03 92100@2024-01-02",
			`, scopeCode: "922"`:                     "",
			`, from: "2024-01-02", to: "2024-01-02"`: "92100@2024-01-02",
			`, from: "2024-01-02"`:                   "92100@2024-01-03 92100@2024-01-02",
			`, scopeCode: "921", to: "2024-01-02"`:   "92100@2024-01-02",
			`, scopeCode: "920", from: "2024-01-02"`: "",
		} {
			if got := summary(list(t, args)); got != want {
				t.Errorf("%s: %q, want %q", args, got, want)
			}
		}
	})

	t.Run("OKPaging", func(t *testing.T) {
		var seen []string
		after := ""
		for range 5 {
			out := list(t, `, first: 1`+after)
			if out.Corrections.TotalCount != 3 {
				t.Fatalf("total %d", out.Corrections.TotalCount)
			}
			seen = append(seen, summary(out))
			if !out.Corrections.PageInfo.HasNextPage {
				break
			}
			after = `, after: "` + *out.Corrections.PageInfo.EndCursor + `"`
		}
		if got := strings.Join(seen, " "); got != "92100@2024-01-03 92100@2024-01-02 92001@2024-01-01" {
			t.Fatalf("pages: %q", got)
		}
	})

	t.Run("OKNoTokenNames", func(t *testing.T) {
		resp := w.post(t, "", `{ corrections(campaign: "live", first: 10) { edges { node { `+correctionFields+` } } }
			progress(campaign: "live", unitCode: "92100", metric: "collected", first: 10) { edges { node { revisions {
				revision value reason submittedVia submitterRole submitterUnit { code name fullName } } } } } }`, nil)
		body := string(resp.Data)
		for _, secret := range []string{"Công an", "Quản trị", w.admin, w.rep920, w.rep921, db.TokenPrefix} {
			if strings.Contains(body, secret) {
				t.Errorf("the public log shows %q: %s", secret, body)
			}
		}
		if len(resp.Errors) > 0 || !strings.Contains(body, "Huyện 2.1") {
			t.Fatalf("%+v %s", resp.Errors, body)
		}
	})

	t.Run("ErrBadInput", func(t *testing.T) {
		for args, field := range map[string]string{
			`, from: "2023-12-31"`:                   "from",
			`, to: "2024-02-01"`:                     "to",
			`, from: "2024-01-05", to: "2024-01-02"`: "from",
			`, scopeCode: "91"`:                      "scopeCode",
			`, first: 101`:                           "",
			`, metric: "cccd_issued"`:                "metric",
		} {
			resp := w.post(t, "", `{ corrections(campaign: "live"`+args+`) { totalCount } }`, nil)
			if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != domain.EINVALID ||
				(field != "" && resp.Errors[0].Extensions["field"] != field) {
				t.Errorf("%s: %+v", args, resp.Errors)
			}
			// The field is named once (a hostile-load audit read "from: from: …").
			if len(resp.Errors) > 0 && field != "" && strings.Contains(resp.Errors[0].Message, field+": "+field) {
				t.Errorf("%s: %q names its field twice", args, resp.Errors[0].Message)
			}
		}
	})
}

// A series point lists every revision of the unit's report, oldest first,
// with the old and the new value, on time or late, the reason and the
// submitting unit; revisionCount counts them.
func TestProgressRevisions(t *testing.T) {
	t.Parallel()
	w := correctionsWorld(t)
	var out struct {
		Progress struct {
			Edges []struct {
				Node struct {
					Date          string
					RevisionCount int
					Revisions     []struct {
						Revision      int
						Value         int64
						PreviousValue *int64
						OnTime        bool
						Correction    bool
						Reason        *string
						SubmitterRole *string
						SubmitterUnit *struct{ Code string }
					}
				}
			}
		}
	}
	w.must(t, "", `{ progress(campaign: "live", unitCode: "92100", metric: "collected", from: "2024-01-01", to: "2024-01-04") {
		edges { node { date revisionCount revisions { revision value previousValue onTime correction reason submitterRole submitterUnit { code } } } } } }`, nil, &out)
	got := map[string]string{}
	for _, e := range out.Progress.Edges {
		n := e.Node
		if len(n.Revisions) != n.RevisionCount {
			t.Errorf("%s: %d revisions, count %d", n.Date, len(n.Revisions), n.RevisionCount)
		}
		var s []string
		for _, r := range n.Revisions {
			unit := "-"
			if r.SubmitterUnit != nil {
				unit = r.SubmitterUnit.Code
			}
			s = append(s, strings.Join([]string{itoa(int64(r.Revision)), itoa(r.Value), itoa(deref(r.PreviousValue)),
				map[bool]string{true: "on time", false: "late"}[r.OnTime], deref(r.Reason), deref(r.SubmitterRole), unit}, "|"))
		}
		got[n.Date] = strings.Join(s, "; ")
	}
	// The count of old is revisionCount; a query that still reads
	// revisions as a count is told what to select.
	resp := w.post(t, "", `{ progress(campaign: "live", unitCode: "92100", metric: "collected") { edges { node { revisions } } } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != domain.EINVALID || !strings.Contains(resp.Errors[0].Message, "must have a selection of subfields") {
		t.Errorf("revisions as a count: %+v", resp.Errors)
	}
	want := map[string]string{
		"2024-01-01": "",
		"2024-01-02": "1|20|0|on time||REPORTER|921; 2|18|20|late|trùng 2 hồ sơ|ADMIN|-",
		"2024-01-03": "1|25|0|on time||REPORTER|921; 2|27|25|late|bỏ sót 2 hồ sơ|REPORTER|921",
		"2024-01-04": "",
	}
	for d, s := range want {
		if got[d] != s {
			t.Errorf("%s: %q, want %q", d, got[d], s)
		}
	}
}

// A file imported by an operator is named as an import, with no unit.
func TestCorrectionsImported(t *testing.T) {
	t.Parallel()
	w := correctionsWorld(t)
	src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
		return csvio.ReadReports(strings.NewReader("unit_code,metric,date,value,reported_at,note\n"+
			"92001,collected,2024-01-01,11,2024-01-08T08:00:00+07:00,đối chiếu lại sổ\n"), "fix.csv", fn)
	}
	if _, err := w.store.ImportReports(context.Background(), "fix.csv", src, "Nguyễn Văn A", writeNow, nil); err != nil {
		t.Fatal(err)
	}
	var out correctionsPage
	w.must(t, "", `{ corrections(campaign: "live", first: 1) { totalCount edges { node { `+correctionFields+` } } } }`, nil, &out)
	n := out.Corrections.Edges[0].Node
	if out.Corrections.TotalCount != 4 || n.Unit.Code != "92001" || n.Value != 11 || deref(n.PreviousValue) != 12 ||
		deref(n.SubmittedVia) != "IMPORT" || n.SubmitterRole != nil || n.SubmitterUnit != nil || n.OnTime || deref(n.Reason) != "đối chiếu lại sổ" {
		t.Fatalf("%d: %+v", out.Corrections.TotalCount, n)
	}
	resp := w.post(t, "", `{ corrections(campaign: "live", first: 10) { edges { node { `+correctionFields+` } } } }`, nil)
	if strings.Contains(string(resp.Data), "Nguyễn") {
		t.Fatalf("the operator's name is public: %s", resp.Data)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// The revisions of a series' points load in one query, not one per point
// (18 here), and not in several batches when the machine is busy: CI saw
// 4 when the points' resolvers started spread over more than the loader's
// wait. The test takes the wait away (so it is not parallel), as a busy
// machine would.
func TestProgressRevisionsBatched(t *testing.T) {
	defer graph.SetLoaderWait(0)()
	c, qc := tracedExample(t, "unnest($1::bigint[], $2::text[], $3::date[])")
	var resp struct {
		Progress struct {
			Edges []struct {
				Node struct {
					RevisionCount int
					Revisions     []struct{ Value int64 }
				}
			}
		}
	}
	c.MustPost(`{ progress(campaign: "ref", unitCode: "90001", metric: "collected", first: 20) { edges { node { revisionCount revisions { value } } } } }`, &resp)
	points, revs := 0, 0
	for _, e := range resp.Progress.Edges {
		if e.Node.RevisionCount > 0 {
			points++
		}
		revs += len(e.Node.Revisions)
	}
	if points < 10 || revs < points {
		t.Fatalf("the example's commune has %d reported days (%d revisions); the test needs many", points, revs)
	}
	if n := qc.count(); n != 1 {
		t.Errorf("%d points' revisions took %d queries, want one", points, n)
	}
}
