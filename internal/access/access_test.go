package access_test

import (
	"testing"

	"remedy/internal/access"
	"remedy/internal/org"
)

func staff(t org.Type, r org.Role, orgID int64) access.Actor {
	return access.Actor{Kind: access.Staff, PersonID: 7, OrgID: orgID, OrgType: t, Role: r}
}

// TestCanCase walks every case action for every kind of actor.
func TestCanCase(t *testing.T) {
	referred := access.CaseFacts{CaseID: 1, ReferredOrgs: []int64{20}}
	consented := access.CaseFacts{CaseID: 1, ReferredOrgs: []int64{20}, ShareIdentity: true}
	all := []access.Action{access.ViewCase, access.ViewNarrative, access.ViewIdentity, access.Transition, access.Message,
		access.Refer, access.AcknowledgeReferral, access.ProposeRemedy, access.RecordRemedy, access.WorkerDecide}
	allowed := func(list ...access.Action) map[access.Action]bool {
		m := map[access.Action]bool{}
		for _, a := range list {
			m[a] = true
		}
		return m
	}
	tests := []struct {
		name  string
		actor access.Actor
		facts access.CaseFacts
		want  map[access.Action]bool
	}{
		{"anonymous", access.Actor{}, referred, allowed()},
		{"worker, own case", access.Actor{Kind: access.Worker, CaseID: 1}, referred, allowed(access.ViewCase, access.Message, access.WorkerDecide)},
		{"worker, other case", access.Actor{Kind: access.Worker, CaseID: 2}, referred, allowed()},
		{"mechanism admin", staff(org.Mechanism, org.Admin, 10), referred, allowed(access.ViewCase, access.ViewNarrative, access.ViewIdentity, access.Transition, access.Message, access.Refer, access.ProposeRemedy, access.RecordRemedy)},
		{"mechanism caseworker", staff(org.Mechanism, org.Caseworker, 10), referred, allowed(access.ViewCase, access.ViewNarrative, access.ViewIdentity, access.Transition, access.Message, access.Refer, access.ProposeRemedy, access.RecordRemedy)},
		{"mechanism viewer", staff(org.Mechanism, org.Viewer, 10), referred, allowed(access.ViewCase)},
		{"mechanism auditor", staff(org.Mechanism, org.Auditor, 10), referred, allowed()},
		{"referred responder, no consent", staff(org.Employer, org.Responder, 20), referred, allowed(access.ViewCase, access.AcknowledgeReferral, access.Message, access.ProposeRemedy)},
		{"referred responder, consent", staff(org.Employer, org.Responder, 20), consented, allowed(access.ViewCase, access.ViewNarrative, access.ViewIdentity, access.AcknowledgeReferral, access.Message, access.ProposeRemedy)},
		{"referred viewer, consent", staff(org.SendingAgency, org.Viewer, 20), consented, allowed(access.ViewCase, access.ViewNarrative, access.ViewIdentity)},
		{"referred auditor, consent", staff(org.SendingAgency, org.Auditor, 20), consented, allowed()},
		{"unrelated organisation", staff(org.Employer, org.Admin, 30), consented, allowed()},
		{"staff with no organisation type", staff("", org.Admin, 20), referred, allowed(access.ViewCase, access.AcknowledgeReferral, access.Message, access.ProposeRemedy)},
	}
	for _, tt := range tests {
		for _, act := range all {
			if got := access.CanCase(tt.actor, act, tt.facts); got != tt.want[act] {
				t.Errorf("%s: CanCase(%s) = %v, want %v", tt.name, act, got, tt.want[act])
			}
		}
	}
}

func TestCanAndScope(t *testing.T) {
	tests := []struct {
		name   string
		actor  access.Actor
		can    map[access.Action]bool
		scope  access.Scope
		manage map[int64]bool // organisations whose people the actor may manage
	}{
		{"anonymous", access.Actor{}, nil, access.Scope{None: true}, nil},
		{"worker", access.Actor{Kind: access.Worker, CaseID: 5}, nil, access.Scope{CaseID: 5}, nil},
		{"mechanism admin", staff(org.Mechanism, org.Admin, 10),
			map[access.Action]bool{access.ViewInbox: true, access.ManageOrgs: true, access.ManagePeople: true, access.ViewStats: true, access.ViewAudit: true},
			access.Scope{All: true}, map[int64]bool{10: true, 20: true, 30: true}},
		{"mechanism caseworker", staff(org.Mechanism, org.Caseworker, 10),
			map[access.Action]bool{access.ViewInbox: true, access.ViewStats: true}, access.Scope{All: true}, nil},
		{"mechanism auditor", staff(org.Mechanism, org.Auditor, 10),
			map[access.Action]bool{access.ViewStats: true, access.ViewAudit: true}, access.Scope{None: true}, nil},
		{"employer admin", staff(org.Employer, org.Admin, 20),
			map[access.Action]bool{access.ViewInbox: true, access.ManagePeople: true}, access.Scope{OrgID: 20}, map[int64]bool{20: true}},
		{"mechanism coordinator", staff(org.Mechanism, org.Coordinator, 10), nil, access.Scope{None: true}, nil},
		{"employer responder", staff(org.Employer, org.Responder, 20),
			map[access.Action]bool{access.ViewInbox: true}, access.Scope{OrgID: 20}, nil},
	}
	for _, tt := range tests {
		for _, act := range []access.Action{access.ViewInbox, access.ManageOrgs, access.ManagePeople, access.ViewStats, access.ViewAudit, access.ViewCase} {
			if got := access.Can(tt.actor, act); got != tt.can[act] {
				t.Errorf("%s: Can(%s) = %v, want %v", tt.name, act, got, tt.can[act])
			}
		}
		if got := access.CaseScope(tt.actor); got != tt.scope {
			t.Errorf("%s: CaseScope = %+v, want %+v", tt.name, got, tt.scope)
		}
		for _, id := range []int64{10, 20, 30} {
			if got := access.CanManagePerson(tt.actor, id); got != tt.manage[id] {
				t.Errorf("%s: CanManagePerson(%d) = %v, want %v", tt.name, id, got, tt.manage[id])
			}
		}
	}
}

// TestCanGrantRole: only the mechanism's admins make coordinators.
func TestCanGrantRole(t *testing.T) {
	tests := []struct {
		actor access.Actor
		role  org.Role
		want  bool
	}{
		{staff(org.Mechanism, org.Admin, 10), org.Coordinator, true},
		{staff(org.Employer, org.Admin, 20), org.Coordinator, false},
		{staff(org.InternationalOrg, org.Admin, 30), org.Coordinator, false},
		{staff(org.Employer, org.Admin, 20), org.Responder, true},
		{staff(org.Employer, org.Responder, 20), org.Responder, false},
	}
	for _, tt := range tests {
		if got := access.CanGrantRole(tt.actor, tt.role); got != tt.want {
			t.Errorf("%v/%v granting %s = %v, want %v", tt.actor.OrgType, tt.actor.Role, tt.role, got, tt.want)
		}
	}
}
