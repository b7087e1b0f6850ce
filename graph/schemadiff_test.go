package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// A change of the public schema that can break a client, at a schema
// coordinate (Type, Type.field, Type.field(arg:), Enum.VALUE).
type schemaChange struct{ Coordinate, What string }

func (c schemaChange) String() string { return "`" + c.Coordinate + "` " + c.What }

// breakingChanges lists what in `next` can break a client written against
// `prev`: a type removed or of another kind; a field, argument, input
// field, enum value or union member removed; an output field whose type
// is not the old one or a non-null form of it; an argument or input field
// whose type is not the old one or a nullable form of it; a new required
// argument or input field (non-null without a default). Additions are not
// breaking. Built-ins and introspection are skipped.
func breakingChanges(prev, next *ast.Schema) []schemaChange {
	var out []schemaChange
	add := func(coord, format string, a ...any) {
		out = append(out, schemaChange{coord, fmt.Sprintf(format, a...)})
	}
	for name, old := range prev.Types {
		if old.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		cur := next.Types[name]
		switch {
		case cur == nil:
			add(name, "removed")
			continue
		case cur.Kind != old.Kind:
			add(name, "changed from %s to %s", old.Kind, cur.Kind)
			continue
		}
		input := old.Kind == ast.InputObject
		for _, f := range old.Fields {
			coord := name + "." + f.Name
			nf := cur.Fields.ForName(f.Name)
			if nf == nil {
				add(coord, "removed")
				continue
			}
			if !compatible(f.Type, nf.Type, input) {
				add(coord, "changed type from %s to %s", f.Type, nf.Type)
			}
			argChanges(coord, f.Arguments, nf.Arguments, add)
		}
		if input {
			for _, nf := range cur.Fields {
				if old.Fields.ForName(nf.Name) == nil && nf.Type.NonNull && nf.DefaultValue == nil {
					add(name+"."+nf.Name, "added as a required input field (%s)", nf.Type)
				}
			}
		}
		for _, v := range old.EnumValues {
			if cur.EnumValues.ForName(v.Name) == nil {
				add(name+"."+v.Name, "removed (enum value)")
			}
		}
		for _, m := range old.Types {
			if !contains(cur.Types, m) {
				add(name, "no longer includes %s", m)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func argChanges(field string, prev, next ast.ArgumentDefinitionList, add func(string, string, ...any)) {
	for _, a := range prev {
		coord := field + "(" + a.Name + ":)"
		na := next.ForName(a.Name)
		switch {
		case na == nil:
			add(coord, "removed")
		case !compatible(a.Type, na.Type, true):
			add(coord, "changed type from %s to %s", a.Type, na.Type)
		case na.Type.NonNull && na.DefaultValue == nil && (!a.Type.NonNull || a.DefaultValue != nil):
			add(coord, "made required")
		}
	}
	for _, na := range next {
		if prev.ForName(na.Name) == nil && na.Type.NonNull && na.DefaultValue == nil {
			add(field+"("+na.Name+":)", "added as a required argument (%s)", na.Type)
		}
	}
}

// compatible: a client of type `prev` still works with `next`. An output
// may only become stricter (non-null); an input only looser (nullable).
func compatible(prev, next *ast.Type, input bool) bool {
	if prev == nil || next == nil {
		return prev == next
	}
	if prev.NonNull != next.NonNull {
		if input == prev.NonNull { // input: ! dropped; output: ! added
			p, n := *prev, *next
			p.NonNull, n.NonNull = false, false
			return compatible(&p, &n, input)
		}
		return false
	}
	if (prev.Elem == nil) != (next.Elem == nil) {
		return false
	}
	if prev.Elem != nil {
		return compatible(prev.Elem, next.Elem, input)
	}
	return prev.NamedType == next.NamedType
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
