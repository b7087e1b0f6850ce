package press

import (
	"bytes"
	"encoding/csv"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/tiendo-vn/tiendo/numfmt"
)

// CorrectionText returns the correction notice in one language.
func (e *Edition) CorrectionText(lang string) (lead string, items []string) {
	t := e.CorrectionVI
	if numfmt.IsEN(lang) {
		t = e.CorrectionEN
	}
	if t == nil {
		return "", nil
	}
	return t.Lead, t.Paragraphs
}

// Text returns the column in a language ("vi" unless English).
func (e *Edition) Text(lang string) Text {
	if numfmt.IsEN(lang) {
		return e.EN
	}
	return e.VI
}

// Page is what the HTML column shows besides the edition.
type Page struct {
	Edition     *Edition
	Lang        string
	Revision    int
	PublishedAt string
	Revisions   []PageRevision
	OtherLang   string // URL of the same page in the other language
	CSV, JSON   string // download URLs
	Home        string // URL of the portal's home page ("/" when empty)
	Archive     string // URL of the campaign's archive (no link when empty)
	// Banner (the demo-data notice) and Footer (licence, how to cite,
	// corrections) are written by the publisher around the column.
	Banner, Footer template.HTML
	// Local, when set, says the page is not a published edition (a local
	// column written on demand): it replaces the revision, time and hash.
	Local string
	// Nav is the portal's navigation above the column (none when empty).
	Nav template.HTML
}

// PageRevision links one revision of the edition.
type PageRevision struct {
	Revision    int
	URL         string
	PublishedAt string
	Hash        string
	Current     bool
}

var page = template.Must(template.New("bulletin").Funcs(template.FuncMap{
	"count": func(v *int64, lang string) string {
		if v == nil {
			return "–"
		}
		return numfmt.FormatCount(*v, lang)
	},
	"rate": func(f Figure, lang string) string { return rate(f, lang) },
	"en":   numfmt.IsEN,
	"name": func(u Unit, lang string) string {
		if numfmt.IsEN(lang) {
			return nameEN(u)
		}
		return u.FullName
	},
	"metric": func(m Metric, lang string) string {
		if numfmt.IsEN(lang) {
			return m.NameEN
		}
		return m.NameVI
	},
	"correction": func(e *Edition, lang string) map[string]any {
		lead, items := e.CorrectionText(lang)
		return map[string]any{"Lead": lead, "Items": items}
	},
}).Parse(`<!doctype html>
<html lang="{{if en .Lang}}en{{else}}vi{{end}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
{{$t := .Edition.Text .Lang}}<title>{{$t.Title}}</title>
<style>
body{font:17px/1.6 Georgia,"Times New Roman",serif;max-width:42em;margin:1.5em auto;padding:0 1em;color:#111;background:#fff}
h1{font-size:1.5em;line-height:1.25;margin:.2em 0}
.meta,.nav{font:14px/1.5 system-ui,sans-serif;color:#444}
.lead{font-weight:bold}
.correction{border-left:4px solid #8a1c1c;padding:.2em 1em;background:#fbf3f3}
table{border-collapse:collapse;width:100%;font:14px/1.4 system-ui,sans-serif;margin:1em 0}
th,td{border-bottom:1px solid #ccc;padding:.3em .4em;text-align:right}
th:nth-child(2),td:nth-child(2){text-align:left}
caption{text-align:left;font-weight:bold;padding:.4em 0}
a{color:#0b4f8a}
@media print{.nav,.portal-nav{display:none}body{margin:0;max-width:none}}
.portal-nav{display:flex;flex-wrap:wrap;gap:.2em 1em;font:15px/1.5 system-ui,sans-serif;border-bottom:1px solid #ccc;padding:.3em 0;margin-bottom:.6em}.portal-nav [aria-current]{font-weight:bold}
.scroll{overflow-x:auto;max-width:100%}
</style>
</head>
<body>
{{.Nav}}<main>
{{.Banner}}<p class="nav"><a href="{{if .Home}}{{.Home}}{{else}}/{{end}}">Tiến Độ</a> · {{if .Archive}}<a href="{{.Archive}}">{{if en .Lang}}Archive{{else}}Lưu trữ{{end}}</a> · {{end}}<a href="{{.OtherLang}}">{{if en .Lang}}Tiếng Việt{{else}}English{{end}}</a>{{if .CSV}} · <a href="{{.CSV}}">CSV</a>{{end}}{{if .JSON}} · <a href="{{.JSON}}">JSON</a>{{end}}</p>
<article>
<h1>{{$t.Title}}</h1>
<p class="meta">{{.Edition.LegalRef}}<br>{{if .Local}}<strong>{{.Local}}</strong>{{else}}{{if en .Lang}}Edition{{else}}Bản{{end}} {{.Revision}} · {{.PublishedAt}} · SHA-256 <code>{{printf "%.12s" .Edition.Hash}}</code>{{end}}</p>
{{with correction .Edition .Lang}}{{if .Lead}}<div class="correction"><p><strong>{{if en $.Lang}}Correction{{else}}Đính chính{{end}}:</strong> {{.Lead}}</p><ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul></div>{{end}}{{end}}
<p class="lead">{{$t.Lead}}</p>
{{range $t.Paragraphs}}<p>{{.}}</p>
{{end}}
{{range .Edition.Tables}}{{if .Children}}
<div class="scroll" tabindex="0"><table>
<caption>{{metric .Metric $.Lang}}</caption>
<thead><tr><th scope="col">{{if en $.Lang}}Rank{{else}}Hạng{{end}}</th><th scope="col">{{if en $.Lang}}Unit{{else}}Đơn vị{{end}}</th><th scope="col">{{if en $.Lang}}Figure{{else}}Số liệu{{end}}</th><th scope="col">{{if en $.Lang}}Quota{{else}}Chỉ tiêu{{end}}</th><th scope="col">{{if en $.Lang}}Rate{{else}}Tỷ lệ{{end}}</th></tr></thead>
<tbody>{{range .Children}}<tr><td>{{if .Rank}}{{.Rank}}{{end}}</td><td>{{name .Unit $.Lang}}</td><td>{{count .Value $.Lang}}</td><td>{{count .Quota $.Lang}}</td><td>{{rate . $.Lang}}</td></tr>
{{end}}</tbody>
</table></div>{{end}}{{end}}
</article>
{{if gt (len .Revisions) 1}}<section class="nav"><h2>{{if en .Lang}}Revisions{{else}}Các bản{{end}}</h2><ol>{{range .Revisions}}<li>{{if .Current}}<strong>{{end}}<a href="{{.URL}}">{{.PublishedAt}}</a> <code>{{printf "%.12s" .Hash}}</code>{{if .Current}}</strong>{{end}}</li>{{end}}</ol></section>{{end}}
</main>
{{.Footer}}
</body>
</html>
`))

