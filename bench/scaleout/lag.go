package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
)

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
			f, _ := strconv.ParseFloat(v, 64)
			lag = max(lag, f)
		}
	}
	return lag, sc.Err()
}
