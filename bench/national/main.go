// Command national loads the benchmark world into a database: the national
// unit list before the 2025 reform (63 provinces, 696 districts, 10,035
// communes), a 90-day campaign tracking 3 metrics, commune quotas, and daily
// cumulative commune reports with about 3% missing on any day. It can also
// time the two ingest questions of the benchmark: a new day of reports for
// every commune, and a late correction 30 days back.
//
//	go run ./bench/national -database-url URL load        # days 1..85
//	go run ./bench/national -database-url URL newday      # the next day (86..90), timed
//	go run ./bench/national -database-url URL correction  # day 60 of one commune, timed
//
// -days and -start give the campaign another length and first day (its
// slug is quoc-gia-{days}-ngay), so the cost of a new day can be measured
// with 35, 90 or 365 days of the campaign (bench/newday-history.sh).
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/demo"
	"github.com/tiendo-vn/tiendo/domain"
)

// slug names the benchmark campaign (quoc-gia-90-ngay by default).
var slug string

// newDays are left out of load, for newday to add one at a time (-new;
// bench/morning.sh leaves out only the last, so that a morning's reports
// are for the campaign's last day, as they are for "yesterday" in a
// campaign under way: no later day is computed yet).
var newDays = 5

// warm makes newday add two days in one process, timing the second.
var warm bool

var (
	start   = domain.MustDate("2024-03-01")
	days    = 90
	metrics = []string{"collected", "issued", "activated"}
	// now is after the campaign, so every day of it may be reported.
	now time.Time
	vn  = time.FixedZone("ICT", 7*3600)
)

// morningAfter is 08:00 in Vietnam the day after d: when day d's reports,
// due at 07:30, are in and its figures are wanted.
func morningAfter(d domain.Date) time.Time {
	return d.AddDays(1).Time(vn).Add(8 * time.Hour)
}

