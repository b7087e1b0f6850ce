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
	item := req.ReportItem
	item.Note = strings.TrimSpace(req.Reason)
	label := func(_ int, col string) string {
		if api, ok := apiNames[col]; ok {
			col = api
		}
		return "input." + col
	}
	return db.writeReports(ctx, p, "correctReport", req.Campaign, req.ClientKey, req, []domain.ReportItem{item}, label, item.Note, opt)
}

// reportWrite is one SubmitReports or CorrectReport call inside its
// transaction: its inputs, then what each step finds.
type reportWrite struct {
	db         *DB
	p          *domain.Principal
	op         string // "submitReports" or "correctReport"
	slug       string
	clientKey  string
	items      []domain.ReportItem
	label      labeler
	correcting bool
	opt        domain.WriteOptions
	now        time.Time

	c        *campaignInfo
	ids      []int64 // each item's unit
	mids     []int16 // each item's metric
	res      *domain.ReportResult
	written  []int64 // the units of the items written
	due      []int64 // the campaigns noted due
	firstDay domain.Date
}

// writeReports is SubmitReports (reason "") and CorrectReport.
func (db *DB) writeReports(ctx context.Context, p *domain.Principal, op, slug, clientKey string, payload any, items []domain.ReportItem,
	label labeler, reason string, opt domain.WriteOptions) (*domain.ReportResult, error) {
	w := &reportWrite{db: db, p: p, op: op, slug: slug, clientKey: clientKey, items: items, label: label,
		correcting: reason != "", opt: opt, now: opt.Clock()}
	hash, err := requestHash(op, payload)
	if err != nil {
		return nil, err
	}
	err = db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		w.res, w.written, w.due = nil, nil, nil
		if clientKey != "" {
			prev, err := claimClientKey(ctx, tx, p, clientKey, op, hash)
			if err != nil || prev != nil {
				w.res = prev
				return err
			}
		}
		// Imports lock all reports; writes share that lock and lock their
		// own units and metrics (stage).
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared(hashtext('tiendo.reports'))`); err != nil {
			return err
		}
		for _, step := range []func(context.Context, pgx.Tx) error{w.checkItems, w.checkScope, w.stage, w.insert} {
			if err := step(ctx, tx); err != nil {
				return err
			}
		}
		if clientKey != "" {
			return storeClientKey(ctx, tx, p, clientKey, op, hash, w.res)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w.res, w.reportDue(ctx)
}

// reportDue tells the caller which figures the write left due.
func (w *reportWrite) reportDue(ctx context.Context) error {
	if w.res.Replayed {
		// The first request may have died before its figures were refreshed.
		return w.db.reportNoted(ctx, w.res.Campaign, w.opt)
	}
	reportDue(w.opt, w.due, w.firstDay)
	return nil
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
	return collectUnitIndex(tx.Query(ctx, `SELECT u.id, u.code, u.kind, lower(u.valid), upper(u.valid) FROM units u WHERE u.code = ANY($1)`, codes))
}

// loadLocation loads an IANA zone, falling back to Vietnam's offset.
func loadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}
