// Command rankread times the read behind a ranking's first request after a
// commit: every row of one level of a campaign's day (db.Ranking), as
// package app reads it when its cached ranking's version moved.
//
//	go run ./bench/rankread -database-url postgres://…/tiendo_bench
//
// Run it after `bench/national rewind` and `newday` (the day newer than the
// tables' statistics, as each report morning's is) and after an ANALYZE.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

func main() {
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "the national world's database")
	slug := flag.String("campaign", "quoc-gia-90-ngay", "campaign")
	metric := flag.String("metric", "activated", "metric")
	day := flag.String("day", "2024-05-24", "day")
	kind := flag.String("level", "COMMUNE", "level")
	runs := flag.Int("runs", 40, "reads")
	flag.Parse()
	if err := run(*url, *slug, *metric, *day, domain.UnitKind(*kind), *runs); err != nil {
		fmt.Fprintln(os.Stderr, "rankread:", err)
		os.Exit(1)
	}
}

func run(url, slug, metric, day string, kind domain.UnitKind, runs int) error {
	ctx := context.Background()
	store, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	c, err := store.CampaignBySlug(ctx, slug)
	if err != nil {
		return err
	}
	d, err := domain.ParseDate(day)
	if err != nil {
		return err
	}
	var took []time.Duration
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for range runs {
		start := time.Now()
		rows, _, err := store.Ranking(ctx, domain.RankingFilter{Campaign: c, Metric: metric, Day: d, Kind: kind, Limit: -1})
		if err != nil {
			return err
		}
		took = append(took, time.Since(start))
		n = len(rows)
	}
	runtime.ReadMemStats(&after)
	slices.Sort(took)
	fmt.Printf("rankread level=%s rows=%d runs=%d p50_ms=%.1f min_ms=%.1f max_ms=%.1f alloc_mb_per_read=%.1f\n", kind, n, runs,
		ms(took[len(took)/2]), ms(took[0]), ms(took[len(took)-1]), float64(after.TotalAlloc-before.TotalAlloc)/float64(runs)/(1<<20))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
