package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/readset"
	"github.com/tiendo-vn/tiendo/telemetry"
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
// A cached answer carries the header X-Cache: hit. Identical requests that
// arrive while the first of them runs wait for its answer rather than run
// too (many readers opening the same page at once cost one run).
//
// While the database cannot be reached (see DBHealth), a request is
// answered with the latest answer stored for the same request, whatever
// snapshot it was stored under, marked X-Cache: stale; one never answered
// before gets 503 UNAVAILABLE from the handler.
//
// Only anonymous (no Authorization header) GET and POST requests that
// answer 200 without errors are stored; mutations never answer from the
// cache (they change the snapshot, and their text differs anyway).
type responseCache struct {
	snapshot func(ctx context.Context) (string, error)
	// versions, when set and ready, proves answers that read only
	// campaigns' figures current without asking the database.
	versions Versions
	now      func() time.Time
	health   *graph.DBHealth // nil: no stale answers
	maxBody  int
	mu       sync.Mutex
	entries  *lru.Cache[[32]byte, *cachedResponse]
	latest   *lru.Cache[[32]byte, [32]byte] // a request without snapshot nor time → its latest entry's key
	flights  map[[32]byte]*flight           // requests running, by key
	size     int                            // bytes held
	maxSize  int
	// lastMinute is the minute of the latest key (see minute).
	lastMinute atomic.Pointer[minuteText]
}

// flight is a request running whose answer identical requests wait for.
type flight struct {
	done chan struct{}
	resp *cachedResponse // nil: not cacheable, the waiters run themselves
}

type cachedResponse struct {
	status      int
	contentType string
	vary        []string // the Vary values the handler added (Accept): a hit says the same
	body        []byte
	gz          []byte // body gzipped (nil when small): see gzipped
	// An answer is current while either what it read is at the same
	// versions (tracked: the campaigns' figures versions and the base
	// counter), or the database's snapshot is the one it ran under.
	tracked bool
	deps    map[int64]string
	base    uint64
	snap    string
	etag    string
}

// Versions tells which version of each campaign's figures is current, as
// announced by the database (live.Hub).
type Versions interface {
	Ready() bool
	Version(campaignID int64) (string, bool)
	Base() uint64
}

// current reports whether a tracked answer's versions are all current.
func (c *responseCache) current(v *cachedResponse) bool {
	if !v.tracked || c.versions == nil || !c.versions.Ready() || c.versions.Base() != v.base {
		return false
	}
	for id, want := range v.deps {
		if got, ok := c.versions.Version(id); !ok || got != want {
			return false
		}
	}
	return true
}

// cacheable is the largest request body whose answer is cached (bigger
// requests are rare, and hashing them costs more than it saves).
const cacheableRequest = 16 << 10

func newResponseCache(snapshot func(context.Context) (string, error), maxBytes int) *responseCache {
	c := &responseCache{snapshot: snapshot, now: time.Now, maxBody: 1 << 20, maxSize: maxBytes, flights: map[[32]byte]*flight{}}
	c.entries, _ = lru.NewWithEvict[[32]byte, *cachedResponse](100000, func(_ [32]byte, v *cachedResponse) {
		c.size -= len(v.body) + len(v.gz)
	})
	c.latest, _ = lru.New[[32]byte, [32]byte](100000)
	return c
}

// stale returns the latest answer stored for a request, if any.
func (c *responseCache) stale(sk [32]byte) (*cachedResponse, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.latest.Get(sk)
	if !ok {
		return nil, false
	}
	return c.entries.Get(k)
}

// join returns the flight running under k and false, or a new one the
// caller runs (and must land) and true.
func (c *responseCache) join(k [32]byte) (*flight, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.flights[k]; f != nil {
		return f, false
	}
	f := &flight{done: make(chan struct{})}
	c.flights[k] = f
	return f, true
}

// land ends the flight under k with its answer (nil: not cacheable).
func (c *responseCache) land(k [32]byte, f *flight, resp *cachedResponse) {
	c.mu.Lock()
	delete(c.flights, k)
	c.mu.Unlock()
	f.resp = resp
	close(f.done)
}

func (c *responseCache) get(k [32]byte) (*cachedResponse, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries.Get(k)
}

func (c *responseCache) put(k, sk [32]byte, v *cachedResponse) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries.Peek(k); ok {
		c.size -= len(old.body) + len(old.gz) // replaced, not evicted
	}
	c.entries.Add(k, v)
	c.latest.Add(sk, k)
	c.size += len(v.body) + len(v.gz)
	for c.size > c.maxSize && c.entries.Len() > 0 {
		c.entries.RemoveOldest()
	}
}

