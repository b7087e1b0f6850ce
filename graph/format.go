package graph

import (
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/progress"
)

// The API's formatted strings are package progress's: vi-VN by default,
// en-US with lang: EN.

// langTag maps the API's Lang (nil: Vietnamese) to progress's language tag.
func langTag(l *Lang) string {
	if l != nil && *l == LangEn {
		return progress.LangEN
	}
	return progress.LangVI
}

// formatCount writes a count with the language's thousands separator.
func formatCount(n int64, l *Lang) string { return progress.FormatCount(n, langTag(l)) }

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
// or one of bands' minimums (progress.FormatRateIn).
func rateText(figure, quota *int64, bands []domain.Band, l *Lang) *string {
	if figure == nil || quota == nil {
		return nil
	}
	s := progress.FormatRateIn(*figure, *quota, bands, langTag(l))
	if s == "" {
		return nil
	}
	return &s
}
