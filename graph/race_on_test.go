//go:build race

package graph_test

// raceSlowdown multiplies the hostile corpus's budgets under the race
// detector, which makes Go code 5 to 10 times slower and allocate more.
const raceSlowdown = 10
