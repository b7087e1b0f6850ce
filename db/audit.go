package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/tiendo-vn/tiendo/domain"
)

// auditAs records a write by p in the audit log, inside the write's own
// transaction, so the log has an entry exactly when the write happened.
func (db *DB) auditAs(ctx context.Context, tx pgx.Tx, p *domain.Principal, action, entity, key string, before, after any) error {
	reqID := ""
	if p != nil {
		reqID = p.RequestID
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (actor, token_id, action, entity, entity_key, before, after, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.Actor(), tokenIDOf(p), action, entity, key, before, after, reqID)
	return err
}

// AuditLog returns a page of the audit log, newest first, and its total.
func (db *DB) AuditLog(ctx context.Context, offset, limit int) ([]*domain.AuditRecord, int, error) {
	var total int
	if err := db.reader(ctx).QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&total); err != nil {
		return nil, 0, mapErr(err, "audit log")
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT id, at, actor, token_id, action, entity, entity_key, before, after, request_id
		FROM audit_log ORDER BY at DESC, id DESC OFFSET $1 LIMIT $2`, offset, limit)
	if err != nil {
		return nil, 0, mapErr(err, "audit log")
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.AuditRecord, error) {
		var e domain.AuditRecord
		var before, after []byte
		err := row.Scan(&e.ID, &e.At, &e.Actor, &e.TokenID, &e.Action, &e.Entity, &e.EntityKey, &before, &after, &e.RequestID)
		if before != nil {
			e.Before = before
		}
		if after != nil {
			e.After = after
		}
		return &e, err
	})
	return es, total, mapErr(err, "audit log")
}
