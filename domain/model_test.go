package domain

import (
	"testing"
	"time"
)

// TestDeadlineWallClock: the report for day D is due at the campaign's time
// of day on D+1, on the wall clock of its zone, also on the day summer time
// starts before that hour (London, 31/03/2024 at 01:00). Midnight plus 450
// minutes would say 08:30 there.
func TestDeadlineWallClock(t *testing.T) {
	for _, tc := range []struct {
		zone string
		day  string
		want string
	}{
		{"Asia/Ho_Chi_Minh", "2023-11-14", "2023-11-15T07:30:00+07:00"},
		{"Europe/London", "2024-03-30", "2024-03-31T07:30:00+01:00"},
		{"Europe/London", "2024-10-26", "2024-10-27T07:30:00Z"},
	} {
		c := &Campaign{TimeZone: tc.zone, DeadlineMinutes: 450, DeadlineDays: 1}
		d, err := ParseDate(tc.day)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Deadline(d).Format(time.RFC3339); got != tc.want {
			t.Errorf("%s %s: deadline %s, want %s", tc.zone, tc.day, got, tc.want)
		}
	}
}

// TestLocationCached: the zone is loaded once, and an unknown zone falls
// back to Vietnam's offset.
func TestLocationCached(t *testing.T) {
	c := &Campaign{TimeZone: "Asia/Ho_Chi_Minh"}
	if a, b := c.Location(), c.Location(); a != b {
		t.Error("Location loaded the zone twice")
	}
	allocs := testing.AllocsPerRun(100, func() { c.Location() })
	if allocs > 0 {
		t.Errorf("Location allocates %.0f times per call once loaded", allocs)
	}
	bad := &Campaign{TimeZone: "Mars/Olympus"}
	if _, off := time.Date(2024, 1, 1, 0, 0, 0, 0, bad.Location()).Zone(); off != 7*3600 {
		t.Errorf("unknown zone: offset %d, want +07:00", off)
	}
}

func TestBandFor(t *testing.T) {
	bands := DefaultBands()
	for _, tc := range []struct {
		rate float64
		want string
	}{{1.0, "HOAN_THANH"}, {0.99999, "KHA"}, {0.7, "KHA"}, {0.69999, "TRUNG_BINH"}, {0.4, "TRUNG_BINH"}, {0.39, "CHAM"}, {0, "CHAM"}} {
		if got := BandFor(bands, tc.rate); got.Key != tc.want {
			t.Errorf("BandFor(%v) = %s, want %s", tc.rate, got.Key, tc.want)
		}
	}
}
