package db

import (
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tiendo-vn/tiendo/domain"
)

// pointScan reads rows of pointColumns, row after row, without reflection
// and with one allocation per point. Scanning a nullable column into a
// **int64, pgx makes the *int64 with reflect.New and sets it through
// reflect: for a ranking of the nation's communes after each commit (ten
// thousand rows of twelve nullable columns) that was most of the read's
// time in Go. pgtype's holders scan directly; a point's nullable fields
// then point into one block allocated with it (pointNulls), and unit kinds,
// sources and band names, the same few on every row, are not copied.
//
// Its destinations are built once: the columns before and after
// pointColumns are scanned into the caller's variables named when it is
// made, and read from them after each scan.
type pointScan struct {
	dest []any

	day, projected                          pgtype.Date
	unitID                                  int64
	kind, source, band                      pgtype.DriverBytes
	value, quota, delta, delta7             pgtype.Int8
	rate, pace7d, requiredPace              pgtype.Float8
	rank, rankChange                        pgtype.Int4
	staleDays, onTime, late, missing, rules int
	quotaOwn, atRisk                        bool

	bands []*string // band names seen, each kept once (points share it: read only)
}

// pointNulls holds a point's nullable values; the point's pointers point
// into it.
type pointNulls struct {
	value, quota, delta, delta7 int64
	rate, pace7d, requiredPace  float64
	projected                   domain.Date
	rank, rankChange            int
}

// newPointScan reads the columns before pointColumns into before and the
// ones after into extra.
func newPointScan(before []any, extra ...any) *pointScan {
	s := &pointScan{}
	s.dest = append(append(append(make([]any, 0, len(before)+22+len(extra)), before...),
		&s.day, &s.unitID, &s.kind, &s.value, &s.source, &s.staleDays, &s.quota, &s.quotaOwn, &s.rate, &s.delta, &s.delta7,
		&s.pace7d, &s.requiredPace, &s.projected, &s.atRisk, &s.band, &s.rank, &s.rankChange, &s.onTime, &s.late, &s.missing, &s.rules),
		extra...)
	return s
}

// scan reads row into s (and the caller's variables).
func (s *pointScan) scan(row pgx.CollectableRow) error {
	return row.Scan(s.dest...)
}

// fill writes the point scanned last into p, its nullable values into n.
func (s *pointScan) fill(p *domain.Point, n *pointNulls) {
	*p = domain.Point{
		Day: toDate(s.day.Time), UnitID: s.unitID, Kind: unitKind(s.kind), Source: source(s.source),
		StaleDays: s.staleDays, QuotaOwn: s.quotaOwn, AtRisk: s.atRisk,
		OnTime: s.onTime, Late: s.late, Missing: s.missing, RulesVersion: s.rules,
	}
	p.Value = int8At(s.value, &n.value)
	p.Quota = int8At(s.quota, &n.quota)
	p.Delta = int8At(s.delta, &n.delta)
	p.Delta7 = int8At(s.delta7, &n.delta7)
	p.Rate = float8At(s.rate, &n.rate)
	p.Pace7d = float8At(s.pace7d, &n.pace7d)
	p.RequiredPace = float8At(s.requiredPace, &n.requiredPace)
	p.Rank = int4At(s.rank, &n.rank)
	p.RankChange = int4At(s.rankChange, &n.rankChange)
	if s.projected.Valid {
		n.projected = toDate(s.projected.Time)
		p.Projected = &n.projected
	}
	if s.band != nil {
		p.Band = s.bandName()
	}
}

// point allocates the point scanned last.
func (s *pointScan) point() *domain.Point {
	b := new(struct {
		p domain.Point
		n pointNulls
	})
	s.fill(&b.p, &b.n)
	return &b.p
}

// bandName is the band scanned last, kept once per name.
func (s *pointScan) bandName() *string {
	for _, name := range s.bands {
		if *name == string(s.band) {
			return name
		}
	}
	name := string(s.band)
	if len(s.bands) < 32 { // more are not a campaign's bands: not kept
		s.bands = append(s.bands, &name)
	}
	return &name
}

func int8At(v pgtype.Int8, at *int64) *int64 {
	if !v.Valid {
		return nil
	}
	*at = v.Int64
	return at
}

func float8At(v pgtype.Float8, at *float64) *float64 {
	if !v.Valid {
		return nil
	}
	*at = v.Float64
	return at
}

func int4At(v pgtype.Int4, at *int) *int {
	if !v.Valid {
		return nil
	}
	*at = int(v.Int32)
	return at
}

// unitKind and source name the stored text without copying it, for the
// values the schema allows.
func unitKind(b []byte) domain.UnitKind {
	for _, k := range [...]domain.UnitKind{domain.KindCommune, domain.KindDistrict, domain.KindProvince, domain.KindNation, domain.KindVillage, domain.KindAgency} {
		if string(b) == string(k) {
			return k
		}
	}
	return domain.UnitKind(b)
}

func source(b []byte) domain.Source {
	for _, v := range [...]domain.Source{domain.SourceReported, domain.SourceRollup, domain.SourceCarried, domain.SourceNone} {
		if string(b) == string(v) {
			return v
		}
	}
	return domain.Source(b)
}
