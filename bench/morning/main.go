// Command morning replays a report morning against a running server: the
// communes of the national benchmark campaign each submit their three
// metrics for one day, separately (one submitReports per commune), at a
// fixed rate, as their officials would between 07:00 and 07:30. It prints
// how long each submission took to be acknowledged, and, from the server's
// /metrics, how long after their acknowledgement the figures covering them
// were committed (tiendo_figures_behind_seconds).
//
//	go run ./bench/morning -url http://127.0.0.1:18080/graphql -token SECRET \
//	    -campaign quoc-gia-90-ngay -date 2024-05-25 -rate 10 -n 600
//
// The day's values are each commune's figure on the day before plus a
// little, read first through the API's commune ranking.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

var metrics = []string{"collected", "issued", "activated"}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint")
	token := flag.String("token", os.Getenv("TOKEN"), "an admin or reporter token")
	campaign := flag.String("campaign", "quoc-gia-90-ngay", "the campaign's slug")
	dateFlag := flag.String("date", "", "the day reported (the day after the last one stored)")
	rate := flag.Float64("rate", 10, "submissions per second")
	n := flag.Int("n", 600, "submissions (communes) to send; at most the campaign's communes")
	name := flag.String("name", "morning", "label for the result line")
	flag.Parse()
	day, err := domain.ParseDate(*dateFlag)
	if err != nil || *token == "" || *rate <= 0 {
		fmt.Fprintln(os.Stderr, "morning: -date YYYY-MM-DD, -token and a positive -rate are needed")
		os.Exit(2)
	}
	c := &client{url: *url, token: *token, http: &http.Client{Timeout: 60 * time.Second}}
	codes, before, err := c.figures(*campaign, day.AddDays(-1))
	if err != nil {
		fail(err)
	}
	if *n > len(codes) {
		*n = len(codes)
	}
	behind0, err := c.behind()
	if err != nil {
		fail(err)
	}
	acks := make([]time.Duration, *n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	tick := time.NewTicker(time.Duration(float64(time.Second) / *rate))
	began := time.Now()
	for i := range *n {
		if i > 0 {
			<-tick.C
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code := codes[i]
			var reports []map[string]any
			for m, key := range metrics {
				reports = append(reports, map[string]any{"unitCode": code, "metric": key, "date": day.String(), "value": before[m][code] + 1})
			}
			t := time.Now()
			_, err := c.do(`mutation($in: SubmitReportsInput!) { submitReports(input: $in) { written } }`,
				map[string]any{"in": map[string]any{"campaign": *campaign, "clientKey": fmt.Sprintf("morning-%s-%s-%d", day, code, began.UnixNano()), "reports": reports}})
			acks[i] = time.Since(t)
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", code, err))
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	sent := time.Since(began)
	// Let the last refreshes commit before reading how far behind they were.
	time.Sleep(5 * time.Second)
	behind1, err := c.behind()
	if err != nil {
		fail(err)
	}
	slices.Sort(acks)
	q := func(p float64) float64 { return ms(acks[min(len(acks)-1, int(math.Ceil(p*float64(len(acks))))-1)]) }
	fmt.Printf("%s submissions=%d failures=%d rate=%.1f/s ack_p50_ms=%.1f ack_p99_ms=%.1f ack_max_ms=%.1f refreshes=%d figures_behind_p50_s≤%s figures_behind_p99_s≤%s\n",
		*name, *n, len(errs), float64(*n)/sent.Seconds(), q(0.50), q(0.99), ms(acks[len(acks)-1]),
		int(behind1.count-behind0.count), behind1.minus(behind0).quantile(0.50), behind1.minus(behind0).quantile(0.99))
	for _, e := range errs[:min(len(errs), 5)] {
		fmt.Fprintln(os.Stderr, "morning:", e)
	}
	if len(errs) > 0 {
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "morning:", err)
	os.Exit(1)
}

type client struct {
	url, token string
	http       *http.Client
}

// do runs one GraphQL request and returns its data.
func (c *client) do(query string, vars map[string]any) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("%s", out.Errors[0].Message)
	}
	return out.Data, nil
}

// figures reads every commune's figure of each metric on day, through the
// commune ranking, and returns the communes in ranking order.
func (c *client) figures(campaign string, day domain.Date) ([]string, []map[string]int64, error) {
	var codes []string
	out := make([]map[string]int64, len(metrics))
	for m, key := range metrics {
		out[m] = map[string]int64{}
		for after := ""; ; {
			data, err := c.do(`query($c: String!, $m: String!, $d: Date!, $after: String) {
				ranking(campaign: $c, metric: $m, date: $d, level: COMMUNE, first: 100, after: $after) {
					edges { node { figure unit { code } } } pageInfo { hasNextPage endCursor } } }`,
				map[string]any{"c": campaign, "m": key, "d": day.String(), "after": nilIfEmpty(after)})
			if err != nil {
				return nil, nil, err
			}
			var page struct {
				Ranking struct {
					Edges []struct {
						Node struct {
							Figure *int64
							Unit   struct{ Code string }
						}
					}
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
			if err := json.Unmarshal(data, &page); err != nil {
				return nil, nil, err
			}
			for _, e := range page.Ranking.Edges {
				if m == 0 {
					codes = append(codes, e.Node.Unit.Code)
				}
				if e.Node.Figure != nil {
					out[m][e.Node.Unit.Code] = *e.Node.Figure
				}
			}
			if !page.Ranking.PageInfo.HasNextPage {
				break
			}
			after = page.Ranking.PageInfo.EndCursor
		}
	}
	if len(codes) == 0 {
		return nil, nil, fmt.Errorf("campaign %s has no commune on %s", campaign, day)
	}
	return codes, out, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// histogram is a Prometheus histogram's cumulative buckets.
type histogram struct {
	bounds []float64
	counts []float64
	count  float64
}

func (h histogram) minus(o histogram) histogram {
	d := histogram{bounds: h.bounds, counts: slices.Clone(h.counts), count: h.count - o.count}
	for i := range d.counts {
		if i < len(o.counts) {
			d.counts[i] -= o.counts[i]
		}
	}
	return d
}

// quantile is the upper bound of the bucket holding quantile p.
func (h histogram) quantile(p float64) string {
	for i, c := range h.counts {
		if h.count > 0 && c >= p*h.count {
			return strconv.FormatFloat(h.bounds[i], 'g', -1, 64)
		}
	}
	return "+Inf"
}

// behind reads tiendo_figures_behind_seconds from /metrics.
func (c *client) behind() (histogram, error) {
	resp, err := c.http.Get(strings.TrimSuffix(c.url, "/graphql") + "/metrics")
	if err != nil {
		return histogram{}, err
	}
	defer resp.Body.Close()
	var h histogram
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 16<<20))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, `tiendo_figures_behind_seconds_bucket{le="`):
			rest := strings.TrimPrefix(line, `tiendo_figures_behind_seconds_bucket{le="`)
			le, val, _ := strings.Cut(rest, `"} `)
			b, _ := strconv.ParseFloat(le, 64)
			v, _ := strconv.ParseFloat(val, 64)
			h.bounds, h.counts = append(h.bounds, b), append(h.counts, v)
		case strings.HasPrefix(line, "tiendo_figures_behind_seconds_count "):
			h.count, _ = strconv.ParseFloat(strings.Fields(line)[1], 64)
		}
	}
	return h, sc.Err()
}
