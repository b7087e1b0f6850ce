package db_test

import (
	"context"
	"slices"
	"testing"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// TestCampaignFiguresSeesEachChange: CampaignFigures remembers a campaign
// between reads (campaigns_memory.go), and the next read after any write
// to what a campaign is made of (its row, metrics, milestones, rules
// versions; through UpdateCampaign and in plain SQL, as an operator might)
// returns the campaign as written, in this process and in another that
// remembered it too.
func TestCampaignFiguresSeesEachChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.NewURL(t)
	store, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	other, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	c := dbtest.MustLoadExample(t, store)
	read := func(s *db.DB) *domain.Campaign {
		t.Helper()
		got, _, err := s.CampaignFigures(ctx, c.Slug)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, s := range []*db.DB{store, other} {
		read(s)
		read(s) // remembered
	}
	admin := domain.CLI("test")
	name := "Đợt cao điểm mới"
	steps := []struct {
		name  string
		write func() error
		check func(*domain.Campaign) bool
	}{
		{"name", func() error {
			_, err := store.UpdateCampaign(ctx, admin, c.Slug, domain.CampaignPatch{Name: &name}, domain.WriteOptions{})
			return err
		}, func(got *domain.Campaign) bool { return got.Name == name }},
		{"bands (a new rules version)", func() error {
			bands := domain.DefaultBands()
			bands[0].Min = 0.95
			_, err := store.UpdateCampaign(ctx, admin, c.Slug, domain.CampaignPatch{Bands: bands, BandsFrom: &c.Start}, domain.WriteOptions{})
			return err
		}, func(got *domain.Campaign) bool {
			return len(got.Rules) > 0 && got.Rules[len(got.Rules)-1].Bands[0].Min == 0.95
		}},
		{"milestones", func() error {
			ms := []domain.Milestone{{Date: c.Start + 3, LabelVI: "Mốc mới", LabelEN: "New milestone"}}
			_, err := store.UpdateCampaign(ctx, admin, c.Slug, domain.CampaignPatch{Milestones: &ms}, domain.WriteOptions{})
			return err
		}, func(got *domain.Campaign) bool {
			return slices.ContainsFunc(got.Milestones, func(m domain.Milestone) bool { return m.LabelVI == "Mốc mới" })
		}},
		{"a milestone in SQL", func() error {
			_, err := store.Pool.Exec(ctx, `UPDATE milestones SET label_vi = 'Mốc sửa tay' WHERE campaign_id = $1`, c.ID)
			return err
		}, func(got *domain.Campaign) bool {
			return slices.ContainsFunc(got.Milestones, func(m domain.Milestone) bool { return m.LabelVI == "Mốc sửa tay" })
		}},
		{"metrics in SQL", func() error {
			_, err := store.Pool.Exec(ctx, `DELETE FROM campaign_metrics WHERE campaign_id = $1
				AND metric_id = (SELECT id FROM metrics WHERE key = 'issued')`, c.ID)
			return err
		}, func(got *domain.Campaign) bool { return !slices.Contains(got.MetricKeys, "issued") }},
		{"the row in SQL", func() error {
			_, err := store.Pool.Exec(ctx, `UPDATE campaigns SET legal_ref = 'Kế hoạch số 1/KH' WHERE id = $1`, c.ID)
			return err
		}, func(got *domain.Campaign) bool { return got.LegalRef == "Kế hoạch số 1/KH" }},
	}
	for _, step := range steps {
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		for i, s := range []*db.DB{store, other} {
			if got := read(s); !step.check(got) {
				t.Errorf("%s: process %d reads the campaign as before the write: %+v", step.name, i+1, got)
			}
			if got := read(s); !step.check(got) {
				t.Errorf("%s: process %d's second read is not the campaign as written", step.name, i+1)
			}
		}
	}
	// What a read hands out is the caller's: changing it changes no later read.
	got := read(store)
	got.Name = "đổi trong bộ nhớ"
	if again := read(store); again.Name != name {
		t.Errorf("a read returned the name %q its caller set on an earlier read's campaign", again.Name)
	}
}
