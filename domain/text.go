package domain

import (
	"strings"
	"unicode/utf8"
)

// TextProblem says what makes s unfit to be stored or looked up as text
// (PostgreSQL refuses both with SQLSTATE 22021), or "" when nothing does:
// a NUL character, or bytes that are not UTF-8.
func TextProblem(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		return "contains a NUL character (U+0000), which text may not hold"
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	return ""
}

// TextLen is the length of s in characters (Unicode code points), the way
// PostgreSQL's length() counts and the way limits are stated.
func TextLen(s string) int { return utf8.RuneCountInString(s) }
