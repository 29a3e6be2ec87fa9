// Package planservice joins the Joint Work Plan's rules (workplan), the
// access policy and the store: every change is asked of access, validated,
// and written with its history and audit entry in one transaction. It also
// builds the views of the plan, with indicators computed live from the
// case data, and reads and writes the plan as CSV and XLSX.
package planservice

import (
	"context"
	"encoding/hex"
	"io"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/workplan"
)

// Service handles the plan and the regional network.
type Service struct {
	DB   *store.DB
	Now  func() time.Time
	Rand io.Reader
}

// Today is the date in Japan, where the corridor ends: dates of progress
// and values may not be later.
func (s *Service) Today() string { return s.Now().In(grievance.Japan).Format(time.DateOnly) }

func (s *Service) by(who staff.Signed) store.PlanBy {
	return store.PlanBy{At: s.Now().UTC(), Actor: staff.ActorName(who.Actor), PersonID: who.Person.ID, OrgID: who.Org.ID}
}

// System is how the demo and the command line change the plan.
func (s *Service) System() store.PlanBy { return store.PlanBy{At: s.Now().UTC(), Actor: "system"} }

func (s *Service) uid() (string, error) {
	b := make([]byte, 12)
	if _, err := io.ReadFull(s.Rand, b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func notFound() error { return apperr.New(apperr.NotFound, "error.not_found") }

// facts returns what the policy needs to know about an action.
func actionFacts(a workplan.Action) access.PlanFacts {
	return access.PlanFacts{LeadOrg: a.Lead.ID, PartnerOrgs: a.PartnerIDs()}
}

// IsStakeholder reports whether orgID has a profile in the plan.
func (s *Service) IsStakeholder(ctx context.Context, orgID int64) (bool, error) {
	ids, err := s.DB.PlanStakeholderIDs(ctx)
	if err != nil {
		return false, err
	}
	return ids[orgID], nil
}

// SaveArea creates or updates an area: coordinators only.
func (s *Service) SaveArea(ctx context.Context, who staff.Signed, a *workplan.Area) error {
	if !access.CanPlan(who.Actor, access.PlanEdit, access.PlanFacts{}) {
		return notFound()
	}
	if errs := a.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	return s.DB.SavePlanArea(ctx, a, s.by(who))
}

// SaveOutcome creates or updates an outcome: coordinators only.
func (s *Service) SaveOutcome(ctx context.Context, who staff.Signed, o *workplan.Outcome) error {
	if !access.CanPlan(who.Actor, access.PlanEdit, access.PlanFacts{}) {
		return notFound()
	}
	if errs := o.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	return s.DB.SavePlanOutcome(ctx, o, s.by(who))
}

// CreateAction adds an action: coordinators only.
func (s *Service) CreateAction(ctx context.Context, who staff.Signed, a *workplan.Action) error {
	if !access.CanPlan(who.Actor, access.PlanEdit, access.PlanFacts{}) {
		return notFound()
	}
	a.ID = 0
	if errs := a.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	return s.DB.SavePlanAction(ctx, a, s.by(who))
}

// UpdateAction changes an action: a coordinator, or the action's lead. A
// lead cannot hand the action to another lead or move it in the plan;
// those stay as they were.
func (s *Service) UpdateAction(ctx context.Context, who staff.Signed, a *workplan.Action) error {
	old, err := s.DB.PlanAction(ctx, a.ID)
	if err != nil {
		return err
	}
	if !access.CanPlan(who.Actor, access.PlanAction, actionFacts(old)) {
		return notFound()
	}
	if !access.CanPlan(who.Actor, access.PlanEdit, access.PlanFacts{}) {
		a.Lead, a.AreaID, a.AreaCode, a.OutcomeID, a.OutcomeCode, a.Code = workplan.OrgRef{ID: old.Lead.ID}, old.AreaID, "", old.OutcomeID, "", old.Code
		a.Example = old.Example
	}
	if errs := a.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	return s.DB.SavePlanAction(ctx, a, s.by(who))
}

// CanEditAction reports whether who may edit the action, and post
// progress on it.
func (s *Service) CanEditAction(who staff.Signed, a workplan.Action) (edit, progress bool) {
	f := actionFacts(a)
	return access.CanPlan(who.Actor, access.PlanAction, f), access.CanPlan(who.Actor, access.PlanProgress, f)
}

// AddProgress posts a dated progress update on an action, in the name of
// who's organisation: its lead, a partner, or a coordinator.
func (s *Service) AddProgress(ctx context.Context, who staff.Signed, p *workplan.Progress) error {
	a, err := s.DB.PlanAction(ctx, p.ActionID)
	if err != nil {
		return err
	}
	if !access.CanPlan(who.Actor, access.PlanProgress, actionFacts(a)) {
		return notFound()
	}
	if errs := p.Validate(s.Today()); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	if p.UID, err = s.uid(); err != nil {
		return err
	}
	p.Org, p.PersonID = workplan.OrgRef{ID: who.Org.ID}, who.Person.ID
	return s.DB.AddPlanProgress(ctx, p, s.by(who))
}

// indicatorOwner returns the action an indicator belongs to (zero when it
// is an outcome's).
func (s *Service) indicatorFacts(ctx context.Context, actionID int64) (access.PlanFacts, error) {
	if actionID == 0 {
		return access.PlanFacts{}, nil
	}
	a, err := s.DB.PlanAction(ctx, actionID)
	if err != nil {
		return access.PlanFacts{}, err
	}
	return actionFacts(a), nil
}

// SaveIndicator creates or updates an indicator: coordinators only.
func (s *Service) SaveIndicator(ctx context.Context, who staff.Signed, ind *workplan.Indicator) error {
	if !access.CanPlan(who.Actor, access.PlanEdit, access.PlanFacts{}) {
		return notFound()
	}
	if errs := ind.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	return s.DB.SavePlanIndicator(ctx, ind, s.by(who))
}

// AddValue enters a value of a manual indicator, with its source and date:
// a coordinator, or the lead of the action the indicator measures.
func (s *Service) AddValue(ctx context.Context, who staff.Signed, v *workplan.Value) error {
	p, err := s.DB.LoadPlan(ctx)
	if err != nil {
		return err
	}
	var ind *workplan.Indicator
	for i := range p.Indicators {
		if p.Indicators[i].ID == v.IndicatorID {
			ind = &p.Indicators[i]
		}
	}
	if ind == nil {
		return notFound()
	}
	facts, err := s.indicatorFacts(ctx, ind.ActionID)
	if err != nil {
		return err
	}
	if !access.CanPlan(who.Actor, access.PlanValue, facts) {
		return notFound()
	}
	if ind.Kind != workplan.Manual {
		return apperr.Validation([]apperr.FieldError{{Field: "value", Key: "plan.error.computed_value"}})
	}
	if errs := v.Validate(s.Today()); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	if v.UID, err = s.uid(); err != nil {
		return err
	}
	v.Org, v.PersonID = workplan.OrgRef{ID: who.Org.ID}, who.Person.ID
	return s.DB.AddPlanValue(ctx, v, s.by(who))
}

// SaveTranslation adds or replaces a translation: coordinators for any
// entity, an action's lead for its action, a stakeholder's admin for its
// profile.
func (s *Service) SaveTranslation(ctx context.Context, who staff.Signed, t *workplan.Translation) error {
	allowed := access.CanPlan(who.Actor, access.PlanEdit, access.PlanFacts{})
	switch t.Entity {
	case workplan.EntityAction:
		if a, err := s.DB.PlanAction(ctx, t.ID); err == nil {
			allowed = allowed || access.CanPlan(who.Actor, access.PlanAction, actionFacts(a))
		}
	case workplan.EntityStakeholder:
		allowed = allowed || access.CanPlan(who.Actor, access.PlanProfile, access.PlanFacts{ProfileOrg: t.ID})
	}
	if !allowed {
		return notFound()
	}
	if errs := t.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	return s.DB.SavePlanTranslation(ctx, t, s.by(who))
}

// SaveProfile creates or updates a stakeholder profile: a coordinator, or
// an admin of the organisation.
func (s *Service) SaveProfile(ctx context.Context, who staff.Signed, p *workplan.Profile) error {
	if !access.CanPlan(who.Actor, access.PlanProfile, access.PlanFacts{ProfileOrg: p.OrgID}) {
		return notFound()
	}
	if errs := p.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	return s.DB.SaveStakeholderProfile(ctx, p, s.by(who))
}

// History returns the history of one entity, or of the whole plan, as the
// public may see it: the changes of a stakeholder profile that is not
// public are left out.
func (s *Service) History(ctx context.Context, entity string, id int64, limit int) ([]workplan.Change, error) {
	changes, err := s.DB.PlanHistory(ctx, entity, id, limit)
	if err != nil {
		return nil, err
	}
	all, err := s.DB.PlanStakeholders(ctx)
	if err != nil {
		return nil, err
	}
	public := map[int64]bool{}
	for _, st := range all {
		public[st.Org.ID] = st.HasProfile && st.Profile.Public
	}
	out := changes[:0]
	for _, c := range changes {
		if c.Entity == workplan.EntityStakeholder && !public[c.EntityID] {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}
