package graph

import (
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// The API's formatted strings are package numfmt's: vi-VN by default,
// en-US with lang: EN.

// langTag maps the API's Lang (nil: Vietnamese) to numfmt's language tag.
func langTag(l *Lang) string {
	if l != nil && *l == LangEn {
		return numfmt.LangEN
	}
	return numfmt.LangVI
}

// formatCount writes a count with the language's thousands separator.
func formatCount(n int64, l *Lang) string { return numfmt.FormatCount(n, langTag(l)) }

// countText formats an optional count.
func countText(n *int64, l *Lang) *string {
	if n == nil {
		return nil
	}
	s := formatCount(*n, l)
	return &s
}

// rateText formats figure ÷ quota, or nil without both (or without a rate:
// a zero quota). It never prints a threshold the rate has not reached: 100%
// or one of bands' minimums (numfmt.FormatRateIn).
func rateText(figure, quota *int64, bands []domain.Band, l *Lang) *string {
	if figure == nil || quota == nil {
		return nil
	}
	s := numfmt.FormatRateIn(*figure, *quota, bands, langTag(l))
	if s == "" {
		return nil
	}
	return &s
}
