package publish

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
)

// Issue 12, item 8: one campaign whose publication fails does not stop the
// others. Khánh Hòa (the newest campaign due, published first) cannot store
// its bulletins; Hải Phòng's are published all the same, Khánh Hòa is
// listed as failing, not retried before its delay, and logged once. Before,
// the first error ended the pass: Hải Phòng got none.
func TestPublicationEachCampaignFailsAlone(t *testing.T) {
	ctx := context.Background()
	store := loaded(t)
	kh, err := store.CampaignBySlug(ctx, "khanh-hoa-30-6")
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
		`CREATE TRIGGER refuse BEFORE INSERT ON bulletins FOR EACH ROW WHEN (NEW.campaign_id = ` + strconv.FormatInt(kh.ID, 10) + `) EXECUTE FUNCTION refuse()`,
	} {
		if _, err := store.Pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	var log bytes.Buffer
	s := &Service{DB: store, Logger: slog.New(slog.NewTextHandler(&log, nil)), Now: func() time.Time { return at("2023-06-14") },
		RetryMin: 10 * time.Minute}
	n, err := s.PublishDue(ctx)
	if n != 13 || err == nil || !strings.Contains(err.Error(), "khanh-hoa-30-6") {
		t.Fatalf("first pass: %d revisions, %v; want Hải Phòng's 13 and Khánh Hòa's error", n, err)
	}
	c, _ := store.CampaignBySlug(ctx, "hai-phong-cao-diem")
	if _, total, err := store.Editions(ctx, db.EditionFilter{CampaignID: &c.ID, Limit: 100}); err != nil || total != 13 {
		t.Fatalf("Hải Phòng: %d editions (%v), want 13", total, err)
	}
	if f := s.Failing(); len(f) != 1 || f[0].Key != "khanh-hoa-30-6" || f[0].RetryAt.Sub(f[0].Since) != 10*time.Minute {
		t.Fatalf("failing: %+v", f)
	}
	if n, err := s.PublishDue(ctx); n != 0 || err != nil || s.Failing()[0].Attempts != 1 {
		t.Fatalf("second pass: %d, %v, %d attempts; want Khánh Hòa left for its delay", n, err, s.Failing()[0].Attempts)
	}
	if got := strings.Count(log.String(), "bulletin publication failing"); got != 1 {
		t.Fatalf("%d failure lines:\n%s", got, log.String())
	}
}
