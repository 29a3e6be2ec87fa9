package casework

import (
	"context"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/store"
)

// SetConsent records the worker's consent to disclose who they are (and
// what they wrote) to the organisations the case is referred to, or its
// withdrawal, which holds from the next request on.
func (s *Service) SetConsent(ctx context.Context, caseID int64, share bool) error {
	l, err := s.loadWorker(ctx, caseID)
	if err != nil {
		return err
	}
	if l.facts.ShareIdentity == share {
		return nil
	}
	return s.DB.SetShareIdentity(ctx, caseID, share, s.now())
}

// DecideRemedy is the worker's answer to a remedy proposal. Accepting
// moves the case to remedy_accepted; refusing the last open proposal
// (with none accepted) sends it back to in_dialogue.
func (s *Service) DecideRemedy(ctx context.Context, caseID, remedyID int64, accept bool) error {
	l, err := s.loadWorker(ctx, caseID)
	if err != nil {
		return err
	}
	rem, err := s.DB.Remedy(ctx, caseID, remedyID)
	if err != nil {
		return err
	}
	if rem.Status != grievance.RemedyProposed {
		return apperr.New(apperr.Conflict, "casework.error.remedy_decided")
	}
	now := s.now()
	var to grievance.Status
	if l.c().Status == grievance.StatusRemedyProposed {
		if accept {
			to = grievance.StatusRemedyAccepted
		} else {
			all, err := s.DB.Remedies(ctx, caseID)
			if err != nil {
				return err
			}
			to = grievance.StatusInDialogue
			for _, m := range all {
				if m.ID != remedyID && (m.Status == grievance.RemedyProposed || m.Status == grievance.RemedyAccepted) {
					to = ""
				}
			}
		}
	}
	var ch *store.StatusChange
	if to != "" {
		if ch, err = s.change(l, to, now, "", StatusNote{}); err != nil {
			return err
		}
	}
	return s.DB.DecideRemedy(ctx, caseID, remedyID, accept, now, ch)
}

// feedbackRound is the round of feedback the worker may give on rec at
// now, and whether it is still open: none before the case is closed,
// round 0 once it is, round 1 from grievance.FeedbackAgainAfter on; each
// round once.
func (s *Service) feedbackRound(ctx context.Context, rec store.CaseworkRecord, now time.Time) (int, bool, error) {
	if rec.Case.Status != grievance.StatusClosed || rec.State.ClosedAt.IsZero() {
		return 0, false, nil
	}
	round := grievance.FeedbackRound(rec.State.ClosedAt, now)
	given, err := s.DB.FeedbackOf(ctx, rec.Case.ID)
	if err != nil {
		return 0, false, err
	}
	for _, f := range given {
		if f.Round == round {
			return round, false, nil
		}
	}
	return round, true, nil
}

// GiveFeedback records how satisfied the worker is with the outcome (1–5)
// and whether they suffered retaliation, once the case is closed; and
// again, as round 1, 90 days after closing.
func (s *Service) GiveFeedback(ctx context.Context, caseID int64, satisfaction int, retaliation *bool) (store.Feedback, error) {
	l, err := s.loadWorker(ctx, caseID)
	if err != nil {
		return store.Feedback{}, err
	}
	if l.c().Status != grievance.StatusClosed {
		return store.Feedback{}, apperr.New(apperr.Invalid, "casework.error.feedback_not_closed")
	}
	now := s.now()
	round, open, err := s.feedbackRound(ctx, l.rec, now)
	if err != nil {
		return store.Feedback{}, err
	}
	if !open {
		return store.Feedback{}, apperr.New(apperr.Conflict, "casework.error.feedback_given")
	}
	var errs []apperr.FieldError
	if satisfaction < 1 || satisfaction > 5 {
		errs = append(errs, apperr.FieldError{Field: "satisfaction", Key: "casework.error.satisfaction"})
	}
	if retaliation == nil {
		errs = append(errs, apperr.FieldError{Field: "retaliation", Key: "casework.error.retaliation"})
	}
	if len(errs) > 0 {
		return store.Feedback{}, apperr.Validation(errs)
	}
	f := store.Feedback{CaseID: caseID, Round: round, Satisfaction: satisfaction, Retaliation: *retaliation, At: now}
	err = s.DB.AddFeedback(ctx, &f)
	return f, err
}

// Withdraw is the worker stopping their case. It is final.
func (s *Service) Withdraw(ctx context.Context, caseID int64) error {
	l, err := s.loadWorker(ctx, caseID)
	if err != nil {
		return err
	}
	if !grievance.CanTransition(l.c().Status, grievance.StatusWithdrawn) {
		return apperr.New(apperr.Invalid, "casework.error.withdraw")
	}
	ch, err := s.change(l, grievance.StatusWithdrawn, s.now(), "", StatusNote{})
	if err != nil {
		return err
	}
	return s.DB.ChangeStatus(ctx, ch)
}
