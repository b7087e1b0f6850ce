package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
)

// Authenticator turns a bearer secret into a principal (db.DB does).
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (*domain.Principal, error)
}

// authMiddleware reads `Authorization: Bearer <token>` and puts the token's
// principal in the request context. Without the header the request goes on
// anonymously (public queries need no token; mutations then answer
// UNAUTHENTICATED). A header that is not a bearer token, or a token that is
// unknown or revoked, stops the request with HTTP 401 and a GraphQL error
// whose extensions.code is UNAUTHENTICATED: a client that sends credentials
// learns at once that they do not work. Such credentials are counted
// against a bucket of their own per client address (lim may be nil): once
// that bucket is empty, such requests get 429 instead of 401. Every token
// is still looked up (one indexed query), so a valid token is never
// refused because others guessed from its address. A database that cannot
// be reached answers 503 (health).
func authMiddleware(auth Authenticator, lim *rateLimiter, health *graph.DBHealth, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := getHeader(r.Header, "Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		refuse := func(challenge, code, msg string) {
			if lim != nil {
				key, class := lim.authFailureKey(r)
				ok, wait, st := lim.use(key, class, 1, 1, true)
				setRateLimitHeaders(w.Header(), class, st)
				if !ok {
					writeRateLimited(w, r, class, wait)
					return
				}
			}
			w.Header().Set("WWW-Authenticate", challenge)
			writeHTTPError(w, r, http.StatusUnauthorized, code, msg)
		}
		scheme, secret, ok := strings.Cut(strings.TrimSpace(h), " ")
		secret = strings.TrimSpace(secret)
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
			refuse(`Bearer realm="tiendo"`, domain.EUNAUTHENTICATED, "the Authorization header must be `Bearer <token>`")
			return
		}
		p, err := auth.Authenticate(r.Context(), secret)
		switch {
		case err == nil:
			r, req := requestState(r)
			req.Principal = p
			next.ServeHTTP(w, r)
		case domain.ErrorCode(err) == domain.EUNAUTHENTICATED:
			refuse(`Bearer realm="tiendo", error="invalid_token"`, domain.EUNAUTHENTICATED, domain.ErrorMessage(err))
		case health.Failed(r.Context(), err):
			writeUnavailable(w, r)
		default:
			writeHTTPError(w, r, http.StatusInternalServerError, domain.EINTERNAL, "internal error")
		}
	})
}

// writeHTTPError answers a request refused before GraphQL runs with a
// GraphQL-shaped error body.
func writeHTTPError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	writeHTTPErrorExt(w, r, status, code, msg, nil)
}

// writeHTTPErrorExt is writeHTTPError with more extensions. The body is in
// the media type the client accepts (application/json when it accepts
// none that this API serves).
func writeHTTPErrorExt(w http.ResponseWriter, r *http.Request, status int, code, msg string, more map[string]any) {
	ext := map[string]any{"code": code}
	for k, v := range more {
		ext[k] = v
	}
	if id := graph.RequestID(r.Context()); id != "" {
		ext["requestId"] = id
	}
	mt, ok := negotiateMediaType(r.Header.Values("Accept"))
	if !ok {
		mt = mediaJSON
	}
	setHeader(w.Header(), "Content-Type", mt+"; charset=utf-8")
	addHeader(w.Header(), "Vary", "Accept")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": ext}}})
}
