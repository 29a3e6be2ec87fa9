// Package apperr defines the few kinds of error the application speaks of.
// Handlers return them; one function in web maps a Code to an HTTP status
// and renders the message, translated, as a page or as JSON.
package apperr

import (
	"errors"
	"fmt"
)

// Code is the kind of an application error.
type Code string

// The application error codes.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	Conflict     Code = "conflict"
	RateLimited  Code = "rate_limited"
	TooLarge     Code = "too_large"
	Internal     Code = "internal"
)

// FieldError says which field is wrong and why, as a message key and its
// arguments, never as English text.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Error is an application error: a code, a message key for the reader, and
// the fields at fault for validation errors.
type Error struct {
	Code   Code
	Key    string
	Args   []any
	Fields []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%d fields)", e.Code, e.Key, len(e.Fields))
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Key)
}

// New returns an error of code with message key and arguments.
func New(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Validation returns an Invalid error listing the fields at fault.
func Validation(fields []FieldError) *Error {
	return &Error{Code: Invalid, Key: "error.summary", Fields: fields}
}

// CodeOf returns the code of err, Internal for any error that is not an
// application error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as an application error, or an Internal one.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Key: "error.server"}
}
