package portal_test

import (
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/portal"
)

// TestEmbedChartFramable: the embeddable chart may be framed by any site;
// every other page by none.
func TestEmbedChartFramable(t *testing.T) {
	h := portal.Handler()
	for path, want := range map[string]string{"/embed-chart.html": "frame-ancestors *", "/": "frame-ancestors 'none'", "/unit.html": "frame-ancestors 'none'"} {
		csp := mustGet(t, h, path).header.Get("Content-Security-Policy")
		if !strings.Contains(csp, want) || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q, want %s and scripts from our origin only", path, csp, want)
		}
	}
}
