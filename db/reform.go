package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
)

// ImportCrosswalk writes the links of the 2025 reform, all or nothing: each
// old code is the unit valid on 30/06/2025, each new code the unit valid on
// 01/07/2025. A code that names no such unit is BAD_INPUT naming the file,
// line and column. A link already stored with the same kind and text is
// skipped; one stored otherwise is updated (the crosswalk was corrected).
func (db *DB) ImportCrosswalk(ctx context.Context, file string, rows []csvio.Line[domain.LinkRow], actor string) (domain.ImportResult, error) {
	res := domain.ImportResult{Read: len(rows)}
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		ix, err := db.loadUnitIndex(ctx, tx)
		if err != nil {
			return err
		}
		before, after := domain.Reform2025.AddDays(-1), domain.Reform2025
		var errs domain.ImportErrors
		olds, news, kinds, sources := make([]int64, 0, len(rows)), make([]int64, 0, len(rows)), make([]string, 0, len(rows)), make([]string, 0, len(rows))
		seen := map[[2]int64]int{}
		for _, l := range rows {
			o, okOld := ix.lookup(l.Row.OldCode, before)
			n, okNew := ix.lookup(l.Row.NewCode, after)
			switch {
			case !okOld:
				errs = append(errs, lineErr(file, l.Line, "old_code", "no unit %s is valid on %s (the last day of the old map)", l.Row.OldCode, before))
			case !okNew:
				errs = append(errs, lineErr(file, l.Line, "new_code", "no unit %s is valid on %s (the first day of the new map)", l.Row.NewCode, after))
			case seen[[2]int64{o.id, n.id}] != 0:
				errs = append(errs, lineErr(file, l.Line, "new_code", "the link %s → %s is already on line %d", l.Row.OldCode, l.Row.NewCode, seen[[2]int64{o.id, n.id}]))
			default:
				seen[[2]int64{o.id, n.id}] = l.Line
				olds, news = append(olds, o.id), append(news, n.id)
				kinds, sources = append(kinds, string(l.Row.Kind)), append(sources, l.Row.Source)
			}
			if len(errs) >= domain.MaxImportErrors {
				break
			}
		}
		if len(errs) > 0 {
			return errs
		}
		var skipped int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM unit_links l JOIN unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS x(o, n, k, s)
			ON l.old_id = x.o AND l.new_id = x.n AND l.kind = x.k AND l.source = x.s`, olds, news, kinds, sources).Scan(&skipped); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO unit_links (old_id, new_id, kind, source)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])
			ON CONFLICT (old_id, new_id) DO UPDATE SET kind = EXCLUDED.kind, source = EXCLUDED.source
			WHERE (unit_links.kind, unit_links.source) IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.source)`, olds, news, kinds, sources)
		if err != nil {
			return mapErr(err, "crosswalk")
		}
		res.Inserted, res.Skipped = int(tag.RowsAffected()), skipped
		return db.audit(ctx, tx, actor, "import", "crosswalk", file, nil, map[string]any{"written": res.Inserted, "skipped": res.Skipped})
	})
	return res, err
}

// LinksOf returns the links whose new end (successors false: predecessors
// of ids) or old end (successors true: successors of ids) is one of ids,
// ordered by the far end's code; one query for any number of units.
func (db *DB) LinksOf(ctx context.Context, ids []int64, successors bool) ([]domain.Link, error) {
	near, far := "new_id", "old_id"
	if successors {
		near, far = far, near
	}
	rows, err := db.reader(ctx).Query(ctx, fmt.Sprintf(`SELECT l.old_id, l.new_id, l.kind, l.source FROM unit_links l JOIN units u ON u.id = l.%s
		WHERE l.%s = ANY($1) ORDER BY u.code, u.id`, far, near), ids)
	if err != nil {
		return nil, mapErr(err, "links")
	}
	links, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Link, error) {
		var l domain.Link
		var kind string
		err := row.Scan(&l.OldID, &l.NewID, &kind, &l.Source)
		l.Kind = domain.LinkKind(kind)
		return l, err
	})
	return links, mapErr(err, "links")
}

// FormerUnits returns units no longer valid on asOf whose name matches
// search (accent- and case-insensitive) and that have successors, by code:
// the old names a search for today's map would otherwise miss.
func (db *DB) FormerUnits(ctx context.Context, search string, asOf domain.Date, limit int) ([]*domain.Unit, error) {
	key := domain.SearchKey(search)
	if key == "" {
		return []*domain.Unit{}, nil
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+unitColumns+` FROM units u
		WHERE NOT u.valid @> $1::date AND strpos(u.search_key, $2) > 0
		  AND EXISTS (SELECT 1 FROM unit_links l WHERE l.old_id = u.id)
		ORDER BY CASE u.kind WHEN 'PROVINCE' THEN 0 WHEN 'DISTRICT' THEN 1 ELSE 2 END, u.code LIMIT $3`, pgDate(asOf), key, limit)
	if err != nil {
		return nil, mapErr(err, "units")
	}
	units, err := pgx.CollectRows(rows, scanUnit)
	if units == nil {
		units = []*domain.Unit{}
	}
	return units, mapErr(err, "units")
}
