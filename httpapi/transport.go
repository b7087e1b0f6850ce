package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
)

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
	exec  *graph.Executor
	admit admission
}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool {
	return getHeader(r.Header, "Upgrade") == "" && (r.Method == http.MethodGet || r.Method == http.MethodPost)
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	mt, ok := negotiateMediaType(r.Header.Values("Accept"))
	if !ok {
		mt = mediaJSON // httpGuard answers 406 before this
	}
	setHeader(w.Header(), "Content-Type", mt+"; charset=utf-8")
	addHeader(w.Header(), "Vary", "Accept")
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
	if _, cached := t.exec.Queries.Get(ctx, params.Query); !cached && !held {
		if held = t.admit.enter(ctx); !held {
			fail(http.StatusServiceUnavailable, "the request ended while waiting for the server")
			return
		}
	}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	// Stricter than the variables' coercion, and saying what was wrong.
	if bad := t.exec.CheckInputs(opCtx, params); bad != nil {
		errs = gqlerror.List{bad}
	}
	if held {
		t.admit.leave()
		held = false
	}
	if errs != nil {
		errs = t.exec.RequestErrors(params.Query, errs)
		status := http.StatusOK
		if mt == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		ext := m.ext(costCached)
		w.WriteHeader(status)
		writeGraphQLResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs), ext)
		return
	}
	switch op := opCtx.Operation.Operation; {
	case r.Method == http.MethodGet && op != ast.Query:
		setHeader(w.Header(), "Allow", "POST")
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
		setHeader(w.Header(), "Retry-After", strconv.Itoa(graph.OutageRetryAfter))
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
	resp.Errors = graph.BoundErrors(resp.Errors)
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
