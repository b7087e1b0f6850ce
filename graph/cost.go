package graph

import (
	"context"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tiendo-vn/tiendo/domain"
)

// What a query costs, before it runs:
//
//   - a field costs 1 plus what is selected in it (__typename is free);
//   - a list costs 1 plus its length times what is selected in each item
//     (a list of scalars: its length);
//   - a connection's edges (and a progress page's columns) are as long as
//     its page: `first`, or the argument's default, at most MaxPageSize; a
//     progress page is no longer than its days from `from` to `to`; a
//     page's rows are read even when only totalCount is asked for, so a
//     connection costs at least 1 per row;
//   - every other list has the length listLengths gives it: an upper bound
//     of what the data holds (ancestors: the levels of the tree);
//   - introspection is costed the same way, with the lengths of this
//     schema's own lists (__schema.types: how many types it has; a type's
//     fields: how many fields a type has on average), so a query costs
//     about the fields it resolves. Introspection fields cost
//     introspectionWeight each: they are answered from memory, without the
//     database; a full schema dump then costs about 2,500.
//
// So `ranking(first: 100) { edges { node { rank unit { code } } } }`
// costs 1 + (1 + 100 × (1 + 1 + (1 + 1))) = 402.

// listLengths gives the lists that are neither pages (see isPageList) nor
// introspection (see newCostModel) a length, by "Type.field": what a
// campaign or the tree holds at most in practice (no rule bounds how many
// bands a campaign has, but a list of a few small items cannot make a
// query expensive; pages and the tree's levels can).
// Lists in mutation results are as long as their input, which the body
// limit bounds: they count once.
var listLengths = map[string]float64{
	"Query.metrics":                10,
	"Unit.ancestors":               5, // a village's: nation, province, district, commune (and one spare)
	"Campaign.bands":               5,
	"Campaign.metrics":             5,
	"Campaign.milestones":          5,
	"RankingConnection.bandCounts": 6, // the bands and "no rate"
	"Bulletin.paragraphs":          10,
	"LocalBulletin.paragraphs":     10,
	"Bulletin.revisions":           10,
	"ProgressPoint.revisions":      5, // a report's first revision and its corrections: rarely more than two
	"BulletinCorrection.items":     20,
	"ReportWriteResult.items":      1,
	"QuotaWriteResult.items":       1,
	"TargetRuleResult.items":       1,
	"TargetRuleResult.skipped":     1,
	"UpsertUnitsResult.items":      1,
	"Campaign.rulesVersions":       10,
	"RulesVersion.bands":           5,
	"MilestoneRankingRow.changes":  4, // RANK, FIGURE, RATE, BAND
	// The 2025 reform's links: a new commune has at most 14 predecessors in
	// the crosswalk, an old unit at most 5 successors; a search lists at
	// most 10 former units.
	"Unit.predecessors":                 16,
	"Unit.successors":                   16,
	"RankingRow.partialPredecessors":    16,
	"ProgressPoint.partialPredecessors": 16,
	"UnitConnection.former":             10,
}

// introspectionWeight is what one introspection field costs.
const introspectionWeight = 0.15

// costModel prices operations (see above).
type costModel struct {
	schema  *ast.Schema
	lengths map[string]float64
}

// newCostModel measures the schema's own lists for introspection.
func newCostModel(schema *ast.Schema) *costModel {
	m := &costModel{schema: schema, lengths: map[string]float64{}}
	for k, v := range listLengths {
		m.lengths[k] = v
	}
	var fields, args, inputFields, enumValues, interfaces, possible float64
	for _, t := range schema.Types {
		switch t.Kind {
		case ast.Object, ast.Interface:
			fields += float64(len(t.Fields))
			for _, f := range t.Fields {
				args += float64(len(f.Arguments))
			}
			interfaces += float64(len(t.Interfaces))
		case ast.InputObject:
			inputFields += float64(len(t.Fields))
		case ast.Enum:
			enumValues += float64(len(t.EnumValues))
		}
		if t.Kind == ast.Interface || t.Kind == ast.Union {
			possible += float64(len(schema.GetPossibleTypes(t)))
		}
	}
	var dirArgs, locations float64
	for _, d := range schema.Directives {
		dirArgs += float64(len(d.Arguments))
		locations += float64(len(d.Locations))
	}
	types, dirs := float64(len(schema.Types)), float64(max(len(schema.Directives), 1))
	m.lengths["__Schema.types"] = types
	m.lengths["__Schema.directives"] = dirs
	m.lengths["__Type.fields"] = fields / types
	m.lengths["__Type.inputFields"] = inputFields / types
	m.lengths["__Type.enumValues"] = enumValues / types
	m.lengths["__Type.interfaces"] = interfaces / types
	m.lengths["__Type.possibleTypes"] = possible / types
	m.lengths["__Field.args"] = args / max(fields, 1)
	m.lengths["__Directive.args"] = dirArgs / dirs
	m.lengths["__Directive.locations"] = locations / dirs
	return m
}

