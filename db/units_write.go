package db

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// MaxUnitBatch is the most units one UpsertUnits call may carry.
const MaxUnitBatch = 5000

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// UpsertUnits creates or updates units for an admin, in order, all or
// nothing. A unit is a code within a validity period: an item whose code
// and validity equal a stored unit's updates its names and parent (its kind
// cannot change: end it and create a new one); any other item creates a
// unit, which must not overlap another period of the same code. Parents are
// named by code, valid on the unit's first day (earlier items count).
// Errors name the item.
func (db *DB) UpsertUnits(ctx context.Context, p *domain.Principal, units []domain.UnitRow, opt domain.WriteOptions) ([]domain.UnitWriteOutcome, error) {
	if len(units) == 0 {
		return nil, domain.FieldErrorf(domain.EINVALID, "units", "no units")
	}
	if len(units) > MaxUnitBatch {
		return nil, domain.FieldErrorf(domain.EINVALID, "units", "%d units; at most %d are accepted at once", len(units), MaxUnitBatch)
	}
	l := itemLabel("units")
	var out []domain.UnitWriteOutcome
	var changed, due []int64
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		out, changed, due = make([]domain.UnitWriteOutcome, len(units)), nil, nil
		if _, err := tx.Exec(ctx, `LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var errs domain.ImportErrors
		var auditBefore, auditAfter []map[string]any
		for i := range units {
			u := units[i]
			u.Name, u.FullName, u.NameEN = strings.TrimSpace(u.Name), strings.TrimSpace(u.FullName), strings.TrimSpace(u.NameEN)
			if u.FullName == "" {
				u.FullName = u.Name
			}
			o := domain.UnitWriteOutcome{Index: i, Code: u.Code}
			err := func() error {
				switch {
				case !codeRE.MatchString(u.Code):
					return l.errf(i, "code", "%q is not a unit code: letters, digits, '.', '_' or '-', at most 32", u.Code)
				case u.Name == "":
					return l.errf(i, "name", "a unit needs a name")
				case u.ValidFrom != nil && u.ValidTo != nil && *u.ValidTo < *u.ValidFrom:
					return l.errf(i, "valid_to", "the unit ends (%s) before it begins (%s)", *u.ValidTo, *u.ValidFrom)
				case (u.Kind == domain.KindNation) != (u.ParentCode == ""):
					return l.errf(i, "parent_code", "the nation and only the nation has no parent")
				}
				var parent *int64
				if u.ParentCode != "" {
					id, err := parentOf(ctx, tx, u)
					if err != nil {
						return err
					}
					if id == 0 {
						return l.errf(i, "parent_code", "parent %s does not exist on the unit's first day", u.ParentCode)
					}
					parent = &id
				}
				lo, hi := validBounds(u)
				var cur struct {
					id                       int64
					name, full, nameEN, kind string
					parent                   *int64
				}
				err := tx.QueryRow(ctx, `SELECT id, name, full_name, name_en, kind, parent_id FROM units
					WHERE code = $1 AND valid = daterange($2, $3)`, u.Code, lo, hi).Scan(&cur.id, &cur.name, &cur.full, &cur.nameEN, &cur.kind, &cur.parent)
				key := map[string]any{"code": u.Code, "validFrom": u.ValidFrom, "validTo": u.ValidTo}
				after := merge(key, map[string]any{"name": u.Name, "fullName": u.FullName, "nameEn": u.NameEN, "kind": u.Kind, "parentId": parent})
				search := domain.SearchKey(u.Name + " " + u.FullName + " " + u.NameEN)
				switch {
				case err == pgx.ErrNoRows:
					var overlaps bool
					if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE code = $1 AND valid && daterange($2, $3))`,
						u.Code, lo, hi).Scan(&overlaps); err != nil {
						return err
					}
					if overlaps {
						return l.errf(i, "code", "unit %s exists already in an overlapping validity period (to change a unit, give its exact validity)", u.Code)
					}
					if err := tx.QueryRow(ctx, `INSERT INTO units (code, name, full_name, name_en, kind, parent_id, valid, search_key)
						VALUES ($1, $2, $3, $4, $5, $6, daterange($7, $8), $9) RETURNING id`,
						u.Code, u.Name, u.FullName, u.NameEN, string(u.Kind), parent, lo, hi, search).Scan(&o.ID); err != nil {
						return fatal{mapErr(err, "unit "+u.Code)}
					}
					o.Status = domain.StatusCreated
					auditBefore, auditAfter = append(auditBefore, merge(key, map[string]any{"id": nil})), append(auditAfter, merge(after, map[string]any{"id": o.ID}))
					changed = append(changed, o.ID)
				case err != nil:
					return err
				case cur.kind != string(u.Kind):
					return l.errf(i, "kind", "unit %s is a %s; a kind does not change (end its validity and create a new unit)", u.Code, strings.ToLower(cur.kind))
				case cur.name == u.Name && cur.full == u.FullName && cur.nameEN == u.NameEN && equalPtr(cur.parent, parent):
					o.ID, o.Status = cur.id, domain.StatusUnchanged
				default:
					o.ID, o.Status = cur.id, domain.StatusUpdated
					if parent != nil && !equalPtr(cur.parent, parent) {
						anc, err := ancestors(ctx, tx, []int64{*parent})
						if err != nil {
							return err
						}
						if slices.Contains(anc[*parent], cur.id) {
							return l.errf(i, "parent_code", "unit %s cannot be under %s, which is below it", u.Code, u.ParentCode)
						}
						changed = append(changed, cur.id)
					}
					if _, err := tx.Exec(ctx, `UPDATE units SET name = $2, full_name = $3, name_en = $4, parent_id = $5, search_key = $6 WHERE id = $1`,
						cur.id, u.Name, u.FullName, u.NameEN, parent, search); err != nil {
						return fatal{mapErr(err, "unit "+u.Code)}
					}
					auditBefore = append(auditBefore, merge(key, map[string]any{"id": cur.id, "name": cur.name, "fullName": cur.full,
						"nameEn": cur.nameEN, "kind": cur.kind, "parentId": cur.parent}))
					auditAfter = append(auditAfter, merge(after, map[string]any{"id": cur.id}))
				}
				return nil
			}()
			if err != nil {
				if f, ok := err.(fatal); ok {
					return f.error // the transaction cannot go on
				}
				if domain.ErrorCode(err) == domain.EINTERNAL {
					return err
				}
				errs = append(errs, err)
				if len(errs) >= domain.MaxImportErrors {
					break
				}
			}
			out[i] = o
		}
		if len(errs) > 0 {
			return errs
		}
		if len(auditAfter) == 0 {
			return nil
		}
		if len(changed) > 0 {
			var err error
			if due, err = markUnitsDue(ctx, tx, p, changed, unitsChanged); err != nil {
				return err
			}
		}
		return db.auditAs(ctx, tx, p, "upsert", "units", fmt.Sprintf("%d units", len(auditAfter)),
			map[string]any{"units": auditBefore}, map[string]any{"units": auditAfter})
	})
	if err != nil {
		return nil, err
	}
	reportDue(opt, due, unitsChanged)
	return out, nil
}

