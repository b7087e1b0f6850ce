package graph

import (
	"bytes"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// TestScalars: the wire format of the domain's scalars and enums, which
// package domain no longer knows.
func TestScalars(t *testing.T) {
	var b bytes.Buffer
	MarshalDate(domain.MustDate("2025-07-01")).MarshalGQL(&b)
	MarshalUnitKind(domain.KindCommune).MarshalGQL(&b)
	MarshalSource(domain.SourceRollup).MarshalGQL(&b)
	MarshalCampaignOutcome(domain.OutcomeCompleted).MarshalGQL(&b)
	if got, want := b.String(), `"2025-07-01""COMMUNE""ROLLUP""COMPLETED"`; got != want {
		t.Fatalf("marshalled %s, want %s", got, want)
	}
	t.Run("OK", func(t *testing.T) {
		if d, err := UnmarshalDate("2025-07-01"); err != nil || d != domain.MustDate("2025-07-01") {
			t.Errorf("date: %v, %v", d, err)
		}
		if k, err := UnmarshalUnitKind("province"); err != nil || k != domain.KindProvince {
			t.Errorf("kind: %v, %v", k, err)
		}
		if s, err := UnmarshalSource("CARRIED"); err != nil || s != domain.SourceCarried {
			t.Errorf("source: %v, %v", s, err)
		}
		if o, err := UnmarshalCampaignOutcome("NOT_COMPLETED"); err != nil || o != domain.OutcomeNotCompleted {
			t.Errorf("outcome: %v, %v", o, err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, err := UnmarshalDate(20250701); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("a number as a date: %v", err)
		}
		if _, err := UnmarshalDate("2025-02-30"); err == nil {
			t.Error("30 February accepted")
		}
		if _, err := UnmarshalUnitKind("HAMLET"); err == nil {
			t.Error("unknown kind accepted")
		}
		if _, err := UnmarshalSource("GUESS"); err == nil {
			t.Error("unknown source accepted")
		}
		if _, err := UnmarshalCampaignOutcome(1); err == nil {
			t.Error("a number as an outcome accepted")
		}
	})
}
