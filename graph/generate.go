package graph

// gqlgen finds ../gqlgen.yml by itself and resolves its paths from there.
//go:generate go tool gqlgen generate
