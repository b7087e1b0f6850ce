// Package reform connects the two maps of Vietnam's 2025 administrative
// reform: which old units (valid until 30/06/2025: 63 provinces, 696
// districts, 10,035 communes) became which new ones (valid from 01/07/2025:
// 34 provinces, 3,321 communes, no districts). It reads the official texts
// of what each new unit was formed from and matches the names they give
// against the old list, inside the old provinces that formed the new one,
// never across the country, and never by guessing: what it cannot match to
// exactly one old unit it reports.
package reform

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Unit is a row of a unit list (the contract's units CSV plus full_name).
type Unit struct {
	Code, Name, Kind, ParentCode, FullName string
}

// Source is one row of reform-2025-predecessors.csv.
type Source struct {
	Code, Kind, Name, ParentCode, Predecessors string
}

// Kind says whether an old unit went whole into a new one.
type Kind string

const (
	Whole Kind = "WHOLE" // the old unit went entirely into the new one
	Part  Kind = "PART"  // the old unit was split: only part of it is here
)

// Link is one edge old unit → new unit.
type Link struct {
	OldCode string // code in the list valid until 30/06/2025
	OldKind string // province, district or commune
	NewCode string // code in the list valid from 01/07/2025
	NewKind string // province or commune
	Kind    Kind
	// Method says how the name was matched: "province", "unchanged" (giữ
	// nguyên: the same name), "name", "name+district" (a bracketed
	// district), "name+siblings" (the one candidate in a district of the
	// other units of the same text), "no-diacritics" (unique without
	// diacritics).
	Method string
	Source string // the official text, whole
}

// Unresolved is a name the texts give that matched no old unit, or more
// than one.
type Unresolved struct {
	NewCode, NewName string
	Name             string   // the name as the text gives it, with its kind word
	Reason           string   // "not found", "ambiguous", "not an administrative unit"
	Candidates       []string // for ambiguous names: the old codes it could be
}

// Crosswalk is the result of Build.
type Crosswalk struct {
	Links      []Link
	Unresolved []Unresolved
	// Unlinked are old communes and districts no text names (their
	// territory went somewhere the texts do not say by name).
	Unlinked []string
}

// ReadUnits reads a units CSV (code,name,kind,parent_code,full_name,…).
func ReadUnits(r io.Reader) ([]Unit, error) {
	recs, err := readCSV(r, "code", "name", "kind", "parent_code", "full_name")
	if err != nil {
		return nil, err
	}
	out := make([]Unit, len(recs))
	for i, f := range recs {
		out[i] = Unit{f[0], f[1], f[2], f[3], f[4]}
	}
	return out, nil
}

// ReadSources reads reform-2025-predecessors.csv.
func ReadSources(r io.Reader) ([]Source, error) {
	recs, err := readCSV(r, "code", "kind", "name", "parent_code", "predecessors")
	if err != nil {
		return nil, err
	}
	out := make([]Source, len(recs))
	for i, f := range recs {
		out[i] = Source{f[0], f[1], f[2], f[3], f[4]}
	}
	return out, nil
}

func readCSV(r io.Reader, cols ...string) ([][]string, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range head {
			if strings.TrimPrefix(h, "\ufeff") == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("line 1: no %q column", c)
		}
	}
	var out [][]string
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, j := range idx {
			row[i] = strings.TrimSpace(rec[j])
		}
		out = append(out, row)
	}
}

// oldMap indexes the old list.
type oldMap struct {
	byCode   map[string]*Unit
	province map[string]string // code → its province code
}

func newOldMap(units []Unit) *oldMap {
	m := &oldMap{byCode: map[string]*Unit{}, province: map[string]string{}}
	for i := range units {
		m.byCode[units[i].Code] = &units[i]
	}
	var prov func(code string) string
	prov = func(code string) string {
		if p, ok := m.province[code]; ok {
			return p
		}
		u := m.byCode[code]
		p := ""
		switch {
		case u == nil:
		case u.Kind == "province":
			p = u.Code
		default:
			p = prov(u.ParentCode)
		}
		m.province[code] = p
		return p
	}
	for _, u := range units {
		prov(u.Code)
	}
	return m
}

// Build matches every new unit's text against the old list.
func Build(old, current []Unit, sources []Source) (*Crosswalk, error) {
	om := newOldMap(old)
	cw := &Crosswalk{}
	newProvOld := map[string][]string{} // new province code → old province codes
	oldProvByKey := map[string]string{}
	for _, u := range old {
		if u.Kind == "province" {
			oldProvByKey[key(u.Name)] = u.Code
		}
	}
	names := map[string]string{}
	for _, u := range current {
		names[u.Code] = u.Name
	}
	for _, s := range sources {
		if s.Kind != "province" {
			continue
		}
		ns := parseProvinceText(s.Predecessors)
		method := "province"
		if ns == nil {
			ns, method = []string{names[s.Code]}, "unchanged"
			if ns[0] == "" {
				ns[0] = s.Name
			}
		}
		for _, n := range ns {
			code, ok := oldProvByKey[key(n)]
			if !ok {
				return nil, fmt.Errorf("province %s %s: no old province named %q", s.Code, s.Name, n)
			}
			newProvOld[s.Code] = append(newProvOld[s.Code], code)
			cw.Links = append(cw.Links, Link{OldCode: code, OldKind: "province", NewCode: s.Code, NewKind: "province",
				Kind: Whole, Method: method, Source: s.Predecessors})
		}
	}
	// Each new province's search space: the old communes and districts of
	// the old provinces that formed it, by folded name.
	type space map[string][]*Unit
	spaces := map[string]space{}
	for np, ops := range newProvOld {
		sp := space{}
		for i := range old {
			u := &old[i]
			if u.Kind != "commune" && u.Kind != "district" {
				continue
			}
			for _, op := range ops {
				if om.province[u.Code] == op {
					sp[key(u.Name)] = append(sp[key(u.Name)], u)
					if p, n := splitPrefix(u.Name); p != "" {
						sp[key(n)] = append(sp[key(n)], u) // "Phường Đúc" is named "Phường Đúc" in the list
					}
				}
			}
		}
		spaces[np] = sp
	}
	for _, s := range sources {
		if s.Kind == "province" {
			continue
		}
		if _, listed := names[s.Code]; !listed {
			// A text for a unit the new list does not have (00071 Phường
			// Hiệp Hòa, with no kind): a link to it would dangle.
			cw.Unresolved = append(cw.Unresolved, Unresolved{NewCode: s.Code, NewName: s.Name, Name: s.Name, Reason: "the new unit is not in the new unit list"})
			continue
		}
		sp := spaces[s.ParentCode]
		if sp == nil {
			cw.Unresolved = append(cw.Unresolved, Unresolved{NewCode: s.Code, NewName: s.Name, Name: s.Name, Reason: "its province " + s.ParentCode + " has no predecessors"})
			continue
		}
		var ms []mention
		if strings.EqualFold(strings.TrimSpace(s.Predecessors), "giữ nguyên") {
			p, n := splitPrefix(s.Name)
			ms = []mention{{Prefix: p, Name: n, Text: s.Name}}
		} else {
			ms = parseCommuneText(s.Predecessors)
		}
		cw.resolve(s, ms, func(m mention) []*Unit { return sp[key(m.Name)] }, sp, om)
	}
	cw.finish(old)
	return cw, nil
}
