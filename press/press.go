// Package press writes the daily bulletin (bản tin) of a campaign for a
// scope unit and a day, the way the provincial press prints progress
// columns (seed 001): the structured facts, and the text in Vietnamese and
// English. It is pure: the caller brings the day's figures; every number
// goes through package numfmt, so the column and the API agree to the
// digit.
package press

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// Unit is a unit as the column names it.
type Unit struct {
	Code     string          `json:"code"`
	Name     string          `json:"name"`
	FullName string          `json:"fullName"`
	NameEN   string          `json:"nameEn"`
	Kind     domain.UnitKind `json:"kind"`
	Leaf     bool            `json:"leaf"` // reports itself (no units below it)
}

// Figure is one unit's figure for one metric on the day.
type Figure struct {
	Unit         Unit     `json:"unit"`
	Value        *int64   `json:"value"`
	Quota        *int64   `json:"quota"`
	Delta        *int64   `json:"delta"`
	Rank         int      `json:"rank"` // 0: unranked
	RankChange   *int     `json:"rankChange"`
	Band         string   `json:"band"`
	Source       string   `json:"source"`
	Pace7d       *float64 `json:"pace7d"`
	Projected    string   `json:"projectedCompletion"`
	AtRisk       bool     `json:"atRisk"`
	RequiredPace *float64 `json:"requiredPace"`
	OnTime       int      `json:"onTime"`
	Late         int      `json:"late"`
	Missing      int      `json:"missing"`
}

// Metric is what a figure counts, with its words.
type Metric struct {
	Key    string `json:"key"`
	NameVI string `json:"nameVi"`
	NameEN string `json:"nameEn"`
	VerbVI string `json:"verbVi"`
	VerbEN string `json:"verbEn"`
	NounVI string `json:"nounVi"`
	NounEN string `json:"nounEn"`
}

// MetricDay is one metric's figures on the day: the scope's own and its
// children's, in rank order.
type MetricDay struct {
	Metric   Metric   `json:"metric"`
	Scope    Figure   `json:"scope"`
	Children []Figure `json:"children"`
	// Fall: why the scope's figure fell from the day before, when every
	// part of the fall has a known cause (else empty: the column then says
	// only that it fell).
	Fall []FallCause `json:"fall,omitempty"`
}

// Input is everything one edition says.
type Input struct {
	Campaign *domain.Campaign
	Scope    Unit
	Day      domain.Date
	Metrics  []MetricDay
}

// Named is a unit with a formatted rate, for the lists of the column.
type Named struct {
	Unit Unit   `json:"unit"`
	Rate string `json:"rate"` // vi-VN
	Rank int    `json:"rank"`
	// The figure and quota, so the English text can format the rate.
	Value int64 `json:"value"`
	Quota int64 `json:"quota"`
}

// MetricFacts are the facts of one metric.
type MetricFacts struct {
	Metric       string  `json:"metric"`
	Figure       *int64  `json:"figure"`
	Quota        *int64  `json:"quota"`
	Rate         string  `json:"rate"`
	Delta        *int64  `json:"delta"`
	Completed    []Named `json:"completed"`
	Top          []Named `json:"top"`
	Bottom       []Named `json:"bottom"`
	AtRisk       []Named `json:"atRisk"`       // before the end only
	Unfinished   []Named `json:"unfinished"`   // from the last day: the units short of their quota
	RequiredPace *int64  `json:"requiredPace"` // per day, rounded up
}

// Text is the column in one language.
type Text struct {
	Title      string   `json:"title"`
	Lead       string   `json:"lead"`
	Paragraphs []string `json:"paragraphs"`
	// Sentences are the paragraphs' sentences, each named (its key), which
	// a later revision's đính chính compares.
	Sentences []Sentence `json:"sentences,omitempty"`
}

// Edition is one bulletin: its facts and its text in both languages.
type Edition struct {
	Campaign      string        `json:"campaign"`
	CampaignName  string        `json:"campaignName"`
	LegalRef      string        `json:"legalRef"`
	Scope         Unit          `json:"scope"`
	Day           string        `json:"day"`
	Facts         []MetricFacts `json:"facts"`
	Late          []string      `json:"late"`
	Missing       []string      `json:"missing"`
	NextMilestone *string       `json:"nextMilestone"`
	DaysToEnd     int           `json:"daysToEnd"`
	RulesVersion  int           `json:"rulesVersion,omitempty"` // the campaign's rules version of the day (bands, order)
	Tables        []MetricDay   `json:"tables"`
	VI            Text          `json:"vi"`
	EN            Text          `json:"en"`
	CorrectionVI  *Text         `json:"correctionVi,omitempty"` // on a later revision: what changed
	CorrectionEN  *Text         `json:"correctionEn,omitempty"`
	// On a later revision: every published item that changed, and the
	// revisions of reports and quotas received since the previous one.
	Changes []Change   `json:"changes,omitempty"`
	Causes  []Revision `json:"causes,omitempty"`
	// Set by the publisher: the licence of the published edition, and
	// whether it was written from the demo dataset. They are part of the
	// canonical JSON, so the download at its hash carries them.
	Licence    string          `json:"licence,omitempty"`
	LicenceURL string          `json:"licenceUrl,omitempty"`
	Demo       bool            `json:"demo,omitempty"`
	Hash       string          `json:"-"`
	raw        json.RawMessage // nil until Marshal
}

