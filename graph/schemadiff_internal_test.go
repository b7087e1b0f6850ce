package graph

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestBreakingChanges: the differ finds each kind of breaking change the
// policy names, and lets the safe ones through.
func TestBreakingChanges(t *testing.T) {
	load := func(sdl string) *ast.Schema {
		return gqlparser.MustLoadSchema(&ast.Source{Input: sdl})
	}
	prev := load(`
type Query { a: Int b(x: Int, y: Int = 1): String c: [Int!] gone: Int e: E s: Int t(z: Int!): Int }
enum E { ONE TWO }
type K { f: Int }
input In { p: Int q: Int! }
type Old { f: Int }
type Mutation { m(in: In): Int }`)
	next := load(`
type Query { a: String b(x: Int!, w: Int!): String c: [Int!]! e: E s: Int! t(z: Int, n: Int = 3): Int }
enum E { ONE THREE }
input K { f: Int }
input In { p: Int q: Int r: Int! }
type Mutation { m(in: In): Int }`)
	var got []string
	for _, c := range breakingChanges(prev, next) {
		got = append(got, c.String())
	}
	want := []string{
		"`E.TWO` removed (enum value)",
		"`In.r` added as a required input field (Int!)",
		"`K` changed from OBJECT to INPUT_OBJECT",
		"`Old` removed",
		"`Query.a` changed type from Int to String",
		"`Query.b(w:)` added as a required argument (Int!)",
		"`Query.b(x:)` changed type from Int to Int!",
		"`Query.b(y:)` removed",
		"`Query.gone` removed",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	listed := changelogEntries("# API changelog\n\n## Unreleased\n- `Query.a` Migration: none\n\n## 2026-12-01: gone\nRemoved `Query.gone`.\n\nHow to migrate: use `Query.b`.\n\n## 2026-11-30\n- `Old` removed.\n")
	if listed("Query.a") || !listed("Query.gone") || listed("Old") {
		t.Errorf("changelog: an undated entry, a dated one with a migration note, one without: %v %v %v", listed("Query.a"), listed("Query.gone"), listed("Old"))
	}
}
