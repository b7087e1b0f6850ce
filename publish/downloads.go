package publish

import (
	"encoding/json"
	"fmt"
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

// editionJSON is a revision's JSON download: the edition, its revision,
// time and hash, and its licence, permalink and citation.
func editionJSON(e *db.Edition, pe *press.Edition, permalink string, t Trust) ([]byte, error) {
	b, err := json.Marshal(map[string]any{
		"revision": e.Revision, "publishedAt": e.PublishedAt, "sha256": e.Hash, "edition": json.RawMessage(e.Content),
		"licence": Licence, "licenceUrl": LicenceURL, "permalink": permalink, "demo": t.Demo,
		"citation":   Citation("vi", fmt.Sprintf("%s (bản %d)", pe.VI.Title, e.Revision), permalink, ""),
		"citationEn": Citation("en", fmt.Sprintf("%s (revision %d)", pe.EN.Title, e.Revision), permalink, ""),
	})
	return append(b, '\n'), err
}

// linkHeader names a download's licence and its sidecar (RFC 8288).
func linkHeader(w http.ResponseWriter, readme string) {
	w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="license", <%s>; rel="describedby"`, LicenceURL, readme))
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
{campaign}/{date}.json, {date}.rN.json the whole edition, with its revision, SHA-256, licence and citation

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
