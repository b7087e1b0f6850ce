package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

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
