package access

import "remedy/internal/org"

// Actions on the Joint Work Plan, stakeholder profiles and the regional
// network. Reading the public plan and library needs no rule: it is public.
const (
	PlanStaff     Action = "plan.staff"     // open the plan's staff pages and export the plan
	PlanEdit      Action = "plan.edit"      // areas, outcomes, any action, indicators, translations, import
	PlanAction    Action = "plan.action"    // edit one action (its lead)
	PlanProgress  Action = "plan.progress"  // post a progress update on one action (lead or partner)
	PlanValue     Action = "plan.value"     // enter a value of an action's indicator (its lead)
	PlanProfile   Action = "plan.profile"   // edit one stakeholder's profile
	NetworkEdit   Action = "network.edit"   // resources and events
	NetworkNotes  Action = "network.notes"  // read comments
	NetworkRemark Action = "network.remark" // comment on a resource or an event
)

// PlanFacts is what the policy needs to know about the record.
type PlanFacts struct {
	LeadOrg     int64   // the action's lead
	PartnerOrgs []int64 // the action's partners
	ProfileOrg  int64   // the organisation whose profile it is
	// Stakeholder says the actor's organisation has a profile in the plan.
	Stakeholder bool
}

// IsCoordinator reports whether a coordinates the plan: a person with the
// coordinator role in a coordination body (an international organisation
// or a platform). Any organisation's admin can give its own people any
// role, so the role alone would let an employer's or an agency's admin
// make themselves coordinators; and a coordinator in the mechanism would
// fall under the mechanism's case scope. Neither gets the plan's powers.
func (a Actor) IsCoordinator() bool {
	return a.Kind == Staff && a.Role == org.Coordinator && (a.OrgType == org.InternationalOrg || a.OrgType == org.Platform)
}

// planWriter reports whether a's role may write on behalf of its
// organisation (viewers and auditors only read).
func planWriter(a Actor) bool {
	if a.Kind != Staff {
		return false
	}
	switch a.Role {
	case org.Admin, org.Caseworker, org.Responder, org.Coordinator:
		return true
	}
	return false
}

// CanPlan decides actions on the plan and the network. Deny by default.
func CanPlan(a Actor, act Action, f PlanFacts) bool {
	if a.Kind != Staff {
		return false
	}
	if a.IsCoordinator() {
		switch act {
		case PlanStaff, PlanEdit, PlanAction, PlanProgress, PlanValue, PlanProfile, NetworkEdit, NetworkNotes, NetworkRemark:
			return true
		}
		return false
	}
	isLead := f.LeadOrg != 0 && a.OrgID == f.LeadOrg
	isPartner := false
	for _, id := range f.PartnerOrgs {
		if id != 0 && id == a.OrgID {
			isPartner = true
		}
	}
	switch act {
	case PlanStaff:
		return true
	case PlanAction, PlanValue:
		return planWriter(a) && isLead
	case PlanProgress:
		return planWriter(a) && (isLead || isPartner)
	case PlanProfile:
		return a.Role == org.Admin && f.ProfileOrg != 0 && a.OrgID == f.ProfileOrg
	case NetworkNotes:
		return f.Stakeholder
	case NetworkRemark:
		return f.Stakeholder && planWriter(a)
	}
	return false
}
