package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// The rankings' and series' writer (see rootWriter): a selection compiled
// into a plan, written by the generated writeX functions
// (fastpath_write_gen.go) as the executor writes it.

// plan is a selection on one type, compiled once per request: its fields in
// the executor's order, each alias once and already quoted.
type plan struct {
	typ    writerType
	fields []planField
}

// writerTypename is the id of __typename in every type.
const writerTypename = -1

type planField struct {
	key   []byte // "alias":
	id    int    // the field's index in its type (writerFieldInfo.id), or writerTypename
	child *plan
	args  []any // the field's arguments, in the order of the schema
}

// writerFieldInfo is what the generated writerField knows of a field.
type writerFieldInfo struct {
	id       int
	child    writerType // the type of its objects; wtNone for a scalar or an enum
	args     func(ec *executionContext, ctx context.Context, raw map[string]any) (map[string]any, error)
	argNames []string
}

// compile compiles a selection on type typ; false if a field of it is one
// the writer leaves to the executor (or its arguments are not valid).
func compile(ctx context.Context, ec *executionContext, sel ast.SelectionSet, typ writerType) (*plan, bool) {
	oc := ec.OperationContext
	fields := graphql.CollectFields(oc, sel, []string{writerTypeNames[typ]})
	p := &plan{typ: typ, fields: make([]planField, 0, len(fields))}
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if seen[f.Alias] {
			continue
		}
		seen[f.Alias] = true
		if hasCustomDirective(f.Directives) {
			return nil, false
		}
		key := make([]byte, 0, len(f.Alias)+4)
		if len(p.fields) > 0 {
			key = append(key, ',')
		}
		pf := planField{key: append(appendString(key, f.Alias), ':'), id: writerTypename}
		if f.Name != "__typename" {
			info, ok := writerField(typ, f.Name)
			if !ok {
				return nil, false
			}
			pf.id = info.id
			if info.child != wtNone {
				if pf.child, ok = compile(ctx, ec, f.Selections, info.child); !ok {
					return nil, false
				}
			}
			if info.args != nil {
				args, err := info.args(ec, ctx, f.ArgumentMap(oc.Variables))
				if err != nil {
					return nil, false // the executor reports it
				}
				for _, name := range info.argNames {
					pf.args = append(pf.args, args[name])
				}
			}
		}
		p.fields = append(p.fields, pf)
	}
	return p, true
}

// hasCustomDirective: @skip and @include are applied by CollectFields; any
// other directive goes to the executor.
func hasCustomDirective(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			return true
		}
	}
	return false
}
