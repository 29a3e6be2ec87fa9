package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/intake"
	"remedy/internal/vault"
)

// maxFormRead is how much of a form post is read at most. Forms are read
// past MaxBody so that a too-long text comes back to the worker to shorten
// instead of being lost; the decoded content must still fit MaxBody.
const maxFormRead = 1 << 20

type fieldMessage struct {
	Field   string
	Message string
}

type intakePage struct {
	Page
	Token       string
	Sub         grievance.Submission
	Selected    map[string]bool
	Errors      map[string]string
	ErrorList   []fieldMessage
	Categories  []grievance.Category
	Programs    []string
	Countries   []string
	Channels    []string
	Prefectures []grievance.Prefecture
}

func (s *Server) newIntakePage(r *http.Request, lang string) (intakePage, error) {
	token, err := vault.NewToken(s.cfg.Intake.Rand)
	if err != nil {
		return intakePage{}, err
	}
	return intakePage{
		Page: s.page(r, lang), Token: token, Selected: map[string]bool{},
		Errors: map[string]string{}, Categories: grievance.Categories, Programs: grievance.Programs,
		Countries: grievance.OriginCountries, Channels: grievance.ContactChannels, Prefectures: grievance.Prefectures,
		Sub: grievance.Submission{Contact: grievance.Contact{Channel: "none"}},
	}, nil
}

func (s *Server) intakeForm(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	p, err := s.newIntakePage(r, lang)
	if err != nil {
		return err
	}
	p.Sub.Language = lang
	return s.render(w, http.StatusOK, "intake", p)
}

// submissionFromForm reads the intake form's fields.
func submissionFromForm(f url.Values) grievance.Submission {
	return grievance.Submission{
		Language:           f.Get("language"),
		OriginCountry:      f.Get("origin_country"),
		Program:            f.Get("program"),
		Categories:         f["categories"],
		Narrative:          f.Get("narrative"),
		IncidentDate:       f.Get("incident_date"),
		Prefecture:         f.Get("prefecture"),
		EmployerName:       f.Get("employer_name"),
		SupervisingOrgName: f.Get("supervising_org_name"),
		SendingOrgName:     f.Get("sending_org_name"),
		Contact: grievance.Contact{
			Name: f.Get("contact_name"), Channel: f.Get("contact_channel"), Value: f.Get("contact_value"),
		},
		ShareIdentity: f.Get("share_identity") == "yes",
	}
}

func decodedSize(f url.Values) int {
	n := 0
	for k, vs := range f {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

func (s *Server) intakeSubmit(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormRead))
	if err != nil {
		return apperr.New(apperr.TooLarge, "error.body_too_large")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return apperr.New(badRequest, "error.invalid_request")
	}
	sub := submissionFromForm(form)
	lang, ok := i18n.Parse(sub.Language)
	if !ok || !utf8.ValidString(sub.Language) {
		lang = s.language(w, r)
	}
	sub.Language = lang
	token := form.Get("form_token")

	var rec intake.Receipt
	if decodedSize(form) > MaxBody {
		err = apperr.Validation([]apperr.FieldError{{Field: "form", Key: "error.body_too_large"}})
	} else {
		rec, err = s.cfg.Intake.Submit(r.Context(), sub, token)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		return s.intakeAgain(w, r, lang, token, sub, ae)
	}
	if errors.As(err, &ae) && ae.Code == apperr.Conflict {
		// The form was sent before with other answers (the worker went back
		// and changed them): keep what they typed, with a new token, so that
		// sending again makes a new case on purpose.
		ae = apperr.Validation([]apperr.FieldError{{Field: "form", Key: "error.conflict"}})
		return s.intakeAgain(w, r, lang, "", sub, ae)
	}
	if err != nil {
		return err
	}
	if err := s.openWorkerSession(w, r, rec.CaseID); err != nil {
		return err
	}
	return s.renderReceipt(w, r, rec)
}

// intakeAgain shows the form again with everything the worker typed and
// each problem next to its field.
func (s *Server) intakeAgain(w http.ResponseWriter, r *http.Request, lang, token string, sub grievance.Submission, ae *apperr.Error) error {
	p, err := s.newIntakePage(r, lang)
	if err != nil {
		return err
	}
	if token != "" {
		p.Token = token
	}
	p.Sub = sub
	if p.Sub.Contact.Channel == "" {
		p.Sub.Contact.Channel = "none"
	}
	for _, c := range sub.Categories {
		p.Selected[c] = true
	}
	for _, fe := range ae.Fields {
		msg := p.P.T(fe.Key, fe.Args...)
		if _, dup := p.Errors[fe.Field]; !dup {
			p.Errors[fe.Field] = msg
			p.ErrorList = append(p.ErrorList, fieldMessage{Field: fe.Field, Message: msg})
		}
	}
	return s.render(w, http.StatusUnprocessableEntity, "intake", p)
}

type receiptPage struct {
	Page
	Reference     string
	Receipt       string
	AcknowledgeBy string
	Urgent        bool
	Contacts      []grievance.EmergencyContact
}

func (s *Server) renderReceipt(w http.ResponseWriter, r *http.Request, rec intake.Receipt) error {
	p := s.page(r, rec.Language)
	data := receiptPage{
		Page: p, Reference: rec.Reference, Receipt: rec.Receipt,
		AcknowledgeBy: japanTime(rec.AcknowledgeBy),
		Urgent:        rec.Risk == grievance.RiskUrgent,
	}
	if data.Urgent {
		data.Contacts = grievance.EmergencyContacts(rec.OriginCountry, rec.Language)
	}
	return s.render(w, http.StatusOK, "receipt", data)
}