// RenderHTML writes the edition as a printable newspaper column.
func RenderHTML(w io.Writer, p Page) error { return page.Execute(w, p) }

// CSVHeader is the columns of the downloads: one row per metric and unit.
var CSVHeader = []string{"campaign", "date", "scope_code", "metric", "rank", "rank_change", "unit_code", "unit_name", "figure", "quota",
	"rate", "rate_text", "band", "delta", "pace7d", "required_pace", "projected_completion", "at_risk", "source", "on_time", "late", "missing"}

func float(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

// csvRow is one row of the downloads: a metric's figure of a unit.
func csvRow(e *Edition, m MetricDay, f Figure) []string {
	num := func(v *int64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatInt(*v, 10)
	}
	r := ""
	if f.Value != nil && f.Quota != nil && *f.Quota > 0 {
		r = strconv.FormatFloat(float64(*f.Value)/float64(*f.Quota), 'f', 6, 64)
	}
	rank := ""
	if f.Rank > 0 && f.Unit.Code != m.Scope.Unit.Code {
		rank = strconv.Itoa(f.Rank)
	}
	change := ""
	if f.RankChange != nil && rank != "" {
		change = strconv.Itoa(*f.RankChange)
	}
	return []string{e.Campaign, e.Day, e.Scope.Code, m.Metric.Key, rank, change, f.Unit.Code, f.Unit.FullName,
		num(f.Value), num(f.Quota), r, rate(f, "vi"), f.Band, num(f.Delta), float(f.Pace7d), float(f.RequiredPace),
		f.Projected, strconv.FormatBool(f.AtRisk), f.Source, strconv.Itoa(f.OnTime), strconv.Itoa(f.Late), strconv.Itoa(f.Missing)}
}

// CSVText is a text cell of a CSV written for spreadsheets: one that a
// spreadsheet would run as a formula (it starts with =, +, - or @, or with
// a tab or carriage return, which may hide one) gets a leading apostrophe, as
// OWASP's "CSV injection" advice says, so a unit named "=HYPERLINK(…)" is
// shown as text. Number cells are written as they are (a negative rank
// change stays -2).
func CSVText(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvTextColumns are the text columns of the downloads (see CSVText).
var csvTextColumns = []int{0, 1, 2, 3, 6, 7, 11, 12, 16, 18}

// WriteCSV writes the edition's ranking tables as UTF-8 CSV with a byte
// order mark, so spreadsheet programs read the Vietnamese names right.
func WriteCSV(w io.Writer, e *Edition) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Write(CSVHeader)
	for _, m := range e.Tables {
		for _, f := range append([]Figure{m.Scope}, m.Children...) {
			row := csvRow(e, m, f)
			for _, i := range csvTextColumns {
				row[i] = CSVText(row[i])
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
