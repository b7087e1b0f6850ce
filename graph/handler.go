package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tiendo-vn/tiendo/domain"
)

// Limits bound what one request may ask for, and how often a client may ask.
type Limits struct {
	Complexity int       // the most a query may cost (default 5000)
	Depth      int       // the deepest a selection may nest (default 12)
	Rate       RateLimit // requests per client (the zero value: no limit)
	// CacheBytes bounds the response cache (see responseCache): 0 means
	// 64 MiB, a negative value turns it off.
	CacheBytes int
	// PlainExecutor answers every field through gqlgen's executor, without
	// the rankings' and series' own writer (rootWriter); tests compare the two.
	PlainExecutor bool
	// Extensions are more gqlgen extensions (metrics, read routing), used
	// after the limits.
	Extensions []graphql.HandlerExtension
}

// NewHandler returns the GraphQL endpoint: GraphQL over HTTP (GET for
// queries, POST for anything, OPTIONS; see httpTransport), a parsed-query
// cache, automatic persisted queries, limits on the document (DocLimits,
// before validation), on its cost and depth (queryLimits, after), and one
// error presenter; behind bearer-token authentication (AuthMiddleware),
// per-client rate limiting (RateLimit) and a guard that keeps mutations off
// GET (httpGuard).
func NewHandler(r *Resolver, lim Limits) http.Handler {
	if lim.Complexity == 0 {
		lim.Complexity = 5000
	}
	if lim.Depth == 0 {
		lim.Depth = 12
	}
	es := NewExecutableSchema(Config{Resolvers: r})
	srv := handler.New(es)
	if !lim.PlainExecutor {
		srv.AroundRootFields(rootWriter{es.(*executableSchema), r}.rootField)
	}
	queries := lru.New[*ast.QueryDocument](1000)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{schema: es.Schema(), queries: queries, admit: newAdmission()})
	srv.SetQueryCache(queries)
	// docLimits counts tokens first; the parser's own limit is a backstop.
	srv.SetParserTokenLimit(DefaultDocLimits.Tokens)
	srv.Use(extension.Introspection{})
	logger := r.Logger
	if logger == nil {
		logger = slog.Default()
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: newAPQCache(r.DB, logger)})
	srv.Use(docLimits{DocLimits: DefaultDocLimits, cache: queries}) // after the persisted query is known
	srv.Use(queryLimits{model: newCostModel(es.Schema()), maxCost: lim.Complexity, maxDepth: lim.Depth})
	srv.Use(trackedRoots{})
	for _, e := range lim.Extensions {
		srv.Use(e)
	}
	health := r.Health
	if health == nil && r.DB != nil {
		health = NewDBHealth(r.DB, logger)
	}
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, logger, health, err)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p))
		return errors.New("internal panic")
	})
	h := httpGuard(srv)
	if r.DB != nil && lim.CacheBytes >= 0 {
		c := newResponseCache(r.DB.Snapshot, cmp.Or(lim.CacheBytes, 64<<20))
		c.health = health
		if r.Live != nil {
			c.versions = r.Live
		}
		if r.Now != nil {
			c.now = r.Now
		}
		h = c.middleware(h)
	}
	limiter := newRateLimiter(lim.Rate)
	if limiter != nil {
		h = limiter.middleware(h)
	}
	if r.DB != nil {
		h = authMiddleware(r.DB, limiter, health, h)
	}
	return withRequestStart(h)
}