// cost prices an operation of a validated document; vars are its coerced
// variables. Fragments are expanded: DocLimits bounds the expanded size.
func (m *costModel) cost(op *ast.OperationDefinition, vars map[string]any) int {
	c := m.set(op.SelectionSet, vars, 0)
	if c >= math.MaxInt32 {
		return math.MaxInt32
	}
	return int(math.Ceil(c - 1e-9))
}

// set prices a selection set; page is the length of the connection page
// it is in (for edges and columns).
func (m *costModel) set(set ast.SelectionSet, vars map[string]any, page float64) float64 {
	total := 0.0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total += m.field(s, vars, page)
		case *ast.InlineFragment:
			total += m.set(s.SelectionSet, vars, page)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total += m.set(s.Definition.SelectionSet, vars, page)
			}
		}
	}
	return total
}

func (m *costModel) field(f *ast.Field, vars map[string]any, page float64) float64 {
	if f.Name == "__typename" || f.Definition == nil || f.ObjectDefinition == nil {
		return 0
	}
	weight := 1.0
	if strings.HasPrefix(f.Name, "__") || strings.HasPrefix(f.ObjectDefinition.Name, "__") {
		weight = introspectionWeight
	}
	weight += currentMapCost(f, vars)
	if pageType(f.Definition.Type.Name()) {
		// A page is read whole, even when only totalCount is selected:
		// each of its rows costs at least 1.
		n := m.pageSize(f, vars)
		child := m.set(f.SelectionSet, vars, n)
		if !selectsPage(f.SelectionSet) {
			child += n
		}
		return weight + child
	}
	child := m.set(f.SelectionSet, vars, page)
	if f.Definition.Type.Elem == nil { // not a list
		return weight + child
	}
	n, ok := m.lengths[f.ObjectDefinition.Name+"."+f.Name]
	if isPageList(f.ObjectDefinition.Name, f.Name) {
		n = page
	} else if !ok {
		n = defaultListLength
	}
	if len(f.SelectionSet) == 0 {
		return weight * max(n, 1)
	}
	return weight + n*child
}

// currentMapCost is what reading a ranking or a series on today's map
// (map: CURRENT) adds: it is rebuilt from the units the current ones were
// formed from, whatever the page: a commune ranking's rebuild reads every
// commune of the scope (100–200 ms on the demo's Vĩnh Long), the others a
// few units. Found by a hostile-load audit: 100 aliased commune rankings
// on CURRENT cost 2 points and 20 s of CPU; now at most 10 fit in a query.
func currentMapCost(f *ast.Field, vars map[string]any) float64 {
	if f.Name != "ranking" && f.Name != "progress" || f.Definition.Arguments.ForName("map") == nil {
		return 0
	}
	args := f.ArgumentMap(vars)
	if v, _ := args["map"].(string); v != "CURRENT" {
		return 0
	}
	if l, _ := args["level"].(string); l == "COMMUNE" {
		return 500
	}
	return 50
}

// isPageList tells the lists as long as their connection's page: its
// edges, and the columns of a progress page.
func isPageList(typeName, field string) bool {
	return typeName == "ProgressColumns" || field == "edges" && pageType(typeName)
}

// pageType tells the types that hold a page of rows: connections, and a
// milestone's ranking (a connection with the record's fields around it).
func pageType(name string) bool {
	return strings.HasSuffix(name, "Connection") || name == "MilestoneRanking"
}

