package db

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// subtreeSQL selects the ids of a unit's subtree ($1 is the root id).
const subtreeSQL = `WITH RECURSIVE sub(id) AS (
	SELECT $1::bigint UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)`

// RefreshFigures brings a campaign's stored figures up to date with every
// report and quota revision committed before it starts, and extends them to
// the last day whose report deadline has passed as of now (FiguresDue), or
// the last day reported if later. It recomputes only the days a change can
// reach: a report for day D of a unit changes figures from D until the
// unit's next report, and the changes and 7-day pace computed from those for
// seven days more. A change of the campaign's settings or of its units
// recomputes every day from from on (the zero Date means the campaign's
// start; a note of figures due naming an earlier day lowers it); the first
// refresh computes every day from the start. The notes of figures due it
// covers are deleted with the figures it writes. It returns the number of
// figure rows written. Concurrent refreshes of one campaign are safe: the
// later one notices the earlier and starts again.
func (db *DB) RefreshFigures(ctx context.Context, campaignID int64, from domain.Date, now time.Time) (int, error) {
	for attempt := 0; ; attempt++ {
		n, err := db.refreshFigures(ctx, campaignID, from, now)
		if err == errRefreshRaced && attempt < 5 {
			continue
		}
		return n, err
	}
}

var errRefreshRaced = fmt.Errorf("another refresh of the campaign committed first")

// refreshPlan is what one refresh computes and what it records.
type refreshPlan struct {
	in          engine.Input
	from, to    domain.Date // the days to rewrite
	tail        bool        // rewrite every stored day from from on (to is the last day)
	prevSnap    *string     // the state read, to detect a concurrent refresh
	snapshot    string
	fingerprint string
	computedTo  domain.Date
	nothingToDo bool
	due         bool // notes of figures due were read (figures_due.go)
}

