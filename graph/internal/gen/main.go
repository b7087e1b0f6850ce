// Command gen is `go tool gqlgen generate` with one more plugin: the
// writer of the rankings' and series' JSON (graph/fastpath_write_gen.go),
// generated from the same schema and gqlgen.yml in the same pass, from
// gqlgen's own binding of every field to its Go field or method.
//
// graph/generate.go runs it: go generate ./...
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	roots := flag.String("writer-roots", "", "comma-separated Query fields the writer answers")
	out := flag.String("writer-out", "fastpath_write_gen.go", "the writer's file, in the exec package's directory")
	flag.Parse()
	if err := run(strings.Split(*roots, ","), *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(roots []string, out string) error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no gqlgen.yml here or above: %w", err)
	}
	if err != nil {
		return err
	}
	return api.Generate(cfg, api.AddPlugin(&writerPlugin{roots: roots, filename: out}))
}
