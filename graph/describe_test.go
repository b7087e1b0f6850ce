package graph

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestSchemaFullyDescribed: every type, field, argument, input field, enum
// value and directive of the schema (built-ins aside) has a description,
// since the schema's descriptions are the API's reference.
func TestSchemaFullyDescribed(t *testing.T) {
	missing := undescribed(NewExecutableSchema(Config{}).Schema())
	for _, m := range missing {
		t.Errorf("no description: %s", m)
	}
	if len(missing) > 0 {
		t.Logf("%d schema elements lack a description", len(missing))
	}
}

// undescribed lists the schema elements without a description, by path.
func undescribed(s *ast.Schema) []string {
	var out []string
	blank := func(d string) bool { return strings.TrimSpace(d) == "" }
	args := func(path string, as ast.ArgumentDefinitionList) {
		for _, a := range as {
			if blank(a.Description) {
				out = append(out, path+"("+a.Name+":)")
			}
		}
	}
	for name, d := range s.Types {
		if d.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if blank(d.Description) {
			out = append(out, name)
		}
		for _, f := range d.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if blank(f.Description) {
				out = append(out, name+"."+f.Name)
			}
			args(name+"."+f.Name, f.Arguments)
		}
		for _, v := range d.EnumValues {
			if blank(v.Description) {
				out = append(out, name+"."+v.Name)
			}
		}
	}
	for name, d := range s.Directives {
		if d.Position != nil && d.Position.Src != nil && d.Position.Src.BuiltIn {
			continue
		}
		if blank(d.Description) {
			out = append(out, "@"+name)
		}
		args("@"+name, d.Arguments)
	}
	return out
}
