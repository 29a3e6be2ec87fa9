package web

import (
	"errors"
	"net/http"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/staff"
)

const staffCookie = "staff_session"

// staffToken reads a staff session token from "Authorization: Bearer …"
// (API) or the staff session cookie (pages).
func staffToken(r *http.Request) string {
	if scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(value)
	}
	if c, err := r.Cookie(staffCookie); err == nil {
		return c.Value
	}
	return ""
}

// signedIn returns the signed-in person of the request, or Unauthorized.
func (s *Server) signedIn(r *http.Request) (staff.Signed, error) {
	return s.cfg.Staff.Session(r.Context(), staffToken(r))
}

// staffHandlerFunc is a staff page or endpoint: it receives who is signed in.
type staffHandlerFunc func(w http.ResponseWriter, r *http.Request, who staff.Signed) error

// staffPage requires a signed-in person for a page; without one it sends
// the browser to the sign-in page.
func (s *Server) staffPage(fn staffHandlerFunc) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		who, err := s.signedIn(r)
		if apperr.CodeOf(err) == apperr.Unauthorized {
			http.Redirect(w, r, "/staff/signin", http.StatusSeeOther)
			return nil
		}
		if err != nil {
			return err
		}
		return fn(w, r, who)
	})
}

// staffAPI requires a bearer token (or session cookie) for an API endpoint.
func (s *Server) staffAPI(fn staffHandlerFunc) http.Handler {
	return s.api(func(w http.ResponseWriter, r *http.Request) error {
		who, err := s.signedIn(r)
		if err != nil {
			return err
		}
		return fn(w, r, who)
	})
}

type signinPage struct {
	Page
	Email string
	Error string
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) error {
	p := signinPage{Page: s.page(r, s.language(w, r))}
	return s.render(w, http.StatusOK, "signin", p)
}

// signIn checks credentials under the failure limiter, shared by the page
// and the API, keyed both by client and by address.
func (s *Server) signIn(r *http.Request, email, password, code string) (string, staff.Signed, error) {
	keys := []string{s.clientKey(r), "email:" + string(s.cfg.Keys.MAC("signin-email", []byte(strings.ToLower(strings.TrimSpace(email)))))}
	now := s.cfg.Now()
	for _, k := range keys {
		if blocked, wait := s.signinLimiter.blocked(k, now); blocked {
			return "", staff.Signed{}, rateLimited(wait.Seconds())
		}
	}
	token, who, err := s.cfg.Staff.SignIn(r.Context(), email, password, code)
	if apperr.CodeOf(err) == apperr.Unauthorized {
		for _, k := range keys {
			s.signinLimiter.fail(k, now)
		}
		s.cfg.Logger.Info("staff sign-in failed")
	} else if err == nil {
		s.cfg.Logger.Info("staff signed in", "person", who.Person.ID, "org", who.Org.ID)
	}
	return token, who, err
}

func (s *Server) signinSubmit(w http.ResponseWriter, r *http.Request) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	email := form.Get("email")
	token, _, err := s.signIn(r, email, form.Get("password"), form.Get("code"))
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Code == apperr.Unauthorized || ae.Code == apperr.RateLimited) {
		p := signinPage{Page: s.page(r, s.language(w, r)), Email: email}
		p.Error = p.P.T(ae.Key, ae.Args...)
		setRetryAfter(w, err)
		status, _ := s.status(err)
		return s.render(w, status, "signin", p)
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: staffCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int(staff.SessionLifetime.Seconds())})
	http.Redirect(w, r, "/staff", http.StatusSeeOther)
	return nil
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	if token := staffToken(r); token != "" {
		if err := s.cfg.Staff.SignOut(r.Context(), token); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: staffCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/staff/signin", http.StatusSeeOther)
	return nil
}

// apiSession: POST /api/v1/session {email, password, code} → {token}.
func (s *Server) apiSession(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Code     string `json:"code"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	token, who, err := s.signIn(r, req.Email, req.Password, req.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"token": token, "expires_in": int(staff.SessionLifetime.Seconds()),
		"person": map[string]any{"id": who.Person.ID, "role": who.Person.Role, "organization_id": who.Org.ID},
	})
	return nil
}
