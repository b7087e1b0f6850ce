package db

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// reportCur is what an item replaces: the latest stored revision's value
// and number (nil when none).
type reportCur struct {
	value    *int64
	revision *int32
}

// reportKey names a stored report; reportWrote is what inserting it wrote.
type reportKey struct {
	unit int64
	mid  int16
	day  domain.Date
}

type reportWrote struct {
	revision int32
	flagged  bool
}

// insert stores a revision of every item that differs from the latest
// stored one, builds the result and the audit entry, and notes the
// figures due.
func (w *reportWrite) insert(ctx context.Context, tx pgx.Tx) error {
	before, err := latestStaged(ctx, tx, len(w.items))
	if err != nil {
		return err
	}
	got, err := w.insertRevisions(ctx, tx)
	if err != nil {
		return err
	}
	if err := syncReportCurrent(ctx, tx, "write_reports"); err != nil {
		return err
	}
	auditBefore, auditAfter := w.result(before, got)
	entityKey := w.c.slug
	if w.clientKey != "" {
		entityKey += " " + w.clientKey
	}
	action := "submit"
	if w.correcting {
		action = "correct"
	}
	if err := w.db.auditAs(ctx, tx, w.p, action, "reports", entityKey,
		map[string]any{"reports": auditBefore}, map[string]any{"reports": auditAfter, "written": w.res.Written, "unchanged": w.res.Unchanged}); err != nil {
		return err
	}
	if len(w.written) > 0 {
		if w.due, err = markUnitsDue(ctx, tx, w.p, w.written, w.firstDay); err != nil {
			return err
		}
	}
	return nil
}

// latestStaged reads what each of the n staged items replaces, for the
// result and the audit log.
func latestStaged(ctx context.Context, tx pgx.Tx, n int) ([]reportCur, error) {
	before := make([]reportCur, n)
	rows, err := tx.Query(ctx, `SELECT i.line, c.value, c.revision FROM write_reports i
		LEFT JOIN LATERAL (SELECT r.value, r.revision FROM report_revisions r
			WHERE r.unit_id = i.unit_id AND r.metric_id = i.metric_id AND r.day = i.day
			ORDER BY r.revision DESC LIMIT 1) c ON true`)
	if err != nil {
		return nil, err
	}
	var line int
	var bv *int64
	var br *int32
	_, err = pgx.ForEachRow(rows, []any{&line, &bv, &br}, func() error {
		before[line] = reportCur{bv, br}
		return nil
	})
	return before, err
}

// insertRevisions stores the staged items that differ from the latest
// stored revision, and returns what it wrote.
func (w *reportWrite) insertRevisions(ctx context.Context, tx pgx.Tx) (map[reportKey]reportWrote, error) {
	p := w.p
	rows, err := tx.Query(ctx, `
		INSERT INTO report_revisions (unit_id, metric_id, day, revision, value, reported_at, received_at, actor, note, correction, flagged,
			submitted_via, submitter_role, submitter_unit_id)
		SELECT i.unit_id, i.metric_id, i.day, COALESCE(c.revision, 0) + 1, i.value, $2, $2, $1, i.note,
		       $3 OR c.revision IS NOT NULL, i.flagged, 'API', nullif($4, ''), $5::bigint
		FROM write_reports i
		LEFT JOIN LATERAL (
			SELECT r.revision, r.value FROM report_revisions r
			WHERE r.unit_id = i.unit_id AND r.metric_id = i.metric_id AND r.day = i.day
			ORDER BY r.revision DESC LIMIT 1
		) c ON true
		WHERE c.value IS DISTINCT FROM i.value
		ORDER BY i.line
		RETURNING unit_id, metric_id, day, revision, flagged`, p.Actor(), w.now, w.correcting, roleOf(p), unitIDOf(p))
	if err != nil {
		return nil, mapErr(err, "reports")
	}
	got := map[reportKey]reportWrote{}
	var uid int64
	var mid int16
	var day time.Time
	var rev int32
	var flagged bool
	if _, err := pgx.ForEachRow(rows, []any{&uid, &mid, &day, &rev, &flagged}, func() error {
		got[reportKey{uid, mid, toDate(day)}] = reportWrote{rev, flagged}
		return nil
	}); err != nil {
		return nil, mapErr(err, "reports")
	}
	return got, nil
}

// result builds the write's result (each item's outcome, the units written
// and their first day) and the audit log's before and after.
func (w *reportWrite) result(before []reportCur, got map[reportKey]reportWrote) (auditBefore, auditAfter []map[string]any) {
	w.res = &domain.ReportResult{Campaign: w.c.slug, ClientKey: w.clientKey, ReceivedAt: w.now.UTC(), Items: make([]domain.ReportItemOutcome, len(w.items))}
	for i, it := range w.items {
		o := domain.ReportItemOutcome{Index: i, UnitCode: it.UnitCode, Metric: it.Metric, Date: it.Date, Value: it.Value,
			Status: domain.StatusUnchanged, Previous: before[i].value}
		if before[i].revision != nil {
			o.Revision = *before[i].revision
		}
		if g, ok := got[reportKey{w.ids[i], w.mids[i], it.Date}]; ok {
			o.Status, o.Revision, o.Flagged = domain.StatusWritten, g.revision, g.flagged
			w.res.Written++
			w.written = append(w.written, w.ids[i])
			if len(w.written) == 1 || it.Date < w.firstDay {
				w.firstDay = it.Date
			}
			k := map[string]any{"unit": it.UnitCode, "metric": it.Metric, "date": it.Date.String()}
			b := map[string]any{"value": o.Previous}
			if before[i].revision != nil {
				b["revision"] = *before[i].revision
			}
			auditBefore = append(auditBefore, merge(k, b))
			auditAfter = append(auditAfter, merge(k, map[string]any{"value": it.Value, "revision": g.revision,
				"note": strings.TrimSpace(it.Note), "flagged": g.flagged}))
		} else {
			w.res.Unchanged++
		}
		w.res.Items[i] = o
	}
	return auditBefore, auditAfter
}
