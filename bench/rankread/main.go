// Command rankread times the read behind a ranking's first request after a
// commit: every row of one level of a campaign's day (db.Ranking), as
// package app reads it when its cached ranking's version moved.
//
//	go run ./bench/rankread -database-url postgres://…/tiendo_bench
//
// Run it after `bench/national rewind` and `newday` (the day newer than the
// tables' statistics, as each report morning's is) and after an ANALYZE.
// With -scope CODE it times db.DayFigures instead: the unit's figures and
// its children's, as a bulletin and a unit's embedded card read them.
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
	scope := flag.String("scope", "", "a unit's code: time db.DayFigures of it and its children instead")
	flag.Parse()
	if err := run(*url, *slug, *metric, *day, domain.UnitKind(*kind), *scope, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "rankread:", err)
		os.Exit(1)
	}
}

func run(url, slug, metric, day string, kind domain.UnitKind, scope string, runs int) error {
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
	read := func() (int, error) {
		rows, _, err := store.Ranking(ctx, domain.RankingFilter{Campaign: c, Metric: metric, Day: d, Kind: kind, Limit: -1})
		return len(rows), err
	}
	if scope != "" {
		u, err := store.UnitByCode(ctx, scope, d)
		if err != nil {
			return err
		}
		kind = domain.UnitKind("dayfigures:" + scope)
		read = func() (int, error) {
			own, children, err := store.DayFigures(ctx, c.ID, metric, d, u.ID)
			if err == nil && own == nil {
				err = fmt.Errorf("no figures of %s on %s", scope, day)
			}
			return 1 + len(children), err
		}
	}
	var took []time.Duration
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for range runs {
		start := time.Now()
		rows, err := read()
		if err != nil {
			return err
		}
		took = append(took, time.Since(start))
		n = rows
	}
	runtime.ReadMemStats(&after)
	slices.Sort(took)
	fmt.Printf("rankread level=%s rows=%d runs=%d p50_ms=%.1f min_ms=%.1f max_ms=%.1f alloc_mb_per_read=%.1f\n", kind, n, runs,
		ms(took[len(took)/2]), ms(took[0]), ms(took[len(took)-1]), float64(after.TotalAlloc-before.TotalAlloc)/float64(runs)/(1<<20))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
