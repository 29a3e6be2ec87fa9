// Package casework is case handling: moving a case through its lifecycle,
// referring it to other organisations (in Japan or abroad), their
// acknowledgement and answers, remedies and their implementation, and the
// worker's consent, decisions, feedback and withdrawal. It joins the
// domain (grievance), the policy (access), the vault and the store; every
// method asks access first, and every change is one store transaction with
// its audit entry, timeline event, deadline job and notification.
//
// What each reader sees of a case follows the worker's consent: without
// it, a referred organisation sees the facts and categories, the referral
// note and its own thread, never the worker's words or who they are.
package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/notify"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// Limits on what staff write, in characters.
const (
	MaxText  = 10000 // notes, messages, descriptions, evidence
	MaxShort = 2000  // reasons, where to go instead
)

// Service handles cases once received.
type Service struct {
	DB     *store.DB
	Keys   *vault.Keyring
	Now    func() time.Time
	Rand   io.Reader
	Limits grievance.StageLimits
}

// ActorName is how an actor appears in the audit trail and on timelines:
// an id, never a name.
func ActorName(a access.Actor) string {
	switch a.Kind {
	case access.Staff:
		return fmt.Sprintf("staff:%d", a.PersonID)
	case access.Worker:
		return "worker"
	}
	return "system"
}

// WorkerActor is the actor of the worker holding the receipt of caseID.
func WorkerActor(caseID int64) access.Actor { return access.Actor{Kind: access.Worker, CaseID: caseID} }

func notFound() error  { return apperr.New(apperr.NotFound, "error.not_found") }
func forbidden() error { return apperr.New(apperr.Forbidden, "error.forbidden") }

// loaded is a case read for one actor, with the facts the policy decides on.
type loaded struct {
	who   access.Actor
	rec   store.CaseworkRecord
	facts access.CaseFacts
	dek   []byte
}

func (l *loaded) c() grievance.Case { return l.rec.Case }

// load reads the case ref as who may see it: a case outside who's scope,
// or one who may not view, is NotFound, exactly as one that does not
// exist; a visible case on which who may not do act is Forbidden.
func (s *Service) load(ctx context.Context, who access.Actor, ref string, act access.Action) (*loaded, error) {
	rec, err := s.DB.CaseInScope(ctx, ref, access.CaseScope(who))
	if err != nil {
		return nil, err
	}
	return s.check(ctx, who, rec, act)
}

// loadWorker reads the worker's own case.
func (s *Service) loadWorker(ctx context.Context, caseID int64) (*loaded, error) {
	rec, err := s.DB.CaseworkByID(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return s.check(ctx, WorkerActor(caseID), rec, access.WorkerDecide)
}

func (s *Service) check(ctx context.Context, who access.Actor, rec store.CaseworkRecord, act access.Action) (*loaded, error) {
	facts, err := s.DB.CaseFacts(ctx, rec.Case.ID)
	if err != nil {
		return nil, err
	}
	if !access.CanCase(who, access.ViewCase, facts) {
		return nil, notFound()
	}
	if !access.CanCase(who, act, facts) {
		return nil, forbidden()
	}
	dek, err := s.Keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		return nil, fmt.Errorf("casework: unwrap case key: %w", err)
	}
	return &loaded{who: who, rec: rec, facts: facts, dek: dek}, nil
}

// AAD of what case handling seals under the case key.
func aad(ref, what string) []byte { return []byte("case:" + ref + ":" + what) }

const (
	aadEvent          = "event"
	aadStatusNote     = "status-note"
	aadMessage        = "message" // as intake's thread, so one reader opens both
	aadReferralNote   = "referral-note"
	aadReferralReason = "referral-reason"
	aadRemedyDesc     = "remedy-description"
	aadRemedyEvidence = "remedy-evidence"
)

func (s *Service) seal(l *loaded, what, text string) ([]byte, error) {
	if text == "" {
		return nil, nil
	}
	return vault.Seal(l.dek, []byte(text), aad(l.c().Reference, what), s.Rand)
}

func (s *Service) open(l *loaded, what string, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	b, err := vault.Open(l.dek, sealed, aad(l.c().Reference, what))
	if err != nil {
		return "", fmt.Errorf("casework: open %s: %w", what, err)
	}
	return string(b), nil
}

func (s *Service) details(l *loaded) (grievance.Details, error) {
	var d grievance.Details
	plain, err := vault.Open(l.dek, l.rec.SealedDetails, aad(l.c().Reference, "details"))
	if err != nil {
		return d, fmt.Errorf("casework: open details: %w", err)
	}
	err = json.Unmarshal(plain, &d)
	return d, err
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Millisecond) }

// checkText trims a text field and checks it: valid, not too long, and
// present when required. It appends any error to errs.
func checkText(errs *[]apperr.FieldError, field string, v *string, max int, required bool) {
	*v = strings.TrimSpace(*v)
	switch {
	case !utf8.ValidString(*v) || strings.ContainsRune(*v, 0):
		*errs = append(*errs, apperr.FieldError{Field: field, Key: "error.invalid_text"})
	case *v == "" && required:
		*errs = append(*errs, apperr.FieldError{Field: field, Key: "error.required"})
	case utf8.RuneCountInString(*v) > max:
		*errs = append(*errs, apperr.FieldError{Field: field, Key: "error.too_long"})
	}
}

