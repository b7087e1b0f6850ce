package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/press"
)

// The static copy's data (written by ExportData under data/): what the
// portal's pages read when no API answers (portal/static/static-api.js
// answers their GraphQL queries from these files). Every figure is the
// figures table's row of a published day, as the API serves it:
//
//	data/index.json                  {published, dataset, campaigns: [campaign + "days": published days]}
//	data/{campaign}/units.json       {units: [[code, fullName, nameEn, kind, parentCode, provinces, districts, communes]]}
//	data/{campaign}/bulletins.json   {vi: [{date, lead}], en: [...]} the latest revision of each day
//	data/{campaign}/quotas.json      {code: [[metric, target, effectiveFrom, reason, reference]]}
//	data/{campaign}/{date}/{LEVEL}.json {date, metrics: {key: [dayRow, ...]}} ranked order
//	data/{campaign}/series/{parentCode}.json {code: {metric: [seriesRow, ...]}} the children of one unit
//
// dayRow is [code, figure, quota, rate, band, rank, rankChange, atRisk,
// source, staleDays, delta, onTime, late, missing, pace7d, requiredPace,
// projected]; seriesRow is [date, figure, quota, rate, band, atRisk, source,
// staleDays, delta, onTime, late, missing, pace7d, requiredPace, projected].
// A campaign scope without a parent is in series/_.json.

// campaignsQuery asks the API for every field a page reads of a campaign.
const campaignsQuery = `{ dataset { demo contact } campaigns(first: 50) { edges { node {
  slug name nameEn legalRef startDate endDate status reportDeadline deadlineDays timeZone
  scope { code kind fullName nameEn } bands { key min labelVi labelEn } metrics { key nameVi nameEn }
  milestones { date labelVi labelEn } rulesVersions { version effectiveFrom } } } } }`

// DataStats says what ExportData wrote.
type DataStats struct {
	Files int
	Bytes int64
}

// ExportData writes the static data of every published day of every
// campaign under dir/data (see the layout above). api is the GraphQL
// handler, asked for the campaigns as the pages see them.
func (s *Service) ExportData(ctx context.Context, dir string, api http.Handler) (DataStats, error) {
	var st DataStats
	write := func(name string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		st.Files++
		st.Bytes += int64(len(b))
		return writeFile(filepath.Join(dir, "data", filepath.FromSlash(name)), b)
	}
	var index struct {
		Data struct {
			Dataset   json.RawMessage `json:"dataset"`
			Campaigns struct {
				Edges []struct {
					Node map[string]any `json:"node"`
				} `json:"edges"`
			} `json:"campaigns"`
		} `json:"data"`
	}
	if err := askAPI(ctx, api, campaignsQuery, &index); err != nil {
		return st, err
	}
	cs, _, err := s.DB.FindCampaigns(ctx, 0, 1000)
	if err != nil {
		return st, err
	}
	bySlug := map[string]*domain.Campaign{}
	for _, c := range cs {
		bySlug[c.Slug] = c
	}
	out := []map[string]any{}
	for _, e := range index.Data.Campaigns.Edges {
		slug, _ := e.Node["slug"].(string)
		c := bySlug[slug]
		if c == nil {
			continue
		}
		days, err := s.exportCampaignData(ctx, c, write)
		if err != nil {
			return st, fmt.Errorf("%s: %w", slug, err)
		}
		e.Node["days"] = days
		out = append(out, e.Node)
	}
	err = write("index.json", map[string]any{
		"published": time.Now().UTC().Format(time.RFC3339),
		"dataset":   index.Data.Dataset,
		"campaigns": out,
	})
	return st, err
}

// askAPI runs one GraphQL query through the API handler into v.
func askAPI(ctx context.Context, api http.Handler, query string, v any) error {
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
		return fmt.Errorf("the API answers %d: %.300s", rec.Code, rec.Body)
	}
	return json.Unmarshal(rec.Body.Bytes(), v)
}

