package httpapi

import (
	"cmp"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// RateLimit bounds how much one client may ask of the API: a bucket of
// points per client, refilled at a steady rate and holding at most a burst.
// A request is let in when its bucket holds a point, and then costs what
// it cost to answer (see operationCost): an answer from the response cache
// 1 point, an operation that ran 1 point per started 200 of its
// complexity. A request with a valid token is counted against that token;
// any other request against the client's address (an IPv6 address by its
// /64, which one subscriber usually holds whole); a request whose token
// does not work against a bucket of its own per address, so guessing
// tokens neither goes fast nor locks a valid token out of its address.
// The zero value limits nothing.
type RateLimit struct {
	PerSecond      float64 // points per second per address; 0 or less: no limit
	Burst          int     // the most points an address may spend at once (default: twice PerSecond, at least 1)
	TokenPerSecond float64 // points per second per token; 0 or less: no limit
	TokenBurst     int     // the most points a token may spend at once (default: twice TokenPerSecond, at least 1)
	// FailPerSecond and FailBurst bound the requests with a token that does
	// not work, per address (defaults 1 and 20).
	FailPerSecond float64
	FailBurst     int
	// TrustedProxies are the proxies whose X-Forwarded-For is believed: a
	// request from one of them is counted against the address it forwarded
	// for (the right-most address in X-Forwarded-For that is not itself a
	// trusted proxy). Without them X-Forwarded-For is ignored, as anyone can
	// send it.
	TrustedProxies []netip.Prefix
	MaxClients     int              // buckets kept at most (default 100,000)
	Now            func() time.Time // the clock (tests); time.Now if nil
}

// ParseTrustedProxies reads a comma-separated list of CIDR prefixes or
// single addresses ("10.0.0.0/8, 127.0.0.1, ::1").
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not a CIDR prefix such as 10.0.0.0/8", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

const (
	defaultMaxClients = 100_000
	sweepEvery        = time.Minute
)

// rateLimiter holds the buckets. Idle buckets are dropped once they would
// have refilled completely (forgetting them changes nothing), checked at
// most once a minute or whenever the table is full; if the table is still
// full after that, arbitrary buckets are dropped, so memory stays bounded
// even under a flood of addresses (those clients start again with a full
// bucket: the limiter errs on the side of letting requests in).
type rateLimiter struct {
	cfg       RateLimit
	now       func() time.Time
	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
	// the classes of clients (see newRateLimiter)
	address, token, fail rateClass
}

type bucket struct {
	tokens float64
	last   time.Time
	full   time.Time // when the bucket will be full again if nothing is taken
}

// a class of clients: its rate and burst, how messages name it, and the
// name of its policy in the RateLimit headers.
type rateClass struct {
	perSecond float64
	burst     int
	per       string // "address" or "token"
	policy    string // "address", "token" or "bad-token"
	// policyField is its RateLimit-Policy header field ("": made when set).
	policyField string
}

// newRateLimiter returns nil when cfg limits nothing.
func newRateLimiter(cfg RateLimit) *rateLimiter {
	if cfg.PerSecond <= 0 && cfg.TokenPerSecond <= 0 {
		return nil
	}
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = defaultMaxClients
	}
	cfg.Burst = defaultBurst(cfg.PerSecond, cfg.Burst)
	cfg.TokenBurst = defaultBurst(cfg.TokenPerSecond, cfg.TokenBurst)
	if cfg.FailPerSecond <= 0 {
		cfg.FailPerSecond, cfg.FailBurst = 1, cmp.Or(cfg.FailBurst, 20)
	}
	cfg.FailBurst = defaultBurst(cfg.FailPerSecond, cfg.FailBurst)
	l := &rateLimiter{cfg: cfg, now: cfg.Now, buckets: map[string]*bucket{}}
	if l.now == nil {
		l.now = time.Now
	}
	l.lastSweep = l.now()
	l.address = withPolicyField(rateClass{cfg.PerSecond, cfg.Burst, "address", "address", ""})
	l.token = withPolicyField(rateClass{cfg.TokenPerSecond, cfg.TokenBurst, "token", "token", ""})
	l.fail = withPolicyField(rateClass{cfg.FailPerSecond, cfg.FailBurst, "address", "bad-token", ""})
	return l
}

