package db

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// The checks of rule 3 of the domain, shared by the CSV import and the API's
// mutations: the same rules, the same words; only the way an error names its
// input differs ("reports.csv:12 (value)" or "reports[3].value").

// MaxCount is the largest count accepted: 2^31 − 1, the largest GraphQL
// Int, so that every stored count can be read back through the API.
const MaxCount = 1<<31 - 1

// labeler names one input (a file line or a list item) and one of its fields.
type labeler func(item int, col string) string

// fileLabel names file lines: "reports.csv:12 (value)".
func fileLabel(file string) labeler {
	return func(line int, col string) string { return fmt.Sprintf("%s:%d (%s)", file, line, col) }
}

// itemLabel names list items of an API input: "reports[3].value", with
// the API's names of the CSV columns.
func itemLabel(list string) labeler {
	return func(i int, col string) string {
		if api, ok := apiNames[col]; ok {
			col = api
		}
		return fmt.Sprintf("%s[%d].%s", list, i, col)
	}
}

// apiNames are the API's names of the CSV columns.
var apiNames = map[string]string{"unit_code": "unitCode", "effective_from": "effectiveFrom", "parent_code": "parentCode",
	"full_name": "fullName", "name_en": "nameEn", "valid_from": "validFrom", "valid_to": "validTo"}

// errf returns a BAD_INPUT error about one input's field.
func (l labeler) errf(item int, col, format string, args ...any) error {
	return &domain.Error{Code: domain.EINVALID, Field: l(item, col), Message: fmt.Sprintf(format, args...)}
}

// checkCount rejects negative counts and counts too large to be true.
func checkCount(l labeler, item int, col string, n int64) error {
	switch {
	case n < 0:
		return l.errf(item, col, "%d is negative: counts are never negative", n)
	case n > MaxCount:
		return l.errf(item, col, "%d is larger than %d, the largest count accepted", n, int64(MaxCount))
	}
	return nil
}

// checkReport applies the checks of one report that need no other report:
// the count, the metric, the unit on that day, and not in the future
// (today is the current day where the figure is reported). It returns the
// unit and metric ids of a valid report.
func checkReport(l labeler, item int, r *domain.ReportRow, ix unitIndex, metrics map[string]int16, today domain.Date) (unitSpan, int16, error) {
	if err := checkCount(l, item, "value", r.Value); err != nil {
		return unitSpan{}, 0, err
	}
	mid, ok := metrics[r.Metric]
	if !ok {
		return unitSpan{}, 0, l.errf(item, "metric", "unknown metric %q", r.Metric)
	}
	u, ok := ix.lookup(r.UnitCode, r.Date)
	switch {
	case !ok && len(ix[r.UnitCode]) == 0:
		return unitSpan{}, 0, l.errf(item, "unit_code", "unit %s does not exist on %s (unknown unit code)", r.UnitCode, r.Date)
	case !ok:
		return unitSpan{}, 0, l.errf(item, "unit_code", "unit %s does not exist on %s (the code is not valid that day: %s)", r.UnitCode, r.Date, validities(r.UnitCode, ix[r.UnitCode]))
	case r.Date > today:
		return unitSpan{}, 0, l.errf(item, "date", "%s is in the future (today is %s)", r.Date, today)
	}
	return u, mid, nil
}

// validities says when the units with a code exist, e.g. "unit 83 is valid
// until 2025-06-30" (a code of the old map after the 2025 reform).
func validities(code string, spans []unitSpan) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		switch {
		case s.from == nil && s.to == nil:
			parts[i] = "always"
		case s.from == nil:
			parts[i] = "until " + s.to.String()
		case s.to == nil:
			parts[i] = "from " + s.from.String()
		default:
			parts[i] = "from " + s.from.String() + " to " + s.to.String()
		}
		parts[i] = strings.ToLower(string(s.kind)) + " " + code + " is valid " + parts[i]
	}
	return strings.Join(parts, "; ")
}

