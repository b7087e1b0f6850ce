package graph

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// ReportRevision is one revision of a unit's report, as the public
// corrections log shows it.
type ReportRevision struct {
	Revision      int
	Value         int64
	PreviousValue *int64
	ReportedAt    time.Time
	RecordedAt    time.Time
	OnTime        bool
	Correction    bool
	Reason        *string
	SubmittedVia  *SubmissionChannel
	SubmitterRole *SubmitterRole

	submitterUnitID *int64
}

// newReportRevision reads a stored revision; its lateness is judged by c's
// report deadline for the day.
func newReportRevision(v *domain.Revision, c *domain.Campaign) ReportRevision {
	rv := ReportRevision{Revision: v.Revision, Value: v.Value, PreviousValue: v.Previous, ReportedAt: v.ReportedAt,
		RecordedAt: v.RecordedAt, OnTime: !v.ReportedAt.After(c.Deadline(v.Day)), Correction: v.Correction,
		submitterUnitID: v.SubmitterUnitID}
	if s := strings.TrimSpace(v.Note); s != "" {
		rv.Reason = &s
	}
	if v.Via != nil {
		ch := SubmissionChannel(*v.Via)
		rv.SubmittedVia = &ch
	}
	if v.SubmitterRole != nil {
		role := SubmitterRole(strings.ToUpper(*v.SubmitterRole))
		rv.SubmitterRole = &role
	}
	return rv
}

// ValueText is the value formatted for a reader.
func (v *ReportRevision) ValueText(lang *Lang) string { return *countText(&v.Value, lang) }

// PreviousValueText is the previous value formatted for a reader.
func (v *ReportRevision) PreviousValueText(lang *Lang) *string {
	return countText(v.PreviousValue, lang)
}

// Correction is an entry of a campaign's corrections log.
type Correction struct {
	ReportRevision
	Date            domain.Date
	BulletinRevised bool

	unitID int64
	metric string
}

// Change is value − previous value.
func (c *Correction) Change() *int64 {
	if c.PreviousValue == nil {
		return nil
	}
	d := c.Value - *c.PreviousValue
	return &d
}

// submitterUnit resolves the unit of a revision's sender.
func (r *Resolver) submitterUnit(ctx context.Context, v *ReportRevision) (*domain.Unit, error) {
	if v.submitterUnitID == nil {
		return nil, nil
	}
	return r.unitByID(ctx, *v.submitterUnitID)
}

// pointRevisions loads the revisions of a series point's report, batched
// with the other points of the request: the first RevisionCount of them,
// those the point's figure was computed with. Revisions are append-only
// and numbered from 1, so the list is the figures version's as the count
// is (a revision stored since the last refresh shows with its figure).
func (r *Resolver) pointRevisions(ctx context.Context, p *ProgressPoint) ([]*ReportRevision, error) {
	if p.campaign == nil || p.RevisionCount == 0 {
		return []*ReportRevision{}, nil
	}
	revs, err := r.loaders(ctx).Revisions.Load(ctx, domain.RevisionKey{UnitID: p.unitID, Metric: p.metric, Day: p.Date})
	if err != nil {
		return nil, err
	}
	out := make([]*ReportRevision, 0, len(revs))
	for _, v := range revs {
		if v.Revision <= p.RevisionCount {
			rv := newReportRevision(v, p.campaign)
			out = append(out, &rv)
		}
	}
	return out, nil
}

// corrections answers the corrections root field.
func (r *Resolver) corrections(ctx context.Context, slug string, scopeCode, metric *string, from, to *domain.Date, first *int, after *string) (*CorrectionConnection, error) {
	p, err := pageOf(first, after, 50)
	if err != nil {
		return nil, err
	}
	c, err := r.DB.CampaignBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	lo, hi := c.Start, c.End
	for _, d := range []struct {
		name string
		v    *domain.Date
		set  *domain.Date
	}{{"from", from, &lo}, {"to", to, &hi}} {
		if d.v == nil {
			continue
		}
		if *d.v < c.Start || *d.v > c.End {
			return nil, domain.FieldErrorf(domain.EINVALID, d.name, "%s: %s is outside the campaign (%s to %s)", d.name, *d.v, c.Start, c.End)
		}
		*d.set = *d.v
	}
	if hi < lo {
		return nil, domain.FieldErrorf(domain.EINVALID, "from", "from (%s) is after to (%s)", lo, hi)
	}
	f := domain.CorrectionFilter{Campaign: c, From: lo, To: hi, Offset: p.Offset, Limit: p.Limit}
	if metric != nil {
		if !slices.Contains(c.MetricKeys, *metric) {
			return nil, domain.FieldErrorf(domain.EINVALID, "metric", "metric: campaign %s does not track %q (it tracks %s)", slug, *metric, strings.Join(c.MetricKeys, ", "))
		}
		f.Metric = *metric
	}
	if scopeCode != nil {
		su, err := r.app().ScopeUnit(ctx, c, *scopeCode, hi)
		if err != nil {
			return nil, err
		}
		f.ScopeID = &su.ID
	}
	cs, total, err := r.DB.Corrections(ctx, f)
	if err != nil {
		return nil, err
	}
	conn := &CorrectionConnection{}
	conn.Edges, conn.PageInfo, conn.TotalCount = connection(p, cs, total, func(cur string, dc *domain.Correction) *CorrectionEdge {
		return &CorrectionEdge{Cursor: cur, Node: &Correction{ReportRevision: newReportRevision(&dc.Revision, c),
			Date: dc.Day, BulletinRevised: dc.BulletinRevised, unitID: dc.UnitID, metric: dc.Metric}}
	})
	return conn, nil
}