func defaultBurst(rate float64, burst int) int {
	if burst > 0 || rate <= 0 {
		return burst
	}
	return max(1, int(math.Ceil(2*rate)))
}

func (l *rateLimiter) addressClass() rateClass { return l.address }
func (l *rateLimiter) tokenClass() rateClass   { return l.token }
func (l *rateLimiter) failClass() rateClass    { return l.fail }

// bucketState is what a bucket holds after a request: the points left
// (below zero when the last request cost more than was left) and when it
// is full again.
type bucketState struct {
	tokens float64
	full   time.Time
	now    time.Time
}

// take takes one point from key's bucket; when it is empty it reports
// how long until it holds one again.
func (l *rateLimiter) take(key string, c rateClass) (bool, time.Duration) {
	ok, wait, _ := l.use(key, c, 1, 1, true)
	return ok, wait
}

// peek reports whether key's bucket holds a point, taking nothing.
func (l *rateLimiter) peek(key string, c rateClass) (bool, time.Duration) {
	ok, wait, _ := l.use(key, c, 1, 0, false)
	return ok, wait
}

// admit reports whether key's bucket holds a point, taking nothing.
func (l *rateLimiter) admit(key string, c rateClass) (bool, time.Duration, bucketState) {
	return l.use(key, c, 1, 0, true)
}

// charge takes cost points from key's bucket, even below zero: a request
// that was let in pays what it cost, and the next ones wait for it.
func (l *rateLimiter) charge(key string, c rateClass, cost float64) bucketState {
	_, _, st := l.use(key, c, 0, cost, true)
	return st
}

// use refills key's bucket, and when it holds at least need points takes
// cost from it; otherwise it reports how long until it holds need. create
// makes a bucket for a client not seen (or forgotten).
func (l *rateLimiter) use(key string, c rateClass, need, cost float64, create bool) (bool, time.Duration, bucketState) {
	now := l.now()
	if c.perSecond <= 0 {
		return true, 0, bucketState{tokens: float64(c.burst), full: now, now: now}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= sweepEvery {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		if !create {
			return true, 0, bucketState{tokens: float64(c.burst), full: now, now: now}
		}
		if len(l.buckets) >= l.cfg.MaxClients {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(c.burst), last: now, full: now}
		l.buckets[key] = b
	} else if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(float64(c.burst), b.tokens+el*c.perSecond)
		b.last = now
	}
	if b.tokens < need {
		return false, time.Duration((need - b.tokens) / c.perSecond * float64(time.Second)), bucketState{b.tokens, b.full, now}
	}
	if cost > 0 {
		b.tokens -= cost
		b.full = now.Add(time.Duration((float64(c.burst) - b.tokens) / c.perSecond * float64(time.Second)))
	}
	return true, 0, bucketState{b.tokens, b.full, now}
}

// sweep drops the buckets that are full again; if too many are left, it
// drops arbitrary ones down to nine tenths of the maximum. Called with mu
// held.
func (l *rateLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if !now.Before(b.full) {
			delete(l.buckets, k)
		}
	}
	keep := l.cfg.MaxClients * 9 / 10
	for k := range l.buckets {
		if len(l.buckets) <= keep {
			break
		}
		delete(l.buckets, k)
	}
}

