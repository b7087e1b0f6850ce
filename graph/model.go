package graph

import "github.com/tiendo-vn/tiendo/domain"

// ProgressPoint is one day of a unit's progress on one metric.
type ProgressPoint struct {
	Date      domain.Date
	Figure    *int64
	Quota     *int64
	Rate      *float64
	Source    domain.Source
	StaleDays int
	Delta     *int64
}
