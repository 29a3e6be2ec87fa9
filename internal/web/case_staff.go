package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/casework"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/staff"
)

// staffCasePage is the case as one member of staff may see it: the
// timeline, what they may do next, and the forms to do it.
type staffCasePage struct {
	Page
	V        casework.StaffView
	Ref      string
	At       time.Time // now, for the deadline words
	Notice   string
	Alert    string
	Form     string            // the form that failed, to show its errors and values
	Errors   map[string]string // field -> message
	Values   url.Values
	Bodies   []string
	Types    []grievance.RemedyType
	AskedID  bool // the identity was asked for (and shown if allowed)
	CaseLink string
}

// Due returns the words and colour of a deadline.
func (p staffCasePage) Due(t time.Time) due { return dueWords(p.P, t, p.At) }

// Local returns t in country's local time, or "".
func (p staffCasePage) Local(t time.Time, country string) string {
	if country == "JP" {
		return ""
	}
	return casework.LocalTime(t, country)
}

// Val returns what was typed in field of form when that form failed.
func (p staffCasePage) Val(form, field string) string {
	if p.Form != form {
		return ""
	}
	return p.Values.Get(field)
}

// Err returns the error of field of form when that form failed.
func (p staffCasePage) Err(form, field string) string {
	if p.Form != form {
		return ""
	}
	return p.Errors[field]
}

// FormID is the id of a form with an id (such as "message:3" → "message-3").
func (p staffCasePage) FormID(name string, id int64) string {
	return name + ":" + strconv.FormatInt(id, 10)
}

// eventData is one timeline entry with the printer, for the template that
// writes what happened.
type eventData struct {
	P *i18n.Printer
	E casework.Item
}

// Ev pairs a timeline entry with the page's printer.
func (p staffCasePage) Ev(it casework.Item) eventData { return eventData{p.P, it} }

func caseLink(ref string) string { return "/staff/cases/" + url.PathEscape(ref) }

func (s *Server) staffCasePage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.renderStaffCase(w, r, who, r.PathValue("reference"), http.StatusOK, "", nil, nil)
}

// renderStaffCase renders case ref for who; after a failed form, with its
// errors and what was typed.
func (s *Server) renderStaffCase(w http.ResponseWriter, r *http.Request, who staff.Signed, ref string, status int, form string, values url.Values, ferr error) error {
	asked := r.Method == http.MethodGet && r.URL.Query().Get("identity") == "1"
	v, err := s.casework().StaffView(r.Context(), who.Actor, ref, casework.ViewOptions{Identity: asked})
	if err != nil {
		return err
	}
	p := staffCasePage{Page: s.staffPageData(w, r, who), V: v, Ref: v.Case.Reference, At: s.cfg.Now(),
		Form: form, Values: values, Errors: map[string]string{}, Bodies: grievance.EscalationBodies,
		Types: grievance.RemedyTypes, AskedID: asked, CaseLink: caseLink(v.Case.Reference)}
	if ferr != nil {
		ae := apperr.As(ferr)
		for _, f := range ae.Fields {
			if _, dup := p.Errors[f.Field]; !dup {
				p.Errors[f.Field] = p.P.T(f.Key, f.Args...)
			}
		}
		if len(ae.Fields) == 0 {
			p.Alert = p.P.T(ae.Key, ae.Args...)
		} else {
			p.Alert = p.P.T("casework.error.form")
		}
	}
	if done := r.URL.Query().Get("done"); done != "" && ferr == nil {
		switch done {
		case "transition", "message", "referral", "remedy", "implemented", "acknowledged":
			p.Notice = p.P.T("casework.done." + done)
		}
	}
	return s.render(w, status, "staff_case", p)
}

// staffCaseDone ends a staff form post: on success, back to the case page
// with a notice; on a validation error or a conflict, the case page again
// with the errors and everything typed.
func (s *Server) staffCaseDone(w http.ResponseWriter, r *http.Request, who staff.Signed, ref, form string, values url.Values, err error, done string) error {
	if err == nil {
		http.Redirect(w, r, caseLink(ref)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Code == apperr.Invalid || ae.Code == apperr.Conflict) {
		status, _ := s.status(err)
		return s.renderStaffCase(w, r, who, ref, status, form, values, err)
	}
	return err
}

func (s *Server) staffCaseTransition(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	ref := r.PathValue("reference")
	err = s.casework().Transition(r.Context(), who.Actor, ref, casework.TransitionInput{
		To: grievance.Status(form.Get("to")), Note: form.Get("note"), Reason: form.Get("reason"),
		RedirectTo: form.Get("redirect_to"), EscalatedTo: form.Get("escalated_to"),
	})
	return s.staffCaseDone(w, r, who, ref, "transition", form, err, "transition")
}

func (s *Server) staffCaseMessage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	ref := r.PathValue("reference")
	var referralID int64
	if v := form.Get("referral_id"); v != "" && v != "0" {
		if referralID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return apperr.New(badRequest, "error.invalid_request")
		}
	}
	_, err = s.casework().AddMessage(r.Context(), who.Actor, ref, form.Get("body"), referralID)
	return s.staffCaseDone(w, r, who, ref, "message:"+strconv.FormatInt(referralID, 10), form, err, "message")
}

func (s *Server) staffCaseRefer(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	ref := r.PathValue("reference")
	ids := form["organization_id"]
	if len(ids) == 0 {
		ids = []string{"0"} // asks access first, then says to choose
	}
	// One or more organisations at once: each is its own referral.
	for _, v := range ids {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return apperr.New(badRequest, "error.invalid_request")
		}
		if _, err = s.casework().Refer(r.Context(), who.Actor, ref, id, form.Get("note")); err != nil {
			break
		}
	}
	return s.staffCaseDone(w, r, who, ref, "refer", form, err, "referral")
}

func (s *Server) staffCaseRemedy(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	ref := r.PathValue("reference")
	in := casework.RemedyInput{Type: form.Get("type"), Amount: form.Get("amount"), Currency: form.Get("currency"),
		DueDate: form.Get("due_date"), Description: form.Get("description")}
	if v := form.Get("provider_organization_id"); v != "" && v != "0" {
		if in.ProviderOrgID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return apperr.New(badRequest, "error.invalid_request")
		}
	}
	_, err = s.casework().ProposeRemedy(r.Context(), who.Actor, ref, in)
	return s.staffCaseDone(w, r, who, ref, "remedy", form, err, "remedy")
}

func (s *Server) staffCaseImplemented(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	ref := r.PathValue("reference")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.casework().RecordImplemented(r.Context(), who.Actor, ref, id, form.Get("evidence"))
	return s.staffCaseDone(w, r, who, ref, "implement:"+strconv.FormatInt(id, 10), form, err, "implemented")
}

func (s *Server) staffReferralAck(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	accept := form.Get("accept") == "1"
	_, ref, err := s.casework().AcknowledgeReferral(r.Context(), who.Actor, id, accept, form.Get("reason"))
	if err == nil && !accept {
		// Declined: the organisation no longer sees the case.
		http.Redirect(w, r, "/staff?done=declined", http.StatusSeeOther)
		return nil
	}
	if ref == "" {
		return err
	}
	return s.staffCaseDone(w, r, who, ref, "ack:"+strconv.FormatInt(id, 10), form, err, "acknowledged")
}
