package graph

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// The default limits of NewExecutor, as the server starts with them.
const defaultCost, defaultDepth = 5000, 12

// withinLimits checks a query against the default limits without running
// it: the document's limits, then the cost and depth of each operation,
// with a plausible value for each variable. It returns the largest cost.
func withinLimits(t *testing.T, m *costModel, name, query string) int {
	t.Helper()
	if n := countTokens(query, -1); n > DefaultDocLimits.Tokens {
		t.Errorf("%s: %d tokens", name, n)
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, query)
	}
	c := countDocument(doc, DefaultDocLimits.Expanded)
	d := DefaultDocLimits
	if c.fragments > d.Fragments || c.selections > d.Selections || c.expanded > d.Expanded || c.aliases > d.Aliases || c.directives > d.Directives || c.variables > d.Variables {
		t.Errorf("%s: over a document limit: %+v", name, c)
	}
	if errs := validator.Validate(m.schema, doc); len(errs) > 0 {
		t.Fatalf("%s: %v\n%s", name, errs, query)
	}
	worst := 0
	for _, op := range doc.Operations {
		vars := map[string]any{}
		for _, v := range op.VariableDefinitions {
			vars[v.Variable] = map[string]any{"String": "x", "Date": "2023-11-14", "UnitKind": "PROVINCE", "Lang": "VI", "Int": int64(100), "Boolean": true}[v.Type.Name()]
			if v.Variable == "from" {
				vars[v.Variable] = "2023-09-01" // a series from a campaign's start: 75 days
			}
		}
		cost := m.cost(op, vars)
		depth, intro := selectionDepth(op.SelectionSet, 0)
		t.Logf("%s %s: cost %d, depth %d, introspection depth %d, %+v", name, op.Name, cost, depth, intro, c)
		if cost > defaultCost || depth > defaultDepth || intro > maxIntrospectionDepth {
			t.Errorf("%s %s: cost %d (limit %d), depth %d (limit %d), introspection depth %d (limit %d)", name, op.Name, cost, defaultCost, depth, defaultDepth, intro, maxIntrospectionDepth)
		}
		worst = max(worst, cost)
	}
	return worst
}

func testModel() *costModel { return newCostModel(NewExecutableSchema(Config{}).Schema()) }

// TestStandardIntrospectionWithinLimits: the introspection queries of
// graphql-js 16 (every option of getIntrospectionQuery on, with and
// without oneOf) and of the vendored GraphiQL pass every limit, and one
// full dump costs what it resolves, so three of them in one request do not.
// The texts are in testdata/introspection (see its README).
func TestStandardIntrospectionWithinLimits(t *testing.T) {
	m := testModel()
	files, _ := filepath.Glob("testdata/introspection/*.graphql")
	if len(files) < 3 {
		t.Fatalf("introspection queries missing: %v", files)
	}
	for _, f := range files {
		q, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cost := withinLimits(t, m, filepath.Base(f), string(q))
		if cost < 1000 {
			t.Errorf("%s: a full schema dump costs only %d", f, cost)
		}
		if 3*cost <= defaultCost {
			t.Errorf("%s: three full schema dumps (%d) fit in the limit of %d", f, 3*cost, defaultCost)
		}
	}
}

