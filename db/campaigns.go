package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/readset"
)

type bandJSON struct {
	Key     string  `json:"key"`
	Min     float64 `json:"min"`
	LabelVI string  `json:"labelVi"`
	LabelEN string  `json:"labelEn"`
}

const campaignColumns = `c.id, c.slug, c.name, c.name_en, c.legal_ref, c.scope_unit_id, c.start_date, c.end_date,
	c.deadline_minutes, c.deadline_days, c.time_zone, c.bands, c.created_at,
	ARRAY(SELECT m.key FROM campaign_metrics cm JOIN metrics m ON m.id = cm.metric_id
	      WHERE cm.campaign_id = c.id ORDER BY cm.position, m.position),
	COALESCE((SELECT jsonb_agg(jsonb_build_object('date', ms.date, 'vi', ms.label_vi, 'en', ms.label_en) ORDER BY ms.date)
	      FROM milestones ms WHERE ms.campaign_id = c.id), '[]'),
	COALESCE((SELECT jsonb_agg(jsonb_build_object('version', rv.version, 'from', rv.effective_from, 'bands', rv.bands,
	      'order', rv.ranking_order, 'at', rv.created_at, 'by', rv.created_by) ORDER BY rv.version)
	      FROM rules_versions rv WHERE rv.campaign_id = c.id), '[]')`

// rulesJSON is a rules version as campaignColumns reads it.
type rulesJSON struct {
	Version int        `json:"version"`
	From    string     `json:"from"`
	Bands   []bandJSON `json:"bands"`
	Order   string     `json:"order"`
	At      time.Time  `json:"at"`
	By      string     `json:"by"`
}

func bandsOf(bs []bandJSON) []domain.Band {
	out := make([]domain.Band, len(bs))
	for i, b := range bs {
		out[i] = domain.Band{Key: b.Key, Min: b.Min, LabelVI: b.LabelVI, LabelEN: b.LabelEN}
	}
	return out
}

func scanCampaign(row pgx.CollectableRow) (*domain.Campaign, error) { return scanCampaignWith(row) }

// scanCampaignWith scans a campaign's columns and then into extra.
func scanCampaignWith(row pgx.CollectableRow, extra ...any) (*domain.Campaign, error) {
	var c domain.Campaign
	var start, end time.Time
	var bands []bandJSON
	var milestones []struct {
		Date string `json:"date"`
		VI   string `json:"vi"`
		EN   string `json:"en"`
	}
	var rules []rulesJSON
	err := row.Scan(append([]any{&c.ID, &c.Slug, &c.Name, &c.NameEN, &c.LegalRef, &c.ScopeUnitID, &start, &end,
		&c.DeadlineMinutes, &c.DeadlineDays, &c.TimeZone, &bands, &c.CreatedAt, &c.MetricKeys, &milestones, &rules}, extra...)...)
	if err != nil {
		return nil, err
	}
	c.Start, c.End = toDate(start), toDate(end)
	c.Bands = bandsOf(bands)
	for _, r := range rules {
		d, err := domain.ParseDate(r.From)
		if err != nil {
			return nil, fmt.Errorf("rules version %d date %q: %w", r.Version, r.From, err)
		}
		c.Rules = append(c.Rules, domain.RulesVersion{Version: r.Version, EffectiveFrom: d, Bands: bandsOf(r.Bands),
			Order: r.Order, CreatedAt: r.At, CreatedBy: r.By})
	}
	for _, m := range milestones {
		d, err := domain.ParseDate(m.Date)
		if err != nil {
			return nil, fmt.Errorf("milestone date %q: %w", m.Date, err)
		}
		c.Milestones = append(c.Milestones, domain.Milestone{Date: d, LabelVI: m.VI, LabelEN: m.EN})
	}
	return &c, nil
}

// FindCampaigns returns a page of campaigns, newest start first, and the total.
func (db *DB) FindCampaigns(ctx context.Context, offset, limit int) ([]*domain.Campaign, int, error) {
	var total int
	if err := db.reader(ctx).QueryRow(ctx, `SELECT count(*) FROM campaigns`).Scan(&total); err != nil {
		return nil, 0, mapErr(err, "campaigns")
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+campaignColumns+` FROM campaigns c
		ORDER BY c.start_date DESC, c.id DESC OFFSET $1 LIMIT $2`, offset, limit)
	if err != nil {
		return nil, 0, mapErr(err, "campaigns")
	}
	cs, err := pgx.CollectRows(rows, scanCampaign)
	return cs, total, mapErr(err, "campaigns")
}

// CampaignBySlug returns one campaign; NOT_FOUND if there is none.
func (db *DB) CampaignBySlug(ctx context.Context, slug string) (*domain.Campaign, error) {
	// What is read through the campaign has no figures version to go by.
	readset.Untracked(ctx)
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+campaignColumns+` FROM campaigns c WHERE c.slug = $1`, slug)
	if err != nil {
		return nil, mapErr(err, "campaign")
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCampaign)
	return c, mapErr(err, fmt.Sprintf("campaign %q", slug))
}

