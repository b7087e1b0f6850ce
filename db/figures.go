package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
	"github.com/tiendo-vn/tiendo/telemetry"
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
	start := time.Now()
	defer func() { telemetry.ObserveRefresh("refresh", time.Since(start)) }()
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
	stored      domain.Date // the last day whose figures are stored (zero: none, or not to be reused)
	prevSnap    *string     // the state read, to detect a concurrent refresh
	snapshot    string
	fingerprint string
	computedTo  domain.Date
	nothingToDo bool
	unchanged   bool          // nothing to do because nothing the figures read changed since prevSnap
	due         bool          // notes of figures due were read (figures_due.go)
	window      *reportWindow // the reports read, kept for the next refresh once this one commits
	resumable   bool          // nothing changed before from since prevSnap
	resume      *engine.Checkpoint
	checkpoint  *engine.Checkpoint // this refresh's, kept with the window
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
		return 0, db.settleDue(ctx, campaignID, plan)
	}
	c := plan.in.Campaign
	written := 0
	var base *figuresMemory
	var rec *figureRecorder
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
		// What this process's last refresh stored, if nothing else wrote
		// the campaign's figures since (figures_cache.go).
		base = db.figures.valid(c.ID, stored, plan.fingerprint)
		rec = newFigureRecorder(base, plan.to)
		// The primary key is (campaign, metric, day, unit): naming the
		// metrics makes the days a range of it.
		if written, err = writeFigures(ctx, tx, plan, ids, metricIDs, base, rec); err != nil {
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
	if err != nil {
		db.figures.set(c.ID, nil)
		if err == errRefreshRaced {
			return 0, err
		}
		return 0, fmt.Errorf("refresh figures of %s: %w", c.Slug, err)
	}
	db.figures.set(c.ID, rec.memory(plan.snapshot, plan.fingerprint, base))
	if plan.resume != nil {
		db.resumed.Add(1)
	}
	if plan.window != nil {
		plan.window.snapshot, plan.window.fingerprint = plan.snapshot, plan.fingerprint
		plan.window.resume = plan.checkpoint
		db.windows.put(c.ID, plan.window)
	}
	return written, nil
}

