package graph

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tiendo-vn/tiendo/domain"
)

// The writer of the rankings and series (see rootWriter): a selection
// compiled into a plan, written as the executor writes it.

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
