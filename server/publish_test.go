package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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
	for _, f := range []string{"app.js", "style.css", "graphiql/index.html", "bulletins/index.html", "bulletins/index.en.html", "feeds/bulletins.atom"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