// checkQuota applies the checks of one quota revision inside its campaign.
func checkQuota(l labeler, item int, q *domain.QuotaRow, c *campaignInfo, ix unitIndex, metrics map[string]int16) (unitSpan, int16, error) {
	if err := checkCount(l, item, "target", q.Target); err != nil {
		return unitSpan{}, 0, err
	}
	mid, ok := metrics[q.Metric]
	day := max(q.EffectiveFrom, c.start)
	u, uok := ix.lookup(q.UnitCode, day)
	switch {
	case !ok:
		return unitSpan{}, 0, l.errf(item, "metric", "unknown metric %q", q.Metric)
	case !c.metrics[q.Metric]:
		return unitSpan{}, 0, l.errf(item, "metric", "campaign %s does not track %s", q.Campaign, q.Metric)
	case !uok:
		if len(ix[q.UnitCode]) > 0 {
			return unitSpan{}, 0, l.errf(item, "unit_code", "unit %s does not exist on %s (%s)", q.UnitCode, day, validities(q.UnitCode, ix[q.UnitCode]))
		}
		return unitSpan{}, 0, l.errf(item, "unit_code", "unit %s does not exist on %s", q.UnitCode, day)
	case q.EffectiveFrom > c.end:
		return unitSpan{}, 0, l.errf(item, "effective_from", "%s is after the campaign ends (%s)", q.EffectiveFrom, c.end)
	case blank(q.Reason):
		return unitSpan{}, 0, l.errf(item, "reason", "a quota revision needs a reason")
	}
	return u, mid, nil
}

func blank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// campaignInfo is what the checks need to know of a campaign.
type campaignInfo struct {
	id         int64
	slug       string
	start, end domain.Date
	scopeID    int64
	timeZone   string
	metrics    map[string]bool
}

