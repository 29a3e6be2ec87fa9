package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/i18n"
)

// apiFunc is a JSON API handler that returns its error.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// api turns an apiFunc into an http.Handler that writes any error as
// {"error": {"code", "message", "fields"}} with the status from statusOf.
func (s *Server) api(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeAPIError(w, r, err)
		}
	})
}

type apiFieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type apiError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Fields  []apiFieldError `json:"fields,omitempty"`
}

// apiLanguage is the language of API messages: ?lang=, then Accept-Language.
func apiLanguage(r *http.Request) string {
	if code, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return code
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	status, e := s.status(err)
	if status == http.StatusInternalServerError {
		s.logInternal(r, err)
	}
	setRetryAfter(w, err)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Receipt realm="remedy"`)
	}
	lang, _ := r.Context().Value(apiLangKey{}).(string)
	if lang == "" {
		lang = apiLanguage(r)
	}
	p := s.cfg.Bundle.Printer(lang)
	out := apiError{Code: string(e.Code), Message: p.T(e.Key, e.Args...)}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, apiFieldError{Field: f.Field, Code: strings.TrimPrefix(f.Key, "error."), Message: p.T(f.Key, f.Args...)})
	}
	writeJSON(w, status, map[string]apiError{"error": out})
}

// apiLangKey carries, in a request's context, the language a request body
// asked for, so that errors found later speak it.
type apiLangKey struct{}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// receiptFromHeader reads "Authorization: Receipt 1234-5678-…".
func receiptFromHeader(r *http.Request) string {
	scheme, value, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Receipt") {
		return ""
	}
	return strings.TrimSpace(value)
}

func apiBadRequest() error { return apperr.New(badRequest, "error.invalid_request") }
