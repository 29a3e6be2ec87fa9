package access

// Disclosure within a case. CanCase decides whether an actor may act on a
// case at all; these decide which parts of it: the worker's own thread and
// the mechanism's internal notes stay within the mechanism, and each
// referral (its note, reason, thread and remedies) is shared between the
// mechanism and that one organisation, never with another.

// CanSeeInternal reports whether a may read what stays inside the
// mechanism: the worker's thread, notes on transitions, the worker's
// consent changes and feedback, and other organisations' referrals.
func CanSeeInternal(a Actor, c CaseFacts) bool {
	return a.IsMechanism() && CanCase(a, ViewCase, c)
}

// CanSeeReferral reports whether a may read the referral of c to orgID:
// the mechanism's staff who may view the case, or that organisation's own
// people while its referral is live.
func CanSeeReferral(a Actor, c CaseFacts, orgID int64) bool {
	if !CanCase(a, ViewCase, c) {
		return false
	}
	if a.IsMechanism() {
		return true
	}
	return a.Kind == Staff && a.OrgID == orgID && c.referredTo(orgID)
}

// CanWriteThread reports whether a may write in a thread of c: the worker's
// thread (orgID 0) is the mechanism's and the worker's alone; a referral's
// thread (orgID of the referred organisation) is the mechanism's and that
// organisation's.
func CanWriteThread(a Actor, c CaseFacts, orgID int64) bool {
	if !CanCase(a, Message, c) {
		return false
	}
	switch {
	case a.Kind == Worker:
		return orgID == 0
	case a.IsMechanism():
		return true
	}
	return orgID != 0 && a.OrgID == orgID && c.referredTo(orgID)
}

// CanAcknowledgeReferral reports whether a may accept or decline the
// referral of c to orgID: only that organisation's people.
func CanAcknowledgeReferral(a Actor, c CaseFacts, orgID int64) bool {
	return CanCase(a, AcknowledgeReferral, c) && a.Kind == Staff && !a.IsMechanism() && a.OrgID == orgID
}
