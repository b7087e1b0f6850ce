// Package milestone records a campaign's milestone rankings (mốc): the
// official ranking of a milestone's day, every level and every metric
// within the campaign's scope, frozen once as canonical JSON with its
// SHA-256, and compares a frozen ranking with what the current figures
// give. It is pure: the caller brings the day's figures and stores the
// bytes.
package milestone

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
	"github.com/tiendo-vn/tiendo/press"
)

// Unit is a unit as the record names it.
type Unit struct {
	ID       int64           `json:"id"`
	Code     string          `json:"code"`
	Name     string          `json:"name"`
	FullName string          `json:"fullName"`
	NameEN   string          `json:"nameEn"`
	Kind     domain.UnitKind `json:"kind"`
	ParentID *int64          `json:"parentId"`
}

// Domain returns the unit as a domain.Unit.
func (u Unit) Domain() *domain.Unit {
	return &domain.Unit{ID: u.ID, Code: u.Code, Name: u.Name, FullName: u.FullName, NameEN: u.NameEN, Kind: u.Kind, ParentID: u.ParentID}
}

// Row is one unit's frozen standing.
type Row struct {
	Rank *int `json:"rank"` // within the campaign's scope; nil: no figure
	Unit Unit `json:"unit"`
	// Within lists the codes of the unit's ancestors from the campaign's
	// scope down to its parent, as they were that day: a ranking inside a
	// smaller scope takes the rows whose Within names it.
	Within       []string      `json:"within"`
	Figure       *int64        `json:"figure"`
	Quota        *int64        `json:"quota"`
	QuotaOwn     bool          `json:"quotaOwn"`
	Rate         *float64      `json:"rate"`
	Band         *string       `json:"band"`
	Source       domain.Source `json:"source"`
	StaleDays    int           `json:"staleDays"`
	Delta        *int64        `json:"delta"`
	Pace7d       *float64      `json:"pace7d"`
	RequiredPace *float64      `json:"requiredPace"`
	Projected    *string       `json:"projectedCompletion"`
	AtRisk       bool          `json:"atRisk"`
	OnTime       int           `json:"onTime"`
	Late         int           `json:"late"`
	Missing      int           `json:"missing"`
}

// Ranking is the frozen ranking of one metric and level.
type Ranking struct {
	Metric string          `json:"metric"`
	Level  domain.UnitKind `json:"level"`
	Rows   []Row           `json:"rows"`
}

// Band is a band as the record names it.
type Band struct {
	Key     string  `json:"key"`
	Min     float64 `json:"min"`
	LabelVI string  `json:"labelVi"`
	LabelEN string  `json:"labelEn"`
}

// Rules is the rules version the ranking was computed with.
type Rules struct {
	Version       int    `json:"version"`
	EffectiveFrom string `json:"effectiveFrom"`
	Order         string `json:"order"`
	Bands         []Band `json:"bands"`
}

// Domain returns the bands as domain.Bands.
func (r Rules) Domain() []domain.Band {
	out := make([]domain.Band, len(r.Bands))
	for i, b := range r.Bands {
		out[i] = domain.Band{Key: b.Key, Min: b.Min, LabelVI: b.LabelVI, LabelEN: b.LabelEN}
	}
	return out
}

// Record is a milestone's frozen ranking.
type Record struct {
	Campaign     string    `json:"campaign"`
	CampaignName string    `json:"campaignName"`
	LegalRef     string    `json:"legalRef"`
	Scope        Unit      `json:"scope"`
	Day          string    `json:"day"`
	LabelVI      string    `json:"labelVi"`
	LabelEN      string    `json:"labelEn"`
	Rules        Rules     `json:"rules"`
	Rankings     []Ranking `json:"rankings"`
}

// Figure is one stored figure of the milestone's day, with its unit.
type Figure struct {
	Metric string
	Unit   *domain.Unit
	Point  Row // Unit, Within and Rank are filled by Build; Rank is read from StoredRank
	// StoredRank is the rank within the campaign's scope (0: unranked).
	StoredRank int
}

