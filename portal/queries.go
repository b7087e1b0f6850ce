package portal

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

// The portal's reads go by GET, naming each query by its SHA-256 (automatic
// persisted queries): the server knows the documents of its own portal from
// its start (trusted documents), so the first GET for one is answered at
// once, without the "PersistedQueryNotFound" round trip that registers an
// unknown query.
var (
	jsConst    = regexp.MustCompile("const (\\w+) = (`[^`]*`|'[^'\\n]*')")
	jsDocument = regexp.MustCompile("`(query[^`]*)`|'(query[^'\\n]*)'")
	jsInterp   = regexp.MustCompile(`\$\{(\w+)\}`)
)

// Queries returns the GraphQL documents the portal's scripts send, exactly
// as they send them: every string or template literal of static/*.js that
// starts with "query", its ${NAME} parts filled in from the script's
// constants. A document built as the page runs (one field per metric) or
// holding an escape is left out: the portal sends it in full the first
// time, which registers it.
func Queries() []string {
	var out []string
	files, _ := fs.Glob(embedded, "static/*.js")
	for _, f := range files {
		b, err := fs.ReadFile(embedded, f)
		if err != nil {
			continue
		}
		out = append(out, scriptQueries(string(b))...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// scriptQueries finds the documents of one script (see Queries).
func scriptQueries(src string) []string {
	consts := map[string]string{}
	for _, c := range jsConst.FindAllStringSubmatch(src, -1) {
		consts[c[1]] = c[2][1 : len(c[2])-1]
	}
	var fill func(s string, depth int) (string, bool)
	fill = func(s string, depth int) (string, bool) {
		ok := depth < 5
		s = jsInterp.ReplaceAllStringFunc(s, func(ref string) string {
			v, known := consts[jsInterp.FindStringSubmatch(ref)[1]]
			if !known {
				ok = false
				return ref
			}
			v, filled := fill(v, depth+1)
			ok = ok && filled
			return v
		})
		return s, ok && !strings.Contains(s, "${") && !strings.Contains(s, `\`)
	}
	var out []string
	for _, m := range jsDocument.FindAllStringSubmatch(src, -1) {
		if doc, ok := fill(m[1]+m[2], 0); ok {
			out = append(out, doc)
		}
	}
	return out
}
