package graph

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tiendo-vn/tiendo/domain"
)

// marshaled is what a marshaler writes.
func marshaled(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

// TestAppendersMatchMarshalers: each appender the generator uses for a
// marshaler (graph/internal/gen, appenders) writes what the marshaler
// writes.
func TestAppendersMatchMarshalers(t *testing.T) {
	check := func(name, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s: the appender writes %s, the marshaler %s", name, got, want)
		}
	}
	for _, s := range []string{"", "Bến Tre", `a"b\c`, "tab\tnl\nrc\r", "\x00\x01\x1f\x7f", "\xff\xfeinvalid", "\u2028 \U0001F600", "</script>&"} {
		check("String", string(appendString(nil, s)), marshaled(graphql.MarshalString(s)))
		check("ID", string(appendString(nil, s)), marshaled(graphql.MarshalID(s)))
		check("UnitKind", string(appendQuoted(nil, s)), marshaled(MarshalUnitKind(domain.UnitKind(s))))
		check("Source", string(appendQuoted(nil, s)), marshaled(MarshalSource(domain.Source(s))))
		check("CampaignOutcome", string(appendQuoted(nil, s)), marshaled(MarshalCampaignOutcome(domain.CampaignOutcome(s))))
	}
	for _, i := range []int64{0, 1, -1, 930767, math.MaxInt64, math.MinInt64} {
		check("Int64", string(appendInt(nil, i)), marshaled(graphql.MarshalInt64(i)))
		check("Int", string(appendInt(nil, int64(int(i)))), marshaled(graphql.MarshalInt(int(i))))
		check("Int32", string(appendInt(nil, int64(int32(i)))), marshaled(graphql.MarshalInt32(int32(i))))
	}
	for _, f := range []float64{0, 1, -1, 0.8833, 1e21, 1e-7, 123456789012, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.NaN()} {
		var want bytes.Buffer
		err := graphql.MarshalFloatContext(f).MarshalGQLContext(context.Background(), &want)
		got, ok := appendFloat(nil, f)
		if ok != (err == nil) || ok && string(got) != want.String() {
			t.Errorf("Float %v: the appender writes %s (%v), the marshaler %s (%v)", f, got, ok, want.String(), err)
		}
	}
	for _, v := range []bool{true, false} {
		check("Boolean", string(appendBool(nil, v)), marshaled(graphql.MarshalBoolean(v)))
	}
	for _, d := range []string{"2023-11-14", "2025-07-01", "0001-01-01"} {
		day, err := domain.ParseDate(d)
		if err != nil {
			t.Fatal(err)
		}
		check("Date", string(appendDate(nil, day)), marshaled(MarshalDate(day)))
	}
}

// TestWriterRefusesWhatTheExecutorRefuses: a null where the schema says
// non-null and a float that is not finite make the writer give the root
// field to the executor, which reports them.
func TestWriterRefusesWhatTheExecutorRefuses(t *testing.T) {
	nan := math.NaN()
	p := &plan{typ: wtRankingConnection, fields: []planField{
		{key: []byte(`"pageInfo":`), id: 1, child: &plan{typ: wtPageInfo, fields: []planField{{key: []byte(`"hasNextPage":`), id: 0}}}},
		{key: []byte(`,"edges":`), id: 0, child: &plan{typ: wtRankingEdge, fields: []planField{
			{key: []byte(`"node":`), id: 1, child: &plan{typ: wtRankingRow, fields: []planField{{key: []byte(`"rate":`), id: 6}}}}}}},
	}}
	row := &RankingRow{&domain.RankedRow{RankRow: &domain.RankRow{}}}
	conn := &RankingConnection{PageInfo: &PageInfo{}, Edges: []*RankingEdge{{Node: row}}}
	if b, ok := writeObject(nil, p, conn); !ok || string(b) != `{"pageInfo":{"hasNextPage":false},"edges":[{"node":{"rate":null}}]}` {
		t.Fatalf("%s %v", b, ok)
	}
	row.Rate = &nan
	if b, ok := writeObject(nil, p, conn); ok {
		t.Errorf("a NaN rate: wrote %s", b)
	}
	row.Rate = nil
	conn.Edges = append(conn.Edges, nil)
	if b, ok := writeObject(nil, p, conn); ok {
		t.Errorf("a null edge: wrote %s", b)
	}
	conn.Edges, conn.PageInfo = nil, nil
	if b, ok := writeObject(nil, p, conn); ok {
		t.Errorf("no pageInfo: wrote %s", b)
	}
}
