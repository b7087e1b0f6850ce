package domain

import (
	"fmt"
	"time"
)

// Date is a civil day (no time, no zone), stored as the number of days since
// 1970-01-01 so that day arithmetic is integer arithmetic.
type Date int32

// DateLayout is the ISO form used by the API and CSV files.
const DateLayout = "2006-01-02"

// DateOf returns the civil day of y-m-d.
func DateOf(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// DateFromTime returns the day of t in t's own location.
func DateFromTime(t time.Time) Date {
	y, m, d := t.Date()
	return DateOf(y, m, d)
}

// Today returns the current day in loc.
func Today(loc *time.Location) Date { return DateFromTime(time.Now().In(loc)) }

// ParseDate parses YYYY-MM-DD strictly.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || len(s) != len(DateLayout) {
		return 0, Errorf(EINVALID, "%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateFromTime(t), nil
}

// MustDate parses s or panics; for tests and fixed data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	y, m, dd := d.UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// UTC returns midnight UTC of d.
func (d Date) UTC() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// AddDays returns the day n days after d.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// String returns YYYY-MM-DD.
func (d Date) String() string { return d.UTC().Format(DateLayout) }

// VI returns dd/mm/yyyy, as Vietnamese texts write dates.
func (d Date) VI() string { return d.UTC().Format("02/01/2006") }

// EN returns the en-US form, e.g. "Nov 14, 2023".
func (d Date) EN() string { return d.UTC().Format("Jan 2, 2006") }

// GoString helps test failure messages.
func (d Date) GoString() string { return fmt.Sprintf("domain.MustDate(%q)", d.String()) }
