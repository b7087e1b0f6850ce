package portal_test

import (
	"os/exec"
	"testing"
)

// The portal's CSV download writes formula-like text with a leading
// apostrophe (static/csv.js); e2e/csv.test.mjs checks it with node, which
// this runs when node is installed.
func TestCSVCells(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	out, err := exec.Command(node, "e2e/csv.test.mjs").CombinedOutput()
	if err != nil {
		t.Fatalf("e2e/csv.test.mjs: %v\n%s", err, out)
	}
}
