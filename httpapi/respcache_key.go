package httpapi

import (
	"crypto/sha256"
	"io"
	"net/http"
	"sync"
)

// key hashes everything the answer depends on besides the data: the
// request, the snapshot and the minute; without them (both empty) it names
// the request whatever the data (the stale answers' key).
func key(r *http.Request, body []byte, snap, minute string) [32]byte {
	var small [1024]byte // a small request's text, hashed without garbage
	b := small[:0]
	for _, s := range [...]string{r.Method, getHeader(r.Header, "Content-Type"), getHeader(r.Header, "Accept"), r.URL.RawQuery, snap, minute} {
		b = append(append(b, s...), 0)
	}
	if len(b)+len(body) <= len(small) {
		return sha256.Sum256(append(b, body...))
	}
	h := sha256.New()
	h.Write(b)
	h.Write(body)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// minute is the current minute as the key holds it, formatted once a
// minute.
func (c *responseCache) minute() string {
	now := c.now()
	m := now.Unix() / 60
	if p := c.lastMinute.Load(); p != nil && p.unix == m {
		return p.text
	}
	text := now.UTC().Format("2006-01-02T15:04")
	c.lastMinute.Store(&minuteText{m, text})
	return text
}

type minuteText struct {
	unix int64 // minutes since 1970
	text string
}

// bodies are the buffers requests' bodies are read into: a body is kept
// (copied) only when the handler must read it again.
var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// readUpTo appends to buf what r holds, up to n bytes (as io.ReadAll of
// an io.LimitReader).
func readUpTo(r io.Reader, buf []byte, n int) ([]byte, error) {
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):min(cap(buf), n)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// putBody returns a body's buffer to bodies (nil: none), unless it grew
// large.
func putBody(buf *[]byte, b []byte) {
	if buf != nil && cap(b) <= 2*cacheableRequest {
		*buf = b[:0]
		bodies.Put(buf)
	}
}
