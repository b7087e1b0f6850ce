package db

import "testing"

// dayHashes finds a unit's hash at its position, and anywhere else when
// the units moved (a unit added or gone since).
func TestDayHashesFind(t *testing.T) {
	d := &dayHashes{units: []int64{10, 20, 30}, hashes: []figureHash{{1}, {2}, {3}}}
	for _, tc := range []struct {
		pos  int
		unit int64
		want figureHash
		ok   bool
	}{
		{1, 20, figureHash{2}, true},  // at its position
		{0, 30, figureHash{3}, true},  // moved
		{-1, 10, figureHash{1}, true}, // no position
		{7, 20, figureHash{2}, true},  // past the end
		{1, 40, figureHash{}, false},  // not there
	} {
		if got, ok := d.find(tc.pos, tc.unit); got != tc.want || ok != tc.ok {
			t.Errorf("find(%d, %d) = %v, %v; want %v, %v", tc.pos, tc.unit, got, ok, tc.want, tc.ok)
		}
	}
}
