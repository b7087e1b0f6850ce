package graph_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// maxResolverLines is how long a resolver may be, counted from its func line to
// its closing brace: a resolver translates arguments and results, and whatever
// more it does belongs in app or a graph helper.
const maxResolverLines = 15

// TestResolversAreShort: every function in graph/*.resolvers.go is at most
// maxResolverLines long.
func TestResolversAreShort(t *testing.T) {
	files, err := filepath.Glob("*.resolvers.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no resolver files (%v)", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			if n := funcLines(fset, fn); n > maxResolverLines {
				t.Errorf("%s: %s is %d lines, more than %d", fset.Position(fn.Pos()), fn.Name.Name, n, maxResolverLines)
			}
		}
	}
}

func funcLines(fset *token.FileSet, fn *ast.FuncDecl) int {
	return fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
}
