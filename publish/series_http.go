package publish

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
	"github.com/tiendo-vn/tiendo/press"
)

// The tidy downloads' addresses:
//
//	/downloads/{campaign}/series.csv|json|xlsx   every unit, metric and day of a campaign
//	/downloads/{campaign}/series.meta.json       its columns, dialect, licence, citation, sources
//	/downloads/series.csv|json|xlsx              every campaign's, one after another
//	/downloads/series.meta.json
//	/downloads/{campaign}/{date}.all.csv|json|xlsx  one published day at every level (?level=COMMUNE: one level)
//	/downloads/{campaign}/latest.csv|json|xlsx   the latest published day's {date} file (its date in
//	                                             Content-Location, Tiendo-Date and the file name)

// seriesContentType is each format's media type.
var seriesContentType = map[string]string{
	"csv":  "text/csv; charset=utf-8; header=present",
	"json": "application/json; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// writeSeries streams the rows the filter selects, in format ext, to w.
func (s *Service) writeSeries(ctx context.Context, w io.Writer, ext string, f db.SeriesFilter) error {
	var sink seriesSink
	var err error
	switch ext {
	case "csv":
		sink, err = newCSVSink(w)
	case "json":
		sink, err = newJSONSink(w)
	case "xlsx":
		sink, err = newXLSXSink(w)
	default:
		return notFound("the series is series.csv, series.json, series.xlsx or series.meta.json")
	}
	if err != nil {
		return err
	}
	if err := s.DB.EachSeriesRow(ctx, f, sink.row); err != nil {
		return err
	}
	return sink.end()
}

// serveSeries answers series.* of one campaign (c nil: of every campaign).
func (s *Service) serveSeries(w http.ResponseWriter, r *http.Request, c *domain.Campaign, ext string) {
	ctx := r.Context()
	linkHeader(w, "/"+readmePath)
	w.Header().Set("Cache-Control", "public, max-age=300")
	name := "tiendo-series"
	var f db.SeriesFilter
	if c != nil {
		name += "-" + c.Slug
		f.CampaignID = c.ID
	}
	if ext == "meta.json" {
		meta, err := s.seriesMeta(ctx, c, s.live().site)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", seriesContentType["json"])
		w.Write(meta)
		return
	}
	if _, ok := seriesContentType[ext]; !ok {
		s.fail(w, r, notFound("the series is series.csv, series.json, series.xlsx or series.meta.json"))
		return
	}
	s.streamRows(w, r, name+"."+ext, ext, f)
}

// DefaultMaxStreams is how many downloads are streamed from the database at
// once by default (Service.MaxStreams): pgxpool's smallest pool has 4
// connections, so at least 2 stay for everything else.
const DefaultMaxStreams = 2

// streamRows sends the rows as a file; an error once rows are sent can only
// cut the response short (and is logged).
func (s *Service) streamRows(w http.ResponseWriter, r *http.Request, name, ext string, f db.SeriesFilter) {
	s.streamsOnce.Do(func() { s.streams = make(chan struct{}, cmp.Or(s.MaxStreams, DefaultMaxStreams)) })
	wait := time.NewTimer(cmp.Or(s.StreamWait, 5*time.Second))
	defer wait.Stop()
	select {
	case s.streams <- struct{}{}:
		defer func() { <-s.streams }()
	case <-wait.C:
		w.Header().Set("Retry-After", "30")
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, fmt.Sprintf("máy chủ đang gửi %d tệp tải về, vui lòng thử lại sau ít phút / the server is sending %d downloads already, please retry in a minute", cap(s.streams), cap(s.streams)), http.StatusServiceUnavailable)
		return
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", seriesContentType[ext])
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := s.writeSeries(r.Context(), w, ext, f); err != nil {
		s.logger().ErrorContext(r.Context(), "series download", "file", name, "err", err)
	}
}

// seriesMeta is series.meta.json: what the tidy files hold and how to read,
// cite and reuse them.
func (s *Service) seriesMeta(ctx context.Context, c *domain.Campaign, site string) ([]byte, error) {
	t, err := s.trust(ctx)
	if err != nil {
		return nil, err
	}
	base := site + "/downloads/"
	title, titleEN := "Tiến Độ: số liệu theo ngày của mọi chiến dịch", "Tiến Độ: daily figures of every campaign"
	updated := ""
	campaigns := []map[string]any{}
	cs, _, err := s.DB.FindCampaigns(ctx, 0, 1000)
	if err != nil {
		return nil, err
	}
	for _, x := range cs {
		if c != nil && x.ID != c.ID {
			continue
		}
		_, st, err := s.DB.CampaignFigures(ctx, x.Slug)
		if err != nil {
			return nil, err
		}
		updated = max(updated, st.Version) // PostgreSQL's timestamptz text sorts by time
		campaigns = append(campaigns, map[string]any{"slug": x.Slug, "name": x.Name, "nameEn": x.NameEN, "legalRef": x.LegalRef,
			"start": x.Start.String(), "end": x.End.String(), "computedTo": st.ComputedTo, "lastUpdated": st.Version})
	}
	if c != nil {
		base += c.Slug + "/"
		title, titleEN = "Tiến Độ: số liệu theo ngày, "+c.Name, "Tiến Độ: daily figures, "+c.NameEN
	}
	cols := make([]map[string]any, len(seriesColumns))
	for i, col := range seriesColumns {
		kind := map[cellKind]string{cellText: "string", cellDate: "date", cellInt: "integer", cellFraction: "number", cellDecimal: "number"}[col.kind]
		cols[i] = map[string]any{"name": col.Key, "titleVi": col.VI, "type": kind, "description": col.Def}
	}
	b, err := json.MarshalIndent(map[string]any{
		"title": title, "titleEn": titleEN,
		"description": "One row per campaign, day, metric and unit (every level, communes too), from the figures the API serves: " +
			"the same values as GraphQL progress and ranking. Rows are ordered by campaign, date, metric, level (nation first) and unit code.",
		"files":        map[string]string{"csv": base + "series.csv", "json": base + "series.json", "xlsx": base + "series.xlsx"},
		"columns":      cols,
		"csvDialect":   csvDialect,
		"json":         "an array of objects, one a line, keyed by the column names; null where the CSV cell is empty",
		"xlsx":         "the same columns with Vietnamese headers (titleVi), numbers as numbers, rates as percentages, dates as dates; past 1,048,575 rows, continued on sheet 'Số liệu (2)'",
		"rulesVersion": engine.Version, "rules": "https://github.com/tiendo-vn/tiendo (spec/domain.md, rules 1 to 9)",
		"licence": Licence, "licenceUrl": LicenceURL, "demo": t.Demo,
		"citation":   Citation("vi", title, base+"series.csv", ""),
		"citationEn": Citation("en", titleEN, base+"series.csv", ""),
		"sources": "the daily progress reports (báo cáo tiến độ) of each unit and the quotas (chỉ tiêu) set by the campaign's " +
			"authority, imported as sent; figures of units without a report of the day are rolled up from their children or carried forward (see source)",
		"lastUpdated": updated, "campaigns": campaigns,
	}, "", "  ")
	return append(b, '\n'), err
}

// dayRows answers {date}.all.EXT: every unit's figures of a published day
// (?level= one level).
func (s *Service) dayRows(w http.ResponseWriter, r *http.Request, c *domain.Campaign, ed *db.Edition, ext string) {
	f := db.SeriesFilter{CampaignID: c.ID, From: ed.Day, To: ed.Day}
	if l := strings.ToUpper(r.URL.Query().Get("level")); l != "" {
		if !slices.Contains(domain.UnitKinds, domain.UnitKind(l)) {
			s.fail(w, r, domain.Errorf(domain.EINVALID, "level %q is not one of NATION, PROVINCE, DISTRICT, COMMUNE, VILLAGE, AGENCY", l))
			return
		}
		f.Level = domain.UnitKind(l)
	}
	if cacheable(w, r, ed, "all."+ext+string(f.Level), false) {
		return
	}
	linkHeader(w, "/"+readmePath)
	s.streamRows(w, r, fmt.Sprintf("tiendo-%s-%s-all.%s", c.Slug, ed.Day, ext), ext, f)
}

// editionXLSXKinds are the kinds of the edition CSV's columns (press.CSVHeader).
var editionXLSXKinds = map[string]cellKind{"date": cellDate, "rank": cellInt, "rank_change": cellInt, "figure": cellInt, "quota": cellInt,
	"rate": cellFraction, "delta": cellInt, "pace7d": cellDecimal, "required_pace": cellDecimal, "projected_completion": cellDate,
	"on_time": cellInt, "late": cellInt, "missing": cellInt}

// editionXLSXHeaders are the Vietnamese headers of the edition's XLSX.
var editionXLSXHeaders = map[string]string{"campaign": "Chiến dịch", "date": "Ngày", "scope_code": "Mã địa bàn", "metric": "Chỉ số",
	"rank": "Hạng", "rank_change": "Thay đổi hạng", "unit_code": "Mã đơn vị", "unit_name": "Tên đơn vị", "figure": "Số lượng",
	"quota": "Chỉ tiêu", "rate": "Tỷ lệ đạt", "rate_text": "Tỷ lệ (chữ)", "band": "Nhóm xếp loại", "delta": "Tăng so với hôm trước",
	"pace7d": "Tốc độ 7 ngày", "required_pace": "Tốc độ cần đạt", "projected_completion": "Dự kiến hoàn thành",
	"at_risk": "Nguy cơ không đạt", "source": "Nguồn", "on_time": "Đúng hạn", "late": "Trễ hạn", "missing": "Chưa báo cáo"}

// editionXLSX writes an edition's ranking tables (its CSV's rows) as XLSX.
func editionXLSX(w io.Writer, pe *press.Edition) error {
	var buf bytes.Buffer
	if err := press.WriteCSV(&buf, pe); err != nil {
		return err
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) == 0 {
		return fmt.Errorf("edition CSV: %v", err)
	}
	var headers []string
	var kinds []cellKind
	for _, h := range rows[0] {
		headers, kinds = append(headers, editionXLSXHeaders[h]), append(kinds, editionXLSXKinds[h])
	}
	t, err := newXLSXTable(w, headers, kinds)
	if err != nil {
		return err
	}
	values := make([]any, len(kinds))
	for _, row := range rows[1:] {
		for i, v := range row {
			values[i] = cellValue(kinds[i], v)
		}
		if err := t.add(values); err != nil {
			return err
		}
	}
	return t.end()
}

// cellValue is a CSV cell as an XLSX value: a number for the number kinds.
func cellValue(k cellKind, v string) any {
	if v == "" {
		return nil
	}
	switch k {
	case cellInt:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case cellFraction, cellDecimal:
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return x
		}
	}
	return v
}