// size is how many buckets are kept (tests).
func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// middleware counts each request against its token, or its address when it
// has none: it answers 429 when that bucket is empty, else lets the request
// in and charges what it cost (see meter).
func (l *rateLimiter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf [64]byte
		var key string
		class := l.addressClass()
		if p := graph.PrincipalFrom(r.Context()); p != nil {
			key, class = string(strconv.AppendInt(append(buf[:0], "t:"...), p.TokenID, 10)), l.tokenClass()
		} else {
			key = string(l.appendClientAddr(append(buf[:0], "a:"...), r))
		}
		if class.perSecond <= 0 {
			next.ServeHTTP(w, r) // this class is not limited: nothing to count
			return
		}
		ok, wait, st := l.admit(key, class)
		if !ok {
			setRateLimitHeaders(w.Header(), class, st)
			writeRateLimited(w, r, class, wait)
			return
		}
		m := &meter{l: l, key: key, class: class, h: w.Header()}
		m.w = meterWriter{ResponseWriter: w, m: m}
		r, req := requestState(r)
		req.Meter = m
		next.ServeHTTP(&m.w, r)
		m.charge(costCached) // a request that wrote nothing
	})
}

// authFailureKey is the bucket that requests with a token that does not
// work are counted against: one per address, of its own (failClass).
func (l *rateLimiter) authFailureKey(r *http.Request) (string, rateClass) {
	return "f:" + l.clientAddr(r), l.failClass()
}

// writeRateLimited answers 429 with Retry-After in whole seconds, rounded
// up, and a GraphQL error that says the limit and when to retry.
func writeRateLimited(w http.ResponseWriter, r *http.Request, c rateClass, wait time.Duration) {
	telemetry.RateLimited(c.per)
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	var msg string
	if c.policy == "bad-token" {
		msg = fmt.Sprintf("too many requests with a token that does not work: this API answers %s such requests per second per address (bursts of up to %d); retry after %d %s",
			strconv.FormatFloat(c.perSecond, 'f', -1, 64), c.burst, secs, unit)
	} else {
		points := "points"
		if c.perSecond == 1 {
			points = "point"
		}
		msg = fmt.Sprintf("too many requests: this API allows %s %s per second per %s (bursts of up to %d; an answer from the cache costs 1 point, a query 1 point per 200 of its complexity); retry after %d %s",
			strconv.FormatFloat(c.perSecond, 'f', -1, 64), points, c.per, c.burst, secs, unit)
	}
	writeHTTPErrorExt(w, r, http.StatusTooManyRequests, domain.ERATELIMITED, msg, map[string]any{
		"retryAfter": secs, "limit": c.perSecond, "burst": c.burst, "per": c.per,
	})
}

// clientAddr is the address a request is counted against: the peer's,
// or, when the peer is a trusted proxy, the right-most address of
// X-Forwarded-For that is not itself a trusted proxy. An IPv6 address
// stands for its /64.
func (l *rateLimiter) clientAddr(r *http.Request) string {
	return string(l.appendClientAddr(nil, r))
}

// appendClientAddr appends clientAddr(r) to b.
func (l *rateLimiter) appendClientAddr(b []byte, r *http.Request) []byte {
	ip, ok := parseHostAddr(r.RemoteAddr)
	if !ok {
		return append(b, r.RemoteAddr...)
	}
	if l.trusted(ip) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, ok := parseHostAddr(strings.TrimSpace(hops[i]))
			if !ok {
				break // a malformed entry: trust nothing to its left
			}
			ip = hop
			if !l.trusted(hop) {
				break
			}
		}
	}
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.AppendTo(b)
	}
	return ip.AppendTo(b)
}

func (l *rateLimiter) trusted(ip netip.Addr) bool {
	for _, p := range l.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// parseHostAddr reads "1.2.3.4", "1.2.3.4:5678", "::1" or "[::1]:5678".
func parseHostAddr(s string) (netip.Addr, bool) {
	// An address with a port (a peer's) is tried first as one: a string
	// is at most one of the two, and a failure costs an error's garbage.
	if strings.Count(s, ":") != 1 && !strings.HasPrefix(s, "[") {
		if a, err := netip.ParseAddr(s); err == nil {
			return a.Unmap(), true
		}
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// ClientAddress returns how requests are attributed to a client address
// (as the rate limiter does, trusting X-Forwarded-For only from proxies).
func ClientAddress(proxies []netip.Prefix) func(*http.Request) string {
	l := &rateLimiter{cfg: RateLimit{TrustedProxies: proxies}}
	return l.clientAddr
}