// Build writes the edition.
func Build(in Input) *Edition {
	c := in.Campaign
	e := &Edition{Campaign: c.Slug, CampaignName: c.Name, LegalRef: c.LegalRef, Scope: in.Scope, Day: in.Day.String(),
		DaysToEnd: int(c.End - in.Day), Tables: in.Metrics, RulesVersion: domain.RulesOn(domain.RulesOf(c), in.Day).Version}
	ended := in.Day >= c.End
	for _, m := range in.Metrics {
		e.Facts = append(e.Facts, facts(m, ended))
	}
	e.Late, e.Missing = coverageLists(in.Metrics)
	for _, ms := range c.Milestones {
		if ms.Date > in.Day {
			s := ms.Date.String()
			e.NextMilestone = &s
			break
		}
	}
	e.VI = write(in, e, vi{})
	e.EN = write(in, e, en{})
	return e
}

// facts are a metric's lists; from the campaign's last day (ended) the
// units short of their quota are listed as not completed, never at risk.
func facts(m MetricDay, ended bool) MetricFacts {
	f := MetricFacts{Metric: m.Metric.Key, Figure: m.Scope.Value, Quota: m.Scope.Quota, Delta: m.Scope.Delta,
		Rate: rate(m.Scope, "vi")}
	// Rankings compare units of one level: the children of the scope's
	// territory (agencies rank in their own branch, in the tables only).
	var kind domain.UnitKind
	for _, ch := range m.Children {
		if ch.Unit.Kind != domain.KindAgency {
			kind = ch.Unit.Kind
			break
		}
	}
	var ranked []Figure
	for _, ch := range m.Children {
		if ch.Unit.Kind != kind {
			continue
		}
		hasQuota := ch.Value != nil && ch.Quota != nil && *ch.Quota > 0
		if hasQuota && ch.Rank > 0 {
			ranked = append(ranked, ch)
		}
		switch {
		case hasQuota && *ch.Value >= *ch.Quota:
			f.Completed = append(f.Completed, named(ch))
		case ended && ch.Quota != nil && *ch.Quota > 0:
			// Short of its quota, or with no figure at all: not completed.
			f.Unfinished = append(f.Unfinished, named(ch))
		case !ended && ch.AtRisk && ch.Rank > 0:
			f.AtRisk = append(f.AtRisk, named(ch))
		}
	}
	f.Top, f.Bottom = topBottom(ranked, 2)
	if m.Scope.RequiredPace != nil && *m.Scope.RequiredPace > 0 {
		p := int64(math.Ceil(*m.Scope.RequiredPace - 1e-9))
		f.RequiredPace = &p
	}
	return f
}

// topBottom returns the first n and last n ranked units, widened to keep
// units that share a rank together, and not overlapping.
func topBottom(ranked []Figure, n int) (top, bottom []Named) {
	if len(ranked) < 2 {
		return nil, nil
	}
	k := min(n, len(ranked)/2)
	end := k
	for end < len(ranked) && ranked[end].Rank == ranked[end-1].Rank {
		end++
	}
	for _, f := range ranked[:end] {
		top = append(top, named(f))
	}
	start := len(ranked) - k
	for start > end && ranked[start].Rank == ranked[start-1].Rank {
		start--
	}
	if start < end {
		return top, nil
	}
	// Lowest first, as the press lists them.
	for i := len(ranked) - 1; i >= start; i-- {
		bottom = append(bottom, named(ranked[i]))
	}
	return top, bottom
}

func named(f Figure) Named {
	n := Named{Unit: f.Unit, Rate: rate(f, "vi"), Rank: f.Rank}
	if f.Value != nil && f.Quota != nil {
		n.Value, n.Quota = *f.Value, *f.Quota
	}
	return n
}

func rate(f Figure, lang string) string {
	if f.Value == nil || f.Quota == nil {
		return ""
	}
	return numfmt.FormatRate(*f.Value, *f.Quota, lang)
}

// coverageLists names the children late or missing (with how many of
// their own units, when they are not reporting units themselves), from the
// first metric (reports carry every metric together).
func coverageLists(ms []MetricDay) (late, missing []string) {
	if len(ms) == 0 {
		return nil, nil
	}
	for _, ch := range ms[0].Children {
		if ch.Missing > 0 {
			missing = append(missing, ch.Unit.Code)
		}
		// A reporting unit is late or missing; a unit above others may
		// have some of each.
		if ch.Late > 0 && (ch.Missing == 0 || !ch.Unit.Leaf) {
			late = append(late, ch.Unit.Code)
		}
	}
	return late, missing
}

// Marshal returns the edition's canonical JSON and sets its hash: the
// SHA-256 of that JSON, which proves a published edition unchanged.
func (e *Edition) Marshal() ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(b)
	e.Hash, e.raw = hex.EncodeToString(h[:]), b
	return b, nil
}

// Unmarshal reads a stored edition.
func Unmarshal(b []byte, hash string) (*Edition, error) {
	var e Edition
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("stored bulletin: %w", err)
	}
	e.Hash = hash
	return &e, nil
}

// lowerFirst lower-cases the kind word of a full name inside a sentence:
// "Huyện Ba Tri" → "huyện Ba Tri", "Thành phố Bến Tre" → "thành phố Bến Tre".
func lowerFirst(u Unit) string {
	prefix := strings.TrimSuffix(u.FullName, u.Name)
	if prefix == u.FullName || prefix == "" {
		return u.FullName
	}
	return strings.ToLower(prefix) + u.Name
}

// kindWord is the lower-cased kind word of a unit ("huyện", "thành phố").
func kindWord(u Unit) string {
	return strings.TrimSpace(strings.ToLower(strings.TrimSuffix(u.FullName, u.Name)))
}