// loadCampaignInfo reads a campaign by slug; nil if there is none.
func loadCampaignInfo(ctx context.Context, tx pgx.Tx, slug string) (*campaignInfo, error) {
	c := &campaignInfo{slug: slug, metrics: map[string]bool{}}
	var keys []string
	var start, end time.Time
	err := tx.QueryRow(ctx, `SELECT c.id, c.start_date, c.end_date, c.scope_unit_id, c.time_zone,
		ARRAY(SELECT m.key FROM campaign_metrics cm JOIN metrics m ON m.id = cm.metric_id WHERE cm.campaign_id = c.id)
		FROM campaigns c WHERE slug = $1`, slug).Scan(&c.id, &start, &end, &c.scopeID, &c.timeZone, &keys)
	if err == pgx.ErrNoRows {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c.start, c.end = toDate(start), toDate(end)
	for _, k := range keys {
		c.metrics[k] = true
	}
	return c, nil
}

// seqMode says what may change a stored figure or break the cumulative order.
type seqMode struct {
	// notePermits: a row with a note is a correction (the CSV import);
	// otherwise nothing is (submitReports; corrections go through
	// correctReport and skip these checks).
	notePermits bool
	// hint ends the messages: how to make such a change.
	hint string
}

var (
	importSeq = seqMode{notePermits: true, hint: "a correction needs a note saying why"}
	submitSeq = seqMode{notePermits: false, hint: "a correction goes through correctReport, with a reason"}
)

// sequenceErrors checks rule 1 and rule 3 over a staging table of new
// reports (columns line, unit_id, metric_id, day, value, note) merged with
// the stored ones: a stored figure is not replaced, and a cumulative
// figure does not go down from one day to a later one, unless the mode
// allows it. It appends at most 20 errors.
func sequenceErrors(ctx context.Context, tx pgx.Tx, staging string, l labeler, mode seqMode, errs *domain.ImportErrors) (err error) {
	// Its joins match a morning's keys (thirty thousand) with as many
	// stored ones: merge joins sorted both sides of each, a third of the
	// check (0.28 s against 0.19 s with hashes, national morning, 2026-12-02).
	// Only for this statement: the setting in force before comes back.
	var was string
	if err := tx.QueryRow(ctx, `SELECT current_setting('enable_mergejoin'), set_config('enable_mergejoin', 'off', true)`).Scan(&was, nil); err != nil {
		return err
	}
	defer func() {
		if _, rerr := tx.Exec(ctx, `SELECT set_config('enable_mergejoin', $1, true)`, was); err == nil {
			err = rerr
		}
	}()
	return collectErrors(ctx, tx, l, errs, `
		WITH k0 AS (
			SELECT unit_id, metric_id, min(day) AS lo, max(day) AS hi FROM `+staging+` GROUP BY unit_id, metric_id),
		-- The last stored day of each metric (one probe of the primary key,
		-- (metric, day, unit)), and that day's stored figures read by it, for
		-- a metric with many keys whose new figures start the day after it
		-- (a new morning's). Those keys find their last stored figure there;
		-- only the others (days back, new days after a gap, units that
		-- skipped that day, a few items) probe their own last one. A probe
		-- reads a leaf page of report_current_unit_idx, about one a key: a
		-- morning of probes would cost a page per unit and metric.
		tops AS MATERIALIZED (
			SELECT m.metric_id, (SELECT max(rc.day) FROM report_current rc WHERE rc.metric_id = m.metric_id) AS top
			FROM (SELECT DISTINCT metric_id FROM k0) m),
		edge AS MATERIALIZED (
			SELECT rc.* FROM tops t CROSS JOIN LATERAL (
				SELECT rc.unit_id, rc.metric_id, rc.day, rc.value FROM report_current rc
				WHERE rc.metric_id = t.metric_id AND rc.day = t.top OFFSET 0) rc
			WHERE (SELECT count(*) FROM k0 WHERE k0.metric_id = t.metric_id AND k0.lo = t.top + 1) >= 64),
		-- (report_before and report_after, migration 024, search a unit's
		-- reports 16 days at a time, nearest first.)
		keys AS (
			SELECT k.*, t.top, COALESCE(e.day, l.day) AS last_day, COALESCE(e.value, l.value) AS last_value
			FROM k0 k JOIN tops t ON t.metric_id = k.metric_id
			LEFT JOIN edge e ON e.unit_id = k.unit_id AND e.metric_id = k.metric_id AND e.day = k.lo - 1
			LEFT JOIN LATERAL (SELECT l.day, l.value FROM report_before(k.unit_id, k.metric_id, t.top + 1) l
				WHERE e.unit_id IS NULL OFFSET 0) l ON true), -- OFFSET keeps the gate before the probe
		-- The stored figures that can neighbour a new one. Usually the new
		-- days come after every stored one, and the last stored is the only
		-- neighbour (before: it cannot share a day with a new one);
		-- otherwise those between a key's first and last new day, and the
		-- nearest on either side (around). (LIMIT and OFFSET keep these index
		-- probes rather than scans of every report.)
		-- A key with one new day after every stored one (a morning's, nearly
		-- every key) has one neighbour, its last stored figure: it is checked
		-- by a join (simple), and only the other keys are merged and ordered.
		simple AS (
			SELECT i.line, i.value, i.note, k.last_day AS prev_day, k.last_value AS prev
			FROM `+staging+` i JOIN keys k USING (unit_id, metric_id)
			WHERE k.lo = k.hi AND k.last_day < k.lo AND k.last_value > i.value),
		before AS (
			SELECT unit_id, metric_id, last_day AS day, last_value AS value FROM keys WHERE last_day < lo AND lo < hi),
		around AS (
			SELECT k.unit_id, k.metric_id, b.day, b.value FROM keys k
			CROSS JOIN LATERAL report_between(k.unit_id, k.metric_id, k.lo, k.hi) b
			WHERE k.last_day >= k.lo
			UNION ALL
			SELECT k.unit_id, k.metric_id, p.day, p.value FROM keys k
			CROSS JOIN LATERAL report_before(k.unit_id, k.metric_id, k.lo) p
			WHERE k.last_day >= k.lo
			UNION ALL
			SELECT k.unit_id, k.metric_id, n.day, n.value FROM keys k
			CROSS JOIN LATERAL report_after(k.unit_id, k.metric_id, k.hi, k.top) n
			WHERE k.last_day > k.hi
		),
		merged AS (
			SELECT i.unit_id, i.metric_id, i.day, i.value, i.line, i.note, c.value AS old
			FROM `+staging+` i JOIN keys k USING (unit_id, metric_id) LEFT JOIN around c USING (unit_id, metric_id, day)
			WHERE k.lo < k.hi OR k.last_day >= k.lo
			UNION ALL
			SELECT c.unit_id, c.metric_id, c.day, c.value, NULL, NULL, NULL FROM before c
			UNION ALL
			SELECT c.unit_id, c.metric_id, c.day, c.value, NULL, NULL, NULL
			FROM around c WHERE NOT EXISTS (SELECT 1 FROM `+staging+` i
				WHERE i.unit_id = c.unit_id AND i.metric_id = c.metric_id AND i.day = c.day)
		),
		seq AS (
			SELECT *, lag(value) OVER w AS prev, lag(day) OVER w AS prev_day,
			       lead(value) OVER w AS next, lead(day) OVER w AS next_day
			FROM merged WINDOW w AS (PARTITION BY unit_id, metric_id ORDER BY day)
		)
		SELECT line, col, msg FROM (
			SELECT line, 'value' AS col, format('%s replaces the stored figure %s for this day: %s', value, old, $2::text) AS msg
			FROM seq WHERE line IS NOT NULL AND old IS NOT NULL AND old <> value AND (NOT $1 OR note = '')
			UNION ALL
			SELECT line, 'value', format('%s is lower than the figure of %s (%s): figures are cumulative, so a lower one is accepted only as a correction; %s', value, to_char(prev_day, 'YYYY-MM-DD'), prev, $2::text)
			FROM seq WHERE line IS NOT NULL AND prev > value AND (NOT $1 OR note = '')
			UNION ALL
			SELECT line, 'value', format('%s is lower than the figure of %s (%s): figures are cumulative, so a lower one is accepted only as a correction; %s', value, to_char(prev_day, 'YYYY-MM-DD'), prev, $2::text)
			FROM simple WHERE NOT $1 OR note = ''
			UNION ALL
			SELECT line, 'value', format('%s is higher than the figure of the later day %s (%s): figures are cumulative; correct that day too, or: %s', value, to_char(next_day, 'YYYY-MM-DD'), next, $2::text)
			FROM seq WHERE line IS NOT NULL AND next < value AND (NOT $1 OR note = '')
		) e ORDER BY line LIMIT 20`, mode.notePermits, mode.hint)
}

// duplicateErrors finds rows of a staging table for the same unit, metric
// and day.
func duplicateErrors(ctx context.Context, tx pgx.Tx, staging string, l labeler, what string, errs *domain.ImportErrors) error {
	return collectErrors(ctx, tx, l, errs, `
		SELECT max(line), 'date', format('the same unit, metric and date as %s %s', $1::text, min(line))
		FROM `+staging+` GROUP BY unit_id, metric_id, day HAVING count(*) > 1
		ORDER BY 1 LIMIT 20`, what)
}

// collectErrors runs a query of (item, column, message) rows and appends an
// error per row.
func collectErrors(ctx context.Context, tx pgx.Tx, l labeler, errs *domain.ImportErrors, sql string, args ...any) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	var item int
	var col, msg string
	_, err = pgx.ForEachRow(rows, []any{&item, &col, &msg}, func() error {
		*errs = append(*errs, l.errf(item, col, "%s", msg))
		return nil
	})
	return err
}

