package db

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// SubmitReports writes a batch of cumulative figures for one campaign, all
// or nothing, by rule 1 and 3 of the domain. The caller (package app) has
// checked the principal and the batch's shape (client key, size); here
// every item is checked against what is stored (the
// count, the unit on that day and inside the campaign's scope and the
// writer's, the metric, the day inside the campaign and not in the future,
// the cumulative order against stored figures, the quota factor) and every
// problem is returned together, as BAD_INPUT errors naming the item (or
// FORBIDDEN for a unit outside a reporter's subtree). An item equal to the
// stored figure is UNCHANGED; one that differs is an error, since only
// correctReport replaces a figure.
//
// The client key makes it idempotent: a retry with the same key and the
// same batch returns the first result (Replayed); the same key with another
// batch is CONFLICT. Parallel writes of the same units are serialised.
func (db *DB) SubmitReports(ctx context.Context, p *domain.Principal, req domain.SubmitRequest, opt domain.WriteOptions) (*domain.ReportResult, error) {
	return db.writeReports(ctx, p, "submitReports", req.Campaign, req.ClientKey, req, req.Reports, itemLabel("reports"), "", opt)
}

// CorrectReport stores a new revision of one figure with a reason: the only
// way to replace a stored figure or to lower a cumulative one. The other
// checks of SubmitReports apply. A value equal to the latest stored one is
// UNCHANGED; the optional client key works as in SubmitReports.
func (db *DB) CorrectReport(ctx context.Context, p *domain.Principal, req domain.CorrectRequest, opt domain.WriteOptions) (*domain.ReportResult, error) {
	item := req.ReportInput
	item.Note = strings.TrimSpace(req.Reason)
	label := func(_ int, col string) string {
		if api, ok := apiNames[col]; ok {
			col = api
		}
		return "input." + col
	}
	return db.writeReports(ctx, p, "correctReport", req.Campaign, req.ClientKey, req, []domain.ReportInput{item}, label, item.Note, opt)
}

