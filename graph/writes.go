package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/domain"
)

// now is the current time (Resolver.Now in tests).
func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// writer returns the request's principal if it may write (app.Writer):
// checked before the arguments, so a request without a token learns that
// first.
func writer(ctx context.Context) (*domain.Principal, error) { return app.Writer(PrincipalFrom(ctx)) }

// admin returns the request's principal if it is an admin (app.Admin).
func admin(ctx context.Context) (*domain.Principal, error) { return app.Admin(PrincipalFrom(ctx)) }

// fail reports every error of a multi-error (the problems of a batch) as
// its own GraphQL error, each with its code and field, and returns the
// last one for the resolver to return.
func fail(ctx context.Context, err error) error {
	var multi interface{ Unwrap() []error }
	if errors.As(err, &multi) {
		errs := multi.Unwrap()
		if len(errs) > 0 {
			for _, e := range errs[:len(errs)-1] {
				graphql.AddError(ctx, e)
			}
			return errs[len(errs)-1]
		}
	}
	return err
}

// written handles a write's (result, error): an error with a result means
// the write was committed but the figures were not refreshed, which is
// logged, not reported (reads refresh them).
func written[T any](ctx context.Context, r *Resolver, res *T, err error) (*T, error) {
	if err != nil && res != nil {
		r.logger().ErrorContext(ctx, "after write", "err", err, "request_id", RequestID(ctx))
		return res, nil
	}
	if err != nil {
		return nil, fail(ctx, err)
	}
	return res, nil
}

// reportWrite runs a report write (a submission or a correction) as the
// request's writer and translates its result.
func (r *Resolver) reportWrite(ctx context.Context, write func(*domain.Principal) (*domain.ReportResult, error)) (*ReportWriteResult, error) {
	p, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	res, err := write(p)
	if res, err = written(ctx, r, res, err); err != nil {
		return nil, err
	}
	return reportResult(res), nil
}

func (r *Resolver) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

func reportResult(res *domain.ReportResult) *ReportWriteResult {
	out := &ReportWriteResult{Campaign: res.Campaign, Written: res.Written, Unchanged: res.Unchanged,
		Replayed: res.Replayed, ReceivedAt: res.ReceivedAt}
	if res.ClientKey != "" {
		k := res.ClientKey
		out.ClientKey = &k
	}
	for _, it := range res.Items {
		o := &ReportOutcome{Index: it.Index, UnitCode: it.UnitCode, Metric: it.Metric, Date: it.Date, Value: int(it.Value),
			Status: WriteStatus(it.Status), Revision: int(it.Revision), Flagged: it.Flagged}
		if it.Previous != nil {
			v := int(*it.Previous)
			o.Previous = &v
		}
		out.Items = append(out.Items, o)
	}
	return out
}

func quotaOutcomes(items []domain.QuotaChangeOutcome) []*QuotaOutcome {
	out := make([]*QuotaOutcome, 0, len(items))
	for _, it := range items {
		o := &QuotaOutcome{Index: it.Index, UnitCode: it.UnitCode, Metric: it.Metric, Target: int(it.Target),
			EffectiveFrom: it.EffectiveFrom, Reason: it.Reason, Status: WriteStatus(it.Status)}
		if it.RevisionID != 0 {
			id := strconv.FormatInt(it.RevisionID, 10)
			o.RevisionID = &id
		}
		if it.Previous != nil {
			v := int(*it.Previous)
			o.Previous = &v
		}
		out = append(out, o)
	}
	return out
}

// parseClock reads HH:MM as minutes after midnight.
func parseClock(field, s string) (int32, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(h) != 2 || len(m) != 2 || hh > 23 || mm > 59 || hh < 0 || mm < 0 {
		return 0, domain.FieldErrorf(domain.EINVALID, field, "%q is not a time of day in the form HH:MM", s)
	}
	return int32(hh*60 + mm), nil
}

func bandsOf(in []*BandInput) []domain.Band {
	if in == nil {
		return nil
	}
	out := make([]domain.Band, len(in))
	for i, b := range in {
		out[i] = domain.Band{Key: strings.TrimSpace(b.Key), Min: b.Min, LabelVI: deref(b.LabelVi), LabelEN: deref(b.LabelEn)}
		if out[i].LabelVI == "" {
			out[i].LabelVI = out[i].Key
		}
		if out[i].LabelEN == "" {
			out[i].LabelEN = out[i].LabelVI
		}
	}
	return out
}

func milestonesOf(in []*MilestoneInput) []domain.Milestone {
	out := make([]domain.Milestone, len(in))
	for i, m := range in {
		out[i] = domain.Milestone{Date: m.Date, LabelVI: deref(m.LabelVi), LabelEN: deref(m.LabelEn)}
	}
	return out
}

func int32Of(field string, n *int) (*int32, error) {
	if n == nil {
		return nil, nil
	}
	if *n < -1<<31 || *n > 1<<31-1 {
		return nil, domain.FieldErrorf(domain.EINVALID, field, "%d is out of range", *n)
	}
	v := int32(*n)
	return &v, nil
}

func auditEntry(e *domain.AuditRecord) *AuditEntry {
	out := &AuditEntry{ID: strconv.FormatInt(e.ID, 10), At: e.At, Actor: e.Actor, Action: e.Action, Entity: e.Entity,
		EntityKey: e.EntityKey, RequestID: e.RequestID}
	if e.TokenID != nil {
		id := fmt.Sprint(*e.TokenID)
		out.TokenID = &id
	}
	if e.Before != nil {
		s := string(e.Before)
		out.Before = &s
	}
	if e.After != nil {
		s := string(e.After)
		out.After = &s
	}
	return out
}
