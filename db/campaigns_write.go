package db

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checkCampaign checks a campaign's settings (fields named "input.…").
func checkCampaign(c *domain.Campaign, metrics map[string]int16) domain.ImportErrors {
	var errs domain.ImportErrors
	bad := func(field, format string, args ...any) {
		errs = append(errs, domain.FieldErrorf(domain.EINVALID, "input."+field, format, args...))
	}
	if !slugRE.MatchString(c.Slug) || len(c.Slug) > 64 {
		bad("slug", "%q is not a slug: lowercase letters and digits in words joined by single hyphens, at most 64 characters", c.Slug)
	}
	if blank(c.Name) {
		bad("name", "a campaign needs a name")
	}
	if c.End < c.Start {
		bad("endDate", "the campaign ends (%s) before it starts (%s)", c.End, c.Start)
	} else if c.End-c.Start > 3*366 {
		bad("endDate", "a campaign of %d days is longer than the 3 years accepted", c.End-c.Start+1)
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" || c.TimeZone == "Local" {
		bad("timeZone", "unknown time zone %q (an IANA name, e.g. Asia/Ho_Chi_Minh)", c.TimeZone)
	}
	if c.DeadlineMinutes < 0 || c.DeadlineMinutes > 1439 {
		bad("reportDeadline", "the deadline must be a time of day between 00:00 and 23:59")
	}
	if c.DeadlineDays < 0 || c.DeadlineDays > 7 {
		bad("deadlineDays", "the deadline must fall 0 to 7 days after the day reported, not %d", c.DeadlineDays)
	}
	if len(c.MetricKeys) == 0 {
		bad("metrics", "a campaign tracks at least one metric")
	}
	seen := map[string]bool{}
	for i, k := range c.MetricKeys {
		if _, ok := metrics[k]; !ok {
			bad(fmt.Sprintf("metrics[%d]", i), "unknown metric %q", k)
		} else if seen[k] {
			bad(fmt.Sprintf("metrics[%d]", i), "metric %s is listed twice", k)
		}
		seen[k] = true
	}
	if len(c.Bands) == 0 {
		bad("bands", "a campaign needs at least one ranking band")
	}
	keys := map[string]bool{}
	for i, b := range c.Bands {
		switch {
		case blank(b.Key):
			bad(fmt.Sprintf("bands[%d].key", i), "a band needs a key")
		case keys[b.Key]:
			bad(fmt.Sprintf("bands[%d].key", i), "band %s is listed twice", b.Key)
		case b.Min < 0 || b.Min > 100:
			bad(fmt.Sprintf("bands[%d].min", i), "a band's lowest rate must be between 0 and 100 (1.0 = 100%%), not %v", b.Min)
		case i > 0 && b.Min >= c.Bands[i-1].Min:
			bad(fmt.Sprintf("bands[%d].min", i), "bands go from the highest to the lowest rate")
		}
		keys[b.Key] = true
	}
	days := map[domain.Date]bool{}
	for i, m := range c.Milestones {
		if m.Date < c.Start || m.Date > c.End {
			bad(fmt.Sprintf("milestones[%d].date", i), "milestone %s is outside the campaign (%s to %s)", m.Date, c.Start, c.End)
		} else if days[m.Date] {
			bad(fmt.Sprintf("milestones[%d].date", i), "two milestones on %s", m.Date)
		}
		days[m.Date] = true
	}
	return errs
}

type campaignAudit struct {
	Slug            string              `json:"slug"`
	Name            string              `json:"name"`
	NameEN          string              `json:"nameEn"`
	LegalRef        string              `json:"legalRef"`
	ScopeUnitID     int64               `json:"scopeUnitId"`
	Start           string              `json:"startDate"`
	End             string              `json:"endDate"`
	DeadlineMinutes int32               `json:"deadlineMinutes"`
	DeadlineDays    int32               `json:"deadlineDays"`
	TimeZone        string              `json:"timeZone"`
	MetricKeys      []string            `json:"metrics"`
	Bands           []bandJSON          `json:"bands"`
	Milestones      []map[string]string `json:"milestones"`
}

func auditCampaign(c *domain.Campaign) campaignAudit {
	a := campaignAudit{Slug: c.Slug, Name: c.Name, NameEN: c.NameEN, LegalRef: c.LegalRef, ScopeUnitID: c.ScopeUnitID,
		Start: c.Start.String(), End: c.End.String(), DeadlineMinutes: c.DeadlineMinutes, DeadlineDays: c.DeadlineDays,
		TimeZone: c.TimeZone, MetricKeys: c.MetricKeys}
	for _, b := range c.Bands {
		a.Bands = append(a.Bands, bandJSON{b.Key, b.Min, b.LabelVI, b.LabelEN})
	}
	for _, m := range c.Milestones {
		a.Milestones = append(a.Milestones, map[string]string{"date": m.Date.String(), "labelVi": m.LabelVI, "labelEn": m.LabelEN})
	}
	return a
}

