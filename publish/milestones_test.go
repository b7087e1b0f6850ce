package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/milestone"
	"github.com/tiendo-vn/tiendo/press"
)

// correct stores a correction of one commune's activated figure of day
// (its value plus add) in the Hải Phòng demo, and returns the commune's code.
func correct(t *testing.T, store *db.DB, day string, add int64, now time.Time) string {
	t.Helper()
	ctx := context.Background()
	var code string
	var value int64
	if err := store.Pool.QueryRow(ctx, `SELECT u.code, rc.value FROM report_current rc JOIN units u ON u.id = rc.unit_id
		JOIN metrics m ON m.id = rc.metric_id WHERE u.code = (SELECT min(code) FROM units WHERE parent_id = (SELECT id FROM units WHERE code = '303' AND upper(valid) IS NOT NULL))
		AND m.key = 'activated' AND rc.day = $1`, day).Scan(&code, &value); err != nil {
		t.Fatal(err)
	}
	src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
		return fn(csvio.Line[domain.ReportRow]{Line: 2, Row: domain.ReportRow{UnitCode: code, Metric: "activated",
			Date: domain.MustDate(day), Value: value + add, Note: "bổ sung tài khoản kích hoạt muộn"}})
	}
	if _, err := store.ImportReports(ctx, "correction.csv", src, "test", now, nil); err != nil {
		t.Fatal(err)
	}
	return code
}

