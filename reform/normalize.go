package reform

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese writes a syllable's tone mark on one of its vowels, and two
// conventions disagree on which ("Thuỵ" and "Thụy", "Hoà" and "Hòa"). key
// folds a name so both spellings meet: lower case, NFC, every tone mark
// moved to the end of its syllable; the other diacritics (â, ă, ê, ô, ơ, ư,
// đ) stay, because they tell names apart ("Hòa" and "Hóa" differ by tone,
// which stays too, only its place is forgotten).
func key(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, ab := range []string{"n.t ", "n.t.", "nt "} {
		if strings.HasPrefix(s, ab) {
			s = "nông trường " + strings.TrimLeft(s[len(ab):], ". ") // "N.T Phong Hải", "NT Liên Sơn"
			break
		}
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	var tone rune
	flush := func() {
		if tone != 0 {
			b.WriteRune(tone)
			tone = 0
		}
	}
	space := false
	for _, r := range d {
		switch {
		case isTone(r):
			tone = r
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		default: // spaces, hyphens, dots: a syllable ends
			flush()
			space = b.Len() > 0
		}
	}
	flush()
	return norm.NFC.String(b.String())
}

// isTone reports whether r is one of the five combining tone marks.
func isTone(r rune) bool {
	switch r {
	case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
		return true
	}
	return false
}

// bare folds a name with every diacritic dropped (and đ → d): the looser
// match, used only when it is unambiguous.
func bare(s string) string {
	d := norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	space := false
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte('d')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		default:
			space = b.Len() > 0
		}
	}
	return b.String()
}

// prefixes are the kinds of commune-level units, longest first.
var prefixes = []string{"thị trấn", "phường", "xã", "đặc khu"}

// splitPrefix separates a commune's kind word from its name: "Thị trấn Ba
// Tri" → ("thị trấn", "Ba Tri"). A name without one returns "".
func splitPrefix(s string) (prefix, name string) {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	for _, p := range prefixes {
		if strings.HasPrefix(low, p+" ") {
			return p, strings.TrimSpace(s[len(p)+1:])
		}
	}
	return "", s
}

// loose folds a name further than bare: no spaces ("Ga Ri" and "Gari",
// "Đa Krông" and "Đakrông") and i for y ("Sĩ Bình" and "Sỹ Bình"). Used only
// when it leaves exactly one candidate.
func loose(s string) string {
	f := strings.Fields(bare(key(s)))
	for i, w := range f {
		if n, ok := roman[w]; ok && i > 0 {
			f[i] = n // "Hòa Tú II" and "Hòa Tú 2"
		}
	}
	b := strings.Join(f, " ")
	b = strings.ReplaceAll(b, " ", "")
	return strings.ReplaceAll(b, "y", "i")
}

var roman = map[string]string{"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10"}