// CreateCampaignAs stores a new campaign (its scope named by code, valid on
// its first day) for an admin, and records it in the audit log. Defaults:
// the default bands, Vietnam's time zone. BAD_INPUT for invalid settings
// (every problem named), CONFLICT for a taken slug (package app lets admins only).
func (db *DB) CreateCampaignAs(ctx context.Context, p *domain.Principal, def *domain.CampaignDef) (*domain.Campaign, error) {
	c := def.Campaign
	if len(c.Bands) == 0 {
		c.Bands = domain.DefaultBands()
	}
	if c.TimeZone == "" {
		c.TimeZone = domain.DefaultTimeZone
	}
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		metrics, err := db.metricIDs(ctx, tx)
		if err != nil {
			return err
		}
		errs := checkCampaign(&c, metrics)
		err = tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1 AND valid @> $2::date`, def.ScopeCode, pgDate(c.Start)).Scan(&c.ScopeUnitID)
		if err == pgx.ErrNoRows {
			errs = append(errs, domain.FieldErrorf(domain.EINVALID, "input.scopeCode", "scope unit %q does not exist on %s", def.ScopeCode, c.Start))
		} else if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO campaigns (slug, name, name_en, legal_ref, scope_unit_id, start_date, end_date,
				deadline_minutes, deadline_days, time_zone, bands)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			c.Slug, strings.TrimSpace(c.Name), c.NameEN, c.LegalRef, c.ScopeUnitID, pgDate(c.Start), pgDate(c.End),
			c.DeadlineMinutes, c.DeadlineDays, c.TimeZone, auditCampaign(&c).Bands).Scan(&c.ID)
		if err != nil {
			if domain.ErrorCode(mapErr(err, "")) == domain.ECONFLICT {
				return domain.FieldErrorf(domain.ECONFLICT, "input.slug", "a campaign with slug %q exists already", c.Slug)
			}
			return mapErr(err, fmt.Sprintf("campaign %q", c.Slug))
		}
		if err := writeCampaignLists(ctx, tx, c.ID, &c, true, true); err != nil {
			return err
		}
		return db.auditAs(ctx, tx, p, "create", "campaign", c.Slug, nil, auditCampaign(&c))
	})
	if err != nil {
		return nil, err
	}
	return db.CampaignBySlug(ctx, c.Slug)
}

// writeCampaignLists replaces a campaign's metrics and milestones.
func writeCampaignLists(ctx context.Context, tx pgx.Tx, id int64, c *domain.Campaign, metrics, milestones bool) error {
	if metrics {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_metrics WHERE campaign_id = $1`, id); err != nil {
			return err
		}
		for i, key := range c.MetricKeys {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_metrics (campaign_id, metric_id, position)
				SELECT $1, id, $3 FROM metrics WHERE key = $2`, id, key, i); err != nil {
				return mapErr(err, "campaign metric "+key)
			}
		}
	}
	if milestones {
		if _, err := tx.Exec(ctx, `DELETE FROM milestones WHERE campaign_id = $1`, id); err != nil {
			return err
		}
		for _, m := range c.Milestones {
			if _, err := tx.Exec(ctx, `INSERT INTO milestones (campaign_id, date, label_vi, label_en) VALUES ($1, $2, $3, $4)`,
				id, pgDate(m.Date), m.LabelVI, m.LabelEN); err != nil {
				return mapErr(err, "milestone "+m.Date.String())
			}
		}
	}
	return nil
}

// UpdateCampaign changes a campaign's settings for an admin, records the
// before and after in the audit log, and recomputes its figures when a
// setting they depend on changed. NOT_FOUND for an unknown slug.
func (db *DB) UpdateCampaign(ctx context.Context, p *domain.Principal, slug string, patch domain.CampaignPatch, opt domain.WriteOptions) (*domain.Campaign, error) {
	var before, after *domain.Campaign
	var rulesFrom *domain.Date // the day a new rules version applies from
	var figuresChange bool
	var from domain.Date // the first day whose figures change
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		rulesFrom = nil
		rows, err := tx.Query(ctx, `SELECT `+campaignColumns+` FROM campaigns c WHERE c.slug = $1 FOR UPDATE OF c`, slug)
		if err != nil {
			return err
		}
		if before, err = pgx.CollectExactlyOneRow(rows, scanCampaign); err != nil {
			return mapErr(err, fmt.Sprintf("campaign %q", slug))
		}
		c := *before
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = strings.TrimSpace(*src)
			}
		}
		set(&c.Name, patch.Name)
		set(&c.NameEN, patch.NameEN)
		set(&c.LegalRef, patch.LegalRef)
		set(&c.TimeZone, patch.TimeZone)
		if patch.Start != nil {
			c.Start = *patch.Start
		}
		if patch.End != nil {
			c.End = *patch.End
		}
		if patch.DeadlineMinutes != nil {
			c.DeadlineMinutes = *patch.DeadlineMinutes
		}
		if patch.DeadlineDays != nil {
			c.DeadlineDays = *patch.DeadlineDays
		}
		if patch.MetricKeys != nil {
			c.MetricKeys = patch.MetricKeys
		}
		if patch.BandsFrom != nil && patch.Bands == nil {
			return domain.FieldErrorf(domain.EINVALID, "input.effectiveFrom", "effectiveFrom says from which day new bands apply: give the bands too")
		}
		if patch.Bands != nil {
			c.Bands = patch.Bands
		}
		if patch.Milestones != nil {
			c.Milestones = *patch.Milestones
		}
		metrics, err := db.metricIDs(ctx, tx)
		if err != nil {
			return err
		}
		if errs := checkCampaign(&c, metrics); len(errs) > 0 {
			return errs
		}
		if patch.Start != nil {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT valid @> $2::date FROM units WHERE id = $1`, c.ScopeUnitID, pgDate(c.Start)).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return domain.FieldErrorf(domain.EINVALID, "input.startDate", "the campaign's scope unit does not exist on %s", c.Start)
			}
		}
		if patch.Bands != nil {
			if rulesFrom, err = db.newRulesVersion(ctx, tx, p, &c, patch.BandsFrom, opt.Clock()); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE campaigns SET name = $2, name_en = $3, legal_ref = $4, start_date = $5, end_date = $6,
			deadline_minutes = $7, deadline_days = $8, time_zone = $9, bands = $10, updated_at = now() WHERE id = $1`,
			c.ID, c.Name, c.NameEN, c.LegalRef, pgDate(c.Start), pgDate(c.End), c.DeadlineMinutes, c.DeadlineDays, c.TimeZone,
			auditCampaign(&c).Bands); err != nil {
			return mapErr(err, "campaign")
		}
		if err := writeCampaignLists(ctx, tx, c.ID, &c, patch.MetricKeys != nil, patch.Milestones != nil); err != nil {
			return err
		}
		after = &c
		everything := before.Start != after.Start || before.End != after.End || before.DeadlineMinutes != after.DeadlineMinutes ||
			before.DeadlineDays != after.DeadlineDays || before.TimeZone != after.TimeZone || patch.MetricKeys != nil
		figuresChange, from = everything || rulesFrom != nil, min(before.Start, after.Start)
		if !everything && rulesFrom != nil {
			from = *rulesFrom // a new rules version changes the days from its own on
		}
		if figuresChange {
			// Figures are derived data: those of days the campaign no longer
			// has go with the change; the others are due again.
			for _, table := range []string{"figure_values", "figure_ranks"} {
				if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE campaign_id = $1 AND (day < $2 OR day > $3)`,
					after.ID, pgDate(after.Start), pgDate(after.End)); err != nil {
					return err
				}
			}
			if err := markCampaignDue(ctx, tx, p, after.ID, from); err != nil {
				return err
			}
		}
		return db.auditAs(ctx, tx, p, "update", "campaign", c.Slug, auditCampaign(before), auditCampaign(&c))
	})
	if err != nil {
		return nil, err
	}
	if figuresChange {
		reportDue(opt, []int64{after.ID}, from)
	}
	return db.CampaignBySlug(ctx, slug)
}

