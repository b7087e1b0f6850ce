package httpapi

import (
	"encoding/json"
	"strconv"
	"strings"
)

// duplicateKey returns where the valid JSON text b first names one member
// of an object twice, e.g. "query" or "variables.input.reports[2].value",
// and "" when no object does. encoding/json keeps the last of two members
// of the same name, so {"query": q1, "query": q2} would run q2 unseen by
// whoever reviewed q1; such a request is refused instead.
func duplicateKey(b []byte) string {
	s := keyScanner{b: b}
	if s.value() {
		return strings.Join(s.path, "")
	}
	return ""
}

// keyScanner walks JSON text already known to be valid (and nested at most
// as deep as encoding/json allows), keeping the path to where it is.
type keyScanner struct {
	b    []byte
	i    int
	path []string
}

func (s *keyScanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// value skips one value and reports whether it found a duplicate, leaving
// s.path at it.
func (s *keyScanner) value() bool {
	s.space()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '{':
		return s.object()
	case '[':
		s.i++
		for n := 0; !s.closed(']'); n++ {
			s.path = append(s.path, "["+strconv.Itoa(n)+"]")
			if s.value() {
				return true
			}
			s.next()
		}
	case '"':
		s.str()
	default: // a number, true, false or null
		for s.i < len(s.b) && !strings.ContainsRune(",]} \t\n\r", rune(s.b[s.i])) {
			s.i++
		}
	}
	return false
}

func (s *keyScanner) object() bool {
	s.i++
	var keys []string
	var many map[string]bool // past a few members, a set
	for !s.closed('}') {
		k := s.str()
		if s.seen(k, &keys, &many) {
			s.path = append(s.path, s.member(k))
			return true
		}
		s.space()
		s.i++ // the colon
		s.path = append(s.path, s.member(k))
		if s.value() {
			return true
		}
		s.next()
	}
	return false
}

// closed skips white space and reports whether the array or object being
// read ends there (with end), moving past its end.
func (s *keyScanner) closed(end byte) bool {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] == end {
		s.i++
		return true
	}
	return false
}

// next leaves the element or member just read: its path step, the white
// space and the comma after it.
func (s *keyScanner) next() {
	s.path = s.path[:len(s.path)-1]
	s.space()
	if s.i < len(s.b) && s.b[s.i] == ',' {
		s.i++
	}
}

// seen reports whether k is among the keys of the object being read, and
// adds it.
func (s *keyScanner) seen(k string, keys *[]string, many *map[string]bool) bool {
	if *many != nil {
		if (*many)[k] {
			return true
		}
		(*many)[k] = true
		return false
	}
	for _, seen := range *keys {
		if seen == k {
			return true
		}
	}
	*keys = append(*keys, k)
	if len(*keys) > 16 {
		*many = make(map[string]bool, 64)
		for _, k := range *keys {
			(*many)[k] = true
		}
	}
	return false
}

// member is the path step of a member name.
func (s *keyScanner) member(k string) string {
	if len(s.path) == 0 {
		return k
	}
	return "." + k
}

// str reads a string at s.i and returns its value.
func (s *keyScanner) str() string {
	start := s.i
	s.i++
	escaped := false
	for s.i < len(s.b) && s.b[s.i] != '"' {
		if s.b[s.i] == '\\' {
			escaped = true
			s.i++
		}
		s.i++
	}
	s.i++
	raw := s.b[start:min(s.i, len(s.b))]
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	var v string
	json.Unmarshal(raw, &v) // "\u0071uery" is "query"
	return v
}