// writeReports is SubmitReports (reason "") and CorrectReport.
func (db *DB) writeReports(ctx context.Context, p *domain.Principal, op, slug, clientKey string, payload any, items []domain.ReportInput,
	label labeler, reason string, opt domain.WriteOptions) (*domain.ReportResult, error) {
	now := opt.Clock()
	hash, err := requestHash(op, payload)
	if err != nil {
		return nil, err
	}
	correcting := reason != ""
	var res *domain.ReportResult
	var written, due []int64
	var firstDay domain.Date
	err = db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		res, written, due = nil, nil, nil
		if clientKey != "" {
			prev, err := claimClientKey(ctx, tx, p, clientKey, op, hash)
			if err != nil || prev != nil {
				res = prev
				return err
			}
		}
		// Imports lock all reports; writes share that lock and lock their
		// own units and metrics below.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared(hashtext('tiendo.reports'))`); err != nil {
			return err
		}
		c, err := loadCampaignInfo(ctx, tx, slug)
		if err != nil {
			return err
		} else if c == nil {
			return domain.FieldErrorf(domain.EINVALID, "campaign", "unknown campaign %q", slug)
		}
		today := domain.DateFromTime(now.In(loadLocation(c.timeZone)))
		codes := make([]string, len(items))
		for i, it := range items {
			codes[i] = it.UnitCode
		}
		ix, err := loadUnitIndexFor(ctx, tx, codes)
		if err != nil {
			return err
		}
		metrics, err := db.metricIDs(ctx, tx)
		if err != nil {
			return err
		}
		// Checks of each item alone.
		var errs domain.ImportErrors
		units := make([]unitSpan, len(items))
		mids := make([]int16, len(items))
		for i := range items {
			it := &items[i]
			row := domain.ReportRow{UnitCode: it.UnitCode, Metric: it.Metric, Date: it.Date, Value: it.Value}
			u, mid, err := checkReport(label, i, &row, ix, metrics, today)
			switch {
			case err != nil:
			case it.Date < c.start || it.Date > c.end:
				err = label.errf(i, "date", "%s is outside the campaign %s (%s to %s)", it.Date, c.slug, c.start, c.end)
			case !c.metrics[it.Metric]:
				err = label.errf(i, "metric", "campaign %s does not track %s", c.slug, it.Metric)
			case domain.TextLen(it.Note) > 2000:
				err = label.errf(i, "note", "the note is longer than 2000 characters")
			}
			if err != nil {
				errs = append(errs, err)
			}
			units[i], mids[i] = u, mid
			if len(errs) >= domain.MaxImportErrors {
				return errs
			}
		}
		if len(errs) > 0 {
			return errs
		}
		// Scope: the campaign's subtree, and a reporter's.
		ids := make([]int64, len(items))
		for i := range units {
			ids[i] = units[i].id
		}
		anc, err := ancestors(ctx, tx, ids)
		if err != nil {
			return err
		}
		for i, it := range items {
			if !p.IsAdmin() && (p.UnitID == nil || !slices.Contains(anc[ids[i]], *p.UnitID)) {
				errs = append(errs, &domain.Error{Code: domain.EFORBIDDEN, Field: label(i, "unit_code"),
					Message: fmt.Sprintf("unit %s is outside the subtree of %s, the unit this token may write for", it.UnitCode, p.UnitCode)})
			} else if !slices.Contains(anc[ids[i]], c.scopeID) {
				errs = append(errs, label.errf(i, "unit_code", "unit %s is outside the scope of campaign %s", it.UnitCode, c.slug))
			}
		}
		if len(errs) > 0 {
			return errs
		}
		// One writer per unit and metric at a time, locked in a fixed order.
		if err := lockUnitMetrics(ctx, tx, ids, mids); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE write_reports (line int, unit_id bigint, metric_id smallint, day date,
			value bigint, note text, confirmed boolean, flagged boolean NOT NULL DEFAULT false) ON COMMIT DROP`); err != nil {
			return err
		}
		src := make([][]any, len(items))
		for i, it := range items {
			src[i] = []any{i, ids[i], mids[i], pgDate(it.Date), it.Value, strings.TrimSpace(it.Note), it.ConfirmAboveQuota}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"write_reports"},
			[]string{"line", "unit_id", "metric_id", "day", "value", "note", "confirmed"}, pgx.CopyFromRows(src)); err != nil {
			return err
		}
		if err := duplicateErrors(ctx, tx, "write_reports", label, "item", &errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if !correcting {
			if err := sequenceErrors(ctx, tx, "write_reports", label, submitSeq, &errs); err != nil {
				return err
			}
		}
		if err := quotaFactorErrors(ctx, tx, c.id, opt.Factor(), label, &errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		// What each item replaces, for the result and the audit log.
		type cur struct {
			value    *int64
			revision *int32
		}
		before := make([]cur, len(items))
		rows, err := tx.Query(ctx, `SELECT i.line, c.value, c.revision FROM write_reports i
			LEFT JOIN LATERAL (SELECT r.value, r.revision FROM report_revisions r
				WHERE r.unit_id = i.unit_id AND r.metric_id = i.metric_id AND r.day = i.day
				ORDER BY r.revision DESC LIMIT 1) c ON true`)
		if err != nil {
			return err
		}
		var line int
		var bv *int64
		var br *int32
		if _, err := pgx.ForEachRow(rows, []any{&line, &bv, &br}, func() error {
			before[line] = cur{bv, br}
			return nil
		}); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
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
			RETURNING unit_id, metric_id, day, revision, flagged`, p.Actor(), now, correcting, roleOf(p), unitIDOf(p))
		if err != nil {
			return mapErr(err, "reports")
		}
		type key struct {
			unit int64
			mid  int16
			day  domain.Date
		}
		type wrote struct {
			revision int32
			flagged  bool
		}
		got := map[key]wrote{}
		var uid int64
		var mid int16
		var day time.Time
		var rev int32
		var flagged bool
		if _, err := pgx.ForEachRow(rows, []any{&uid, &mid, &day, &rev, &flagged}, func() error {
			got[key{uid, mid, toDate(day)}] = wrote{rev, flagged}
			return nil
		}); err != nil {
			return mapErr(err, "reports")
		}
		if err := syncReportCurrent(ctx, tx, "write_reports"); err != nil {
			return err
		}
		res = &domain.ReportResult{Campaign: c.slug, ClientKey: clientKey, ReceivedAt: now.UTC(), Items: make([]domain.ReportOutcome, len(items))}
		var auditBefore, auditAfter []map[string]any
		for i, it := range items {
			o := domain.ReportOutcome{Index: i, UnitCode: it.UnitCode, Metric: it.Metric, Date: it.Date, Value: it.Value,
				Status: domain.StatusUnchanged, Previous: before[i].value}
			if before[i].revision != nil {
				o.Revision = *before[i].revision
			}
			if w, ok := got[key{ids[i], mids[i], it.Date}]; ok {
				o.Status, o.Revision, o.Flagged = domain.StatusWritten, w.revision, w.flagged
				res.Written++
				written = append(written, ids[i])
				if len(written) == 1 || it.Date < firstDay {
					firstDay = it.Date
				}
				k := map[string]any{"unit": it.UnitCode, "metric": it.Metric, "date": it.Date.String()}
				b := map[string]any{"value": o.Previous}
				if before[i].revision != nil {
					b["revision"] = *before[i].revision
				}
				auditBefore = append(auditBefore, merge(k, b))
				auditAfter = append(auditAfter, merge(k, map[string]any{"value": it.Value, "revision": w.revision,
					"note": strings.TrimSpace(it.Note), "flagged": w.flagged}))
			} else {
				res.Unchanged++
			}
			res.Items[i] = o
		}
		entityKey := c.slug
		if clientKey != "" {
			entityKey += " " + clientKey
		}
		action := "submit"
		if correcting {
			action = "correct"
		}
		if err := db.auditAs(ctx, tx, p, action, "reports", entityKey,
			map[string]any{"reports": auditBefore}, map[string]any{"reports": auditAfter, "written": res.Written, "unchanged": res.Unchanged}); err != nil {
			return err
		}
		if len(written) > 0 {
			if due, err = markUnitsDue(ctx, tx, written, firstDay); err != nil {
				return err
			}
		}
		if clientKey != "" {
			return storeClientKey(ctx, tx, p, clientKey, op, hash, res)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if opt.NoRefresh {
		return res, nil
	}
	if res.Replayed {
		// The first request may have died before its refresh.
		err = db.refreshNoted(ctx, res.Campaign, now)
	} else {
		err = db.refreshCampaigns(ctx, due, firstDay, now)
	}
	if err != nil {
		// The write is committed and its figures are noted due: the figures
		// worker refreshes them later.
		return res, fmt.Errorf("reports written, but refreshing the figures failed: %w", err)
	}
	return res, nil
}

