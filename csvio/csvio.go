// Package csvio reads and writes the contract's CSV shapes (units, quotas,
// reports, and campaigns for import): UTF-8, a header row, comma-separated. Readers stream, check every
// field, and name the file, line and column of the first problem they find.
package csvio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// Shape names the columns of one CSV kind.
type Shape struct {
	Name     string
	Required []string
	Optional []string
}

// The contract's shapes.
var (
	UnitsShape   = Shape{"units", []string{"code", "name", "kind", "parent_code"}, []string{"full_name", "name_en", "valid_from", "valid_to"}}
	QuotasShape  = Shape{"quotas", []string{"campaign", "unit_code", "metric", "target", "effective_from", "reason"}, []string{"reference"}}
	ReportsShape = Shape{"reports", []string{"unit_code", "metric", "date", "value"}, []string{"reported_at", "note"}}
	// CrosswalkShape is reform/crosswalk.csv: old unit → new unit of the 2025 reform.
	CrosswalkShape = Shape{"crosswalk", []string{"old_code", "new_code", "kind", "source"}, []string{"old_kind", "new_kind", "method"}}
)

var shapes = []Shape{UnitsShape, QuotasShape, ReportsShape, CrosswalkShape, CampaignsShape}

// Detect guesses the shape of a file from its header line.
func Detect(header []string) (Shape, bool) {
	for _, s := range shapes {
		if _, err := s.columns(header, ""); err == nil {
			return s, true
		}
	}
	return Shape{}, false
}

// DetectFile is Detect for a file: when the header fits no shape, the
// error is about the shape it comes closest to (the most of whose required
// columns it has) and names the column that does not fit it, duplicated,
// unknown or missing, with its position ("reports.csv:1:5").
func DetectFile(header []string, file string) (Shape, error) {
	if s, ok := Detect(header); ok {
		return s, nil
	}
	best, score := Shape{}, 0
	for _, s := range shapes {
		n := 0
		for _, h := range header {
			if slices.Contains(s.Required, normColumn(h)) {
				n++
			}
		}
		if n > score {
			best, score = s, n
		}
	}
	if score == 0 {
		return Shape{}, &domain.Error{Code: domain.EINVALID, Field: file + ":1", Message: "the header is not one of units (" +
			strings.Join(UnitsShape.Required, ",") + "), quotas (" + strings.Join(QuotasShape.Required, ",") + "), reports (" +
			strings.Join(ReportsShape.Required, ",") + "), crosswalk (" + strings.Join(CrosswalkShape.Required, ",") + ") or campaigns (" +
			strings.Join(CampaignsShape.Required, ",") + ")"}
	}
	_, err := best.columns(header, file)
	return Shape{}, err
}

// normColumn is a header cell as a column name.
func normColumn(h string) string {
	return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
}

// ReadHeader reads the first record of r (stripping a UTF-8 BOM) without
// consuming more than it needs; for Detect.
func ReadHeader(r *bufio.Reader) ([]string, error) {
	line, err := r.Peek(4096)
	if err != nil && err != io.EOF && len(line) == 0 {
		return nil, err
	}
	s := strings.TrimPrefix(string(line), "\ufeff")
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Split(s, ","), nil
}

// columns maps column names to positions, checking the header.
func (s Shape) columns(header []string, file string) (map[string]int, error) {
	pos := map[string]int{}
	known := map[string]bool{}
	for _, c := range s.Required {
		known[c] = true
	}
	for _, c := range s.Optional {
		known[c] = true
	}
	for i, h := range header {
		h = normColumn(h)
		if p := domain.TextProblem(h); p != "" {
			return nil, &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s:1:%d", file, i+1), Message: "the column name " + p}
		}
		if !known[h] {
			return nil, &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s:1:%d", file, i+1),
				Message: fmt.Sprintf("unknown column %q in a %s file (columns: %s)", h, s.Name, strings.Join(append(append([]string{}, s.Required...), s.Optional...), ","))}
		}
		if _, dup := pos[h]; dup {
			return nil, &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s:1:%d", file, i+1), Message: fmt.Sprintf("column %q appears twice", h)}
		}
		pos[h] = i
	}
	for _, c := range s.Required {
		if _, ok := pos[c]; !ok {
			return nil, &domain.Error{Code: domain.EINVALID, Field: file + ":1", Message: fmt.Sprintf("missing column %q (a %s file needs %s)", c, s.Name, strings.Join(s.Required, ","))}
		}
	}
	return pos, nil
}

