package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
)

// ImportQuotas writes quota revisions, all or nothing. A row identical to a
// stored revision (campaign, unit, metric, target, effective_from, reason) is
// skipped, so importing a file twice writes it once. Units are resolved on the
// revision's effective day, or the campaign's first day if that is later.
func (db *DB) ImportQuotas(ctx context.Context, file string, rows []csvio.Line[domain.QuotaRow], actor string) (domain.ImportResult, error) {
	res := domain.ImportResult{Read: len(rows)}
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		ix, metrics, err := db.unitsAndMetrics(ctx, tx)
		if err != nil {
			return err
		}
		camps := map[string]*campaignInfo{}
		label := fileLabel(file)
		var errs domain.ImportErrors
		src := make([][]any, 0, len(rows))
		places := make([]quotaPlace, 0, len(rows))
		for _, l := range rows {
			q := l.Row
			c, ok := camps[q.Campaign]
			if !ok {
				if c, err = loadCampaignInfo(ctx, tx, q.Campaign); err != nil {
					return err
				}
				camps[q.Campaign] = c
			}
			if c == nil {
				errs = append(errs, lineErr(file, l.Line, "campaign", "unknown campaign %q (create it first)", q.Campaign))
			} else if u, mid, err := checkQuota(label, l.Line, &q, c, ix, metrics); err != nil {
				errs = append(errs, err)
			} else {
				src = append(src, []any{l.Line, c.id, u.id, mid, q.Target, pgDate(q.EffectiveFrom), q.Reason, q.Reference})
				places = append(places, quotaPlace{item: l.Line, campaign: c, unit: u.id, code: q.UnitCode, metric: mid, day: q.EffectiveFrom, target: q.Target, reason: q.Reason})
			}
			if len(errs) >= domain.MaxImportErrors {
				break
			}
		}
		if len(errs) > 0 {
			return errs
		}
		if errs, err = quotaPlaceErrors(ctx, tx, label, "line", places); err != nil {
			return err
		} else if len(errs) > 0 {
			return errs
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE import_quotas (line int, campaign_id bigint, unit_id bigint, metric_id smallint,
			target bigint, effective_from date, reason text, reference text) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_quotas"},
			[]string{"line", "campaign_id", "unit_id", "metric_id", "target", "effective_from", "reason", "reference"},
			pgx.CopyFromRows(src)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO quota_revisions (campaign_id, unit_id, metric_id, target, effective_from, reason, reference, created_by)
			SELECT i.campaign_id, i.unit_id, i.metric_id, i.target, i.effective_from, i.reason, i.reference, $1
			FROM import_quotas i
			WHERE NOT EXISTS (SELECT 1 FROM quota_revisions q
				WHERE q.campaign_id = i.campaign_id AND q.unit_id = i.unit_id AND q.metric_id = i.metric_id
				  AND q.target = i.target AND q.effective_from = i.effective_from AND q.reason = i.reason)
			ORDER BY i.line`, actor)
		if err != nil {
			return mapErr(err, "quotas")
		}
		res.Inserted = int(tag.RowsAffected())
		res.Skipped = res.Read - res.Inserted
		if res.Inserted > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO figures_due (campaign_id, from_day)
				SELECT campaign_id, min(effective_from) FROM import_quotas GROUP BY campaign_id`); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, "import", "quotas", file, nil, map[string]any{"inserted": res.Inserted, "skipped": res.Skipped})
	})
	return res, err
}

// ReportSource yields the rows of a reports file; ImportReports calls it
// once and it calls fn per row, in file order.
type ReportSource func(fn func(csvio.Line[domain.ReportRow]) error) error

// ImportReports writes report revisions by rule 1 and rule 3 of the domain,
// all or nothing: a row equal to the latest stored revision is skipped; a
// different value for a day that already has one is a correction and needs a
// note; a cumulative figure lower than the previous day's (or higher than the
// next day's) needs a note too; future days, unknown units and metrics are
// errors. Rows stream through COPY; progress is called every 100,000 rows.
// It applies no quota-factor check (see ImportReportsWith).
func (db *DB) ImportReports(ctx context.Context, file string, source ReportSource, actor string, now time.Time, progress func(read int)) (domain.ImportResult, error) {
	return db.ImportReportsWith(ctx, file, source, actor, domain.WriteOptions{Now: now, QuotaFactor: -1}, progress)
}

