package db

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// Metrics returns every metric in display order.
func (db *DB) Metrics(ctx context.Context) ([]*domain.Metric, error) {
	rows, err := db.reader(ctx).Query(ctx, `
		SELECT id, key, name_vi, name_en, verb_vi, verb_en, noun_vi, noun_en, position
		FROM metrics ORDER BY position, key`)
	if err != nil {
		return nil, mapErr(err, "metrics")
	}
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Metric, error) {
		var m domain.Metric
		err := row.Scan(&m.ID, &m.Key, &m.NameVI, &m.NameEN, &m.VerbVI, &m.VerbEN, &m.NounVI, &m.NounEN, &m.Position)
		return &m, err
	})
	return ms, mapErr(err, "metrics")
}

// UpsertMetric creates or updates a metric by key.
func (db *DB) UpsertMetric(ctx context.Context, m *domain.Metric) error {
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO metrics (key, name_vi, name_en, verb_vi, verb_en, noun_vi, noun_en, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (key) DO UPDATE SET name_vi = $2, name_en = $3, verb_vi = $4, verb_en = $5,
			noun_vi = $6, noun_en = $7, position = $8`,
		m.Key, m.NameVI, m.NameEN, m.VerbVI, m.VerbEN, m.NounVI, m.NounEN, m.Position)
	return mapErr(err, "metric "+m.Key)
}
