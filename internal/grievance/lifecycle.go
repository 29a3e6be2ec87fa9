package grievance

import "time"

// transitions lists, for each status, the statuses a case may move to.
// Withdrawn (by the worker) and escalated (to a state-based mechanism) are
// reachable from every open status.
var transitions = map[Status][]Status{
	StatusReceived:          {StatusAcknowledged, StatusOutOfScope},
	StatusAcknowledged:      {StatusInReview, StatusOutOfScope},
	StatusInReview:          {StatusReferred, StatusInDialogue, StatusOutOfScope},
	StatusReferred:          {StatusInDialogue, StatusRemedyProposed, StatusInReview},
	StatusInDialogue:        {StatusReferred, StatusRemedyProposed, StatusInReview},
	StatusRemedyProposed:    {StatusRemedyAccepted, StatusInDialogue},
	StatusRemedyAccepted:    {StatusRemedyImplemented, StatusInDialogue},
	StatusRemedyImplemented: {StatusClosed},
	StatusClosed:            {},
	StatusOutOfScope:        {},
	StatusWithdrawn:         {},
	StatusEscalated:         {StatusClosed},
}

// IsOpen reports whether a case in status s still awaits action.
func IsOpen(s Status) bool {
	switch s {
	case StatusClosed, StatusOutOfScope, StatusWithdrawn:
		return false
	}
	return true
}

