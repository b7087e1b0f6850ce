package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/formatter"
)

// The standard introspection query of graphql-js 16 with every option of
// getIntrospectionQuery on: what /schema.json answers.
//
//go:embed testdata/introspection/graphql-js-16-all-options.graphql
var standardIntrospection string

// SchemaFile is one form of the public schema as a file: its bytes, media
// type and strong ETag.
type SchemaFile struct {
	Name, ContentType, ETag string
	Body                    []byte
}

var schemaFiles = sync.OnceValues(func() ([]SchemaFile, error) {
	es := NewExecutableSchema(Config{})
	var sdl bytes.Buffer
	if d := es.Schema().Description; d != "" { // the formatter leaves the schema's own description out
		fmt.Fprintf(&sdl, "\"\"\"\n%s\n\"\"\"\nschema {\n  query: Query\n  mutation: Mutation\n}\n\n", d)
	}
	formatter.NewFormatter(&sdl, formatter.WithIndent("  ")).FormatSchema(es.Schema())
	exec := executor.New(es)
	exec.Use(extension.Introspection{})
	ctx := graphql.StartOperationTrace(context.Background())
	oc, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: standardIntrospection})
	if len(errs) > 0 {
		return nil, fmt.Errorf("introspection: %v", errs)
	}
	h, ctx := exec.DispatchOperation(ctx, oc)
	resp := h(ctx)
	if len(resp.Errors) > 0 {
		return nil, fmt.Errorf("introspection: %v", resp.Errors)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(`{"data":`+string(resp.Data)+`}`), "", "  "); err != nil {
		return nil, err
	}
	pretty.WriteByte('\n')
	file := func(name, ct string, b []byte) SchemaFile {
		sum := sha256.Sum256(b)
		return SchemaFile{Name: name, ContentType: ct, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`, Body: b}
	}
	return []SchemaFile{
		file("schema.graphql", "text/plain; charset=utf-8", sdl.Bytes()),
		file("schema.json", "application/json", pretty.Bytes()),
	}, nil
})

// SchemaFiles returns the public schema as SDL (schema.graphql, printed by
// gqlparser's formatter) and as the answer to graphql-js's standard
// introspection query (schema.json), as the server serves them and
// `publish --out` writes them.
func SchemaFiles() []SchemaFile {
	files, err := schemaFiles()
	if err != nil {
		panic(err) // the schema is compiled in: a failure is a bug a test catches
	}
	return files
}

// SchemaHandler serves the schema files at /schema.graphql and
// /schema.json, each with a strong ETag (a 304 to If-None-Match) and
// cacheable for an hour.
func SchemaHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, f := range SchemaFiles() {
			if r.URL.Path != "/"+f.Name {
				continue
			}
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
				return
			}
			w.Header().Set("Cache-Control", "public, max-age=3600")
			w.Header().Set("Content-Type", f.ContentType)
			// ServeContent answers If-None-Match with 304 and serves ranges.
			w.Header().Set("ETag", f.ETag)
			http.ServeContent(w, r, f.Name, time.Time{}, bytes.NewReader(f.Body))
			return
		}
		http.NotFound(w, r)
	})
}
