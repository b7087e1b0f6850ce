package graph

import (
	"bytes"
	"context"
	"io"
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tiendo-vn/tiendo/domain"
)

// Rankings and series are the API's hottest reads: a page of up to 100 rows
// of some twenty fields each. gqlgen's executor answers every field through
// its general machinery (a context, a field context and a marshaler per
// field, a goroutine per list element), about a millisecond of CPU for the
// 63 provinces. rootWriter answers the ranking and progress root fields
// instead: it runs the same resolver (so the same arguments, checks and
// data) and writes the JSON of the selection directly, byte for byte what
// the executor writes (TestWriterMatchesExecutor compares them). It is not a
// cache: every request runs the resolver against the current figures. A
// selection it does not know (a unit's parent, ancestors or children, which
// need their own resolvers) goes to the executor.

// writerSelectable is, for each type a ranking's or a series' selection can
// reach, its fields the writer answers, and the type of those that are
// objects.
var writerSelectable = map[string]map[string]string{
	"ProgressConnection": {"edges": "ProgressEdge", "pageInfo": "PageInfo", "totalCount": "", "columns": "ProgressColumns"},
	"ProgressEdge":       {"cursor": "", "node": "ProgressPoint"},
	"ProgressPoint": {"date": "", "figure": "", "quota": "", "rate": "", "source": "", "staleDays": "", "delta": "", "band": "",
		"pace7d": "", "requiredPace": "", "projectedCompletion": "", "atRisk": "", "coverage": "Coverage", "revisionCount": "",
		"corrected": "", "figureText": "", "quotaText": "", "rateText": "", "outcome": "", "rulesVersion": ""},
	"ProgressColumns":   {"dates": "", "figures": "", "quotas": "", "rates": "", "sources": "", "deltas": ""},
	"RankingConnection": {"edges": "RankingEdge", "pageInfo": "PageInfo", "totalCount": "", "date": "", "bandCounts": "BandCount"},
	"RankingEdge":       {"cursor": "", "node": "RankingRow"},
	"RankingRow": {"rank": "", "rankChange": "", "unit": "Unit", "figure": "", "quota": "", "quotaOwn": "", "rate": "", "band": "",
		"delta": "", "delta7": "", "pace7d": "", "requiredPace": "", "projectedCompletion": "", "atRisk": "", "source": "",
		"staleDays": "", "coverage": "Coverage", "figureText": "", "quotaText": "", "rateText": "", "outcome": "", "rulesVersion": ""},
	"Unit":      {"id": "", "code": "", "name": "", "fullName": "", "nameEn": "", "kind": "", "validFrom": "", "validTo": ""},
	"PageInfo":  {"hasNextPage": "", "hasPreviousPage": "", "startCursor": "", "endCursor": ""},
	"BandCount": {"band": "Band", "count": ""},
	"Band":      {"key": "", "min": "", "labelVi": "", "labelEn": ""},
	"Coverage":  {"onTime": "", "late": "", "missing": "", "total": ""},
}

// writerAnswers counts the root fields the writer answered (for tests).
var writerAnswers atomic.Int64

// rootWriter is a RootResolverMiddleware for the ranking and progress fields.
type rootWriter struct {
	es *executableSchema
	r  *Resolver
}

