package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/casework"
	"remedy/internal/grievance"
	"remedy/internal/org"
	"remedy/internal/staff"
	"remedy/internal/store"
)

// The JSON API of case handling: the staff endpoints (bearer token) and
// the worker's decisions (receipt header). Shapes are in
// openapi/casework.json.

func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

type apiOrg struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Country string `json:"country"`
}

func toAPIOrg(o org.Organization) apiOrg {
	return apiOrg{ID: o.ID, Name: o.Name, Type: string(o.Type), Country: o.Country}
}

type apiReferral struct {
	ID                 int64  `json:"id"`
	Reference          string `json:"reference"`
	Organization       apiOrg `json:"organization"`
	Status             string `json:"status"`
	Note               string `json:"note,omitempty"`
	Reason             string `json:"reason,omitempty"`
	SentAt             string `json:"sent_at"`
	AcknowledgeBy      string `json:"acknowledge_by"`
	AcknowledgeByLocal string `json:"acknowledge_by_local,omitempty"`
	AcknowledgedAt     string `json:"acknowledged_at,omitempty"`
	RespondedAt        string `json:"responded_at,omitempty"`
	ResolvedAt         string `json:"resolved_at,omitempty"`
	Overdue            bool   `json:"overdue"`
}

func toAPIReferral(ref string, r store.Referral) apiReferral {
	return apiReferral{ID: r.ID, Reference: ref, Organization: toAPIOrg(r.Org), Status: string(r.Status),
		SentAt: apiTime(r.SentAt), AcknowledgeBy: apiTime(r.AcknowledgeBy), AcknowledgeByLocal: casework.LocalTime(r.AcknowledgeBy, r.Org.Country),
		AcknowledgedAt: apiTime(r.AcknowledgedAt), RespondedAt: apiTime(r.RespondedAt), ResolvedAt: apiTime(r.ResolvedAt), Overdue: r.Overdue}
}

type apiRemedy struct {
	ID                     int64  `json:"id"`
	ReferralID             int64  `json:"referral_id,omitempty"`
	Type                   string `json:"type"`
	ProviderOrganizationID int64  `json:"provider_organization_id,omitempty"`
	ProviderName           string `json:"provider_name,omitempty"`
	Amount                 string `json:"amount,omitempty"`
	Currency               string `json:"currency,omitempty"`
	DueDate                string `json:"due_date,omitempty"`
	Status                 string `json:"status"`
	Description            string `json:"description,omitempty"`
	Evidence               string `json:"evidence,omitempty"`
	ProposedAt             string `json:"proposed_at"`
	DecidedAt              string `json:"decided_at,omitempty"`
	ImplementedAt          string `json:"implemented_at,omitempty"`
}

func toAPIRemedy(m store.Remedy, description, evidence string) apiRemedy {
	out := apiRemedy{ID: m.ID, ReferralID: m.ReferralID, Type: string(m.Type), ProviderOrganizationID: m.ProviderOrgID,
		ProviderName: m.ProviderName, DueDate: m.DueDate, Status: string(m.Status), Description: description, Evidence: evidence,
		ProposedAt: apiTime(m.ProposedAt), DecidedAt: apiTime(m.DecidedAt), ImplementedAt: apiTime(m.ImplementedAt)}
	if m.HasAmount {
		out.Amount, out.Currency = casework.FormatDecimal(m.AmountMinor, m.Currency), m.Currency
	}
	return out
}

type apiThreadMessage struct {
	ID         int64  `json:"id"`
	ReferralID int64  `json:"referral_id,omitempty"`
	Author     string `json:"author"`
	AuthorName string `json:"author_name,omitempty"`
	Body       string `json:"body"`
	CreatedAt  string `json:"created_at"`
}

type apiEvent struct {
	At          string `json:"at"`
	Kind        string `json:"kind"`
	Actor       string `json:"actor"`
	ActorName   string `json:"actor_name,omitempty"`
	ActorOrg    string `json:"actor_organization,omitempty"`
	From        string `json:"from,omitempty"`
	To          string `json:"to,omitempty"`
	Note        string `json:"note,omitempty"`
	Reason      string `json:"reason,omitempty"`
	RedirectTo  string `json:"redirect_to,omitempty"`
	EscalatedTo string `json:"escalated_to,omitempty"`
	ReferralID  int64  `json:"referral_id,omitempty"`
	RemedyID    int64  `json:"remedy_id,omitempty"`
	MessageID   int64  `json:"message_id,omitempty"`
}