// CampaignFigures returns one campaign and the state of its figures (a
// ranking's first question); NOT_FOUND if there is none. One small query
// when the campaign is remembered as of campaigns_state's version
// (campaigns_memory.go), the campaign whole with its figures state in one
// snapshot otherwise.
func (db *DB) CampaignFigures(ctx context.Context, slug string) (*domain.Campaign, domain.FiguresState, error) {
	var st domain.FiguresState
	var done *time.Time
	var id, version int64
	q := db.reader(ctx)
	err := q.QueryRow(ctx, `SELECT c.id, s.version, fs.computed_to, COALESCE(fs.updated_at::text, '')
		FROM campaigns c CROSS JOIN campaigns_state s LEFT JOIN figures_state fs ON fs.campaign_id = c.id
		WHERE c.slug = $1`, slug).Scan(&id, &version, &done, &st.Version)
	if err != nil {
		return nil, st, mapErr(err, fmt.Sprintf("campaign %q", slug))
	}
	c := db.campaigns.get(slug, id, version)
	if c == nil {
		rows, err := q.Query(ctx, `SELECT `+campaignColumns+`, fs.computed_to, COALESCE(fs.updated_at::text, ''), s.version
			FROM campaigns c CROSS JOIN campaigns_state s LEFT JOIN figures_state fs ON fs.campaign_id = c.id WHERE c.slug = $1`, slug)
		if err != nil {
			return nil, st, mapErr(err, "campaign")
		}
		c, err = pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (*domain.Campaign, error) {
			return scanCampaignWith(row, &done, &st.Version, &version)
		})
		if err != nil {
			return nil, st, mapErr(err, fmt.Sprintf("campaign %q", slug))
		}
		db.campaigns.put(c, version)
	}
	st.ComputedTo = toDatePtr(done)
	readset.Campaign(ctx, c.ID, st.Version)
	return c, st, nil
}

// CreateCampaign stores a new campaign whose scope is def.ScopeCode (valid on
// its first day), with its metrics and milestones. Unknown metrics and scope
// are BAD_INPUT; a taken slug is CONFLICT.
func (db *DB) CreateCampaign(ctx context.Context, def *domain.CampaignDef) (*domain.Campaign, error) {
	c := def.Campaign
	if len(c.Bands) == 0 {
		c.Bands = domain.DefaultBands()
	}
	if c.TimeZone == "" {
		c.TimeZone = domain.DefaultTimeZone
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		return nil, domain.Errorf(domain.EINVALID, "unknown time zone %q", c.TimeZone)
	}
	if c.End < c.Start {
		return nil, domain.Errorf(domain.EINVALID, "campaign ends (%s) before it starts (%s)", c.End, c.Start)
	}
	bands := make([]bandJSON, len(c.Bands))
	for i, b := range c.Bands {
		bands[i] = bandJSON{b.Key, b.Min, b.LabelVI, b.LabelEN}
	}
	var id int64
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var scopeID int64
		err := tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1 AND valid @> $2::date`, def.ScopeCode, pgDate(c.Start)).Scan(&scopeID)
		if err == pgx.ErrNoRows {
			return domain.Errorf(domain.EINVALID, "scope unit %q does not exist on %s", def.ScopeCode, c.Start)
		} else if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO campaigns (slug, name, name_en, legal_ref, scope_unit_id, start_date, end_date,
				deadline_minutes, deadline_days, time_zone, bands)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			c.Slug, c.Name, c.NameEN, c.LegalRef, scopeID, pgDate(c.Start), pgDate(c.End),
			c.DeadlineMinutes, c.DeadlineDays, c.TimeZone, bands).Scan(&id)
		if err != nil {
			return mapErr(err, fmt.Sprintf("campaign %q", c.Slug))
		}
		for i, key := range c.MetricKeys {
			tag, err := tx.Exec(ctx, `INSERT INTO campaign_metrics (campaign_id, metric_id, position)
				SELECT $1, id, $3 FROM metrics WHERE key = $2`, id, key, i)
			if err != nil {
				return mapErr(err, "campaign metric "+key)
			}
			if tag.RowsAffected() == 0 {
				return domain.Errorf(domain.EINVALID, "unknown metric %q", key)
			}
		}
		for _, m := range c.Milestones {
			if m.Date < c.Start || m.Date > c.End {
				return domain.Errorf(domain.EINVALID, "milestone %s is outside the campaign (%s to %s)", m.Date, c.Start, c.End)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO milestones (campaign_id, date, label_vi, label_en) VALUES ($1, $2, $3, $4)`,
				id, pgDate(m.Date), m.LabelVI, m.LabelEN); err != nil {
				return mapErr(err, "milestone "+m.Date.String())
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.CampaignBySlug(ctx, c.Slug)
}

// CampaignByID returns a campaign by its id.
func (db *DB) CampaignByID(ctx context.Context, id int64) (*domain.Campaign, error) {
	return db.campaignByID(ctx, id)
}
