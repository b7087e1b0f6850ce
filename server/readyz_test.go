package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/figures"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// /readyz lists the campaigns whose background work is failing, one line
// each, and stays ready: one campaign's trouble is not the server's.
func TestReadyzListsFailingCampaigns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	c, err := store.CreateCampaign(ctx, &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: "broken", Name: "Hỏng", Start: domain.MustDate("2023-12-01"), End: domain.MustDate("2023-12-31"),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"collected"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool.Exec(ctx, `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT ON figure_values FOR EACH ROW WHEN (NEW.campaign_id = `+strconv.FormatInt(c.ID, 10)+`) EXECUTE FUNCTION refuse()`); err != nil {
		t.Fatal(err)
	}
	w := &figures.Worker{DB: store, Logger: quiet, Now: func() time.Time { return dbtest.ExampleNow }}
	if _, err := w.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.Jobs = func() []string { return failingJobs(w.Failing(), nil) }
	rec := httptest.NewRecorder()
	httpapi.NewRouter(store, cfg, quiet).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(body, "ready\nfigures of broken failing since ") ||
		!strings.Contains(body, "(1 attempts, next at ") || !strings.HasSuffix(body, "refused by the test (SQLSTATE P0001)\n") {
		t.Fatalf("%d %q", rec.Code, body)
	}
}