// Build makes the record of campaign c's milestone ms from the day's
// figures of every unit of the scope's subtree (any order): per metric (in
// the campaign's order) and level (from the top of the tree down), the
// rows in rank order. The scope unit itself is not ranked.
func Build(c *domain.Campaign, scope *domain.Unit, ms domain.Milestone, figs []Figure) *Record {
	rv := domain.RulesOn(domain.RulesOf(c), ms.Date)
	rec := &Record{Campaign: c.Slug, CampaignName: c.Name, LegalRef: c.LegalRef, Scope: unitOf(scope), Day: ms.Date.String(),
		LabelVI: ms.LabelVI, LabelEN: ms.LabelEN,
		Rules: Rules{Version: rv.Version, EffectiveFrom: rv.EffectiveFrom.String(), Order: orderOf(rv), Bands: []Band{}}}
	bands := rv.Bands
	if len(bands) == 0 {
		bands = domain.DefaultBands()
	}
	for _, b := range bands {
		rec.Rules.Bands = append(rec.Rules.Bands, Band{b.Key, b.Min, b.LabelVI, b.LabelEN})
	}
	units := map[int64]*domain.Unit{}
	for _, f := range figs {
		units[f.Unit.ID] = f.Unit
	}
	within := func(u *domain.Unit) []string {
		path := []string{}
		for p := u.ParentID; p != nil && *p != scope.ID; {
			pu := units[*p]
			if pu == nil {
				break
			}
			path = append(path, pu.Code)
			p = pu.ParentID
		}
		path = append(path, scope.Code)
		slices.Reverse(path)
		return path
	}
	type key struct {
		metric string
		level  domain.UnitKind
	}
	groups := map[key][]Figure{}
	for _, f := range figs {
		if f.Unit.ID == scope.ID {
			continue
		}
		k := key{f.Metric, f.Unit.Kind}
		groups[k] = append(groups[k], f)
	}
	for _, m := range c.MetricKeys {
		for _, kind := range domain.UnitKinds {
			fs := groups[key{m, kind}]
			if len(fs) == 0 {
				continue
			}
			slices.SortFunc(fs, func(a, b Figure) int {
				ra, rb := a.StoredRank, b.StoredRank
				if (ra == 0) != (rb == 0) {
					if ra == 0 {
						return 1
					}
					return -1
				}
				if ra != rb {
					return ra - rb
				}
				return cmpString(a.Unit.Code, b.Unit.Code)
			})
			rk := Ranking{Metric: m, Level: kind, Rows: make([]Row, len(fs))}
			for i, f := range fs {
				row := f.Point
				row.Unit, row.Within, row.Rank = unitOf(f.Unit), within(f.Unit), nil
				if f.StoredRank > 0 {
					r := f.StoredRank
					row.Rank = &r
				}
				rk.Rows[i] = row
			}
			rec.Rankings = append(rec.Rankings, rk)
		}
	}
	if rec.Rankings == nil {
		rec.Rankings = []Ranking{}
	}
	return rec
}

func orderOf(rv *domain.RulesVersion) string {
	if rv.Order == "" {
		return domain.RankingOrder
	}
	return rv.Order
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func unitOf(u *domain.Unit) Unit {
	return Unit{ID: u.ID, Code: u.Code, Name: u.Name, FullName: u.FullName, NameEN: u.NameEN, Kind: u.Kind, ParentID: u.ParentID}
}

// Marshal returns the record's canonical bytes and their SHA-256 (hex):
// what is stored, and what proves it unchanged.
func (r *Record) Marshal() ([]byte, string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, "", err
	}
	return b, Hash(b), nil
}

// Hash is the SHA-256 of stored bytes, in hex.
func Hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Unmarshal reads stored bytes, checking them against their hash.
func Unmarshal(b []byte, hash string) (*Record, error) {
	if got := Hash(b); got != hash {
		return nil, fmt.Errorf("stored milestone ranking: SHA-256 %s, recorded %s", got, hash)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("stored milestone ranking: %w", err)
	}
	return &r, nil
}

// Levels lists the levels the record ranks for a metric.
func (r *Record) Levels(metric string) []domain.UnitKind {
	var out []domain.UnitKind
	for _, rk := range r.Rankings {
		if rk.Metric == metric {
			out = append(out, rk.Level)
		}
	}
	return out
}

