package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"remedy/internal/apperr"
)

// The worker's decisions on their case page: consent to disclose who they
// are, the answer to a remedy proposal, feedback once the case is closed,
// and stopping the case. Plain forms; each answers with the case page.

// workerPost opens the worker's session and reads the form; without a
// session it sends the browser to /follow and reports ok false.
func (s *Server) workerPost(w http.ResponseWriter, r *http.Request) (int64, url.Values, bool, error) {
	id, err := s.sessionCase(r)
	if err != nil {
		http.Redirect(w, r, "/follow", http.StatusSeeOther)
		return 0, nil, false, nil
	}
	form, err := readForm(w, r)
	if err != nil {
		return 0, nil, false, err
	}
	return id, form, true, nil
}

// workerDone ends a worker's form post: on success, back to the case page
// with a notice; on a validation error or a conflict, the case page again
// with the message next to the form and what was chosen.
func (s *Server) workerDone(w http.ResponseWriter, r *http.Request, id int64, form url.Values, err error, done string) error {
	if err == nil {
		http.Redirect(w, r, "/case?done="+done, http.StatusSeeOther)
		return nil
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || (ae.Code != apperr.Invalid && ae.Code != apperr.Conflict) {
		return err
	}
	p, perr := s.newCasePage(r, s.language(w, r), id)
	if perr != nil {
		return perr
	}
	p.Values = form
	for _, f := range ae.Fields {
		p.Errors[f.Field] = p.P.T(f.Key, f.Args...)
	}
	if len(ae.Fields) == 0 {
		p.Errors[done] = p.P.T(ae.Key, ae.Args...)
	}
	status, _ := s.status(err)
	return s.render(w, status, "case", p)
}

func (s *Server) caseConsent(w http.ResponseWriter, r *http.Request) error {
	id, form, ok, err := s.workerPost(w, r)
	if !ok {
		return err
	}
	err = s.casework().SetConsent(r.Context(), id, form.Get("share_identity") == "1")
	return s.workerDone(w, r, id, form, err, "consent")
}

func (s *Server) caseRemedyDecision(w http.ResponseWriter, r *http.Request) error {
	id, form, ok, err := s.workerPost(w, r)
	if !ok {
		return err
	}
	remedyID, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	accept := form.Get("accept") == "1"
	done := "refused"
	if accept {
		done = "accepted"
	}
	err = s.casework().DecideRemedy(r.Context(), id, remedyID, accept)
	if apperr.CodeOf(err) == apperr.Conflict || apperr.CodeOf(err) == apperr.Invalid {
		// Shown next to that proposal.
		done = "remedy-" + strconv.FormatInt(remedyID, 10)
	}
	return s.workerDone(w, r, id, form, err, done)
}

func (s *Server) caseFeedback(w http.ResponseWriter, r *http.Request) error {
	id, form, ok, err := s.workerPost(w, r)
	if !ok {
		return err
	}
	satisfaction, _ := strconv.Atoi(form.Get("satisfaction"))
	var retaliation *bool
	switch form.Get("retaliation") {
	case "yes":
		retaliation = new(bool)
		*retaliation = true
	case "no":
		retaliation = new(bool)
	}
	_, err = s.casework().GiveFeedback(r.Context(), id, satisfaction, retaliation)
	return s.workerDone(w, r, id, form, err, "feedback")
}

func (s *Server) caseWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, form, ok, err := s.workerPost(w, r)
	if !ok {
		return err
	}
	if form.Get("confirm") != "1" {
		err = apperr.Validation([]apperr.FieldError{{Field: "confirm", Key: "casework.error.confirm"}})
	} else {
		err = s.casework().Withdraw(r.Context(), id)
	}
	return s.workerDone(w, r, id, form, err, "withdrawn")
}
