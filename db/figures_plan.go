package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// planRefresh reads, in one snapshot, the campaign, its units and quotas,
// what changed since the last refresh, and the reports the days to
// recompute depend on.
func (db *DB) planRefresh(ctx context.Context, campaignID int64, from domain.Date, now time.Time) (*refreshPlan, error) {
	tx, err := db.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	plan := &refreshPlan{}
	if err := tx.QueryRow(ctx, `SELECT pg_current_snapshot()::text`).Scan(&plan.snapshot); err != nil {
		return nil, err
	}
	c, err := campaignIn(ctx, tx, campaignID)
	if err != nil {
		return nil, err
	}
	in := &plan.in
	in.Campaign = c
	tree, err := db.subtreeAt(ctx, tx, c.ScopeUnitID)
	if err != nil {
		return nil, err
	}
	in.Units = tree.units
	plan.fingerprint = fingerprint(c, tree.lines)
	// A note of figures due may name an earlier day than the caller: a
	// write whose own refresh never ran (the process died) or failed.
	dueDay, err := dueFrom(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	if plan.due = dueDay != nil; plan.due && from != 0 && *dueDay < from {
		from = *dueDay
	}
	to := FiguresDue(c, now)
	// Reports are never in the future, but data imported "as of" an
	// earlier moment (tests, replays) may reach past now: compute to them.
	var lastReport *time.Time
	if err := tx.QueryRow(ctx, `
		SELECT max(last) FROM metrics m CROSS JOIN LATERAL (
			SELECT max(day) AS last FROM report_current rc WHERE rc.metric_id = m.id AND rc.day <= $2) l
		WHERE m.key = ANY($1)`, c.MetricKeys, pgDate(c.End)).Scan(&lastReport); err != nil {
		return nil, err
	}
	if lastReport != nil {
		to = max(to, min(toDate(*lastReport), c.End))
	}
	if to < c.Start {
		plan.nothingToDo = true
		return plan, nil
	}
	plan.to, plan.computedTo = to, to

	var computedTo *time.Time
	var stateFP *string
	err = tx.QueryRow(ctx, `SELECT computed_to, snapshot::text, fingerprint FROM figures_state WHERE campaign_id = $1`, c.ID).
		Scan(&computedTo, &plan.prevSnap, &stateFP)
	if err != nil && err != pgx.ErrNoRows {
		return nil, err
	}
	incremental := false // the days to compute are those changedWindow finds
	never := err == pgx.ErrNoRows || computedTo == nil || plan.prevSnap == nil
	if never || stateFP == nil || *stateFP != plan.fingerprint {
		plan.from, plan.tail = max(from, c.Start), true
		if from == 0 || never {
			// The first refresh computes every day from the start, whatever
			// day the write that caused it was for.
			plan.from = c.Start
		}
	} else {
		incremental = true
		plan.stored = toDate(*computedTo)
		var metrics []string
		var earliest domain.Date
		if plan.from, plan.to, plan.tail, metrics, earliest, err = changedWindow(ctx, tx, c, in.Units, *plan.prevSnap, toDate(*computedTo), to); err != nil {
			return nil, err
		}
		// Nothing the days before from depend on changed (a change before
		// the campaign's start is recomputed from the start): the last
		// refresh's checkpoint at from, if it took one, still holds.
		plan.resumable = earliest >= plan.from
		if len(metrics) < len(c.MetricKeys) { // only those metrics' figures can change
			cc := *c
			cc.MetricKeys = metrics
			in.Campaign = &cc
		}
	}
	if plan.from > plan.to {
		plan.nothingToDo = true
		plan.unchanged = incremental // changedWindow found nothing changed since prevSnap
		return plan, nil
	}

	// The reports the days from..to depend on: those of the days the engine
	// computes (from eight days before, for changes and pace) and, for each
	// unit and metric without a report on the first of those days, the last
	// one before it, which is carried forward.
	in.From, in.To = plan.from, plan.to
	lo := plan.from - 8
	// The window the last refresh read, brought up to date, if it is the
	// same (window_memory.go); else read. Its quota revisions likewise.
	w := db.windows.take(c.ID)
	if !w.usable(plan.prevSnap, plan.fingerprint, lo, plan.to, in.Campaign.MetricKeys) {
		w = nil
	}
	if w != nil && w.quotas != nil {
		if err := w.updateQuotas(ctx, tx, c.ID); err != nil {
			return nil, err
		}
		in.Quotas = w.quotas
	} else if in.Quotas, err = readQuotas(ctx, tx, c.ID, len(in.Units)*len(c.MetricKeys)); err != nil {
		return nil, err
	}
	if w != nil {
		ok, err := w.update(ctx, tx)
		if err != nil {
			return nil, err
		}
		if ok {
			w.quotas = in.Quotas
			if plan.resumable {
				plan.resume = w.resume
			}
			w.resume = nil // until this refresh commits
			plan.window, in.Reports = w, w.reports
			return plan, nil
		}
	}
	if in.Reports, err = windowReports(ctx, tx, in.Units, in.Campaign.MetricKeys, lo, plan.to); err != nil {
		return nil, err
	}
	plan.window = &reportWindow{lo: lo, to: plan.to, metrics: in.Campaign.MetricKeys, reports: in.Reports, quotas: in.Quotas}
	return plan, nil
}

// readQuotas reads every quota revision of a campaign (about size).
func readQuotas(ctx context.Context, tx pgx.Tx, campaignID int64, size int) ([]domain.QuotaRevision, error) {
	// About a revision per unit and metric: sized once (a national
	// campaign has ninety thousand; growing the slice cost more than
	// reading them).
	return appendQuotas(ctx, tx, make([]domain.QuotaRevision, 0, size), `WHERE q.campaign_id = $1`, campaignID)
}

// quotasSQL selects quota revisions as appendQuotas reads them.
const quotasSQL = `SELECT q.id, q.campaign_id, q.unit_id, m.key, q.target, q.effective_from
	FROM quota_revisions q JOIN metrics m ON m.id = q.metric_id`

// appendQuotas appends to quotas the revisions quotasSQL selects with where.
func appendQuotas(ctx context.Context, tx pgx.Tx, quotas []domain.QuotaRevision, where string, args ...any) ([]domain.QuotaRevision, error) {
	rows, err := tx.Query(ctx, quotasSQL+" "+where, args...)
	if err != nil {
		return quotas, err
	}
	var q domain.QuotaRevision
	var eff time.Time
	_, err = pgx.ForEachRow(rows, []any{&q.ID, &q.CampaignID, &q.UnitID, &q.MetricKey, &q.Target, &eff}, func() error {
		q.EffectiveFrom = toDate(eff)
		quotas = append(quotas, q)
		return nil
	})
	return quotas, err
}

// windowReports reads the current reports of units for the days lo..to,
// and, for each unit and metric without one on day lo, its last report
// before lo. The days are a range of the primary key (metric, day, unit),
// the units a hashed list; only the pairs that need it probe for an earlier
// report (report_before: span by span, back to the pair's first report).
func windowReports(ctx context.Context, tx pgx.Tx, units []*domain.Unit, metricKeys []string, lo, to domain.Date) ([]engine.Report, error) {
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	var mids []int16
	keyOf := map[int16]string{}
	rows, err := tx.Query(ctx, `SELECT id, key FROM metrics WHERE key = ANY($1)`, metricKeys)
	if err != nil {
		return nil, err
	}
	var mid int16
	var key string
	if _, err := pgx.ForEachRow(rows, []any{&mid, &key}, func() error {
		mids = append(mids, mid)
		keyOf[mid] = key
		return nil
	}); err != nil {
		return nil, err
	}
	type pair struct {
		unit   int64
		metric int16
	}
	onLo := make(map[pair]bool, len(ids)*len(mids))
	// About a report per unit, metric and day: growing the slice instead
	// copies hundreds of thousands of reports (with pointers, so under
	// the garbage collector's write barriers) several times on a new day.
	// Untouched capacity costs address space, not memory.
	out := make([]engine.Report, 0, min(len(ids)*len(mids)*(int(to-lo)+1), 1<<20))
	var r engine.Report
	var day time.Time
	scan := []any{&r.UnitID, &mid, &day, &r.Value, &r.Revision, &r.FirstReportedAt}
	// Planned for its own list each time (an unnamed statement), not
	// once for any list (see windowSQL).
	rows, err = tx.Query(ctx, windowSQL, pgx.QueryExecModeDescribeExec, mids, pgDate(lo), pgDate(to), ids)
	if err != nil {
		return nil, err
	}
	if _, err := pgx.ForEachRow(rows, scan, func() error {
		r.Day, r.Metric = toDate(day), keyOf[mid]
		if r.Day == lo {
			onLo[pair{r.UnitID, mid}] = true
		}
		out = append(out, r)
		return nil
	}); err != nil {
		return nil, err
	}
	var pu []int64
	var pm []int16
	for _, id := range ids {
		for _, m := range mids {
			if !onLo[pair{id, m}] {
				pu, pm = append(pu, id), append(pm, m)
			}
		}
	}
	if len(pu) == 0 {
		return out, nil
	}
	rows, err = tx.Query(ctx, `
		SELECT l.unit_id, l.metric_id, l.day, l.value, l.revision, l.first_reported_at
		FROM unnest($1::bigint[], $2::smallint[]) AS k(unit_id, metric_id)
		CROSS JOIN LATERAL (SELECT k.unit_id, k.metric_id, b.* FROM report_before(k.unit_id, k.metric_id, $3::date) b) l`, pu, pm, pgDate(lo))
	if err != nil {
		return nil, err
	}
	_, err = pgx.ForEachRow(rows, scan, func() error {
		r.Day, r.Metric = toDate(day), keyOf[mid]
		out = append(out, r)
		return nil
	})
	return out, err
}

// windowSQL reads the reports of a window: the days are a range of the
// primary key (metric, day, unit), the units a hashed list. A prepared
// statement's plan made once for any list (PostgreSQL's choice after five
// runs) cannot hash a list it does not know: it compared each report with
// up to thirty thousand units (7.7 s a refresh on a report morning), or
// descended the key once per metric and unit (past the statement
// timeout). So it is planned for its list each time (windowReports), and
// "+ 0" keeps the list out of the index condition whatever the plan.
const windowSQL = `
		SELECT rc.unit_id, rc.metric_id, rc.day, rc.value, rc.revision, rc.first_reported_at FROM report_current rc
		WHERE rc.metric_id = ANY($1) AND rc.day BETWEEN $2 AND $3 AND rc.unit_id + 0 = ANY($4)`

// changedWindow finds the days to recompute after the refresh whose
// inputs were read in snapshot: from the earliest day a new report or quota revision
// touches to where its effect ends, and any days not computed yet. A new
// report revision counts whatever its value: figures carry revision counts.
//
// earliest is the earliest day a change is for, before the campaign's
// start too (from is not before the start).
func changedWindow(ctx context.Context, tx pgx.Tx, c *domain.Campaign, units []*domain.Unit, snapshot string, computedTo, to domain.Date) (from, until domain.Date, tail bool, metrics []string, earliest domain.Date, err error) {
	from, until, earliest = domain.Date(math.MaxInt32), domain.Date(math.MinInt32), domain.Date(math.MaxInt32)
	touched := map[string]bool{}
	all := func() {
		for _, m := range c.MetricKeys {
			touched[m] = true
		}
	}
	if computedTo < to { // days not computed yet, for every metric
		from, until, tail = computedTo+1, to, true
		all()
	}
	rows, err := tx.Query(ctx, `
		SELECT m.key, min(q.effective_from) FROM quota_revisions q JOIN metrics m ON m.id = q.metric_id
		WHERE q.campaign_id = $1 AND q.xid >= pg_snapshot_xmin($2::pg_snapshot) AND NOT pg_visible_in_snapshot(q.xid, $2::pg_snapshot)
		GROUP BY m.key`, c.ID, snapshot)
	if err != nil {
		return 0, 0, false, nil, 0, err
	}
	var metric string
	var day time.Time
	_, err = pgx.ForEachRow(rows, []any{&metric, &day}, func() error {
		// A quota changes every later rate and rank of its metric.
		from, until, tail = min(from, max(toDate(day), c.Start)), to, true
		earliest = min(earliest, toDate(day))
		touched[metric] = true
		return nil
	})
	if err != nil {
		return 0, 0, false, nil, 0, err
	}
	inScope := make(map[int64]bool, len(units))
	for _, u := range units {
		inScope[u.ID] = true
	}
	// Each changed unit and metric: its first and last changed day, and its
	// next report after the last. Revisions of days not computed yet are
	// recomputed whatever they are (above): only the others are grouped
	// (a new morning's are nearly all of the first kind).
	changedTo := to
	if computedTo < to {
		changedTo = computedTo
	}
	rows, err = tx.Query(ctx, `
		WITH changed AS (
			SELECT r.unit_id, r.metric_id, min(r.day) AS first, max(r.day) AS last
			FROM report_revisions r JOIN metrics m ON m.id = r.metric_id
			WHERE r.xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(r.xid, $1::pg_snapshot)
			  AND m.key = ANY($2) AND r.day <= $4
			GROUP BY r.unit_id, r.metric_id)
		SELECT c.unit_id, m.key, c.first, c.last,
			-- A next report within eight days of the last day cannot end the
			-- effect before it: no need to look for it.
			-- (A next report after the last computed day ends nothing.)
			CASE WHEN c.last < $3::date - 8 THEN (SELECT n.day FROM report_after(c.unit_id, c.metric_id, c.last, $3::date) n) END
		FROM changed c JOIN metrics m ON m.id = c.metric_id`, snapshot, c.MetricKeys, pgDate(to), pgDate(changedTo))
	if err != nil {
		return 0, 0, false, nil, 0, err
	}
	var unitID int64
	var first, last time.Time
	var next *time.Time
	_, err = pgx.ForEachRow(rows, []any{&unitID, &metric, &first, &last, &next}, func() error {
		if !inScope[unitID] {
			return nil
		}
		earliest = min(earliest, toDate(first))
		end := to
		if next != nil {
			// The unit's own figure is its next report from then on; the
			// day changes and the 7-day pace look back seven days more.
			end = min(to, toDate(*next)+8)
		}
		if end < c.Start {
			return nil
		}
		from = min(from, max(toDate(first), c.Start))
		until = max(until, end)
		if end == to {
			tail = true
		}
		touched[metric] = true
		return nil
	})
	for _, m := range c.MetricKeys {
		if touched[m] {
			metrics = append(metrics, m)
		}
	}
	return from, until, tail, metrics, earliest, err
}

// fingerprint identifies what, besides reports and quotas, a campaign's
// figures depend on: its settings, its units and the engine's rules.
func fingerprint(c *domain.Campaign, unitLines []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "engine %d\n", engine.Version)
	fmt.Fprintf(h, "%d %d %d %d %d %s %q\n", c.ScopeUnitID, c.Start, c.End, c.DeadlineMinutes, c.DeadlineDays, c.TimeZone, c.MetricKeys)
	for _, r := range domain.RulesOf(c) {
		fmt.Fprintf(h, "rules %d %s %s\n", r.Version, r.EffectiveFrom, r.Order)
		for _, b := range r.Bands {
			fmt.Fprintf(h, "band %s %v\n", b.Key, b.Min)
		}
	}
	h.Write(unitLines)
	return hex.EncodeToString(h.Sum(nil))
}
