package httpapi

import (
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHeaderNamesCanonical: every name this package gives getHeader,
// setHeader and addHeader is canonical ("ETag" is not: it is "Etag"), so
// they mean what http.Header's methods mean.
func TestHeaderNamesCanonical(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`(?:get|set|add)Header\([^,]+, ("[^"]*"|[^,)]+)`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "headers.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			seen++
			name, ok := strings.CutPrefix(m[1], `"`)
			if !ok {
				t.Errorf("%s: %s names its header with %s, not a literal this test can check", f, m[0], m[1])
				continue
			}
			name = strings.TrimSuffix(name, `"`)
			if c := textproto.CanonicalMIMEHeaderKey(name); c != name {
				t.Errorf("%s: header %q is not canonical (%q)", f, name, c)
			}
		}
	}
	if seen == 0 {
		t.Error("no calls found: the pattern is stale")
	}
}
