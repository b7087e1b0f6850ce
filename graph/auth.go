package graph

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

type principalKey struct{}

// WithPrincipal stores who the request acts as.
func WithPrincipal(ctx context.Context, p *db.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns who the request acts as; nil without a token.
func PrincipalFrom(ctx context.Context) *db.Principal {
	p, _ := ctx.Value(principalKey{}).(*db.Principal)
	if p == nil {
		return nil
	}
	cp := *p
	cp.RequestID = RequestID(ctx)
	return &cp
}

// Authenticator turns a bearer secret into a principal (db.DB does).
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (*db.Principal, error)
}

// AuthMiddleware reads `Authorization: Bearer <token>` and puts the token's
// principal in the request context. Without the header the request goes on
// anonymously (public queries need no token; mutations then answer
// UNAUTHENTICATED). A header that is not a bearer token, or a token that is
// unknown or revoked, stops the request with HTTP 401 and a GraphQL error
// whose extensions.code is UNAUTHENTICATED: a client that sends credentials
// learns at once that they do not work.
func AuthMiddleware(auth Authenticator, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, secret, ok := strings.Cut(strings.TrimSpace(h), " ")
		secret = strings.TrimSpace(secret)
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tiendo"`)
			writeHTTPError(w, r, http.StatusUnauthorized, domain.EUNAUTHENTICATED,
				"the Authorization header must be `Bearer <token>`")
			return
		}
		p, err := auth.Authenticate(r.Context(), secret)
		if err != nil {
			code := domain.ErrorCode(err)
			if code == domain.EUNAUTHENTICATED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="tiendo", error="invalid_token"`)
				writeHTTPError(w, r, http.StatusUnauthorized, code, domain.ErrorMessage(err))
			} else {
				writeHTTPError(w, r, http.StatusInternalServerError, domain.EINTERNAL, "internal error")
			}
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// writeHTTPError answers a request refused before GraphQL runs with a
// GraphQL-shaped error body.
func writeHTTPError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	ext := map[string]any{"code": code}
	if id := RequestID(r.Context()); id != "" {
		ext["requestId"] = id
	}
	ct := "application/json"
	if strings.Contains(r.Header.Get("Accept"), "application/graphql-response+json") {
		ct = "application/graphql-response+json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": ext}}})
}

// httpGuard refuses, before gqlgen, what its transports would answer
// without an error code: a mutation over GET (405: GET never changes
// anything, even if a link or a prefetch follows it), a method other than
// GET, POST and OPTIONS (405), and a POST body that is not JSON (415).
func httpGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			if r.Header.Get("Upgrade") == "" && getIsNotQuery(r) {
				w.Header().Set("Allow", "POST")
				writeHTTPError(w, r, http.StatusMethodNotAllowed, domain.EINVALID,
					"GET requests may only run queries; send mutations with POST")
				return
			}
		case http.MethodPost:
			ct := strings.ToLower(r.Header.Get("Content-Type"))
			if !strings.HasPrefix(ct, "application/json") {
				writeHTTPError(w, r, http.StatusUnsupportedMediaType, domain.EINVALID,
					"a POST body must be JSON (Content-Type: application/json) with query, variables and operationName")
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
