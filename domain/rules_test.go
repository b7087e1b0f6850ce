package domain_test

import (
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	d, err := domain.ParseDate("2023-12-10")
	if err != nil || d.String() != "2023-12-10" || d.VI() != "10/12/2023" || d.EN() != "Dec 10, 2023" {
		t.Fatalf("ParseDate = %v (%s, %s), %v", d, d.VI(), d.EN(), err)
	}
	if d.AddDays(22) != domain.MustDate("2024-01-01") || domain.MustDate("2024-03-01")-domain.MustDate("2024-02-01") != 29 {
		t.Error("days do not add up across a month or a leap February")
	}
	for _, s := range []string{"", "2023-12-1", "10/12/2023", "2023-13-01", "2023-02-29", " 2023-12-10", "2023-12-10T00:00:00Z"} {
		if _, err := domain.ParseDate(s); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("ParseDate(%q): err %v, want %s", s, err, domain.EINVALID)
		}
	}
}

// TestRulesOn: of the versions effective on or before the day, the
// highest numbered; before all of them, the lowest numbered (domain.md).
func TestRulesOn(t *testing.T) {
	t.Parallel()
	rules := []domain.RulesVersion{
		{Version: 2, EffectiveFrom: domain.MustDate("2023-12-10")},
		{Version: 1, EffectiveFrom: domain.MustDate("2023-12-01")},
		{Version: 3, EffectiveFrom: domain.MustDate("2023-12-10")}, // same day: the later version wins
	}
	for day, want := range map[string]int{"2023-11-20": 1, "2023-12-01": 1, "2023-12-09": 1, "2023-12-10": 3, "2024-01-01": 3} {
		if got := domain.RulesOn(rules, domain.MustDate(day)); got == nil || got.Version != want {
			t.Errorf("RulesOn(%s) = %+v, want version %d", day, got, want)
		}
	}
	if domain.RulesOn(nil, domain.MustDate("2023-12-01")) != nil {
		t.Error("RulesOn(no versions) is not nil")
	}
	c := &domain.Campaign{Start: domain.MustDate("2023-12-01")}
	rs := domain.RulesOf(c)
	if len(rs) != 1 || rs[0].Version != 1 || rs[0].EffectiveFrom != c.Start || len(rs[0].Bands) != 4 || rs[0].Order != domain.RankingOrder {
		t.Errorf("RulesOf(campaign without versions) = %+v", rs)
	}
}

// TestBandOf: rule 4's bands, compared exactly as fractions (the minimum
// as the decimal it was written as).
func TestBandOf(t *testing.T) {
	t.Parallel()
	bands := domain.DefaultBands()
	for _, tc := range []struct {
		figure, quota int64
		want          string
	}{
		{1, 1, "HOAN_THANH"},
		{6128, 1802, "HOAN_THANH"},
		{7, 10, "KHA"},                              // exactly 70%
		{6_999_999_999_999_999, 1e16, "TRUNG_BINH"}, // 69,99…%: a float64 quotient rounds it to 0.7
		{4, 10, "TRUNG_BINH"},
		{399, 1000, "CHAM"},
		{0, 5, "CHAM"},
	} {
		if got := domain.BandOf(bands, tc.figure, tc.quota); got.Key != tc.want {
			t.Errorf("BandOf(%d/%d) = %s, want %s", tc.figure, tc.quota, got.Key, tc.want)
		}
	}
	if domain.BandOf(nil, 1, 1) != (domain.Band{}) {
		t.Error("BandOf(no bands) is not the zero band")
	}
}

func TestParseUnitKind(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]domain.UnitKind{"province": domain.KindProvince, "COMMUNE": domain.KindCommune, "Agency": domain.KindAgency} {
		if k, err := domain.ParseUnitKind(s); err != nil || k != want {
			t.Errorf("ParseUnitKind(%q) = %q, %v", s, k, err)
		}
	}
	if _, err := domain.ParseUnitKind("provincé"); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("ParseUnitKind(provincé): err %v", err)
	}
	if domain.KindAgency.Territorial() || !domain.KindCommune.Territorial() {
		t.Error("agencies are the only units outside the territorial tree")
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	t.Parallel()
	wrapped := fmt.Errorf("set quota: %w", domain.FieldErrorf(domain.EFORBIDDEN, "unitCode", "not yours"))
	if domain.ErrorCode(wrapped) != domain.EFORBIDDEN || domain.ErrorMessage(wrapped) != "unitCode: not yours" {
		t.Errorf("wrapped: %s %q", domain.ErrorCode(wrapped), domain.ErrorMessage(wrapped))
	}
	internal := errors.New("pq: connection refused at 10.0.0.5")
	if domain.ErrorCode(internal) != domain.EINTERNAL || domain.ErrorMessage(internal) != "internal error" {
		t.Errorf("internal: %s %q (its detail must not reach a client)", domain.ErrorCode(internal), domain.ErrorMessage(internal))
	}
	if domain.ErrorCode(nil) != "" || domain.ErrorMessage(nil) != "" {
		t.Error("nil has a code or a message")
	}
}