// quotaPlace is where one quota revision goes.
type quotaPlace struct {
	item     int // its index in the request, or its line in the file
	campaign *campaignInfo
	unit     int64
	code     string // the unit's code, for messages
	metric   int16
	day      domain.Date
	target   int64
	reason   string
}

// quotaPlaceErrors applies the checks of quota revisions that look beyond
// one row, the same for setQuotas and the CSV import: the unit is inside
// its campaign's scope, and no row repeats an earlier one of the same
// request or file (same unit, metric, day, target and reason: a line sent
// twice by accident). Rows for the same unit, metric and day that differ
// are successive revisions in their order, all kept, the last in force (the
// spec's example sets 920's quota to 1,629 and revises it to 4,994 on the
// same day). what names an item in messages ("item", "line").
func quotaPlaceErrors(ctx context.Context, tx pgx.Tx, l labeler, what string, places []quotaPlace) (domain.ImportErrors, error) {
	ids := make([]int64, len(places))
	for i, p := range places {
		ids[i] = p.unit
	}
	anc, err := ancestors(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	type key struct {
		campaign, unit int64
		metric         int16
		day            domain.Date
		target         int64
		reason         string
	}
	seen := map[key]int{}
	var errs domain.ImportErrors
	for _, p := range places {
		if !slices.Contains(anc[p.unit], p.campaign.scopeID) {
			errs = append(errs, l.errf(p.item, "unit_code", "unit %s is outside the scope of campaign %s", p.code, p.campaign.slug))
		}
		k := key{p.campaign.id, p.unit, p.metric, p.day, p.target, strings.TrimSpace(p.reason)}
		if first, dup := seen[k]; dup {
			errs = append(errs, l.errf(p.item, "effective_from", "repeats %s %d (the same unit, metric, day, target and reason): remove one of them", what, first))
		} else {
			seen[k] = p.item
		}
		if len(errs) >= domain.MaxImportErrors {
			break
		}
	}
	return errs, nil
}
