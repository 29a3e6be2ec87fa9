package casework

import (
	"context"
	"strings"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/store"
)

// RemedyInput is a remedy proposal as staff write it.
type RemedyInput struct {
	Type          string
	ProviderOrgID int64  // who provides it; a referred organisation's own by default
	Amount        string // decimal, in Currency; required for compensation
	Currency      string // ISO 4217
	DueDate       string // YYYY-MM-DD, optional
	Description   string
}

// ProposeRemedy proposes a remedy on case ref: by the mechanism, or by a
// referred organisation that accepted its referral (which then counts as
// its answer). The case becomes remedy_proposed and waits for the worker.
func (s *Service) ProposeRemedy(ctx context.Context, who access.Actor, ref string, in RemedyInput) (store.Remedy, error) {
	l, err := s.load(ctx, who, ref, access.ProposeRemedy)
	if err != nil {
		return store.Remedy{}, err
	}
	if !grievance.CanProposeRemedy(l.c().Status) {
		return store.Remedy{}, apperr.New(apperr.Invalid, "casework.error.remedy_status")
	}
	referrals, err := s.DB.Referrals(ctx, l.c().ID)
	if err != nil {
		return store.Remedy{}, err
	}
	now := s.now()
	rem := store.Remedy{CaseID: l.c().ID, Type: grievance.RemedyType(strings.TrimSpace(in.Type)), ProviderOrgID: in.ProviderOrgID,
		ProposedBy: who.PersonID, ProposedAt: now, DueDate: strings.TrimSpace(in.DueDate),
		Currency: strings.ToUpper(strings.TrimSpace(in.Currency))}
	if !who.IsMechanism() {
		// A referred organisation proposes what it provides itself,
		// through its own referral, once it has accepted it.
		var own *store.Referral
		for i, r := range referrals {
			if r.OrgID == who.OrgID && r.Status.Live() {
				own = &referrals[i]
			}
		}
		if own == nil {
			return rem, notFound()
		}
		if !own.Status.Engaged() {
			return rem, apperr.New(apperr.Invalid, "casework.error.acknowledge_first")
		}
		rem.ReferralID = own.ID
		if rem.ProviderOrgID == 0 {
			rem.ProviderOrgID = who.OrgID
		}
	} else {
		// The mechanism may name any provider; a provider with a live
		// referral gets the remedy on that referral.
		for _, r := range referrals {
			if r.OrgID == rem.ProviderOrgID && r.Status.Live() {
				rem.ReferralID = r.ID
			}
		}
	}
	var errs []apperr.FieldError
	if !grievance.IsRemedyType(string(rem.Type)) {
		errs = append(errs, apperr.FieldError{Field: "type", Key: "error.unknown_code"})
	}
	if rem.ProviderOrgID != 0 {
		_, err := s.DB.Organization(ctx, rem.ProviderOrgID)
		if apperr.CodeOf(err) == apperr.NotFound || (!who.IsMechanism() && rem.ProviderOrgID != who.OrgID) {
			errs = append(errs, apperr.FieldError{Field: "provider_organization_id", Key: "error.unknown_code"})
		} else if err != nil {
			return rem, err
		}
	}
	amount := strings.TrimSpace(in.Amount)
	switch {
	case amount == "" && rem.Type == grievance.RemedyCompensation:
		errs = append(errs, apperr.FieldError{Field: "amount", Key: "error.required"})
	case amount != "" && !IsCurrency(rem.Currency):
		errs = append(errs, apperr.FieldError{Field: "currency", Key: "casework.error.currency"})
	case amount != "":
		n, ok := ParseAmount(amount, rem.Currency)
		if !ok {
			errs = append(errs, apperr.FieldError{Field: "amount", Key: "casework.error.amount"})
		}
		rem.AmountMinor, rem.HasAmount = n, ok
	default:
		rem.Currency = ""
	}
	if rem.DueDate != "" {
		if _, err := time.Parse(time.DateOnly, rem.DueDate); err != nil {
			errs = append(errs, apperr.FieldError{Field: "due_date", Key: "error.invalid_date"})
		}
	}
	checkText(&errs, "description", &in.Description, MaxText, true)
	if len(errs) > 0 {
		return rem, apperr.Validation(errs)
	}
	if rem.SealedDescription, err = s.seal(l, aadRemedyDesc, in.Description); err != nil {
		return rem, err
	}
	var ch *store.StatusChange
	if l.c().Status != grievance.StatusRemedyProposed {
		if ch, err = s.change(l, grievance.StatusRemedyProposed, now, "", StatusNote{}); err != nil {
			return rem, err
		}
	}
	if err := s.DB.CreateRemedy(ctx, &rem, ActorName(who), ch); err != nil {
		return rem, err
	}
	return rem, nil
}

// RecordImplemented records, with its evidence, that an accepted remedy
// was carried out; the case becomes remedy_implemented (and is then closed
// by the caseworker).
func (s *Service) RecordImplemented(ctx context.Context, who access.Actor, ref string, remedyID int64, evidence string) (store.Remedy, error) {
	l, err := s.load(ctx, who, ref, access.RecordRemedy)
	if err != nil {
		return store.Remedy{}, err
	}
	rem, err := s.DB.Remedy(ctx, l.c().ID, remedyID)
	if err != nil {
		return rem, err
	}
	if rem.Status != grievance.RemedyAccepted {
		return rem, apperr.New(apperr.Invalid, "casework.error.remedy_not_accepted")
	}
	var errs []apperr.FieldError
	checkText(&errs, "evidence", &evidence, MaxText, true)
	if len(errs) > 0 {
		return rem, apperr.Validation(errs)
	}
	now := s.now()
	var ch *store.StatusChange
	switch l.c().Status {
	case grievance.StatusRemedyAccepted:
		if ch, err = s.change(l, grievance.StatusRemedyImplemented, now, "", StatusNote{}); err != nil {
			return rem, err
		}
	case grievance.StatusRemedyImplemented:
	default:
		return rem, apperr.New(apperr.Invalid, "casework.error.remedy_status")
	}
	sealed, err := s.seal(l, aadRemedyEvidence, evidence)
	if err != nil {
		return rem, err
	}
	if err := s.DB.ImplementRemedy(ctx, l.c().ID, remedyID, sealed, now, ActorName(who), ch); err != nil {
		return rem, err
	}
	rem.Status, rem.ImplementedAt, rem.SealedEvidence = grievance.RemedyImplemented, now, sealed
	return rem, nil
}
