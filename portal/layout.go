package portal

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
)

// The portal's pages share one head, header (navigation) and footer,
// written once in layout.html. A page of static/ holds only its <main>,
// after a comment naming what differs:
//
//	<!--layout (…)
//	title: Xếp hạng — Tiến Độ
//	script: rankings.js
//	description: … (optional)
//	home: yes (optional: the home page's footer has no link to the method)
//	frame: yes (optional: a page for other sites' frames, without the skip
//	link, header and footer; its body is of class "embed")
//	-->
//	<main …>…</main>
//
// The main is itself a template: {{template "loading"}} and {{template
// "table"}} place the pieces that pages share, written once in
// partials.html. FS() holds the pages expanded, so the server, the static
// copy (publish --out) and the tests all see whole pages.

//go:embed layout.html
var layoutHTML string

//go:embed partials.html
var partialsHTML string

var layout = template.Must(template.Must(template.New("layout").Parse(layoutHTML)).New("partials").Parse(partialsHTML))

// layoutMark starts a page written for the layout.
const layoutMark = "<!--layout"

// page is what one page gives the layout.
type page struct {
	Title, Script, Description string
	Home, Frame                bool
	Main                       template.HTML
}

// expandPage returns a page of static/ whole: b itself unless it starts
// with layoutMark, else the layout filled with its fields and its main.
func expandPage(name string, b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte(layoutMark)) {
		return b, nil
	}
	head, main, ok := bytes.Cut(b, []byte("-->\n"))
	if !ok {
		return nil, fmt.Errorf("%s: the layout comment has no end (-->)", name)
	}
	var p page
	sc := bufio.NewScanner(bytes.NewReader(head))
	sc.Scan() // <!--layout (…)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ": ")
		switch {
		case !ok:
			return nil, fmt.Errorf("%s: %q in the layout comment is not \"key: value\"", name, sc.Text())
		case key == "title":
			p.Title = value
		case key == "script":
			p.Script = value
		case key == "description":
			p.Description = value
		case key == "home":
			p.Home = value == "yes"
		case key == "frame":
			p.Frame = value == "yes"
		default:
			return nil, fmt.Errorf("%s: unknown layout field %q", name, key)
		}
	}
	if p.Title == "" || p.Script == "" {
		return nil, fmt.Errorf("%s: the layout comment needs a title and a script", name)
	}
	set, err := layout.Clone()
	if err == nil {
		_, err = set.New("main").Parse(string(bytes.TrimSuffix(main, []byte("\n"))))
	}
	var out bytes.Buffer
	if err == nil {
		err = set.ExecuteTemplate(&out, "main", nil)
	}
	p.Main = template.HTML(out.String())
	out.Reset()
	if err == nil {
		err = set.ExecuteTemplate(&out, "layout", p)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out.Bytes(), nil
}

// expanded is an fs.FS whose HTML pages are expanded (expandPage).
type expanded struct{ fs.FS }

func (e expanded) Open(name string) (fs.File, error) {
	f, err := e.FS.Open(name)
	if err != nil || !strings.HasSuffix(name, ".html") {
		return f, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(e.FS, name)
	if err != nil {
		return nil, err
	}
	if b, err = expandPage(name, b); err != nil {
		return nil, err
	}
	return &memFile{bytes.NewReader(b), sizedInfo{info, int64(len(b))}}, nil
}

// memFile is a file held in memory.
type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

// sizedInfo is a file's info with another size.
type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (i sizedInfo) Size() int64 { return i.size }
