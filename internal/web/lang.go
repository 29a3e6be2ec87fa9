package web

import (
	"net/http"

	"remedy/internal/i18n"
)

const langCookie = "lang"

// language picks the reader's language: an explicit ?lang= choice (which
// is remembered in a cookie), then the remembered choice, then the
// browser's Accept-Language.
func (s *Server) language(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q != "" {
		if code, ok := i18n.Parse(q); ok {
			http.SetCookie(w, &http.Cookie{
				Name: langCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
			})
			return code
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if code, ok := i18n.Parse(c.Value); ok {
			return code
		}
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}