// selectsPage tells whether a connection's selection reads its rows
// (edges or columns), through fragments too.
func selectsPage(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "edges" || s.Name == "columns" {
				return true
			}
		case *ast.InlineFragment:
			if selectsPage(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selectsPage(s.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

// defaultListLength is the length of a list listLengths does not know
// (TestCostCoversEveryList keeps it from being used).
const defaultListLength = 20

// pageSize is the length of a connection's page: `first` (or its
// default), at most MaxPageSize; a progress page is no longer than its days.
func (m *costModel) pageSize(f *ast.Field, vars map[string]any) float64 {
	args := f.ArgumentMap(vars)
	n := MaxPageSize
	if v, ok := args["first"].(int64); ok {
		n = int(min(max(v, 0), MaxPageSize))
	} else if v, ok := args["first"].(int); ok {
		n = min(max(v, 0), MaxPageSize)
	}
	if f.Name == "progress" {
		from, _ := args["from"].(string)
		to, _ := args["to"].(string)
		if a, err := domain.ParseDate(from); err == nil {
			if b, err := domain.ParseDate(to); err == nil {
				n = min(n, max(int(b-a)+1, 0))
			}
		}
	}
	return float64(n)
}

// queryLimits refuses, after validation, an operation that costs more
// than maxCost or nests deeper than maxDepth (introspection aside), or
// whose introspection nests deeper than maxIntrospectionDepth. The cost is
// also kept where gqlgen's own complexity extension keeps it
// (extension.GetComplexityStats).
type queryLimits struct {
	model    *costModel
	maxCost  int
	maxDepth int
}

// maxIntrospectionDepth bounds the nesting below __schema and __type: the
// standard introspection queries of graphql-js 16 and GraphiQL nest 14
// levels (TypeRef's nine ofType); a hostile ofType chain nests many more.
const maxIntrospectionDepth = 20

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = queryLimits{}

func (queryLimits) ExtensionName() string                   { return "QueryLimits" }
func (queryLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (q queryLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Operation
	if op == nil {
		return nil
	}
	cost := q.model.cost(op, oc.Variables)
	oc.Stats.SetExtension("ComplexityLimit", &extension.ComplexityStats{Complexity: cost, ComplexityLimit: q.maxCost})
	if cost > q.maxCost {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d: a list costs its length (a page: its size) times what is selected in it", cost, q.maxCost)
		err.Extensions = map[string]any{"code": domain.ETOOCOMPLEX, "measure": "cost", "cost": cost, "limit": q.maxCost}
		return err
	}
	depth, introDepth := selectionDepth(op.SelectionSet, 0)
	if depth > q.maxDepth {
		err := gqlerror.Errorf("operation nests %d levels deep, which exceeds the limit of %d", depth, q.maxDepth)
		err.Extensions = map[string]any{"code": domain.ETOOCOMPLEX, "measure": "depth", "depth": depth, "limit": q.maxDepth, "cost": cost}
		return err
	}
	if introDepth > maxIntrospectionDepth {
		err := gqlerror.Errorf("introspection nests %d levels deep, which exceeds the limit of %d", introDepth, maxIntrospectionDepth)
		err.Extensions = map[string]any{"code": domain.ETOOCOMPLEX, "measure": "depth", "depth": introDepth, "limit": maxIntrospectionDepth, "cost": cost}
		return err
	}
	return nil
}

// selectionDepth returns how deep a selection set nests, not counting
// introspection (__schema, __type and what is below them, as
// graphql-depth-limit does), and how deep its introspection nests.
// DocLimits bounds the expanded size, so following fragments is safe.
func selectionDepth(set ast.SelectionSet, seen int) (depth, intro int) {
	if seen > 64 {
		return seen, seen
	}
	for _, sel := range set {
		var d, i int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				i = 1 + introspectionDepth(s.SelectionSet, seen+1)
				break
			}
			d, i = selectionDepth(s.SelectionSet, seen+1)
			d++
		case *ast.InlineFragment:
			d, i = selectionDepth(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d, i = selectionDepth(s.Definition.SelectionSet, seen)
			}
		}
		depth, intro = max(depth, d), max(intro, i)
	}
	return depth, intro
}

// introspectionDepth is how deep a selection set below __schema or
// __type nests.
func introspectionDepth(set ast.SelectionSet, seen int) int {
	if seen > 64 {
		return seen
	}
	deepest := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			deepest = max(deepest, 1+introspectionDepth(s.SelectionSet, seen+1))
		case *ast.InlineFragment:
			deepest = max(deepest, introspectionDepth(s.SelectionSet, seen))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				deepest = max(deepest, introspectionDepth(s.Definition.SelectionSet, seen))
			}
		}
	}
	return deepest
}