// parentOf resolves a unit's parent code on the unit's first day (or last,
// or, for a unit valid forever, the only unit with the code); 0 if none.
func parentOf(ctx context.Context, tx pgx.Tx, u domain.UnitRow) (int64, error) {
	var id int64
	var err error
	switch {
	case u.ValidFrom != nil:
		err = tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1 AND valid @> $2::date`, u.ParentCode, pgDate(*u.ValidFrom)).Scan(&id)
	case u.ValidTo != nil:
		err = tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1 AND valid @> $2::date`, u.ParentCode, pgDate(*u.ValidTo)).Scan(&id)
	default:
		err = tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1 AND (SELECT count(*) FROM units WHERE code = $1) = 1`, u.ParentCode).Scan(&id)
		if err == pgx.ErrNoRows {
			err = tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1 AND valid @> current_date`, u.ParentCode).Scan(&id)
		}
	}
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	return id, err
}

// validBounds returns a unit's validity as daterange bounds [lo, hi).
func validBounds(u domain.UnitRow) (lo, hi *time.Time) {
	if u.ValidFrom != nil {
		t := pgDate(*u.ValidFrom)
		lo = &t
	}
	if u.ValidTo != nil {
		t := pgDate(u.ValidTo.AddDays(1))
		hi = &t
	}
	return lo, hi
}

func equalPtr[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// fatal marks an error after which the transaction is aborted.
type fatal struct{ error }