// record is one data line being read, with helpers that name the field on error.
type record struct {
	file   string
	fields []string
	pos    map[string]int
	r      *csv.Reader
}

func (rec *record) Line() int { line, _ := rec.r.FieldPos(0); return line }

func (rec *record) errf(col string, format string, args ...any) error {
	i, ok := rec.pos[col]
	line, column := rec.r.FieldPos(0)
	if ok {
		line, column = rec.r.FieldPos(i)
	}
	return &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s:%d:%d (%s)", rec.file, line, column, col), Message: fmt.Sprintf(format, args...)}
}

func (rec *record) str(col string) string {
	i, ok := rec.pos[col]
	if !ok || i >= len(rec.fields) {
		return ""
	}
	return strings.TrimSpace(rec.fields[i])
}

func (rec *record) required(col string) (string, error) {
	v := rec.str(col)
	if v == "" {
		return "", rec.errf(col, "%s is empty", col)
	}
	return v, nil
}

func (rec *record) count(col string) (int64, error) {
	v, err := rec.required(col)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, rec.errf(col, "%q is not a whole number (write 822139, without separators)", v)
	}
	if n < 0 {
		return 0, rec.errf(col, "%d is negative; counts are never negative", n)
	}
	return n, nil
}

func (rec *record) date(col string, required bool) (*domain.Date, error) {
	v := rec.str(col)
	if v == "" {
		if required {
			return nil, rec.errf(col, "%s is empty", col)
		}
		return nil, nil
	}
	d, err := domain.ParseDate(v)
	if err != nil {
		return nil, rec.errf(col, "%q is not a date in the form YYYY-MM-DD", v)
	}
	return &d, nil
}

// each reads every data record of r as shape s and calls fn with it.
func each(r io.Reader, file string, s Shape, fn func(rec *record) error) error {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return &domain.Error{Code: domain.EINVALID, Field: file, Message: "the file is empty; it needs a header row"}
	} else if err != nil {
		return csvErr(file, err)
	}
	header = append([]string(nil), header...)
	pos, err := s.columns(header, file)
	if err != nil {
		return err
	}
	rec := &record{file: file, pos: pos, r: cr}
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return csvErr(file, err)
		}
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue // blank line
		}
		if len(fields) != len(header) {
			line, _ := cr.FieldPos(0)
			return &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s:%d", file, line),
				Message: fmt.Sprintf("%d fields, the header has %d", len(fields), len(header))}
		}
		for i, f := range fields {
			if p := domain.TextProblem(f); p != "" {
				line, col := cr.FieldPos(i)
				return &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s:%d:%d (%s)", file, line, col, normColumn(header[i])),
					Message: "the field " + p}
			}
		}
		rec.fields = fields
		if err := fn(rec); err != nil {
			return err
		}
	}
}

func csvErr(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s:%d:%d", file, pe.Line, pe.Column), Message: pe.Err.Error()}
	}
	return &domain.Error{Code: domain.EINVALID, Field: file, Message: err.Error()}
}

// Line is a row with the line it was read from.
type Line[T any] struct {
	Line int
	Row  T
}