func merge(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// quotaFactorErrors rejects staged figures above their unit's quota in force
// that day (its own revision, else its stored rolled-up quota) times factor,
// unless the item is confirmed, in which case it is flagged.
func quotaFactorErrors(ctx context.Context, tx pgx.Tx, campaignID int64, factor float64, l labeler, errs *domain.ImportErrors) error {
	if factor < 0 {
		return nil
	}
	over := `
		SELECT i.line, q.quota FROM write_reports i
		CROSS JOIN LATERAL (SELECT COALESCE(
			(SELECT q.target FROM quota_revisions q
			 WHERE q.campaign_id = $1 AND q.unit_id = i.unit_id AND q.metric_id = i.metric_id AND q.effective_from <= i.day
			 ORDER BY q.effective_from DESC, q.id DESC LIMIT 1),
			(SELECT f.quota FROM figures f
			 WHERE f.campaign_id = $1 AND f.unit_id = i.unit_id AND f.metric_id = i.metric_id AND f.day = i.day)) AS quota) q
		WHERE q.quota > 0 AND i.value > q.quota * $2::float8`
	if _, err := tx.Exec(ctx, `UPDATE write_reports w SET flagged = true FROM (`+over+`) o WHERE o.line = w.line AND w.confirmed`,
		campaignID, factor); err != nil {
		return err
	}
	return collectErrors(ctx, tx, l, errs, `
		SELECT o.line, 'value', format('%s is more than %s times the quota in force that day (%s): probably a typing error; if it is right, send it again with confirmAboveQuota: true and it is stored flagged',
			i.value, $2::float8, o.quota)
		FROM (`+over+`) o JOIN write_reports i ON i.line = o.line WHERE NOT i.confirmed ORDER BY o.line LIMIT 20`,
		campaignID, factor)
}

// requestHash fingerprints a request's payload for its client key.
func requestHash(op string, payload any) ([]byte, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write([]byte(op))
	h.Write([]byte{0})
	h.Write(b)
	return h.Sum(nil), nil
}

// claimClientKey locks a client key for the rest of the transaction and
// returns the stored result of an earlier request with the same key and
// payload (nil if the key is new); CONFLICT if the payload differs.
func claimClientKey(ctx context.Context, tx pgx.Tx, p *domain.Principal, key, op string, hash []byte) (*domain.ReportResult, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('tiendo.client_key:' || $1::text || ':' || $2::text, 0))`,
		fmt.Sprint(p.TokenID), key); err != nil {
		return nil, err
	}
	var storedOp string
	var storedHash, result []byte
	err := tx.QueryRow(ctx, `SELECT operation, request_hash, result FROM client_keys WHERE token_id = $1 AND key = $2`,
		p.TokenID, key).Scan(&storedOp, &storedHash, &result)
	if err == pgx.ErrNoRows {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if storedOp != op || string(storedHash) != string(hash) {
		return nil, domain.FieldErrorf(domain.ECONFLICT, "clientKey",
			"client key %q was used already for a different %s request; a retry must send the same payload, a new batch needs a new key", key, storedOp)
	}
	var res domain.ReportResult
	if err := json.Unmarshal(result, &res); err != nil {
		return nil, err
	}
	res.Replayed = true
	return &res, nil
}

func storeClientKey(ctx context.Context, tx pgx.Tx, p *domain.Principal, key, op string, hash []byte, res any) error {
	_, err := tx.Exec(ctx, `INSERT INTO client_keys (token_id, key, operation, request_hash, result) VALUES ($1, $2, $3, $4, $5)`,
		p.TokenID, key, op, hash, res)
	return mapErr(err, "client key")
}

// lockBuckets is how many transaction locks guard reports. A lock per
// (unit, metric) would let a batch of domain.MaxBatch reports hold a thousand
// locks, and a few such batches at once fill PostgreSQL's shared lock table
// ("out of shared memory"). Hashing the pairs into 256 buckets bounds that;
// two writers of different units wait for each other only if their units
// share a bucket.
const lockBuckets = 256

// lockUnitMetrics locks the buckets of the (unit, metric) pairs written, in
// order, so that two writers of one unit and metric run one after the other.
func lockUnitMetrics(ctx context.Context, tx pgx.Tx, units []int64, metrics []int16) error {
	keys := make([]int64, len(units))
	for i := range units {
		// Bit 62 keeps these apart from hashtext()-keyed locks.
		keys[i] = 1<<62 | (units[i]*131+int64(metrics[i]))%lockBuckets
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest($1::bigint[]) AS k ORDER BY 1) s`, keys)
	return err
}

