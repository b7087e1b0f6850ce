package portal

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Export writes the portal as static files under dir, as the server serves
// them (HTML with versioned references), with every page's
// <meta name="tiendo-api"> pointing at api: "/graphql" when the files are
// served from the API's own origin, else the API's absolute URL (which must
// then allow the portal's origin in CORS_ALLOWED_ORIGINS). Pages link each
// other and the bulletins by relative paths, so the export works under any
// path of any static host. It returns the files written.
func Export(dir, api string) ([]string, error) {
	if api == "" {
		api = "/graphql"
	}
	if strings.ContainsAny(api, "\"<>") {
		return nil, fmt.Errorf("API URL %q has characters an HTML attribute cannot hold", api)
	}
	s := loadSite()
	names := make([]string, 0, len(s.files))
	for name := range s.files {
		names = append(names, name)
	}
	sort.Strings(names)
	meta := []byte(`<meta name="tiendo-api" content="/graphql">`)
	for _, name := range names {
		body := s.files[name].body
		if strings.HasSuffix(name, ".html") {
			// tiendo-static: the copy's data/ answers when the API does not (static-api.js).
			body = bytes.ReplaceAll(body, meta, []byte(`<meta name="tiendo-api" content="`+html.EscapeString(api)+`"><meta name="tiendo-static" content="data/">`))
		}
		out := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(out+".tmp", body, 0o644); err != nil {
			return nil, err
		}
		if err := os.Rename(out+".tmp", out); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "404.html"), s.notFound.body, 0o644); err != nil {
		return nil, err
	}
	return append(names, "404.html"), nil
}
