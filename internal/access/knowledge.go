package access

import "remedy/internal/org"

// Actions on what workers need to know. Reading the published articles and
// the directory needs no rule: they are public.
const (
	KnowledgeEdit Action = "knowledge.edit" // write articles and their texts, set review states and check dates
	DirectoryEdit Action = "directory.edit" // add and change entries of the help directory
)

// CanKnowledge decides who edits articles and the help directory: the
// coordinators (who keep the plan and the network current) and the
// mechanism's admins. Deny by default.
func CanKnowledge(a Actor, act Action) bool {
	if a.Kind != Staff {
		return false
	}
	switch act {
	case KnowledgeEdit, DirectoryEdit:
		return a.IsCoordinator() || (a.IsMechanism() && a.Role == org.Admin)
	}
	return false
}
