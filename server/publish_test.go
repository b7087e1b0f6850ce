package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestPublishStatic writes the static site: the portal pages pointed at the
// API named by --api, and the bulletin archive; bad flags say what is wrong.
func TestPublishStatic(t *testing.T) {
	url := dbtest.NewURL(t)
	ctx := context.Background()
	var out, errb bytes.Buffer
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"publish", "--database-url", url, "--site-url", "https://x.test"}, "needs --out"},
		{[]string{"publish", "--database-url", url, "--out", t.TempDir()}, "needs --site-url"},
		{[]string{"publish", "--database-url", url, "--out", t.TempDir(), "--site-url", "x.test"}, "http:// or https://"},
		{[]string{"publish", "--database-url", url, "--out", t.TempDir(), "--site-url", "https://x.test", "--base", "tiendo"}, "must start and end with /"},
	} {
		errb.Reset()
		err := run(ctx, c.args, &out, &errb, quiet)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %q", c.args[3:], err, c.want)
		}
	}

	dir := t.TempDir()
	out.Reset()
	errb.Reset()
	if err := run(ctx, []string{"publish", "--database-url", url, "--out", dir, "--site-url", "https://x.test",
		"--api", "https://api.x.test/graphql"}, &out, &errb, quiet); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "files to "+dir) || !strings.Contains(errb.String(), "bulletins: ") {
		t.Errorf("stdout %q, stderr %q: want a summary and progress", out.String(), errb.String())
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(index, []byte(`<meta name="tiendo-api" content="https://api.x.test/graphql">`)) || !bytes.Contains(index, []byte(`app.js?v=`)) {
		t.Errorf("index.html does not point at the API or lacks versioned assets:\n%.600s", index)
	}
	for _, f := range []string{"app.js", "style.css", "graphiql/index.html", "bulletins/index.html", "bulletins/index.en.html", "feeds/bulletins.atom", "schema.graphql", "schema.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	// Every page's own links resolve to files of the copy, relatively, so it
	// works under any path of a static host.
	pages, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	if len(pages) < 6 {
		t.Fatalf("%d pages in the copy, want the 6 portal pages", len(pages))
	}
	href := regexp.MustCompile(`(?:href|src)="([^"#]+)"`)
	for _, p := range pages {
		if filepath.Base(p) == "404.html" {
			continue // served at any path, so it links from the root on purpose
		}
		b, _ := os.ReadFile(p)
		for _, m := range href.FindAllSubmatch(b, -1) {
			link := string(m[1])
			if strings.Contains(link, "://") || strings.HasPrefix(link, "data:") {
				continue
			}
			if strings.HasPrefix(link, "/") {
				t.Errorf("%s links %s from the root: it breaks under a sub-path", filepath.Base(p), link)
				continue
			}
			link, _, _ = strings.Cut(link, "?")
			target := filepath.Join(dir, filepath.FromSlash(link))
			if link == "" || link == "./" || strings.HasSuffix(link, "/") {
				target = filepath.Join(target, "index.html")
			}
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links %s, which the copy lacks", filepath.Base(p), m[1])
			}
		}
	}
}

// TestPublishAfterDemo: publish on a database the demo was loaded into, that
// no server has served, still writes every bulletin that is due (it used to
// write the portal alone, silently).
func TestPublishAfterDemo(t *testing.T) {
	t.Parallel()
	url := dbtest.NewURL(t)
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"demo", "--database-url", url}, &out, &errb, quiet); err != nil {
		t.Fatalf("demo: %v\n%s", err, errb.String())
	}
	dir := t.TempDir()
	if err := run(ctx, []string{"publish", "--database-url", url, "--out", dir, "--site-url", "https://x.test"}, &out, &errb, quiet); err != nil {
		t.Fatalf("publish: %v\n%s", err, errb.String())
	}
	for _, f := range []string{"bulletins/ben-tre-cong-dan-so/2023-11-14/index.html", "downloads/ben-tre-cong-dan-so/2023-11-14.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the copy lacks %s: %v\n%s", f, err, errb.String())
		}
	}
}
