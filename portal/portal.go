// Package portal serves the static transparency portal and the GraphiQL
// explorer. Everything is embedded in the binary: the portal's own HTML, CSS and
// ES modules, and the third-party files (GraphiQL, React, uPlot) that vendor.sh
// copies from the versions pinned in package.json. Nothing is loaded from a CDN,
// so both work with no internet.
//
// Caching: HTML is served with "no-cache" and an ETag, so a deploy shows at
// once; the HTML pages reference their CSS and scripts with "?v=" and the first
// 12 hex digits of the file's SHA-256, and a request whose v matches the file
// served gets a year-long immutable Cache-Control. Anything else is revalidated
// with its ETag. Text files are gzipped when the client accepts it.
package portal

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

//go:embed static
var embedded embed.FS

// static is the portal's file tree, rooted at static/, with its pages
// expanded from layout.html (layout.go).
var static fs.FS = expanded{mustSub(embedded, "static")}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// FS returns the portal's static files, as they are on disk under
// portal/static (index.html at the root, third-party files under vendor/),
// with each page whole (its head, header and footer from layout.html). It
// is what `publish --out DIR` writes for a static host.
func FS() fs.FS { return static }

// Cache-Control values.
const (
	cacheRevalidate = "no-cache"
	cacheImmutable  = "public, max-age=31536000, immutable"
)

// portalCSP is the Content-Security-Policy of the portal's pages: scripts and
// styles from our origin only (no inline code); the API may live on another
// origin (see the tiendo-api meta tag in index.html).
const portalCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self' https: http:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// embedCSP is portalCSP for the pages made for other sites' iframes
// (embed-chart.html): any site may frame them.
var embedCSP = strings.Replace(portalCSP, "frame-ancestors 'none'", "frame-ancestors *", 1)

// asset is one file ready to serve: its bytes, a gzipped copy made on first
// use, its type and its content hash.
type asset struct {
	name  string
	body  []byte
	ctype string
	hash  string // first 12 hex digits of the SHA-256 of body

	gzOnce sync.Once
	gz     []byte // nil when not worth compressing
}

func newAsset(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	return &asset{name: name, body: body, ctype: contentType(name), hash: hex.EncodeToString(sum[:])[:12]}
}

// contentType names the type of a file by its extension, with charset for text.
// Files without a known extension (LICENSE, VERSIONS) are plain text.
func contentType(name string) string {
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".map":
		return "application/json; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".ico":
		return "image/x-icon"
	case ".png":
		return "image/png"
	case ".webmanifest":
		return "application/manifest+json"
	case ".txt", "":
		return "text/plain; charset=utf-8"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return "application/octet-stream"
	}
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// gzipped returns the gzip encoding of the asset, or nil when it is not a text
// file or too small to gain from it.
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		if len(a.body) < 1024 || !compressible(a.ctype) {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.body)
		zw.Close()
		if buf.Len() < len(a.body) {
			a.gz = buf.Bytes()
		}
	})
	return a.gz
}

// serve writes the asset for a GET or HEAD request, with conditional requests,
// ranges and gzip handled. cache is the Cache-Control to send unless the
// request asks for this exact version (?v=hash), which is cached for a year.
func (a *asset) serve(w http.ResponseWriter, r *http.Request, status int, cache string) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if v := r.URL.Query().Get("v"); v != "" && v == a.hash && status == http.StatusOK {
		cache = cacheImmutable
	}
	h.Set("Cache-Control", cache)
	body, etag := a.body, `"`+a.hash+`"`
	if gz := a.gzipped(); gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = gz, `"`+a.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	if status != http.StatusOK {
		h.Set("Content-Length", itoa(len(body)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") || strings.TrimSpace(enc) == "*" {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// site holds every file of FS() ready to serve, with the HTML pages rewritten
// so that their local CSS and script references carry ?v=hash.
type site struct {
	files    map[string]*asset // by slash path without the leading slash
	notFound *asset
}

var (
	siteOnce sync.Once
	theSite  *site
)

func loadSite() *site {
	siteOnce.Do(func() {
		s := &site{files: map[string]*asset{}}
		err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(static, p)
			if err != nil {
				return err
			}
			s.files[p] = newAsset(p, b)
			return nil
		})
		if err != nil {
			panic("portal: reading embedded files: " + err.Error())
		}
		for p, a := range s.files {
			if strings.HasSuffix(p, ".html") {
				s.files[p] = newAsset(p, s.versionRefs(path.Dir(p), a.body, asWritten))
			}
		}
		s.notFound = newAsset("404.html", s.versionRefs(".", notFoundPage, fromRoot))
		theSite = s
	})
	return theSite
}

// refPattern finds src and href attributes naming a local .js or .css file.
var refPattern = regexp.MustCompile(`(src|href)="([A-Za-z0-9_./-]+\.(?:js|css))"`)

// versionRefs rewrites each src or href in page that names a file of the site
// (resolved against dir, the page's directory; a leading slash means the root):
// url gets the reference as written and the file's path in FS(), and returns
// the URL to use, to which ?v=hash is appended. References to other files are
// left alone.
func (s *site) versionRefs(dir string, page []byte, url func(ref, p string) string) []byte {
	return refPattern.ReplaceAllFunc(page, func(m []byte) []byte {
		sub := refPattern.FindSubmatch(m)
		attr, ref := string(sub[1]), string(sub[2])
		p := path.Join(dir, ref)
		if strings.HasPrefix(ref, "/") {
			p = strings.TrimPrefix(path.Clean(ref), "/")
		}
		a, ok := s.files[p]
		if !ok {
			return m
		}
		return []byte(attr + `="` + url(ref, p) + `?v=` + a.hash + `"`)
	})
}

// asWritten keeps a reference as the page wrote it.
func asWritten(ref, _ string) string { return ref }

// fromRoot makes a reference absolute, for pages served at any path.
func fromRoot(_, p string) string { return "/" + p }

// notFoundPage is served, with status 404, for any path the portal lacks.
var notFoundPage = []byte(`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Không tìm thấy trang — Tiến Độ</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<main id="main" class="notfound">
<h1>Không tìm thấy trang</h1>
<p>Địa chỉ này không có trên cổng thông tin Tiến Độ. Có thể liên kết đã cũ hoặc bị gõ sai.</p>
<p lang="en">Page not found.</p>
<p><a href="/">Về trang chủ</a> · <a href="/graphiql">Khám phá API (GraphiQL)</a></p>
</main>
</body>
</html>
`)

// Handler serves the portal: "/" is index.html (and any "dir/" is
// dir/index.html), every other file of FS() is served at its own path, and anything else gets a small 404 page in
// Vietnamese. Only GET and HEAD are allowed.
func Handler() http.Handler {
	s := loadSite()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "Phương thức không được hỗ trợ (method not allowed)", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html" // as static hosts do
		}
		a, ok := s.files[name]
		if !ok || !fs.ValidPath(name) {
			w.Header().Set("Content-Security-Policy", portalCSP)
			s.notFound.serve(w, r, http.StatusNotFound, "no-store")
			return
		}
		if strings.HasSuffix(name, ".html") {
			switch {
			case strings.HasPrefix(name, "embed-"):
				w.Header().Set("Content-Security-Policy", embedCSP)
			case !strings.HasPrefix(name, "graphiql/"): // GraphiQL injects inline styles
				w.Header().Set("Content-Security-Policy", portalCSP)
			}
			w.Header().Set("Referrer-Policy", "strict-origin-when-cross-origin")
		}
		a.serve(w, r, http.StatusOK, cacheRevalidate)
	})
}
