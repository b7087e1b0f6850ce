package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// Figures due (migration 012): every write that changes figures notes, in
// its own transaction, the campaigns whose figures it makes due and from
// which day. The refresh that covers a note deletes it in the transaction
// that writes the figures, so a note outlives its write only when the
// refresh after the commit did not happen (the process died, the refresh
// failed): the figures worker finds it and refreshes then.

// unitsChanged is the day a change of units makes figures due from: any
// day (the refresh recomputes a campaign whose units changed from its
// start, and leaves the others alone).
var unitsChanged = domain.MustDate("1900-01-01")

// writerToken is the token a note of figures due names (migration 022):
// the writer's, nil for the command line.
func writerToken(p *domain.Principal) *int64 {
	if p == nil || p.TokenID == 0 {
		return nil
	}
	return &p.TokenID
}

// markUnitsDue notes, for the writer p, that the figures of every campaign
// whose scope holds one of the units, and that has not ended before from,
// are due from day from on. It returns those campaigns' ids.
func markUnitsDue(ctx context.Context, tx pgx.Tx, p *domain.Principal, unitIDs []int64, from domain.Date) ([]int64, error) {
	rows, err := tx.Query(ctx, `
		WITH RECURSIVE up(id) AS (
			SELECT id FROM unnest($1::bigint[]) AS k(id)
			-- One index probe per unit and level (a scalar subquery, which
			-- the planner does not turn into a scan of every unit per level):
			-- a batch's units are few and share their ancestors.
			UNION SELECT parent FROM (SELECT (SELECT u.parent_id FROM units u WHERE u.id = up.id) AS parent FROM up) p
			WHERE parent IS NOT NULL)
		INSERT INTO figures_due (campaign_id, from_day, token_id)
		SELECT c.id, $2, $3 FROM campaigns c WHERE c.scope_unit_id IN (SELECT id FROM up) AND c.end_date >= $2
		ORDER BY c.id
		RETURNING campaign_id`, unitIDs, pgDate(from), writerToken(p))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// markCampaignDue notes, for the writer p, that a campaign's figures are due from day from on.
func markCampaignDue(ctx context.Context, tx pgx.Tx, p *domain.Principal, campaignID int64, from domain.Date) error {
	_, err := tx.Exec(ctx, `INSERT INTO figures_due (campaign_id, from_day, token_id) VALUES ($1, $2, $3)`, campaignID, pgDate(from), writerToken(p))
	return err
}

// markAllDue notes that the figures of every campaign not ended before from
// are due from day from on (a change of units: the refresh finds which
// campaigns it touches by their fingerprint).
func markAllDue(ctx context.Context, tx pgx.Tx, from domain.Date) error {
	_, err := tx.Exec(ctx, `INSERT INTO figures_due (campaign_id, from_day) SELECT id, $1 FROM campaigns WHERE end_date >= $1`, pgDate(from))
	return err
}

// dueFrom returns the earliest day the notes of a campaign visible to q
// name, or nil if it has none.
func dueFrom(ctx context.Context, q pgx.Tx, campaignID int64) (*domain.Date, error) {
	var d *time.Time
	err := q.QueryRow(ctx, `SELECT min(from_day) FROM figures_due WHERE campaign_id = $1`, campaignID).Scan(&d)
	return toDatePtr(d), err
}

// clearDue deletes the notes of a campaign that the snapshot a refresh read
// its inputs in could see: that refresh covers their writes.
func clearDue(ctx context.Context, tx pgx.Tx, campaignID int64, snapshot string) error {
	_, err := tx.Exec(ctx, `DELETE FROM figures_due WHERE campaign_id = $1 AND pg_visible_in_snapshot(xid, $2::pg_snapshot)`,
		campaignID, snapshot)
	return err
}

// WriterFiguresDue returns the newest note of figures due that the writes
// of token tokenID left, numbered upTo or less (0: none): one probe of the
// index of migration 022, on the primary (the refreshes delete the notes
// there; a replica may not have replayed the write).
func (db *DB) WriterFiguresDue(ctx context.Context, tokenID, upTo int64) (int64, error) {
	var id *int64
	err := db.Pool.QueryRow(ctx, `SELECT max(id) FROM figures_due WHERE token_id = $1 AND id <= $2`, tokenID, upTo).Scan(&id)
	if err != nil {
		return 0, mapErr(err, "figures due")
	}
	if id == nil {
		return 0, nil
	}
	return *id, nil
}

// FiguresWork is a campaign whose figures may be behind: it has notes of
// figures due, or its computed days stop before its end.
type FiguresWork struct {
	Campaign   *domain.Campaign
	ComputedTo *domain.Date  // last day computed; nil: none yet
	DueFrom    *domain.Date  // earliest day its notes name; nil: no note
	DueAge     time.Duration // how long ago its oldest note was written (by the database's clock)
}

// FiguresBehind lists the campaigns whose figures may need a refresh: every
// campaign with a note of figures due, and every campaign whose figures do
// not reach its end yet (its days pass). The caller decides, with the
// campaign's clock, which are due now.
func (db *DB) FiguresBehind(ctx context.Context) ([]*FiguresWork, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+campaignColumns+`, fs.computed_to, d.from_day, COALESCE(d.age, 0)
		FROM campaigns c
		LEFT JOIN figures_state fs ON fs.campaign_id = c.id
		LEFT JOIN (SELECT campaign_id, min(from_day) AS from_day, extract(epoch FROM now() - min(created_at))::float8 AS age
			FROM figures_due GROUP BY campaign_id) d
			ON d.campaign_id = c.id
		WHERE d.campaign_id IS NOT NULL OR fs.computed_to IS NULL OR fs.computed_to < c.end_date
		ORDER BY c.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*FiguresWork, error) {
		var w FiguresWork
		var done, from *time.Time
		var age float64
		c, err := scanCampaignWith(row, &done, &from, &age)
		if err != nil {
			return nil, err
		}
		w.Campaign, w.ComputedTo, w.DueFrom = c, toDatePtr(done), toDatePtr(from)
		w.DueAge = time.Duration(age * float64(time.Second))
		return &w, nil
	})
}

// reportNoted tells opt.Due of a campaign's notes of figures due, if it
// has any (a replayed write whose first request may have died before its
// figures were refreshed).
func (db *DB) reportNoted(ctx context.Context, slug string, opt domain.WriteOptions) error {
	if opt.Due == nil {
		return nil
	}
	var id int64
	var from time.Time
	err := db.reader(ctx).QueryRow(ctx, `SELECT c.id, min(d.from_day) FROM campaigns c JOIN figures_due d ON d.campaign_id = c.id
		WHERE c.slug = $1 GROUP BY c.id`, slug).Scan(&id, &from)
	if err == pgx.ErrNoRows {
		return nil
	} else if err != nil {
		return err
	}
	opt.Due(id, toDate(from))
	return nil
}