// ImportReportsWith is ImportReports with the checks of submitReports tuned
// by opt: a figure above its unit's quota in force times opt's factor, in
// any campaign over its day, is refused (the file names the line) unless
// opt.ConfirmAboveQuota stores it flagged.
func (db *DB) ImportReportsWith(ctx context.Context, file string, source ReportSource, actor string, opt domain.WriteOptions, progress func(read int)) (domain.ImportResult, error) {
	return db.ImportReportsAs(ctx, file, source, &domain.Principal{Name: actor}, opt, progress)
}

// ImportReportsAs is ImportReportsWith for a file sent by p: the public
// corrections log names p's unit and role as the submitter of every
// revision written (a domain.Principal with no role and no unit: an operator).
func (db *DB) ImportReportsAs(ctx context.Context, file string, source ReportSource, p *domain.Principal, opt domain.WriteOptions, progress func(read int)) (domain.ImportResult, error) {
	now := opt.Clock()
	actor := p.Actor()
	var res domain.ImportResult
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		// One report import at a time: revision numbers are assigned below.
		// A morning's checks sort about two rows a report: in memory, not
		// on disk (imports run one at a time).
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tiendo.reports')); SET LOCAL work_mem = '64MB'`); err != nil {
			return err
		}
		ix, metrics, err := db.unitsAndMetrics(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE import_reports (line int, unit_id bigint, metric_id smallint, day date,
			value bigint, reported_at timestamptz, note text, flagged boolean NOT NULL DEFAULT false) ON COMMIT DROP`); err != nil {
			return err
		}
		vn, _ := time.LoadLocation(domain.DefaultTimeZone)
		if vn == nil {
			vn = time.FixedZone("ICT", 7*3600)
		}
		today := domain.DateFromTime(now.In(vn))
		label := fileLabel(file)
		var errs domain.ImportErrors
		rowsCh := make(chan []any, 1024)
		copyDone := make(chan error, 1)
		go func() {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_reports"},
				[]string{"line", "unit_id", "metric_id", "day", "value", "reported_at", "note"}, &chanSource{ch: rowsCh})
			copyDone <- err
		}()
		readErr := source(func(l csvio.Line[domain.ReportRow]) error {
			r := l.Row
			res.Read++
			if progress != nil && res.Read%100000 == 0 {
				progress(res.Read)
			}
			u, mid, err := checkReport(label, l.Line, &r, ix, metrics, today)
			if err != nil {
				errs = append(errs, err)
			}
			if len(errs) >= domain.MaxImportErrors {
				return errs
			}
			if len(errs) > 0 {
				return nil // keep looking for problems, write nothing
			}
			at := r.ReportedAt
			if at.IsZero() {
				at = now
			}
			select {
			case rowsCh <- []any{l.Line, u.id, mid, pgDate(r.Date), r.Value, at, r.Note}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(rowsCh)
		copyErr := <-copyDone
		if progress != nil {
			progress(res.Read)
		}
		if readErr != nil {
			return readErr
		}
		if len(errs) > 0 {
			return errs
		}
		if copyErr != nil {
			return copyErr
		}
		if _, err := tx.Exec(ctx, `CREATE INDEX ON import_reports (unit_id, metric_id, day); ANALYZE import_reports`); err != nil {
			return err
		}
		// Duplicates inside the file.
		if err := duplicateErrors(ctx, tx, "import_reports", label, "line", &errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		// Rule 1 and 3: corrections need a note; a cumulative figure may not
		// go down (nor a new figure exceed a later stored one) without one.
		if err := sequenceErrors(ctx, tx, "import_reports", label, importSeq, &errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		// The same typing-error check as submitReports.
		if err := importQuotaFactorErrors(ctx, tx, opt, label, &errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		// The new revisions, report_current after them and report_keys'
		// first days, in one pass. A
		// row after its metric's last stored day replaces nothing: only the
		// others probe for the report they replace (a probe reads a leaf page
		// of the (unit, metric, day) key, and a morning's would read more of
		// them with every day stored).
		err = tx.QueryRow(ctx, `
			WITH tops AS MATERIALIZED (
				SELECT m.id AS metric_id, (SELECT max(rc.day) FROM report_current rc WHERE rc.metric_id = m.id) AS top FROM metrics m),
			ins AS (
				INSERT INTO report_revisions (unit_id, metric_id, day, revision, value, reported_at, actor, note, correction, flagged,
					submitted_via, submitter_role, submitter_unit_id)
				SELECT i.unit_id, i.metric_id, i.day, COALESCE(c.revision, 0) + 1, i.value, i.reported_at, $1, i.note, c.revision IS NOT NULL, i.flagged,
					'IMPORT', nullif($2, ''), $3::bigint
				FROM import_reports i JOIN tops t ON t.metric_id = i.metric_id LEFT JOIN LATERAL (
					SELECT c.revision, c.value FROM report_current c
					WHERE i.day <= t.top AND c.unit_id = i.unit_id AND c.metric_id = i.metric_id AND c.day = i.day
					LIMIT 1) c ON true -- LIMIT keeps it an index probe, not a scan of every report
				WHERE c.value IS DISTINCT FROM i.value
				ORDER BY i.line
				RETURNING unit_id, metric_id, day, revision, value, reported_at),
			firsts AS (`+reportKeysInsert+` SELECT metric_id, unit_id, min(day) FROM ins GROUP BY metric_id, unit_id`+reportKeysUpsert+`),
			-- A day's first revision has no current report to replace (the
			-- import holds the reports' lock): a plain insert, without the
			-- conflict check's extra descent of the key. Only corrections
			-- replace one.
			replaced AS (
				INSERT INTO report_current (unit_id, metric_id, day, value, revision, first_reported_at)
				SELECT unit_id, metric_id, day, value, revision, reported_at FROM ins WHERE revision > 1
				ON CONFLICT (unit_id, metric_id, day) DO UPDATE SET value = EXCLUDED.value, revision = EXCLUDED.revision),
			added AS (
				INSERT INTO report_current (unit_id, metric_id, day, value, revision, first_reported_at)
				SELECT unit_id, metric_id, day, value, revision, reported_at FROM ins WHERE revision = 1)
			SELECT count(*) FROM ins`, actor, roleOf(p), unitIDOf(p)).Scan(&res.Inserted)
		if err != nil {
			return mapErr(err, "reports")
		}
		res.Skipped = res.Read - res.Inserted
		if err := tx.QueryRow(ctx, `SELECT min(day), max(day) FROM import_reports`).Scan(&res.FirstDay, &res.LastDay); err != nil {
			return err
		}
		if res.Inserted > 0 {
			// Every campaign over those days, as cheap in the transaction as
			// it gets (finding the campaigns over a national day's units
			// costs about 0.1 s); a campaign the rows do not touch finds
			// nothing to recompute.
			if _, err := tx.Exec(ctx, `INSERT INTO figures_due (campaign_id, from_day)
				SELECT id, $1 FROM campaigns WHERE start_date <= $2 AND end_date >= $1`, *res.FirstDay, *res.LastDay); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, "import", "reports", file, nil, map[string]any{"inserted": res.Inserted, "skipped": res.Skipped})
	})
	return res, err
}

// chanSource feeds CopyFrom from a channel.
type chanSource struct {
	ch  chan []any
	cur []any
}

func (s *chanSource) Next() bool {
	row, ok := <-s.ch
	s.cur = row
	return ok
}
func (s *chanSource) Values() ([]any, error) { return s.cur, nil }
func (s *chanSource) Err() error             { return nil }

// reportKeysInsert and reportKeysUpsert wrap a SELECT of (metric_id,
// unit_id, first day) to keep report_keys' first days (migration 024):
// a row is written only for a unit's first report of a metric, or one
// before its first.
const (
	reportKeysInsert = `INSERT INTO report_keys (metric_id, unit_id, first_day) SELECT * FROM (`
	reportKeysUpsert = `) n (metric_id, unit_id, first_day)
		WHERE NOT EXISTS (SELECT 1 FROM report_keys k WHERE k.metric_id = n.metric_id AND k.unit_id = n.unit_id AND k.first_day <= n.first_day)
		ON CONFLICT (metric_id, unit_id) DO UPDATE SET first_day = EXCLUDED.first_day WHERE EXCLUDED.first_day < report_keys.first_day`
	// reportKeysProbe is reportKeysUpsert for a few keys (a submitReports
	// batch): each key probes report_keys' primary key (OFFSET keeps the
	// test a subquery per key). As a join, planned for a staging table
	// without statistics, it hashed every key of the country for each
	// write: 22 ms against 1.5 ms for three reports among 30,105 keys.
	reportKeysProbe = `) n (metric_id, unit_id, first_day)
		WHERE NOT EXISTS (SELECT 1 FROM report_keys k WHERE k.metric_id = n.metric_id AND k.unit_id = n.unit_id AND k.first_day <= n.first_day OFFSET 0)
		ON CONFLICT (metric_id, unit_id) DO UPDATE SET first_day = EXCLUDED.first_day WHERE EXCLUDED.first_day < report_keys.first_day`
)

// reportKeysSmall keeps report_keys' first days for the keys of a staging
// table of a few reports (unit_id, metric_id, day columns).
func reportKeysSmall(staging string) string {
	return reportKeysInsert + `SELECT metric_id, unit_id, min(day) FROM ` + staging + ` GROUP BY metric_id, unit_id` + reportKeysProbe
}

// syncReportCurrent brings report_current up to date for the keys in the
// staging table (which has unit_id, metric_id, day columns).
func syncReportCurrent(ctx context.Context, tx pgx.Tx, staging string) error {
	if _, err := tx.Exec(ctx, reportKeysSmall(staging)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO report_current (unit_id, metric_id, day, value, revision, first_reported_at)
		SELECT r.unit_id, r.metric_id, r.day, r.value, r.revision,
			CASE WHEN r.revision = 1 THEN r.reported_at ELSE (SELECT f.reported_at FROM report_revisions f
				WHERE f.unit_id = r.unit_id AND f.metric_id = r.metric_id AND f.day = r.day AND f.revision = 1) END
		FROM (SELECT DISTINCT unit_id, metric_id, day FROM `+staging+`) s CROSS JOIN LATERAL (
			SELECT * FROM report_revisions r WHERE r.unit_id = s.unit_id AND r.metric_id = s.metric_id AND r.day = s.day
			ORDER BY r.revision DESC LIMIT 1) r
		ON CONFLICT (unit_id, metric_id, day) DO UPDATE
		SET value = EXCLUDED.value, revision = EXCLUDED.revision
		WHERE report_current.revision < EXCLUDED.revision`)
	return err
}

