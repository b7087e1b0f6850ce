package graph_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// BenchmarkWriter is an uncached province ranking, every field of its
// rows (the portal's ranking and more), answered by the rankings' writer
// and by gqlgen's executor alone: the whole request through the handler,
// the resolver's figures already in memory.
//
//	go test ./graph -run '^$' -bench Writer -benchmem -count 6
func BenchmarkWriter(b *testing.B) {
	store := dbtest.New(b)
	dbtest.MustLoadExample(b, store)
	query := `{ ranking(campaign: "ref", metric: "activated", date: "2023-12-10", level: PROVINCE, first: 100) {
		totalCount date pageInfo { hasNextPage endCursor } bandCounts { count band { key min labelVi labelEn } }
		edges { cursor node { rank rankChange figure quota quotaOwn rate band delta delta7 pace7d requiredPace projectedCompletion atRisk outcome source staleDays
			coverage { onTime late missing total } figureText quotaText rateText unit { id code name fullName nameEn kind validFrom validTo } } } } }`
	for _, plain := range []bool{false, true} {
		name := "writer"
		if plain {
			name = "executor"
		}
		b.Run(name, func(b *testing.B) {
			h := writerHandler(store, plain)
			if rec := serveQuery(h, query, nil); rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
			for b.Loop() {
				serveQuery(h, query, nil)
			}
		})
	}
}
