package db

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
)

// campaignColumnOf names the campaigns.csv column of a createCampaign input
// field, as checkCampaign names them ("input.endDate", "input.metrics[1]").
var campaignColumnOf = map[string]string{"slug": "slug", "name": "name", "startDate": "start_date", "endDate": "end_date",
	"metrics": "metrics", "reportDeadline": "report_deadline", "deadlineDays": "deadline_days", "timeZone": "time_zone"}

// ImportCampaigns creates the campaigns of a campaigns file
// (csvio.ReadCampaigns) for the command line's import, audited as actor.
// Every row is first checked the way createCampaign checks its input
// (checkCampaign, the scope unit on the first day), and against the stored
// campaigns and the file's other rows (a slug once); each problem is named by
// file, line and column, and then nothing is written. A row whose campaign
// exists already, the same, is skipped, so a file can be imported again.
// Each campaign is then created by CreateCampaignAs, one transaction each.
// BAD_INPUT (domain.ImportErrors) for the problems found.
func (db *DB) ImportCampaigns(ctx context.Context, file string, rows []csvio.Line[domain.CampaignDef], actor string) (domain.ImportResult, error) {
	res := domain.ImportResult{Read: len(rows)}
	var todo []*domain.CampaignDef
	err := db.inTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		todo, res.Skipped = nil, 0
		metrics, err := db.metricIDs(ctx, tx)
		if err != nil {
			return err
		}
		label := fileLabel(file)
		var errs domain.ImportErrors
		lineOf := map[string]int{}
		for _, l := range rows {
			c := l.Row.Campaign
			c.Bands = domain.DefaultBands()
			for _, e := range checkCampaign(&c, metrics) {
				var de *domain.Error
				if !errors.As(e, &de) {
					return e
				}
				field, _, _ := strings.Cut(strings.TrimPrefix(de.Field, "input."), "[")
				errs = append(errs, &domain.Error{Code: domain.EINVALID, Field: label(l.Line, campaignColumnOf[field]), Message: de.Message})
			}
			if first, ok := lineOf[c.Slug]; ok {
				errs = append(errs, lineErr(file, l.Line, "slug", "campaign %q is on line %d already", c.Slug, first))
			}
			lineOf[c.Slug] = l.Line
			err := tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1 AND valid @> $2::date`, l.Row.ScopeCode, pgDate(c.Start)).Scan(&c.ScopeUnitID)
			if err == pgx.ErrNoRows {
				errs = append(errs, lineErr(file, l.Line, "scope_code", "unit %q does not exist on %s", l.Row.ScopeCode, c.Start))
			} else if err != nil {
				return err
			}
			old, err := db.CampaignBySlug(ctx, c.Slug)
			switch {
			case domain.ErrorCode(err) == domain.ENOTFOUND:
				todo = append(todo, &l.Row)
			case err != nil:
				return err
			case sameCampaign(old, &c):
				res.Skipped++
			default:
				errs = append(errs, lineErr(file, l.Line, "slug", "a different campaign %q exists already (change it with updateCampaign)", c.Slug))
			}
			if len(errs) >= domain.MaxImportErrors {
				break
			}
		}
		if len(errs) > 0 {
			return errs
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	p := &domain.Principal{Name: actor, Role: domain.RoleAdmin}
	for _, def := range todo {
		if _, err := db.CreateCampaignAs(ctx, p, def); err != nil {
			return res, fmt.Errorf("campaign %q (%d created before it): %w", def.Slug, res.Inserted, err)
		}
		res.Inserted++
	}
	return res, nil
}

// sameCampaign reports whether a stored campaign is the one a row
// describes (its scope resolved), with what a campaigns file can say.
func sameCampaign(old, c *domain.Campaign) bool {
	nameEN := c.NameEN
	if nameEN == "" {
		nameEN = old.NameEN
	}
	return old.Name == strings.TrimSpace(c.Name) && old.NameEN == nameEN && old.LegalRef == c.LegalRef &&
		old.ScopeUnitID == c.ScopeUnitID && old.Start == c.Start && old.End == c.End &&
		old.DeadlineMinutes == c.DeadlineMinutes && old.DeadlineDays == c.DeadlineDays && old.TimeZone == c.TimeZone &&
		slices.Equal(old.MetricKeys, c.MetricKeys)
}
