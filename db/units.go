package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

func pgDate(d domain.Date) time.Time { return d.UTC() }

func toDate(t time.Time) domain.Date { return domain.DateFromTime(t.UTC()) }

func toDatePtr(t *time.Time) *domain.Date {
	if t == nil {
		return nil
	}
	d := toDate(*t)
	return &d
}

// unitColumns are read by scanUnit.
const unitColumns = `u.id, u.code, u.name, u.full_name, u.name_en, u.kind, u.parent_id, lower(u.valid), upper(u.valid)`

func scanUnit(row pgx.CollectableRow) (*domain.Unit, error) { return scanUnitExtra(row) }

// scanUnitExtra reads unitColumns followed by extra columns into extra.
func scanUnitExtra(row pgx.CollectableRow, extra ...any) (*domain.Unit, error) {
	var u domain.Unit
	var kind string
	var from, until *time.Time
	dest := append([]any{&u.ID, &u.Code, &u.Name, &u.FullName, &u.NameEN, &kind, &u.ParentID, &from, &until}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.Kind = domain.UnitKind(kind)
	u.ValidFrom = toDatePtr(from)
	if until != nil {
		last := toDate(*until).AddDays(-1)
		u.ValidTo = &last
	}
	return &u, nil
}

// FindUnits returns a page of units valid on f.AsOf, ordered by code, and the
// total count. An unknown parent code is NOT_FOUND.
func (db *DB) FindUnits(ctx context.Context, f domain.UnitFilter) ([]*domain.Unit, int, error) {
	if f.ParentCode != nil {
		p, err := db.UnitByCode(ctx, *f.ParentCode, f.AsOf)
		if err != nil {
			return nil, 0, err
		}
		f.ParentID = &p.ID
	}
	var kind *string
	if f.Kind != nil {
		k := string(*f.Kind)
		kind = &k
	}
	rows, err := db.reader(ctx).Query(ctx, `
		SELECT `+unitColumns+`, count(*) OVER ()
		FROM units u
		WHERE u.valid @> $1::date
		  AND ($2::bigint IS NULL OR u.parent_id = $2)
		  AND ($3::text IS NULL OR u.kind = $3)
		  AND ($4 = '' OR strpos(u.search_key, $4) > 0)
		ORDER BY u.code
		OFFSET $5 LIMIT $6`,
		pgDate(f.AsOf), f.ParentID, kind, domain.SearchKey(f.Search), f.Offset, f.Limit)
	if err != nil {
		return nil, 0, mapErr(err, "units")
	}
	var total int
	units, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Unit, error) {
		return scanUnitExtra(row, &total)
	})
	if err != nil {
		return nil, 0, mapErr(err, "units")
	}
	if len(units) == 0 && f.Offset > 0 {
		// Past the end: count without the page.
		err = db.reader(ctx).QueryRow(ctx, `
			SELECT count(*) FROM units u
			WHERE u.valid @> $1::date
			  AND ($2::bigint IS NULL OR u.parent_id = $2)
			  AND ($3::text IS NULL OR u.kind = $3)
			  AND ($4 = '' OR strpos(u.search_key, $4) > 0)`,
			pgDate(f.AsOf), f.ParentID, kind, domain.SearchKey(f.Search)).Scan(&total)
		if err != nil {
			return nil, 0, mapErr(err, "units")
		}
	}
	return units, total, nil
}

// UnitByCode returns the unit with code valid on day asOf; NOT_FOUND otherwise.
func (db *DB) UnitByCode(ctx context.Context, code string, asOf domain.Date) (*domain.Unit, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+unitColumns+` FROM units u WHERE u.code = $1 AND u.valid @> $2::date`, code, pgDate(asOf))
	if err != nil {
		return nil, mapErr(err, "unit")
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUnit)
	if err != nil {
		return nil, mapErr(err, "unit "+code+" on "+asOf.String())
	}
	return u, nil
}

// UnitsByID returns the units with these ids in the same order (nil where
// none); it serves the per-request batch loader.
func (db *DB) UnitsByID(ctx context.Context, ids []int64) ([]*domain.Unit, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+unitColumns+` FROM units u WHERE u.id = ANY($1)`, ids)
	if err != nil {
		return nil, mapErr(err, "units")
	}
	units, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, mapErr(err, "units")
	}
	byID := make(map[int64]*domain.Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	out := make([]*domain.Unit, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// Ancestors returns the units above id, from the root down to the parent.
func (db *DB) Ancestors(ctx context.Context, id int64) ([]*domain.Unit, error) {
	rows, err := db.reader(ctx).Query(ctx, `
		WITH RECURSIVE up(id, depth) AS (
			SELECT parent_id, 1 FROM units WHERE id = $1 AND parent_id IS NOT NULL
			UNION ALL
			SELECT p.parent_id, up.depth + 1 FROM up JOIN units p ON p.id = up.id WHERE p.parent_id IS NOT NULL
		)
		SELECT `+unitColumns+` FROM up JOIN units u ON u.id = up.id ORDER BY up.depth DESC`, id)
	if err != nil {
		return nil, mapErr(err, "ancestors")
	}
	units, err := pgx.CollectRows(rows, scanUnit)
	return units, mapErr(err, "ancestors")
}

// CountUnits returns how many units exist (any validity).
func (db *DB) CountUnits(ctx context.Context) (int, error) {
	var n int
	err := db.reader(ctx).QueryRow(ctx, `SELECT count(*) FROM units`).Scan(&n)
	return n, mapErr(err, "units")
}

// IsDescendant reports whether unit id is ancestor or below it.
func (db *DB) IsDescendant(ctx context.Context, id, ancestor int64) (bool, error) {
	var ok bool
	err := db.reader(ctx).QueryRow(ctx, `
		WITH RECURSIVE up(id) AS (
			SELECT $1::bigint UNION ALL SELECT u.parent_id FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL
		) SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)`, id, ancestor).Scan(&ok)
	return ok, mapErr(err, "unit")
}
