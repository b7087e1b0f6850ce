package domain

// CampaignOutcome is how a unit ended a campaign on one metric: known once
// the campaign is over, and only for its last day (see engine.Outcome).
type CampaignOutcome string

// The outcomes. The empty value means none yet (the campaign runs, or the
// day is not its last).
const (
	OutcomeCompleted    CampaignOutcome = "COMPLETED"
	OutcomeNotCompleted CampaignOutcome = "NOT_COMPLETED"
)