// ancestors returns, for each unit id, the ids of the unit and every unit
// above it.
func ancestors(ctx context.Context, tx pgx.Tx, ids []int64) (map[int64][]int64, error) {
	rows, err := tx.Query(ctx, `
		WITH RECURSIVE up(start, id) AS (
			SELECT id, id FROM units WHERE id = ANY($1)
			UNION ALL
			SELECT up.start, u.parent_id FROM up JOIN units u ON u.id = up.id WHERE u.parent_id IS NOT NULL)
		SELECT start, id FROM up`, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]int64{}
	var start, id int64
	_, err = pgx.ForEachRow(rows, []any{&start, &id}, func() error {
		out[start] = append(out[start], id)
		return nil
	})
	return out, err
}

// loadUnitIndexFor is loadUnitIndex for a few codes only.
func loadUnitIndexFor(ctx context.Context, tx pgx.Tx, codes []string) (unitIndex, error) {
	rows, err := tx.Query(ctx, `SELECT u.id, u.code, u.kind, lower(u.valid), upper(u.valid) FROM units u WHERE u.code = ANY($1)`, codes)
	if err != nil {
		return nil, err
	}
	ix := unitIndex{}
	var id int64
	var code, kind string
	var from, until *time.Time
	_, err = pgx.ForEachRow(rows, []any{&id, &code, &kind, &from, &until}, func() error {
		s := unitSpan{id: id, from: toDatePtr(from), kind: domain.UnitKind(kind)}
		if until != nil {
			last := toDate(*until).AddDays(-1)
			s.to = &last
		}
		ix[code] = append(ix[code], s)
		return nil
	})
	return ix, err
}

// loadLocation loads an IANA zone, falling back to Vietnam's offset.
func loadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}
