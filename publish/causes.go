package publish

import (
	"context"
	"sort"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/press"
)

// fall explains why the scope's figure of a metric fell from the day
// before, from the stored figures and reports: each unit whose figure fell
// either changed source (rule 2: its own report now, its children's sum
// the day before, or the other way round), or was lowered by a correction
// of its report of the day (or one of the day before raised), or fell
// because units below it did. It returns nothing unless every fall it
// meets has such a cause: a cause is never guessed.
func (s *Service) fall(ctx context.Context, c *domain.Campaign, scope *domain.Unit, metric string, day domain.Date) ([]press.FallCause, error) {
	pairs, err := s.DB.DayPairs(ctx, c.ID, metric, day)
	if err != nil {
		return nil, err
	}
	byUnit := map[int64]db.DayPair{}
	children := map[int64][]int64{}
	for _, p := range pairs {
		byUnit[p.UnitID] = p
		if p.ParentID != nil {
			children[*p.ParentID] = append(children[*p.ParentID], p.UnitID)
		}
	}
	fell := func(p db.DayPair) bool { return p.Value != nil && p.Prev != nil && *p.Value < *p.Prev }
	type found struct {
		unit    int64
		from    domain.Source
		to      domain.Source
		reports bool // the unit's own reports of both days: a correction?
	}
	var causes []found
	var walk func(id int64) bool
	walk = func(id int64) bool {
		p := byUnit[id]
		switch {
		case p.PrevSource == nil:
			return false
		case *p.PrevSource != p.Source:
			causes = append(causes, found{unit: id, from: *p.PrevSource, to: p.Source})
			return true
		case p.Source == domain.SourceReported:
			causes = append(causes, found{unit: id, reports: true})
			return true
		case p.Source == domain.SourceRollup:
			explained := false
			for _, ch := range children[id] {
				if fell(byUnit[ch]) {
					if !walk(ch) {
						return false
					}
					explained = true
				}
			}
			return explained
		}
		return false
	}
	if p, ok := byUnit[scope.ID]; !ok || !fell(p) || !walk(scope.ID) {
		return nil, nil
	}
	// The corrections: the latest revision of the day lowered the figure,
	// or that of the day before raised it.
	var reporting []int64
	for _, f := range causes {
		if f.reports {
			reporting = append(reporting, f.unit)
		}
	}
	revs := map[int64][]db.ReportRevision{}
	if len(reporting) > 0 {
		rs, err := s.DB.LatestReports(ctx, metric, reporting, []domain.Date{day, day - 1})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			revs[r.UnitID] = append(revs[r.UnitID], r)
		}
	}
	ids := make([]int64, len(causes))
	for i, f := range causes {
		ids[i] = f.unit
	}
	units, err := s.DB.UnitsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []press.FallCause
	for i, f := range causes {
		if units[i] == nil {
			return nil, nil
		}
		fc := press.FallCause{Unit: unitOf(units[i]), Scope: f.unit == scope.ID}
		if !f.reports {
			fc.From, fc.To = f.from, f.to
			out = append(out, fc)
			continue
		}
		n := 0
		for _, r := range revs[f.unit] {
			lowered := r.Day == day && r.Correction && (r.Previous == nil || *r.Previous > r.Value)
			raised := r.Day == day-1 && r.Correction && r.Previous != nil && *r.Previous < r.Value
			if lowered || raised {
				fc.Correction = revisionOf(fc.Unit, r)
				out = append(out, fc)
				n++
			}
		}
		if n == 0 {
			return nil, nil // a fall of a unit's own reports without a correction: no known cause
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Unit.Code < out[j].Unit.Code })
	return out, nil
}

func revisionOf(u press.Unit, r db.ReportRevision) *press.Revision {
	out := &press.Revision{Kind: "report", Unit: u, Metric: r.Metric, Day: r.Day.String(), Revision: r.Revision,
		Value: r.Value, Previous: r.Previous, Reason: r.Note}
	if r.Quota {
		out.Kind, out.Revision = "quota", 0
	}
	return out
}

// causes returns the revisions of reports and quotas behind a new revision
// of a bulletin: those its figures see (snapshot cur) that the previous
// revision's did not (prev; none when it was not recorded).
func (s *Service) causes(ctx context.Context, c *domain.Campaign, scope *domain.Unit, day domain.Date, prev *string, cur string) ([]press.Revision, error) {
	if prev == nil || cur == "" {
		return nil, nil
	}
	rs, err := s.DB.RevisionsBetween(ctx, c.ID, day, *prev, cur)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	if scope.ID != c.ScopeUnitID { // a bulletin of a unit inside the campaign: its own units only
		if rs, err = s.below(ctx, scope.ID, rs); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.UnitID
	}
	units, err := s.DB.UnitsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]press.Revision, 0, len(rs))
	for i, r := range rs {
		if units[i] != nil {
			out = append(out, *revisionOf(unitOf(units[i]), r))
		}
	}
	return out, nil
}

// below keeps the revisions of units at or below a unit.
func (s *Service) below(ctx context.Context, unitID int64, rs []db.ReportRevision) ([]db.ReportRevision, error) {
	in := map[int64]bool{}
	var out []db.ReportRevision
	for _, r := range rs {
		ok, seen := in[r.UnitID]
		if !seen {
			ok = r.UnitID == unitID
			if !ok {
				up, err := s.DB.Ancestors(ctx, r.UnitID)
				if err != nil {
					return nil, err
				}
				for _, a := range up {
					ok = ok || a.ID == unitID
				}
			}
			in[r.UnitID] = ok
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}