// TestPortalQueriesWithinLimits: every query the portal sends (read from
// portal/static/*.js, the per-metric ones built for 3 metrics, the most a
// demo campaign has), the examples of its Data & API page, GraphiQL's
// welcome query and the README's examples pass every default limit.
func TestPortalQueriesWithinLimits(t *testing.T) {
	m := testModel()
	queries := map[string]string{}
	files, _ := filepath.Glob("../portal/static/*.js")
	for _, f := range append(files, "../portal/static/graphiql/init.js") {
		for name, q := range portalQueries(t, f, 3) {
			queries[name] = q
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, block := range regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		queries["README.md graphql "+strconv.Itoa(i)] = block[1]
	}
	for i, q := range regexp.MustCompile(`"query": ("(?:[^"\\]|\\.)*")`).FindAllStringSubmatch(string(readme), -1) {
		s, err := strconv.Unquote(q[1])
		if err != nil {
			t.Fatal(err)
		}
		queries["README.md request "+strconv.Itoa(i)] = s
	}
	if len(queries) < 25 {
		t.Fatalf("found only %d queries", len(queries))
	}
	for name, q := range queries {
		withinLimits(t, m, name, q)
	}
}

var (
	jsConst    = regexp.MustCompile("(?s)const (\\w+) = (`[^`]*`|'[^']*')")
	jsLiteral  = regexp.MustCompile("(?s)`[^`]*`")
	jsExample  = regexp.MustCompile("(?s)q: (`[^`]*`)")
	jsInterp   = regexp.MustCompile(`\$\{([^}]*)\}`)
	jsLines    = regexp.MustCompile(`(?s)var defaultQuery = \[(.*?)\]\.join`)
	jsLineText = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)
)

// portalQueries finds the GraphQL documents in a portal script: template
// literals starting with "query" or "{" once the constants they refer to
// are filled in; a list of metrics (m${i}: …, ${vars}, ${fields}) is
// built for `metrics` metrics as the script does.
func portalQueries(t *testing.T, file string, metrics int) map[string]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	consts := map[string]string{}
	for _, c := range jsConst.FindAllStringSubmatch(src, -1) {
		consts[c[1]] = c[2][1 : len(c[2])-1]
	}
	perMetric := ""
	for _, lit := range jsLiteral.FindAllString(src, -1) {
		if strings.HasPrefix(lit, "`m${i}:") {
			perMetric = lit[1 : len(lit)-1]
		}
	}
	var fill func(string, int) string
	fill = func(s string, i int) string {
		return jsInterp.ReplaceAllStringFunc(s, func(ref string) string {
			expr := jsInterp.FindStringSubmatch(ref)[1]
			var vars, fields []string
			for k := range metrics {
				vars = append(vars, "$m"+strconv.Itoa(k)+": String!")
				if expr == "fields" {
					fields = append(fields, fill(perMetric, k))
				}
			}
			switch {
			case expr == "i":
				return strconv.Itoa(i)
			case expr == "vars":
				return strings.Join(vars, ", ")
			case strings.HasPrefix(expr, "vars ?"):
				return ", " + strings.Join(vars, ", ")
			case expr == "fields":
				return strings.Join(fields, "\n")
			case consts[expr] != "":
				return fill(consts[expr], i)
			}
			t.Fatalf("%s: cannot fill in ${%s}: teach portalQueries", file, expr)
			return ""
		})
	}
	out := map[string]string{}
	name := filepath.Base(file)
	for k, lit := range jsLiteral.FindAllString(src, -1) {
		body := strings.TrimSpace(strings.ReplaceAll(lit[1:len(lit)-1], `\n`, "\n"))
		if strings.HasPrefix(body, "query") || strings.HasPrefix(body, "{") {
			out[name+" literal "+strconv.Itoa(k)] = fill(body, 0)
		}
	}
	for k, ex := range jsExample.FindAllStringSubmatch(src, -1) {
		consts["C"] = "ben-tre-cong-dan-so"
		out[name+" example "+strconv.Itoa(k)] = fill(ex[1][1:len(ex[1])-1], 0)
	}
	if lines := jsLines.FindStringSubmatch(src); lines != nil {
		var q []string
		for _, l := range jsLineText.FindAllStringSubmatch(lines[1], -1) {
			q = append(q, strings.ReplaceAll(l[1], `\'`, `'`))
		}
		out[name+" defaultQuery"] = strings.Join(q, "\n")
	}
	return out
}

