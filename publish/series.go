package publish

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/press"
)

// The tidy downloads: one row per campaign, day, metric and unit (every
// level, communes too), the same columns in CSV, JSON and XLSX, defined
// once here and in series.meta.json.

// cellKind is how a column's values are written: CSV and JSON write them
// plainly, XLSX with a number format.
type cellKind int

const (
	cellText     cellKind = iota // a string (CSV: with press.CSVText's rule)
	cellDate                     // YYYY-MM-DD (XLSX: a date)
	cellInt                      // a whole number (XLSX: #,##0)
	cellFraction                 // a fraction, 1 = 100% (XLSX: 0.00%)
	cellDecimal                  // a number with decimals (XLSX: #,##0.00)
)

// seriesColumn is a column of the tidy downloads.
type seriesColumn struct {
	Key  string // CSV header, JSON field
	VI   string // XLSX header
	kind cellKind
	Def  string                  // its definition, in series.meta.json
	get  func(*db.SeriesRow) any // string, int64 or float64; nil when empty
}

func optInt[T int | int64](v *T) any {
	if v == nil {
		return nil
	}
	return int64(*v)
}

func optStr(v *string) any {
	if v == nil {
		return nil
	}
	return *v
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var seriesColumns = []seriesColumn{
	{"campaign", "Chiến dịch", cellText, "the campaign's slug, as in /downloads/{campaign}/", func(r *db.SeriesRow) any { return r.Campaign }},
	{"date", "Ngày", cellDate, "the day of the figure (YYYY-MM-DD), the report day ('tính đến ngày')", func(r *db.SeriesRow) any { return r.Day.String() }},
	{"unit_code", "Mã đơn vị", cellText, "the General Statistics Office code of the unit (VN for the nation); a code names one unit within a validity period, so read it with date", func(r *db.SeriesRow) any { return r.UnitCode }},
	{"unit_name", "Tên đơn vị", cellText, "the unit's full name with its kind word, e.g. Huyện Ba Tri", func(r *db.SeriesRow) any { return r.UnitName }},
	{"level", "Cấp", cellText, "the unit's level: NATION, PROVINCE, DISTRICT, COMMUNE, VILLAGE or AGENCY", func(r *db.SeriesRow) any { return string(r.Level) }},
	{"parent_code", "Mã đơn vị cấp trên", cellText, "the code of the unit above it (VN above a province)", func(r *db.SeriesRow) any { return nonEmpty(r.ParentCode) }},
	{"metric", "Chỉ số", cellText, "what is counted: collected, issued, activated, activated_l2 or cccd_issued", func(r *db.SeriesRow) any { return r.Metric }},
	{"figure", "Số lượng", cellInt, "the cumulative figure as of the day (see source); empty when there is no data", func(r *db.SeriesRow) any { return optInt(r.Figure) }},
	{"source", "Nguồn", cellText, "where the figure comes from: REPORTED (the unit's own report of the day), ROLLUP (the sum of its children), CARRIED (its own earlier report, carried forward), NONE (no data)", func(r *db.SeriesRow) any { return string(r.Source) }},
	{"stale_days", "Số ngày chưa cập nhật", cellInt, "days since the carried report (0 unless source is CARRIED)", func(r *db.SeriesRow) any { return int64(r.StaleDays) }},
	{"quota", "Chỉ tiêu", cellInt, "the quota in force that day (its own, or the sum of its children's); empty when none is set", func(r *db.SeriesRow) any { return optInt(r.Quota) }},
	{"quota_revision", "Lần điều chỉnh chỉ tiêu", cellInt, "the id of the quota revision in force when the unit has a quota of its own (GraphQL quotaHistory); empty when summed or none", func(r *db.SeriesRow) any { return optInt(r.QuotaRevision) }},
	{"rate", "Tỷ lệ đạt", cellFraction, "figure ÷ quota as a fraction (1 = 100%), unrounded; empty without a figure or a quota", func(r *db.SeriesRow) any {
		if r.Rate == nil {
			return nil
		}
		return *r.Rate
	}},
	{"band", "Nhóm xếp loại", cellText, "the ranking band by the campaign's thresholds; empty without a rate", func(r *db.SeriesRow) any { return optStr(r.Band) }},
	{"rank", "Hạng", cellInt, "rank among the units of the same level in the campaign's scope, by rate, then figure, then code (1 = best; equal rate and figure share a rank); empty when unranked", func(r *db.SeriesRow) any { return optInt(r.Rank) }},
	{"rank_change", "Thay đổi hạng", cellInt, "places gained since the previous day (positive = up); empty when unranked either day", func(r *db.SeriesRow) any { return optInt(r.RankChange) }},
	{"delta", "Tăng so với hôm trước", cellInt, "change of the figure since the previous day; empty when either day has no figure", func(r *db.SeriesRow) any { return optInt(r.Delta) }},
}

// csvDialect is the one dialect of every CSV download, as series.meta.json
// states it.
var csvDialect = map[string]any{
	"encoding": "UTF-8 with a byte order mark", "delimiter": ",", "quoteChar": "\"", "doubleQuote": true,
	"lineTerminator": "\n", "header": true, "decimalChar": ".", "groupChar": "", "nullSequence": "",
	"formulaGuard": "a text cell starting with =, +, -, @, a tab or CR is written with a leading '",
}

// plain is a value as CSV writes it: plain numbers with a '.' decimal point
// and no grouping; texts with the formula guard.
func plain(c seriesColumn, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		if c.kind == cellText {
			return press.CSVText(v)
		}
		return v
	}
	return ""
}

// seriesSink writes rows in one format: begin, each row, then end.
type seriesSink interface {
	row(*db.SeriesRow) error
	end() error
}

// csvSink writes the CSV dialect above.
type csvSink struct {
	w    *csv.Writer
	cell []string
}

func newCSVSink(w io.Writer) (*csvSink, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	s := &csvSink{w: csv.NewWriter(w), cell: make([]string, len(seriesColumns))}
	for i, c := range seriesColumns {
		s.cell[i] = c.Key
	}
	return s, s.w.Write(s.cell)
}

func (s *csvSink) row(r *db.SeriesRow) error {
	for i, c := range seriesColumns {
		s.cell[i] = plain(c, c.get(r))
	}
	return s.w.Write(s.cell)
}

func (s *csvSink) end() error {
	s.w.Flush()
	return s.w.Error()
}

// jsonSink writes a JSON array of objects, one a line, keyed by the
// columns (null when empty).
type jsonSink struct {
	w *bufio.Writer
	n int
}

func newJSONSink(w io.Writer) (*jsonSink, error) {
	s := &jsonSink{w: bufio.NewWriter(w)}
	_, err := s.w.WriteString("[")
	return s, err
}

func (s *jsonSink) row(r *db.SeriesRow) error {
	sep := ",\n"
	if s.n == 0 {
		sep = "\n"
	}
	s.n++
	s.w.WriteString(sep + "{")
	for i, c := range seriesColumns {
		if i > 0 {
			s.w.WriteByte(',')
		}
		k, _ := json.Marshal(c.Key)
		v, err := json.Marshal(c.get(r))
		if err != nil {
			return err
		}
		s.w.Write(k)
		s.w.WriteByte(':')
		s.w.Write(v)
	}
	_, err := s.w.WriteString("}")
	return err
}

func (s *jsonSink) end() error {
	s.w.WriteString("\n]\n")
	return s.w.Flush()
}