// writeFigures computes the plan's figures and stores them in place of
// those of its days, returning the rows written.
func writeFigures(ctx context.Context, tx pgx.Tx, plan *refreshPlan, ids []int16, metricIDs map[string]int16, base *figuresMemory, rec *figureRecorder) (int, error) {
	c := plan.in.Campaign
	var buf []byte
	var h figureHash
	// remember hashes the figures of the days rec remembers, and reports
	// whether f differs from what base remembers of it.
	// (Figures come a metric and day at a time: the last metric's id and
	// the last day's hashes are looked up once for each.)
	var lastMetric string
	var id int16
	var oldKey figureDay
	var old *dayHashes
	remember := func(f *engine.Figure) bool {
		if f.Day < rec.keepFrom {
			return true
		}
		if f.Metric != lastMetric || id == 0 {
			lastMetric, id = f.Metric, metricIDs[f.Metric]
		}
		h, buf = hashFigure(buf, f)
		pos := rec.note(id, f, h)
		if base == nil {
			return true
		}
		if k := (figureDay{id, f.Day}); k != oldKey || old == nil {
			oldKey, old = k, base.day(k)
		}
		if old == nil {
			return true
		}
		was, ok := old.find(pos, f.UnitID)
		return !ok || was != h
	}
	noteAll := func(f *engine.Figure) bool { remember(f); return true }
	if plan.tail && plan.from > plan.stored {
		// Only days not stored yet (a new day): delete whatever a
		// shortened campaign left after them, and copy.
		if _, err := tx.Exec(ctx, `DELETE FROM figure_values WHERE campaign_id = $1 AND metric_id = ANY($2) AND day >= $3`, c.ID, ids, pgDate(plan.from)); err != nil {
			return 0, err
		}
		ranks := rankBlocks{}
		n, err := copyFigures(ctx, tx, "figure_values", c.ID, metricIDs, plan, ranks, noteAll)
		if err != nil {
			return 0, err
		}
		return n, writeRanks(ctx, tx, c.ID, ids, pgDate(plan.from), lastDay, ranks)
	}
	if err := stagingTable(ctx, tx, "figures_new", "(LIKE figure_values)"); err != nil {
		return 0, err
	}
	// Stored days this process's last refresh stored (a report morning's
	// day, again): copy aside only the figures whose hash changed, and
	// write those. (No stored day after them: a refresh whose last day is
	// before the last stored one deletes the later ones, below.)
	if base.covers(ids, plan.from, plan.to) && (plan.to == plan.stored || !plan.tail && plan.to < plan.stored) {
		return writeChanged(ctx, tx, plan, ids, metricIDs, base, rec, remember)
	}
	// Stored days (a late correction, or the reports of a morning coming in
	// while their day is computed already): most of their figures come out
	// the same, so copy them aside and write only those that differ,
	// instead of deleting and inserting every row (and index entry, and
	// the WAL of both) of the days.
	ranks := rankBlocks{}
	if _, err := copyFigures(ctx, tx, "figures_new", c.ID, metricIDs, plan, ranks, noteAll); err != nil {
		return 0, err
	}
	// Rows the new figures no longer have may lie after the window when
	// every later day was recomputed (a shortened campaign).
	last := pgDate(plan.to)
	if plan.tail {
		last = lastDay
	}
	if err := writeRanks(ctx, tx, c.ID, ids, pgDate(plan.from), last, ranks); err != nil {
		return 0, err
	}
	// Both statements below join the days' stored figures (a range of the
	// primary key) with the new ones (a temporary table without index or
	// statistics): by hash, whatever the planner guesses of either side (a
	// nested loop over the temporary table, picked after statistics taken
	// before the day existed, ran past the statement timeout).
	// (Memory for the hash: a national day is 32,385 rows, about 7 MB.)
	// SET LOCAL ends with the transaction, whose other statements are the
	// figures' state and the notes of figures due, by key.
	if _, err := tx.Exec(ctx, `SET LOCAL enable_nestloop = off; SET LOCAL work_mem = '64MB'`); err != nil {
		return 0, err
	}
	// The comparison is a read: only the rows that differ reach the
	// insert (an ON CONFLICT that updates nothing would still lock, so
	// write, every row it matched).
	tag, err := tx.Exec(ctx, `INSERT INTO figure_values SELECT n.* FROM figures_new n
		LEFT JOIN (SELECT * FROM figure_values WHERE campaign_id = $1 AND metric_id = ANY($2) AND day BETWEEN $3 AND $4) f
			ON f.campaign_id = n.campaign_id AND f.metric_id = n.metric_id AND f.day = n.day AND f.unit_id = n.unit_id
		WHERE f.campaign_id IS NULL OR (f.*) IS DISTINCT FROM (n.*)
		ON CONFLICT (campaign_id, metric_id, day, unit_id) DO UPDATE SET `+figureUpdates, c.ID, ids, pgDate(plan.from), last)
	if err != nil {
		return 0, err
	}
	written := int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `DELETE FROM figure_values f WHERE f.campaign_id = $1 AND f.metric_id = ANY($2) AND f.day BETWEEN $3 AND $4
		AND NOT EXISTS (SELECT 1 FROM figures_new n WHERE n.campaign_id = f.campaign_id AND n.metric_id = f.metric_id AND n.day = f.day AND n.unit_id = f.unit_id)`,
		c.ID, ids, pgDate(plan.from), last)
	if err != nil {
		return 0, err
	}
	return written + int(tag.RowsAffected()), nil
}