// importQuotaFactorErrors refuses staged figures above their unit's quota
// in force that day times the factor, in any campaign over that day that
// sets the unit a quota (its own revision, else its stored rolled-up
// quota), or flags them when the import is confirmed.
func importQuotaFactorErrors(ctx context.Context, tx pgx.Tx, opt domain.WriteOptions, l labeler, errs *domain.ImportErrors) error {
	factor := opt.Factor()
	if factor < 0 {
		return nil
	}
	over := `
		SELECT i.line, q.quota, c.slug FROM import_reports i
		JOIN campaigns c ON c.start_date <= i.day AND c.end_date >= i.day
		CROSS JOIN LATERAL (SELECT COALESCE(
			(SELECT q.target FROM quota_revisions q
			 WHERE q.campaign_id = c.id AND q.unit_id = i.unit_id AND q.metric_id = i.metric_id AND q.effective_from <= i.day
			 ORDER BY q.effective_from DESC, q.id DESC LIMIT 1),
			(SELECT f.quota FROM figures f
			 WHERE f.campaign_id = c.id AND f.unit_id = i.unit_id AND f.metric_id = i.metric_id AND f.day = i.day)) AS quota) q
		WHERE q.quota > 0 AND i.value > q.quota * $1::float8`
	if opt.ConfirmAboveQuota {
		_, err := tx.Exec(ctx, `UPDATE import_reports w SET flagged = true FROM (`+over+`) o WHERE o.line = w.line`, factor)
		return err
	}
	return collectErrors(ctx, tx, l, errs, `
		SELECT DISTINCT ON (o.line) o.line, 'value', format('%s is more than %s times the quota in force that day in campaign %s (%s): probably a typing error; if it is right, import the file again with --confirm-above-quota and it is stored flagged for review',
			i.value, $1::float8, o.slug, o.quota)
		FROM (`+over+`) o JOIN import_reports i ON i.line = o.line ORDER BY o.line LIMIT 20`, factor)
}