// exportCampaignData writes one campaign's files and returns its published days.
func (s *Service) exportCampaignData(ctx context.Context, c *domain.Campaign, write func(string, any) error) ([]string, error) {
	eds, _, err := s.DB.Editions(ctx, db.EditionFilter{CampaignID: &c.ID, ScopeID: &c.ScopeUnitID, Limit: 100000})
	if err != nil {
		return nil, err
	}
	latest := map[string]*db.Edition{}
	for _, e := range eds {
		d := e.Day.String()
		if latest[d] == nil || latest[d].Revision < e.Revision {
			latest[d] = e
		}
	}
	days := make([]string, 0, len(latest))
	for d := range latest {
		days = append(days, d)
	}
	sort.Strings(days)
	type lead struct {
		Date string `json:"date"`
		Lead string `json:"lead"`
	}
	leads := map[string][]lead{"vi": {}, "en": {}}
	for _, d := range days {
		pe, err := press.Unmarshal(latest[d].Content, latest[d].Hash)
		if err != nil {
			return nil, err
		}
		for l := range leads {
			leads[l] = append(leads[l], lead{d, pe.Text(l).Lead})
		}
	}
	slug := url.PathEscape(c.Slug)
	if len(days) == 0 {
		return days, nil
	}
	if err := write(slug+"/bulletins.json", leads); err != nil {
		return nil, err
	}
	if err := s.exportUnits(ctx, c, days, slug, write); err != nil {
		return nil, err
	}
	if err := s.exportQuotas(ctx, c, slug, write); err != nil {
		return nil, err
	}
	for _, d := range days {
		if err := s.exportDay(ctx, c, d, slug, write); err != nil {
			return nil, err
		}
	}
	return days, s.exportSeries(ctx, c, days[len(days)-1], slug, write)
}

// exportUnits writes the units with figures on a published day, and the
// scope's ancestors, with how many children of each kind they have.
func (s *Service) exportUnits(ctx context.Context, c *domain.Campaign, days []string, slug string, write func(string, any) error) error {
	rows, err := s.DB.Pool.Query(ctx, `
		WITH RECURSIVE up AS (
			SELECT id, parent_id FROM units WHERE id = $3
			UNION SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent_id),
		f AS (SELECT DISTINCT unit_id, kind, parent_id FROM figures WHERE campaign_id = $1 AND day = ANY($2::date[]))
		SELECT u.code, u.full_name, u.name_en, COALESCE(f.kind, u.kind), p.code
		FROM units u LEFT JOIN f ON f.unit_id = u.id
		LEFT JOIN units p ON p.id = COALESCE(f.parent_id, u.parent_id)
		WHERE u.id IN (SELECT unit_id FROM f) OR (u.id IN (SELECT id FROM up) AND u.id <> $3)
		ORDER BY 1`, c.ID, days, c.ScopeUnitID)
	if err != nil {
		return err
	}
	type unit struct{ code, name, nameEn, kind, parent string }
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (unit, error) {
		var u unit
		var parent *string
		err := r.Scan(&u.code, &u.name, &u.nameEn, &u.kind, &parent)
		if parent != nil {
			u.parent = *parent
		}
		return u, err
	})
	if err != nil {
		return err
	}
	children := map[string]map[string]int{}
	for _, u := range list {
		if children[u.parent] == nil {
			children[u.parent] = map[string]int{}
		}
		children[u.parent][u.kind]++
	}
	out := make([][]any, 0, len(list))
	for _, u := range list {
		n := children[u.code]
		var parent any
		if u.parent != "" {
			parent = u.parent
		}
		out = append(out, []any{u.code, u.name, u.nameEn, u.kind, parent, n["PROVINCE"], n["DISTRICT"], n["COMMUNE"]})
	}
	return write(slug+"/units.json", map[string]any{"units": out})
}

// exportQuotas writes every quota revision of the campaign, per unit in
// the API's order (metric, effective day).
func (s *Service) exportQuotas(ctx context.Context, c *domain.Campaign, slug string, write func(string, any) error) error {
	rows, err := s.DB.Pool.Query(ctx, `
		SELECT u.code, m.key, q.target, q.effective_from::text, q.reason, q.reference
		FROM quota_revisions q JOIN units u ON u.id = q.unit_id JOIN metrics m ON m.id = q.metric_id
		WHERE q.campaign_id = $1 ORDER BY u.code, m.position, q.effective_from, q.id`, c.ID)
	if err != nil {
		return err
	}
	quotas := map[string][][]any{}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var code, metric, from, reason, ref string
		var target int64
		err := r.Scan(&code, &metric, &target, &from, &reason, &ref)
		quotas[code] = append(quotas[code], []any{metric, target, from, reason, ref})
		return struct{}{}, err
	})
	if err != nil {
		return err
	}
	return write(slug+"/quotas.json", quotas)
}

