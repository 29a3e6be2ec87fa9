package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"remedy/internal/apperr"
)

// badRequest is a malformed request (not JSON, wrong types): 400.
const badRequest apperr.Code = "bad_request"

// statusOf is the one table from application error codes to HTTP status.
var statusOf = map[apperr.Code]int{
	badRequest:          http.StatusBadRequest,
	apperr.Invalid:      http.StatusUnprocessableEntity,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Conflict:     http.StatusConflict,
	apperr.RateLimited:  http.StatusTooManyRequests,
	apperr.TooLarge:     http.StatusBadRequest,
	apperr.Internal:     http.StatusInternalServerError,
}

// retryAfter carries how long a rate-limited client must wait.
type retryAfter struct {
	err     *apperr.Error
	seconds int
}

func (r *retryAfter) Error() string { return r.err.Error() }

func rateLimited(wait float64) error {
	secs := int(wait) + 1
	mins := (secs + 59) / 60
	return &retryAfter{err: apperr.New(apperr.RateLimited, "error.rate_limited", mins), seconds: secs}
}

func (r *retryAfter) Unwrap() error { return r.err }

// handlerFunc is a page handler that returns its error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns a handlerFunc into an http.Handler that renders any error
// as a translated page.
func (s *Server) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.renderErrorPage(w, r, err)
		}
	})
}

func (s *Server) status(err error) (int, *apperr.Error) {
	e := apperr.As(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	return status, e
}

func (s *Server) logInternal(r *http.Request, err error) {
	// Internal errors are logged with the route only; the error text comes
	// from our own code and drivers and carries no request data.
	s.cfg.Logger.Error("request failed", slog.String("route", r.Pattern), slog.String("error", err.Error()))
}

func setRetryAfter(w http.ResponseWriter, err error) {
	var ra *retryAfter
	if errors.As(err, &ra) {
		w.Header().Set("Retry-After", strconv.Itoa(ra.seconds))
	}
}

type errorPage struct {
	Page
	Title   string
	Message string
}

func (s *Server) renderErrorPage(w http.ResponseWriter, r *http.Request, err error) {
	status, e := s.status(err)
	if status == http.StatusInternalServerError {
		s.logInternal(r, err)
	}
	setRetryAfter(w, err)
	lang := s.language(w, r)
	p := s.page(r, lang)
	titleKey := map[int]string{
		http.StatusNotFound: "page.not_found.title", http.StatusTooManyRequests: "page.rate_limited.title",
	}[status]
	if titleKey == "" {
		titleKey = "page.error.title"
	}
	data := errorPage{Page: p, Title: p.P.T(titleKey), Message: p.P.T(e.Key, e.Args...)}
	if rerr := s.render(w, status, "error", data); rerr != nil {
		s.logInternal(r, fmt.Errorf("render error page: %w", rerr))
		http.Error(w, http.StatusText(status), status)
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.New(apperr.NotFound, "error.not_found")
}
