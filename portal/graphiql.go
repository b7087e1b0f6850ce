package portal

import (
	"bytes"
	"html"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

// graphiqlAssets are the folders of FS() that GraphiQLHandler serves under its
// assets/ path: the vendored GraphiQL, React and ReactDOM, and our start-up
// script and stylesheet.
var graphiqlAssets = []string{"vendor/graphiql/", "vendor/react/", "vendor/react-dom/", "graphiql/"}

// graphiqlPage is static/graphiql/index.html, the GraphiQL page.
const graphiqlPage = "graphiql/index.html"

// GraphiQLHandler serves the GraphiQL explorer for the API at endpoint (a path
// such as "/graphql" or an absolute URL). Mount it at "/graphiql" and
// "/graphiql/": either path serves the page, and the page's scripts and styles
// are served by the same handler under "/graphiql/assets/", so the explorer
// works offline and from one origin. Mounted under a prefix (say
// "/api/graphiql"), its assets follow the prefix. Other paths get a 404.
func GraphiQLHandler(endpoint string) http.Handler {
	s := loadSite()
	var (
		mu    sync.Mutex
		pages = map[string]*asset{} // by mount path, e.g. "/graphiql"
	)
	page := func(mount string, en bool) *asset {
		key := mount
		if en {
			key += "?lang=en"
		}
		mu.Lock()
		defer mu.Unlock()
		if a, ok := pages[key]; ok {
			return a
		}
		// Start from the file as embedded: s.files holds it already rewritten.
		body, err := fs.ReadFile(static, graphiqlPage)
		if err != nil {
			panic("portal: " + err.Error())
		}
		body = bytes.Replace(body, []byte(`<meta name="tiendo-api" content="/graphql">`),
			[]byte(`<meta name="tiendo-api" content="`+html.EscapeString(endpoint)+`">`), 1)
		body = s.versionRefs(path.Dir(graphiqlPage), body, func(_, p string) string {
			return mount + "/assets/" + p
		})
		if en { // init.js turns the welcome query into English; the page itself says it is
			body = []byte(graphiqlEnglish.Replace(string(body)))
		}
		a := newAsset(graphiqlPage, body)
		if len(pages) < 16 { // a handful of mounts at most; never grow without bound
			pages[key] = a
		}
		return a
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "Phương thức không được hỗ trợ (method not allowed)", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		if i := strings.Index(p, "/assets/"); i >= 0 {
			name := p[i+len("/assets/"):]
			if a, ok := s.files[name]; ok && allowedAsset(name) {
				a.serve(w, r, http.StatusOK, cacheRevalidate)
				return
			}
		} else if mount := strings.TrimSuffix(p, "/"); mount == "" || strings.HasSuffix(mount, "/graphiql") {
			w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'; object-src 'none'; base-uri 'self'")
			w.Header().Set("Referrer-Policy", "strict-origin-when-cross-origin")
			page(mount, r.URL.Query().Get("lang") == "en").serve(w, r, http.StatusOK, cacheRevalidate)
			return
		}
		w.Header().Set("Content-Security-Policy", portalCSP)
		s.notFound.serve(w, r, http.StatusNotFound, "no-store")
	})
}

// graphiqlEnglish is the GraphiQL page's own text in English (?lang=en).
var graphiqlEnglish = strings.NewReplacer(
	`<html lang="vi">`, `<html lang="en">`,
	`<title>GraphiQL — API Tiến Độ</title>`, `<title>GraphiQL — Tiến Độ API</title>`,
	`Đang tải GraphiQL… <a href="/">Về cổng thông tin Tiến Độ</a>`, `Loading GraphiQL… <a href="/?lang=en">Back to the Tiến Độ portal</a>`,
	`GraphiQL cần JavaScript. Bạn vẫn có thể gửi truy vấn GraphQL tới API bằng POST.`, `GraphiQL needs JavaScript. You can still POST GraphQL queries to the API.`,
)

func allowedAsset(name string) bool {
	for _, dir := range graphiqlAssets {
		if strings.HasPrefix(name, dir) && name != graphiqlPage {
			return true
		}
	}
	return false
}
