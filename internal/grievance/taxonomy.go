// Package grievance holds the rules of a case: the taxonomy of what can go
// wrong, risk triage, the submission and its validation, and deadlines. It
// is pure: no HTTP, no SQL, no clock or randomness of its own.
package grievance

// Source of the taxonomy: the project's contract in docs/taxonomy.md,
// transcribed from the ILO indicators of forced labour (ILO SAP-FL, 2012).

// The 11 ILO indicators of forced labour, by code.
const (
	AbuseOfVulnerability         = "abuse_of_vulnerability"
	Deception                    = "deception"
	RestrictionOfMovement        = "restriction_of_movement"
	Isolation                    = "isolation"
	PhysicalSexualViolence       = "physical_sexual_violence"
	IntimidationThreats          = "intimidation_threats"
	RetentionOfIdentityDocuments = "retention_of_identity_documents"
	WithholdingOfWages           = "withholding_of_wages"
	DebtBondage                  = "debt_bondage"
	AbusiveConditions            = "abusive_conditions"
	ExcessiveOvertime            = "excessive_overtime"
)

// Indicators lists the ILO indicator codes in the ILO's order.
var Indicators = []string{
	AbuseOfVulnerability, Deception, RestrictionOfMovement, Isolation,
	PhysicalSexualViolence, IntimidationThreats, RetentionOfIdentityDocuments,
	WithholdingOfWages, DebtBondage, AbusiveConditions, ExcessiveOvertime,
}

// Category is one thing that can go wrong, by a code that never changes.
type Category struct {
	Code       string
	Indicators []string // ILO indicators the category touches
}

// Categories is the taxonomy, in the order the intake form shows it.
var Categories = []Category{
	{"wages.unpaid", []string{WithholdingOfWages}},
	{"wages.overtime", []string{WithholdingOfWages}},
	{"wages.below_minimum", nil},
	{"wages.deductions", []string{WithholdingOfWages}},
	{"hours.excessive", []string{ExcessiveOvertime}},
	{"safety.injury", []string{AbusiveConditions}},
	{"safety.conditions", []string{AbusiveConditions}},
	{"health.access", []string{AbusiveConditions}},
	{"harassment.verbal", []string{IntimidationThreats}},
	{"harassment.physical", []string{PhysicalSexualViolence}},
	{"harassment.sexual", []string{PhysicalSexualViolence}},
	{"discrimination.pregnancy", []string{AbuseOfVulnerability}},
	{"discrimination.other", nil},
	{"housing.conditions", []string{AbusiveConditions}},
	{"housing.charges", []string{WithholdingOfWages}},
	{"documents.retained", []string{RetentionOfIdentityDocuments}},
	{"movement.restricted", []string{RestrictionOfMovement, Isolation}},
	{"threats", []string{IntimidationThreats}},
	{"contract.substitution", []string{Deception}},
	{"contract.termination", []string{IntimidationThreats}},
	{"contract.job_change", []string{AbuseOfVulnerability}},
	{"recruitment.fees", nil},
	{"recruitment.debt", []string{DebtBondage}},
	{"recruitment.deposit", []string{DebtBondage}},
	{"recruitment.deception", []string{Deception}},
	{"other", nil},
}

// CategoryByCode returns the category with code, if it exists.
func CategoryByCode(code string) (Category, bool) {
	for _, c := range Categories {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// Programmes a worker can be in, by code.
var Programs = []string{"technical_intern", "specified_skilled", "skill_development", "other", "unknown"}

// OriginCountries are the countries of the corridor (ISO 3166-1 alpha-2)
// the form offers; "ZZ" (ISO's code for unknown or unspecified) stands for
// any other country.
var OriginCountries = []string{"VN", "ID", "KH", "PH", "TH", "MM", "NP", "ZZ"}

// Contact channels a worker may choose. "none" means anonymous.
var ContactChannels = []string{"none", "phone", "email", "line", "messenger", "whatsapp", "zalo", "viber"}

// ChannelBrand returns the brand name of a messaging app channel, which is
// the same in every language, or "" for channels that are translated.
func ChannelBrand(channel string) string {
	switch channel {
	case "line":
		return "LINE"
	case "messenger":
		return "Messenger"
	case "whatsapp":
		return "WhatsApp"
	case "zalo":
		return "Zalo"
	case "viber":
		return "Viber"
	}
	return ""
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// IsProgram reports whether code is a programme code.
func IsProgram(code string) bool { return contains(Programs, code) }

// IsOriginCountry reports whether code is an origin country the platform serves.
func IsOriginCountry(code string) bool { return contains(OriginCountries, code) }

// IsContactChannel reports whether code is a contact channel.
func IsContactChannel(code string) bool { return contains(ContactChannels, code) }
