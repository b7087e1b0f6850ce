package httpapi

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time           { return c.t }
func (c *fakeClock) add(d time.Duration)      { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock                { return &fakeClock{t: time.Date(2024, 1, 10, 3, 0, 0, 0, time.UTC)} }
func (l *rateLimiter) takeAddr(k string) bool { ok, _ := l.take(k, l.addressClass()); return ok }

func TestTokenBucket(t *testing.T) {
	clock := newFakeClock()
	l := newRateLimiter(RateLimit{PerSecond: 2, Burst: 3, Now: clock.now})
	for i := range 3 {
		if !l.takeAddr("a") {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.take("a", l.addressClass())
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("4th request: ok %v, wait %v; want refused, 500ms", ok, wait)
	}
	if !l.takeAddr("b") {
		t.Fatal("another client refused")
	}
	clock.add(499 * time.Millisecond)
	if l.takeAddr("a") {
		t.Fatal("allowed before a request's worth refilled")
	}
	clock.add(time.Millisecond)
	if !l.takeAddr("a") || l.takeAddr("a") {
		t.Fatal("after 500ms exactly one request should pass")
	}
	clock.add(time.Hour)
	for i := range 3 {
		if !l.takeAddr("a") {
			t.Fatalf("after an hour, request %d refused: the bucket holds at most the burst", i+1)
		}
	}
	if l.takeAddr("a") {
		t.Fatal("the bucket refilled beyond its burst")
	}
	// peek takes nothing.
	clock.add(time.Hour)
	for range 10 {
		if ok, _ := l.peek("a", l.addressClass()); !ok {
			t.Fatal("peek refused a full bucket")
		}
	}
	before := l.size()
	if ok, _ := l.peek("never-seen", l.addressClass()); !ok || l.size() != before {
		t.Fatalf("peek of an unknown client: ok %v, %d buckets (peek must not create one)", ok, l.size())
	}
}

func TestRateLimitDisabled(t *testing.T) {
	if newRateLimiter(RateLimit{}) != nil || newRateLimiter(RateLimit{PerSecond: 0, TokenPerSecond: -1}) != nil {
		t.Fatal("a zero config should limit nothing")
	}
	// Only tokens limited: addresses pass freely.
	l := newRateLimiter(RateLimit{TokenPerSecond: 1, TokenBurst: 1, Now: newFakeClock().now})
	for range 100 {
		if !l.takeAddr("a") {
			t.Fatal("an address was limited with PerSecond 0")
		}
	}
	if l.size() != 0 {
		t.Fatalf("%d buckets kept for an unlimited class", l.size())
	}
	if ok, _ := l.take("t", l.tokenClass()); !ok {
		t.Fatal("first token request refused")
	}
	if ok, _ := l.take("t", l.tokenClass()); ok {
		t.Fatal("second token request allowed with burst 1")
	}
	if b := newRateLimiter(RateLimit{PerSecond: 2.5}).cfg.Burst; b != 5 {
		t.Fatalf("default burst %d, want 5", b)
	}
}

// TestRateLimitMemoryBounded: idle buckets go once they are full again,
// and the table never holds more than MaxClients.
func TestRateLimitMemoryBounded(t *testing.T) {
	clock := newFakeClock()
	l := newRateLimiter(RateLimit{PerSecond: 10, Burst: 20, MaxClients: 1000, Now: clock.now})
	for i := range 500 {
		l.takeAddr(fmt.Sprint("idle-", i))
	}
	if l.size() != 500 {
		t.Fatalf("%d buckets, want 500", l.size())
	}
	// A minute later they have all refilled: the next request sweeps them.
	clock.add(sweepEvery)
	l.takeAddr("fresh")
	if l.size() != 1 {
		t.Fatalf("%d buckets after the sweep, want 1", l.size())
	}
	// A flood of new addresses within a second: bounded by MaxClients.
	for i := range 5000 {
		l.takeAddr(fmt.Sprint("flood-", i))
		if l.size() > 1000 {
			t.Fatalf("%d buckets after %d addresses, more than MaxClients", l.size(), i+1)
		}
	}
	// A bucket that is not full yet survives the periodic sweep.
	clock.add(time.Hour)
	for range 20 {
		l.takeAddr("busy")
	}
	clock.add(time.Second) // half refilled
	l.lastSweep = clock.t.Add(-sweepEvery)
	l.takeAddr("other")
	if l.buckets["busy"] == nil || l.size() != 2 {
		t.Fatalf("%d buckets; a bucket still refilling was dropped, or full ones kept", l.size())
	}
}

func TestClientAddr(t *testing.T) {
	proxies, err := ParseTrustedProxies(" 10.0.0.0/8, 127.0.0.1 ,::1")
	if err != nil {
		t.Fatal(err)
	}
	if len(proxies) != 3 || proxies[1] != netip.MustParsePrefix("127.0.0.1/32") || proxies[2] != netip.MustParsePrefix("::1/128") {
		t.Fatalf("%v", proxies)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if p, err := ParseTrustedProxies(""); err != nil || len(p) != 0 {
		t.Fatalf("empty list: %v %v", p, err)
	}
	trusting := newRateLimiter(RateLimit{PerSecond: 1, TrustedProxies: proxies})
	trustingNone := newRateLimiter(RateLimit{PerSecond: 1})
	cases := []struct {
		remote, xff string
		l           *rateLimiter
		want        string
	}{
		{"203.0.113.7:5555", "", trusting, "203.0.113.7"},
		{"203.0.113.7:5555", "198.51.100.1", trusting, "203.0.113.7"},          // not from a proxy: XFF ignored
		{"127.0.0.1:5555", "198.51.100.1", trustingNone, "127.0.0.1"},          // no trusted proxies: XFF ignored
		{"127.0.0.1:5555", "198.51.100.1", trusting, "198.51.100.1"},           // from a proxy
		{"127.0.0.1:5555", "6.6.6.6, 198.51.100.1", trusting, "198.51.100.1"},  // the client's own XFF entry is not believed
		{"127.0.0.1:5555", "198.51.100.1, 10.1.2.3", trusting, "198.51.100.1"}, // two proxies
		{"127.0.0.1:5555", "10.9.9.9, 10.1.2.3", trusting, "10.9.9.9"},         // all trusted: the left-most
		{"127.0.0.1:5555", "garbage, 10.1.2.3", trusting, "10.1.2.3"},          // malformed: stop there
		{"127.0.0.1:5555", "", trusting, "127.0.0.1"},
		{"[2001:db8:1:2:3:4:5:6]:443", "", trusting, "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "", trusting, "2001:db8:1:2::/64"},
		{"[::1]:443", "2001:db8::9", trusting, "2001:db8::/64"},
		{"[::ffff:203.0.113.7]:80", "", trusting, "203.0.113.7"},
		{"pipe", "", trusting, "pipe"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/graphql", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := c.l.clientAddr(r); got != c.want {
			t.Errorf("%s with X-Forwarded-For %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

func TestNegotiateMediaType(t *testing.T) {
	const (
		gql  = mediaGraphQLResponse
		js   = mediaJSON
		none = ""
	)
	cases := []struct{ accept, want string }{
		{"", js},
		{"application/json", js},
		{"application/graphql-response+json", gql},
		{"application/graphql-response+json; charset=utf-8", gql},
		{"application/graphql-response+json, application/json;q=0.9", gql},
		{"application/json, application/graphql-response+json", gql},
		{"application/json, application/graphql-response+json;q=0.5", js},
		{"*/*", js},
		{"application/*", js},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", js},
		{"application/graphql-response+json;q=0, application/json", js},
		{"application/json;q=0, */*", gql},
		{"text/html", none},
		{"application/json;q=0", none},
		{"application/xml, text/plain", none},
		{"not a media type", none},
	}
	for _, c := range cases {
		var accept []string
		if c.accept != "" {
			accept = []string{c.accept}
		}
		got, ok := negotiateMediaType(accept)
		if got != c.want || ok != (c.want != none) {
			t.Errorf("Accept %q: %q %v, want %q", c.accept, got, ok, c.want)
		}
	}
}