type apiFeedback struct {
	Round        int    `json:"round"`
	Satisfaction int    `json:"satisfaction"`
	Retaliation  bool   `json:"retaliation"`
	At           string `json:"at"`
}

type apiStatusNote struct {
	Reason      string `json:"reason,omitempty"`
	RedirectTo  string `json:"redirect_to,omitempty"`
	EscalatedTo string `json:"escalated_to,omitempty"`
}

type apiCase struct {
	Reference           string             `json:"reference"`
	Status              string             `json:"status"`
	Risk                string             `json:"risk"`
	RiskRule            string             `json:"risk_rule"`
	ILOIndicators       []string           `json:"ilo_indicators"`
	Categories          []string           `json:"categories"`
	Language            string             `json:"language"`
	OriginCountry       string             `json:"origin_country"`
	Program             string             `json:"program"`
	Prefecture          string             `json:"prefecture,omitempty"`
	IncidentDate        string             `json:"incident_date,omitempty"`
	CreatedAt           string             `json:"created_at"`
	UpdatedAt           string             `json:"updated_at"`
	DeadlineAt          string             `json:"deadline_at,omitempty"`
	DeadlineKind        string             `json:"deadline_kind,omitempty"`
	Overdue             bool               `json:"overdue"`
	AcknowledgedAt      string             `json:"acknowledged_at,omitempty"`
	FirstResponseAt     string             `json:"first_response_at,omitempty"`
	RemedyImplementedAt string             `json:"remedy_implemented_at,omitempty"`
	ClosedAt            string             `json:"closed_at,omitempty"`
	ShareIdentity       bool               `json:"share_identity"`
	StatusNote          *apiStatusNote     `json:"status_note,omitempty"`
	NextStatuses        []string           `json:"next_statuses"`
	Narrative           *string            `json:"narrative,omitempty"`
	Identity            *casework.Identity `json:"identity,omitempty"`
	Referrals           []apiReferral      `json:"referrals"`
	Remedies            []apiRemedy        `json:"remedies"`
	Messages            []apiThreadMessage `json:"messages"`
	Timeline            []apiEvent         `json:"timeline"`
	Feedback            []apiFeedback      `json:"feedback,omitempty"`
	Available           map[string]bool    `json:"can"`
}