// CanTransition reports whether a case may move from one status to another.
func CanTransition(from, to Status) bool {
	if (to == StatusWithdrawn || to == StatusEscalated) && IsOpen(from) && from != to {
		return true
	}
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// NextStatuses lists the statuses a case in s may move to, in lifecycle order.
func NextStatuses(s Status) []Status {
	var out []Status
	for _, to := range Statuses {
		if CanTransition(s, to) {
			out = append(out, to)
		}
	}
	return out
}

// StageLimits are the time limits of each stage (configurable).
type StageLimits struct {
	Acknowledge         AckPolicy     // by risk, from receipt
	FirstResponse       time.Duration // from acknowledgement to a substantive response
	ReferralAcknowledge time.Duration // for a referred organisation to accept or decline
	RemedyProposal      time.Duration // from referral or dialogue to a remedy proposal
}

// DefaultStageLimits: acknowledge by risk as at intake; first substantive
// response 14 days; referral acknowledgement 5 days; remedy proposal 30 days.
var DefaultStageLimits = StageLimits{
	Acknowledge:         DefaultAckPolicy,
	FirstResponse:       14 * 24 * time.Hour,
	ReferralAcknowledge: 5 * 24 * time.Hour,
	RemedyProposal:      30 * 24 * time.Hour,
}

// Deadline kinds, as stored with a case's current deadline.
const (
	DeadlineAcknowledge    = "acknowledge"
	DeadlineFirstResponse  = "first_response"
	DeadlineRemedyProposal = "remedy_proposal"
)

// StageDeadline returns the deadline a case entering status `to` at `at`
// gets, and its kind; ok is false when the new stage has no time limit.
func (l StageLimits) StageDeadline(to Status, risk Risk, received, at time.Time) (deadline time.Time, kind string, ok bool) {
	switch to {
	case StatusReceived:
		return received.Add(l.Acknowledge.For(risk)), DeadlineAcknowledge, true
	case StatusAcknowledged, StatusInReview:
		return at.Add(l.FirstResponse), DeadlineFirstResponse, true
	case StatusReferred, StatusInDialogue:
		return at.Add(l.RemedyProposal), DeadlineRemedyProposal, true
	}
	return time.Time{}, "", false
}

// ByOwnAction are the statuses a caseworker cannot simply set: each is
// reached through the action it stands for (a referral, a remedy proposal,
// the worker's decision, evidence of implementation, the worker's own
// withdrawal).
var ByOwnAction = map[Status]bool{
	StatusReferred:          true,
	StatusRemedyProposed:    true,
	StatusRemedyAccepted:    true,
	StatusRemedyImplemented: true,
	StatusWithdrawn:         true,
}

// ManualNextStatuses lists the statuses a caseworker may move a case in s
// to directly, in lifecycle order.
func ManualNextStatuses(s Status) []Status {
	var out []Status
	for _, to := range NextStatuses(s) {
		if !ByOwnAction[to] {
			out = append(out, to)
		}
	}
	return out
}

// IsSubstantiveResponse reports whether reaching status to answers the
// worker in substance (the "first response" the stage limit measures): the
// case is referred, discussed, given a proposal, declined as out of scope,
// or escalated.
func IsSubstantiveResponse(to Status) bool {
	switch to {
	case StatusReferred, StatusInDialogue, StatusRemedyProposed, StatusOutOfScope, StatusEscalated:
		return true
	}
	return false
}

// Escalation bodies: the state-based mechanisms a case can be escalated to.
const (
	EscalateOTIT             = "otit"              // Organization for Technical Intern Training
	EscalateLabourInspection = "labour_inspection" // a Labour Standards Inspection Office
	EscalateCourt            = "court"
	EscalateADR              = "adr" // alternative dispute resolution
)

// EscalationBodies lists every escalation body.
var EscalationBodies = []string{EscalateOTIT, EscalateLabourInspection, EscalateCourt, EscalateADR}

// IsEscalationBody reports whether b is a known escalation body.
func IsEscalationBody(b string) bool { return contains(EscalationBodies, b) }

// ReferralStatus is where a referral to one organisation stands.
type ReferralStatus string

// Referral statuses: sent → acknowledged or declined → responded → resolved.
const (
	ReferralSent         ReferralStatus = "sent"
	ReferralAcknowledged ReferralStatus = "acknowledged"
	ReferralDeclined     ReferralStatus = "declined"
	ReferralResponded    ReferralStatus = "responded"
	ReferralResolved     ReferralStatus = "resolved"
)

// ReferralStatuses lists every referral status, in order.
var ReferralStatuses = []ReferralStatus{ReferralSent, ReferralAcknowledged, ReferralDeclined, ReferralResponded, ReferralResolved}

// Live reports whether the referred organisation still takes part in the
// case (and may see it): every status but declined.
func (s ReferralStatus) Live() bool { return s != ReferralDeclined && s != "" }

// Engaged reports whether the organisation accepted the referral, so that
// it may answer and propose remedy.
func (s ReferralStatus) Engaged() bool {
	return s == ReferralAcknowledged || s == ReferralResponded || s == ReferralResolved
}

// RemedyType is the kind of remedy (UNGP 25 and the Basic Principles on
// the Right to a Remedy): restitution, compensation, rehabilitation,
// satisfaction (apology, sanction) and guarantees of non-repetition.
type RemedyType string

// Remedy types.
const (
	RemedyApology        RemedyType = "apology"
	RemedyRestitution    RemedyType = "restitution" // wages, fees, documents returned
	RemedyCompensation   RemedyType = "compensation"
	RemedyRehabilitation RemedyType = "rehabilitation" // medical, psychological
	RemedyReinstatement  RemedyType = "reinstatement"
	RemedySanction       RemedyType = "sanction"
	RemedyNonRepetition  RemedyType = "non_repetition" // a change of practice
)

// RemedyTypes lists every remedy type.
var RemedyTypes = []RemedyType{RemedyApology, RemedyRestitution, RemedyCompensation, RemedyRehabilitation,
	RemedyReinstatement, RemedySanction, RemedyNonRepetition}

// IsRemedyType reports whether t is a known remedy type.
func IsRemedyType(t string) bool {
	for _, x := range RemedyTypes {
		if string(x) == t {
			return true
		}
	}
	return false
}

// RemedyStatus is where one remedy stands.
type RemedyStatus string

// Remedy statuses: proposed → accepted or refused (by the worker) →
// implemented; a proposal still open when the case moves on otherwise is
// withdrawn.
const (
	RemedyProposed    RemedyStatus = "proposed"
	RemedyAccepted    RemedyStatus = "accepted"
	RemedyRefused     RemedyStatus = "refused"
	RemedyImplemented RemedyStatus = "implemented"
	RemedyWithdrawn   RemedyStatus = "withdrawn"
)

// RemedyStatuses lists every remedy status.
var RemedyStatuses = []RemedyStatus{RemedyProposed, RemedyAccepted, RemedyRefused, RemedyImplemented, RemedyWithdrawn}

// CanProposeRemedy reports whether a case in s may receive a remedy
// proposal.
func CanProposeRemedy(s Status) bool {
	return s == StatusReferred || s == StatusInDialogue || s == StatusRemedyProposed
}

// CanRefer reports whether a case in s may be referred to another
// organisation.
func CanRefer(s Status) bool {
	return s == StatusInReview || s == StatusReferred || s == StatusInDialogue
}

// FeedbackAgainAfter is when, after closing, the mechanism asks the worker
// again how the outcome holds.
const FeedbackAgainAfter = 90 * 24 * time.Hour

// FeedbackRound is the round of feedback a worker gives at now about a case
// closed at closed: 0 at closing, 1 from FeedbackAgainAfter on.
func FeedbackRound(closed, now time.Time) int {
	if !now.Before(closed.Add(FeedbackAgainAfter)) {
		return 1
	}
	return 0
}
