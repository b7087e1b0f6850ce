package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// Edition is one published revision of a bulletin.
type Edition struct {
	ID          int64
	CampaignID  int64
	ScopeUnitID int64
	Day         domain.Date
	Revision    int
	Content     json.RawMessage
	// Bytes are the exact canonical JSON published, whose SHA-256 is Hash
	// (nil for revisions published before they were recorded).
	Bytes       []byte
	Hash        string
	PublishedAt time.Time
	PublishedBy string
	// FiguresSnapshot is the snapshot of the figures it was written from
	// (nil for revisions published before it was recorded).
	FiguresSnapshot *string
}

// EditionContent is a revision to publish: its content, the content's
// hash, and the snapshot of the figures it was written from.
type EditionContent struct {
	Content  []byte
	Hash     string
	Snapshot string
}

const editionColumns = `b.id, b.campaign_id, b.scope_unit_id, b.day, b.revision, b.content, b.content_bytes, b.content_hash, b.published_at, b.published_by,
	b.figures_snapshot::text`

func scanEdition(row pgx.CollectableRow) (*Edition, error) {
	var e Edition
	var day time.Time
	err := row.Scan(&e.ID, &e.CampaignID, &e.ScopeUnitID, &day, &e.Revision, &e.Content, &e.Bytes, &e.Hash, &e.PublishedAt, &e.PublishedBy, &e.FiguresSnapshot)
	e.Day = toDate(day)
	return &e, err
}

// PublishEdition publishes the bulletin of a campaign, scope unit and day:
// under a lock on that edition, build computes its content from the current
// figures, given the latest published revision (nil: none); if build
// returns nil (nothing published would change) or the same hash as that
// revision, the revision is returned unchanged (created false), otherwise
// the content becomes the next revision. Two publishers at once publish it
// once.
func (db *DB) PublishEdition(ctx context.Context, campaignID, scopeID int64, day domain.Date, actor string,
	build func(prev *Edition) (*EditionContent, error)) (ed *Edition, created bool, err error) {
	err = db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		created = false
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tiendo.bulletin'), hashtext($1))`,
			fmtKey(campaignID, scopeID, day)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+editionColumns+` FROM bulletins b
			WHERE b.campaign_id = $1 AND b.scope_unit_id = $2 AND b.day = $3 ORDER BY b.revision DESC LIMIT 1`,
			campaignID, scopeID, pgDate(day))
		if err != nil {
			return err
		}
		prev, err := pgx.CollectExactlyOneRow(rows, scanEdition)
		if err == pgx.ErrNoRows {
			prev, err = nil, nil
		}
		if err != nil {
			return err
		}
		next, err := build(prev)
		if err != nil {
			return err
		}
		if prev != nil && (next == nil || prev.Hash == next.Hash) {
			ed = prev
			return nil
		}
		if next == nil {
			return fmt.Errorf("bulletin %s: nothing to publish", fmtKey(campaignID, scopeID, day))
		}
		var snapshot *string
		if next.Snapshot != "" {
			snapshot = &next.Snapshot
		}
		rev := 1
		if prev != nil {
			rev = prev.Revision + 1
		}
		rows, err = tx.Query(ctx, `INSERT INTO bulletins AS b (campaign_id, scope_unit_id, day, revision, content, content_bytes, content_hash, published_by, figures_snapshot)
			VALUES ($1, $2, $3, $4, $5, $9, $6, $7, $8::pg_snapshot) RETURNING `+editionColumns,
			campaignID, scopeID, pgDate(day), rev, next.Content, next.Hash, actor, snapshot, next.Content)
		if err != nil {
			return err
		}
		if ed, err = pgx.CollectExactlyOneRow(rows, scanEdition); err != nil {
			return err
		}
		created = true
		return db.audit(ctx, tx, actor, "publish", "bulletin", fmtKey(campaignID, scopeID, day),
			nil, map[string]any{"revision": rev, "hash": next.Hash})
	})
	return ed, created, err
}

func fmtKey(campaignID, scopeID int64, day domain.Date) string {
	b, _ := json.Marshal([]any{campaignID, scopeID, day.String()})
	return string(b)
}

// EditionAt returns a revision of an edition (revision 0: the latest), or
// nil when none is published.
func (db *DB) EditionAt(ctx context.Context, campaignID, scopeID int64, day domain.Date, revision int) (*Edition, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+editionColumns+` FROM bulletins b
		WHERE b.campaign_id = $1 AND b.scope_unit_id = $2 AND b.day = $3 AND ($4 = 0 OR b.revision = $4)
		ORDER BY b.revision DESC LIMIT 1`, campaignID, scopeID, pgDate(day), revision)
	if err != nil {
		return nil, err
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanEdition)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return e, mapErr(err, "bulletin")
}

