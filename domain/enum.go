package domain

import (
	"fmt"
	"io"
	"strconv"
)

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

// MarshalGQL writes the enum value.
func (k UnitKind) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL reads the enum value.
func (k *UnitKind) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("unit kind must be a string")
	}
	kk, err := ParseUnitKind(s)
	if err != nil {
		return err
	}
	*k = kk
	return nil
}

// Source says where a figure comes from (rule 2 of the domain).
type Source string

// The figure sources.
const (
	SourceReported Source = "REPORTED" // the unit's own latest report for the day
	SourceRollup   Source = "ROLLUP"   // the sum of its children's figures
	SourceCarried  Source = "CARRIED"  // its own latest earlier report, carried forward
	SourceNone     Source = "NONE"     // no data at all
)

// MarshalGQL writes the enum value.
func (s Source) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL reads the enum value.
func (s *Source) UnmarshalGQL(v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("source must be a string")
	}
	switch Source(str) {
	case SourceReported, SourceRollup, SourceCarried, SourceNone:
		*s = Source(str)
		return nil
	}
	return fmt.Errorf("unknown source %q", str)
}

// MarshalGQL writes the date as YYYY-MM-DD.
func (d Date) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(d.String())) }

// UnmarshalGQL reads a YYYY-MM-DD string.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(EINVALID, "a Date is a string in the form YYYY-MM-DD")
	}
	dd, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = dd
	return nil
}

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