func (c *responseCache) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) || getHeader(r.Header, "Authorization") != "" {
			if r.Method == http.MethodGet {
				setHeader(w.Header(), "Cache-Control", "private, no-store")
			}
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		var buf *[]byte // body's, from bodies
		if r.Method == http.MethodPost {
			buf = bodies.Get().(*[]byte)
			b, err := readUpTo(r.Body, (*buf)[:0], cacheableRequest+1)
			if err != nil || len(b) > cacheableRequest {
				// Too big (or unreadable): let the handler read all of it.
				r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(bytes.Clone(b)), r.Body))
				putBody(buf, b)
				next.ServeHTTP(w, r)
				return
			}
			body = b
		}
		down := c.health.Down()
		var k [32]byte
		if !down {
			k = key(r, body, "", c.minute())
			// An answer that read only versioned figures is proven current
			// without a round trip to the database.
			if hit, ok := c.get(k); ok && c.current(hit) {
				putBody(buf, body)
				telemetry.CacheHit("response")
				serveCached(w, r, hit, "hit")
				return
			}
		}
		if buf != nil { // the handler may read the body
			b := bytes.Clone(body)
			putBody(buf, body)
			body = b
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		sk := key(r, body, "", "")
		if down {
			c.serveStale(w, r, sk, next)
			return
		}
		before, err := c.snapshot(r.Context())
		if err != nil {
			if c.health.Failed(r.Context(), err) {
				c.serveStale(w, r, sk, next)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if hit, ok := c.get(k); ok && !hit.tracked && hit.snap == before {
			telemetry.CacheHit("response")
			serveCached(w, r, hit, "hit")
			return
		}
		telemetry.CacheMiss("response")
		f, leader := c.join(k)
		if !leader {
			select {
			case <-f.done:
				if f.resp != nil {
					serveCached(w, r, f.resp, "hit")
					return
				}
			case <-r.Context().Done():
			}
			next.ServeHTTP(w, r)
			return
		}
		var stored *cachedResponse
		defer func() { c.land(k, f, stored) }()
		var base uint64
		versioned := c.versions != nil && c.versions.Ready()
		if versioned {
			base = c.versions.Base()
		}
		ctx, reads := readset.With(r.Context())
		varied := len(w.Header().Values("Vary")) // by the handlers around this one
		get := r.Method == http.MethodGet
		rec := &recorder{ResponseWriter: w, limit: c.maxBody, hold: get}
		defer rec.release()
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rec.status != http.StatusOK || rec.over || bytes.Contains(rec.buf.Bytes(), []byte(`"errors":`)) {
			if get && !rec.over {
				setHeader(w.Header(), "Cache-Control", cacheNone)
			}
			return
		}
		entry := &cachedResponse{status: rec.status, contentType: w.Header().Get("Content-Type")}
		if deps, tracked := reads.Campaigns(); tracked && versioned {
			entry.tracked, entry.deps, entry.base = true, deps, base
		} else if after, err := c.snapshot(r.Context()); err != nil || after != before {
			if get {
				setHeader(w.Header(), "Cache-Control", cacheUntracked)
			}
			return
		} else {
			entry.snap = before
		}
		entry.body = withoutRateLimit(r.Context(), rec.buf.Bytes())
		if entry.body == nil {
			return
		}
		vary := w.Header().Values("Vary")
		entry.vary = slices.Clone(vary[min(varied, len(vary)):])
		entry.etag = etagOf(entry.body)
		entry.gz = gzipped(entry.body)
		stored = entry
		c.put(k, sk, stored)
		if get {
			validators(w, entry)
			if notModified(r, entry.etag) {
				rec.released = true
				w.WriteHeader(http.StatusNotModified)
			}
		}
	})
}

// serveStale answers with the latest answer to the same request while the
// database is away, or lets the handler answer (503) when there is none.
func (c *responseCache) serveStale(w http.ResponseWriter, r *http.Request, sk [32]byte, next http.Handler) {
	if old, ok := c.stale(sk); ok {
		serveCached(w, r, old, "stale")
		return
	}
	next.ServeHTTP(w, r)
}

// serveCached writes a stored answer, with the request's own rate-limit
// extension; xcache says how it was found.
func serveCached(w http.ResponseWriter, r *http.Request, v *cachedResponse, xcache string) {
	body := v.body
	m := meterFrom(r.Context())
	if m != nil { // the answer with the request's rate-limit extension (as rateLimitSuffix ends it)
		b := append(make([]byte, 0, len(body)+160), body[:len(body)-2]...)
		b = m.appendExtension(append(b, `,"extensions":{"rateLimit":`...), costCached)
		body = append(b, "}}\n"...)
	}
	setHeader(w.Header(), "Content-Type", v.contentType)
	for _, vary := range v.vary {
		addHeader(w.Header(), "Vary", vary)
	}
	setHeader(w.Header(), "X-Cache", xcache)
	if r.Method == http.MethodGet {
		validators(w, v)
		if notModified(r, v.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if m == nil && v.gz != nil && servesStoredGzip(r) {
		writeGzipped(w, v.status, v.gz)
		return
	}
	w.WriteHeader(v.status)
	w.Write(body)
}

// withoutRateLimit returns a copy of an answer to store, without the
// asking client's rate-limit extension (each answer from the cache gets
// its own); nil when it cannot be stored.
func withoutRateLimit(ctx context.Context, body []byte) []byte {
	m := meterFrom(ctx)
	if m == nil {
		if !bytes.HasSuffix(body, []byte("}\n")) {
			return nil
		}
		return bytes.Clone(body)
	}
	suffix := m.written()
	if suffix == nil || !bytes.HasSuffix(body, suffix) || bytes.Count(body, []byte(`"extensions":`)) != 1 {
		return nil
	}
	return append(bytes.Clone(body[:len(body)-len(suffix)]), "}\n"...)
}
