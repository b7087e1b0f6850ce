package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/domain"
)

func TestAdmin(t *testing.T) {
	unit := int64(7)
	reporter := &domain.Principal{Name: "xã", Role: domain.RoleReporter, UnitID: &unit, UnitCode: "836"}
	for name, tc := range map[string]struct {
		p    *domain.Principal
		want string
	}{
		"OK":                 {domain.CLI("ops"), ""},
		"ErrUnauthenticated": {nil, domain.EUNAUTHENTICATED},
		"ErrForbidden":       {reporter, domain.EFORBIDDEN},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := app.Admin(tc.p); domain.ErrorCode(err) != tc.want {
				t.Fatalf("code %q, want %q (%v)", domain.ErrorCode(err), tc.want, err)
			}
		})
	}
	if _, err := app.Writer(reporter); err != nil {
		t.Fatalf("a reporter may write: %v", err)
	}
}

// TestWriteChecks: the checks of a request's shape answer before the store
// is asked (the App here has none).
func TestWriteChecks(t *testing.T) {
	a := &app.App{}
	ctx := context.Background()
	admin := domain.CLI("ops")
	one := []domain.ReportItem{{UnitCode: "836", Metric: "collected", Value: 1}}
	for name, tc := range map[string]struct {
		write func() error
		field string
	}{
		"ErrNoClientKey": {func() error {
			_, err := a.SubmitReports(ctx, admin, domain.SubmitRequest{Campaign: "x", ClientKey: " ", Reports: one})
			return err
		}, "clientKey"},
		"ErrLongClientKey": {func() error {
			_, err := a.SubmitReports(ctx, admin, domain.SubmitRequest{Campaign: "x", ClientKey: strings.Repeat("k", 201), Reports: one})
			return err
		}, "clientKey"},
		"ErrEmptyBatch": {func() error {
			_, err := a.SubmitReports(ctx, admin, domain.SubmitRequest{Campaign: "x", ClientKey: "k"})
			return err
		}, "reports"},
		"ErrBatchTooLarge": {func() error {
			_, err := a.SubmitReports(ctx, admin, domain.SubmitRequest{Campaign: "x", ClientKey: "k", Reports: make([]domain.ReportItem, domain.MaxBatch+1)})
			return err
		}, "reports"},
		"ErrNoReason": {func() error {
			_, err := a.CorrectReport(ctx, admin, domain.CorrectRequest{Campaign: "x", Reason: " \t"})
			return err
		}, "reason"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.write()
			var e *domain.Error
			if domain.ErrorCode(err) != domain.EINVALID || !asError(err, &e) || e.Field != tc.field {
				t.Fatalf("got %v, want BAD_INPUT on %s", err, tc.field)
			}
		})
	}
	if _, err := a.SetQuotas(ctx, nil, domain.SetQuotasRequest{}); domain.ErrorCode(err) != domain.EUNAUTHENTICATED {
		t.Fatalf("SetQuotas without a principal: %v", err)
	}
}

func asError(err error, e **domain.Error) bool {
	var ok bool
	*e, ok = err.(*domain.Error)
	return ok
}
