// Package access is the one policy: may this actor do this to this record?
// Every handler asks it, and every case query in the store is scoped by
// CaseScope. Anything not allowed here is denied.
package access

import "remedy/internal/org"

// Kind is who is asking.
type Kind int

// Kinds of actor.
const (
	Anonymous Kind = iota
	Worker         // holds the receipt of one case
	Staff          // signed in with password and TOTP
)

// Actor is the subject of every decision.
type Actor struct {
	Kind     Kind
	PersonID int64
	OrgID    int64
	OrgType  org.Type
	Role     org.Role
	CaseID   int64 // the worker's own case
}

// Action is something an actor may try.
type Action string

// Actions on cases and on the platform.
const (
	ViewCase            Action = "case.view"       // status, categories, risk, timeline, referral notes
	ViewNarrative       Action = "case.narrative"  // the worker's own words
	ViewIdentity        Action = "case.identity"   // name, contact, employer/agency names as written
	Transition          Action = "case.transition" // move the case through its lifecycle
	Message             Action = "case.message"    // write in the case thread
	Refer               Action = "case.refer"      // refer to another organisation
	AcknowledgeReferral Action = "referral.ack"    // accept or decline a referral
	ProposeRemedy       Action = "remedy.propose"  // propose remedy
	RecordRemedy        Action = "remedy.record"   // record that remedy was carried out
	WorkerDecide        Action = "worker.decide"   // consent, remedy decision, feedback, withdrawal
	ManageOrgs          Action = "org.manage"      // create organisations
	ManagePeople        Action = "people.manage"   // invite people into an organisation
	ViewStats           Action = "stats.view"      // effectiveness figures of the mechanism
	ViewAudit           Action = "audit.view"      // the audit trail
	ViewInbox           Action = "inbox.view"      // list cases
)

// CaseFacts is what the policy needs to know about one case.
type CaseFacts struct {
	CaseID int64
	// ReferredOrgs are the organisations with a live referral (sent,
	// acknowledged, responded or resolved; not declined) of this case.
	ReferredOrgs []int64
	// ShareIdentity is the worker's consent to disclose who they are to
	// referred organisations. Withdrawing it takes effect at once.
	ShareIdentity bool
}

func (c *CaseFacts) referredTo(orgID int64) bool {
	for _, id := range c.ReferredOrgs {
		if id == orgID {
			return true
		}
	}
	return false
}

// IsMechanism reports whether a is staff of the organisation that runs the
// grievance mechanism.
func (a Actor) IsMechanism() bool { return a.Kind == Staff && a.OrgType == org.Mechanism }

var mechanismCase = map[org.Role][]Action{
	org.Admin:      {ViewCase, ViewNarrative, ViewIdentity, Transition, Message, Refer, ProposeRemedy, RecordRemedy},
	org.Caseworker: {ViewCase, ViewNarrative, ViewIdentity, Transition, Message, Refer, ProposeRemedy, RecordRemedy},
	org.Viewer:     {ViewCase},
	org.Responder:  {ViewCase},
	org.Auditor:    {},
}

var referredCase = map[org.Role][]Action{
	org.Admin:      {ViewCase, AcknowledgeReferral, Message, ProposeRemedy},
	org.Responder:  {ViewCase, AcknowledgeReferral, Message, ProposeRemedy},
	org.Caseworker: {ViewCase, AcknowledgeReferral, Message, ProposeRemedy},
	org.Viewer:     {ViewCase},
	org.Auditor:    {},
}

func has(list []Action, act Action) bool {
	for _, a := range list {
		if a == act {
			return true
		}
	}
	return false
}

// CanCase decides whether a may do act on the case c. Deny by default.
func CanCase(a Actor, act Action, c CaseFacts) bool {
	switch a.Kind {
	case Worker:
		return a.CaseID != 0 && a.CaseID == c.CaseID && (act == ViewCase || act == Message || act == WorkerDecide)
	case Staff:
		if a.IsMechanism() {
			return has(mechanismCase[a.Role], act)
		}
		if !c.referredTo(a.OrgID) {
			return false
		}
		switch act {
		case ViewNarrative, ViewIdentity:
			// What the worker agreed to disclose: without consent a referred
			// organisation sees the facts the caseworker wrote in the
			// referral, never the worker's own words or who they are.
			return c.ShareIdentity && a.Role != org.Auditor
		}
		return has(referredCase[a.Role], act)
	}
	return false
}

// Can decides actions that are not about one case. Deny by default.
func Can(a Actor, act Action) bool {
	if a.Kind != Staff {
		return false
	}
	switch act {
	case ViewInbox:
		return a.Role != org.Auditor && a.Role != org.Coordinator
	case ManageOrgs:
		return a.IsMechanism() && a.Role == org.Admin
	case ManagePeople:
		return a.Role == org.Admin
	case ViewStats:
		return a.IsMechanism() && a.Role != org.Responder && a.Role != org.Coordinator
	case ViewAudit:
		return a.IsMechanism() && (a.Role == org.Admin || a.Role == org.Auditor)
	}
	return false
}

// CanManagePerson decides whether a may invite or change people of orgID:
// the mechanism's admins for any organisation, other admins for their own.
func CanManagePerson(a Actor, orgID int64) bool {
	if !Can(a, ManagePeople) {
		return false
	}
	return a.IsMechanism() || a.OrgID == orgID
}

// CanGrantRole decides whether a may give role to someone: the coordinator
// role (which edits the Joint Work Plan) only from the mechanism's admins,
// so that no organisation can promote its own people.
func CanGrantRole(a Actor, role org.Role) bool {
	if role == org.Coordinator {
		return a.IsMechanism() && a.Role == org.Admin
	}
	return Can(a, ManagePeople)
}

// Scope says which cases a query may return for an actor.
type Scope struct {
	None   bool  // nothing
	All    bool  // every case (the mechanism's staff)
	OrgID  int64 // cases with a live referral to this organisation
	CaseID int64 // this one case (a worker)
}

// CaseScope is the filter every case query in the store applies.
func CaseScope(a Actor) Scope {
	switch {
	case a.Kind == Worker && a.CaseID != 0:
		return Scope{CaseID: a.CaseID}
	case a.Kind == Staff && (a.Role == org.Auditor || a.Role == org.Coordinator):
		// Auditors read the trail, coordinators the plan: neither reads cases.
		return Scope{None: true}
	case a.IsMechanism():
		return Scope{All: true}
	case a.Kind == Staff && a.OrgID != 0:
		return Scope{OrgID: a.OrgID}
	}
	return Scope{None: true}
}
