package access_test

import (
	"testing"

	"remedy/internal/access"
	"remedy/internal/org"
)

func TestRegistryPolicy(t *testing.T) {
	staff := func(typ org.Type, role org.Role, orgID int64) access.Actor {
		return access.Actor{Kind: access.Staff, PersonID: 1, OrgID: orgID, OrgType: typ, Role: role}
	}
	cases := []struct {
		name           string
		who            access.Actor
		edit, moderate bool
		answer7        bool // may answer for organisation 7
	}{
		{"mechanism admin", staff(org.Mechanism, org.Admin, 1), true, true, false},
		{"mechanism caseworker", staff(org.Mechanism, org.Caseworker, 1), true, true, false},
		{"mechanism viewer", staff(org.Mechanism, org.Viewer, 1), false, false, false},
		{"mechanism auditor", staff(org.Mechanism, org.Auditor, 1), false, false, false},
		{"mechanism responder", staff(org.Mechanism, org.Responder, 1), false, false, false},
		{"agency admin", staff(org.SendingAgency, org.Admin, 7), false, false, true},
		{"supervising org admin", staff(org.SupervisingOrg, org.Admin, 7), false, false, true},
		{"support org admin", staff(org.RegisteredSupportOrg, org.Admin, 7), false, false, true},
		{"agency responder", staff(org.SendingAgency, org.Responder, 7), false, false, false},
		{"another agency's admin", staff(org.SendingAgency, org.Admin, 8), false, false, false},
		{"employer admin with the same id", staff(org.Employer, org.Admin, 7), false, false, false},
		{"worker", access.Actor{Kind: access.Worker, CaseID: 3}, false, false, false},
		{"anonymous", access.Actor{}, false, false, false},
	}
	for _, c := range cases {
		if got := access.CanRegistry(c.who, access.EditRegistry); got != c.edit {
			t.Errorf("%s: edit registry = %v", c.name, got)
		}
		if got := access.CanRegistry(c.who, access.ModerateReviews); got != c.moderate {
			t.Errorf("%s: moderate = %v", c.name, got)
		}
		if got := access.CanRegistry(c.who, access.ViewCase); got {
			t.Errorf("%s: CanRegistry allowed a case action", c.name)
		}
		if got := access.CanAnswerReviews(c.who, 7); got != c.answer7 {
			t.Errorf("%s: answer for 7 = %v", c.name, got)
		}
	}
}