// EditionRevisions returns every revision of an edition, oldest first.
func (db *DB) EditionRevisions(ctx context.Context, campaignID, scopeID int64, day domain.Date) ([]*Edition, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+editionColumns+` FROM bulletins b
		WHERE b.campaign_id = $1 AND b.scope_unit_id = $2 AND b.day = $3 ORDER BY b.revision`, campaignID, scopeID, pgDate(day))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEdition)
}

// EditionFilter selects published editions for the archive and the feeds.
type EditionFilter struct {
	CampaignID *int64
	ScopeID    *int64
	Latest     bool // only each edition's latest revision
	// Published orders by publication instead of by day: 1 oldest first,
	// -1 newest first (the order the feeds page in, which a later revision
	// of an old day cannot reshuffle).
	Published int
	Offset    int
	Limit     int
}

// Editions returns published editions, newest day first (then newest
// revision), and their total.
func (db *DB) Editions(ctx context.Context, f EditionFilter) ([]*Edition, int, error) {
	rows, err := db.reader(ctx).Query(ctx, `
		SELECT `+editionColumns+`, count(*) OVER () FROM bulletins b
		WHERE ($1::bigint IS NULL OR b.campaign_id = $1) AND ($2::bigint IS NULL OR b.scope_unit_id = $2)
		  AND (NOT $3 OR b.revision = (SELECT max(x.revision) FROM bulletins x
			WHERE x.campaign_id = b.campaign_id AND x.scope_unit_id = b.scope_unit_id AND x.day = b.day))
		ORDER BY CASE WHEN $6 = 1 THEN b.id END, CASE WHEN $6 = -1 THEN b.id END DESC,
		  b.day DESC, b.campaign_id, b.scope_unit_id, b.revision DESC OFFSET $4 LIMIT $5`,
		f.CampaignID, f.ScopeID, f.Latest, f.Offset, f.Limit, f.Published)
	if err != nil {
		return nil, 0, err
	}
	var total int
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Edition, error) {
		var e Edition
		var day time.Time
		err := row.Scan(&e.ID, &e.CampaignID, &e.ScopeUnitID, &day, &e.Revision, &e.Content, &e.Bytes, &e.Hash, &e.PublishedAt, &e.PublishedBy,
			&e.FiguresSnapshot, &total)
		e.Day = toDate(day)
		return &e, err
	})
	return out, total, mapErr(err, "bulletins")
}

// DayFigures returns the stored figures of one day for a campaign and
// metric: the unit's own, and its children's (territorial children and
// agencies directly under it), in rank order.
func (db *DB) DayFigures(ctx context.Context, campaignID int64, metric string, day domain.Date, unitID int64) (own *domain.Point, children []*domain.RankRow, err error) {
	rows, err := db.reader(ctx).Query(ctx, `
		SELECT `+pointColumns+`, u.code, f.parent_id
		FROM figures f JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day = $3
		  AND (f.unit_id = $4 OR f.parent_id = $4)
		ORDER BY f.rank NULLS LAST, u.code`, campaignID, metric, pgDate(day), unitID)
	if err != nil {
		return nil, nil, err
	}
	all, err := pgx.CollectRows(rows, newRankRowScan().row)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range all {
		if r.UnitID == unitID {
			p := r.Point
			own = &p
		} else {
			children = append(children, r)
		}
	}
	return own, children, nil
}

// PublishedDays returns, for a campaign and scope, each published day and
// when its latest revision was published.
func (db *DB) PublishedDays(ctx context.Context, campaignID, scopeID int64) (map[domain.Date]time.Time, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT day, max(published_at) FROM bulletins
		WHERE campaign_id = $1 AND scope_unit_id = $2 GROUP BY day`, campaignID, scopeID)
	if err != nil {
		return nil, err
	}
	out := map[domain.Date]time.Time{}
	var day, at time.Time
	_, err = pgx.ForEachRow(rows, []any{&day, &at}, func() error { out[toDate(day)] = at; return nil })
	return out, err
}

// UnitByID returns one unit.
func (db *DB) UnitByID(ctx context.Context, id int64) (*domain.Unit, error) {
	us, err := db.UnitsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(us) == 0 || us[0] == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "unit %d not found", id)
	}
	return us[0], nil
}
