package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// recorder passes an answer through and keeps a copy. Holding (a GET,
// whose ETag is the answer's), it passes nothing until release, unless the
// answer outgrows the limit.
type recorder struct {
	http.ResponseWriter
	status   int
	buf      bytes.Buffer
	over     bool
	limit    int
	hold     bool
	released bool
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	if !w.hold {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.over {
		return w.ResponseWriter.Write(b)
	}
	if w.buf.Len()+len(b) > w.limit {
		w.over = true
		w.release()
		w.buf = bytes.Buffer{}
		return w.ResponseWriter.Write(b)
	}
	w.buf.Write(b)
	if w.hold {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// release passes on what a holding recorder kept (once).
func (w *recorder) release() {
	if !w.hold || w.released {
		return
	}
	w.released = true
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
	}
	w.ResponseWriter.Write(w.buf.Bytes())
}

// HTTP caching of anonymous GETs: an answer proven current by versions may
// be kept by a shared cache for a few seconds (and served a little longer
// while it revalidates); any other is revalidated each time (ETag, 304).
const (
	cacheTracked   = "public, max-age=5, stale-while-revalidate=30"
	cacheUntracked = "public, no-cache"
	cacheNone      = "no-store"
)

// etagOf is a weak validator of a stored answer (weak: the bytes served
// differ in the asking client's rate-limit extension).
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:16]) + `"`
}

// notModified reports whether the request's If-None-Match names etag.
func notModified(r *http.Request, etag string) bool {
	for _, tag := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// validators says how shared caches may keep an answer to a GET.
func validators(w http.ResponseWriter, v *cachedResponse) {
	w.Header().Set("ETag", v.etag)
	if v.tracked {
		w.Header().Set("Cache-Control", cacheTracked)
	} else {
		w.Header().Set("Cache-Control", cacheUntracked)
	}
}
