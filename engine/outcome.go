package engine

import "github.com/tiendo-vn/tiendo/domain"

// Outcome is what a unit's figure for day says once its campaign is over:
// for the campaign's last day (or a later one), when the campaign has ended
// (today, in the campaign's zone, is after its last day), the unit has
// completed its quota (figure ≥ quota) or has not (a smaller figure, or
// none). There is no outcome ("") while the campaign runs, for an earlier
// day, or without a quota. With an outcome there is no risk any more:
// whether the quota is reached is known, so AtRisk reads false
// (see Settle).
func Outcome(c *domain.Campaign, day, today domain.Date, value, quota *int64) domain.CampaignOutcome {
	if !Ended(c, day, today) || quota == nil || *quota <= 0 {
		return ""
	}
	if value != nil && *value >= *quota {
		return domain.OutcomeCompleted
	}
	return domain.OutcomeNotCompleted
}

// Ended reports whether day's figures are the campaign's final ones: day is
// its last day or later and today is after its last day.
func Ended(c *domain.Campaign, day, today domain.Date) bool {
	return day >= c.End && today > c.End
}

// Settle returns what a stored at-risk flag reads as on today: false once
// the day's outcome is known (Outcome), the stored flag before.
func Settle(c *domain.Campaign, day, today domain.Date, atRisk bool) bool {
	return atRisk && !Ended(c, day, today)
}
