package casework

import (
	"context"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/org"
	"remedy/internal/store"
)

// Refer refers case ref to organisation orgID (in any country) with a note
// for it. The referral must be acknowledged within Limits.ReferralAcknowledge;
// a case in review or in dialogue becomes referred.
func (s *Service) Refer(ctx context.Context, who access.Actor, ref string, orgID int64, note string) (store.Referral, error) {
	l, err := s.load(ctx, who, ref, access.Refer)
	if err != nil {
		return store.Referral{}, err
	}
	if !grievance.CanRefer(l.c().Status) {
		return store.Referral{}, apperr.New(apperr.Invalid, "casework.error.refer_status")
	}
	var errs []apperr.FieldError
	o, err := s.DB.Organization(ctx, orgID)
	if orgID == 0 {
		errs = append(errs, apperr.FieldError{Field: "organization_id", Key: "casework.error.choose_org"})
	} else if apperr.CodeOf(err) == apperr.NotFound || (err == nil && o.Type == org.Mechanism) {
		errs = append(errs, apperr.FieldError{Field: "organization_id", Key: "error.unknown_code"})
	} else if err != nil {
		return store.Referral{}, err
	}
	checkText(&errs, "note", &note, MaxText, false)
	if len(errs) > 0 {
		return store.Referral{}, apperr.Validation(errs)
	}
	now := s.now()
	r := store.Referral{CaseID: l.c().ID, OrgID: orgID, Org: o, SentBy: who.PersonID, SentAt: now,
		AcknowledgeBy: now.Add(s.Limits.ReferralAcknowledge)}
	if r.SealedNote, err = s.seal(l, aadReferralNote, note); err != nil {
		return r, err
	}
	var ch *store.StatusChange
	if l.c().Status != grievance.StatusReferred {
		if ch, err = s.change(l, grievance.StatusReferred, now, "", StatusNote{}); err != nil {
			return r, err
		}
	}
	if err := s.DB.CreateReferral(ctx, &r, ActorName(who), ch); err != nil {
		return r, err
	}
	r.Status = grievance.ReferralSent
	return r, nil
}

// referralFor reads referral id and its case as who may see them: a
// referral of a case who may not see, or of another organisation, is
// NotFound.
func (s *Service) referralFor(ctx context.Context, who access.Actor, id int64, act access.Action) (*loaded, store.Referral, error) {
	r, err := s.DB.Referral(ctx, id)
	if err != nil {
		return nil, r, err
	}
	rec, err := s.DB.CaseworkByID(ctx, r.CaseID)
	if err != nil {
		return nil, r, err
	}
	l, err := s.load(ctx, who, rec.Case.Reference, access.ViewCase)
	if err != nil {
		return nil, r, err
	}
	if !access.CanSeeReferral(who, l.facts, r.OrgID) {
		return nil, r, notFound()
	}
	if act != access.ViewCase && !access.CanCase(who, act, l.facts) {
		return l, r, forbidden()
	}
	return l, r, nil
}

// AcknowledgeReferral is the referred organisation's answer to a referral:
// accepted, or declined with a reason (after which it no longer sees the
// case). It returns the referral and its case's reference; the reference
// is "" when who may not see the referral at all.
func (s *Service) AcknowledgeReferral(ctx context.Context, who access.Actor, id int64, accept bool, reason string) (store.Referral, string, error) {
	l, r, err := s.referralFor(ctx, who, id, access.AcknowledgeReferral)
	if l == nil {
		return r, "", err
	}
	ref := l.c().Reference
	if err != nil {
		return r, ref, err
	}
	if !access.CanAcknowledgeReferral(who, l.facts, r.OrgID) {
		return r, ref, forbidden()
	}
	if r.Status != grievance.ReferralSent {
		return r, ref, apperr.New(apperr.Conflict, "casework.error.referral_answered")
	}
	var errs []apperr.FieldError
	checkText(&errs, "reason", &reason, MaxShort, !accept)
	if len(errs) > 0 {
		return r, ref, apperr.Validation(errs)
	}
	sealed, err := s.seal(l, aadReferralReason, reason)
	if err != nil {
		return r, ref, err
	}
	now := s.now()
	if err := s.DB.AcknowledgeReferral(ctx, id, accept, sealed, now, ActorName(who)); err != nil {
		return r, ref, err
	}
	r.Status, r.AcknowledgedAt, r.SealedReason = grievance.ReferralAcknowledged, now, sealed
	if !accept {
		r.Status = grievance.ReferralDeclined
	}
	return r, ref, nil
}

// AddMessage writes body in a thread of case ref: the worker's thread
// (referralID 0, the mechanism only) or a referral's thread (the mechanism
// and that organisation). A referred organisation's people write in their
// own referral's thread when referralID is 0, once they have accepted it.
func (s *Service) AddMessage(ctx context.Context, who access.Actor, ref, body string, referralID int64) (store.ThreadMessage, error) {
	l, err := s.load(ctx, who, ref, access.Message)
	if err != nil {
		return store.ThreadMessage{}, err
	}
	var errs []apperr.FieldError
	checkText(&errs, "body", &body, MaxText, true)
	if len(errs) > 0 {
		return store.ThreadMessage{}, apperr.Validation(errs)
	}
	if referralID == 0 && !who.IsMechanism() {
		if referralID, err = s.ownReferral(ctx, l); err != nil {
			return store.ThreadMessage{}, err
		}
	}
	orgID := int64(0)
	if referralID != 0 {
		r, err := s.DB.Referral(ctx, referralID)
		if apperr.CodeOf(err) == apperr.NotFound || (err == nil && (r.CaseID != l.c().ID || !access.CanSeeReferral(who, l.facts, r.OrgID))) {
			return store.ThreadMessage{}, apperr.Validation([]apperr.FieldError{{Field: "referral_id", Key: "error.unknown_code"}})
		}
		if err != nil {
			return store.ThreadMessage{}, err
		}
		if !who.IsMechanism() && !r.Status.Engaged() {
			return store.ThreadMessage{}, apperr.New(apperr.Invalid, "casework.error.acknowledge_first")
		}
		orgID = r.OrgID
	}
	if !access.CanWriteThread(who, l.facts, orgID) {
		return store.ThreadMessage{}, forbidden()
	}
	sealed, err := s.seal(l, aadMessage, body)
	if err != nil {
		return store.ThreadMessage{}, err
	}
	now := s.now()
	m := store.ThreadMessage{SealedMessage: store.SealedMessage{CaseID: l.c().ID, Author: grievance.AuthorStaff, CreatedAt: now, SealedBody: sealed},
		ReferralID: referralID, AuthorID: who.PersonID}
	detail := "thread=worker"
	if referralID != 0 {
		detail = "thread=referral"
	}
	entry := audit.Entry{At: now, Actor: ActorName(who), Action: "message.added", Detail: detail}
	if err := s.DB.AddThreadMessage(ctx, &m, referralID != 0 && !who.IsMechanism(), entry); err != nil {
		return m, err
	}
	return m, nil
}

// ownReferral is the live referral of l's case to its actor's
// organisation.
func (s *Service) ownReferral(ctx context.Context, l *loaded) (int64, error) {
	all, err := s.DB.Referrals(ctx, l.c().ID)
	if err != nil {
		return 0, err
	}
	for _, r := range all {
		if r.OrgID == l.who.OrgID && r.Status.Live() {
			return r.ID, nil
		}
	}
	return 0, notFound()
}