// figureColumns are a dayRow's columns after the code (see the layout).
const figureColumns = `f.value, f.quota, f.rate, f.band, f.rank, f.rank_change, f.at_risk, f.source, f.stale_days, f.delta,
	f.on_time, f.late, f.missing, f.pace7d, f.required_pace, f.projected::text`

// unrankedColumns are figureColumns without the ranks, which a series row
// leaves out: not reading them leaves the ranks' rows (figure_ranks,
// joined by the view figures) out of a read of every stored day.
var unrankedColumns = strings.Replace(figureColumns, "f.rank, f.rank_change", "NULL::int, NULL::int", 1)

// scanFigure reads figureColumns (after the leading columns in lead).
func scanFigure(r pgx.CollectableRow, lead ...any) ([]any, error) {
	vals := make([]any, 16)
	ptrs := make([]any, 0, len(lead)+16)
	ptrs = append(ptrs, lead...)
	for i := range vals {
		ptrs = append(ptrs, &vals[i])
	}
	return vals, r.Scan(ptrs...)
}

// exportDay writes one published day's figures, a file per level.
func (s *Service) exportDay(ctx context.Context, c *domain.Campaign, day, slug string, write func(string, any) error) error {
	rows, err := s.DB.Pool.Query(ctx, `
		SELECT f.kind, m.key, u.code, `+figureColumns+`
		FROM figures f JOIN units u ON u.id = f.unit_id JOIN metrics m ON m.id = f.metric_id
		WHERE f.campaign_id = $1 AND f.day = $2::date
		ORDER BY f.kind, m.key, f.rank NULLS LAST, u.code`, c.ID, day)
	if err != nil {
		return err
	}
	levels := map[string]map[string][][]any{}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var kind, metric, code string
		vals, err := scanFigure(r, &kind, &metric, &code)
		if levels[kind] == nil {
			levels[kind] = map[string][][]any{}
		}
		levels[kind][metric] = append(levels[kind][metric], append([]any{code}, vals...))
		return struct{}{}, err
	})
	if err != nil {
		return err
	}
	for kind, metrics := range levels {
		if err := write(slug+"/"+day+"/"+kind+".json", map[string]any{"date": day, "metrics": metrics}); err != nil {
			return err
		}
	}
	return nil
}

// exportSeries writes every unit's series up to the last published day,
// a file per parent.
func (s *Service) exportSeries(ctx context.Context, c *domain.Campaign, last, slug string, write func(string, any) error) error {
	rows, err := s.DB.Pool.Query(ctx, `
		SELECT COALESCE(p.code, '_'), u.code, m.key, f.day::text, `+unrankedColumns+`
		FROM figures f JOIN units u ON u.id = f.unit_id JOIN metrics m ON m.id = f.metric_id
		LEFT JOIN units p ON p.id = f.parent_id
		WHERE f.campaign_id = $1 AND f.day <= $2::date
		ORDER BY 1, 2, 3, 4`, c.ID, last)
	if err != nil {
		return err
	}
	bundles := map[string]map[string]map[string][][]any{}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var parent, code, metric, day string
		vals, err := scanFigure(r, &parent, &code, &metric, &day)
		if bundles[parent] == nil {
			bundles[parent] = map[string]map[string][][]any{}
		}
		if bundles[parent][code] == nil {
			bundles[parent][code] = map[string][][]any{}
		}
		// The series row: the date, then the day row without rank and rank change.
		row := append([]any{day}, vals[:4]...)
		bundles[parent][code][metric] = append(bundles[parent][code][metric], append(row, vals[6:]...))
		return struct{}{}, err
	})
	if err != nil {
		return err
	}
	for parent, b := range bundles {
		if err := write(slug+"/series/"+url.PathEscape(parent)+".json", b); err != nil {
			return err
		}
	}
	return nil
}
