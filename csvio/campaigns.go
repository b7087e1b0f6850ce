package csvio

import (
	"io"
	"strconv"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
)

// CampaignsShape is campaigns.csv: one campaign a line, as createCampaign
// takes it, so that `import` can create the campaigns a quotas file names.
// metrics lists metric keys separated by ";" in display order;
// report_deadline is HH:MM (default 07:30), deadline_days the days after the
// day reported (default 1), time_zone an IANA name (default
// Asia/Ho_Chi_Minh). Bands are the default ones and milestones none: change
// them with updateCampaign.
var CampaignsShape = Shape{"campaigns", []string{"slug", "name", "scope_code", "start_date", "end_date", "metrics"},
	[]string{"name_en", "legal_ref", "report_deadline", "deadline_days", "time_zone"}}

// ReadCampaigns reads a campaigns file. It checks the form of each field;
// the rules (a slug's form, known metrics and time zone, the deadline's
// range…) are createCampaign's, checked where the file is imported.
func ReadCampaigns(r io.Reader, file string, fn func(Line[domain.CampaignDef]) error) error {
	return each(r, file, CampaignsShape, func(rec *record) error {
		c := domain.CampaignDef{Campaign: domain.Campaign{DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone}}
		var err error
		if c.Slug, err = rec.required("slug"); err != nil {
			return err
		}
		if c.Name, err = rec.required("name"); err != nil {
			return err
		}
		if c.ScopeCode, err = rec.required("scope_code"); err != nil {
			return err
		}
		start, err := rec.date("start_date", true)
		if err != nil {
			return err
		}
		end, err := rec.date("end_date", true)
		if err != nil {
			return err
		}
		c.Start, c.End = *start, *end
		metrics, err := rec.required("metrics")
		if err != nil {
			return err
		}
		for _, m := range strings.Split(metrics, ";") {
			c.MetricKeys = append(c.MetricKeys, strings.TrimSpace(m))
		}
		c.NameEN, c.LegalRef = rec.str("name_en"), rec.str("legal_ref")
		if v := rec.str("report_deadline"); v != "" {
			h, m, ok := strings.Cut(v, ":")
			hh, err1 := strconv.Atoi(h)
			mm, err2 := strconv.Atoi(m)
			if !ok || len(m) != 2 || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
				return rec.errf("report_deadline", "%q is not a time of day in the form HH:MM (07:30)", v)
			}
			c.DeadlineMinutes = int32(hh*60 + mm)
		}
		if v := rec.str("deadline_days"); v != "" {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return rec.errf("deadline_days", "%q is not a whole number of days", v)
			}
			c.DeadlineDays = int32(n)
		}
		if v := rec.str("time_zone"); v != "" {
			c.TimeZone = v
		}
		return fn(Line[domain.CampaignDef]{rec.Line(), c})
	})
}

// ReadAll collects every row of a file read by one of the readers above
// (ReadUnits, ReadQuotas, ReadCampaigns…), for an import that writes them
// all or nothing.
func ReadAll[T any](r io.Reader, file string, read func(io.Reader, string, func(Line[T]) error) error) ([]Line[T], error) {
	var rows []Line[T]
	err := read(r, file, func(l Line[T]) error { rows = append(rows, l); return nil })
	return rows, err
}
