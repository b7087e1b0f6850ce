package domain

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Application error codes. They are the values of extensions.code in the
// GraphQL API and are part of the public contract.
const (
	EINVALID         = "BAD_INPUT"
	ENOTFOUND        = "NOT_FOUND"
	EUNAUTHENTICATED = "UNAUTHENTICATED"
	EFORBIDDEN       = "FORBIDDEN"
	ECONFLICT        = "CONFLICT"
	ETOOCOMPLEX      = "TOO_COMPLEX"
	ERATELIMITED     = "RATE_LIMITED"
	EINTERNAL        = "INTERNAL"
	EUNAVAILABLE     = "UNAVAILABLE" // the database cannot be reached for the moment; retry later
)

// Error is an error a client may see: a code from the list above and a
// message written for a person. Anything that is not an *Error is internal
// and is shown to clients only as a generic message.
type Error struct {
	Code    string
	Message string
	// Field optionally names the input the error is about, e.g. "reports[3].value"
	// or "units.csv:12:value".
	Field string
}

// Error is the message, after its field unless the message names the
// field first already ("from (…) is after to (…)").
func (e *Error) Error() string {
	if e.Field != "" && !namesFirst(e.Message, e.Field) {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// namesFirst tells whether msg starts with the word field.
func namesFirst(msg, field string) bool {
	rest, ok := strings.CutPrefix(msg, field)
	return ok && (rest == "" || strings.ContainsRune(" :(", rune(rest[0])))
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error about one named input.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err: the *Error's message,
// or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}

// HTTPStatus is how a plain HTTP endpoint (the event stream, the bulletin
// pages and downloads) answers err: 404, 400 or 429 with the *Error's message
// for ENOTFOUND, EINVALID and ERATELIMITED; 500 and "" for any other error,
// whose detail is not for clients (the caller logs it and says something
// generic).
func HTTPStatus(err error) (int, string) {
	switch ErrorCode(err) {
	case ENOTFOUND:
		return http.StatusNotFound, ErrorMessage(err)
	case EINVALID:
		return http.StatusBadRequest, ErrorMessage(err)
	case ERATELIMITED:
		return http.StatusTooManyRequests, ErrorMessage(err)
	}
	return http.StatusInternalServerError, ""
}
