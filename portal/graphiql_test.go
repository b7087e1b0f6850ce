package portal_test

import (
	"bytes"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/portal"
)

func TestGraphiQL(t *testing.T) {
	t.Parallel()
	mux := newMux()
	for _, page := range []string{"/graphiql", "/graphiql/"} {
		t.Run("Page"+strings.ReplaceAll(page, "/", "_"), func(t *testing.T) {
			r := mustGet(t, mux, page)
			if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if !bytes.Contains(r.body, []byte(`<meta name="tiendo-api" content="/graphql">`)) {
				t.Error("the page does not name the endpoint")
			}
			list := refs(r.body)
			if len(list) < 5 {
				t.Fatalf("only %d script/link references: %q", len(list), list)
			}
			var js, css int
			for _, ref := range list {
				if strings.HasPrefix(ref, "data:") {
					continue // inline (the empty icon that spares a /favicon.ico request)
				}
				if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
					t.Errorf("reference to another origin: %s", ref)
					continue
				}
				if !strings.HasPrefix(ref, "/graphiql/assets/") {
					t.Errorf("asset %s not under /graphiql/assets/", ref)
				}
				a := mustGet(t, mux, ref)
				switch ct := a.header.Get("Content-Type"); {
				case strings.HasPrefix(ct, "text/javascript"):
					js++
				case strings.HasPrefix(ct, "text/css"):
					css++
				default:
					t.Errorf("%s: Content-Type %q", ref, ct)
				}
				if cc := a.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
					t.Errorf("%s: Cache-Control %q, want immutable for a versioned asset", ref, cc)
				}
			}
			if js < 4 || css < 1 {
				t.Errorf("%d scripts and %d stylesheets; want React, ReactDOM, GraphiQL, init and GraphiQL's CSS", js, css)
			}
		})
	}

	t.Run("DefaultQuery", func(t *testing.T) {
		r := mustGet(t, mux, "/graphiql/assets/graphiql/init.js")
		for _, want := range []string{"campaigns(", "ranking(", "ben-tre-cong-dan-so", "# "} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("init.js lacks %q", want)
			}
		}
	})

	t.Run("EndpointEscaped", func(t *testing.T) {
		h := portal.GraphiQLHandler(`https://api.example/graphql?a="b"&c=<d>`)
		r := mustGet(t, h, "/graphiql")
		if bytes.Contains(r.body, []byte(`"b"&c=<d>`)) {
			t.Error("endpoint not escaped")
		}
		if !bytes.Contains(r.body, []byte(`content="https://api.example/graphql?a=&#34;b&#34;&amp;c=&lt;d&gt;"`)) {
			t.Errorf("endpoint missing from the page")
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		for _, p := range []string{"/graphiql/nope", "/graphiql/assets/index.html", "/graphiql/assets/app.js", "/graphiql/assets/vendor/uplot/nope.js", "/graphiql/assets/graphiql/index.html"} {
			if r := get(t, mux, http.MethodGet, p); r.status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", p, r.status)
			}
		}
	})
}

// TestGraphiQLEnglish: /graphiql?lang=en is an English page (html lang,
// title, loading text) and init.js has an English line for every
// Vietnamese comment of the welcome query.
func TestGraphiQLEnglish(t *testing.T) {
	t.Parallel()
	mux := newMux()
	vi, en := mustGet(t, mux, "/graphiql"), mustGet(t, mux, "/graphiql?lang=en")
	if !bytes.Contains(vi.body, []byte(`<html lang="vi">`)) || !bytes.Contains(en.body, []byte(`<html lang="en">`)) ||
		!bytes.Contains(en.body, []byte("Loading GraphiQL")) || bytes.Contains(en.body, []byte("Đang tải")) {
		t.Errorf("?lang=en does not serve the English page:\n%s", en.body)
	}
	src, err := fs.ReadFile(portal.FS(), "graphiql/init.js")
	if err != nil {
		t.Fatal(err)
	}
	query := regexp.MustCompile(`(?s)var defaultQuery = \[(.*?)\]\.join`).FindSubmatch(src)
	comment := regexp.MustCompile(`'\s*(#[^'#]+?)\s*',`)
	comments := comment.FindAllSubmatch(query[1], -1)
	if len(comments) < 8 {
		t.Fatalf("found %d comments in the welcome query", len(comments))
	}
	for _, c := range comments {
		if !bytes.Contains(src, []byte("'"+string(c[1])+"': '")) {
			t.Errorf("init.js: no English for %s", c[1])
		}
	}
}
