package publish

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/press"
)

// The downloads carry their licence and how to cite them: the JSON in
// fields of its own, the CSV (whose rows are data only) through an HTTP
// Link header naming the licence and the sidecar downloads/README.txt,
// which the static export writes beside the files.

// readmePath is the sidecar of the downloads, under the site's base.
const readmePath = "downloads/README.txt"

// editionBytes are a revision's JSON download: the exact canonical JSON
// published, whose SHA-256 is the edition's published hash (GraphQL
// bulletin.sha256, the bulletin page, the feeds and {date}.json.sha256).
// A revision published before the bytes were stored is written again from
// its content, which gives the same bytes while the edition's fields are
// unchanged; failing that (ok false) its stored content is served as is.
func editionBytes(e *db.Edition, pe *press.Edition) (b []byte, ok bool) {
	if e.Bytes != nil {
		return e.Bytes, true
	}
	if b, err := pe.Marshal(); err == nil && pe.Hash == e.Hash {
		return b, true
	}
	pe.Hash = e.Hash
	return e.Content, false
}

// dayFile writes a published revision's ranking tables (csv, xlsx) or its
// JSON, as the server sends {date}.EXT.
func (s *Service) dayFile(w io.Writer, e *db.Edition, ext string) error {
	pe, err := press.Unmarshal(e.Content, e.Hash)
	if err != nil {
		return err
	}
	switch ext {
	case "json":
		b, _ := editionBytes(e, pe)
		_, err = w.Write(b)
		return err
	case "xlsx":
		return editionXLSX(w, pe)
	}
	return press.WriteCSV(w, pe)
}

// sha256Line is a download's checksum file in sha256sum's format, naming
// the file as it is saved from its address.
func sha256Line(hash, file string) []byte {
	return []byte(hash + "  " + file + "\n")
}

// linkHeader names a download's licence and its sidecar (RFC 8288).
func linkHeader(w http.ResponseWriter, readme string) {
	w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="license", <%s>; rel="describedby"`, LicenceURL, readme))
}

// canonicalLink adds a download's permalink (the address of its revision,
// which never changes) to its Link header.
func canonicalLink(w http.ResponseWriter, permalink string) {
	w.Header().Set("Link", w.Header().Get("Link")+fmt.Sprintf(`, <%s>; rel="canonical"`, permalink))
}

// readmeText is the sidecar: what the files are, their licence, how to
// cite them, and whether they are demo data.
func readmeText(t Trust) string {
	var b strings.Builder
	if t.Demo {
		b.WriteString("DỮ LIỆU MINH HOẠ / DEMO DATA: these files come from the demo dataset, not from official reports.\n\n")
	}
	b.WriteString(`Tiến Độ: tải về / downloads

{campaign}/{date}.csv, {date}.rN.csv   the ranking tables of a day's bulletin (UTF-8 with a byte order mark)
{campaign}/{date}.json, {date}.rN.json the whole edition: the exact bytes whose SHA-256 is published
{campaign}/{date}.json.sha256          that SHA-256 in sha256sum's format; verify a download with
                                       sha256sum -c 2023-11-14.json.sha256 (beside 2023-11-14.json)
{campaign}/{date}.xlsx, {date}.rN.xlsx the ranking tables as an Excel workbook
{campaign}/{date}.all.csv|json|xlsx    every unit of a published day, at every level
{campaign}/latest.csv|json|xlsx        the latest published day's files
{campaign}/series.csv|json|xlsx        the whole series: one row per day, metric and unit (every level)
{campaign}/series.meta.json            its columns, dialect, rules version, licence, citation, sources
series.csv|json|xlsx, series.meta.json every campaign's series in one file

Giấy phép / Licence: ` + Licence + ` (` + LicenceURL + `)
Số liệu được dùng lại, kể cả thương mại, khi ghi nguồn. Reuse them, commercially too, with attribution.

Trích dẫn / How to cite (the permalink of a revision, rN, never changes):
  ` + Citation("vi", "Bản tin … ngày …, bản N", "<đường dẫn của tệp>", "") + `
  ` + Citation("en", "Bulletin of …, revision N", "<the file's link>", "") + `

Đính chính / Corrections: a corrected figure is published in a new revision (rN+1) with what changed;
every earlier revision stays downloadable.
`)
	if t.Contact != "" {
		b.WriteString("Báo sai sót / Report an error: " + t.Contact + "\n")
	}
	b.WriteString("\nCSV columns: " + strings.Join(press.CSVHeader, ",") + "\n")
	return b.String()
}

func (s *Service) readme(w http.ResponseWriter, r *http.Request) {
	t, err := s.trust(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	linkHeader(w, "/"+readmePath)
	w.Write([]byte(readmeText(t)))
}