func (rw rootWriter) rootField(ctx context.Context, next graphql.RootResolver) (m graphql.Marshaler) {
	// The executor recovers from a resolver's panic inside next, not
	// here: if anything here panics, let the executor answer (and report).
	defer func() {
		if p := recover(); p != nil {
			m = next(ctx)
		}
	}()
	rf := graphql.GetRootFieldContext(ctx)
	if rf == nil || rf.Field.Field == nil || rf.Field.ObjectDefinition == nil || rf.Field.ObjectDefinition.Name != "Query" {
		return next(ctx)
	}
	var typ string
	switch rf.Field.Name {
	case "ranking":
		typ = "RankingConnection"
	case "progress":
		typ = "ProgressConnection"
	default:
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query || !selectable(oc, rf.Field.Selections, typ) {
		return next(ctx)
	}
	ec := newExecutionContext(oc, rw.es, nil)
	raw := rf.Field.ArgumentMap(oc.Variables)
	var v any
	var rows int
	if typ == "RankingConnection" {
		args, err := ec.field_Query_ranking_args(ctx, raw)
		if err != nil {
			return next(ctx) // the executor reports it
		}
		conn, err := rw.r.Query().Ranking(ctx, args["campaign"].(string), args["metric"].(string), args["date"].(*domain.Date),
			args["scopeCode"].(*string), args["level"].(domain.UnitKind), args["first"].(*int), args["after"].(*string), args["map"].(*ReformMap))
		if err != nil || !writableRanking(conn) {
			return next(ctx)
		}
		v, rows = conn, len(conn.Edges)
	} else {
		args, err := ec.field_Query_progress_args(ctx, raw)
		if err != nil {
			return next(ctx)
		}
		conn, err := rw.r.Query().Progress(ctx, args["campaign"].(string), args["unitCode"].(string), args["metric"].(string),
			args["from"].(*domain.Date), args["to"].(*domain.Date), args["first"].(*int), args["after"].(*string), args["map"].(*ReformMap))
		if err != nil || !writableProgress(conn) {
			return next(ctx)
		}
		v, rows = conn, len(conn.Edges)
	}
	b := compile(oc, rf.Field.Selections, typ).write(make([]byte, 0, 256+rows*256), v)
	writerAnswers.Add(1)
	return graphql.WriterFunc(func(w io.Writer) { w.Write(b) })
}

// selectable reports whether the writer answers every field of a selection
// on type typ.
func selectable(oc *graphql.OperationContext, sel ast.SelectionSet, typ string) bool {
	fields := writerSelectable[typ]
	for _, f := range graphql.CollectFields(oc, sel, []string{typ}) {
		if f.Name == "__typename" {
			continue
		}
		child, ok := fields[f.Name]
		if !ok || len(f.Directives) > 0 && hasCustomDirective(f.Directives) {
			return false
		}
		if child != "" && !selectable(oc, f.Selections, child) {
			return false
		}
	}
	return true
}

// hasCustomDirective: @skip and @include are applied by CollectFields; any
// other directive goes to the executor.
func hasCustomDirective(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			return true
		}
	}
	return false
}

func finite(f *float64) bool { return f == nil || !math.IsInf(*f, 0) && !math.IsNaN(*f) }

// writableProgress reports whether every value can be written as the
// executor would: non-null fields present, floats finite (the executor
// turns anything else into an error, which it should report).
func writableProgress(c *ProgressConnection) bool {
	if c == nil || c.PageInfo == nil || c.Columns == nil {
		return false
	}
	for _, e := range c.Edges {
		if e == nil || e.Node == nil || e.Node.Coverage == nil {
			return false
		}
		n := e.Node
		if !finite(n.Rate) || !finite(n.Pace7d) || !finite(n.RequiredPace) {
			return false
		}
	}
	for i := range c.Columns.Rates {
		if !finite(c.Columns.Rates[i]) {
			return false
		}
	}
	return true
}

// writableRanking is writableProgress for a ranking.
func writableRanking(c *RankingConnection) bool {
	if c == nil || c.PageInfo == nil {
		return false
	}
	for _, e := range c.Edges {
		if e == nil || e.Node == nil || e.Node.RankRow == nil || e.Node.Unit == nil {
			return false
		}
		n := e.Node
		if !finite(n.Rate) || !finite(n.Pace7d) || !finite(n.RequiredPace) {
			return false
		}
	}
	for _, b := range c.BandCounts {
		if b == nil || b.Band != nil && !finite(&b.Band.Min) {
			return false
		}
	}
	return true
}

