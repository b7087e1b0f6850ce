package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestParallelWrites writes at once what reporters write at once: the same
// batch retried in parallel under one client key, two reporters sending the
// same unit and day, many days of one unit out of order, and conflicting
// figures for one day. Nothing is lost, nothing is duplicated. Run it with
// -race.
func TestParallelWrites(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	ctx := context.Background()
	revisions := func(unit, metric string) (n, days int) {
		t.Helper()
		err := w.store.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT day) FROM report_revisions r
			JOIN units u ON u.id = r.unit_id JOIN metrics m ON m.id = r.metric_id WHERE u.code = $1 AND m.key = $2`, unit, metric).Scan(&n, &days)
		if err != nil {
			t.Fatal(err)
		}
		return n, days
	}
	const n = 12
	run := func(f func(i int) response) []response {
		out := make([]response, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				out[i] = f(i)
			}()
		}
		close(start)
		wg.Wait()
		return out
	}
	t.Run("SameBatchRetriedInParallel", func(t *testing.T) {
		audits := w.counts(t)["audit_log"]
		vars := batch("retry-1", report("92000", "collected", "2024-01-08", 100), report("92000", "collected", "2024-01-09", 130),
			report("92001", "collected", "2024-01-09", 70))
		resps := run(func(int) response { return w.post(t, w.rep920, submitMutation, vars) })
		fresh := 0
		for _, r := range resps {
			if len(r.Errors) > 0 {
				t.Fatalf("%+v", r.Errors)
			}
			s := strings.Replace(string(r.Data), `"replayed":true`, `"replayed":false`, 1)
			if s != strings.Replace(string(resps[0].Data), `"replayed":true`, `"replayed":false`, 1) {
				t.Fatalf("different results:\n%s\n%s", r.Data, resps[0].Data)
			}
			if strings.Contains(string(r.Data), `"replayed":false`) {
				fresh++
			}
		}
		if fresh != 1 {
			t.Fatalf("%d requests wrote, want 1", fresh)
		}
		if got, _ := revisions("92000", "collected"); got != 2 {
			t.Fatalf("%d revisions of 92000, want 2", got)
		}
		if got := w.counts(t)["audit_log"] - audits; got != 1 {
			t.Fatalf("%d audit entries, want 1", got)
		}
	})
	t.Run("TwoReportersSameUnitAndDay", func(t *testing.T) {
		resps := run(func(i int) response {
			token := w.rep92
			if i%2 == 1 {
				token = w.rep920
			}
			return w.post(t, token, submitMutation, batch(fmt.Sprintf("same-%d", i), report("92002", "collected", "2024-01-09", 500)))
		})
		written := 0
		for _, r := range resps {
			if len(r.Errors) > 0 {
				t.Fatalf("%+v", r.Errors)
			}
			if strings.Contains(string(r.Data), `"status":"WRITTEN"`) {
				written++
			}
		}
		if got, _ := revisions("92002", "collected"); got != 1 || written != 1 {
			t.Fatalf("%d revisions, %d WRITTEN; want 1 and 1", got, written)
		}
	})
	t.Run("ManyDaysOutOfOrder", func(t *testing.T) {
		resps := run(func(i int) response {
			// Days 10 January back to … in reverse, figures rising with the day.
			day := fmt.Sprintf("2024-01-%02d", 10-i%10)
			return w.post(t, w.rep920, submitMutation, batch(fmt.Sprintf("days-%d", i),
				report("92003", "issued", day, 100*(10-i%10)), report("920", "issued", day, 1000*(10-i%10))))
		})
		for _, r := range resps {
			if len(r.Errors) > 0 {
				t.Fatalf("%+v", r.Errors)
			}
		}
		if got, days := revisions("92003", "issued"); got != 10 || days != 10 {
			t.Fatalf("%d revisions over %d days, want 10 and 10", got, days)
		}
		// Figures reflect every write.
		var p struct {
			Progress struct {
				Edges []struct{ Node struct{ Figure int } }
			}
		}
		w.must(t, "", `{ progress(campaign: "live", unitCode: "92003", metric: "issued", from: "2024-01-01", to: "2024-01-10") { edges { node { figure } } } }`, nil, &p)
		if e := p.Progress.Edges; len(e) != 10 || e[0].Node.Figure != 100 || e[9].Node.Figure != 1000 {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("ConflictingFiguresForOneDay", func(t *testing.T) {
		resps := run(func(i int) response {
			return w.post(t, w.rep92, submitMutation, batch(fmt.Sprintf("conflict-%d", i), report("92100", "collected", "2024-01-09", 10+i)))
		})
		ok, refused := 0, 0
		var stored int
		for i, r := range resps {
			switch {
			case len(r.Errors) == 0:
				ok++
				stored = 10 + i
			case r.Errors[0].Extensions["code"] == "BAD_INPUT" && strings.Contains(r.Errors[0].Message, "correctReport"):
				refused++
			default:
				t.Fatalf("%+v", r.Errors)
			}
		}
		if ok != 1 || refused != n-1 {
			t.Fatalf("%d accepted, %d refused", ok, refused)
		}
		var v int
		w.store.Pool.QueryRow(ctx, `SELECT value FROM report_current rc JOIN units u ON u.id = rc.unit_id WHERE u.code = '92100'`).Scan(&v)
		if got, _ := revisions("92100", "collected"); got != 1 || v != stored {
			t.Fatalf("%d revisions, current %d, want 1 and %d", got, v, stored)
		}
	})
}
