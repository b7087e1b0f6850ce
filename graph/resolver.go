package graph

import (
	"log/slog"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/live"
	"github.com/tiendo-vn/tiendo/publish"
)

// Resolver is the one place that holds the API's dependencies.
type Resolver struct {
	DB     *db.DB
	Logger *slog.Logger
	// Now returns the current time; tests may fix it.
	Now func() time.Time
	// QuotaFactor: a reported figure above its unit's quota times this
	// factor is rejected unless confirmed (0: domain.DefaultQuotaFactor,
	// negative: no check).
	QuotaFactor float64
	// Bulletins publishes daily bulletins (nil: one on DB with no grace).
	Bulletins *publish.Service
	// Health notices the database's outages, once each (nil: the
	// handler's own); share it with whatever else reads DB (/readyz).
	Health *DBHealth
	// Contact is where readers report an error in a figure (Dataset.contact;
	// empty: none given).
	Contact string
	// Live feeds the subscriptions (nil: they answer UNAVAILABLE).
	Live *live.Hub

	// App holds the use cases (nil: one over DB with Now, QuotaFactor and
	// Logger, made on first use).
	App *app.App

	appOnce sync.Once
	cache   readCache
}

// app returns the application layer the resolvers call.
func (r *Resolver) app() *app.App {
	r.appOnce.Do(func() {
		if r.App == nil {
			r.App = &app.App{Store: r.DB, Now: r.Now, QuotaFactor: r.QuotaFactor, Logger: r.Logger}
		}
	})
	return r.App
}

// today is the current day in Vietnam.
func (r *Resolver) today() domain.Date { return r.app().Today() }

// todayIn is the current day in a campaign's time zone.
func (r *Resolver) todayIn(c *domain.Campaign) domain.Date { return r.app().TodayIn(c) }

// currentDay is the day today's map is read on.
func (r *Resolver) currentDay() domain.Date { return r.app().CurrentDay() }
