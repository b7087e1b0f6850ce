package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestRateLimit sends bursts from addresses and tokens through the real
// handler: a full bucket lets its burst through, then 429 with Retry-After
// and RATE_LIMITED; other addresses and tokens are not affected; a token
// has its own bucket, whatever address it comes from.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2024, 1, 10, 3, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	token := func(name string) string {
		_, secret, err := store.CreateToken(ctx, domain.CLI("test"), domain.RoleAdmin, "", name)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	alice, bob := token("Alice"), token("Bob")
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Rate: httpapi.RateLimit{
		PerSecond: 0.3, Burst: 3, // a request every 3⅓ s: Retry-After rounds up to 4
		TokenPerSecond: 1, TokenBurst: 5,
		FailPerSecond: 0.3, FailBurst: 3,
		Now: clock,
	}}))
	type result struct {
		status     int
		retryAfter string
		code       string
		message    string
		ext        map[string]any
		media      string
	}
	send := func(remote, bearer, accept string) result {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.RemoteAddr = remote
		req.Header.Set("Content-Type", "application/json")
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		r := result{status: rec.Code, retryAfter: rec.Header().Get("Retry-After"), media: rec.Header().Get("Content-Type")}
		var body struct{ Errors []gqlError }
		json.Unmarshal(rec.Body.Bytes(), &body)
		if len(body.Errors) > 0 {
			r.code, r.message, r.ext = body.Errors[0].Extensions["code"].(string), body.Errors[0].Message, body.Errors[0].Extensions
		}
		return r
	}
	burst := func(what string, n int, remote, bearer string) {
		t.Helper()
		for i := range n {
			if r := send(remote, bearer, ""); r.status != 200 {
				t.Fatalf("%s: request %d of the burst: %+v", what, i+1, r)
			}
		}
	}
	limited := func(what string, r result, retryAfter, says string) {
		t.Helper()
		if r.status != http.StatusTooManyRequests || r.code != "RATE_LIMITED" || r.retryAfter != retryAfter {
			t.Fatalf("%s: %+v, want 429 RATE_LIMITED with Retry-After %s", what, r, retryAfter)
		}
		if !strings.Contains(r.message, says) || !strings.Contains(r.message, "retry after "+retryAfter+" second") {
			t.Errorf("%s: message %q does not say %q and when to retry", what, r.message, says)
		}
	}

	const a, b, c = "203.0.113.1:40000", "203.0.113.2:40000", "203.0.113.3:40000"
	burst("address A", 3, a, "")
	r := send(a, "", "")
	limited("address A over its burst", r, "4", "0.3 points per second per address (bursts of up to 3")
	if r.ext["retryAfter"] != 4.0 || r.ext["limit"] != 0.3 || r.ext["burst"] != 3.0 || r.ext["per"] != "address" {
		t.Errorf("extensions %v", r.ext)
	}
	if r.media != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", r.media)
	}
	r = send("203.0.113.1:40001", "", "application/graphql-response+json")
	limited("address A from another port", r, "4", "per address")
	if r.media != "application/graphql-response+json; charset=utf-8" {
		t.Errorf("Content-Type %q", r.media)
	}

	// Another address is not affected.
	burst("address B", 3, b, "")

	// A token has its own bucket: it passes from the exhausted address A...
	burst("Alice from A", 3, a, alice)
	// ...and keeps counting from another address.
	burst("Alice from B", 2, b, alice)
	limited("Alice over her burst", send(c, alice, ""), "1", "1 point per second per token (bursts of up to 5")
	// Another token, and address C without a token, are not affected.
	burst("Bob from A", 5, a, bob)
	burst("address C", 3, c, "")

	// Buckets refill: after a second Alice may send one more; after 3⅓ s
	// address A one more.
	advance(time.Second)
	burst("Alice a second later", 1, a, alice)
	limited("Alice again", send(a, alice, ""), "1", "per token")
	limited("address A a second later", send(a, "", ""), "3", "per address")
	advance(2500 * time.Millisecond)
	burst("address A 3.5 s later", 1, a, "")
	limited("address A again", send(a, "", ""), "4", "per address")

	// Tokens that do not work count against their address, in a bucket of
	// their own: after a burst of 401s, 429 before the token is looked up.
	const d = "198.51.100.4:1234"
	for i := range 3 {
		if r := send(d, "td_notAToken", ""); r.status != 401 || r.code != "UNAUTHENTICATED" {
			t.Fatalf("bad token %d: %+v", i+1, r)
		}
	}
	limited("guessing tokens", send(d, "td_anotherGuess", ""), "4", "per address")
	// Anonymous requests from that address have their own bucket, and so
	// has a valid token: guesses from its address do not lock it out,
	// whether it was used before or not.
	burst("address D without a token", 3, d, "")
	burst("Bob from D", 1, d, bob)
	burst("Carol from D", 1, d, token("Carol"))
	limited("guessing tokens still", send(d, "td_yetAnotherGuess", ""), "4", "per address")
}
