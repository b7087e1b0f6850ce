package graph

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tiendo-vn/tiendo/domain"
)

// The wire format of the domain's scalars and enums (gqlgen.yml maps Date,
// UnitKind, Source and CampaignOutcome here), so that package domain does
// not know GraphQL.

// quoted writes s as a JSON string.
func quoted(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(s)) })
}

// MarshalDate writes a date as "YYYY-MM-DD".
func MarshalDate(d domain.Date) graphql.Marshaler { return quoted(d.String()) }

// UnmarshalDate reads a "YYYY-MM-DD" string: BAD_INPUT otherwise.
func UnmarshalDate(v any) (domain.Date, error) {
	s, ok := v.(string)
	if !ok {
		return 0, domain.Errorf(domain.EINVALID, "a Date is a string in the form YYYY-MM-DD")
	}
	return domain.ParseDate(s)
}

// MarshalUnitKind writes the enum value.
func MarshalUnitKind(k domain.UnitKind) graphql.Marshaler { return quoted(string(k)) }

// UnmarshalUnitKind reads the enum value, in any case.
func UnmarshalUnitKind(v any) (domain.UnitKind, error) {
	return unmarshalString(v, "unit kind", domain.ParseUnitKind)
}

// MarshalSource writes the enum value.
func MarshalSource(s domain.Source) graphql.Marshaler { return quoted(string(s)) }

// UnmarshalSource reads the enum value.
func UnmarshalSource(v any) (domain.Source, error) {
	return unmarshalString(v, "source", func(str string) (domain.Source, error) {
		switch s := domain.Source(str); s {
		case domain.SourceReported, domain.SourceRollup, domain.SourceCarried, domain.SourceNone:
			return s, nil
		}
		return "", fmt.Errorf("unknown source %q", str)
	})
}

// unmarshalString parses v with parse if it is a string; what names the
// value in the error otherwise.
func unmarshalString[T any](v any, what string, parse func(string) (T, error)) (T, error) {
	s, ok := v.(string)
	if !ok {
		var zero T
		return zero, fmt.Errorf("%s must be a string", what)
	}
	return parse(s)
}

// MarshalCampaignOutcome writes the enum value.
func MarshalCampaignOutcome(o domain.CampaignOutcome) graphql.Marshaler { return quoted(string(o)) }

// UnmarshalCampaignOutcome reads the enum value.
func UnmarshalCampaignOutcome(v any) (domain.CampaignOutcome, error) {
	s, _ := v.(string)
	switch o := domain.CampaignOutcome(s); o {
	case domain.OutcomeCompleted, domain.OutcomeNotCompleted:
		return o, nil
	}
	return "", fmt.Errorf("outcome must be COMPLETED or NOT_COMPLETED")
}
