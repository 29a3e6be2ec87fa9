package access

import "remedy/internal/org"

// Actions on the agency registry and on workers' reviews of agencies.
const (
	EditRegistry    Action = "registry.edit"     // add, change and import agencies
	ModerateReviews Action = "registry.moderate" // approve or reject workers' reviews
)

// CanRegistry decides registry actions: the mechanism's admins and
// caseworkers keep the registry and moderate reviews. Deny by default.
func CanRegistry(a Actor, act Action) bool {
	if !a.IsMechanism() {
		return false
	}
	switch act {
	case EditRegistry, ModerateReviews:
		return a.Role == org.Admin || a.Role == org.Caseworker
	}
	return false
}

// isAgency reports whether t is an organisation type of the registry.
func isAgency(t org.Type) bool {
	return t == org.SendingAgency || t == org.SupervisingOrg || t == org.RegisteredSupportOrg
}

// CanAnswerReviews decides whether a may publish the one answer of the
// agency orgID to its reviews: an admin of that agency, and nobody else
// (not even the mechanism: the answer is the agency's own voice).
func CanAnswerReviews(a Actor, orgID int64) bool {
	return a.Kind == Staff && a.Role == org.Admin && a.OrgID == orgID && orgID != 0 && isAgency(a.OrgType)
}