// presentError maps every error to the contract's extensions.code and hides
// internal details, which are logged instead. An error that says the
// database cannot be reached is UNAVAILABLE, logged once per outage by
// health (nil: no database), not once per request.
func presentError(ctx context.Context, logger *slog.Logger, health *DBHealth, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var de *domain.Error
	switch {
	case health.Failed(ctx, err):
		gqlErr.Message = unavailableMessage
		setCode(gqlErr, domain.EUNAVAILABLE)
		gqlErr.Extensions["retryAfter"] = outageRetryAfter
	case errors.As(err, &de):
		gqlErr.Message = de.Error()
		setCode(gqlErr, de.Code)
		if de.Field != "" {
			gqlErr.Extensions["field"] = de.Field
		}
	case gqlErr.Extensions != nil && gqlErr.Extensions["code"] == "COMPLEXITY_LIMIT_EXCEEDED":
		setCode(gqlErr, domain.ETOOCOMPLEX)
	case gqlErr.Extensions != nil && (gqlErr.Extensions["code"] == errcode.ValidationFailed || gqlErr.Extensions["code"] == errcode.ParseFailed):
		setCode(gqlErr, domain.EINVALID)
	case errors.Is(err, context.DeadlineExceeded):
		gqlErr.Message = "the request took too long"
		setCode(gqlErr, domain.ETOOCOMPLEX)
	default:
		var inner *gqlerror.Error
		if errors.As(err, &inner) && inner.Err == nil && inner.Extensions != nil && inner.Extensions["code"] != nil {
			break // gqlgen's own input errors (bad arguments, unknown fields)
		}
		if errors.As(err, &inner) && inner.Err == nil && inner.Rule != "" {
			setCode(gqlErr, domain.EINVALID)
			break
		}
		if errors.As(err, &inner) && inner.Err == nil {
			// gqlgen's own errors about the request (argument coercion,
			// a body that is not JSON, …) wrap no other error.
			if msg, _, cut := strings.Cut(gqlErr.Message, " body:"); cut {
				gqlErr.Message = msg // do not echo the body back
			}
			setCode(gqlErr, domain.EINVALID)
			break
		}
		logger.ErrorContext(ctx, "internal error", "err", err, "path", gqlErr.Path.String(), "request_id", RequestID(ctx))
		gqlErr.Message = "internal error"
		if id := RequestID(ctx); id != "" {
			gqlErr.Message = "internal error (request " + id + ")"
		}
		setCode(gqlErr, domain.EINTERNAL)
	}
	if gqlErr.Extensions == nil || gqlErr.Extensions["code"] == nil {
		setCode(gqlErr, domain.EINVALID)
	}
	if id := RequestID(ctx); id != "" {
		gqlErr.Extensions["requestId"] = id
	}
	return gqlErr
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

type requestIDKey struct{}

// WithRequestID stores the request id errors carry.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id, if any.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Timeout bounds a request's context.
func Timeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// httpTransport serves GraphQL over HTTP as the GraphQL-over-HTTP spec
// says, in place of gqlgen's GET and POST transports:
//
//   - the response is application/graphql-response+json when the Accept
//     header names it, else application/json (Accept missing, naming only
//     application/json, or only wildcards); see negotiateMediaType;
//   - a request that is not well-formed (a body that is not a JSON object,
//     no query, a query, operationName, variables or extensions of the
//     wrong JSON type) gets 400 and an error that says what to send;
//   - a request error (the document does not parse or validate, variables
//     do not coerce, a complexity or depth limit) gets 400 under
//     application/graphql-response+json and 200 under application/json,
//     and the body has no data entry;
//   - an executed operation gets 200, whatever errors its fields raised;
//   - GET runs queries only: a mutation over GET gets 405 with Allow: POST;
//   - a request with a large body, or whose document the query cache does
//     not hold, is read, parsed and validated only when admitted (see
//     admission), so hostile documents queue behind each other rather than
//     take every CPU from the requests the cache answers.
type httpTransport struct {
	schema  *ast.Schema // for checkInputs
	queries graphql.Cache[*ast.QueryDocument]
	admit   admission
}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && (r.Method == http.MethodGet || r.Method == http.MethodPost)
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	mt, ok := negotiateMediaType(r.Header.Values("Accept"))
	if !ok {
		mt = mediaJSON // httpGuard answers 406 before this
	}
	w.Header().Set("Content-Type", mt+"; charset=utf-8")
	w.Header().Add("Vary", "Accept")
	m := meterFrom(ctx)
	fail := func(status int, msg string) {
		err := &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": domain.EINVALID}}
		ext := m.ext(costCached)
		w.WriteHeader(status)
		writeGraphQLResponse(w, exec.DispatchError(ctx, gqlerror.List{err}), ext)
	}
	start := graphql.Now()
	params := &graphql.RawParams{Headers: r.Header}
	var status int
	var msg string
	held := false // an admission
	defer func() {
		if held {
			t.admit.leave()
		}
	}()
	if r.ContentLength < 0 || r.ContentLength > largeBody {
		if held = t.admit.enter(ctx); !held {
			fail(http.StatusServiceUnavailable, "the request ended while waiting for the server")
			return
		}
	}
	if r.Method == http.MethodGet {
		status, msg = readGETParams(r, params)
	} else {
		status, msg = readPOSTParams(r, params)
	}
	if msg != "" {
		fail(status, msg)
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	if _, cached := t.queries.Get(ctx, params.Query); !cached && !held {
		if held = t.admit.enter(ctx); !held {
			fail(http.StatusServiceUnavailable, "the request ended while waiting for the server")
			return
		}
	}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if opCtx != nil && opCtx.Doc != nil && opCtx.Operation != nil {
		// Stricter than the variables' coercion, and saying what was wrong.
		if bad := checkInputs(t.schema, opCtx.Doc, opCtx.Operation, params.Query, params.Variables); bad != nil {
			errs = gqlerror.List{gqlerror.WrapPath(nil, bad)}
		}
	}
	if held {
		t.admit.leave()
		held = false
	}
	if errs != nil {
		nameEnumLiterals(t.schema, params.Query, errs)
		status := http.StatusOK
		if mt == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		ext := m.ext(costCached)
		w.WriteHeader(status)
		writeGraphQLResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), boundErrors(errs)), ext)
		return
	}
	switch op := opCtx.Operation.Operation; {
	case r.Method == http.MethodGet && op != ast.Query:
		w.Header().Set("Allow", "POST")
		fail(http.StatusMethodNotAllowed, "GET requests may only run queries; send mutations with POST")
		return
	case op == ast.Subscription:
		fail(http.StatusBadRequest, "subscriptions are not served over plain HTTP")
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	status = http.StatusOK
	switch {
	case resp == nil:
		// The request's context ended (its deadline, or the client left)
		// before there was a response.
		err := r.Context().Err()
		if err == nil {
			err = context.Canceled
		}
		resp = exec.DispatchError(ctx, gqlerror.List{gqlerror.WrapPath(nil, err)})
		if mt == mediaGraphQLResponse {
			status = http.StatusServiceUnavailable
		}
	case hasCode(resp.Errors, domain.EUNAVAILABLE):
		// The database is away: say when to come back; 503, unless some
		// data came through, which application/graphql-response+json
		// answers with 2xx.
		w.Header().Set("Retry-After", strconv.Itoa(outageRetryAfter))
		if mt != mediaGraphQLResponse || !hasData(resp.Data) {
			status = http.StatusServiceUnavailable
		}
	case len(resp.Data) == 0 && mt == mediaGraphQLResponse:
		// Nothing ran: a response without data is never 2xx under
		// application/graphql-response+json.
		status = http.StatusBadRequest
	}
	cost := costCached
	if stats := extension.GetComplexityStats(ctx); stats != nil {
		cost = operationCost(stats.Complexity)
	}
	ext := m.ext(cost)
	w.WriteHeader(status)
	writeGraphQLResponse(w, resp, ext)
}