// apiCase: GET /api/v1/cases/{reference}. The worker's narrative is in the
// answer for those who may read it (audited); their identity only with
// ?include=identity, for those who may see it (audited).
func (s *Server) apiCase(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	asked := r.URL.Query().Get("include") == "identity"
	v, err := s.casework().StaffView(r.Context(), who.Actor, r.PathValue("reference"), casework.ViewOptions{Identity: asked})
	if err != nil {
		return err
	}
	c := v.Case
	out := apiCase{
		Reference: c.Reference, Status: string(c.Status), Risk: string(c.Triage.Risk), RiskRule: c.Triage.Rule,
		ILOIndicators: append([]string{}, c.Triage.Indicators...), Categories: append([]string{}, c.Categories...),
		Language: c.Language, OriginCountry: c.OriginCountry, Program: c.Program, Prefecture: c.Prefecture,
		IncidentDate: c.IncidentDate, CreatedAt: apiTime(c.CreatedAt), UpdatedAt: apiTime(c.UpdatedAt),
		DeadlineAt: apiTime(v.State.DeadlineAt), DeadlineKind: v.State.DeadlineKind, Overdue: v.State.Overdue,
		AcknowledgedAt: apiTime(v.State.AcknowledgedAt), FirstResponseAt: apiTime(v.State.FirstResponseAt),
		RemedyImplementedAt: apiTime(v.State.RemedyImplementedAt), ClosedAt: apiTime(v.State.ClosedAt),
		ShareIdentity: c.ShareIdentity, NextStatuses: []string{}, Identity: v.Identity,
		Referrals: []apiReferral{}, Remedies: []apiRemedy{}, Messages: []apiThreadMessage{}, Timeline: []apiEvent{},
		Available: map[string]bool{
			"transition": v.Can.Transition, "refer": v.Can.Refer, "propose_remedy": v.Can.ProposeRemedy,
			"record_remedy": v.Can.RecordRemedy, "write_to_worker": v.Can.WriteWorker, "read_narrative": v.Can.Narrative,
			"read_identity": v.Can.Identity,
		},
	}
	if v.StatusNote != (casework.StatusNote{}) && v.Can.Internal {
		out.StatusNote = &apiStatusNote{Reason: v.StatusNote.Reason, RedirectTo: v.StatusNote.RedirectTo, EscalatedTo: v.StatusNote.EscalatedTo}
	} else if v.StatusNote.EscalatedTo != "" {
		out.StatusNote = &apiStatusNote{EscalatedTo: v.StatusNote.EscalatedTo}
	}
	for _, n := range v.Next {
		out.NextStatuses = append(out.NextStatuses, string(n))
	}
	if v.Can.Narrative {
		out.Narrative = &v.Narrative
	}
	for _, rv := range v.Referrals {
		a := toAPIReferral(c.Reference, rv.Referral)
		a.Note, a.Reason = rv.Note, rv.Reason
		out.Referrals = append(out.Referrals, a)
	}
	for _, m := range v.Remedies {
		out.Remedies = append(out.Remedies, toAPIRemedy(m.Remedy, m.Description, m.Evidence))
	}
	for _, m := range v.Messages {
		out.Messages = append(out.Messages, apiThreadMessage{ID: m.ID, ReferralID: m.ReferralID, Author: m.Author,
			AuthorName: m.By.Name, Body: m.Body, CreatedAt: apiTime(m.At)})
	}
	for _, it := range v.Timeline {
		e := apiEvent{At: apiTime(it.At), Kind: it.Kind, Actor: it.Actor, ActorName: it.By.Name, ActorOrg: it.By.OrgName,
			From: string(it.From), To: string(it.To), Note: it.Note.Note, Reason: it.Note.Reason, RedirectTo: it.Note.RedirectTo,
			EscalatedTo: it.Note.EscalatedTo, ReferralID: it.ReferralID, RemedyID: it.RemedyID}
		if it.Message != nil {
			e.MessageID = it.Message.ID
		}
		out.Timeline = append(out.Timeline, e)
	}
	for _, f := range v.Feedback {
		out.Feedback = append(out.Feedback, apiFeedback{Round: f.Round, Satisfaction: f.Satisfaction, Retaliation: f.Retaliation, At: apiTime(f.At)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiCaseTransition: POST /api/v1/cases/{reference}/transitions.
func (s *Server) apiCaseTransition(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	var req struct {
		To          string `json:"to"`
		Note        string `json:"note"`
		Reason      string `json:"reason"`
		RedirectTo  string `json:"redirect_to"`
		EscalatedTo string `json:"escalated_to"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	ref := r.PathValue("reference")
	if err := s.casework().Transition(r.Context(), who.Actor, ref, casework.TransitionInput{To: grievance.Status(req.To),
		Note: req.Note, Reason: req.Reason, RedirectTo: req.RedirectTo, EscalatedTo: req.EscalatedTo}); err != nil {
		return err
	}
	rec, err := s.cfg.DB.CaseInScope(r.Context(), ref, access.CaseScope(who.Actor))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"reference": rec.Case.Reference, "status": rec.Case.Status,
		"deadline_at": apiTime(rec.State.DeadlineAt), "deadline_kind": rec.State.DeadlineKind,
	})
	return nil
}

// apiCaseMessage: POST /api/v1/cases/{reference}/messages.
func (s *Server) apiCaseMessage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	var req struct {
		Body       string `json:"body"`
		ReferralID int64  `json:"referral_id"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	m, err := s.casework().AddMessage(r.Context(), who.Actor, r.PathValue("reference"), req.Body, req.ReferralID)
	if err != nil {
		return err
	}
	name := who.Person.Name
	if name == "" {
		name = who.Person.Email
	}
	writeJSON(w, http.StatusCreated, apiThreadMessage{ID: m.ID, ReferralID: m.ReferralID, Author: m.Author,
		AuthorName: name, Body: req.Body, CreatedAt: apiTime(m.CreatedAt)})
	return nil
}

// apiCaseReferral: POST /api/v1/cases/{reference}/referrals.
func (s *Server) apiCaseReferral(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	var req struct {
		OrganizationID int64  `json:"organization_id"`
		Note           string `json:"note"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	ref := r.PathValue("reference")
	rf, err := s.casework().Refer(r.Context(), who.Actor, ref, req.OrganizationID, req.Note)
	if err != nil {
		return err
	}
	out := toAPIReferral(ref, rf)
	out.Note = req.Note
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// apiReferralAck: POST /api/v1/referrals/{id}/acknowledge.
func (s *Server) apiReferralAck(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	var req struct {
		Accept *bool  `json:"accept"`
		Reason string `json:"reason"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.Accept == nil {
		return apperr.Validation([]apperr.FieldError{{Field: "accept", Key: "error.required"}})
	}
	rf, ref, err := s.casework().AcknowledgeReferral(r.Context(), who.Actor, id, *req.Accept, req.Reason)
	if err != nil {
		return err
	}
	out := toAPIReferral(ref, rf)
	out.Reason = req.Reason
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiCaseRemedy: POST /api/v1/cases/{reference}/remedies.
func (s *Server) apiCaseRemedy(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	var req struct {
		Type                   string      `json:"type"`
		ProviderOrganizationID int64       `json:"provider_organization_id"`
		Amount                 json.Number `json:"amount"`
		Currency               string      `json:"currency"`
		DueDate                string      `json:"due_date"`
		Description            string      `json:"description"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	m, err := s.casework().ProposeRemedy(r.Context(), who.Actor, r.PathValue("reference"), casework.RemedyInput{
		Type: req.Type, ProviderOrgID: req.ProviderOrganizationID, Amount: req.Amount.String(), Currency: req.Currency,
		DueDate: req.DueDate, Description: req.Description})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIRemedy(m, req.Description, ""))
	return nil
}

// apiCaseImplemented: POST /api/v1/cases/{reference}/remedies/{id}/implemented.
func (s *Server) apiCaseImplemented(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	var req struct {
		Evidence string `json:"evidence"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	m, err := s.casework().RecordImplemented(r.Context(), who.Actor, r.PathValue("reference"), id, req.Evidence)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIRemedy(m, "", req.Evidence))
	return nil
}

// apiSelfConsent: POST /api/v1/grievances/self/consent {share_identity}.
func (s *Server) apiSelfConsent(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiWorkerCase(r)
	if err != nil {
		return err
	}
	var req struct {
		ShareIdentity *bool `json:"share_identity"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.ShareIdentity == nil {
		return apperr.Validation([]apperr.FieldError{{Field: "share_identity", Key: "error.required"}})
	}
	if err := s.casework().SetConsent(r.Context(), id, *req.ShareIdentity); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"share_identity": *req.ShareIdentity})
	return nil
}

// apiSelfRemedyDecision: POST /api/v1/grievances/self/remedies/{id}/decision {accept}.
func (s *Server) apiSelfRemedyDecision(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiWorkerCase(r)
	if err != nil {
		return err
	}
	remedyID, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	var req struct {
		Accept *bool `json:"accept"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.Accept == nil {
		return apperr.Validation([]apperr.FieldError{{Field: "accept", Key: "error.required"}})
	}
	if err := s.casework().DecideRemedy(r.Context(), id, remedyID, *req.Accept); err != nil {
		return err
	}
	rec, err := s.cfg.DB.CaseworkByID(r.Context(), id)
	if err != nil {
		return err
	}
	status := grievance.RemedyRefused
	if *req.Accept {
		status = grievance.RemedyAccepted
	}
	writeJSON(w, http.StatusOK, map[string]any{"remedy_id": remedyID, "status": status, "case_status": rec.Case.Status})
	return nil
}

// apiSelfFeedback: POST /api/v1/grievances/self/feedback {satisfaction, retaliation}.
func (s *Server) apiSelfFeedback(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiWorkerCase(r)
	if err != nil {
		return err
	}
	var req struct {
		Satisfaction int   `json:"satisfaction"`
		Retaliation  *bool `json:"retaliation"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	f, err := s.casework().GiveFeedback(r.Context(), id, req.Satisfaction, req.Retaliation)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiFeedback{Round: f.Round, Satisfaction: f.Satisfaction, Retaliation: f.Retaliation, At: apiTime(f.At)})
	return nil
}

// apiSelfWithdraw: POST /api/v1/grievances/self/withdraw.
func (s *Server) apiSelfWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiWorkerCase(r)
	if err != nil {
		return err
	}
	if r.ContentLength != 0 {
		var req struct{}
		if err := readJSON(r, &req); err != nil {
			return err
		}
	}
	if err := s.casework().Withdraw(r.Context(), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": string(grievance.StatusWithdrawn)})
	return nil
}