var (
	jsonNull = []byte("null")
	jsonTrue = []byte("true")
	jsonFals = []byte("false")
)

// plan is a selection on one type, compiled once per request: its fields in
// the executor's order, each alias once and already quoted.
type plan struct {
	typ    string
	fields []planField
}

type planField struct {
	key   []byte // "alias":
	name  string
	lang  *Lang // the text fields' lang argument
	child *plan
}

func compile(oc *graphql.OperationContext, sel ast.SelectionSet, typ string) *plan {
	p := &plan{typ: typ}
	seen := map[string]bool{}
	for _, f := range graphql.CollectFields(oc, sel, []string{typ}) {
		if seen[f.Alias] {
			continue
		}
		seen[f.Alias] = true
		var key bytes.Buffer
		if len(p.fields) > 0 {
			key.WriteByte(',')
		}
		graphql.MarshalString(f.Alias).MarshalGQL(&key)
		key.WriteByte(':')
		pf := planField{key: key.Bytes(), name: f.Name}
		if child := writerSelectable[typ][f.Name]; child != "" {
			pf.child = compile(oc, f.Selections, child)
		}
		if (typ == "RankingRow" || typ == "ProgressPoint") && strings.HasSuffix(f.Name, "Text") {
			pf.lang = langArg(oc, f)
		}
		p.fields = append(p.fields, pf)
	}
	return p
}

// writeObject writes one object as the executor does.
func (p *plan) write(b []byte, v any) []byte {
	b = append(b, '{')
	for i := range p.fields {
		f := &p.fields[i]
		b = append(b, f.key...)
		if f.name == "__typename" {
			b = appendString(b, p.typ)
			continue
		}
		b = p.writeField(b, f, v)
	}
	return append(b, '}')
}

