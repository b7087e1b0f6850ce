package graph

import (
	"slices"
	"strings"
	"testing"
)

// writerLeaves are the fields of the writer's types that it leaves to the
// executor (a selection of any of them sends the whole root field there).
var writerLeaves = map[string][]string{
	"RankingConnection": {"map", "campaignScope", "scope", "scopeName", "rules"},
	"RankingRow":        {"comparable", "partialPredecessors", "partialText"},
	"Unit":              {"parent", "ancestors", "children", "predecessors", "successors"},
	"ProgressPoint":     {"revisions", "comparable", "partialPredecessors"},
}

// TestWriterKnowsTheSchema fails when the schema grows (or changes) a field
// of a type the rankings' and series' writer answers: every field must be
// either written by it (writerSelectable, with the type the schema gives and
// no argument but the text fields' lang) or listed in writerLeaves. A new
// field is thus a decision: teach the writer (fastpath_write.go, and a case
// in TestWriterMatchesExecutor) or leave it to the executor.
func TestWriterKnowsTheSchema(t *testing.T) {
	s := NewExecutableSchema(Config{}).Schema()
	for typ, known := range writerSelectable {
		def := s.Types[typ]
		if def == nil {
			t.Errorf("writerSelectable names %s, which the schema does not have", typ)
			continue
		}
		for name := range known {
			if def.Fields.ForName(name) == nil {
				t.Errorf("writerSelectable names %s.%s, which the schema does not have", typ, name)
			}
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			child, written := known[f.Name]
			if !written {
				if !slices.Contains(writerLeaves[typ], f.Name) {
					t.Errorf("%s.%s is new to the rankings' and series' writer: add it to writerSelectable (and write it in fastpath_write.go) or to writerLeaves", typ, f.Name)
				}
				continue
			}
			if child != "" && f.Type.Name() != child {
				t.Errorf("%s.%s is a %s in the schema; the writer writes it as a %s", typ, f.Name, f.Type.Name(), child)
			}
			if child == "" && s.Types[f.Type.Name()].IsCompositeType() {
				t.Errorf("%s.%s is an object (%s) the writer writes as a scalar", typ, f.Name, f.Type.Name())
			}
			for _, a := range f.Arguments {
				if a.Name != "lang" || !strings.HasSuffix(f.Name, "Text") {
					t.Errorf("%s.%s has an argument %s the writer does not read", typ, f.Name, a.Name)
				}
			}
		}
	}
}