// hasData reports whether a response's data is there and not null.
func hasData(data json.RawMessage) bool {
	d := bytes.TrimSpace(data)
	return len(d) > 0 && !bytes.Equal(d, []byte("null"))
}

// hasCode reports whether one of errs has extensions.code code.
func hasCode(errs gqlerror.List, code string) bool {
	for _, e := range errs {
		if e != nil && e.Extensions != nil && e.Extensions["code"] == code {
			return true
		}
	}
	return false
}

// writeGraphQLResponse writes resp as JSON, without a data entry when
// there is none (a request error: nothing ran), and without escaping <, >
// and & (the media types are JSON, never HTML). rateLimit, if any, is
// extensions.rateLimit: when it is the only extension, it ends the body
// (see rateLimitSuffix), where the response cache finds it.
func writeGraphQLResponse(w io.Writer, resp *graphql.Response, rateLimit []byte) {
	resp.Errors = boundErrors(resp.Errors)
	if len(resp.Errors) == 0 && len(resp.Extensions) == 0 && len(resp.Data) > 0 {
		// Data only: gqlgen's executor writes compact JSON, which is what
		// the encoder below would make of it; skip its copy and check.
		b := make([]byte, 0, len(resp.Data)+10+len(rateLimit)+32)
		b = append(b, `{"data":`...)
		b = append(b, resp.Data...)
		if rateLimit != nil {
			w.Write(append(b, rateLimitSuffix(rateLimit)...))
			return
		}
		w.Write(append(b, "}\n"...))
		return
	}
	onlyRateLimit := rateLimit != nil && len(resp.Extensions) == 0
	if rateLimit != nil && !onlyRateLimit {
		resp.Extensions["rateLimit"] = json.RawMessage(rateLimit)
	}
	out := struct {
		Errors     gqlerror.List   `json:"errors,omitempty"`
		Data       json.RawMessage `json:"data,omitempty"`
		Extensions map[string]any  `json:"extensions,omitempty"`
	}{resp.Errors, resp.Data, resp.Extensions}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // messages show `<token>`, not `\u003ctoken\u003e`
	if err := enc.Encode(out); err != nil {
		b.Reset()
		b.WriteString(`{"errors":[{"message":"internal error: the response could not be encoded","extensions":{"code":"INTERNAL"}}]}` + "\n")
	}
	if onlyRateLimit {
		out := b.Bytes()
		w.Write(append(out[:len(out)-2], rateLimitSuffix(rateLimit)...))
		return
	}
	w.Write(b.Bytes())
}

