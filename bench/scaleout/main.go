// Command scaleout is the Go side of bench/scaleout.sh: the morning rush's
// campaign and writer, and a replica-lag sampler.
//
//	scaleout -database-url URL setup        campaign A of the rush, ready for its last day
//	scaleout -database-url URL -url http://…/graphql -token T write
//	scaleout -database-url URL lag          replay lag sampled every 100 ms
//
// setup keeps, in a database holding the demo, a campaign of the nation on
// the map before the 2025 reform (63 provinces, 10,035 communes): the first
// seven of its eight days of 2024 are reported by every commune that has
// never reported its metrics in the demo (so no earlier figure of the demo
// stands in the way of the rules on cumulative figures), and the last day
// by none. Run again, it removes what a writer added on the last day (as
// bench/national rewind does: benchmark only) and brings the figures back.
//
// write submits that last day, 100 reports a submitReports, one batch a
// second (the morning rush of issue #14), until interrupted (SIGINT or
// SIGTERM) or every commune has reported; it then prints the batches sent
// and how long their acknowledgements took.
//
// lag samples pg_stat_replication on the primary (and, with -metrics, a
// server's tiendo_replica_lag_seconds) until interrupted, and prints the
// largest replay lag seen.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

// The rush's campaign: the nation, eight days of 2024, three metrics.
const rushSlug = "scaleout-rush"

var (
	rushStart   = domain.MustDate("2024-03-01")
	rushDays    = 8
	rushMetrics = []string{"collected", "issued", "activated"}
)

// rushDay is the day the writer reports: the campaign's last.
func rushDay() domain.Date { return rushStart.AddDays(rushDays - 1) }

func main() {
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "the primary's database")
	api := flag.String("url", "http://127.0.0.1:18081/graphql", "write: the GraphQL endpoint")
	token := flag.String("token", os.Getenv("TOKEN"), "write: an admin token")
	batch := flag.Int("batch", 100, "write: reports per submitReports")
	every := flag.Duration("every", time.Second, "write: one batch this often; lag: one sample this often")
	metrics := flag.String("metrics", "", "lag: also sample this server's /metrics (tiendo_replica_lag_seconds)")
	name := flag.String("name", "", "label for the result line")
	flag.Parse()
	if flag.NArg() != 1 || *url == "" {
		fmt.Fprintln(os.Stderr, "usage: scaleout -database-url URL setup|write|lag")
		os.Exit(2)
	}
	// Interrupted, write and lag print what they saw and stop.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	store, err := db.Open(context.Background(), *url, db.Options{})
	if err == nil {
		switch flag.Arg(0) {
		case "setup":
			err = setup(context.Background(), store)
		case "write":
			w := &writer{url: *api, token: *token, batch: *batch, every: *every, name: orDefault(*name, "rush-writer")}
			err = w.run(ctx, store)
		case "lag":
			err = sampleLag(ctx, store, *every, *metrics, orDefault(*name, "replica-lag"))
		default:
			err = fmt.Errorf("unknown step %q", flag.Arg(0))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scaleout:", err)
		os.Exit(1)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sampleLag reads, every interval until interrupted, the largest replay lag
// of the primary's standbys (pg_stat_replication: the time, and the WAL
// bytes sent but not yet replayed) and, given a server's /metrics, the lag
// that server measures (tiendo_replica_lag_seconds); then prints the
// largest of each.
func sampleLag(ctx context.Context, store *db.DB, every time.Duration, metricsURL, name string) error {
	var samples int
	var maxLag, maxBytes, maxServer float64
	tick := time.NewTicker(every)
	defer tick.Stop()
	for ctx.Err() == nil {
		var lag, behind float64
		err := store.Pool.QueryRow(ctx, `SELECT COALESCE(max(extract(epoch FROM replay_lag)), 0)::float8,
			COALESCE(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::float8 FROM pg_stat_replication`).Scan(&lag, &behind)
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			return err
		}
		maxLag, maxBytes = max(maxLag, lag), max(maxBytes, behind)
		if metricsURL != "" {
			s, err := serverLag(ctx, metricsURL)
			if err != nil && ctx.Err() == nil {
				return err
			}
			maxServer = max(maxServer, s)
		}
		samples++
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	fmt.Printf("%s samples=%d replay_lag_max_s=%.3f wal_not_replayed_max_bytes=%.0f server_replica_lag_max_s=%.3f\n",
		name, samples, maxLag, maxBytes, maxServer)
	return nil
}

// serverLag is the largest tiendo_replica_lag_seconds a server exports.
func serverLag(ctx context.Context, url string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var lag float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "tiendo_replica_lag_seconds{"); ok {
			_, v, _ := strings.Cut(rest, "} ")
			var f float64
			if _, err := fmt.Sscan(v, &f); err == nil {
				lag = max(lag, f)
			}
		}
	}
	return lag, sc.Err()
}
