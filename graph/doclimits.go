package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tiendo-vn/tiendo/domain"
)

// DocLimits bound a query document before it is validated. Validation
// grows faster than the document (a 263 KB query of 5,000 fragments took
// 49 s), so the document is parsed and counted first, in time linear in its
// size, and refused at once when it is bigger than any query this API
// needs: GraphiQL's and graphql-js's introspection queries have about 80
// selections (230 once expanded), 3 fragments and 190 tokens; the portal's
// largest query 75 selections.
type DocLimits struct {
	Bytes      int // the document's length (long values belong in variables)
	Tokens     int // names, punctuation and values, comments excluded
	Selections int // fields, fragment spreads and inline fragments, as written
	Expanded   int // fields of the operations with every fragment spread expanded
	Fragments  int // fragment definitions
	Aliases    int // aliased fields
	Directives int // directive uses
	Variables  int // variable definitions
}

// DefaultDocLimits are the limits of NewExecutor.
var DefaultDocLimits = DocLimits{Bytes: 64 << 10, Tokens: 10000, Selections: 500, Expanded: 2000, Fragments: 50, Aliases: 100, Directives: 50, Variables: 50}

// docLimits checks DocLimits on each document the query cache does not
// hold (a cached document passed them already), after the persisted-query
// extension has filled in the query and before gqlgen parses and validates
// it again.
type docLimits struct {
	DocLimits
	cache graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = docLimits{}

func (docLimits) ExtensionName() string                   { return "DocumentLimits" }
func (docLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (d docLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, ok := d.cache.Get(ctx, p.Query); ok {
		return nil
	}
	if len(p.Query) > d.Bytes {
		return limitError("bytes", len(p.Query), d.Bytes, "the query is %d bytes long, more than the limit of %d: pass long values as variables")
	}
	if n := countTokens(p.Query, d.Tokens); n > d.Tokens {
		// Counted to the end only now: the document is at most Bytes long.
		return limitError("tokens", countTokens(p.Query, -1), d.Tokens, "the query has %d tokens (names, punctuation and values), more than the limit of %d")
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		gqlErr, ok := err.(*gqlerror.Error)
		if !ok {
			gqlErr = gqlerror.Wrap(err)
		}
		errcode.Set(gqlErr, errcode.ParseFailed)
		return gqlErr
	}
	c := countDocument(doc, d.Expanded)
	for _, m := range []struct {
		name         string
		value, limit int
		says         string
	}{
		{"fragments", c.fragments, d.Fragments, "the query defines %d fragments, more than the limit of %d"},
		{"selections", c.selections, d.Selections, "the query has %d selections (fields, fragment spreads and inline fragments), more than the limit of %d"},
		{"expandedFields", c.expanded, d.Expanded, "the query's operations have more than %d fields once their fragments are expanded, more than the limit of %d"},
		{"aliases", c.aliases, d.Aliases, "the query has %d aliased fields, more than the limit of %d"},
		{"directives", c.directives, d.Directives, "the query uses directives %d times, more than the limit of %d"},
		{"variables", c.variables, d.Variables, "the query defines %d variables, more than the limit of %d"},
	} {
		if m.value > m.limit {
			if m.name == "expandedFields" {
				m.value = m.limit + 1 // counting stops there
			}
			return limitError(m.name, m.value, m.limit, m.says)
		}
	}
	return nil
}

// limitError is a TOO_COMPLEX error naming the limit, with the measure and
// the limit in its extensions, e.g. {"fragments": 5000, "limit": 50}.
func limitError(measure string, value, limit int, format string) *gqlerror.Error {
	err := gqlerror.Errorf(format, value, limit)
	err.Extensions = map[string]any{"code": domain.ETOOCOMPLEX, "measure": measure, measure: value, "limit": limit}
	return err
}

// countTokens counts the tokens of a query as the parser does (comments
// are not tokens), stopping past stop (no stop when negative). A lexical
// error ends the count: the parser reports it.
func countTokens(query string, stop int) int {
	lx := lexer.New(&ast.Source{Input: query})
	n := 0
	for stop < 0 || n <= stop {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		if tok.Kind != lexer.Comment {
			n++
		}
	}
	return n
}

type docCounts struct {
	fragments, selections, expanded, aliases, directives, variables int
}

// countDocument counts what DocLimits bounds. Fragments are expanded once
// each (their sizes are memoized), and the expanded count stops past
// maxExpanded, so a fragment spread twice in each of 30 nested fragments
// costs 30 steps, not 2^30.
func countDocument(doc *ast.QueryDocument, maxExpanded int) docCounts {
	c := docCounts{fragments: len(doc.Fragments)}
	var written func(ast.SelectionSet)
	written = func(set ast.SelectionSet) {
		for _, sel := range set {
			c.selections++
			switch s := sel.(type) {
			case *ast.Field:
				if s.Alias != s.Name {
					c.aliases++
				}
				c.directives += len(s.Directives)
				written(s.SelectionSet)
			case *ast.InlineFragment:
				c.directives += len(s.Directives)
				written(s.SelectionSet)
			case *ast.FragmentSpread:
				c.directives += len(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		c.variables += len(op.VariableDefinitions)
		c.directives += len(op.Directives)
		for _, v := range op.VariableDefinitions {
			c.directives += len(v.Directives)
		}
		written(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		c.directives += len(f.Directives)
		written(f.SelectionSet)
	}

	frags := make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
	for _, f := range doc.Fragments {
		frags[f.Name] = f
	}
	memo := map[string]int{}
	var expanded func(ast.SelectionSet) int
	expanded = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				n += 1 + expanded(s.SelectionSet)
			case *ast.InlineFragment:
				n += expanded(s.SelectionSet)
			case *ast.FragmentSpread:
				size, seen := memo[s.Name]
				if !seen {
					memo[s.Name] = 0 // a cycle counts nothing; validation refuses it
					if f := frags[s.Name]; f != nil {
						size = expanded(f.SelectionSet)
					}
					memo[s.Name] = size
				}
				n += size
			}
			if n > maxExpanded {
				return maxExpanded + 1
			}
		}
		return n
	}
	for _, op := range doc.Operations {
		c.expanded = min(c.expanded+expanded(op.SelectionSet), maxExpanded+1)
	}
	return c
}

// BoundErrors keeps the first maxErrors errors of a list and says how many
// more there were, so a query with 10,000 mistakes gets a short answer. A
// list it bounded already is left as it is.
func BoundErrors(errs gqlerror.List) gqlerror.List {
	if len(errs) <= maxErrors || len(errs) == maxErrors+1 && errs[maxErrors].Extensions["omitted"] != nil {
		return errs
	}
	omitted := len(errs) - maxErrors
	note := &gqlerror.Error{
		Message:    fmt.Sprintf("%d more errors omitted (at most %d are listed)", omitted, maxErrors),
		Extensions: map[string]any{"code": domain.EINVALID, "omitted": omitted},
	}
	if code, ok := errs[maxErrors-1].Extensions["code"]; ok {
		note.Extensions["code"] = code
	}
	return append(errs[:maxErrors:maxErrors], note)
}

// maxErrors bounds the errors of one answer.
const maxErrors = 50
