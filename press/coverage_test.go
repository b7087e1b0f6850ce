package press

import (
	"slices"
	"testing"
)

// TestCoverageLists: a reporting unit (leaf) is listed as missing or as
// late, never both; a unit above others is listed for each.
func TestCoverageLists(t *testing.T) {
	ch := func(code string, leaf bool, late, missing int) Figure {
		return Figure{Unit: Unit{Code: code, Leaf: leaf}, Late: late, Missing: missing}
	}
	late, missing := coverageLists([]MetricDay{{Children: []Figure{
		ch("leaf-both", true, 1, 1), ch("leaf-late", true, 1, 0), ch("leaf-on-time", true, 0, 0),
		ch("above-both", false, 2, 3), ch("above-late", false, 1, 0), ch("above-missing", false, 0, 4),
	}}})
	if want := []string{"leaf-late", "above-both", "above-late"}; !slices.Equal(late, want) {
		t.Errorf("late %v, want %v", late, want)
	}
	if want := []string{"leaf-both", "above-both", "above-missing"}; !slices.Equal(missing, want) {
		t.Errorf("missing %v, want %v", missing, want)
	}
	if late, missing := coverageLists(nil); late != nil || missing != nil {
		t.Errorf("no metrics: %v %v", late, missing)
	}
}
