package graph

import (
	"log/slog"
	"time"

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
	// factor is rejected unless confirmed (0: db.DefaultQuotaFactor,
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

	cache readCache
}

// today is the current day in Vietnam.
func (r *Resolver) today() domain.Date {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	return domain.DateFromTime(now().In(vietnam))
}

var vietnam = func() *time.Location {
	loc, err := time.LoadLocation(domain.DefaultTimeZone)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()
