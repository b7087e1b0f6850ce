// Package app is Tiến Độ's application layer: the use cases between the
// API (package graph) and the store (package db). It submits and corrects
// reports, sets quotas and targets, and reads rankings and series (the
// campaign's figures version, caching, paging, band counts, re-ranking a
// smaller scope through package engine), with authorisation and the checks
// of a request's shape in one place. It speaks domain types only: no SQL,
// no GraphQL.
package app

import (
	"log/slog"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// Store is what the application needs of persistence (package db).
type Store interface {
	domain.UnitStore
	domain.CampaignStore
	domain.QuotaStore
	domain.ReportStore
	domain.FigureStore
	domain.AuditStore
}

// App holds the use cases' dependencies. Use it by pointer; the zero
// value of every field but Store is usable.
type App struct {
	Store Store
	// Now returns the current time (nil: time.Now); tests may fix it.
	Now func() time.Time
	// QuotaFactor: a reported figure above its unit's quota times this
	// factor is rejected unless confirmed (0: domain.DefaultQuotaFactor,
	// negative: no check).
	QuotaFactor float64
	Logger      *slog.Logger
	// Changed, if set, returns a channel closed at the next announced
	// change of any campaign's figures (live.Hub.Changed): a writer's read
	// waiting for a refresh through another server looks again at once,
	// not at its next poll.
	Changed func() <-chan struct{}

	cache   cache
	figures figureQueue
}

// now is the current time.
func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Today is the current day in Vietnam.
func (a *App) Today() domain.Date {
	return domain.DateFromTime(a.now().In(vietnam))
}

// TodayIn is the current day in a campaign's time zone.
func (a *App) TodayIn(c *domain.Campaign) domain.Date {
	return domain.DateFromTime(a.now().In(c.Location()))
}

// CurrentDay is the day today's map is read on: today, or the first day of
// the new map when a clock (tests, replays) is set before it.
func (a *App) CurrentDay() domain.Date { return max(a.Today(), domain.Reform2025) }

// writeOptions are the options of every write, and what collects the
// figures it leaves due.
func (a *App) writeOptions() (domain.WriteOptions, dueCollector) {
	due := dueCollector{}
	return domain.WriteOptions{Now: a.now(), QuotaFactor: a.QuotaFactor, Due: due.add}, due
}

var vietnam = func() *time.Location {
	loc, err := time.LoadLocation(domain.DefaultTimeZone)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()
