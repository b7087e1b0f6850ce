package graph

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tiendo-vn/tiendo/domain"
)

// The request's input values, checked once for every operation before it
// runs, by the types the schema gives them: stricter than gqlparser's and
// gqlgen's coercion, and with messages that say what was wrong.
//
//   - Int is a whole JSON number from -2^31 to 2^31-1: not a string
//     ("100"), not a fraction (1.5), not an exponent (1e3), not larger.
//     Every count the API stores is therefore readable back as an Int.
//   - String is a JSON string, not a number; Float is a number.
//   - Text (String, ID, enums, Date and the other custom scalars; in
//     variables and in the document's own string literals) holds no NUL
//     character and is UTF-8: PostgreSQL can store and look up all of it.
//
// Each problem is BAD_INPUT naming the value: "$input.reports[3].note" for
// a variable, "unit(code:)" for a literal argument.

// minInt and maxInt bound GraphQL's Int (32-bit signed).
const (
	minInt = -1 << 31
	maxInt = 1<<31 - 1
)

// intRange says what Int holds, for messages.
var intRange = fmt.Sprintf("Int holds whole numbers from %d to %d", minInt, maxInt)

// checkInputs returns the first problem with the operation's variables
// (vars as decoded from the request, numbers as json.Number) or with the
// document's string literals, or nil.
func checkInputs(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, query string, vars map[string]any) *domain.Error {
	for _, def := range op.VariableDefinitions {
		if v, ok := vars[def.Variable]; ok {
			if err := checkValue(schema, def.Type, v, "$"+def.Variable); err != nil {
				return err
			}
		}
	}
	// A literal can hold a NUL only by an escape (the lexer refuses the
	// character itself), and bytes that are not UTF-8 did not survive JSON;
	// most documents have neither.
	if !strings.Contains(query, `\u`) && domain.TextProblem(query) == "" {
		return nil
	}
	for _, o := range doc.Operations {
		if err := checkLiterals(o.SelectionSet); err != nil {
			return err
		}
	}
	for _, f := range doc.Fragments {
		if err := checkLiterals(f.SelectionSet); err != nil {
			return err
		}
	}
	return nil
}

func inputErr(path, format string, args ...any) *domain.Error {
	return domain.FieldErrorf(domain.EINVALID, path, format, args...)
}

// checkValue checks one variable's value v (not null) against its type.
func checkValue(schema *ast.Schema, t *ast.Type, v any, path string) *domain.Error {
	if v == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok { // one value where a list is expected is a list of one
			return checkValue(schema, t.Elem, v, path)
		}
		for i, x := range list {
			if err := checkValue(schema, t.Elem, x, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	}
	def := schema.Types[t.NamedType]
	if def == nil {
		return nil // gqlparser's validation says so
	}
	switch {
	case def.Kind == ast.InputObject:
		if m, ok := v.(map[string]any); ok {
			for _, f := range def.Fields {
				if err := checkValue(schema, f.Type, m[f.Name], path+"."+f.Name); err != nil {
					return err
				}
			}
		}
		return nil
	case def.Name == "Int":
		return checkInt(v, path)
	case def.Name == "Float":
		if _, ok := v.(json.Number); !ok {
			return inputErr(path, "%s is %s, not a Float: send a JSON number", describe(v), kind(v))
		}
		return nil
	case def.Name == "Boolean":
		return nil // gqlparser accepts only true and false
	case def.Kind == ast.Enum:
		if x, ok := v.(string); ok && def.EnumValues.ForName(x) == nil {
			return inputErr(path, "%q is not a %s (one of %s)", x, def.Name, enumNames(def))
		}
	}
	s, ok := v.(string)
	switch {
	case ok:
		if p := domain.TextProblem(s); p != "" {
			return inputErr(path, "the text %s", p)
		}
	case def.Name == "String":
		return inputErr(path, "%s is %s, not a String: send text in quotes", describe(v), kind(v))
	}
	return nil
}

// checkInt checks a value meant as an Int.
func checkInt(v any, path string) *domain.Error {
	n, ok := v.(json.Number)
	if !ok {
		if s, isString := v.(string); isString {
			return inputErr(path, "%q is a string, not an Int: send the number without quotes", s)
		}
		return inputErr(path, "%s is %s, not an Int: %s", describe(v), kind(v), intRange)
	}
	s := string(n)
	if strings.ContainsAny(s, ".eE") {
		f, err := n.Float64()
		if err == nil && f == float64(int64(f)) {
			return inputErr(path, "%s is not written as an integer: %s, written without a fraction or exponent", s, intRange)
		}
		return inputErr(path, "%s is not a whole number: %s", s, intRange)
	}
	if i, err := strconv.ParseInt(s, 10, 64); err != nil || i < minInt || i > maxInt {
		return inputErr(path, "%s is out of range: %s", s, intRange)
	}
	return nil
}

// kind names a decoded JSON value's type, with its article.
func kind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}