// stagingTable creates, once per connection, a temporary table for a
// transaction to stage rows in: kept for the session, its rows deleted at
// each commit (or gone with a rollback). Created and dropped with each
// transaction, as before, the two staging tables of a report morning (the
// batch of reports, the refreshed figures) wrote PostgreSQL's catalogs
// twice a second, and left their dead rows for autovacuum. (A connection
// outlives no migration: they run before the pool serves.)
func stagingTable(ctx context.Context, tx pgx.Tx, name, columns string) error {
	_, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+name+` `+columns+` ON COMMIT DELETE ROWS`)
	return err
}

// lastDay is after every day: a range to it is every day from its start.
var lastDay = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

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

// copyFigures computes the figures of the plan (resuming from its
// checkpoint if it has one, and recording the new one) and copies those
// keep keeps into table, computing and copying at once, and notes every
// figure's ranks in ranks; it returns the rows copied.
func copyFigures(ctx context.Context, tx pgx.Tx, table string, campaignID int64, metricIDs map[string]int16, plan *refreshPlan, ranks rankBlocks, keep func(*engine.Figure) bool) (int, error) {
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
	cp, cerr := engine.Resume(plan.in, plan.resume, func(day []engine.Figure) error {
		if len(day) > 0 {
			ranks.note(metricIDs[day[0].Metric], day)
		}
		batch := make([][]any, 0, len(day))
		for i := range day {
			if keep(&day[i]) {
				batch = append(batch, figureRow(campaignID, metricIDs, &day[i]))
			}
		}
		if len(batch) == 0 {
			return nil
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
	plan.checkpoint = cp
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

var figureColumns = []string{"campaign_id", "metric_id", "day", "unit_id", "kind", "parent_id", "value", "source",
	"stale_days", "quota", "quota_own", "quota_revision", "rate", "delta", "delta7", "pace7d", "required_pace",
	"projected", "at_risk", "band", "on_time", "late", "missing", "rules_version", "revisions"}

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
	var band any
	if f.Band != "" {
		band = f.Band
	}
	return []any{campaignID, metricIDs[f.Metric], pgDate(f.Day), f.UnitID, string(f.Kind), f.ParentID, value, string(f.Source),
		f.StaleDays, quota, f.QuotaOwn, qrev, f.Rate, f.Delta, f.Delta7, f.Pace7d, f.RequiredPace,
		projected, f.AtRisk, band, f.OnTime, f.Late, f.Missing, int32(f.RulesVersion), int32(f.Revisions)}
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

// settleDue ends a refresh that had nothing to do for writes that made the
// campaign due: it deletes their notes and, when nothing the figures read
// changed since the snapshot figures_state holds, records the plan's
// snapshot there instead (the figures are as current in it), so the
// next refresh looks for changes from here. Without it, a campaign that
// shares its units with one being written (each batch makes it due, for
// another metric) searched every report revision since its own last
// computation again on every batch: a report morning's whole history,
// growing with each batch. The figures' version (updated_at) stays: no
// figure changed, so nothing is announced and no cache is dropped.
func (db *DB) settleDue(ctx context.Context, campaignID int64, plan *refreshPlan) error {
	var advanced bool
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		advanced = false // as of this attempt (inTx may run it again)
		if plan.unchanged {
			// Under the refresh's lock: a refresh planned on the state read
			// here finds it changed and plans again.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tiendo.figures'), $1::int)`, int32(campaignID)); err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, `UPDATE figures_state SET snapshot = $2::pg_snapshot
				WHERE campaign_id = $1 AND snapshot::text = $3 AND fingerprint = $4`,
				campaignID, plan.snapshot, *plan.prevSnap, plan.fingerprint)
			if err != nil {
				return err
			}
			advanced = tag.RowsAffected() == 1
		}
		return clearDue(ctx, tx, campaignID, plan.snapshot)
	})
	if err == nil && advanced {
		// What this process remembers of the figures and the window stays
		// true in the new snapshot.
		db.figures.advance(campaignID, *plan.prevSnap, plan.snapshot, plan.fingerprint)
		db.windows.advance(campaignID, *plan.prevSnap, plan.snapshot, plan.fingerprint)
	}
	return err
}
