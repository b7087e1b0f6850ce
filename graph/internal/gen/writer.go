package main

import (
	"fmt"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

// writerPlugin writes the rankings' and series' writer: for every object
// type reachable from the root fields through fields bound to a Go field or
// method (not a resolver), a function that writes a compiled selection of
// it, and the table of the fields it writes. A field it cannot write the
// way the executor does (a resolver, a map, a method that takes a context
// or returns an error, a scalar with no appender, a directive) is in
// writerFallback: a selection of it leaves the root field to the executor.
type writerPlugin struct {
	roots    []string
	filename string
}

func (p *writerPlugin) Name() string { return "fastpathwriter" }

// appenders are the hand-written appenders (graph/fastpath_append.go) of
// the marshalers gqlgen binds scalars to, each byte for byte what the
// marshaler writes (TestAppendersMatchMarshalers). Those marked ok may
// refuse a value (a float that is not finite), as the marshaler does.
var appenders = map[string]struct {
	fn, arg string // appender, and the Go type it takes
	ok      bool
}{
	"github.com/99designs/gqlgen/graphql.MarshalInt":           {"appendInt", "int64", false},
	"github.com/99designs/gqlgen/graphql.MarshalInt32":         {"appendInt", "int64", false},
	"github.com/99designs/gqlgen/graphql.MarshalInt64":         {"appendInt", "int64", false},
	"github.com/99designs/gqlgen/graphql.MarshalFloatContext":  {"appendFloat", "float64", true},
	"github.com/99designs/gqlgen/graphql.MarshalString":        {"appendString", "string", false},
	"github.com/99designs/gqlgen/graphql.MarshalID":            {"appendString", "string", false},
	"github.com/99designs/gqlgen/graphql.MarshalBoolean":       {"appendBool", "bool", false},
	"github.com/tiendo-vn/tiendo/graph.MarshalDate":            {"appendDate", "domain.Date", false},
	"github.com/tiendo-vn/tiendo/graph.MarshalUnitKind":        {"appendQuoted", "string", false},
	"github.com/tiendo-vn/tiendo/graph.MarshalSource":          {"appendQuoted", "string", false},
	"github.com/tiendo-vn/tiendo/graph.MarshalCampaignOutcome": {"appendQuoted", "string", false},
}

// gen is one generation: the objects written, the fields left to the
// executor and the imports the code needs.
type gen struct {
	pkg      string // the exec package's import path
	objects  map[string]*codegen.Object
	written  []*codegen.Object // sorted by name
	fallback map[string]string // "Type.field" → why
	imports  map[string]string // path → name
	tmp      int
}

func (p *writerPlugin) GenerateCode(data *codegen.Data) error {
	g := &gen{pkg: data.Config.Exec.ImportPath(), objects: map[string]*codegen.Object{},
		fallback: map[string]string{}, imports: map[string]string{}}
	for _, o := range data.Objects {
		g.objects[o.Name] = o
	}
	var roots []*codegen.Field
	for _, name := range p.roots {
		f := fieldNamed(data.QueryRoot, name)
		if f == nil {
			return fmt.Errorf("writer root Query.%s: no such field", name)
		}
		if o := g.objects[f.TypeReference.Definition.Name]; o == nil || f.TypeReference.GQL.Elem != nil || !f.TypeReference.IsPtr() {
			return fmt.Errorf("writer root Query.%s: not a single object", name)
		}
		roots = append(roots, f)
	}
	// The objects reachable through fields the writer can write.
	seen := map[string]bool{}
	queue := []string{}
	for _, f := range roots {
		queue = append(queue, f.TypeReference.Definition.Name)
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		o := g.objects[name]
		g.written = append(g.written, o)
		for _, f := range o.Fields {
			if f.IsReserved() {
				continue
			}
			if why := g.cannot(f); why != "" {
				g.fallback[o.Name+"."+f.Name] = why
			} else if d := f.TypeReference.Definition; d.Kind == ast.Object {
				queue = append(queue, d.Name)
			}
		}
	}
	sort.Slice(g.written, func(i, j int) bool { return g.written[i].Name < g.written[j].Name })
	src, err := g.file(roots)
	if err != nil {
		return err
	}
	name := p.filename
	if !filepath.IsAbs(name) {
		name = filepath.Join(data.Config.Exec.Dir(), name)
	}
	return os.WriteFile(name, src, 0o644)
}

func fieldNamed(o *codegen.Object, name string) *codegen.Field {
	for _, f := range o.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// cannot says why the writer cannot write field f as the executor does;
// "" when it can.
func (g *gen) cannot(f *codegen.Field) string {
	switch {
	case f.IsResolver:
		return "a resolver"
	case f.IsMap():
		return "bound to a map"
	case runtimeDirectives(f.Directives):
		return "has directives"
	case f.HasHaser:
		return "has a haser method"
	case f.IsMethod() && (f.MethodHasContext || !f.NoErr || f.VOkFunc):
		return "a method that takes a context or returns an error"
	case f.IsMethod() && f.GoReceiverName != "obj":
		return "not a method of the object"
	}
	for _, a := range f.Args {
		if runtimeDirectives(a.Directives) {
			return "argument " + a.Name + " has directives"
		}
		if iface, ok := types.Unalias(a.TypeReference.GO).(*types.Interface); ok && iface.Empty() {
			return "argument " + a.Name + " is untyped"
		}
	}
	return g.cannotType(f.TypeReference)
}

// cannotType says why a value of ref cannot be written.
func (g *gen) cannotType(ref *config.TypeReference) string {
	if ref.IsPtrToPtr() || ref.IsPtrToSlice() || ref.IsOmittable {
		return "a " + ref.GO.String()
	}
	if ref.GQL.Elem != nil {
		if !ref.IsSlice() {
			return "a list bound to " + ref.GO.String()
		}
		return g.cannotType(ref.Elem())
	}
	def := ref.Definition
	switch def.Kind {
	case ast.Object:
		if g.objects[def.Name] == nil || g.objects[def.Name].Type == nil {
			return "an object with no Go type"
		}
		if !types.Identical(deref(ref.GO), deref(g.objects[def.Name].Type)) {
			return "an object bound to " + ref.GO.String()
		}
		return ""
	case ast.Scalar, ast.Enum:
		_, why := g.leaf(ref)
		return why
	}
	return "a " + strings.ToLower(string(def.Kind))
}

// runtimeDirectives reports whether the executor runs one of ds (the
// others, like @specifiedBy, only describe the schema).
func runtimeDirectives(ds []*codegen.Directive) bool {
	for _, d := range ds {
		if !d.SkipRuntime {
			return true
		}
	}
	return false
}

func deref(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// leaf is how a scalar or enum value is appended: an appender call with
// %s for the value, or why there is none.
func (g *gen) leaf(ref *config.TypeReference) (call string, why string) {
	if ref.HasEnumValues() {
		return "", "an enum bound to Go constants"
	}
	if m := ref.Marshaler; m != nil {
		name := m.Pkg().Path() + "." + m.Name()
		if a, ok := appenders[name]; ok {
			if a.fn == "appendQuoted" {
				if b, ok := deref(ref.GO).Underlying().(*types.Basic); !ok || b.Kind() != types.String {
					return "", name + " of a non-string"
				}
			}
			arg := a.arg
			if arg == "domain.Date" {
				arg = g.typ(m.Type().(*types.Signature).Params().At(0).Type())
			}
			if a.ok {
				return "b, ok = " + a.fn + "(b, " + arg + "(%s))", ""
			}
			return "b = " + a.fn + "(b, " + arg + "(%s))", ""
		}
		if ref.IsContext {
			return "", "no appender for " + name
		}
		// Any other marshaler: call it, as the executor does.
		param := g.typ(m.Type().(*types.Signature).Params().At(0).Type())
		return "b, ok = appendMarshaler(b, " + g.qual(m.Pkg()) + m.Name() + "(" + param + "(%s)), " + strconv.FormatBool(ref.GQL.NonNull) + ")", ""
	}
	if ref.IsMarshaler && !ref.IsContext && types.NewMethodSet(deref(ref.GO)).Lookup(nil, "MarshalGQL") != nil {
		return "b, ok = appendMarshaler(b, %s, " + strconv.FormatBool(ref.GQL.NonNull) + ")", ""
	}
	return "", "no appender for " + ref.GO.String()
}

// typ is t as written in the exec package, noting its imports.
func (g *gen) typ(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p.Path() == g.pkg {
			return ""
		}
		g.imports[p.Path()] = p.Name()
		return p.Name()
	})
}

func (g *gen) qual(p *types.Package) string {
	if p.Path() == g.pkg {
		return ""
	}
	g.imports[p.Path()] = p.Name()
	return p.Name() + "."
}