func TestValidOn(t *testing.T) {
	t.Parallel()
	from, to := domain.MustDate("2025-07-01"), domain.MustDate("2025-12-31")
	u := domain.Unit{ValidFrom: &from, ValidTo: &to}
	for day, want := range map[string]bool{"2025-06-30": false, "2025-07-01": true, "2025-12-31": true, "2026-01-01": false} {
		if u.ValidOn(domain.MustDate(day)) != want {
			t.Errorf("ValidOn(%s) = %v", day, !want)
		}
	}
	if !(&domain.Unit{}).ValidOn(domain.MustDate("1900-01-01")) {
		t.Error("a unit without a validity period does not always exist")
	}
}

func TestSearchKeyAndText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Thạnh Phú": "thanh phu", "  ĐỒNG  Tháp ": "dong thap", "đắk lắk": "dak lak"} {
		if got := domain.SearchKey(in); got != want {
			t.Errorf("SearchKey(%q) = %q, want %q", in, got, want)
		}
	}
	if domain.TextProblem("Bến Tre") != "" || domain.TextProblem("a\x00b") == "" || domain.TextProblem("\xff") == "" {
		t.Error("TextProblem accepts NUL or invalid UTF-8, or refuses Vietnamese")
	}
	if domain.TextLen("Bến Tre") != 7 {
		t.Errorf("TextLen(Bến Tre) = %d, want 7 characters", domain.TextLen("Bến Tre"))
	}
}

// TestBandReachedEqualsExactFractions: the 64-bit comparison of a count
// with a band's minimum agrees with the exact fraction (big.Rat) on
// thresholds, beside them, and on counts near the int64 limit.
func TestBandReachedEqualsExactFractions(t *testing.T) {
	mins := []float64{0, 0.4, 0.7, 1, 0.333, 0.95, 1.25, 0.123456789012, 1e-9, -0.5}
	figures := []int64{0, 1, 2, 3, 7, 10, 69, 70, 71, 333, 999, 1000, 1001, 4_000_000_000, 1<<62 + 1, 1<<63 - 1}
	quotas := []int64{1, 3, 10, 100, 1000, 3000, 7_000_000_000, 1<<62 + 3, 1<<63 - 1}
	for _, m := range mins {
		b := domain.Band{Key: "B", Min: m}
		for _, f := range figures {
			for _, q := range quotas {
				want := new(big.Rat).SetFrac64(f, q).Cmp(b.MinRat()) >= 0
				if got := b.Reached(f, q); got != want {
					t.Errorf("min %v: Reached(%d, %d) = %v, exact %v", m, f, q, got, want)
				}
			}
		}
	}
}

// ExactBands.Of bands every figure as BandOf does.
func TestExactBandsEqualBandOf(t *testing.T) {
	t.Parallel()
	sets := [][]domain.Band{nil, domain.DefaultBands(),
		{{Key: "X", Min: 1.25}, {Key: "Y", Min: 0.123456789012}, {Key: "Z", Min: 1e-9}},
		{{Key: "P", Min: 0.333}, {Key: "Q", Min: -0.5}}}
	figures := []int64{0, 1, 7, 69, 70, 71, 333, 999, 1000, 4_000_000_000, 6_999_999_999_999_999, 1<<63 - 1}
	quotas := []int64{1, 3, 10, 100, 1000, 1e16, 1<<62 + 3}
	for _, bands := range sets {
		exact := domain.Exact(bands)
		for _, f := range figures {
			for _, q := range quotas {
				if got, want := exact.Of(f, q), domain.BandOf(bands, f, q); got != want {
					t.Errorf("bands %v: Of(%d, %d) = %v, BandOf %v", bands, f, q, got, want)
				}
			}
		}
	}
}
