package access_test

import (
	"testing"

	"remedy/internal/access"
	"remedy/internal/org"
)

func TestCanRecruitment(t *testing.T) {
	staff := func(typ org.Type, role org.Role) access.Actor {
		return access.Actor{Kind: access.Staff, PersonID: 1, OrgID: 1, OrgType: typ, Role: role}
	}
	cases := []struct {
		who  access.Actor
		act  access.Action
		want bool
	}{
		{staff(org.Mechanism, org.Admin), access.ManageFeeRules, true},
		{staff(org.Mechanism, org.Caseworker), access.ManageFeeRules, false},
		{staff(org.Mechanism, org.Auditor), access.ManageFeeRules, false},
		{staff(org.CSO, org.Admin), access.ManageFeeRules, false},
		{staff(org.SendingAgency, org.Admin), access.ManageFeeRules, false},
		{access.Actor{Kind: access.Worker, CaseID: 1}, access.ManageFeeRules, false},
		{access.Actor{}, access.ManageFeeRules, false},
		{staff(org.Mechanism, org.Caseworker), access.ImportFeeReports, true},
		{staff(org.CSO, org.Admin), access.ImportFeeReports, true},
		{staff(org.CSO, org.Viewer), access.ImportFeeReports, false},
		{staff(org.SendingAgency, org.Admin), access.ImportFeeReports, false},
		{staff(org.Employer, org.Admin), access.ImportFeeReports, false},
		{staff(org.Mechanism, org.Admin), access.ViewCase, false},
	}
	for _, tc := range cases {
		if got := access.CanRecruitment(tc.who, tc.act); got != tc.want {
			t.Errorf("%+v %s: %v, want %v", tc.who, tc.act, got, tc.want)
		}
	}
}
