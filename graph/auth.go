package graph

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tiendo-vn/tiendo/domain"
)

type principalKey struct{}

// WithPrincipal stores who the request acts as.
func WithPrincipal(ctx context.Context, p *domain.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns who the request acts as; nil without a token.
func PrincipalFrom(ctx context.Context) *domain.Principal {
	p, _ := ctx.Value(principalKey{}).(*domain.Principal)
	if p == nil {
		return nil
	}
	cp := *p
	cp.RequestID = RequestID(ctx)
	return &cp
}

// Authenticator turns a bearer secret into a principal (db.DB does).
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (*domain.Principal, error)
}

// AuthMiddleware reads `Authorization: Bearer <token>` and puts the token's
// principal in the request context. Without the header the request goes on
// anonymously (public queries need no token; mutations then answer
// UNAUTHENTICATED). A header that is not a bearer token, or a token that is
// unknown or revoked, stops the request with HTTP 401 and a GraphQL error
// whose extensions.code is UNAUTHENTICATED: a client that sends credentials
// learns at once that they do not work.
func AuthMiddleware(auth Authenticator, next http.Handler) http.Handler {
	return authMiddleware(auth, nil, nil, next)
}

// authMiddleware is AuthMiddleware that also counts credentials that do not
// work against a bucket of their own per client address (lim may be nil):
// once that bucket is empty, such requests get 429 instead of 401. Every
// token is still looked up (one indexed query), so a valid token is never
// refused because others guessed from its address. A database that cannot
// be reached answers 503 (health).
func authMiddleware(auth Authenticator, lim *rateLimiter, health *DBHealth, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
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
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
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
	if id := RequestID(r.Context()); id != "" {
		ext["requestId"] = id
	}
	mt, ok := negotiateMediaType(r.Header.Values("Accept"))
	if !ok {
		mt = mediaJSON
	}
	w.Header().Set("Content-Type", mt+"; charset=utf-8")
	w.Header().Add("Vary", "Accept")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": ext}}})
}

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// negotiateMediaType picks the media type of a response from the Accept
// header, as the GraphQL-over-HTTP spec says: application/graphql-response+json
// when the client names it (and does not prefer application/json),
// application/json when the header is missing, names only application/json
// or only wildcards (older clients). ok is false when the header accepts
// neither (the answer is then 406 Not Acceptable).
func negotiateMediaType(accept []string) (mt string, ok bool) {
	header := strings.TrimSpace(strings.Join(accept, ","))
	if header == "" {
		return mediaJSON, true
	}
	// The quality of each type: that of the most specific range matching
	// it (-1: no range matches).
	qJSON, qGQL := -1.0, -1.0
	specJSON, specGQL := -1, -1 // 0 */*, 1 application/*, 2 exact
	named := false              // application/graphql-response+json named itself
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		rng, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		spec := -1
		switch rng {
		case "*/*":
			spec = 0
		case "application/*":
			spec = 1
		}
		if spec >= 0 || rng == mediaJSON {
			s := spec
			if rng == mediaJSON {
				s = 2
			}
			if s > specJSON {
				specJSON, qJSON = s, q
			}
		}
		if spec >= 0 || rng == mediaGraphQLResponse {
			s := spec
			if rng == mediaGraphQLResponse {
				s = 2
				named = q > 0
			}
			if s > specGQL {
				specGQL, qGQL = s, q
			}
		}
	}
	switch {
	case named && qGQL >= qJSON:
		return mediaGraphQLResponse, true
	case qJSON > 0:
		return mediaJSON, true
	case qGQL > 0:
		return mediaGraphQLResponse, true
	}
	return "", false
}

// httpGuard refuses, before gqlgen, what its transports would answer
// without an error code: a mutation over GET (405: GET never changes
// anything, even if a link or a prefetch follows it), a method other than
// GET, POST and OPTIONS (405), a POST body that is not UTF-8 JSON (415) and
// an Accept header that allows no media type this API answers in (406).
func httpGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodPost:
			if _, ok := negotiateMediaType(r.Header.Values("Accept")); !ok {
				writeHTTPError(w, r, http.StatusNotAcceptable, domain.EINVALID,
					"the Accept header allows no media type this API answers in: accept application/graphql-response+json or application/json")
				return
			}
		}
		switch r.Method {
		case http.MethodGet:
			if r.Header.Get("Upgrade") == "" && getIsNotQuery(r) {
				w.Header().Set("Allow", "POST")
				writeHTTPError(w, r, http.StatusMethodNotAllowed, domain.EINVALID,
					"GET requests may only run queries; send mutations with POST")
				return
			}
		case http.MethodPost:
			mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != mediaJSON {
				writeHTTPError(w, r, http.StatusUnsupportedMediaType, domain.EINVALID,
					"a POST body must be JSON (Content-Type: application/json) with query, variables and operationName")
				return
			}
			if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
				writeHTTPError(w, r, http.StatusUnsupportedMediaType, domain.EINVALID,
					"a POST body must be JSON encoded as UTF-8 (Content-Type: application/json; charset=utf-8), not "+cs)
				return
			}
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeHTTPError(w, r, http.StatusMethodNotAllowed, domain.EINVALID, "use GET for queries or POST for queries and mutations")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// getIsNotQuery reports whether a GET request selects a mutation or a
// subscription. A query that does not parse is left to gqlgen, which
// answers it with BAD_INPUT.
func getIsNotQuery(r *http.Request) bool {
	q := r.URL.Query()
	doc, err := parser.ParseQuery(&ast.Source{Input: q.Get("query")})
	if err != nil {
		return false
	}
	name := q.Get("operationName")
	for _, op := range doc.Operations {
		if (name == "" || op.Name == name) && op.Operation != ast.Query {
			return true
		}
	}
	return false
}
