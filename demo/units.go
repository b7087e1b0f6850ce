// Package demo builds the demonstration dataset: the real administrative
// unit lists before and after the 2025 reform, and five campaigns modelled on
// the seed documents, with synthetic but deterministic commune series that
// add up exactly to the figures the press printed on the days it printed
// them.
package demo

import (
	"bytes"
	"embed"
	"fmt"
	"sync"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
)

// The unit lists are the contract's units CSV, converted from the MIT
// licensed thanglequoc/vietnamese-provinces-database (see data/README.md and
// data/LICENSE.vietnamese-provinces-database).
//
//go:embed data/units-2025-03.csv data/units-2026-07.csv
var unitFiles embed.FS

// Reform is the first day of the two-level system (no districts).
var Reform = domain.MustDate("2025-07-01")

var units = sync.OnceValues(loadUnits)

// Units returns both official lists as one timeline: the nation, always
// valid; the 63 provinces, 696 districts and 10,035 communes of March 2025,
// valid until 30/06/2025 (and, for this demo, since ever, so campaigns of
// 2023 find them); and the 34 provinces and 3,321 communes valid from
// 01/07/2025. Codes repeat across the reform; a unit is a code within its
// validity period. The returned slice is shared: do not modify it.
func Units() ([]domain.UnitRow, error) { return units() }

func loadUnits() ([]domain.UnitRow, error) {
	before := Reform.AddDays(-1)
	after := Reform
	var out []domain.UnitRow
	for _, f := range []struct {
		name     string
		from, to *domain.Date
	}{
		{"data/units-2025-03.csv", nil, &before},
		{"data/units-2026-07.csv", &after, nil},
	} {
		b, err := unitFiles.ReadFile(f.name)
		if err != nil {
			return nil, err
		}
		err = csvio.ReadUnits(bytes.NewReader(b), f.name, func(l csvio.Line[domain.UnitRow]) error {
			u := l.Row
			if u.Kind == domain.KindNation {
				if f.from == nil { // the nation outlives the reform: keep one row
					out = append(out, u)
				}
				return nil
			}
			u.ValidFrom, u.ValidTo = f.from, f.to
			out = append(out, u)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("demo units: %w", err)
		}
	}
	return out, nil
}