// TestMilestoneFreeze: a milestone's ranking is frozen once its day's
// deadline and the grace have passed, exactly once with two publishers at
// once; its hash proves the stored bytes (and the JSON download); a later
// correction changes the current figures, never the record.
func TestMilestoneFreeze(t *testing.T) {
	ctx := context.Background()
	store := loaded(t)
	c, err := store.CampaignBySlug(ctx, "hai-phong-cao-diem")
	if err != nil {
		t.Fatal(err)
	}
	day := domain.MustDate("2023-06-20")
	// 20/6's reports are due at 07:30 on 21/6; with the grace, it freezes at 08:00.
	now := at("2023-06-21").Add(-time.Minute)
	s := &Service{DB: store, Grace: 30 * time.Minute, Now: func() time.Time { return now }}
	if got := s.FreezesAt(c, day); !got.Equal(at("2023-06-21")) {
		t.Errorf("freezes at %s, want 08:00 on 21/6", got)
	}
	if _, err := s.PublishDue(ctx); err != nil {
		t.Fatal(err)
	}
	if z, err := store.MilestoneFreeze(ctx, c.ID, day); err != nil || z != nil {
		t.Fatalf("frozen before its time: %v %v", z, err)
	}

	now = at("2023-06-21").Add(time.Minute)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.PublishDue(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	// And a few direct freezes racing them.
	made := make([]bool, 3)
	for i := range made {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if _, made[i], err = s.Freeze(ctx, c, mustUnit(t, store, c.ScopeUnitID), c.Milestones[0], "test"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var freezes, audits int
	store.Pool.QueryRow(ctx, `SELECT count(*) FROM milestone_freezes WHERE campaign_id = $1`, c.ID).Scan(&freezes)
	store.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'freeze' AND entity_key LIKE '["hai-phong%'`).Scan(&audits)
	if freezes != 1 || audits != 1 {
		t.Fatalf("%d freezes and %d audit entries, want one of each (only 20/6 is due)", freezes, audits)
	}
	if n := len(slices.DeleteFunc(made, func(b bool) bool { return !b })); n > 1 {
		t.Errorf("%d direct freezes say they froze it", n)
	}
	z, err := store.MilestoneFreeze(ctx, c.ID, day)
	if err != nil || z == nil {
		t.Fatalf("20/6 not frozen: %v", err)
	}
	if ed, err := store.EditionAt(ctx, c.ID, c.ScopeUnitID, day, 0); err != nil || ed == nil {
		t.Errorf("20/6's bulletin: %v", err)
	} else if pe, err := press.Unmarshal(ed.Content, ed.Hash); err != nil {
		t.Error(err)
	} else if pe.RulesVersion != 1 {
		t.Errorf("20/6's bulletin names rules version %d, want 1", pe.RulesVersion)
	}
	h := sha256.Sum256(z.Content)
	if hex.EncodeToString(h[:]) != z.Hash || z.RulesVersion != 1 {
		t.Fatalf("stored hash %s is not the SHA-256 of the stored bytes (rules version %d)", z.Hash, z.RulesVersion)
	}
	rec, err := milestone.Unmarshal(z.Content, z.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Rankings) != 4 || rec.Rankings[0].Metric != "collected" || rec.Rankings[0].Level != domain.KindDistrict ||
		rec.Rankings[1].Level != domain.KindCommune || len(rec.Rankings[0].Rows) != 15 || rec.LabelVI == "" {
		t.Fatalf("record: %d rankings, first %s %s with %d rows", len(rec.Rankings), rec.Rankings[0].Metric, rec.Rankings[0].Level, len(rec.Rankings[0].Rows))
	}
	if _, err := milestone.Unmarshal(append(bytes.Clone(z.Content), ' '), z.Hash); err == nil {
		t.Error("a changed record passed its hash check")
	}

	// The JSON download is the stored bytes; the CSV has every row.
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	js := get("/downloads/hai-phong-cao-diem/milestones/2023-06-20.json")
	if got := sha256.Sum256(js.Body.Bytes()); js.Code != 200 || hex.EncodeToString(got[:]) != z.Hash {
		t.Errorf("JSON download: %d, its SHA-256 is not the record's", js.Code)
	}
	cr := get("/downloads/hai-phong-cao-diem/milestones/2023-06-20.csv")
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(cr.Body.Bytes(), []byte("\ufeff")))).ReadAll()
	want := 1
	for _, rk := range rec.Rankings {
		want += len(rk.Rows)
	}
	if err != nil || len(rows) != want || rows[0][0] != "campaign" || rows[1][1] != "2023-06-20" {
		t.Errorf("CSV download: %d rows (%v), want %d", len(rows), err, want)
	}
	if get("/downloads/hai-phong-cao-diem/milestones/2023-06-30.csv").Code != http.StatusNotFound {
		t.Error("a milestone not frozen yet has a download")
	}

	// A correction of 20/6 after the freeze: the current figures change,
	// the record does not, even when the publisher runs again.
	now = now.Add(24 * time.Hour)
	correct(t, store, "2023-06-20", 5000, now)
	if _, err := s.PublishDue(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := store.MilestoneFreeze(ctx, c.ID, day)
	if err != nil || !bytes.Equal(again.Content, z.Content) || again.Hash != z.Hash || !again.FrozenAt.Equal(z.FrozenAt) {
		t.Fatalf("the record changed after a correction (%v)", err)
	}
	for _, q := range []string{`UPDATE milestone_freezes SET frozen_by = 'x'`, `DELETE FROM milestone_freezes`} {
		if _, err := store.Pool.Exec(ctx, q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	if _, err := store.Pool.Exec(ctx, `INSERT INTO milestone_freezes (campaign_id, day, rules_version, content, content_hash, frozen_by)
		VALUES ($1, '2023-06-30', 1, '{}', $2, 'x')`, c.ID, z.Hash); err == nil {
		t.Error("a record whose hash is not its bytes' was stored")
	}
	// The static copy holds the record's bytes too.
	dir := t.TempDir()
	if _, err := s.Export(ctx, ExportOptions{Dir: dir, Base: "/", SiteURL: "https://tiendo.example.org"}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "downloads", "hai-phong-cao-diem", "milestones", "2023-06-20.json")); err != nil || !bytes.Equal(b, z.Content) {
		t.Errorf("the export's record differs from the stored one (%v)", err)
	}
}

func mustUnit(t *testing.T, store *db.DB, id int64) *domain.Unit {
	t.Helper()
	u, err := store.UnitByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestMilestoneFreezeOnPublish: a server that does not publish by itself
// (--publish-every 0) freezes a milestone when a bulletin is published on
// request after it is due.
func TestMilestoneFreezeOnPublish(t *testing.T) {
	ctx := context.Background()
	store := loaded(t)
	c, err := store.CampaignBySlug(ctx, "hai-phong-cao-diem")
	if err != nil {
		t.Fatal(err)
	}
	now := at("2023-06-21").Add(time.Minute)
	s := &Service{DB: store, Grace: 30 * time.Minute, Now: func() time.Time { return now }}
	if _, _, err := s.Publish(ctx, c, mustUnit(t, store, c.ScopeUnitID), domain.MustDate("2023-06-20"), "admin"); err != nil {
		t.Fatal(err)
	}
	if z, err := store.MilestoneFreeze(ctx, c.ID, domain.MustDate("2023-06-20")); err != nil || z == nil {
		t.Fatalf("20/6 not frozen after publishing its bulletin on request (%v)", err)
	}
	if z, _ := store.MilestoneFreeze(ctx, c.ID, domain.MustDate("2023-06-30")); z != nil {
		t.Error("30/6 frozen before its day")
	}
}