// newRulesVersion records c's bands as a new rules version from day from
// (nil: today in its time zone, or its first day if later), unless they are
// those in force on that day and the latest already. It returns the day
// the new version applies from, nil when none was needed. BAD_INPUT for a
// day outside the campaign.
func (db *DB) newRulesVersion(ctx context.Context, tx pgx.Tx, p *domain.Principal, c *domain.Campaign, from *domain.Date, now time.Time) (*domain.Date, error) {
	var day domain.Date
	if from != nil {
		day = *from
		if day < c.Start || day > c.End {
			return nil, domain.FieldErrorf(domain.EINVALID, "input.effectiveFrom",
				"%s is outside the campaign (%s to %s): new bands apply from a day of the campaign", day, c.Start, c.End)
		}
	} else {
		day = max(domain.DateFromTime(now.In(c.Location())), c.Start)
		if day > c.End {
			return nil, domain.FieldErrorf(domain.EINVALID, "input.effectiveFrom",
				"the campaign ended on %s: say from which day of it the new bands apply", c.End)
		}
	}
	rules := domain.RulesOf(c)
	latest := rules[len(rules)-1]
	if sameBands(domain.RulesOn(rules, day).Bands, c.Bands) && sameBands(latest.Bands, c.Bands) {
		return nil, nil
	}
	bands := auditCampaign(c).Bands
	var version int
	if err := tx.QueryRow(ctx, `INSERT INTO rules_versions (campaign_id, version, effective_from, bands, created_by)
		SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4 FROM rules_versions WHERE campaign_id = $1
		RETURNING version`, c.ID, pgDate(day), bands, p.Name).Scan(&version); err != nil {
		return nil, mapErr(err, "rules version")
	}
	if err := db.auditAs(ctx, tx, p, "create", "rules_version", fmt.Sprintf("%s/%d", c.Slug, version), nil,
		map[string]any{"version": version, "effectiveFrom": day.String(), "bands": bands}); err != nil {
		return nil, err
	}
	return &day, nil
}

func sameBands(a, b []domain.Band) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
