package access_test

import (
	"testing"

	"remedy/internal/access"
	"remedy/internal/org"
)

func TestCanKnowledge(t *testing.T) {
	staff := func(typ org.Type, role org.Role) access.Actor {
		return access.Actor{Kind: access.Staff, PersonID: 1, OrgID: 2, OrgType: typ, Role: role}
	}
	for _, act := range []access.Action{access.KnowledgeEdit, access.DirectoryEdit} {
		for _, tc := range []struct {
			name  string
			actor access.Actor
			want  bool
		}{
			{"anonymous", access.Actor{}, false},
			{"worker", access.Actor{Kind: access.Worker, CaseID: 1}, false},
			{"mechanism admin", staff(org.Mechanism, org.Admin), true},
			{"mechanism caseworker", staff(org.Mechanism, org.Caseworker), false},
			{"mechanism auditor", staff(org.Mechanism, org.Auditor), false},
			{"coordinator", staff(org.InternationalOrg, org.Coordinator), true},
			{"CSO admin", staff(org.CSO, org.Admin), false},
			{"CSO responder", staff(org.CSO, org.Responder), false},
			{"government viewer", staff(org.Government, org.Viewer), false},
		} {
			if got := access.CanKnowledge(tc.actor, act); got != tc.want {
				t.Errorf("%s %s: %v, want %v", tc.name, act, got, tc.want)
			}
		}
	}
	if access.CanKnowledge(staff(org.Mechanism, org.Admin), access.ViewCase) {
		t.Error("CanKnowledge allows an action that is not its own")
	}
}
