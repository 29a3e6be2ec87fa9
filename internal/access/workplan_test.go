package access_test

import (
	"testing"

	"remedy/internal/access"
	"remedy/internal/org"
)

// TestCanPlan walks every plan and network action for every kind of actor:
// coordinators edit everything; a lead edits its own action and enters its
// values; leads and partners post progress; an organisation's admin edits
// its profile; stakeholders' members comment; the rest is denied.
func TestCanPlan(t *testing.T) {
	all := []access.Action{access.PlanStaff, access.PlanEdit, access.PlanAction, access.PlanProgress, access.PlanValue,
		access.PlanProfile, access.NetworkEdit, access.NetworkNotes, access.NetworkRemark}
	set := func(list ...access.Action) map[access.Action]bool {
		m := map[access.Action]bool{}
		for _, a := range list {
			m[a] = true
		}
		return m
	}
	action := access.PlanFacts{LeadOrg: 10, PartnerOrgs: []int64{20, 21}, ProfileOrg: 10, Stakeholder: true}
	outsiderFacts := access.PlanFacts{LeadOrg: 10, PartnerOrgs: []int64{20}, ProfileOrg: 10}
	tests := []struct {
		name  string
		actor access.Actor
		facts access.PlanFacts
		want  map[access.Action]bool
	}{
		{"anonymous", access.Actor{}, action, set()},
		{"worker", access.Actor{Kind: access.Worker, CaseID: 1, OrgID: 10}, action, set()},
		{"coordinator elsewhere", staff(org.InternationalOrg, org.Coordinator, 99), outsiderFacts, set(all...)},
		{"lead caseworker", staff(org.Union, org.Caseworker, 10), action, set(access.PlanStaff, access.PlanAction, access.PlanProgress, access.PlanValue, access.NetworkNotes, access.NetworkRemark)},
		{"lead admin", staff(org.Union, org.Admin, 10), action, set(access.PlanStaff, access.PlanAction, access.PlanProgress, access.PlanValue, access.PlanProfile, access.NetworkNotes, access.NetworkRemark)},
		{"lead responder", staff(org.Union, org.Responder, 10), action, set(access.PlanStaff, access.PlanAction, access.PlanProgress, access.PlanValue, access.NetworkNotes, access.NetworkRemark)},
		{"lead viewer", staff(org.Union, org.Viewer, 10), action, set(access.PlanStaff, access.NetworkNotes)},
		{"lead auditor", staff(org.Union, org.Auditor, 10), action, set(access.PlanStaff, access.NetworkNotes)},
		{"partner", staff(org.SendingAgency, org.Responder, 21), action, set(access.PlanStaff, access.PlanProgress, access.NetworkNotes, access.NetworkRemark)},
		{"partner admin of another profile", staff(org.SendingAgency, org.Admin, 20), action, set(access.PlanStaff, access.PlanProgress, access.NetworkNotes, access.NetworkRemark)},
		{"outsider admin", staff(org.CSO, org.Admin, 30), outsiderFacts, set(access.PlanStaff)},
		{"mechanism admin", staff(org.Mechanism, org.Admin, 1), outsiderFacts, set(access.PlanStaff)},
		{"no lead yet", staff(org.Union, org.Admin, 0), access.PlanFacts{}, set(access.PlanStaff)},
		{"platform coordinator", staff(org.Platform, org.Coordinator, 98), outsiderFacts, set(all...)},
		// The role given by an employer's or an agency's own admin, or in
		// the mechanism, is not a coordinator's.
		{"employer's coordinator", staff(org.Employer, org.Coordinator, 40), outsiderFacts, set(access.PlanStaff)},
		{"agency's coordinator, lead", staff(org.SendingAgency, org.Coordinator, 10), action, set(access.PlanStaff, access.PlanAction, access.PlanProgress, access.PlanValue, access.NetworkNotes, access.NetworkRemark)},
		{"mechanism's coordinator", staff(org.Mechanism, org.Coordinator, 1), outsiderFacts, set(access.PlanStaff)},
	}
	for _, tc := range tests {
		for _, act := range all {
			if got := access.CanPlan(tc.actor, act, tc.facts); got != tc.want[act] {
				t.Errorf("%s: CanPlan(%s) = %v, want %v", tc.name, act, got, tc.want[act])
			}
		}
	}
}

// TestCoordinatorSeesNoCases: the plan's role gives nothing on cases.
func TestCoordinatorSeesNoCases(t *testing.T) {
	a := staff(org.InternationalOrg, org.Coordinator, 5)
	for _, act := range []access.Action{access.ViewCase, access.ViewNarrative, access.ViewIdentity, access.Transition, access.Message} {
		if access.CanCase(a, act, access.CaseFacts{CaseID: 1, ReferredOrgs: []int64{6}, ShareIdentity: true}) {
			t.Errorf("coordinator may %s", act)
		}
	}
}