func (p *plan) writeField(b []byte, f *planField, v any) []byte {
	switch p.typ {
	case "RankingConnection":
		c := v.(*RankingConnection)
		switch f.name {
		case "edges":
			return writeObjects(b, c.Edges, f.child)
		case "pageInfo":
			return f.child.write(b, c.PageInfo)
		case "totalCount":
			return strconv.AppendInt(b, int64(c.TotalCount), 10)
		case "date":
			return appendDate(b, &c.Date)
		case "bandCounts":
			return writeObjects(b, c.BandCounts, f.child)
		}
	case "RankingEdge":
		e := v.(*RankingEdge)
		switch f.name {
		case "cursor":
			return appendString(b, e.Cursor)
		case "node":
			return f.child.write(b, e.Node)
		}
	case "RankingRow":
		return writeRow(b, f, v.(*RankingRow))
	case "ProgressConnection":
		c := v.(*ProgressConnection)
		switch f.name {
		case "edges":
			return writeObjects(b, c.Edges, f.child)
		case "pageInfo":
			return f.child.write(b, c.PageInfo)
		case "totalCount":
			return strconv.AppendInt(b, int64(c.TotalCount), 10)
		case "columns":
			return f.child.write(b, c.Columns)
		}
	case "ProgressEdge":
		e := v.(*ProgressEdge)
		switch f.name {
		case "cursor":
			return appendString(b, e.Cursor)
		case "node":
			return f.child.write(b, e.Node)
		}
	case "ProgressPoint":
		return writePoint(b, f, v.(*ProgressPoint))
	case "ProgressColumns":
		c := v.(*ProgressColumns)
		switch f.name {
		case "dates":
			return appendList(b, c.Dates, func(b []byte, d domain.Date) []byte { return appendDate(b, &d) })
		case "figures":
			return appendList(b, c.Figures, appendInt64Ptr)
		case "quotas":
			return appendList(b, c.Quotas, appendInt64Ptr)
		case "rates":
			return appendList(b, c.Rates, appendFloat)
		case "sources":
			return appendList(b, c.Sources, func(b []byte, s domain.Source) []byte { return appendString(b, string(s)) })
		case "deltas":
			return appendList(b, c.Deltas, appendInt64Ptr)
		}
	case "Unit":
		u := v.(*domain.Unit)
		switch f.name {
		case "id":
			return strconv.AppendInt(b, u.ID, 10)
		case "code":
			return appendString(b, u.Code)
		case "name":
			return appendString(b, u.Name)
		case "fullName":
			return appendString(b, u.FullName)
		case "nameEn":
			return appendString(b, u.NameEN)
		case "kind":
			return appendString(b, string(u.Kind))
		case "validFrom":
			return appendDate(b, u.ValidFrom)
		case "validTo":
			return appendDate(b, u.ValidTo)
		}
	case "PageInfo":
		pi := v.(*PageInfo)
		switch f.name {
		case "hasNextPage":
			return appendBool(b, pi.HasNextPage)
		case "hasPreviousPage":
			return appendBool(b, pi.HasPreviousPage)
		case "startCursor":
			return appendStringPtr(b, pi.StartCursor)
		case "endCursor":
			return appendStringPtr(b, pi.EndCursor)
		}
	case "BandCount":
		bc := v.(*BandCount)
		switch f.name {
		case "band":
			if bc.Band == nil {
				return append(b, jsonNull...)
			}
			return f.child.write(b, bc.Band)
		case "count":
			return strconv.AppendInt(b, int64(bc.Count), 10)
		}
	case "Band":
		band := v.(*domain.Band)
		switch f.name {
		case "key":
			return appendString(b, band.Key)
		case "min":
			return appendFloat(b, &band.Min)
		case "labelVi":
			return appendString(b, band.LabelVI)
		case "labelEn":
			return appendString(b, band.LabelEN)
		}
	case "Coverage":
		c := v.(*Coverage)
		switch f.name {
		case "onTime":
			return strconv.AppendInt(b, int64(c.OnTime), 10)
		case "late":
			return strconv.AppendInt(b, int64(c.Late), 10)
		case "missing":
			return strconv.AppendInt(b, int64(c.Missing), 10)
		case "total":
			return strconv.AppendInt(b, int64(c.Total), 10)
		}
	}
	panic("writer: no field " + p.typ + "." + f.name) // selectable() keeps this from happening
}

func writeRow(b []byte, f *planField, r *RankingRow) []byte {
	switch f.name {
	case "rulesVersion":
		return strconv.AppendInt(b, int64(r.RulesVersion), 10)
	case "rank":
		return appendIntPtr(b, r.Rank)
	case "rankChange":
		return appendIntPtr(b, r.RankChange)
	case "unit":
		return f.child.write(b, r.Unit)
	case "figure":
		return appendInt64Ptr(b, r.Value)
	case "quota":
		return appendInt64Ptr(b, r.Quota)
	case "quotaOwn":
		return appendBool(b, r.QuotaOwn)
	case "rate":
		return appendFloat(b, r.Rate)
	case "band":
		return appendStringPtr(b, r.Band)
	case "delta":
		return appendInt64Ptr(b, r.Delta)
	case "delta7":
		return appendInt64Ptr(b, r.Delta7)
	case "pace7d":
		return appendFloat(b, r.Pace7d)
	case "requiredPace":
		return appendFloat(b, r.RequiredPace)
	case "projectedCompletion":
		return appendDate(b, r.Projected)
	case "atRisk":
		return appendBool(b, r.AtRisk())
	case "outcome":
		return appendOutcome(b, r.Outcome)
	case "source":
		return appendString(b, string(r.Source))
	case "staleDays":
		return strconv.AppendInt(b, int64(r.StaleDays), 10)
	case "coverage":
		return f.child.write(b, r.Coverage())
	case "figureText":
		return appendStringPtr(b, r.FigureText(f.lang))
	case "quotaText":
		return appendStringPtr(b, r.QuotaText(f.lang))
	case "rateText":
		return appendStringPtr(b, r.RateText(f.lang))
	}
	panic("writer: no field RankingRow." + f.name)
}

