package db

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// MaxPersistedQueries bounds the persisted-queries table: past it, a new
// hash is known only to the server that learned it. With documents of at
// most 16 KB (graph's maxStoredQuery), the table holds at most 160 MB.
const MaxPersistedQueries = 10000

// PersistedQuery returns the query registered under a SHA-256 (hex).
func (db *DB) PersistedQuery(ctx context.Context, sha256 string) (string, bool, error) {
	var q string
	err := db.reader(ctx).QueryRow(ctx, `SELECT query FROM persisted_queries WHERE sha256 = $1`, sha256).Scan(&q)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, mapErr(err, "persisted query")
	}
	return q, true, nil
}

// PersistQuery registers a query under its SHA-256 (the caller checked the
// hash), unless the table is full; registering again changes nothing.
func (db *DB) PersistQuery(ctx context.Context, sha256, query string) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO persisted_queries (sha256, query)
		SELECT $1, $2 WHERE (SELECT count(*) FROM persisted_queries) < $3
		ON CONFLICT (sha256) DO NOTHING`, sha256, query, MaxPersistedQueries)
	return mapErr(err, "persisted query")
}
