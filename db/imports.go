package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
)

func lineErr(file string, line int, col, format string, args ...any) error {
	return &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s:%d (%s)", file, line, col), Message: fmt.Sprintf(format, args...)}
}

// unitIndex resolves codes to units by day.
type unitIndex map[string][]unitSpan

type unitSpan struct {
	id       int64
	from, to *domain.Date // inclusive; nil = unbounded
	kind     domain.UnitKind
}

func (ix unitIndex) lookup(code string, day domain.Date) (unitSpan, bool) {
	for _, s := range ix[code] {
		if (s.from == nil || *s.from <= day) && (s.to == nil || day <= *s.to) {
			return s, true
		}
	}
	return unitSpan{}, false
}

func (db *DB) loadUnitIndex(ctx context.Context, q pgx.Tx) (unitIndex, error) {
	return collectUnitIndex(q.Query(ctx, `SELECT u.id, u.code, u.kind, lower(u.valid), upper(u.valid) FROM units u`))
}

// collectUnitIndex reads rows of units (id, code, kind, lower and upper
// bounds of their validity) into an index, or returns err.
func collectUnitIndex(rows pgx.Rows, err error) (unitIndex, error) {
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

func (db *DB) metricIDs(ctx context.Context, q pgx.Tx) (map[string]int16, error) {
	rows, err := q.Query(ctx, `SELECT key, id FROM metrics`)
	if err != nil {
		return nil, err
	}
	m := map[string]int16{}
	var key string
	var id int16
	_, err = pgx.ForEachRow(rows, []any{&key, &id}, func() error { m[key] = id; return nil })
	return m, err
}

// unitsAndMetrics loads what a facts import resolves its rows against: the
// units by code and the metrics' ids by key.
func (db *DB) unitsAndMetrics(ctx context.Context, tx pgx.Tx) (unitIndex, map[string]int16, error) {
	ix, err := db.loadUnitIndex(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	metrics, err := db.metricIDs(ctx, tx)
	return ix, metrics, err
}

func spanOverlaps(a, b unitSpan) bool {
	aFrom, bFrom := domain.Date(-1<<31), domain.Date(-1<<31)
	aTo, bTo := domain.Date(1<<31-1), domain.Date(1<<31-1)
	if a.from != nil {
		aFrom = *a.from
	}
	if b.from != nil {
		bFrom = *b.from
	}
	if a.to != nil {
		aTo = *a.to
	}
	if b.to != nil {
		bTo = *b.to
	}
	return aFrom <= bTo && bFrom <= aTo
}

func sameBound(a, b *domain.Date) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// ImportUnits writes units, all or nothing. A row identical in code and
// validity to a stored unit is skipped; one that overlaps a stored unit's
// validity otherwise is an error. Parents are resolved by code on the row's
// first valid day (or, for units valid forever, any day), among stored units
// and earlier rows of the same file.
func (db *DB) ImportUnits(ctx context.Context, file string, rows []csvio.Line[domain.UnitRow], actor string) (domain.ImportResult, error) {
	res := domain.ImportResult{Read: len(rows)}
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		ix, err := db.loadUnitIndex(ctx, tx)
		if err != nil {
			return err
		}
		var errs domain.ImportErrors
		type newUnit struct {
			line   int
			row    domain.UnitRow
			parent *int64
		}
		var todo []newUnit
		// Reserve ids for the rows that are new, so later rows can name
		// earlier ones as parent.
		fresh := 0
		for _, l := range rows {
			if ix.idOf(l.Row.Code, l.Row.ValidFrom, l.Row.ValidTo) == 0 {
				fresh++
			}
		}
		idRows, err := tx.Query(ctx, `SELECT nextval('units_id_seq') FROM generate_series(1, $1)`, fresh)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(idRows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, l := range rows {
			u := l.Row
			span := unitSpan{from: u.ValidFrom, to: u.ValidTo, kind: u.Kind}
			skip := false
			for _, s := range ix[u.Code] {
				if sameBound(s.from, span.from) && sameBound(s.to, span.to) {
					skip = true
				} else if spanOverlaps(s, span) {
					errs = append(errs, lineErr(file, l.Line, "code", "unit %s already exists in an overlapping validity period", u.Code))
					skip = true
				}
			}
			if skip {
				if len(errs) == 0 {
					res.Skipped++
				}
				continue
			}
			var parent *int64
			if u.ParentCode != "" {
				day := domain.Date(0)
				if u.ValidFrom != nil {
					day = *u.ValidFrom
				} else if u.ValidTo != nil {
					day = *u.ValidTo
				}
				p, ok := ix.lookup(u.ParentCode, day)
				if !ok && u.ValidFrom == nil && u.ValidTo == nil && len(ix[u.ParentCode]) == 1 {
					p, ok = ix[u.ParentCode][0], true
				}
				if !ok {
					when := ""
					if u.ValidFrom != nil || u.ValidTo != nil {
						when = " on " + day.String()
					}
					errs = append(errs, lineErr(file, l.Line, "parent_code", "parent %s does not exist%s", u.ParentCode, when))
				} else {
					parent = &p.id
				}
			}
			if len(ids) == 0 {
				errs = append(errs, lineErr(file, l.Line, "code", "unit %s appears twice in the file", u.Code))
				continue
			}
			span.id, ids = ids[0], ids[1:]
			ix[u.Code] = append(ix[u.Code], span)
			todo = append(todo, newUnit{l.Line, u, parent})
			if len(errs) >= domain.MaxImportErrors {
				break
			}
		}
		if len(errs) > 0 {
			return errs
		}
		// COPY the new units with their reserved ids.
		src := make([][]any, len(todo))
		for i, n := range todo {
			u := n.row
			full := u.FullName
			if full == "" {
				full = u.Name
			}
			lo, hi := validBounds(u)
			id := ix.idOf(u.Code, u.ValidFrom, u.ValidTo)
			src[i] = []any{id, u.Code, u.Name, full, u.NameEN, string(u.Kind), n.parent, lo, hi,
				domain.SearchKey(u.Name + " " + full + " " + u.NameEN)}
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE import_units (id bigint, code text, name text, full_name text, name_en text,
			kind text, parent_id bigint, lo date, hi date, search_key text) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_units"},
			[]string{"id", "code", "name", "full_name", "name_en", "kind", "parent_id", "lo", "hi", "search_key"},
			pgx.CopyFromRows(src)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO units (id, code, name, full_name, name_en, kind, parent_id, valid, search_key)
			SELECT id, code, name, full_name, name_en, kind, parent_id, daterange(lo, hi), search_key FROM import_units ORDER BY id`)
		if err != nil {
			return mapErr(err, "units")
		}
		res.Inserted = int(tag.RowsAffected())
		if res.Inserted > 0 {
			if err := markAllDue(ctx, tx, unitsChanged); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, "import", "units", file, nil, map[string]any{"inserted": res.Inserted, "skipped": res.Skipped})
	})
	return res, err
}

func (ix unitIndex) idOf(code string, from, to *domain.Date) int64 {
	for _, s := range ix[code] {
		if sameBound(s.from, from) && sameBound(s.to, to) {
			return s.id
		}
	}
	return 0
}

// audit records a write in the audit log.
func (db *DB) audit(ctx context.Context, tx pgx.Tx, actor, action, entity, key string, before, after any) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (actor, action, entity, entity_key, before, after) VALUES ($1, $2, $3, $4, $5, $6)`,
		actor, action, entity, key, before, after)
	return err
}
