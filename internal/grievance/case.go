package grievance

import (
	"time"
)

// Status is where a case stands in its lifecycle.
type Status string

// The statuses of a case. Transitions between them are the business of
// case handling; intake only creates cases as StatusReceived.
const (
	StatusReceived          Status = "received"
	StatusAcknowledged      Status = "acknowledged"
	StatusInReview          Status = "in_review"
	StatusReferred          Status = "referred"
	StatusInDialogue        Status = "in_dialogue"
	StatusRemedyProposed    Status = "remedy_proposed"
	StatusRemedyAccepted    Status = "remedy_accepted"
	StatusRemedyImplemented Status = "remedy_implemented"
	StatusClosed            Status = "closed"
	StatusOutOfScope        Status = "out_of_scope"
	StatusWithdrawn         Status = "withdrawn"
	StatusEscalated         Status = "escalated"
)

// Statuses lists every status, in lifecycle order.
var Statuses = []Status{
	StatusReceived, StatusAcknowledged, StatusInReview, StatusReferred, StatusInDialogue,
	StatusRemedyProposed, StatusRemedyAccepted, StatusRemedyImplemented, StatusClosed,
	StatusOutOfScope, StatusWithdrawn, StatusEscalated,
}

// Details is the part of a case that is sealed at rest: everything the
// worker wrote and everything that could point to them.
type Details struct {
	Narrative          string  `json:"narrative"`
	EmployerName       string  `json:"employer_name,omitempty"`
	SupervisingOrgName string  `json:"supervising_org_name,omitempty"`
	SendingOrgName     string  `json:"sending_org_name,omitempty"`
	Contact            Contact `json:"contact"`
}

// Case is a grievance once received. Fields other than Details are kept in
// clear so that cases can be sorted, filtered and counted; none of them
// names the worker.
type Case struct {
	ID            int64
	Reference     string
	Status        Status
	Triage        Triage
	Language      string
	OriginCountry string
	Program       string
	Prefecture    string
	IncidentDate  string
	Categories    []string
	Anonymous     bool
	ShareIdentity bool
	CreatedAt     time.Time
	AcknowledgeBy time.Time
	UpdatedAt     time.Time
	Details       Details
}

// NewCase turns a valid, normalized submission into a case received at now,
// triaged, with its acknowledgement deadline from policy.
func NewCase(s Submission, reference string, now time.Time, policy AckPolicy) Case {
	now = now.UTC().Truncate(time.Millisecond)
	tr := TriageCategories(s.Categories)
	return Case{
		Reference:     reference,
		Status:        StatusReceived,
		Triage:        tr,
		Language:      s.Language,
		OriginCountry: s.OriginCountry,
		Program:       s.Program,
		Prefecture:    s.Prefecture,
		IncidentDate:  s.IncidentDate,
		Categories:    append([]string(nil), s.Categories...),
		Anonymous:     s.Contact.Anonymous(),
		ShareIdentity: s.ShareIdentity,
		CreatedAt:     now,
		AcknowledgeBy: now.Add(policy.For(tr.Risk)),
		UpdatedAt:     now,
		Details: Details{
			Narrative:          s.Narrative,
			EmployerName:       s.EmployerName,
			SupervisingOrgName: s.SupervisingOrgName,
			SendingOrgName:     s.SendingOrgName,
			Contact:            s.Contact,
		},
	}
}

// NextDeadline returns the deadline the worker is shown for the case's
// current stage, and whether there is one.
func (c Case) NextDeadline() (time.Time, bool) {
	if c.Status == StatusReceived {
		return c.AcknowledgeBy, true
	}
	return time.Time{}, false
}

// Message is one message in a case's thread.
type Message struct {
	ID        int64
	CaseID    int64
	Author    string // "worker" or "staff"
	Body      string
	CreatedAt time.Time
}

// Message authors.
const (
	AuthorWorker = "worker"
	AuthorStaff  = "staff"
)