// describe shows a decoded JSON value briefly.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case json.Number, bool:
		return fmt.Sprint(x)
	}
	return "the value"
}

// checkLiterals checks the string literals of every argument in a
// selection set (nested selections included; fragments are checked once,
// where they are defined).
func checkLiterals(set ast.SelectionSet) *domain.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				if err := checkLiteral(a.Value, s.Name+"("+a.Name+":)"); err != nil {
					return err
				}
			}
			if err := checkLiterals(s.SelectionSet); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := checkLiterals(s.SelectionSet); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkLiteral(v *ast.Value, path string) *domain.Error {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		if p := domain.TextProblem(v.Raw); p != "" {
			return inputErr(path, "the text %s", p)
		}
	case ast.ListValue:
		for i, c := range v.Children {
			if err := checkLiteral(c.Value, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			if err := checkLiteral(c.Value, path+"."+c.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

func enumNames(def *ast.Definition) string {
	names := make([]string, len(def.EnumValues))
	for i, e := range def.EnumValues {
		names[i] = e.Name
	}
	return strings.Join(names, ", ")
}

// unknownEnum is gqlparser's message for an enum literal the schema lacks.
var unknownEnum = regexp.MustCompile(`^Value "([^"]*)" does not exist in "([A-Za-z_]+)!?" enum\.$`)

// nameEnumLiterals gives validation errors about an unknown enum literal
// the field they name ("ranking(map:)") and the values allowed: gqlparser
// names only the type and a position.
func nameEnumLiterals(schema *ast.Schema, query string, errs gqlerror.List) {
	for _, e := range errs {
		m := unknownEnum.FindStringSubmatch(e.Message)
		if m == nil || len(e.Locations) == 0 {
			continue
		}
		doc, perr := parser.ParseQuery(&ast.Source{Input: query})
		if perr != nil {
			return
		}
		loc := e.Locations[0]
		var walk func(ast.SelectionSet)
		walk = func(set ast.SelectionSet) {
			for _, sel := range set {
				switch s := sel.(type) {
				case *ast.Field:
					for _, a := range s.Arguments {
						if a.Value != nil && a.Value.Position != nil && a.Value.Position.Line == loc.Line && a.Value.Position.Column == loc.Column {
							if e.Extensions == nil {
								e.Extensions = map[string]any{}
							}
							e.Extensions["field"] = s.Name + "(" + a.Name + ":)"
							if def := schema.Types[m[2]]; def != nil {
								e.Message += " Allowed: " + enumNames(def) + "."
							}
						}
					}
					walk(s.SelectionSet)
				case *ast.InlineFragment:
					walk(s.SelectionSet)
				}
			}
		}
		for _, op := range doc.Operations {
			walk(op.SelectionSet)
		}
		for _, f := range doc.Fragments {
			walk(f.SelectionSet)
		}
	}
}
