package app

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// countEach is bandCounts as it was: each row looked up in the bands.
func countEach(bands []domain.Band, all []*domain.RankRow) []int {
	out := make([]int, len(bands)+1)
	for _, row := range all {
		i := len(bands)
		if row.Band != nil {
			if k := slices.IndexFunc(bands, func(b domain.Band) bool { return b.Key == *row.Band }); k >= 0 {
				i = k
			}
		}
		out[i]++
	}
	return out
}

func randomRanking(r *rand.Rand, n int) []*domain.RankRow {
	keys := []string{"HOAN_THANH", "KHA", "TRUNG_BINH", "CHAM", "OLD_BAND"}
	rows := make([]*domain.RankRow, n)
	for i := range rows {
		rows[i] = &domain.RankRow{}
		if k := r.IntN(len(keys) + 1); k < len(keys) {
			rows[i].Band = &keys[k]
		}
	}
	return rows
}

// TestBandTallyCounts: the counts from a ranking's tally are those of
// counting each row, for the bands of any rules version (a band the rows
// have and the version has not, and the rows without a band, count last).
func TestBandTallyCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, bands := range [][]domain.Band{domain.DefaultBands(), domain.DefaultBands()[:2], nil} {
		for _, n := range []int{0, 1, 7, 500} {
			rows := randomRanking(r, n)
			got := tallyBands(rows).counts(bands)
			want := countEach(bands, rows)
			if len(got) != len(want) {
				t.Fatalf("%d bands, %d rows: %d counts, want %d", len(bands), n, len(got), len(want))
			}
			for i := range got {
				if got[i].Count != want[i] {
					t.Errorf("%d bands, %d rows: count %d is %d, want %d", len(bands), n, i, got[i].Count, want[i])
				}
				if i < len(bands) && got[i].Band != &bands[i] {
					t.Errorf("%d bands, %d rows: count %d is not of band %s", len(bands), n, i, bands[i].Key)
				}
			}
		}
	}
}

// BenchmarkBandCounts: a page of a nation's commune ranking, its band
// counts from the cached ranking's tally, against counting its rows again
// (as each page did).
//
//	go test ./app -run '^$' -bench BandCounts -benchmem
func BenchmarkBandCounts(b *testing.B) {
	rows := randomRanking(rand.New(rand.NewPCG(1, 2)), 10035)
	b.Run("recounted", func(b *testing.B) {
		for b.Loop() {
			bandCounts(domain.DefaultBands(), rows)
		}
	})
	b.Run("tallied", func(b *testing.B) {
		t := tallyBands(rows)
		for b.Loop() {
			t.counts(domain.DefaultBands())
		}
	})
}