// TestCostCoversEveryList: every list field of the schema has a length in
// the cost model (a page, a bound in listLengths, or introspection's), so
// none is costed by the default guess.
func TestCostCoversEveryList(t *testing.T) {
	m := testModel()
	for _, typ := range m.schema.Types {
		if typ.Kind != ast.Object && typ.Kind != ast.Interface {
			continue
		}
		for _, f := range typ.Fields {
			if f.Type.Elem == nil {
				continue
			}
			if _, ok := m.lengths[typ.Name+"."+f.Name]; !ok && !isPageList(typ.Name, f.Name) {
				t.Errorf("%s.%s is a list the cost model does not know: add it to listLengths with an upper bound of its length", typ.Name, f.Name)
			}
		}
	}
}

// TestCostOfLists pins the cost model down on small queries.
func TestCostOfLists(t *testing.T) {
	m := testModel()
	for _, c := range []struct {
		query string
		vars  map[string]any
		want  int
	}{
		// 1 + (1 + 100 × (1 + 1 + (1 + 1))): a page of 100 rows of 4.
		{`{ ranking(campaign: "c", metric: "m", level: COMMUNE, first: 100) { edges { node { rank unit { code } } } } }`, nil, 402},
		// The argument's default (50), and first from a variable.
		{`{ units { edges { node { code } } } }`, nil, 1 + 1 + 50*2},
		{`query Q($n: Int) { units(first: $n) { edges { node { code } } } }`, map[string]any{"n": int64(10)}, 1 + 1 + 10*2},
		// At most MaxPageSize: the resolver refuses more, saying so.
		{`{ units(first: 1000000) { edges { node { code } } } }`, nil, 1 + 1 + 100*2},
		// A progress page is no longer than its days.
		{`{ progress(campaign: "c", unitCode: "u", metric: "m", from: "2023-11-01", to: "2023-11-07") { edges { node { figure } } } }`, nil, 1 + 1 + 7*2},
		{`{ progress(campaign: "c", unitCode: "u", metric: "m", from: "2023-11-01", to: "2023-11-07") { columns { dates figures } } }`, nil, 1 + 1 + 7 + 7},
		// Today's map is rebuilt whatever the page: a commune ranking's
		// rebuild costs 500, a province's or a series' 50.
		{`{ ranking(campaign: "c", metric: "m", level: COMMUNE, first: 0, map: CURRENT) { totalCount } }`, nil, 1 + 500 + 1},
		{`query Q($m: ReformMap) { ranking(campaign: "c", metric: "m", level: COMMUNE, first: 0, map: $m) { totalCount } }`, map[string]any{"m": "CURRENT"}, 1 + 500 + 1},
		{`{ ranking(campaign: "c", metric: "m", level: COMMUNE, first: 0, map: CAMPAIGN) { totalCount } }`, nil, 1 + 1},
		{`{ ranking(campaign: "c", metric: "m", level: PROVINCE, first: 0, map: CURRENT) { totalCount } }`, nil, 1 + 50 + 1},
		{`{ progress(campaign: "c", unitCode: "u", metric: "m", from: "2023-11-01", to: "2023-11-07", map: CURRENT) { columns { dates } } }`, nil, 1 + 50 + 1 + 7},
		// Rows are read for totalCount too: at least 1 each.
		{`{ units(first: 100) { totalCount } }`, nil, 1 + 1 + 100},
		// Lists that are not pages: ancestors 5.
		{`{ unit(code: "u") { ancestors { code name } } }`, nil, 1 + 1 + 5*2},
		// __typename is free; introspection costs 0.15 a field.
		{`{ metrics { __typename key } }`, nil, 1 + 10*1},
		{`{ __type(name: "Query") { name } }`, nil, 1},
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: c.query})
		if err != nil {
			t.Fatal(err)
		}
		if errs := validator.Validate(m.schema, doc); len(errs) > 0 {
			t.Fatalf("%s: %v", c.query, errs)
		}
		if got := m.cost(doc.Operations[0], c.vars); got != c.want {
			t.Errorf("%s costs %d, want %d", c.query, got, c.want)
		}
	}
}
