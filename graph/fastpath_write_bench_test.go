package graph

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// BenchmarkWriteRanking is the writer alone: a province ranking's selection
// compiled and its resolved answer written, without the request around it.
//
//	go test ./graph -run '^$' -bench WriteRanking -benchmem -count 6
func BenchmarkWriteRanking(b *testing.B) {
	store := dbtest.New(b)
	dbtest.MustLoadExample(b, store)
	r := &Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return dbtest.ExampleNow }}
	es := NewExecutableSchema(Config{Resolvers: r}).(*executableSchema)
	q := `{ ranking(campaign: "ref", metric: "activated", date: "2023-12-10", level: PROVINCE, first: 100) {
		totalCount date pageInfo { hasNextPage endCursor } bandCounts { count band { key min labelVi labelEn } }
		edges { cursor node { rank rankChange figure quota quotaOwn rate band delta delta7 pace7d requiredPace projectedCompletion atRisk outcome source staleDays
			coverage { onTime late missing total } figureText quotaText rateText unit { id code name fullName nameEn kind validFrom validTo } } } } }`
	doc, errs := gqlparser.LoadQuery(es.Schema(), q)
	if errs != nil {
		b.Fatal(errs)
	}
	oc := &graphql.OperationContext{RawQuery: q, Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
	sel := doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet
	ctx := context.Background()
	date, err := domain.ParseDate("2023-12-10")
	if err != nil {
		b.Fatal(err)
	}
	first := 100
	conn, err := r.Query().Ranking(ctx, "ref", "activated", &date, nil, domain.UnitKind("PROVINCE"), &first, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	// The example has 3 provinces; the country 63 (34 since the reform):
	// its rows 21 times over stand for them.
	many := *conn
	for range 20 {
		many.Edges = append(many.Edges, conn.Edges...)
	}
	for _, c := range []*RankingConnection{conn, &many} {
		b.Run(fmt.Sprintf("%d rows", len(c.Edges)), func(b *testing.B) {
			b.Logf("%d bytes", len(benchWrite(ctx, es, oc, sel, c)))
			for b.Loop() {
				benchWrite(ctx, es, oc, sel, c)
			}
		})
	}
}

func benchWrite(ctx context.Context, es *executableSchema, oc *graphql.OperationContext, sel ast.SelectionSet, conn *RankingConnection) []byte {
	p, ok := compile(ctx, newExecutionContext(oc, es, nil), sel, wtRankingConnection)
	if !ok {
		panic("not writable")
	}
	b, ok := writeObject(make([]byte, 0, 256+len(conn.Edges)*256), p, conn)
	if !ok {
		panic("not written")
	}
	return b
}
