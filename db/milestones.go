package db

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// Freeze is a milestone's frozen ranking as stored: canonical bytes and
// their SHA-256 (which the table checks), never changed once written.
type Freeze struct {
	CampaignID   int64
	Day          domain.Date
	RulesVersion int
	Content      []byte
	Hash         string
	FrozenAt     time.Time
	FrozenBy     string
}

const freezeColumns = `z.campaign_id, z.day, z.rules_version, z.content, z.content_hash, z.frozen_at, z.frozen_by`

func scanFreeze(row pgx.CollectableRow) (*Freeze, error) {
	var z Freeze
	var day time.Time
	err := row.Scan(&z.CampaignID, &day, &z.RulesVersion, &z.Content, &z.Hash, &z.FrozenAt, &z.FrozenBy)
	z.Day = toDate(day)
	return &z, err
}

// DayFigure is one stored figure of a day with its metric and unit.
type DayFigure struct {
	Metric string
	Unit   *domain.Unit
	domain.Point
}

// FreezeMilestone records the frozen ranking of a campaign's milestone day
// once. Under a lock on the campaign and day: if it is recorded already,
// that record is returned (created false); otherwise build is given the
// day's stored figures (every metric, every unit of the campaign's scope),
// read in the same transaction, and the bytes it returns are stored with
// their hash and the rules version they were computed with. Two servers
// freezing at once record it once.
func (db *DB) FreezeMilestone(ctx context.Context, c *domain.Campaign, day domain.Date, actor string,
	build func(figs []*DayFigure) (content []byte, hash string, rulesVersion int, err error)) (z *Freeze, created bool, err error) {
	err = db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		created = false
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tiendo.milestone'), hashtext($1))`,
			fmtKey(c.ID, c.ScopeUnitID, day)); err != nil {
			return err
		}
		if z, err = freezeIn(ctx, tx, c.ID, day); err != nil || z != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT m.key, `+pointColumns+`, `+unitColumns+`
			FROM figures f JOIN metrics m ON m.id = f.metric_id JOIN units u ON u.id = f.unit_id
			WHERE f.campaign_id = $1 AND f.day = $2`, c.ID, pgDate(day))
		if err != nil {
			return err
		}
		var metric, kind string
		var u domain.Unit
		var from, until *time.Time
		scan := newPointScan([]any{&metric}, &u.ID, &u.Code, &u.Name, &u.FullName, &u.NameEN, &kind, &u.ParentID, &from, &until)
		figs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*DayFigure, error) {
			u = domain.Unit{}
			from, until = nil, nil
			if err := scan.scan(row); err != nil {
				return nil, err
			}
			unit := u
			unit.Kind, unit.ValidFrom, unit.ValidTo = domain.UnitKind(kind), toDatePtr(from), validTo(until)
			f := &DayFigure{Metric: metric, Unit: &unit}
			f.Point = *scan.point()
			return f, nil
		})
		if err != nil {
			return err
		}
		content, hash, version, err := build(figs)
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `INSERT INTO milestone_freezes AS z (campaign_id, day, rules_version, content, content_hash, frozen_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+freezeColumns, c.ID, pgDate(day), version, content, hash, actor)
		if err != nil {
			return err
		}
		if z, err = pgx.CollectExactlyOneRow(rows, scanFreeze); err != nil {
			return err
		}
		created = true
		key, _ := json.Marshal([]string{c.Slug, day.String()})
		return db.audit(ctx, tx, actor, "freeze", "milestone_ranking", string(key), nil,
			map[string]any{"sha256": hash, "rulesVersion": version, "bytes": len(content)})
	})
	return z, created, err
}

func validTo(until *time.Time) *domain.Date {
	if until == nil {
		return nil
	}
	last := toDate(*until).AddDays(-1)
	return &last
}

func freezeIn(ctx context.Context, q querier, campaignID int64, day domain.Date) (*Freeze, error) {
	return freezeQuery(ctx, q, freezeColumns, campaignID, day)
}

func freezeQuery(ctx context.Context, q querier, columns string, campaignID int64, day domain.Date) (*Freeze, error) {
	rows, err := q.Query(ctx, `SELECT `+columns+` FROM milestone_freezes z WHERE z.campaign_id = $1 AND z.day = $2`,
		campaignID, pgDate(day))
	if err != nil {
		return nil, err
	}
	z, err := pgx.CollectExactlyOneRow(rows, scanFreeze)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return z, mapErr(err, "milestone ranking")
}

// MilestoneFreeze returns the frozen ranking of a campaign's day, or nil
// when none is recorded.
func (db *DB) MilestoneFreeze(ctx context.Context, campaignID int64, day domain.Date) (*Freeze, error) {
	return freezeIn(ctx, db.Pool, campaignID, day)
}

// MilestoneFreezeHeader is MilestoneFreeze without the content (nil), for
// a reader that keeps records by their hash.
func (db *DB) MilestoneFreezeHeader(ctx context.Context, campaignID int64, day domain.Date) (*Freeze, error) {
	return freezeQuery(ctx, db.Pool, strings.Replace(freezeColumns, "z.content,", "NULL::bytea,", 1), campaignID, day)
}

// MilestoneFreezes returns every frozen ranking of a campaign, by day.
func (db *DB) MilestoneFreezes(ctx context.Context, campaignID int64) ([]*Freeze, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+freezeColumns+` FROM milestone_freezes z WHERE z.campaign_id = $1 ORDER BY z.day`, campaignID)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, scanFreeze)
	return out, mapErr(err, "milestone rankings")
}
