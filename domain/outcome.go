package domain

import (
	"fmt"
	"io"
	"strconv"
)

// CampaignOutcome is how a unit ended a campaign on one metric: known once
// the campaign is over, and only for its last day (see engine.Outcome).
type CampaignOutcome string

// The outcomes. The empty value means none yet (the campaign runs, or the
// day is not its last).
const (
	OutcomeCompleted    CampaignOutcome = "COMPLETED"
	OutcomeNotCompleted CampaignOutcome = "NOT_COMPLETED"
)

// MarshalGQL writes the enum value.
func (o CampaignOutcome) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(o))) }

// UnmarshalGQL reads the enum value.
func (o *CampaignOutcome) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch CampaignOutcome(s) {
	case OutcomeCompleted, OutcomeNotCompleted:
		*o = CampaignOutcome(s)
		return nil
	}
	return fmt.Errorf("outcome must be COMPLETED or NOT_COMPLETED")
}
