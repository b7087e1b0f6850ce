package graph

// gen is gqlgen's generate with one more plugin, which writes the
// rankings' and series' JSON writer (fastpath_write_gen.go) from the same
// schema and gqlgen.yml; it finds ../gqlgen.yml by itself and resolves its
// paths from there.
//go:generate go run ./internal/gen -writer-roots ranking,progress
