package httpapi

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// compressMin is the smallest answer compressed (smaller ones fit a packet
// or two anyway).
const compressMin = 1024

// A stored answer of compressMin bytes or more is kept gzipped too, made
// once when it is stored: a hit for a client that accepts gzip is then
// written as it is (Content-Encoding set, which the compression around
// the handler passes through), rather than compressed again on every hit,
// which cost about as much as everything else a hit does.

// gzipped returns body compressed (at the fastest level), or nil when it
// is too small to bother.
func gzipped(body []byte) []byte {
	if len(body) < compressMin {
		return nil
	}
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	w.Write(body)
	w.Close()
	return b.Bytes()
}

// servesStoredGzip reports whether the compression around the handler
// would answer r with gzip: the client accepts gzip and not zstd (which
// that compression prefers when both are accepted).
func servesStoredGzip(r *http.Request) bool {
	return accepts(r, "gzip") && !accepts(r, "zstd")
}

// accepts reports whether the request's Accept-Encoding accepts the
// encoding by name with a non-zero weight.
func accepts(r *http.Request, encoding string) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			if !strings.EqualFold(strings.TrimSpace(name), encoding) {
				continue
			}
			q, ok := strings.CutPrefix(strings.TrimSpace(params), "q=")
			if !ok {
				return true
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(q), 64)
			return err == nil && f > 0
		}
	}
	return false
}

// writeGzipped writes a stored answer's gzipped bytes.
func writeGzipped(w http.ResponseWriter, status int, gz []byte) {
	h := w.Header()
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(len(gz)))
	if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Accept-Encoding") {
		h.Add("Vary", "Accept-Encoding")
	}
	w.WriteHeader(status)
	w.Write(gz)
}
