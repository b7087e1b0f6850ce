package graph_test

import (
	"strings"
	"testing"
)

// TestPublishBulletin: only admins publish; a day before its deadline is
// refused; a published day reads back through bulletin, and publishing it
// again with the same figures creates nothing.
func TestPublishBulletin(t *testing.T) {
	w := setupWrites(t)
	w.must(t, w.admin, `mutation { submitReports(input: {campaign: "live", clientKey: "b1", reports: [
		{unitCode: "92000", metric: "collected", date: "2024-01-08", value: 400},
		{unitCode: "92001", metric: "collected", date: "2024-01-08", value: 300}]}) { written } }`, nil, nil)
	const pub = `mutation($d: Date!) { publishBulletin(campaign: "live", date: $d) { created bulletin { revision lead } } }`
	for _, c := range []struct {
		token, code string
	}{{"", "UNAUTHENTICATED"}, {w.rep92, "FORBIDDEN"}} {
		resp := w.post(t, c.token, pub, map[string]any{"d": "2024-01-08"})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != c.code {
			t.Errorf("publish with token %q: %+v, want %s", c.token, resp.Errors, c.code)
		}
	}
	// 10 January 10:00: the 10th's reports are not due until the 11th.
	if resp := w.post(t, w.admin, pub, map[string]any{"d": "2024-01-10"}); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_INPUT" {
		t.Errorf("publishing a day not yet due: %+v", resp.Errors)
	}
	var out struct {
		PublishBulletin struct {
			Created  bool
			Bulletin struct {
				Revision int
				Lead     string
			}
		}
	}
	w.must(t, w.admin, pub, map[string]any{"d": "2024-01-08"}, &out)
	if !out.PublishBulletin.Created || out.PublishBulletin.Bulletin.Revision != 1 ||
		out.PublishBulletin.Bulletin.Lead == "" {
		t.Fatalf("first publication: %+v", out)
	}
	w.must(t, w.admin, pub, map[string]any{"d": "2024-01-08"}, &out)
	if out.PublishBulletin.Created || out.PublishBulletin.Bulletin.Revision != 1 {
		t.Errorf("publishing unchanged figures again: %+v", out)
	}
	var read struct {
		Bulletin struct{ Lead string }
	}
	w.must(t, "", `{ bulletin(campaign: "live", date: "2024-01-08") { lead } }`, nil, &read)
	if read.Bulletin.Lead != out.PublishBulletin.Bulletin.Lead {
		t.Errorf("bulletin reads %q", read.Bulletin.Lead)
	}
}

// TestLocalBulletin: a district's and a commune's local column in both
// languages, labelled as not official, with a permalink; a unit outside
// the scope is BAD_INPUT naming scopeCode; nothing is published.
func TestLocalBulletin(t *testing.T) {
	w := setupWrites(t)
	w.must(t, w.admin, `mutation { submitReports(input: {campaign: "live", clientKey: "l1", reports: [
		{unitCode: "92000", metric: "collected", date: "2024-01-08", value: 400},
		{unitCode: "92001", metric: "collected", date: "2024-01-08", value: 300}]}) { written } }`, nil, nil)
	const q = `query($s: String!, $l: Lang) { localBulletin(campaign: "live", date: "2024-01-08", scopeCode: $s, lang: $l) { notice title lead paragraphs url scope { code } } }`
	for _, c := range []struct{ scope, lang, notice, lead, url string }{
		{"920", "VI", "Bản tin địa phương — không phải bản tin chính thức", "Tính đến ngày 08/01/2024", "/bulletins/live/2024-01-08/local/920"},
		{"920", "EN", "Local column — not an official bulletin", "As of", "/bulletins/live/2024-01-08/local/920?lang=en"},
		{"92000", "VI", "Bản tin địa phương — không phải bản tin chính thức", "Tính đến ngày 08/01/2024", "/bulletins/live/2024-01-08/local/92000"},
	} {
		var out struct {
			LocalBulletin struct {
				Notice, Title, Lead, URL string
				Scope                    struct{ Code string }
			}
		}
		w.must(t, "", q, map[string]any{"s": c.scope, "l": c.lang}, &out)
		b := out.LocalBulletin
		if b.Notice != c.notice || !strings.HasPrefix(b.Lead, c.lead) || b.URL != c.url || b.Scope.Code != c.scope || b.Title == "" {
			t.Errorf("%s %s: %+v", c.scope, c.lang, b)
		}
	}
	resp := w.post(t, "", q, map[string]any{"s": "910"})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_INPUT" || resp.Errors[0].Extensions["field"] != "scopeCode" {
		t.Errorf("a unit outside the scope: %+v", resp.Errors)
	}
	var read struct{ Bulletin *struct{ Lead string } }
	w.must(t, "", `{ bulletin(campaign: "live", date: "2024-01-08") { lead } }`, nil, &read)
	if read.Bulletin != nil {
		t.Errorf("a local column published the official bulletin: %+v", read.Bulletin)
	}
}
