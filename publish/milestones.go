package publish

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/milestone"
)

// Milestone rankings are frozen on the bulletins' clock: once a milestone's
// day has passed its report deadline and the grace, PublishDue records its
// official ranking, once (see db.FreezeMilestone), and it is served from
// that record ever after.

// FreezesAt is when a campaign's day is frozen by itself: its report
// deadline plus the grace.
func (s *Service) FreezesAt(c *domain.Campaign, day domain.Date) time.Time {
	return c.Deadline(day).Add(s.Grace)
}

// Freeze records the frozen ranking of a campaign's milestone from the
// stored figures, unless it is recorded already. It reports whether it
// recorded it now.
func (s *Service) Freeze(ctx context.Context, c *domain.Campaign, scope *domain.Unit, ms domain.Milestone, actor string) (*db.Freeze, bool, error) {
	return s.DB.FreezeMilestone(ctx, c, ms.Date, actor, func(figs []*db.DayFigure) ([]byte, string, int, error) {
		in := make([]milestone.Figure, len(figs))
		for i, f := range figs {
			in[i] = milestone.Figure{Metric: f.Metric, Unit: f.Unit, Point: rowOf(&f.Point)}
			if f.Rank != nil {
				in[i].StoredRank = *f.Rank
			}
		}
		rec := milestone.Build(c, scope, ms, in)
		b, hash, err := rec.Marshal()
		return b, hash, rec.Rules.Version, err
	})
}

func rowOf(p *domain.Point) milestone.Row {
	r := milestone.Row{Figure: p.Value, Quota: p.Quota, QuotaOwn: p.QuotaOwn, Rate: p.Rate, Band: p.Band, Source: p.Source,
		StaleDays: p.StaleDays, Delta: p.Delta, Pace7d: p.Pace7d, RequiredPace: p.RequiredPace, AtRisk: p.AtRisk,
		OnTime: p.OnTime, Late: p.Late, Missing: p.Missing}
	if p.Projected != nil {
		d := p.Projected.String()
		r.Projected = &d
	}
	return r
}

// freezeDue freezes each milestone of a campaign up to day last (the last
// day due, deadline and grace passed) that is not frozen yet, and returns
// how many it froze.
func (s *Service) freezeDue(ctx context.Context, c *domain.Campaign, scope *domain.Unit, last domain.Date) (int, error) {
	n := 0
	for _, ms := range c.Milestones {
		if ms.Date > last || ms.Date < c.Start {
			continue
		}
		if z, err := s.DB.MilestoneFreeze(ctx, c.ID, ms.Date); err != nil || z != nil {
			if err != nil {
				return n, err
			}
			continue
		}
		_, made, err := s.Freeze(ctx, c, scope, ms, "tiendo")
		if err != nil {
			return n, fmt.Errorf("milestone %s %s: %w", c.Slug, ms.Date, err)
		}
		if made {
			n++
			s.logger().Info("milestone ranking frozen", "campaign", c.Slug, "day", ms.Date.String())
		}
	}
	return n, nil
}

// freezeAfterPublish freezes the campaign's milestones due, after a
// bulletin published on request.
func (s *Service) freezeAfterPublish(ctx context.Context, c *domain.Campaign) error {
	scope, err := s.DB.UnitByID(ctx, c.ScopeUnitID)
	if err != nil {
		return err
	}
	_, err = s.freezeDue(ctx, c, scope, db.FiguresDue(c, s.now().Add(-s.Grace)))
	return err
}

// milestoneDownload serves /downloads/{campaign}/milestones/{date}.csv and
// .json: the frozen record as CSV, or its stored bytes unchanged (their
// SHA-256 is the record's hash). A frozen record never changes, so both are
// immutable.
func (s *Service) milestoneDownload(w http.ResponseWriter, r *http.Request) {
	date, ext, _ := strings.Cut(r.PathValue("file"), ".")
	if ext != "csv" && ext != "json" {
		s.fail(w, r, notFound("milestone downloads are DATE.csv or DATE.json"))
		return
	}
	day, err := domain.ParseDate(date)
	if err != nil {
		s.fail(w, r, domain.Errorf(domain.EINVALID, "%q is not a date (YYYY-MM-DD)", date))
		return
	}
	c, err := s.DB.CampaignBySlug(r.Context(), r.PathValue("campaign"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	z, err := s.DB.MilestoneFreeze(r.Context(), c.ID, day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if z == nil {
		s.fail(w, r, notFound("no milestone ranking of %s is frozen for %s", c.Slug, day))
		return
	}
	b, err := milestoneFile(z, ext)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := fmt.Sprintf(`"%s-%s"`, z.Hash[:32], ext)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Last-Modified", z.FrozenAt.UTC().Format(http.TimeFormat))
	if strings.Contains(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tiendo-%s-moc-%s.%s"`, c.Slug, day, ext))
	if ext == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	}
	w.Write(b)
}

// milestoneFile is a frozen record as a download: its stored bytes, or CSV.
func milestoneFile(z *db.Freeze, ext string) ([]byte, error) {
	rec, err := milestone.Unmarshal(z.Content, z.Hash)
	if err != nil {
		return nil, err
	}
	if ext == "json" {
		return z.Content, nil
	}
	var b strings.Builder
	err = milestone.WriteCSV(&b, rec)
	return []byte(b.String()), err
}

// MilestoneURL is the path of a frozen record's download (ext csv or json),
// the same on the server and in the static export.
func MilestoneURL(slug string, day domain.Date, ext string) string {
	return fmt.Sprintf("/downloads/%s/milestones/%s.%s", slug, day, ext)
}
