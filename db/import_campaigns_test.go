package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

func importCampaigns(store *db.DB, text string) (domain.ImportResult, error) {
	rows, err := csvio.ReadAll(strings.NewReader(text), "campaigns.csv", csvio.ReadCampaigns)
	if err != nil {
		return domain.ImportResult{}, err
	}
	return store.ImportCampaigns(context.Background(), "campaigns.csv", rows, "test")
}

// A campaigns file creates what createCampaign creates, checked the same
// way, so that a quotas file naming it can follow without a GraphQL call;
// a bad row is named by line and column and nothing is written.
func TestImportCampaigns(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	dbtest.MustImportUnits(t, store, exampleUnits(t))
	const head = "slug,name,scope_code,start_date,end_date,metrics,report_deadline,time_zone\n"
	const ok = "ref-2,Chiến dịch thử,VN,2023-12-01,2023-12-20,collected; activated,08:15,\n"
	for _, c := range []struct{ name, text, want string }{
		{"ErrEndsBeforeStart", head + ok + "b,Hai,VN,2023-12-20,2023-12-01,collected,,\n", "campaigns.csv:3 (end_date): the campaign ends"},
		{"ErrUnknownMetric", head + ok + "b,Hai,VN,2023-12-01,2023-12-20,collected;visits,,\n", `campaigns.csv:3 (metrics): unknown metric "visits"`},
		{"ErrScope", head + ok + "b,Hai,99,2023-12-01,2023-12-20,collected,,\n", `campaigns.csv:3 (scope_code): unit "99" does not exist on 2023-12-01`},
		{"ErrSlug", head + ok + "B C,Hai,VN,2023-12-01,2023-12-20,collected,,\n", `campaigns.csv:3 (slug): "B C" is not a slug`},
		{"ErrTimeZone", head + ok + "b,Hai,VN,2023-12-01,2023-12-20,collected,,Mars/Olympus\n", `campaigns.csv:3 (time_zone): unknown time zone`},
		{"ErrTwice", head + ok + ok, `campaigns.csv:3 (slug): campaign "ref-2" is on line 2 already`},
	} {
		_, err := importCampaigns(store, c.text)
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want BAD_INPUT saying %q", c.name, err, c.want)
		}
	}
	if n := countRows(t, store, "campaigns"); n != 0 {
		t.Fatalf("%d campaigns written by files with a bad row (their first row was good)", n)
	}
	t.Run("OK", func(t *testing.T) {
		res, err := importCampaigns(store, head+ok)
		if err != nil || res.Read != 1 || res.Inserted != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		c, err := store.CampaignBySlug(context.Background(), "ref-2")
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Chiến dịch thử" || c.DeadlineMinutes != 8*60+15 || c.DeadlineDays != 1 || c.TimeZone != domain.DefaultTimeZone ||
			strings.Join(c.MetricKeys, ",") != "collected,activated" || len(c.Bands) != 4 {
			t.Errorf("campaign = %+v", c)
		}
		// The point of it: quotas for the new campaign import at once.
		if res, err := importQuotas(store, "campaign,unit_code,metric,target,effective_from,reason\nref-2,90000,collected,100,2023-12-01,initial\n"); err != nil || res.Inserted != 1 {
			t.Errorf("quotas after the campaign: %+v %v", res, err)
		}
		// Again: the same campaign is skipped; a different one under its
		// slug is refused.
		if res, err := importCampaigns(store, head+ok); err != nil || res.Skipped != 1 || res.Inserted != 0 {
			t.Errorf("again: %+v %v", res, err)
		}
		_, err = importCampaigns(store, head+strings.Replace(ok, "2023-12-20", "2023-12-31", 1))
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), `campaigns.csv:2 (slug): a different campaign "ref-2" exists already`) {
			t.Errorf("changed: %v", err)
		}
	})
}