func writePoint(b []byte, f *planField, p *ProgressPoint) []byte {
	switch f.name {
	case "rulesVersion":
		return strconv.AppendInt(b, int64(p.RulesVersion), 10)
	case "date":
		return appendDate(b, &p.Date)
	case "figure":
		return appendInt64Ptr(b, p.Figure)
	case "quota":
		return appendInt64Ptr(b, p.Quota)
	case "rate":
		return appendFloat(b, p.Rate)
	case "source":
		return appendString(b, string(p.Source))
	case "staleDays":
		return strconv.AppendInt(b, int64(p.StaleDays), 10)
	case "delta":
		return appendInt64Ptr(b, p.Delta)
	case "band":
		return appendStringPtr(b, p.Band)
	case "pace7d":
		return appendFloat(b, p.Pace7d)
	case "requiredPace":
		return appendFloat(b, p.RequiredPace)
	case "projectedCompletion":
		return appendDate(b, p.ProjectedCompletion)
	case "atRisk":
		return appendBool(b, p.AtRisk)
	case "outcome":
		return appendOutcome(b, p.Outcome)
	case "coverage":
		return f.child.write(b, p.Coverage)
	case "revisionCount":
		return strconv.AppendInt(b, int64(p.RevisionCount), 10)
	case "corrected":
		return appendBool(b, p.Corrected())
	case "figureText":
		return appendStringPtr(b, p.FigureText(f.lang))
	case "quotaText":
		return appendStringPtr(b, p.QuotaText(f.lang))
	case "rateText":
		return appendStringPtr(b, p.RateText(f.lang))
	}
	panic("writer: no field ProgressPoint." + f.name)
}

// writeObjects writes a list of objects of one plan.
func writeObjects[T any](b []byte, vs []T, p *plan) []byte {
	return appendList(b, vs, func(b []byte, v T) []byte { return p.write(b, v) })
}

// appendList writes a list the executor's way: [a,b,c].
func appendList[T any](b []byte, vs []T, each func([]byte, T) []byte) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = each(b, v)
	}
	return append(b, ']')
}

// langArg is a text field's lang argument (its default applied).
func langArg(oc *graphql.OperationContext, f graphql.CollectedField) *Lang {
	if s, ok := f.ArgumentMap(oc.Variables)["lang"].(string); ok {
		l := Lang(s)
		return &l
	}
	return nil
}

func appendIntPtr(b []byte, v *int) []byte {
	if v == nil {
		return append(b, jsonNull...)
	}
	return strconv.AppendInt(b, int64(*v), 10)
}

func appendInt64Ptr(b []byte, v *int64) []byte {
	if v == nil {
		return append(b, jsonNull...)
	}
	return strconv.AppendInt(b, *v, 10)
}

// appendFloat writes a float as gqlgen's Float does (%g: the shortest
// representation).
func appendFloat(b []byte, v *float64) []byte {
	if v == nil {
		return append(b, jsonNull...)
	}
	return strconv.AppendFloat(b, *v, 'g', -1, 64)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, jsonTrue...)
	}
	return append(b, jsonFals...)
}

// appendString quotes a string as gqlgen's String does.
func appendString(b []byte, s string) []byte {
	buf := bytes.NewBuffer(b)
	graphql.MarshalString(s).MarshalGQL(buf)
	return buf.Bytes()
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, jsonNull...)
	}
	return appendString(b, *s)
}

func appendDate(b []byte, d *domain.Date) []byte {
	if d == nil {
		return append(b, jsonNull...)
	}
	b = append(b, '"')
	b = append(b, d.String()...)
	return append(b, '"')
}

// appendOutcome writes a nullable CampaignOutcome.
func appendOutcome(b []byte, o *domain.CampaignOutcome) []byte {
	if o == nil {
		return append(b, jsonNull...)
	}
	return appendString(b, string(*o))
}
