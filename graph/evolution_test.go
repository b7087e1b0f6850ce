package graph

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

var update = flag.Bool("update", false, "rewrite graph/schema.snapshot.graphql from the schema")

const snapshotFile, changelogFile = "schema.snapshot.graphql", "../CHANGELOG-API.md"

// TestSchemaEvolution: the public schema may change only as the evolution
// policy allows (README, "Evolution"). Against the committed snapshot,
// every breaking change must be listed in CHANGELOG-API.md under a dated
// heading with a migration note; and the snapshot must be the schema the
// server serves at /schema.graphql (`go test ./graph -run
// TestSchemaEvolution -update` rewrites it once the change is right).
func TestSchemaEvolution(t *testing.T) {
	sdl := SchemaFiles()[0].Body
	old, err := os.ReadFile(snapshotFile)
	if err != nil && !*update {
		t.Fatalf("%v: run go test ./graph -run TestSchemaEvolution -update", err)
	}
	if err == nil {
		prev, gerr := gqlparser.LoadSchema(&ast.Source{Name: snapshotFile, Input: string(old)})
		if gerr != nil {
			t.Fatalf("the snapshot does not load: %v", gerr)
		}
		log, _ := os.ReadFile(changelogFile)
		listed := changelogEntries(string(log))
		for _, c := range breakingChanges(prev, NewExecutableSchema(Config{}).Schema()) {
			if !listed(c.Coordinate) {
				t.Errorf("breaking change not in CHANGELOG-API.md: %s (list it under a ## YYYY-MM-DD heading with `%s` and a Migration: note, or deprecate instead of removing)", c, c.Coordinate)
			}
		}
	}
	switch {
	case *update:
		if err := os.WriteFile(snapshotFile, sdl, 0o644); err != nil {
			t.Fatal(err)
		}
	case !bytes.Equal(old, sdl):
		t.Errorf("%s is not the schema served at /schema.graphql: once the change is right (and any breaking change is in CHANGELOG-API.md), run go test ./graph -run TestSchemaEvolution -update and commit it", snapshotFile)
	}
}

// TestDeprecationsNameRemovalDate: a field, argument or enum value to be
// removed is first @deprecated with a reason that says when it goes.
func TestDeprecationsNameRemovalDate(t *testing.T) {
	date := regexp.MustCompile(`\b20\d\d-\d\d-\d\d\b`)
	check := func(coord string, ds ast.DirectiveList) {
		if d := ds.ForName("deprecated"); d != nil {
			if r := d.Arguments.ForName("reason"); r == nil || !date.MatchString(r.Value.Raw) {
				t.Errorf("%s is @deprecated without a removal date (YYYY-MM-DD) in its reason", coord)
			}
		}
	}
	for name, d := range NewExecutableSchema(Config{}).Schema().Types {
		if d.BuiltIn {
			continue
		}
		for _, f := range d.Fields {
			check(name+"."+f.Name, f.Directives)
			for _, a := range f.Arguments {
				check(name+"."+f.Name+"("+a.Name+":)", a.Directives)
			}
		}
		for _, v := range d.EnumValues {
			check(name+"."+v.Name, v.Directives)
		}
	}
}

// changelogEntries reads the API changelog: sections under `## YYYY-MM-DD`
// headings (a title may follow the date). A coordinate is listed when a
// dated section names it in backticks and has a migration note
// (`Migration:` or `How to migrate:`).
func changelogEntries(log string) func(coord string) bool {
	heading := regexp.MustCompile(`^## \d{4}-\d{2}-\d{2}\b`)
	migration := regexp.MustCompile(`(?i)\bmigrat(e|ion):`)
	var sections []string
	dated := false
	for _, line := range strings.Split(log, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			dated = heading.MatchString(line)
			if dated {
				sections = append(sections, "")
			}
		case dated:
			sections[len(sections)-1] += line + "\n"
		}
	}
	return func(coord string) bool {
		for _, s := range sections {
			if strings.Contains(s, "`"+coord+"`") && migration.MatchString(s) {
				return true
			}
		}
		return false
	}
}
