package db

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// A report morning's refreshes of one day read the same window of reports
// each time (the day and the eight before it, 240,000 reports for the
// nation, a sixth of a second), of which a few dozen are new. So the
// window a refresh read stays in memory after it commits, and the next
// refresh of the same days reads only the reports revised since (by the
// transaction ids of report_revisions, as changedWindow finds what
// changed) and puts them in place.
//
// Like the figures' memory it is used only while figures_state holds the
// snapshot this process's refresh recorded (a rewind, or another
// process's refresh, records another), and taken out while a refresh
// uses it, so two refreshes never share it.

// reportWindow is the window of reports a refresh read, as of snapshot.
type reportWindow struct {
	snapshot, fingerprint string
	lo, to                domain.Date
	metrics               []string
	reports               []engine.Report // sorted by unit, metric, day once sorted is set
	sorted                bool
	quotas                []domain.QuotaRevision // every quota revision of the campaign (nil: not read)
	// The engine's checkpoint at lo+8 (the window's first day computed),
	// when the refresh that read the window took one: the next refresh of
	// the same days resumes from it if nothing before them changed.
	resume *engine.Checkpoint
}

// reportWindows holds each campaign's window between refreshes: at most
// maxRememberedReports reports in all (about 40 MB), the campaigns
// refreshed longest ago let go first.
type reportWindows struct {
	mu    sync.Mutex
	m     map[int64]*reportWindow
	order []int64 // the campaigns held, refreshed longest ago first
}

// maxRememberedReports bounds the reports every campaign's window holds
// together: a national campaign's is about 270,000.
const maxRememberedReports = 600_000

// take removes and returns the campaign's window (nil if none).
func (rw *reportWindows) take(campaignID int64) *reportWindow {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	w := rw.m[campaignID]
	rw.forget(campaignID)
	return w
}

// forget lets go of the campaign's window. Called with rw.mu held.
func (rw *reportWindows) forget(campaignID int64) {
	delete(rw.m, campaignID)
	rw.order = slices.DeleteFunc(rw.order, func(id int64) bool { return id == campaignID })
}

// put keeps w as the campaign's window (nil: none).
func (rw *reportWindows) put(campaignID int64, w *reportWindow) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.m == nil {
		rw.m = map[int64]*reportWindow{}
	}
	rw.forget(campaignID)
	if w == nil || len(w.reports) > maxRememberedReports {
		return
	}
	rw.m[campaignID] = w
	rw.order = append(rw.order, campaignID)
	held := 0
	for _, id := range rw.order {
		held += len(rw.m[id].reports)
	}
	for held > maxRememberedReports {
		held -= len(rw.m[rw.order[0]].reports)
		rw.forget(rw.order[0])
	}
}

// advance re-tags the campaign's window of snapshot old with snapshot now,
// when nothing it holds changed between the two (settleDue). A window
// taken by a refresh is not held here, and is not changed.
func (rw *reportWindows) advance(campaignID int64, old, now, fingerprint string) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if w := rw.m[campaignID]; w != nil && w.snapshot == old && w.fingerprint == fingerprint {
		w.snapshot = now
	}
}

// usable reports whether w holds the window lo..to of metrics for a
// refresh that found state (figures_state's snapshot) and fingerprint.
func (w *reportWindow) usable(state *string, fingerprint string, lo, to domain.Date, metrics []string) bool {
	if w == nil || state == nil || *state != w.snapshot || w.fingerprint != fingerprint || w.lo != lo || w.to != to {
		return false
	}
	for _, m := range metrics {
		if !slices.Contains(w.metrics, m) {
			return false
		}
	}
	return true
}

func compareReports(a, b engine.Report) int {
	return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Day, b.Day))
}

// updateQuotas appends to w's quota revisions those committed since w's
// snapshot (revisions are never changed or deleted).
func (w *reportWindow) updateQuotas(ctx context.Context, tx pgx.Tx, campaignID int64) error {
	quotas, err := appendQuotas(ctx, tx, w.quotas,
		`WHERE q.campaign_id = $1 AND q.xid >= pg_snapshot_xmin($2::pg_snapshot) AND NOT pg_visible_in_snapshot(q.xid, $2::pg_snapshot)`,
		campaignID, w.snapshot)
	w.quotas = quotas
	return err
}

// update brings w up to the snapshot of tx: the current revision of every
// report of its metrics revised since w's snapshot, for days up to to, in
// place of the one w held. It returns false, leaving w as it was, when a
// revision is for a day before the window (a report carried into it
// changed: the window is read again).
func (w *reportWindow) update(ctx context.Context, tx pgx.Tx) (bool, error) {
	rows, err := tx.Query(ctx, `
		SELECT rc.unit_id, m.key, rc.day, rc.value, rc.revision, rc.first_reported_at
		FROM (SELECT DISTINCT r.unit_id, r.metric_id, r.day FROM report_revisions r
			WHERE r.xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(r.xid, $1::pg_snapshot)
			  AND r.day <= $2) k
		JOIN metrics m ON m.id = k.metric_id AND m.key = ANY($3)
		JOIN report_current rc ON rc.unit_id = k.unit_id AND rc.metric_id = k.metric_id AND rc.day = k.day`,
		w.snapshot, pgDate(w.to), w.metrics)
	if err != nil {
		return false, err
	}
	var revised []engine.Report
	var r engine.Report
	var day time.Time
	if _, err := pgx.ForEachRow(rows, []any{&r.UnitID, &r.Metric, &day, &r.Value, &r.Revision, &r.FirstReportedAt}, func() error {
		r.Day = toDate(day)
		revised = append(revised, r)
		return nil
	}); err != nil {
		return false, err
	}
	for _, r := range revised {
		if r.Day < w.lo {
			return false, nil
		}
	}
	if !w.sorted {
		slices.SortFunc(w.reports, compareReports)
		w.sorted = true
	}
	slices.SortFunc(revised, compareReports)
	var added []engine.Report
	for _, r := range revised {
		if i, found := slices.BinarySearchFunc(w.reports, r, compareReports); found {
			w.reports[i] = r
		} else {
			added = append(added, r)
		}
	}
	w.reports = mergeReports(w.reports, added)
	return true, nil
}

// mergeReports merges added into reports, both sorted by compareReports,
// from the back and in place when reports has the room (a window read from
// the database has room to spare, see windowReports; one grown here keeps
// a quarter more).
func mergeReports(reports, added []engine.Report) []engine.Report {
	if len(added) == 0 {
		return reports
	}
	n, total := len(reports), len(reports)+len(added)
	if cap(reports) < total {
		grown := make([]engine.Report, n, total+total/4)
		copy(grown, reports)
		reports = grown
	}
	reports = reports[:total]
	i, j := n-1, len(added)-1
	for k := total - 1; j >= 0; k-- {
		if i >= 0 && compareReports(reports[i], added[j]) > 0 {
			reports[k] = reports[i]
			i--
		} else {
			reports[k] = added[j]
			j--
		}
	}
	return reports
}
