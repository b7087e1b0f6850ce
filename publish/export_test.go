package publish

import (
	"bytes"
	"context"
	"encoding/xml"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// checkExport writes the static export of what s has published and checks
// it: every local link resolves to a file of the export; every download is
// byte for byte what the server sends for the same path; revision pages and
// the latest page agree; the feeds link absolutely.
func checkExport(t *testing.T, s *Service) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	var last, total int
	n, err := s.Export(ctx, ExportOptions{Dir: dir, Base: "/", SiteURL: "https://tiendo.example.org",
		Progress: func(done, all int, _ string) { last, total = done, all }})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || last != n || total != n {
		t.Fatalf("export wrote %d files; progress said %d of %d", n, last, total)
	}
	live := s.Handler()
	href := regexp.MustCompile(`href="(/[^"]*)"`)
	files := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		rel := "/" + filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator)))
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(rel, ".tmp") {
			t.Errorf("%s: a temporary file was left behind", rel)
		}
		// The server answers the export's own paths, with the same bytes for downloads.
		path := strings.TrimSuffix(rel, "index.html")
		rec := httptest.NewRecorder()
		live.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if !strings.HasPrefix(rel, "/feeds/") && rec.Code != http.StatusOK {
			t.Errorf("the server answers %s with %d", path, rec.Code)
		}
		// (The JSON's permalink names the server's public origin.)
		served := bytes.ReplaceAll(rec.Body.Bytes(), []byte(s.siteURL()+"/"), []byte("https://tiendo.example.org/"))
		if strings.HasPrefix(rel, "/downloads/") && !bytes.Equal(served, b) {
			t.Errorf("%s differs from the server's download", rel)
		}
		for _, m := range href.FindAllSubmatch(b, -1) {
			link := string(m[1])
			if link == "/" || link == "/?lang=en" {
				continue // the portal's home, written by portal.Export
			}
			target := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(link, "/")))
			if strings.HasSuffix(link, "/") {
				target = filepath.Join(target, "index.html")
			}
			if strings.ContainsAny(link, "?#") {
				t.Errorf("%s links %s: a static host ignores queries", rel, link)
			} else if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links %s, which the export lacks", rel, link)
			}
		}
		if strings.HasSuffix(rel, ".atom") && !strings.HasPrefix(rel, "/feeds/corrections") { // see TestCorrectionFeeds
			var f struct {
				Entries []struct {
					ID    string `xml:"id"`
					Links []struct {
						Href string `xml:"href,attr"`
					} `xml:"link"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(b, &f); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
			for _, e := range f.Entries {
				if !strings.HasPrefix(e.ID, "https://tiendo.example.org/bulletins/") || len(e.Links) == 0 || e.Links[0].Href != e.ID {
					t.Errorf("%s: entry %q links %v", rel, e.ID, e.Links)
				}
				if _, err := os.Stat(filepath.Join(dir, strings.TrimPrefix(e.ID, "https://tiendo.example.org/"))); err != nil {
					t.Errorf("%s: entry %s is not in the export", rel, e.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != n {
		t.Errorf("%d files in the export, %d written", files, n)
	}
	// 13/6 of Hải Phòng was corrected: two revisions, the latest is the edition's page.
	day := filepath.Join(dir, "bulletins", "hai-phong-cao-diem", "2023-06-13")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(day, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	r1, r2, latest := read("r1.html"), read("r2.html"), read("index.html")
	if r1 == r2 || latest != r2 || !strings.Contains(read("index.en.html"), `lang="en"`) {
		t.Error("revision pages: r1 should differ from r2, index.html equal r2, index.en.html be English")
	}
	for _, f := range []string{"r1.csv", "r2.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "downloads", "hai-phong-cao-diem", "2023-06-13."+f)); err != nil {
			t.Error(err)
		}
	}
}