func (db *DB) refreshFigures(ctx context.Context, campaignID int64, from domain.Date, now time.Time) (int, error) {
	plan, err := db.planRefresh(ctx, campaignID, from, now)
	if err != nil {
		return 0, err
	}
	if plan.nothingToDo {
		if !plan.due {
			return 0, nil
		}
		// The notes' writes are in the stored figures already.
		return 0, db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error { return clearDue(ctx, tx, campaignID, plan.snapshot) })
	}
	c := plan.in.Campaign
	written := 0
	err = db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		// One refresh of a campaign at a time; the second one to get here
		// finds the state changed and plans again.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tiendo.figures'), $1::int)`, int32(c.ID)); err != nil {
			return err
		}
		var stored *string
		err := tx.QueryRow(ctx, `SELECT snapshot::text FROM figures_state WHERE campaign_id = $1`, c.ID).Scan(&stored)
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		if (stored == nil) != (plan.prevSnap == nil) || (stored != nil && *stored != *plan.prevSnap) {
			return errRefreshRaced
		}
		metricIDs, err := db.metricIDs(ctx, tx)
		if err != nil {
			return err
		}
		ids := make([]int16, 0, len(c.MetricKeys))
		for _, m := range plan.in.Campaign.MetricKeys {
			ids = append(ids, metricIDs[m])
		}
		// The primary key is (campaign, metric, day, unit): naming the
		// metrics makes the days a range of it.
		if written, err = writeFigures(ctx, tx, plan, ids, metricIDs); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO figures_state (campaign_id, computed_to, snapshot, fingerprint) VALUES ($1, $2, $3::pg_snapshot, $4)
			ON CONFLICT (campaign_id) DO UPDATE SET computed_to = $2, snapshot = $3::pg_snapshot, fingerprint = $4, updated_at = now()`,
			c.ID, pgDate(plan.computedTo), plan.snapshot, plan.fingerprint)
		if err != nil {
			return err
		}
		return clearDue(ctx, tx, c.ID, plan.snapshot)
	})
	if err == errRefreshRaced {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("refresh figures of %s: %w", c.Slug, err)
	}
	return written, nil
}

// writeFigures computes the plan's figures and stores them in place of
// those of its days, returning the rows written.
func writeFigures(ctx context.Context, tx pgx.Tx, plan *refreshPlan, ids []int16, metricIDs map[string]int16) (int, error) {
	c := plan.in.Campaign
	if plan.tail {
		// The days from plan.from on are rewritten: mostly days not stored
		// yet (a new day), so delete and copy.
		if _, err := tx.Exec(ctx, `DELETE FROM figures WHERE campaign_id = $1 AND metric_id = ANY($2) AND day >= $3`, c.ID, ids, pgDate(plan.from)); err != nil {
			return 0, err
		}
		return copyFigures(ctx, tx, "figures", c.ID, metricIDs, plan.in)
	}
	// A window of stored days (a late correction): most of its figures come
	// out the same, so copy them aside and write only those that differ,
	// instead of deleting and inserting every row (and index entry) of the
	// window.
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE figures_new (LIKE figures) ON COMMIT DROP`); err != nil {
		return 0, err
	}
	if _, err := copyFigures(ctx, tx, "figures_new", c.ID, metricIDs, plan.in); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO figures SELECT * FROM figures_new
		ON CONFLICT (campaign_id, metric_id, day, unit_id) DO UPDATE SET `+figureUpdates+`
		WHERE (figures.*) IS DISTINCT FROM (EXCLUDED.*)`)
	if err != nil {
		return 0, err
	}
	written := int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `DELETE FROM figures f WHERE f.campaign_id = $1 AND f.metric_id = ANY($2) AND f.day BETWEEN $3 AND $4
		AND NOT EXISTS (SELECT 1 FROM figures_new n WHERE n.campaign_id = f.campaign_id AND n.metric_id = f.metric_id AND n.day = f.day AND n.unit_id = f.unit_id)`,
		c.ID, ids, pgDate(plan.from), pgDate(plan.to))
	if err != nil {
		return 0, err
	}
	return written + int(tag.RowsAffected()), nil
}

// figureUpdates sets every column of a figure but its key from EXCLUDED.
var figureUpdates = func() string {
	var b strings.Builder
	for _, col := range figureColumns[4:] {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = EXCLUDED.%s", col, col)
	}
	return b.String()
}()

// copyFigures computes the figures of in and copies them into table,
// computing and copying at once; it returns the rows copied.
func copyFigures(ctx context.Context, tx pgx.Tx, table string, campaignID int64, metricIDs map[string]int16, in engine.Input) (int, error) {
	src := &figureSource{ch: make(chan [][]any, 4)}
	done := make(chan error, 1)
	var copied int64
	// If the COPY fails it stops reading: stop computing then too, rather
	// than wait forever to hand it the next day.
	computing, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, figureColumns, src)
		copied = n
		if err != nil {
			stop()
		}
		done <- err
	}()
	cerr := engine.Compute(in, func(day []engine.Figure) error {
		batch := make([][]any, len(day))
		for i := range day {
			batch[i] = figureRow(campaignID, metricIDs, &day[i])
		}
		select {
		case src.ch <- batch:
			return nil
		case <-computing.Done():
			return computing.Err()
		}
	})
	close(src.ch)
	if err := <-done; err != nil {
		return 0, err
	}
	return int(copied), cerr
}

// FiguresDue is the last day of a campaign whose figures are due at now:
// the last day whose report deadline has passed (07:30 the next morning by
// default), within the campaign. Until then a day's figures would only be
// yesterday's carried forward.
func FiguresDue(c *domain.Campaign, now time.Time) domain.Date {
	loc := c.Location()
	d := domain.DateFromTime(now.In(loc))
	for d >= c.Start-1 && now.Before(c.Deadline(d)) {
		d--
	}
	return min(d, c.End)
}

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
	if in.Units, err = subtreeIn(ctx, tx, c.ScopeUnitID); err != nil {
		return nil, err
	}
	plan.fingerprint = fingerprint(c, in.Units)
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
	never := err == pgx.ErrNoRows || computedTo == nil || plan.prevSnap == nil
	if never || stateFP == nil || *stateFP != plan.fingerprint {
		plan.from, plan.tail = max(from, c.Start), true
		if from == 0 || never {
			// The first refresh computes every day from the start, whatever
			// day the write that caused it was for.
			plan.from = c.Start
		}
	} else {
		var metrics []string
		if plan.from, plan.to, plan.tail, metrics, err = changedWindow(ctx, tx, c, in.Units, *plan.prevSnap, toDate(*computedTo), to); err != nil {
			return nil, err
		}
		if len(metrics) < len(c.MetricKeys) { // only those metrics' figures can change
			cc := *c
			cc.MetricKeys = metrics
			in.Campaign = &cc
		}
	}
	if plan.from > plan.to {
		plan.nothingToDo = true
		return plan, nil
	}

	rows, err := tx.Query(ctx, `
		SELECT q.id, q.campaign_id, q.unit_id, m.key, q.target, q.effective_from
		FROM quota_revisions q JOIN metrics m ON m.id = q.metric_id WHERE q.campaign_id = $1`, c.ID)
	if err != nil {
		return nil, err
	}
	in.Quotas, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.QuotaRevision, error) {
		var q domain.QuotaRevision
		var eff time.Time
		err := row.Scan(&q.ID, &q.CampaignID, &q.UnitID, &q.MetricKey, &q.Target, &eff)
		q.EffectiveFrom = toDate(eff)
		return q, err
	})
	if err != nil {
		return nil, err
	}
	// The reports the days from..to depend on: those of the days the engine
	// computes (from eight days before, for changes and pace) and, for each
	// unit and metric without a report on the first of those days, the last
	// one before it, which is carried forward.
	in.From, in.To = plan.from, plan.to
	lo := plan.from - 8
	in.Reports, err = windowReports(ctx, tx, in.Units, in.Campaign.MetricKeys, lo, plan.to)
	return plan, err
}

// windowReports reads the current reports of units for the days lo..to,
// and, for each unit and metric without one on day lo, its last report
// before lo. The days are a range of an index on (metric, day), the units a
// hashed list; only the pairs that need it probe for an earlier report.
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
	onLo := map[pair]bool{}
	var out []engine.Report
	var r engine.Report
	var day time.Time
	scan := []any{&r.UnitID, &mid, &day, &r.Value, &r.FirstReportedAt}
	rows, err = tx.Query(ctx, `
		SELECT rc.unit_id, rc.metric_id, rc.day, rc.value, rc.first_reported_at FROM report_current rc
		WHERE rc.metric_id = ANY($1) AND rc.day BETWEEN $2 AND $3 AND rc.unit_id = ANY($4)`,
		mids, pgDate(lo), pgDate(to), ids)
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
		SELECT l.unit_id, l.metric_id, l.day, l.value, l.first_reported_at
		FROM unnest($1::bigint[], $2::smallint[]) AS k(unit_id, metric_id) CROSS JOIN LATERAL (
			SELECT rc.unit_id, rc.metric_id, rc.day, rc.value, rc.first_reported_at FROM report_current rc
			WHERE rc.unit_id = k.unit_id AND rc.metric_id = k.metric_id AND rc.day < $3
			ORDER BY rc.day DESC LIMIT 1) l`, pu, pm, pgDate(lo))
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

