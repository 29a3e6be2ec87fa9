package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/casework"
	"remedy/internal/grievance"
)

const sessionCookie = "case_session"

// clientKey identifies a client for rate limits: a MAC of its address, so
// that the address itself is never kept.
func (s *Server) clientKey(r *http.Request) string {
	addr := r.RemoteAddr
	if s.cfg.TrustProxy {
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			parts := strings.Split(fwd, ",")
			addr = strings.TrimSpace(parts[len(parts)-1])
		}
	}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	return string(s.cfg.Keys.MAC("rate-limit", []byte(addr)))
}

// openCase checks a receipt under the failure limit: after too many wrong
// tries from one client, every try is refused until the window passes, even
// a right one, so guessing gains nothing.
func (s *Server) openCase(r *http.Request, receipt, passphrase string) (int64, error) {
	client := s.clientKey(r)
	now := s.cfg.Now()
	if blocked, wait := s.limiter.blocked(client, now); blocked {
		return 0, rateLimited(wait.Seconds())
	}
	id, err := s.cfg.Intake.Open(r.Context(), receipt, passphrase)
	if apperr.CodeOf(err) == apperr.Unauthorized {
		s.limiter.fail(client, now)
	}
	return id, err
}

func (s *Server) openWorkerSession(w http.ResponseWriter, r *http.Request, caseID int64) error {
	token, err := s.cfg.Intake.StartSession(r.Context(), caseID)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	return nil
}

// sessionCase returns the case this device's worker session opened.
func (s *Server) sessionCase(r *http.Request) (int64, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return 0, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	return s.cfg.Intake.SessionCase(r.Context(), c.Value)
}

type followPage struct {
	Page
	Receipt string
	Error   string
	Notice  string
}

func (s *Server) followForm(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	p := followPage{Page: s.page(r, lang)}
	if r.URL.Query().Get("closed") == "1" {
		p.Notice = p.P.T("case.closed_session")
	}
	return s.render(w, http.StatusOK, "follow", p)
}

func (s *Server) followOpen(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		return apperr.New(badRequest, "error.invalid_request")
	}
	receipt := r.PostForm.Get("receipt")
	id, err := s.openCase(r, receipt, r.PostForm.Get("passphrase"))
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Code == apperr.Unauthorized || ae.Code == apperr.RateLimited) {
		lang := s.language(w, r)
		p := followPage{Page: s.page(r, lang), Receipt: receipt}
		p.Error = p.P.T(ae.Key, ae.Args...)
		setRetryAfter(w, err)
		status, _ := s.status(err)
		return s.render(w, status, "follow", p)
	}
	if err != nil {
		return err
	}
	if err := s.openWorkerSession(w, r, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/case", http.StatusSeeOther)
	return nil
}

type casePage struct {
	Page
	View     casework.WorkerView
	Now      string
	Next     string
	Deadline string
	HomeTime string // the deadline in the worker's country, when not Japan
	Overdue  bool
	Reply    string
	Error    string
	Notice   string
	// Errors of the worker's other forms (consent, remedy decision,
	// feedback, withdrawal), by field, and what was chosen.
	Errors map[string]string
	Values url.Values
}

// Scale is the satisfaction scale of the feedback form.
func (casePage) Scale() []int { return []int{1, 2, 3, 4, 5} }

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.sessionCase(r)
	if err != nil {
		http.Redirect(w, r, "/follow", http.StatusSeeOther)
		return nil
	}
	lang := s.language(w, r)
	p, err := s.newCasePage(r, lang, id)
	if err != nil {
		return err
	}
	switch done := r.URL.Query().Get("done"); done {
	case "message":
		p.Notice = p.P.T("case.reply.sent")
	case "passphrase":
		p.Notice = p.P.T("receipt.passphrase.saved")
	case "consent", "accepted", "refused", "feedback", "withdrawn":
		p.Notice = p.P.T("casework.worker.done." + done)
	}
	return s.render(w, http.StatusOK, "case", p)
}

func (s *Server) newCasePage(r *http.Request, lang string, id int64) (casePage, error) {
	v, err := s.casework().WorkerView(r.Context(), id)
	if err != nil {
		return casePage{}, err
	}
	p := casePage{Page: s.page(r, lang), View: v, Errors: map[string]string{}}
	st := string(v.Case.Status)
	p.Now, p.Next = p.P.T("status."+st+".now"), p.P.T("status."+st+".next")
	if d, ok := v.Deadline(); ok && grievance.IsOpen(v.Case.Status) {
		p.Deadline = japanTime(d)
		if v.Case.OriginCountry != "JP" {
			p.HomeTime = casework.LocalTime(d, v.Case.OriginCountry)
		}
		p.Overdue = v.State.Overdue || s.cfg.Now().After(d)
	}
	return p, nil
}

func (s *Server) caseMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.sessionCase(r)
	if err != nil {
		http.Redirect(w, r, "/follow", http.StatusSeeOther)
		return nil
	}
	body, err := readForm(w, r)
	if err != nil {
		return err
	}
	text := body.Get("body")
	_, err = s.cfg.Intake.AddMessage(r.Context(), id, grievance.AuthorWorker, text)
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		lang := s.language(w, r)
		p, perr := s.newCasePage(r, lang, id)
		if perr != nil {
			return perr
		}
		p.Reply = text
		p.Error = p.P.T(ae.Fields[0].Key, ae.Fields[0].Args...)
		return s.render(w, http.StatusUnprocessableEntity, "case", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/case?done=message", http.StatusSeeOther)
	return nil
}

func (s *Server) casePassphrase(w http.ResponseWriter, r *http.Request) error {
	id, err := s.sessionCase(r)
	if err != nil {
		http.Redirect(w, r, "/follow", http.StatusSeeOther)
		return nil
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	err = s.cfg.Intake.SetPassphrase(r.Context(), id, form.Get("passphrase"), form.Get("passphrase_confirm"))
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		lang := s.language(w, r)
		p, perr := s.newCasePage(r, lang, id)
		if perr != nil {
			return perr
		}
		p.Error = p.P.T(ae.Fields[0].Key, ae.Fields[0].Args...)
		return s.render(w, http.StatusUnprocessableEntity, "case", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/case?done=passphrase", http.StatusSeeOther)
	return nil
}

func (s *Server) caseClose(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.cfg.Intake.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/follow?closed=1", http.StatusSeeOther)
	return nil
}

// readForm parses a small form post.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormRead) // form-encoded text is up to 9 bytes a character
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, apperr.New(apperr.TooLarge, "error.body_too_large")
		}
		return nil, apperr.New(badRequest, "error.invalid_request")
	}
	return r.PostForm, nil
}
