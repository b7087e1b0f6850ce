//go:build !race

package graph_test

// raceSlowdown multiplies the hostile corpus's budgets (10 under -race).
const raceSlowdown = 1
