package publish

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// checkTrust checks issue 11's trust information on what s serves from the
// demo dataset: every page says demo data, its licence, how to cite it
// (with its permalink) and how errors are corrected; the JSON carries the
// licence and citation; the CSV names them in a Link header and a sidecar.
// Then, on real data, no demo notice.
func checkTrust(t *testing.T, s *Service) {
	t.Helper()
	s.Contact, s.SiteURL = "doisoat@example.org", "https://tiendo.example.org"
	h := s.Handler()
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = "evil.example" // permalinks name SiteURL, never the Host header
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		return rec
	}
	has := func(path, body string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s does not say %q", path, w)
			}
		}
	}
	const col = "/bulletins/hai-phong-cao-diem/2023-06-13"
	has(col, get(col).Body.String(), "Dữ liệu minh hoạ", `rel="license" href="https://creativecommons.org/licenses/by/4.0/"`, "CC BY 4.0",
		"Trích dẫn: Tiến Độ, «", "(bản 2)», https://tiendo.example.org/bulletins/hai-phong-cao-diem/2023-06-13?rev=2, truy cập ngày",
		"Đính chính: ", "Báo sai sót: doisoat@example.org")
	has(col+"?lang=en", get(col+"?lang=en").Body.String(), "Demo data", "Cite as: Tiến Độ, “", "(revision 2)”", "Report an error: doisoat@example.org")
	for _, p := range []string{"/bulletins/", "/bulletins/hai-phong-cao-diem/", "/embed/hai-phong-cao-diem/31"} {
		has(p, get(p).Body.String(), "CC BY 4.0", "inh hoạ")
	}
	// The JSON is the canonical edition (its hash is published): it carries
	// its licence and demo flag; its permalink is in the Link header.
	js := get("/downloads/hai-phong-cao-diem/2023-06-13.json")
	var meta struct {
		Licence, LicenceURL string
		Demo                bool
	}
	if err := json.Unmarshal(js.Body.Bytes(), &meta); err != nil {
		t.Fatal(err)
	}
	const perma = "https://tiendo.example.org/downloads/hai-phong-cao-diem/2023-06-13.r2.json"
	if l := js.Header().Get("Link"); meta.Licence != Licence || meta.LicenceURL != LicenceURL || !meta.Demo ||
		!strings.Contains(l, "<"+perma+`>; rel="canonical"`) {
		t.Errorf("JSON download metadata: %+v, Link %q", meta, l)
	}
	csv := get("/downloads/hai-phong-cao-diem/2023-06-13.csv")
	if l := csv.Header().Get("Link"); !strings.Contains(l, `<`+LicenceURL+`>; rel="license"`) || !strings.Contains(l, `</downloads/README.txt>; rel="describedby"`) {
		t.Errorf("CSV Link header %q", l)
	}
	if strings.Contains(csv.Body.String(), "CC BY") {
		t.Error("the CSV's rows carry the licence: data rows only")
	}
	has("/downloads/README.txt", get("/downloads/README.txt").Body.String(), "DEMO DATA", "CC BY 4.0", "rN", "Báo sai sót / Report an error: doisoat@example.org")

	// Real data: no notice anywhere.
	if _, err := s.DB.Pool.Exec(context.Background(), `DELETE FROM dataset`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{col, col + "?lang=en", "/bulletins/", "/downloads/README.txt"} {
		if b := get(p).Body.String(); strings.Contains(b, "minh hoạ") || strings.Contains(b, "Demo data") || strings.Contains(b, "DEMO") {
			t.Errorf("%s says demo data on real data", p)
		}
	}
}