const exampleRequest = `{"query": "{ metrics { key } }"}`

// readPOSTParams reads a POST body: one JSON object with query and,
// optionally, operationName, variables and extensions. It returns the
// status and message of what is wrong with it, if anything.
func readPOSTParams(r *http.Request, p *graphql.RawParams) (int, string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than the limit of %d bytes", tooLarge.Limit)
		}
		return http.StatusBadRequest, "the request body could not be read"
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return http.StatusBadRequest, "the request body is empty: send a JSON object such as " + exampleRequest
	}
	if body[0] == '[' {
		return http.StatusBadRequest, "the request body is a JSON array, but batched requests are not supported: send one JSON object such as " + exampleRequest
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return http.StatusBadRequest, "the request body must be a JSON object such as " + exampleRequest + ", not " + jsonKind(body)
		}
		return http.StatusBadRequest, "the request body could not be decoded as JSON (" + err.Error() + "): send a JSON object such as " + exampleRequest
	}
	if fields == nil {
		return http.StatusBadRequest, "the request body must be a JSON object such as " + exampleRequest + ", not null"
	}
	if _, err := dec.Token(); err != io.EOF {
		return http.StatusBadRequest, "the request body holds more than one JSON value: send one JSON object such as " + exampleRequest
	}
	if k := duplicateKey(body); k != "" {
		return http.StatusBadRequest, "the request body names " + k + " twice: send each member of an object once"
	}
	return readParams(fields, p, false)
}

// readGETParams reads the URL of a GET request: query and, optionally,
// operationName, and variables and extensions as JSON text.
func readGETParams(r *http.Request, p *graphql.RawParams) (int, string) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return http.StatusBadRequest, "the URL's query string is malformed (" + err.Error() + "): send ?query=<URL-encoded GraphQL document>"
	}
	fields := map[string]json.RawMessage{}
	for _, k := range []string{"query", "operationName", "variables", "extensions"} {
		if len(q[k]) > 1 {
			return http.StatusBadRequest, "the URL names " + k + " twice: send each parameter once"
		}
	}
	for _, k := range []string{"query", "operationName"} {
		if q.Has(k) {
			fields[k], _ = json.Marshal(q.Get(k))
		}
	}
	for _, k := range []string{"variables", "extensions"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			if !json.Valid([]byte(v)) {
				return http.StatusBadRequest, k + " is not valid JSON: in a GET request it must be a URL-encoded JSON object"
			}
			if d := duplicateKey([]byte(v)); d != "" {
				return http.StatusBadRequest, k + " names " + d + " twice: send each member of an object once"
			}
			fields[k] = json.RawMessage(v)
		}
	}
	return readParams(fields, p, true)
}

// readParams checks the type of each request parameter and fills p.
func readParams(fields map[string]json.RawMessage, p *graphql.RawParams, get bool) (int, string) {
	isNull := func(raw json.RawMessage) bool { return raw == nil || string(raw) == "null" }
	object := func(name string, raw json.RawMessage, into *map[string]any) string {
		if isNull(raw) {
			return ""
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // keeps integers exact for the Int checks
		if raw[0] != '{' || dec.Decode(into) != nil {
			return name + " must be a JSON object mapping names to values, not " + jsonKind(raw)
		}
		return ""
	}
	if msg := object("variables", fields["variables"], &p.Variables); msg != "" {
		return http.StatusBadRequest, msg
	}
	if msg := object("extensions", fields["extensions"], &p.Extensions); msg != "" {
		return http.StatusBadRequest, msg
	}
	if raw := fields["operationName"]; !isNull(raw) {
		if json.Unmarshal(raw, &p.OperationName) != nil {
			return http.StatusBadRequest, "operationName must be a string naming an operation of the query, not " + jsonKind(raw)
		}
	}
	if raw := fields["query"]; !isNull(raw) {
		if json.Unmarshal(raw, &p.Query) != nil {
			return http.StatusBadRequest, "query must be a string holding a GraphQL document, not " + jsonKind(raw)
		}
	}
	if strings.TrimSpace(p.Query) == "" && p.Extensions["persistedQuery"] == nil {
		if get {
			return http.StatusBadRequest, "the request has no query: add ?query=<URL-encoded GraphQL document> to the URL (GET runs queries only), or POST a JSON object such as " + exampleRequest
		}
		return http.StatusBadRequest, "the request has no query: send a JSON object such as " + exampleRequest + `, optionally with "variables" and "operationName"`
	}
	return 0, ""
}

// jsonKind names the type of a JSON value for error messages.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