func main() {
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "database to load")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the step to this file")
	flag.IntVar(&days, "days", days, "the campaign's length in days (at least 35: newday adds the last 5, correction goes 30 back)")
	startFlag := flag.String("start", start.String(), "the campaign's first day (YYYY-MM-DD)")
	flag.IntVar(&newDays, "new", newDays, "the last days left out of load, for newday to add (1 to 5)")
	flag.BoolVar(&warm, "warm", false, "newday: add the next day first, untimed, then time the day after it in the same process (as a server that computed yesterday computes today)")
	flag.Parse()
	var err error
	if start, err = domain.ParseDate(*startFlag); err != nil || days < 35 || days > 3660 || newDays < 1 || newDays > 5 {
		fmt.Fprintf(os.Stderr, "national: -start %q -days %d -new %d: want a date YYYY-MM-DD, 35 to 3660 days and 1 to 5 new\n", *startFlag, days, newDays)
		os.Exit(2)
	}
	slug = fmt.Sprintf("quoc-gia-%d-ngay", days)
	now = start.AddDays(days + 7).UTC()
	if flag.NArg() != 1 || *url == "" {
		fmt.Fprintln(os.Stderr, "usage: national -database-url URL load|newday|correction|refresh|rewind")
		os.Exit(2)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, *url, db.Options{})
	if err == nil {
		err = store.Migrate(ctx)
	}
	if err == nil && *cpuProfile != "" {
		var f *os.File
		if f, err = os.Create(*cpuProfile); err == nil {
			err = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	if err == nil {
		switch flag.Arg(0) {
		case "load":
			err = load(ctx, store)
		case "newday":
			err = newDay(ctx, store)
		case "correction":
			err = correction(ctx, store)
		case "refresh":
			err = refresh(ctx, store)
		case "rewind":
			err = rewind(ctx, store)
		default:
			err = fmt.Errorf("unknown step %q", flag.Arg(0))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "national:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// commune is a commune's synthetic drive: its quota and daily cumulative
// figures per metric.
type commune struct {
	code  string
	quota [3]int64
}

func communes(units []domain.UnitRow) []commune {
	rng := rand.New(rand.NewPCG(2024, 3))
	var out []commune
	for _, u := range units {
		if u.Kind == domain.KindCommune && u.ValidTo != nil && *u.ValidTo < domain.MustDate("2025-07-01") {
			q := int64(2000 + rng.IntN(18000))
			out = append(out, commune{code: u.Code, quota: [3]int64{q, q * 95 / 100, q * 9 / 10}})
		}
	}
	return out
}

// value is commune i's cumulative figure for metric m on day d (0-based):
// a steady climb to 60–110% of the quota by the last day.
func value(c commune, i, m, d int) int64 {
	target := c.quota[m] * int64(60+(i*7+m*13)%51) / 100
	return target * int64(d+1) / int64(days)
}

// missing reports whether commune i skipped day d (about 3%).
func missing(i, d int) bool { return (i*31+d*17)%100 < 3 && d > 0 }

// reports hands an import its rows one by one.
type reports = func(fn func(csvio.Line[domain.ReportRow]) error) error

func reportsFor(cs []commune, d int) reports {
	return func(fn func(csvio.Line[domain.ReportRow]) error) error {
		line := 1
		day := start.AddDays(d)
		at := day.AddDays(1).Time(time.FixedZone("ICT", 7*3600)).Add(7 * time.Hour)
		for i, c := range cs {
			if missing(i, d) {
				continue
			}
			for m, key := range metrics {
				line++
				if err := fn(csvio.Line[domain.ReportRow]{Line: line, Row: domain.ReportRow{
					UnitCode: c.code, Metric: key, Date: day, Value: value(c, i, m, d), ReportedAt: at}}); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

func load(ctx context.Context, store *db.DB) error {
	t0 := time.Now()
	units, err := demo.Units()
	if err != nil {
		return err
	}
	var pre []csvio.Line[domain.UnitRow]
	for i, u := range units {
		if u.ValidFrom == nil { // the nation and the pre-reform list
			pre = append(pre, csvio.Line[domain.UnitRow]{Line: i + 2, Row: u})
		}
	}
	if _, err := store.ImportUnits(ctx, "units", pre, "bench"); err != nil {
		return err
	}
	c, err := store.CreateCampaign(ctx, &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: slug, Name: fmt.Sprintf("Chiến dịch toàn quốc %d ngày (benchmark)", days), Start: start, End: start.AddDays(days - 1),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: metrics}})
	if err != nil {
		return err
	}
	cs := communes(units)
	var quotas []csvio.Line[domain.QuotaRow]
	for _, cm := range cs {
		for m, key := range metrics {
			quotas = append(quotas, csvio.Line[domain.QuotaRow]{Line: len(quotas) + 2, Row: domain.QuotaRow{
				Campaign: slug, UnitCode: cm.code, Metric: key, Target: cm.quota[m], EffectiveFrom: start, Reason: "chỉ tiêu giao"}})
		}
	}
	if _, err := store.ImportQuotas(ctx, "quotas", quotas, "bench"); err != nil {
		return err
	}
	fmt.Printf("units, campaign and %d quotas in %.1f s\n", len(quotas), time.Since(t0).Seconds())
	t1 := time.Now()
	total := 0
	for d := 0; d < days-newDays; d++ {
		res, err := store.ImportReports(ctx, "reports", reportsFor(cs, d), "bench", now, nil)
		if err != nil {
			return err
		}
		total += res.Inserted
	}
	fmt.Printf("%d reports for days 1–%d in %.1f s\n", total, days-newDays, time.Since(t1).Seconds())
	t2 := time.Now()
	n, err := store.RefreshFigures(ctx, c.ID, start, morningAfter(start.AddDays(days-newDays-1)))
	if err != nil {
		return err
	}
	fmt.Printf("%d figures computed in %.1f s\n", n, time.Since(t2).Seconds())
	return nil
}

// campaign reads the benchmark campaign, its communes and the last day of
// reports loaded.
func campaign(ctx context.Context, store *db.DB) (*domain.Campaign, []commune, domain.Date, error) {
	c, err := store.CampaignBySlug(ctx, slug)
	if err != nil {
		return nil, nil, 0, err
	}
	var last time.Time
	// Per metric, so each is one probe of the primary key (metric, day,
	// unit): max(day) over the table scans it (0.4 s at 90 days).
	if err := store.Pool.QueryRow(ctx, `SELECT max(t.top) FROM metrics m,
		LATERAL (SELECT max(rc.day) AS top FROM report_current rc WHERE rc.metric_id = m.id) t`).Scan(&last); err != nil {
		return nil, nil, 0, err
	}
	units, err := demo.Units()
	return c, communes(units), domain.DateFromTime(last), err
}

// timed imports src (as name) and brings c's figures up to date as of at,
// printing what, the rows written and the seconds of each step.
func timed(ctx context.Context, store *db.DB, c *domain.Campaign, name string, src reports, at time.Time, what string) error {
	t0 := time.Now()
	res, err := store.ImportReports(ctx, name, src, "bench", now, nil)
	if err != nil {
		return err
	}
	t1 := time.Now()
	n, err := store.RefreshFigures(ctx, c.ID, 0, at)
	if err != nil {
		return err
	}
	t2 := time.Now()
	fmt.Printf("%s rows=%d ingest_s=%.3f refresh_s=%.3f figures=%d total_s=%.3f\n",
		what, res.Inserted, t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds(), n, t2.Sub(t0).Seconds())
	return nil
}

// newDay adds the last day's reports for every commune and brings every
// figure, rate and rank of that day up to date, timing both.
func newDay(ctx context.Context, store *db.DB) error {
	c, cs, last, err := campaign(ctx, store)
	if err != nil {
		return err
	}
	d, what := int(last-start)+1, "newday"
	if warm {
		d, what = d+1, "newday-warm"
	}
	if d >= days {
		return fmt.Errorf("every day of the campaign is loaded already; drop the benchmark database to start again")
	}
	if warm {
		// Yesterday, through this process's store: what it reads and
		// computes is what a server keeps for the next refresh.
		if err := timed(ctx, store, c, "reports", reportsFor(cs, d-1), morningAfter(start.AddDays(d-1)), fmt.Sprintf("# warm-up day=%s", start.AddDays(d-1))); err != nil {
			return err
		}
		// A day later the checkpointer (every 5 minutes by default) has
		// run: the timed day pays for the full-page images of the pages it
		// dirties, as the cold one does after bench/newday-history.sh's.
		if _, err := store.Pool.Exec(ctx, `CHECKPOINT`); err != nil {
			return fmt.Errorf("checkpoint between the two days (needs a superuser or pg_checkpoint): %w", err)
		}
	}
	return timed(ctx, store, c, "reports", reportsFor(cs, d), morningAfter(start.AddDays(d)), fmt.Sprintf("%s day=%s", what, start.AddDays(d)))
}

// correction lowers one commune's figure 30 days before the last day, with
// a reason, and brings every later day up to date.
func correction(ctx context.Context, store *db.DB) error {
	c, cs, lastDay, err := campaign(ctx, store)
	if err != nil {
		return err
	}
	d := int(lastDay-start) - 30
	i := 17
	day := start.AddDays(d)
	// Lower it, but not below the day before, so the series stays
	// cumulative; if an earlier run lowered it, put it back, so every run
	// writes a correction.
	v := (value(cs[i], i, 0, d) + value(cs[i], i, 0, d-1)) / 2
	if v == value(cs[i], i, 0, d) {
		v--
	}
	var stored int64
	if err := store.Pool.QueryRow(ctx, `SELECT rc.value FROM report_current rc JOIN units u ON u.id = rc.unit_id
		JOIN metrics m ON m.id = rc.metric_id WHERE u.code = $1 AND m.key = 'collected' AND rc.day = $2`,
		cs[i].code, day.UTC()).Scan(&stored); err == nil && stored == v {
		v = value(cs[i], i, 0, d)
	}
	src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
		return fn(csvio.Line[domain.ReportRow]{Line: 2, Row: domain.ReportRow{UnitCode: cs[i].code, Metric: "collected", Date: day,
			Value: v, ReportedAt: now, Note: fmt.Sprintf("đính chính %s", time.Now().Format(time.RFC3339Nano))}})
	}
	return timed(ctx, store, c, "correction", src, morningAfter(lastDay), "correction")
}

// refresh recomputes every figure as of the morning after the last day
// loaded (setup, not measured: after a schema change, say).
func refresh(ctx context.Context, store *db.DB) error {
	c, _, last, err := campaign(ctx, store)
	if err != nil {
		return err
	}
	if _, err := store.Pool.Exec(ctx, `DELETE FROM figures_state WHERE campaign_id = $1`, c.ID); err != nil {
		return err
	}
	t0 := time.Now()
	n, err := store.RefreshFigures(ctx, c.ID, 0, morningAfter(last))
	fmt.Printf("refresh figures=%d s=%.1f\n", n, time.Since(t0).Seconds())
	return err
}

// rewind removes the last day's reports and figures, so that newday can be
// measured again on the same day. Benchmark only: it bypasses the
// append-only triggers (as a superuser, with replication role), which the
// service itself never does.
func rewind(ctx context.Context, store *db.DB) error {
	c, _, last, err := campaign(ctx, store)
	if err != nil {
		return err
	}
	tx, err := store.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{
		`SET LOCAL session_replication_role = replica`,
		`DELETE FROM report_revisions WHERE day = $1`,
		`DELETE FROM report_current WHERE day = $1`,
		`DELETE FROM figure_values WHERE day >= $1`,
		`DELETE FROM figure_ranks WHERE day >= $1`,
		`UPDATE figures_state SET computed_to = $1::date - 1, snapshot = pg_current_snapshot()`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, last.UTC())
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	fmt.Printf("rewound %s (campaign %d)\n", last, c.ID)
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	// The service never deletes; clear what the deletes left behind (dead
	// rows and index entries), so each run adds its day to tables as a
	// morning would find them.
	_, err = store.Pool.Exec(ctx, `VACUUM (ANALYZE) report_revisions, report_current, figure_values, figure_ranks`)
	return err
}