// View returns the frozen ranking of one metric and level inside the unit
// with code scopeCode (the campaign's scope, or a unit below it): its rows
// in the frozen order, renumbered within that scope as a live ranking is
// (equal rate and figure share a rank). ok is false when the record has no
// such ranking.
func (r *Record) View(metric string, level domain.UnitKind, scopeCode string) (rows []Row, ok bool) {
	for _, rk := range r.Rankings {
		if rk.Metric != metric || rk.Level != level {
			continue
		}
		if scopeCode == r.Scope.Code {
			return rk.Rows, true
		}
		for _, row := range rk.Rows {
			if slices.Contains(row.Within, scopeCode) {
				row.Rank = nil
				rows = append(rows, row)
			}
		}
		figs := make([]*engine.Figure, len(rows))
		for i := range rows {
			figs[i] = figureOf(&rows[i])
		}
		engine.Number(figs)
		for i := range rows {
			if figs[i].Rank > 0 {
				rk := figs[i].Rank
				rows[i].Rank = &rk
			}
		}
		return rows, true
	}
	return nil, false
}

func figureOf(r *Row) *engine.Figure {
	f := &engine.Figure{UnitID: r.Unit.ID, Code: r.Unit.Code, Rate: r.Rate}
	if r.Figure != nil {
		f.HasValue, f.Value = true, *r.Figure
	}
	if r.Quota != nil {
		f.HasQuota, f.Quota = true, *r.Quota
	}
	return f
}

// Change names what differs between a frozen row and the current figures.
type Change string

// The changes, in the order they are listed.
const (
	ChangeRank   Change = "RANK"
	ChangeFigure Change = "FIGURE"
	ChangeRate   Change = "RATE"
	ChangeBand   Change = "BAND"
)

// Current is a unit's standing by the current figures.
type Current struct {
	Rank         *int
	Figure       *int64
	Quota        *int64
	Rate         *float64
	Band         *string
	RulesVersion int
}

// Diff lists what differs between a frozen row and the current standing
// of its unit.
func Diff(frozen *Row, cur *Current) []Change {
	out := []Change{}
	if !eq(frozen.Rank, cur.Rank) {
		out = append(out, ChangeRank)
	}
	if !eq(frozen.Figure, cur.Figure) {
		out = append(out, ChangeFigure)
	}
	if !eq(frozen.Rate, cur.Rate) {
		out = append(out, ChangeRate)
	}
	if !eq(frozen.Band, cur.Band) {
		out = append(out, ChangeBand)
	}
	return out
}

func eq[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// CSVHeader is the header of the CSV download.
var CSVHeader = []string{"campaign", "milestone", "rules_version", "metric", "level", "rank", "unit_code", "unit_name",
	"within", "figure", "quota", "rate", "band", "source", "stale_days", "at_risk", "on_time", "late", "missing"}

// WriteCSV writes every ranking of the record as CSV, UTF-8 with a byte
// order mark (so that spreadsheets show Vietnamese), one row per unit; a
// name that a spreadsheet would read as a formula is written as text (see
// press.CSVText).
func WriteCSV(w io.Writer, r *Record) error {
	records := [][]string{CSVHeader}
	for _, rk := range r.Rankings {
		for _, row := range rk.Rows {
			var rank, rate, band string
			if row.Rank != nil {
				rank = strconv.Itoa(*row.Rank)
			}
			if row.Rate != nil {
				rate = strconv.FormatFloat(*row.Rate, 'f', 6, 64)
			}
			if row.Band != nil {
				band = *row.Band
			}
			records = append(records, []string{r.Campaign, r.Day, strconv.Itoa(r.Rules.Version), rk.Metric, string(rk.Level), rank,
				row.Unit.Code, press.CSVText(row.Unit.FullName), strings.Join(row.Within, "/"), optInt(row.Figure), optInt(row.Quota), rate, band,
				string(row.Source), strconv.Itoa(row.StaleDays), strconv.FormatBool(row.AtRisk), strconv.Itoa(row.OnTime),
				strconv.Itoa(row.Late), strconv.Itoa(row.Missing)})
		}
	}
	buf := bytes.NewBufferString("\ufeff")
	if err := csv.NewWriter(buf).WriteAll(records); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func optInt(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}
