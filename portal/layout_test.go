package portal

import (
	"bytes"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayout: each page of static/ holds only its main; the server, FS()
// and the static copy (Export) give it whole, with the one header (a page
// for frames, embed-chart.html, with the head only).
func TestLayout(t *testing.T) {
	t.Parallel()
	raw := mustSub(embedded, "static")
	pages, err := fs.Glob(raw, "*.html")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Export(dir, "https://api.example.org/graphql"); err != nil {
		t.Fatal(err)
	}
	nav := []byte(`<nav aria-label="Liên kết chính" data-t-label="navLabel">`)
	laid := 0
	for _, name := range pages {
		src, _ := fs.ReadFile(raw, name)
		if !bytes.HasPrefix(src, []byte(layoutMark)) {
			t.Errorf("%s does not use the layout", name)
			continue
		}
		laid++
		// embed-chart.html, made for other sites' frames, has the head only.
		frame := bytes.Contains(src, []byte("\nframe: yes\n"))
		header, skip := 1, true
		if frame {
			header, skip = 0, false
		}
		if bytes.Contains(src, []byte("<header")) || bytes.Contains(src, []byte("<head>")) {
			t.Errorf("%s repeats the layout's head or header", name)
		}
		whole, _ := fs.ReadFile(FS(), name)
		rec := httptest.NewRecorder()
		Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/"+name, nil))
		served, _ := io.ReadAll(rec.Body)
		copied, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for what, b := range map[string][]byte{"FS()": whole, "served": served, "copied": copied} {
			if bytes.Count(b, nav) != header || !bytes.HasPrefix(b, []byte("<!doctype html>")) || bytes.Contains(b, []byte(`class="skip"`)) != skip ||
				bytes.Count(b, []byte("<main")) != 1 || !bytes.HasSuffix(b, []byte("</html>\n")) || bytes.Contains(b, []byte(`<body class="embed">`)) != frame {
				t.Errorf("%s %s is not a whole page with %d header:\n%.400s", what, name, header, b)
			}
		}
		title := strings.SplitN(string(src), "\ntitle: ", 2)[1]
		title = strings.ReplaceAll(title[:strings.Index(title, "\n")], "&", "&amp;")
		if !bytes.Contains(whole, []byte("<title>"+title+"</title>")) {
			t.Errorf("%s: want <title>%s</title>", name, title)
		}
		if !bytes.Contains(copied, []byte(`<meta name="tiendo-api" content="https://api.example.org/graphql"><meta name="tiendo-static" content="data/">`)) {
			t.Errorf("the copy of %s does not name its API and its data", name)
		}
	}
	if laid < 8 {
		t.Errorf("%d pages use the layout; want the portal's 8", laid)
	}
	home, _ := fs.ReadFile(FS(), "index.html")
	rank, _ := fs.ReadFile(FS(), "rankings.html")
	if !bytes.Contains(home, []byte(`<meta name="description"`)) || bytes.Contains(rank, []byte(`<meta name="description"`)) ||
		bytes.Contains(home, []byte(`data-page="method-foot"`)) || !bytes.Contains(rank, []byte(`data-page="method-foot"`)) {
		t.Error("the home page's own description and footer are not where they belong")
	}
}

func TestExpandPageErrors(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"<!--layout\ntitle: T\n<main></main>\n":                  "no end",
		"<!--layout\ntitle: T\n-->\n<main></main>\n":             "needs a title and a script",
		"<!--layout\ntitle: T\nscript: a.js\ncolour: red\n-->\n": "unknown layout field",
		"<!--layout\ntitle T\n-->\n":                             "not \"key: value\"",
	} {
		_, err := expandPage("p.html", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
	b, err := expandPage("plain.html", []byte("<p>as is</p>"))
	if err != nil || string(b) != "<p>as is</p>" {
		t.Errorf("a page without the layout comment: %q, %v", b, err)
	}
}
