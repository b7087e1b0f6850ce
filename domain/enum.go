package domain

// UnitKind is the level of a unit in the administrative tree.
type UnitKind string

// The unit kinds. Districts were abolished on 1 July 2025 and are kept for history.
const (
	KindNation   UnitKind = "NATION"
	KindProvince UnitKind = "PROVINCE"
	KindDistrict UnitKind = "DISTRICT"
	KindCommune  UnitKind = "COMMUNE"
	KindVillage  UnitKind = "VILLAGE"
	KindAgency   UnitKind = "AGENCY"
)

// UnitKinds lists every kind, from the top of the tree down.
var UnitKinds = []UnitKind{KindNation, KindProvince, KindDistrict, KindCommune, KindVillage, KindAgency}

// ParseUnitKind accepts the enum value in any case ("province", "PROVINCE").
func ParseUnitKind(s string) (UnitKind, error) {
	for _, k := range UnitKinds {
		if equalFoldASCII(string(k), s) {
			return k, nil
		}
	}
	return "", Errorf(EINVALID, "unknown unit kind %q (want one of nation, province, district, commune, village, agency)", s)
}

// Territorial reports whether units of this kind are part of the territorial
// tree (agencies are not: they roll up in their own branch).
func (k UnitKind) Territorial() bool { return k != KindAgency }

// Source says where a figure comes from (rule 2 of the domain).
type Source string

// The figure sources.
const (
	SourceReported Source = "REPORTED" // the unit's own latest report for the day
	SourceRollup   Source = "ROLLUP"   // the sum of its children's figures
	SourceCarried  Source = "CARRIED"  // its own latest earlier report, carried forward
	SourceNone     Source = "NONE"     // no data at all
)

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
