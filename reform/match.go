package reform

import (
	"slices"
	"sort"
	"strings"
)

// kindWord is the kind word an old unit's full name starts with ("phường",
// "xã", "huyện", …).
func kindWord(u *Unit) string {
	low := strings.ToLower(u.FullName)
	for _, p := range append(slices.Clone(prefixes), "huyện", "quận", "thị xã", "thành phố") {
		if strings.HasPrefix(low, p+" ") {
			return p
		}
	}
	return ""
}

type pending struct {
	m     mention
	cands []*Unit
}

// resolve matches one new unit's mentions, then settles the ambiguous ones
// by the districts of the others.
func (cw *Crosswalk) resolve(s Source, ms []mention, lookup func(mention) []*Unit, sp map[string][]*Unit, om *oldMap) {
	var open []pending
	districts := map[string]bool{}
	link := func(m mention, u *Unit, method string) {
		k := Whole
		if m.Part {
			k = Part
		}
		cw.Links = append(cw.Links, Link{OldCode: u.Code, OldKind: u.Kind, NewCode: s.Code, NewKind: "commune",
			Kind: k, Method: method, Source: s.Predecessors})
		if u.Kind == "commune" {
			districts[u.ParentCode] = true
		}
	}
	for _, m := range ms {
		if m.NotUnit {
			cw.Unresolved = append(cw.Unresolved, Unresolved{NewCode: s.Code, NewName: s.Name, Name: m.Name, Reason: "not an administrative unit"})
			continue
		}
		want := "commune"
		if m.Level == LevelDistrict {
			want = "district"
		}
		var cands []*Unit
		for _, u := range lookup(m) {
			if u.Kind == want {
				cands = append(cands, u)
			}
		}
		method := "name"
		if len(cands) == 0 {
			// Without diacritics, spaces, and i/y, if that leaves exactly one.
			b := loose(m.Name)
			for _, us := range sp {
				for _, u := range us {
					if u.Kind == want && loose(u.Name) == b {
						cands = append(cands, u)
					}
				}
			}
			if len(cands) > 1 && m.Prefix != "" {
				cands = filter(cands, func(u *Unit) bool { return kindWord(u) == m.Prefix })
			}
			if len(cands) != 1 {
				cands = nil
			}
			method = "loose"
		}
		if len(cands) > 1 && m.Prefix != "" {
			if f := filter(cands, func(u *Unit) bool { return kindWord(u) == m.Prefix }); len(f) > 0 {
				cands = f
			}
		}
		if len(cands) > 1 && m.Qualifier != "" {
			q := reDistrict.FindStringSubmatch(m.Qualifier)
			f := filter(cands, func(u *Unit) bool {
				d := om.byCode[u.ParentCode]
				return d != nil && key(d.Name) == key(q[2]) && kindWord(d) == strings.ToLower(q[1])
			})
			if len(f) > 0 {
				cands, method = f, "name+district"
			}
		}
		if len(cands) > 1 {
			// A new unit keeps the code of one of its predecessors.
			if f := filter(cands, func(u *Unit) bool { return u.Code == s.Code }); len(f) == 1 {
				cands, method = f, "name+code"
			}
		}
		switch len(cands) {
		case 0:
			cw.Unresolved = append(cw.Unresolved, Unresolved{NewCode: s.Code, NewName: s.Name, Name: strings.TrimSpace(m.Prefix + " " + m.Name), Reason: "not found"})
		case 1:
			link(m, cands[0], method)
		default:
			open = append(open, pending{m, cands})
		}
	}
	for _, p := range open {
		f := filter(p.cands, func(u *Unit) bool { return districts[u.ParentCode] })
		if len(f) == 1 {
			link(p.m, f[0], "name+siblings")
			continue
		}
		codes := make([]string, len(p.cands))
		for i, u := range p.cands {
			codes[i] = u.Code
		}
		cw.Unresolved = append(cw.Unresolved, Unresolved{NewCode: s.Code, NewName: s.Name, Name: strings.TrimSpace(p.m.Prefix + " " + p.m.Name),
			Reason: "ambiguous", Candidates: codes})
	}
}

func filter(us []*Unit, keep func(*Unit) bool) []*Unit {
	var out []*Unit
	for _, u := range us {
		if keep(u) {
			out = append(out, u)
		}
	}
	return out
}

// finish makes an old unit linked to several new ones a PART everywhere
// (it was split, whatever one text says), lists the old communes no text
// names, and sorts.
func (cw *Crosswalk) finish(old []Unit) {
	targets := map[string]map[string]bool{}
	for _, l := range cw.Links {
		if targets[l.OldCode] == nil {
			targets[l.OldCode] = map[string]bool{}
		}
		targets[l.OldCode][l.NewCode] = true
	}
	anyPart := map[string]bool{}
	for _, l := range cw.Links {
		if l.Kind == Part {
			anyPart[l.OldCode] = true
		}
	}
	for i := range cw.Links {
		l := &cw.Links[i]
		if l.OldKind != "province" && (len(targets[l.OldCode]) > 1 || anyPart[l.OldCode]) {
			l.Kind = Part
		}
	}
	// One link per old and new unit.
	seen := map[[2]string]bool{}
	links := cw.Links[:0]
	for _, l := range cw.Links {
		k := [2]string{l.OldCode, l.NewCode}
		if !seen[k] {
			seen[k] = true
			links = append(links, l)
		}
	}
	cw.Links = links
	sort.SliceStable(cw.Links, func(i, j int) bool {
		a, b := cw.Links[i], cw.Links[j]
		if (a.NewKind == "province") != (b.NewKind == "province") {
			return a.NewKind == "province"
		}
		if a.NewCode != b.NewCode {
			return a.NewCode < b.NewCode
		}
		return a.OldCode < b.OldCode
	})
	linkedDistricts := map[string]bool{}
	for code := range targets {
		linkedDistricts[code] = true
	}
	for _, u := range old {
		if u.Kind == "commune" && !linkedDistricts[u.Code] {
			cw.Unlinked = append(cw.Unlinked, u.Code)
		}
	}
	sort.Strings(cw.Unlinked)
}
