package httpapi

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/extension"

	"github.com/tiendo-vn/tiendo/graph"
)

// What requests cost, in points of the rate limit (see RateLimit).
const (
	// costCached is the cost of an answer from the response cache, and of
	// a request refused before it ran (it does not parse, validate, …).
	costCached = 1
	// costComplexity is the complexity one point buys.
	costComplexity = 200
)

// operationCost is what an operation that ran costs: a point per started
// costComplexity of its complexity, at least one.
func operationCost(complexity int) int {
	return max(1, (complexity+costComplexity-1)/costComplexity)
}

// meter charges a request's cost to its bucket, once, when the request
// knows it (the transport, from the operation's complexity; the response
// cache, for an answer it holds), or, failing that, when the answer
// starts (costCached). Charging sets the RateLimit headers and gives the
// figures for extensions.rateLimit.
type meter struct {
	l     *rateLimiter
	key   string
	class rateClass
	h     http.Header

	mu      sync.Mutex
	charged bool
	cost    int
	st      bucketState
	suffix  []byte
	noStore bool // the answer shows the bucket: not for the response cache

	w meterWriter // the request's ResponseWriter, charging (one allocation with m)
}

// meterFrom returns the request's meter; nil without a rate limit.
func meterFrom(ctx context.Context) *meter {
	m, _ := graph.RateMeterOf(ctx).(*meter)
	return m
}

// charge takes cost from the bucket unless the request was charged
// already, and sets the RateLimit headers.
func (m *meter) charge(cost int) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.charged {
		return
	}
	m.charged, m.cost = true, cost
	m.st = m.l.charge(m.key, m.class, float64(cost))
	setRateLimitHeaders(m.h, m.class, m.st)
}

// extension is extensions.rateLimit of a GraphQL response, as JSON, for a
// request charged cost: what it cost, the points left, when the bucket is
// full again, and its size.
func (m *meter) extension(cost int) []byte {
	return m.appendExtension(make([]byte, 0, 96), cost)
}

// appendExtension appends extension(cost) to b.
func (m *meter) appendExtension(b []byte, cost int) []byte {
	m.charge(cost)
	m.mu.Lock()
	defer m.mu.Unlock()
	b = append(b, `{"cost":`...)
	b = strconv.AppendInt(b, int64(m.cost), 10)
	b = append(b, `,"remaining":`...)
	b = strconv.AppendInt(b, int64(remaining(m.st)), 10)
	b = append(b, `,"resetAt":"`...)
	b = resetTime(m.st.full).AppendFormat(b, time.RFC3339)
	b = append(b, `","limit":`...)
	b = strconv.AppendInt(b, int64(m.class.burst), 10)
	return append(b, '}')
}

// ext charges cost and returns extensions.rateLimit (nil without a
// meter), remembering the suffix it makes of the body (see suffix).
func (m *meter) ext(cost int) []byte {
	if m == nil {
		return nil
	}
	e := m.extension(cost)
	m.mu.Lock()
	m.suffix = rateLimitSuffix(e)
	m.mu.Unlock()
	return e
}

// written is the suffix the rate-limit extension made of the body, if it
// was the response's only extension (nil if the response had others, or
// must not be stored).
func (m *meter) written() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.noStore {
		return nil
	}
	return m.suffix
}

// resetTime is when a bucket is full, in UTC whole seconds, rounded up.
func resetTime(full time.Time) time.Time {
	reset := full.UTC()
	if r := reset.Truncate(time.Second); !r.Equal(reset) {
		reset = r.Add(time.Second)
	}
	return reset
}

// RateLimitStatus is the rateLimit field (graph.RateMeter): the state the request leaves
// its bucket in once it pays for its operation (nil without a limit). The
// answer is then never stored in the response cache.
func (m *meter) RateLimitStatus(ctx context.Context) *graph.RateLimitStatus {
	cost := costCached
	if stats := extension.GetComplexityStats(ctx); stats != nil {
		cost = operationCost(stats.Complexity)
	}
	m.mu.Lock()
	m.noStore = true
	m.mu.Unlock()
	_, _, st := m.l.use(m.key, m.class, 0, 0, true)
	st.tokens -= float64(cost)
	st.full = st.now.Add(time.Duration((float64(m.class.burst) - st.tokens) / m.class.perSecond * float64(time.Second)))
	return &graph.RateLimitStatus{Cost: cost, Remaining: remaining(st), Limit: m.class.burst, ResetAt: resetTime(st.full)}
}

// rateLimitSuffix ends a GraphQL response that has no other extensions:
// it closes the response's object after its rate-limit extension.
func rateLimitSuffix(ext []byte) []byte {
	b := make([]byte, 0, len(ext)+32)
	b = append(b, `,"extensions":{"rateLimit":`...)
	b = append(b, ext...)
	return append(b, "}}\n"...)
}

func remaining(st bucketState) int { return max(0, int(math.Floor(st.tokens))) }

// setRateLimitHeaders sets the RateLimit-Policy and RateLimit fields of
// draft-ietf-httpapi-ratelimit-headers: the policy's quota (the burst) and
// window (the seconds an empty bucket takes to fill), and the points left
// and the seconds until the bucket is full again.
func setRateLimitHeaders(h http.Header, c rateClass, st bucketState) {
	if c.perSecond <= 0 {
		return
	}
	policy := c.policyField
	if policy == "" {
		policy = withPolicyField(c).policyField
	}
	setHeader(h, "Ratelimit-Policy", policy)
	reset := max(0, int(math.Ceil(st.full.Sub(st.now).Seconds())))
	var buf [64]byte
	b := append(append(append(buf[:0], '"'), c.policy...), `";r=`...)
	b = strconv.AppendInt(append(strconv.AppendInt(b, int64(remaining(st)), 10), ";t="...), int64(reset), 10)
	setHeader(h, "Ratelimit", string(b))
}

// withPolicyField returns c with its RateLimit-Policy header field: its
// quota (the burst) and window (the seconds an empty bucket takes to fill).
func withPolicyField(c rateClass) rateClass {
	if c.perSecond > 0 {
		window := int(math.Ceil(float64(c.burst) / c.perSecond))
		c.policyField = `"` + c.policy + `";q=` + strconv.Itoa(c.burst) + ";w=" + strconv.Itoa(window)
	}
	return c
}

// meterWriter charges costCached when an answer starts without a charge.
type meterWriter struct {
	http.ResponseWriter
	m *meter
}

func (w *meterWriter) WriteHeader(code int) {
	w.m.charge(costCached)
	w.ResponseWriter.WriteHeader(code)
}

func (w *meterWriter) Write(b []byte) (int, error) {
	w.m.charge(costCached)
	return w.ResponseWriter.Write(b)
}

func (w *meterWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