// changedWindow finds the days to recompute after the refresh whose
// inputs were read in snapshot: from the earliest day a new report or quota revision
// touches to where its effect ends, and any days not computed yet.
func changedWindow(ctx context.Context, tx pgx.Tx, c *domain.Campaign, units []*domain.Unit, snapshot string, computedTo, to domain.Date) (from, until domain.Date, tail bool, metrics []string, err error) {
	from, until = domain.Date(math.MaxInt32), domain.Date(math.MinInt32)
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
		return 0, 0, false, nil, err
	}
	var metric string
	var day time.Time
	_, err = pgx.ForEachRow(rows, []any{&metric, &day}, func() error {
		// A quota changes every later rate and rank of its metric.
		from, until, tail = min(from, max(toDate(day), c.Start)), to, true
		touched[metric] = true
		return nil
	})
	if err != nil {
		return 0, 0, false, nil, err
	}
	inScope := make(map[int64]bool, len(units))
	for _, u := range units {
		inScope[u.ID] = true
	}
	// Each changed unit and metric: its first and last changed day, and its
	// next report after the last.
	rows, err = tx.Query(ctx, `
		WITH changed AS (
			SELECT r.unit_id, r.metric_id, min(r.day) AS first, max(r.day) AS last
			FROM report_revisions r JOIN metrics m ON m.id = r.metric_id
			WHERE r.xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(r.xid, $1::pg_snapshot)
			  AND m.key = ANY($2) AND r.day <= $3
			GROUP BY r.unit_id, r.metric_id)
		SELECT c.unit_id, m.key, c.first, c.last,
			-- A next report within eight days of the last day cannot end the
			-- effect before it: no need to look for it.
			CASE WHEN c.last < $3::date - 8 THEN (SELECT min(rc.day) FROM report_current rc
				WHERE rc.unit_id = c.unit_id AND rc.metric_id = c.metric_id AND rc.day > c.last) END
		FROM changed c JOIN metrics m ON m.id = c.metric_id`, snapshot, c.MetricKeys, pgDate(to))
	if err != nil {
		return 0, 0, false, nil, err
	}
	var unitID int64
	var first, last time.Time
	var next *time.Time
	_, err = pgx.ForEachRow(rows, []any{&unitID, &metric, &first, &last, &next}, func() error {
		if !inScope[unitID] {
			return nil
		}
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
	return from, until, tail, metrics, err
}

// fingerprint identifies what, besides reports and quotas, a campaign's
// figures depend on: its settings, its units and the engine's rules.
func fingerprint(c *domain.Campaign, units []*domain.Unit) string {
	h := sha256.New()
	fmt.Fprintf(h, "engine %d\n", engine.Version)
	fmt.Fprintf(h, "%d %d %d %d %d %s %q\n", c.ScopeUnitID, c.Start, c.End, c.DeadlineMinutes, c.DeadlineDays, c.TimeZone, c.MetricKeys)
	for _, r := range domain.RulesOf(c) {
		fmt.Fprintf(h, "rules %d %s %s\n", r.Version, r.EffectiveFrom, r.Order)
		for _, b := range r.Bands {
			fmt.Fprintf(h, "band %s %v\n", b.Key, b.Min)
		}
	}
	sorted := slices.Clone(units)
	slices.SortFunc(sorted, func(a, b *domain.Unit) int { return cmp.Compare(a.ID, b.ID) })
	for _, u := range sorted {
		var parent int64
		if u.ParentID != nil {
			parent = *u.ParentID
		}
		fmt.Fprintf(h, "%d %s %s %d %s %s\n", u.ID, u.Code, u.Kind, parent, datePtr(u.ValidFrom), datePtr(u.ValidTo))
	}
	return hex.EncodeToString(h.Sum(nil))
}

var figureColumns = []string{"campaign_id", "metric_id", "day", "unit_id", "kind", "parent_id", "value", "source",
	"stale_days", "quota", "quota_own", "quota_revision", "rate", "delta", "delta7", "pace7d", "required_pace",
	"projected", "at_risk", "band", "rank", "rank_change", "on_time", "late", "missing", "rules_version"}

func figureRow(campaignID int64, metricIDs map[string]int16, f *engine.Figure) []any {
	var value, quota, qrev any
	if f.HasValue {
		value = f.Value
	}
	if f.HasQuota {
		quota = f.Quota
	}
	if f.QuotaOwn {
		qrev = f.QuotaRevisionID
	}
	var projected any
	if f.Projected != nil {
		projected = pgDate(*f.Projected)
	}
	var band, rank any
	if f.Band != "" {
		band = f.Band
	}
	if f.Rank > 0 {
		rank = f.Rank
	}
	return []any{campaignID, metricIDs[f.Metric], pgDate(f.Day), f.UnitID, string(f.Kind), f.ParentID, value, string(f.Source),
		f.StaleDays, quota, f.QuotaOwn, qrev, f.Rate, f.Delta, f.Delta7, f.Pace7d, f.RequiredPace,
		projected, f.AtRisk, band, rank, f.RankChange, f.OnTime, f.Late, f.Missing, int32(f.RulesVersion)}
}

type figureSource struct {
	ch    chan [][]any
	batch [][]any
	i     int
}

func (s *figureSource) Next() bool {
	for s.i+1 >= len(s.batch) {
		b, ok := <-s.ch
		if !ok {
			return false
		}
		s.batch, s.i = b, -1
	}
	s.i++
	return true
}
func (s *figureSource) Values() ([]any, error) { return s.batch[s.i], nil }
func (s *figureSource) Err() error             { return nil }

func datePtr(d *domain.Date) string {
	if d == nil {
		return "-"
	}
	return d.String()
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// subtree returns a unit and everything below it, every validity period.
func (db *DB) subtree(ctx context.Context, rootID int64) ([]*domain.Unit, error) {
	return subtreeIn(ctx, db.Pool, rootID)
}

func subtreeIn(ctx context.Context, q querier, rootID int64) ([]*domain.Unit, error) {
	rows, err := q.Query(ctx, subtreeSQL+` SELECT `+unitColumns+` FROM units u JOIN sub ON sub.id = u.id`, rootID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUnit)
}

func (db *DB) campaignByID(ctx context.Context, id int64) (*domain.Campaign, error) {
	return campaignIn(ctx, db.Pool, id)
}

func campaignIn(ctx context.Context, q querier, id int64) (*domain.Campaign, error) {
	rows, err := q.Query(ctx, `SELECT `+campaignColumns+` FROM campaigns c WHERE c.id = $1`, id)
	if err != nil {
		return nil, mapErr(err, "campaign")
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCampaign)
	return c, mapErr(err, "campaign")
}

// CampaignIDs returns the ids of every campaign whose period overlaps
// [from, to].
func (db *DB) CampaignIDs(ctx context.Context, from, to domain.Date) ([]int64, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT id FROM campaigns WHERE start_date <= $2 AND end_date >= $1 ORDER BY id`, pgDate(from), pgDate(to))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// Point is one stored figure as the API reads it.
type Point struct {
	Day          domain.Date
	UnitID       int64
	Kind         domain.UnitKind
	Value        *int64
	Source       domain.Source
	StaleDays    int
	Quota        *int64
	QuotaOwn     bool
	Rate         *float64
	Delta        *int64
	Delta7       *int64
	Pace7d       *float64
	RequiredPace *float64
	Projected    *domain.Date
	AtRisk       bool
	Band         *string
	Rank         *int
	RankChange   *int
	OnTime       int
	Late         int
	Missing      int
	RulesVersion int // the campaign's rules version the band was given by
	// Revisions of the unit's own report for the day (read by Series only).
	Revisions int
}

const pointColumns = `f.day, f.unit_id, f.kind, f.value, f.source, f.stale_days, f.quota, f.quota_own, f.rate, f.delta, f.delta7,
	f.pace7d, f.required_pace, f.projected, f.at_risk, f.band, f.rank, f.rank_change, f.on_time, f.late, f.missing,
	coalesce(f.rules_version, 0)`

func scanPoint(row pgx.CollectableRow, extra ...any) (*Point, error) {
	return scanPointWith(row, nil, extra...)
}

// scanPointWith scans the columns before, then pointColumns, then extra.
func scanPointWith(row pgx.CollectableRow, before []any, extra ...any) (*Point, error) {
	var p Point
	var day time.Time
	var kind, source string
	var projected *time.Time
	dest := append(append(before, &day, &p.UnitID, &kind, &p.Value, &source, &p.StaleDays, &p.Quota, &p.QuotaOwn, &p.Rate, &p.Delta, &p.Delta7,
		&p.Pace7d, &p.RequiredPace, &projected, &p.AtRisk, &p.Band, &p.Rank, &p.RankChange, &p.OnTime, &p.Late, &p.Missing, &p.RulesVersion), extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	p.Day, p.Kind, p.Source, p.Projected = toDate(day), domain.UnitKind(kind), domain.Source(source), toDatePtr(projected)
	return &p, nil
}

// Series returns a page of a unit's daily figures for one metric between
// from and to (inclusive), oldest first, and the total number of days.
func (db *DB) Series(ctx context.Context, campaignID, unitID int64, metric string, from, to domain.Date, offset, limit int) ([]*Point, int, error) {
	// One range of figures_unit_series_idx (migration 008): a unit's days
	// of one metric lie together there, while the primary key keeps a day's
	// units together for rankings and refreshes.
	rows, err := db.reader(ctx).Query(ctx, `
		SELECT `+pointColumns+`, coalesce(rc.revision, 0), count(*) OVER ()
		FROM figures f
		LEFT JOIN report_current rc ON rc.unit_id = f.unit_id AND rc.metric_id = f.metric_id AND rc.day = f.day
		WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $3) AND f.unit_id = $2
		  AND f.day BETWEEN $4 AND $5
		ORDER BY f.day OFFSET $6 LIMIT $7`, campaignID, unitID, metric, pgDate(from), pgDate(to), offset, limit)
	if err != nil {
		return nil, 0, mapErr(err, "progress")
	}
	var total int
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Point, error) {
		var revisions int
		p, err := scanPoint(row, &revisions, &total)
		if p != nil {
			p.Revisions = revisions
		}
		return p, err
	})
	return ps, total, mapErr(err, "progress")
}

// ComputedTo returns the last day a campaign's figures are computed for.
func (db *DB) ComputedTo(ctx context.Context, campaignID int64) (*domain.Date, error) {
	var t *time.Time
	err := db.reader(ctx).QueryRow(ctx, `SELECT computed_to FROM figures_state WHERE campaign_id = $1`, campaignID).Scan(&t)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return toDatePtr(t), mapErr(err, "figures state")
}

// RankingFilter selects one ranking: units of one kind inside one scope, for
// one campaign, metric and day.
type RankingFilter struct {
	Campaign *domain.Campaign
	Metric   string
	Day      domain.Date
	ScopeID  int64
	Kind     domain.UnitKind
	Offset   int
	Limit    int
}

// RankRow is a ranking row: a stored figure with the unit's code.
type RankRow struct {
	Point
	Code     string
	ParentID *int64
}

// Ranking returns a page of the ranking and its total. Within the campaign's
// own scope it reads the ranks stored at ingest; inside a smaller scope it
// renumbers that scope's units in the same order (ties share a rank), and
// the rank change compares with the previous day inside the same scope.
func (db *DB) Ranking(ctx context.Context, f RankingFilter) ([]*RankRow, int, error) {
	c := f.Campaign
	if f.ScopeID == c.ScopeUnitID {
		rows, err := db.reader(ctx).Query(ctx, `
			SELECT `+pointColumns+`, u.code, f.parent_id, count(*) OVER ()
			FROM figures f JOIN units u ON u.id = f.unit_id
			WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day = $3 AND f.kind = $4
			ORDER BY f.rank NULLS LAST, u.code OFFSET $5 LIMIT $6`,
			c.ID, f.Metric, pgDate(f.Day), string(f.Kind), f.Offset, f.Limit)
		if err != nil {
			return nil, 0, mapErr(err, "ranking")
		}
		var total int
		out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*RankRow, error) {
			var r RankRow
			p, err := scanPoint(row, &r.Code, &r.ParentID, &total)
			if err != nil {
				return nil, err
			}
			r.Point = *p
			return &r, nil
		})
		if err == nil && len(out) == 0 && f.Offset > 0 {
			err = db.reader(ctx).QueryRow(ctx, `SELECT count(*) FROM figures f WHERE f.campaign_id = $1
				AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day = $3 AND f.kind = $4`,
				c.ID, f.Metric, pgDate(f.Day), string(f.Kind)).Scan(&total)
		}
		return out, total, mapErr(err, "ranking")
	}
	today, err := db.scopedRanking(ctx, f, f.Day)
	if err != nil {
		return nil, 0, err
	}
	yesterday, err := db.scopedRanking(ctx, f, f.Day-1)
	if err != nil {
		return nil, 0, err
	}
	prev := make(map[int64]int, len(yesterday))
	for _, r := range yesterday {
		if r.Rank != nil {
			prev[r.UnitID] = *r.Rank
		}
	}
	for _, r := range today {
		r.RankChange = nil
		if p, ok := prev[r.UnitID]; ok && r.Rank != nil {
			ch := p - *r.Rank
			r.RankChange = &ch
		}
	}
	total := len(today)
	lo, hi := min(f.Offset, total), min(f.Offset+f.Limit, total)
	return today[lo:hi], total, nil
}

// scopedRanking reads every unit of the filter's kind in its scope on day,
// in stored rank order, and numbers them within the scope.
func (db *DB) scopedRanking(ctx context.Context, f RankingFilter, day domain.Date) ([]*RankRow, error) {
	rows, err := db.reader(ctx).Query(ctx, subtreeSQL+`
		SELECT `+pointColumns+`, u.code, f.parent_id
		FROM figures f JOIN sub ON sub.id = f.unit_id JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $2 AND f.metric_id = (SELECT id FROM metrics WHERE key = $3) AND f.day = $4 AND f.kind = $5
		ORDER BY f.rank NULLS LAST, u.code`,
		f.ScopeID, f.Campaign.ID, f.Metric, pgDate(day), string(f.Kind))
	if err != nil {
		return nil, mapErr(err, "ranking")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*RankRow, error) {
		var r RankRow
		p, err := scanPoint(row, &r.Code, &r.ParentID)
		if err != nil {
			return nil, err
		}
		r.Point = *p
		return &r, nil
	})
	if err != nil {
		return nil, mapErr(err, "ranking")
	}
	figs := make([]*engine.Figure, len(out))
	for i, r := range out {
		figs[i] = r.figure()
	}
	engine.Number(figs)
	for i, r := range out {
		r.Rank = nil
		if figs[i].Rank > 0 {
			rk := figs[i].Rank
			r.Rank = &rk
		}
	}
	return out, nil
}

func (r *RankRow) figure() *engine.Figure {
	f := &engine.Figure{UnitID: r.UnitID, Code: r.Code, Rate: r.Rate}
	if r.Value != nil {
		f.HasValue, f.Value = true, *r.Value
	}
	if r.Quota != nil {
		f.HasQuota, f.Quota = true, *r.Quota
	}
	return f
}

// FiguresVersion returns the last day a campaign's figures are computed for
// and a token that changes whenever they are rewritten (for caches).
func (db *DB) FiguresVersion(ctx context.Context, campaignID int64) (*domain.Date, string, error) {
	var t *time.Time
	var version string
	err := db.reader(ctx).QueryRow(ctx, `SELECT computed_to, updated_at::text FROM figures_state WHERE campaign_id = $1`, campaignID).Scan(&t, &version)
	if err == pgx.ErrNoRows {
		return nil, "", nil
	}
	return toDatePtr(t), version, mapErr(err, "figures state")
}