// ReadUnits reads a units file.
func ReadUnits(r io.Reader, file string, fn func(Line[domain.UnitRow]) error) error {
	return each(r, file, UnitsShape, func(rec *record) error {
		var u domain.UnitRow
		var err error
		if u.Code, err = rec.required("code"); err != nil {
			return err
		}
		if u.Name, err = rec.required("name"); err != nil {
			return err
		}
		kind, err := rec.required("kind")
		if err != nil {
			return err
		}
		if u.Kind, err = domain.ParseUnitKind(kind); err != nil {
			return rec.errf("kind", "%s", domain.ErrorMessage(err))
		}
		u.ParentCode = rec.str("parent_code")
		if u.Kind == domain.KindNation && u.ParentCode != "" {
			return rec.errf("parent_code", "the nation has no parent")
		}
		if u.Kind != domain.KindNation && u.ParentCode == "" {
			return rec.errf("parent_code", "a %s needs a parent", strings.ToLower(string(u.Kind)))
		}
		u.FullName, u.NameEN = rec.str("full_name"), rec.str("name_en")
		if u.ValidFrom, err = rec.date("valid_from", false); err != nil {
			return err
		}
		if u.ValidTo, err = rec.date("valid_to", false); err != nil {
			return err
		}
		if u.ValidFrom != nil && u.ValidTo != nil && *u.ValidTo < *u.ValidFrom {
			return rec.errf("valid_to", "valid_to %s is before valid_from %s", u.ValidTo, u.ValidFrom)
		}
		return fn(Line[domain.UnitRow]{rec.Line(), u})
	})
}

// ReadQuotas reads a quotas file.
func ReadQuotas(r io.Reader, file string, fn func(Line[domain.QuotaRow]) error) error {
	return each(r, file, QuotasShape, func(rec *record) error {
		var q domain.QuotaRow
		var err error
		if q.Campaign, err = rec.required("campaign"); err != nil {
			return err
		}
		if q.UnitCode, err = rec.required("unit_code"); err != nil {
			return err
		}
		if q.Metric, err = rec.required("metric"); err != nil {
			return err
		}
		if q.Target, err = rec.count("target"); err != nil {
			return err
		}
		d, err := rec.date("effective_from", true)
		if err != nil {
			return err
		}
		q.EffectiveFrom = *d
		if q.Reason, err = rec.required("reason"); err != nil {
			return rec.errf("reason", "reason is empty; every quota revision says why")
		}
		q.Reference = rec.str("reference")
		return fn(Line[domain.QuotaRow]{rec.Line(), q})
	})
}

// ReadReports reads a reports file.
func ReadReports(r io.Reader, file string, fn func(Line[domain.ReportRow]) error) error {
	return each(r, file, ReportsShape, func(rec *record) error {
		var p domain.ReportRow
		var err error
		if p.UnitCode, err = rec.required("unit_code"); err != nil {
			return err
		}
		if p.Metric, err = rec.required("metric"); err != nil {
			return err
		}
		d, err := rec.date("date", true)
		if err != nil {
			return err
		}
		p.Date = *d
		if p.Value, err = rec.count("value"); err != nil {
			return err
		}
		if v := rec.str("reported_at"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return rec.errf("reported_at", "%q is not a time in RFC 3339 form (2023-11-15T07:12:00+07:00)", v)
			}
			p.ReportedAt = t
		}
		p.Note = rec.str("note")
		return fn(Line[domain.ReportRow]{rec.Line(), p})
	})
}

// ReadCrosswalk reads a crosswalk file (reform/crosswalk.csv).
func ReadCrosswalk(r io.Reader, file string, fn func(Line[domain.LinkRow]) error) error {
	return each(r, file, CrosswalkShape, func(rec *record) error {
		var l domain.LinkRow
		var err error
		if l.OldCode, err = rec.required("old_code"); err != nil {
			return err
		}
		if l.NewCode, err = rec.required("new_code"); err != nil {
			return err
		}
		kind, err := rec.required("kind")
		if err != nil {
			return err
		}
		l.Kind = domain.LinkKind(strings.ToUpper(kind))
		if l.Kind != domain.LinkWhole && l.Kind != domain.LinkPart {
			return rec.errf("kind", "%q is not WHOLE or PART", kind)
		}
		l.Source = rec.str("source")
		return fn(Line[domain.LinkRow]{rec.Line(), l})
	})
}