// StatusNote is what the worker is told with a status: why a case is out
// of scope and where to go instead, or which body it was escalated to.
type StatusNote struct {
	Reason      string `json:"reason,omitempty"`
	RedirectTo  string `json:"redirect_to,omitempty"`
	EscalatedTo string `json:"escalated_to,omitempty"`
}

// TransitionNote is what a transition event keeps: the caseworker's note
// (inside the mechanism) and what the worker was told.
type TransitionNote struct {
	Note string `json:"note,omitempty"`
	StatusNote
}

// change builds the status change of l's case to `to` by its actor at now:
// the new stage's deadline, the milestones it reaches, the sealed notes and
// the worker's notification.
func (s *Service) change(l *loaded, to grievance.Status, now time.Time, note string, sn StatusNote) (*store.StatusChange, error) {
	c := l.c()
	ch := &store.StatusChange{
		CaseID: c.ID, From: c.Status, To: to, At: now, Actor: ActorName(l.who),
		Acknowledged:  c.Status == grievance.StatusReceived && to != grievance.StatusWithdrawn,
		FirstResponse: grievance.IsSubstantiveResponse(to),
	}
	if d, kind, ok := s.Limits.StageDeadline(to, c.Triage.Risk, c.CreatedAt, now); ok {
		ch.Deadline, ch.DeadlineKind = d, kind
	}
	if sn != (StatusNote{}) {
		b, err := json.Marshal(sn)
		if err != nil {
			return nil, err
		}
		if ch.SealedStatusNote, err = s.seal(l, aadStatusNote, string(b)); err != nil {
			return nil, err
		}
		if sn.EscalatedTo != "" {
			ch.Detail = "escalated_to=" + sn.EscalatedTo
		}
	}
	if tn := (TransitionNote{Note: note, StatusNote: sn}); tn != (TransitionNote{}) {
		b, err := json.Marshal(tn)
		if err != nil {
			return nil, err
		}
		if ch.SealedNote, err = s.seal(l, aadEvent, string(b)); err != nil {
			return nil, err
		}
	}
	n, err := s.notice(l)
	if err != nil {
		return nil, err
	}
	ch.Notify = n
	return ch, nil
}

// notice is the worker's "there is news" notification through the channel
// they chose, or nil when they chose none. It says nothing about the case.
func (s *Service) notice(l *loaded) (*store.WorkerNotice, error) {
	d, err := s.details(l)
	if err != nil {
		return nil, err
	}
	ch, to := d.Contact.Channel, strings.TrimSpace(d.Contact.Value)
	if ch == "" || ch == "none" || to == "" {
		return nil, nil
	}
	sealed, err := notify.SealPayload(l.dek, l.c().Reference, notify.Payload{To: to, Language: l.c().Language}, s.Rand)
	if err != nil {
		return nil, err
	}
	return &store.WorkerNotice{Channel: ch, Template: notify.TemplateStatusChanged, SealedPayload: sealed}, nil
}

// TransitionInput is a caseworker's move of a case to another status.
type TransitionInput struct {
	To          grievance.Status
	Note        string // inside the mechanism
	Reason      string // out_of_scope: why, told to the worker
	RedirectTo  string // out_of_scope: where to go instead, told to the worker
	EscalatedTo string // escalated: one of grievance.EscalationBodies
}

// Transition moves case ref to in.To for who. Only legal moves a
// caseworker may make by hand are accepted (a referral, a remedy, the
// worker's decision and withdrawal have their own actions); out_of_scope
// needs a reason and where to go instead, escalated the body.
func (s *Service) Transition(ctx context.Context, who access.Actor, ref string, in TransitionInput) error {
	l, err := s.load(ctx, who, ref, access.Transition)
	if err != nil {
		return err
	}
	var errs []apperr.FieldError
	legal := false
	for _, to := range grievance.ManualNextStatuses(l.c().Status) {
		legal = legal || to == in.To
	}
	if !legal {
		errs = append(errs, apperr.FieldError{Field: "to", Key: "casework.error.transition"})
	}
	checkText(&errs, "note", &in.Note, MaxText, false)
	var sn StatusNote
	switch in.To {
	case grievance.StatusOutOfScope:
		checkText(&errs, "reason", &in.Reason, MaxShort, true)
		checkText(&errs, "redirect_to", &in.RedirectTo, MaxShort, true)
		sn.Reason, sn.RedirectTo = in.Reason, in.RedirectTo
	case grievance.StatusEscalated:
		if !grievance.IsEscalationBody(in.EscalatedTo) {
			errs = append(errs, apperr.FieldError{Field: "escalated_to", Key: "casework.error.escalated_to"})
		}
		sn.EscalatedTo = in.EscalatedTo
	}
	if len(errs) > 0 {
		return apperr.Validation(errs)
	}
	ch, err := s.change(l, in.To, s.now(), in.Note, sn)
	if err != nil {
		return err
	}
	return s.DB.ChangeStatus(ctx, ch)
}
