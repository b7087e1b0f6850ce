package db

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Demo reports whether the database holds the demo dataset (MarkDemo was
// called on it).
func (db *DB) Demo(ctx context.Context) (bool, error) {
	var demo bool
	err := db.reader(ctx).QueryRow(ctx, `SELECT demo FROM dataset`).Scan(&demo)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return demo, mapErr(err, "dataset")
}

// MarkDemo records that the database holds the demo dataset. Package demo
// calls it before writing anything, so a partly loaded demo is marked too.
func (db *DB) MarkDemo(ctx context.Context) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO dataset (demo) VALUES (true)
		ON CONFLICT (id) DO UPDATE SET demo = true, marked_at = now()`)
	return mapErr(err, "dataset")
}
