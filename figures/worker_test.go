package figures_test

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/figures"
)

// world is the spec's example, its figures computed, and an admin.
type world struct {
	store *db.DB
	c     *domain.Campaign
	admin *domain.Principal
	log   *bytes.Buffer
}

func setup(t *testing.T) *world {
	t.Helper()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	admin := dbtest.MustAdmin(t, store)
	return &world{store: store, c: c, admin: admin, log: &bytes.Buffer{}}
}

func (w *world) worker(now time.Time) *figures.Worker {
	return &figures.Worker{DB: w.store, Logger: slog.New(slog.NewTextHandler(w.log, nil)), Now: func() time.Time { return now }}
}

// campaign creates a campaign over the whole example tracking collected.
func (w *world) campaign(t *testing.T, slug, start, end string) *domain.Campaign {
	t.Helper()
	c, err := w.store.CreateCampaign(context.Background(), &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: slug, Name: slug, Start: domain.MustDate(start), End: domain.MustDate(end),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"collected"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// figure is the stored figure of a unit, metric and day (-1: none).
func (w *world) figure(t *testing.T, campaignID int64, unit, metric, day string) int64 {
	t.Helper()
	var v *int64
	err := w.store.Pool.QueryRow(context.Background(), `SELECT f.value FROM figures f JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $1 AND u.code = $2 AND f.metric_id = (SELECT id FROM metrics WHERE key = $3) AND f.day = $4`,
		campaignID, unit, metric, day).Scan(&v)
	if err != nil || v == nil {
		return -1
	}
	return *v
}

func (w *world) notes(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM figures_due`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The write of 90002's figure for 20 December (it has none; 19 December
// neither, so both carry 18 December's figure).
var lateReport = domain.SubmitRequest{Campaign: "ref", ClientKey: "k1", Reports: []domain.ReportItem{
	{UnitCode: "90002", Metric: "collected", Date: domain.MustDate("2023-12-20"), Value: 5000}}}

// Issue 12, item 6: a batch committed whose refresh never ran (the process
// died between the commit and the refresh: nobody refreshes) keeps its old
// figures until the worker's first pass, which brings them up to date and
// clears the note.
func TestWorkerHealsACommittedWrite(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	before := w.figure(t, w.c.ID, "90002", "collected", "2023-12-20")
	if _, err := w.store.SubmitReports(ctx, w.admin, lateReport, domain.WriteOptions{Now: dbtest.ExampleNow}); err != nil {
		t.Fatal(err)
	}
	if got := w.figure(t, w.c.ID, "90002", "collected", "2023-12-20"); got != before || w.notes(t) != 1 {
		t.Fatalf("after the commit: figure %d (before %d), %d notes; want the old figure and one note", got, before, w.notes(t))
	}
	n, err := w.worker(dbtest.ExampleNow).Pass(ctx)
	if err != nil || n != 1 {
		t.Fatalf("pass: %d refreshed, %v", n, err)
	}
	if got := w.figure(t, w.c.ID, "90002", "collected", "2023-12-20"); got != 5000 || w.notes(t) != 0 {
		t.Fatalf("after the worker's pass: figure %d, %d notes; want 5000 and none", got, w.notes(t))
	}
	if !strings.Contains(w.log.String(), `reason="write not refreshed"`) {
		t.Fatalf("the healing is not logged:\n%s", w.log)
	}
}

// The client's retry of such a batch is a replay that writes nothing: it
// refreshes the figures its first request left due, so the writer reads
// its write (before: the replay refreshed nothing).
func TestReplayRefreshesWhatItsFirstRequestLeftDue(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	if _, err := w.store.SubmitReports(ctx, w.admin, lateReport, domain.WriteOptions{Now: dbtest.ExampleNow}); err != nil {
		t.Fatal(err)
	}
	res, err := w.store.SubmitReports(ctx, w.admin, lateReport, dbtest.Refreshing(t, w.store, domain.WriteOptions{Now: dbtest.ExampleNow}))
	if err != nil || !res.Replayed {
		t.Fatalf("retry: %+v, %v", res, err)
	}
	if got := w.figure(t, w.c.ID, "90002", "collected", "2023-12-20"); got != 5000 || w.notes(t) != 0 {
		t.Fatalf("after the replay: figure %d, %d notes; want 5000 and none", got, w.notes(t))
	}
}

// Every write that changes figures notes them due in its own transaction.
func TestEveryWriteNotesFiguresDue(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	opt := domain.WriteOptions{Now: dbtest.ExampleNow, QuotaFactor: -1}
	d := domain.MustDate("2023-12-10")
	writes := map[string]func() error{
		"submitReports": func() error { _, err := w.store.SubmitReports(ctx, w.admin, lateReport, opt); return err },
		"correctReport": func() error {
			_, err := w.store.CorrectReport(ctx, w.admin, domain.CorrectRequest{Campaign: "ref", Reason: "sai số",
				ReportItem: domain.ReportItem{UnitCode: "90000", Metric: "collected", Date: domain.MustDate("2023-12-20"), Value: 3900}}, opt)
			return err
		},
		"setQuotas": func() error {
			_, err := w.store.SetQuotas(ctx, w.admin, domain.SetQuotasRequest{Campaign: "ref", Reason: "điều chỉnh",
				Quotas: []domain.QuotaChange{{UnitCode: "90000", Metric: "collected", Target: 999, EffectiveFrom: &d}}}, opt)
			return err
		},
		"updateCampaign": func() error {
			bands := domain.DefaultBands()
			bands[0].Min = 0.95
			from := domain.MustDate("2023-12-10") // a new rules version from a day of the (ended) campaign
			_, err := w.store.UpdateCampaign(ctx, w.admin, "ref", domain.CampaignPatch{Bands: bands, BandsFrom: &from}, opt)
			return err
		},
		"upsertUnits": func() error {
			_, err := w.store.UpsertUnits(ctx, w.admin, []domain.UnitRow{{Code: "90099", Name: "Xã mới", Kind: domain.KindCommune, ParentCode: "900"}}, opt)
			return err
		},
		"import reports": func() error {
			dbtest.MustImportReports(t, w.store, "unit_code,metric,date,value,reported_at,note\n90001,collected,2023-12-20,4100,2023-12-21T00:00:00Z,sửa\n")
			return nil
		},
		"import units": func() error {
			dbtest.MustImportUnits(t, w.store, "code,name,kind,parent_code\n90098,Xã mới nữa,commune,900\n")
			return nil
		},
	}
	for name, write := range writes {
		if _, err := w.store.Pool.Exec(ctx, `DELETE FROM figures_due`); err != nil {
			t.Fatal(err)
		}
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var campaign int64
		if err := w.store.Pool.QueryRow(ctx, `SELECT campaign_id FROM figures_due`).Scan(&campaign); err != nil || campaign != w.c.ID {
			t.Errorf("%s: no note of figures due for its campaign (%v)", name, err)
		}
	}
}

// Issue 12, item 7, the days passing: a campaign nobody writes to or reads
// gets the figures of each day once its report deadline has passed, every
// day from its start, from the worker alone.
func TestWorkerFollowsTheDays(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	c := w.campaign(t, "quiet", "2024-01-01", "2024-01-31")
	days := func() (n int, last string) {
		t.Helper()
		if err := w.store.Pool.QueryRow(ctx, `SELECT count(DISTINCT day), COALESCE(max(day)::text, '') FROM figures WHERE campaign_id = $1`, c.ID).Scan(&n, &last); err != nil {
			t.Fatal(err)
		}
		return n, last
	}
	vn := c.Location()
	for _, step := range []struct {
		now  time.Time
		days int
		last string
	}{
		{time.Date(2024, 1, 10, 7, 0, 0, 0, vn), 8, "2024-01-08"},  // 9 January's deadline is 07:30
		{time.Date(2024, 1, 10, 7, 31, 0, 0, vn), 9, "2024-01-09"}, // now it has passed
		{time.Date(2024, 2, 5, 0, 0, 0, 0, vn), 31, "2024-01-31"},  // the campaign is over
	} {
		if _, err := w.worker(step.now).Pass(ctx); err != nil {
			t.Fatal(err)
		}
		if n, last := days(); n != step.days || last != step.last {
			t.Fatalf("at %s: %d days to %s, want %d to %s", step.now, n, last, step.days, step.last)
		}
	}
	if got := w.figure(t, c.ID, "90000", "collected", "2024-01-31"); got != 3882 {
		t.Fatalf("90000 on 31 January: %d, want 20 December's 3882 carried", got)
	}
}

// Issue 12, item 8, for the figures: a campaign whose refresh fails does not
// stop the others, is not retried before its delay, and is logged once.
func TestWorkerEachCampaignFailsAlone(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	broken := w.campaign(t, "broken", "2023-12-01", "2023-12-31")
	mustExec(t, w.store, `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'figures of campaign % refused by the test', NEW.campaign_id; END $$`)
	mustExec(t, w.store, `CREATE TRIGGER refuse BEFORE INSERT ON figure_values FOR EACH ROW
		WHEN (NEW.campaign_id = `+strconv.FormatInt(broken.ID, 10)+`) EXECUTE FUNCTION refuse()`)
	if _, err := w.store.SubmitReports(ctx, w.admin, lateReport, domain.WriteOptions{Now: dbtest.ExampleNow}); err != nil {
		t.Fatal(err)
	}
	wk := w.worker(dbtest.ExampleNow)
	if n, err := wk.Pass(ctx); err != nil || n != 1 {
		t.Fatalf("first pass: %d refreshed, %v; want ref refreshed", n, err)
	}
	if got := w.figure(t, w.c.ID, "90002", "collected", "2023-12-20"); got != 5000 {
		t.Fatalf("ref's figure: %d, want 5000 despite the broken campaign", got)
	}
	f := wk.Failing()
	if len(f) != 1 || f[0].Key != "broken" || !strings.Contains(f[0].Err, "refused by the test") {
		t.Fatalf("failing: %+v", f)
	}
	if _, err := wk.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if f := wk.Failing(); f[0].Attempts != 1 {
		t.Fatalf("retried before its delay: %d attempts", f[0].Attempts)
	}
	mustExec(t, w.store, `DROP TRIGGER refuse ON figure_values`)
	time.Sleep(time.Until(f[0].RetryAt))
	if n, err := wk.Pass(ctx); err != nil || n != 1 || len(wk.Failing()) != 0 {
		t.Fatalf("after the repair: %d refreshed, %v, failing %+v", n, err, wk.Failing())
	}
	if n := strings.Count(w.log.String(), "figures refresh failing"); n != 1 {
		t.Fatalf("%d failure lines for one episode:\n%s", n, w.log)
	}
	if !strings.Contains(w.log.String(), "figures refresh recovered") {
		t.Fatalf("the end of the episode is not logged:\n%s", w.log)
	}
}

func mustExec(t *testing.T, store *db.DB, sql string) {
	t.Helper()
	if _, err := store.Pool.Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}
