package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/db"
)

// writer is the morning rush's: batches of the rush's day, one every
// interval, through one server.
type writer struct {
	url, token string
	batch      int
	every      time.Duration
	name       string
}

// slot is a report the rush's day still lacks, with the figure of the day
// before (the writer sends one more).
type slot struct {
	Code, Metric string
	Before       int64
}

func openSlots(ctx context.Context, store *db.DB) ([]slot, error) {
	rows, err := store.Pool.Query(ctx, `SELECT u.code, m.key, p.value FROM report_current p
		JOIN units u ON u.id = p.unit_id JOIN metrics m ON m.id = p.metric_id
		WHERE p.day = $1::date - 1 AND m.key = ANY($2) AND NOT EXISTS (SELECT 1 FROM report_current r
			WHERE r.unit_id = p.unit_id AND r.metric_id = p.metric_id AND r.day = $1::date)
		ORDER BY u.code, m.key`, rushDay().UTC(), rushMetrics)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[slot])
}

func (w *writer) run(ctx context.Context, store *db.DB) error {
	left, err := openSlots(ctx, store)
	if err != nil {
		return err
	}
	if w.token == "" || w.batch < 1 {
		return fmt.Errorf("write needs -token and a positive -batch")
	}
	if len(left) == 0 {
		return fmt.Errorf("campaign %s has nothing left to report on %s: run setup (it takes that day back)", rushSlug, rushDay())
	}
	client := &http.Client{Timeout: 60 * time.Second}
	tick := time.NewTicker(w.every)
	defer tick.Stop()
	var acks []time.Duration
	var failures, reports int
	began := time.Now()
	for ctx.Err() == nil && len(left) > 0 {
		n := min(w.batch, len(left))
		items := make([]map[string]any, n)
		for i, s := range left[:n] {
			items[i] = map[string]any{"unitCode": s.Code, "metric": s.Metric, "date": rushDay().String(), "value": s.Before + 1}
		}
		left = left[n:]
		t := time.Now()
		err := w.submit(ctx, client, items, fmt.Sprintf("scaleout-%d-%d", began.UnixNano(), len(acks)+failures))
		switch {
		case ctx.Err() != nil: // interrupted: not the server's doing
		case err != nil:
			if failures++; failures <= 3 {
				fmt.Fprintln(os.Stderr, "scaleout write:", err)
			}
		default:
			acks = append(acks, time.Since(t))
			reports += n
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	elapsed := time.Since(began)
	slices.Sort(acks)
	ms := func(i int) float64 { return float64(acks[i].Microseconds()) / 1000 }
	var p50, p99, worst float64
	if n := len(acks); n > 0 {
		p50, p99, worst = ms(n/2), ms(n*99/100), ms(n-1)
	}
	fmt.Printf("%s batches=%d reports=%d failures=%d batches_per_s=%.2f ack_p50_ms=%.1f ack_p99_ms=%.1f ack_max_ms=%.1f left=%d\n",
		w.name, len(acks), reports, failures, float64(len(acks))/elapsed.Seconds(), p50, p99, worst, len(left))
	if len(left) == 0 {
		fmt.Fprintf(os.Stderr, "scaleout write: every commune has reported %s; run setup again to rewind it\n", rushDay())
	}
	if failures > 0 {
		return fmt.Errorf("%d batches failed", failures)
	}
	return nil
}

// submit sends one submitReports and checks that every item was written.
func (w *writer) submit(ctx context.Context, client *http.Client, items []map[string]any, key string) error {
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($in: SubmitReportsInput!) { submitReports(input: $in) { written } }`,
		"variables": map[string]any{"in": map[string]any{"campaign": rushSlug, "clientKey": key, "reports": items}},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		Data   struct{ SubmitReports struct{ Written int } }
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("status %d: %s", resp.StatusCode, out.Errors[0].Message)
	}
	if out.Data.SubmitReports.Written != len(items) {
		return fmt.Errorf("%d of %d reports written", out.Data.SubmitReports.Written, len(items))
	}
	return nil
}
