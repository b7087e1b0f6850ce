package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// The response cache answers a repeated anonymous query with the bytes
// answered before, without running it, when nothing in the database has
// changed since. "Nothing has changed" is exact, not a TTL: every answer is
// stored under the PostgreSQL snapshot (pg_current_snapshot()) taken
// before it ran, and only if the snapshot after it ran is the same, so no
// commit happened while it ran and every statement of it read what that
// snapshot shows; any commit anywhere changes the snapshot, so the next
// request misses. The key also holds the minute, since "today" (a ranking's
// default day, a campaign's status) moves with the clock.
//
// A cached answer carries the header X-Cache: hit.
//
// Only anonymous (no Authorization header) GET and POST requests that
// answer 200 without errors are stored; mutations never answer from the
// cache (they change the snapshot, and their text differs anyway).
type responseCache struct {
	snapshot func(ctx context.Context) (string, error)
	now      func() time.Time
	maxBody  int
	mu       sync.Mutex
	entries  *lru.Cache[[32]byte, *cachedResponse]
	size     int // bytes held
	maxSize  int
}

type cachedResponse struct {
	status      int
	contentType string
	vary        []string // the Vary values the handler added (Accept): a hit says the same
	body        []byte
}

// cacheable is the largest request body whose answer is cached (bigger
// requests are rare, and hashing them costs more than it saves).
const cacheableRequest = 16 << 10

func newResponseCache(snapshot func(context.Context) (string, error), maxBytes int) *responseCache {
	c := &responseCache{snapshot: snapshot, now: time.Now, maxBody: 1 << 20, maxSize: maxBytes}
	c.entries, _ = lru.NewWithEvict[[32]byte, *cachedResponse](100000, func(_ [32]byte, v *cachedResponse) {
		c.size -= len(v.body)
	})
	return c
}

func (c *responseCache) get(k [32]byte) (*cachedResponse, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries.Get(k)
}

func (c *responseCache) put(k [32]byte, v *cachedResponse) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries.Add(k, v)
	c.size += len(v.body)
	for c.size > c.maxSize && c.entries.Len() > 0 {
		c.entries.RemoveOldest()
	}
}

// key hashes everything the answer depends on besides the data.
func (c *responseCache) key(r *http.Request, body []byte, snap string) [32]byte {
	h := sha256.New()
	for _, s := range []string{r.Method, r.Header.Get("Content-Type"), r.Header.Get("Accept"), r.URL.RawQuery, snap,
		c.now().UTC().Format("2006-01-02T15:04")} {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	h.Write(body)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// recorder passes an answer through and keeps a copy.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	over   bool
	limit  int
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.over {
		if w.buf.Len()+len(b) > w.limit {
			w.over = true
			w.buf = bytes.Buffer{}
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

func (c *responseCache) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) || r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Method == http.MethodPost {
			b, err := io.ReadAll(io.LimitReader(r.Body, cacheableRequest+1))
			if err != nil || len(b) > cacheableRequest {
				// Too big (or unreadable): let the handler read all of it.
				r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
				next.ServeHTTP(w, r)
				return
			}
			body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		before, err := c.snapshot(r.Context())
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		k := c.key(r, body, before)
		if hit, ok := c.get(k); ok {
			w.Header().Set("Content-Type", hit.contentType)
			for _, v := range hit.vary {
				w.Header().Add("Vary", v)
			}
			w.Header().Set("X-Cache", "hit")
			w.WriteHeader(hit.status)
			w.Write(hit.body)
			return
		}
		varied := len(w.Header().Values("Vary")) // by the handlers around this one
		rec := &recorder{ResponseWriter: w, limit: c.maxBody}
		next.ServeHTTP(rec, r)
		if rec.status != http.StatusOK || rec.over || bytes.Contains(rec.buf.Bytes(), []byte(`"errors":`)) {
			return
		}
		after, err := c.snapshot(r.Context())
		if err != nil || after != before {
			return
		}
		vary := w.Header().Values("Vary")
		c.put(k, &cachedResponse{status: rec.status, contentType: w.Header().Get("Content-Type"),
			vary: slices.Clone(vary[min(varied, len(vary)):]), body: bytes.Clone(rec.buf.Bytes())})
	})
}
