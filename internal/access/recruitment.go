package access

import "remedy/internal/org"

// Actions on fee reports and fee rules (fair recruitment). Reporting fees
// and checking them against the law needs no account; these do.
const (
	ManageFeeRules   Action = "fee_rules.manage"   // add, supersede and import fee rules and exchange rates
	ImportFeeReports Action = "fee_reports.import" // bulk CSV import of survey fee reports (enumerators)
)

// surveyOrgs are the kinds of organisation whose staff run fee surveys.
var surveyOrgs = []org.Type{org.Mechanism, org.CSO, org.Union, org.LegalAid, org.InternationalOrg, org.Government}

// CanRecruitment decides the fair-recruitment actions that are not about
// one case. Deny by default: only the mechanism's admins manage the rules
// (they decide what counts as a violation); admins and caseworkers of the
// mechanism and of civil-society, union, legal-aid, international and
// government bodies may import survey reports.
func CanRecruitment(a Actor, act Action) bool {
	if a.Kind != Staff {
		return false
	}
	switch act {
	case ManageFeeRules:
		return a.IsMechanism() && a.Role == org.Admin
	case ImportFeeReports:
		if a.Role != org.Admin && a.Role != org.Caseworker {
			return false
		}
		for _, t := range surveyOrgs {
			if a.OrgType == t {
				return true
			}
		}
	}
	return false
}
