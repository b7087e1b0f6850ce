package press

import (
	"fmt"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

// scopeVI is how the press names the whole of a scope: toàn tỉnh, toàn
// thành phố, toàn huyện, toàn xã…
func scopeVI(u Unit) string {
	if u.Kind == domain.KindNation {
		return "toàn quốc"
	}
	if w := kindWord(u); w != "" {
		return "toàn " + w
	}
	return "toàn " + strings.ToLower(string(u.Kind))
}

// kindEN is a unit's kind word in English.
func kindEN(u Unit) string {
	switch kindWord(u) {
	case "tỉnh":
		return "province"
	case "thành phố":
		return "city"
	case "huyện", "quận":
		return "district"
	case "thị xã":
		return "town"
	case "xã":
		return "commune"
	case "phường":
		return "ward"
	case "thị trấn":
		return "township"
	case "đặc khu":
		return "special zone"
	}
	return strings.ToLower(string(u.Kind))
}

func scopeEN(u Unit) string {
	if u.Kind == domain.KindNation {
		return "the country"
	}
	return "the " + kindEN(u)
}

func nameEN(u Unit) string {
	n := u.NameEN
	if n == "" {
		n = u.Name
	}
	if u.Kind == domain.KindAgency || kindEN(u) == "" {
		return n
	}
	return n + " " + kindEN(u)
}

// joinVI joins a list the Vietnamese way: "A, B và C".
func joinVI(items []string) string { return join(items, ", ", " và ") }

// joinEN joins a list the English way: "A, B and C".
func joinEN(items []string) string { return join(items, ", ", " and ") }

func join(items []string, sep, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], sep) + last + items[len(items)-1]
}

// unitsVI names units in a sentence: the kind word once when they share it
// ("huyện Thạnh Phú, Châu Thành và Ba Tri"), else each in full.
func unitsVI(us []Unit) string {
	if len(us) == 0 {
		return ""
	}
	same := true
	for _, u := range us {
		same = same && kindWord(u) == kindWord(us[0]) && kindWord(u) != ""
	}
	names := make([]string, len(us))
	for i, u := range us {
		if same && i > 0 {
			names[i] = u.Name
		} else {
			names[i] = lowerFirst(u)
		}
	}
	return joinVI(names)
}

func unitsEN(us []Unit) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = nameEN(u)
	}
	return joinEN(names)
}

// rated names units with their rates; units sharing a rank are written
// together: "huyện A (83,77%), huyện B và C (cùng 79,81%, đồng hạng)".
func rated(l language, ns []Named) string { return l.join(ratedParts(l, ns)) }

func ratedParts(l language, ns []Named) []string {
	var parts []string
	for _, g := range byRank(ns) {
		us := make([]Unit, len(g))
		for i, n := range g {
			us[i] = n.Unit
		}
		r := l.rateOf(g[0])
		if g[0].Rate == "" {
			r = l.noRate()
		}
		if len(g) == 1 {
			parts = append(parts, fmt.Sprintf("%s (%s)", l.units(us), r))
		} else {
			parts = append(parts, l.tied(l.units(us), r))
		}
	}
	return parts
}

// byRank groups consecutive units that share a rank.
func byRank(ns []Named) [][]Named {
	var out [][]Named
	for i, n := range ns {
		if i > 0 && n.Rank > 0 && n.Rank == ns[i-1].Rank { // unranked units (no figure) never tie
			out[len(out)-1] = append(out[len(out)-1], n)
			continue
		}
		out = append(out, []Named{n})
	}
	return out
}

// shortNoun drops the qualifier a previous clause already gave:
// "tài khoản ĐDĐT" → "tài khoản".
func shortNoun(noun string) string {
	noun = strings.TrimSuffix(noun, " ĐDĐT")
	return strings.TrimPrefix(noun, "e-ID ")
}

func count(n int64, lang string) string { return numfmt.FormatCount(n, lang) }

// maxListed is the most units a list names before "and N more".
const maxListed = 8

func firstUnits(ns []Named, n int) ([]Unit, int) {
	var us []Unit
	for i, x := range ns {
		if i == n {
			return us, len(ns) - n
		}
		us = append(us, x.Unit)
	}
	return us, 0
}

// unitsWithMore names the first units and counts the rest:
// "phường A, phường B và 5 đơn vị khác" (only the units when more is 0).
func unitsWithMore(l language, us []Unit, more int) string {
	if more == 0 {
		return l.units(us)
	}
	names := make([]string, len(us)+1)
	for i, u := range us {
		names[i] = l.name(u)
	}
	names[len(us)] = l.others(more)
	return l.join(names)
}

// rankedCount is how many children of the scope's level a metric ranks.
func rankedCount(m MetricDay) int {
	var kind domain.UnitKind
	n := 0
	for _, ch := range m.Children {
		if kind == "" && ch.Unit.Kind != domain.KindAgency {
			kind = ch.Unit.Kind
		}
		if ch.Unit.Kind == kind && ch.Rank > 0 {
			n++
		}
	}
	return n
}
