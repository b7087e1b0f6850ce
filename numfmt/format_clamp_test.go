package numfmt

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// TestFormatRateNeverRoundsOntoAThreshold is issue 11's defect 5:
// 999.995/1.000.000 printed "100%" next to the band KHÁ. Before the fix
// FormatRate printed 100% for it and FormatRateIn did not exist.
func TestFormatRateNeverRoundsOntoAThreshold(t *testing.T) {
	t.Parallel()
	bands := domain.DefaultBands()
	for _, tc := range []struct {
		name          string
		figure, quota int64
		vi, en        string
	}{
		{"Issue11", 999995, 1000000, "99,99%", "99.99%"},
		{"JustUnderHundred", 99999999, 100000000, "99,99%", "99.99%"},
		{"Hundred", 1000000, 1000000, "100%", "100%"},
		{"OverHundred", 1000001, 1000000, "100%", "100%"},   // 100.0001% reached: rounds down to 100
		{"UnderKha", 69996, 100000, "69,99%", "69.99%"},     // TRUNG BÌNH: not 70%
		{"HalfUnderKha", 69995, 100000, "69,99%", "69.99%"}, // 69.995% would round up to 70%
		{"Kha", 70000, 100000, "70%", "70%"},
		{"UnderTrungBinh", 399999, 1000000, "39,99%", "39.99%"},
		{"NotAThreshold", 49996, 100000, "50%", "50%"}, // 50% is no band's minimum: half-up
		{"OrdinaryRounding", 822139, 930767, "88,33%", "88.33%"},
		{"HugeJustUnder", math.MaxInt64 - 1, math.MaxInt64, "99,99%", "99.99%"},
		{"Zero", 0, 5, "0%", "0%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatRateIn(tc.figure, tc.quota, bands, LangVI); got != tc.vi {
				t.Errorf("FormatRateIn(%d, %d, vi) = %q, want %q", tc.figure, tc.quota, got, tc.vi)
			}
			if got := FormatRateIn(tc.figure, tc.quota, bands, LangEN); got != tc.en {
				t.Errorf("FormatRateIn(%d, %d, en) = %q, want %q", tc.figure, tc.quota, got, tc.en)
			}
		})
	}
	// Without bands only 100% is a threshold.
	if got := FormatRate(69996, 100000, LangVI); got != "70%" {
		t.Errorf("FormatRate(69996, 100000) = %q, want 70%% (no bands given)", got)
	}
	if got := FormatRate(999995, 1000000, LangVI); got != "99,99%" {
		t.Errorf("FormatRate(999995, 1000000) = %q, want 99,99%%", got)
	}
}

// TestFormatRateBandsAgree checks, for every small figure/quota, that the
// printed rate falls in the band of the exact rate and is within one basis
// point of half-up rounding (and equal to it unless a threshold was in the
// way).
func TestFormatRateBandsAgree(t *testing.T) {
	t.Parallel()
	bands := []domain.Band{{Key: "A", Min: 1}, {Key: "B", Min: 0.7}, {Key: "C", Min: 0.405}, {Key: "D", Min: 0}}
	for q := int64(1); q <= 300; q++ {
		for f := int64(0); f <= 2*q; f++ {
			s := FormatRateIn(f, q, bands, LangEN)
			n, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSuffix(s, "%"), ",", ""), 64)
			if err != nil {
				t.Fatalf("%d/%d: %q", f, q, s)
			}
			printed := int64(math.Round(n * 100))
			if want, got := domain.BandOf(bands, f, q).Key, domain.BandOf(bands, printed, 10000).Key; want != got {
				t.Fatalf("%d/%d prints %s, in band %s; the rate is in %s", f, q, s, got, want)
			}
			bp, _ := RateBasisPoints(f, q)
			if d := bp.Int64() - printed; d < 0 || d > 1 {
				t.Fatalf("%d/%d prints %s, %d basis points from half-up", f, q, s, d)
			}
		}
	}
}

// TestBandOfExact: the band of a rate is computed from the fraction, not
// from a float64 quotient (which rounds 69999999999999999/10^17 to 0.7).
func TestBandOfExact(t *testing.T) {
	t.Parallel()
	bands := domain.DefaultBands()
	if got := domain.BandOf(bands, 69999999999999999, 100000000000000000).Key; got != "TRUNG_BINH" {
		t.Errorf("band of 69999999999999999/10^17 = %s, want TRUNG_BINH", got)
	}
	if got := domain.BandOf(bands, 7, 10).Key; got != "KHA" {
		t.Errorf("band of 7/10 = %s, want KHA", got)
	}
	if got := domain.BandOf(bands, 999995, 1000000).Key; got != "KHA" {
		t.Errorf("band of 999995/1000000 = %s, want KHA", got)
	}
}
