package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/httpapi"
)

// portalQueries reads the home page's GraphQL documents from
// portal/static/app.js, so the test asks what the page asks.
func portalQueries(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile("../portal/static/app.js")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile("(?s)const (Q_[A-Z]+|[A-Z_]+_FIELDS) = ['`](.*?)['`];").FindAllStringSubmatch(string(src), -1) {
		out[m[1]] = m[2]
	}
	for k, v := range out {
		v = strings.ReplaceAll(v, "${CAMPAIGN_FIELDS}", out["CAMPAIGN_FIELDS"])
		out[k] = strings.ReplaceAll(v, "${POINT_FIELDS}", out["POINT_FIELDS"])
	}
	for _, k := range []string{"Q_CAMPAIGNS", "Q_DETAIL", "Q_RANKING", "Q_SERIES", "Q_BULLETIN", "POINT_FIELDS"} {
		if out[k] == "" {
			t.Fatalf("%s not found in app.js", k)
		}
	}
	return out
}

// homeReader opens the portal's home page as app.js does: the campaigns,
// the chosen scope's details, the ranking one level down, the last days of
// each metric, the series for the chart (every page of it), the bulletin.
// It returns the statuses of its requests.
type homeReader struct {
	url string
	q   map[string]string
	c   *http.Client
}

func (h homeReader) ask(query string, vars map[string]any, into any) (int, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := h.c.Post(h.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.Errors) > 0 || resp.StatusCode != 200 {
		return resp.StatusCode, fmt.Errorf("%d %.300s", resp.StatusCode, b)
	}
	return 200, json.Unmarshal(out.Data, into)
}

func (h homeReader) open() (requests int, err error) {
	type campaign struct {
		Slug, Status, StartDate, EndDate string
		Scope                            struct{ Code string }
	}
	var list struct {
		Campaigns struct{ Edges []struct{ Node campaign } }
	}
	do := func(query string, vars map[string]any, into any) bool {
		requests++
		_, err = h.ask(query, vars, into)
		return err == nil
	}
	if !do(h.q["Q_CAMPAIGNS"], nil, &list) || len(list.Campaigns.Edges) == 0 {
		return requests, err
	}
	c := list.Campaigns.Edges[0].Node
	for _, e := range list.Campaigns.Edges {
		if e.Node.Status == "ACTIVE" {
			c = e.Node
			break
		}
	}
	asOf := min(max(time.Now().Format(time.DateOnly), c.StartDate), c.EndDate)
	var d struct {
		Campaign struct{ Metrics []struct{ Key string } }
		Unit     struct {
			Code    string
			P, D, C struct{ TotalCount int }
		}
	}
	if !do(h.q["Q_DETAIL"], map[string]any{"slug": c.Slug, "unit": c.Scope.Code, "asOf": asOf}, &d) {
		return requests, err
	}
	level := "COMMUNE"
	if d.Unit.P.TotalCount > 0 {
		level = "PROVINCE"
	} else if d.Unit.D.TotalCount > 0 {
		level = "DISTRICT"
	}
	var rank struct{ Ranking struct{ Date string } }
	metric := d.Campaign.Metrics[0].Key
	if !do(h.q["Q_RANKING"], map[string]any{"c": c.Slug, "m": metric, "d": nil, "s": d.Unit.Code, "l": level, "lang": "VI"}, &rank) {
		return requests, err
	}
	day := rank.Ranking.Date
	from, _ := time.Parse(time.DateOnly, day)
	fromDay := max(from.AddDate(0, 0, -6).Format(time.DateOnly), c.StartDate)
	vars := map[string]any{"c": c.Slug, "u": d.Unit.Code, "from": fromDay, "to": day, "lang": "VI"}
	var decl, fields []string
	for i, m := range d.Campaign.Metrics {
		decl = append(decl, fmt.Sprintf("$m%d: String!", i))
		fields = append(fields, fmt.Sprintf("m%d: progress(campaign: $c, unitCode: $u, metric: $m%d, from: $from, to: $to, first: 7) { edges { node { ...P } } }", i, i))
		vars[fmt.Sprintf("m%d", i)] = m.Key
	}
	progress := fmt.Sprintf("query Progress($c: String!, $u: String!, $from: Date, $to: Date, $lang: Lang, %s) {\n%s\n} %s",
		strings.Join(decl, ", "), strings.Join(fields, "\n"), h.q["POINT_FIELDS"])
	var ignored any
	if !do(progress, vars, &ignored) {
		return requests, err
	}
	var after any
	for {
		var s struct {
			Progress struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		if !do(h.q["Q_SERIES"], map[string]any{"c": c.Slug, "u": d.Unit.Code, "m": metric, "from": c.StartDate, "to": day, "after": after, "lang": "VI"}, &s) {
			return requests, err
		}
		if !s.Progress.PageInfo.HasNextPage {
			break
		}
		after = s.Progress.PageInfo.EndCursor
	}
	do(h.q["Q_BULLETIN"], map[string]any{"c": c.Slug, "d": day, "lang": "VI"}, &ignored)
	return requests, err
}

// TestFiftyReadersBehindOneAddress: fifty readers behind one address (a
// newsroom, a carrier's NAT) open the portal's home page at once, at the
// server's default limits: none of them sees an error. The response cache
// is off, as if figures were committed all the time (a reporting
// morning): every request runs and pays its full cost.
func TestFiftyReadersBehindOneAddress(t *testing.T) {
	cfg := testConfig()
	cfg.Limits.CacheBytes = -1
	cfg.Limits.Rate = httpapi.RateLimit{PerSecond: defaultRateLimit, Burst: defaultRateBurst,
		TokenPerSecond: defaultTokenRateLimit, TokenBurst: defaultTokenRateBurst}
	srv := httptest.NewServer(httpapi.NewRouter(loadedDemo(t), cfg, quiet))
	defer srv.Close()
	reader := homeReader{url: srv.URL + "/graphql", q: portalQueries(t), c: &http.Client{Timeout: 30 * time.Second}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []string
	total := 0
	for range 50 {
		wg.Go(func() {
			n, err := reader.open()
			mu.Lock()
			defer mu.Unlock()
			total += n
			if err != nil {
				failed = append(failed, err.Error())
			}
		})
	}
	wg.Wait()
	t.Logf("50 readers made %d requests (%d each)", total, total/50)
	if len(failed) > 0 || total < 50*6 {
		t.Fatalf("%d of 50 readers saw an error, e.g. %s", len(failed), strings.Join(failed[:min(len(failed), 2)], "\n"))
	}
}
