package grievance

import (
	"fmt"
	"time"
)

// Risk orders the work: urgent cases are read first.
type Risk string

// The risk levels of triage.
const (
	RiskUrgent Risk = "urgent"
	RiskHigh   Risk = "high"
	RiskNormal Risk = "normal"
)

var urgentCategories = []string{"harassment.physical", "harassment.sexual", "documents.retained", "movement.restricted", "threats"}

var highCategories = []string{"wages.unpaid", "safety.injury", "health.access", "discrimination.pregnancy", "contract.termination", "recruitment.debt", "recruitment.deposit"}

// Triage is the outcome of risk triage: the level and the rule that fired,
// in words a caseworker reads. It is a screening flag to order the work,
// not a legal finding that forced labour exists.
type Triage struct {
	Risk       Risk
	Rule       string
	Indicators []string // distinct ILO indicators touched, in ILO order
}

// TriageCategories computes risk from the categories alone, exactly as
// docs/taxonomy.md says. Unknown codes are ignored (validation rejects them
// before this is called).
func TriageCategories(codes []string) Triage {
	touched := map[string]bool{}
	for _, code := range codes {
		if c, ok := CategoryByCode(code); ok {
			for _, ind := range c.Indicators {
				touched[ind] = true
			}
		}
	}
	var indicators []string
	for _, ind := range Indicators {
		if touched[ind] {
			indicators = append(indicators, ind)
		}
	}
	for _, code := range codes {
		if contains(urgentCategories, code) {
			return Triage{RiskUrgent, "urgent category: " + code, indicators}
		}
	}
	if len(indicators) >= 3 {
		return Triage{RiskUrgent, fmt.Sprintf("%d distinct ILO indicators", len(indicators)), indicators}
	}
	for _, code := range codes {
		if contains(highCategories, code) {
			return Triage{RiskHigh, "high-risk category: " + code, indicators}
		}
	}
	if len(indicators) == 2 {
		return Triage{RiskHigh, "2 distinct ILO indicators", indicators}
	}
	return Triage{RiskNormal, "no urgent or high-risk rule applies", indicators}
}

// AckPolicy is how long the mechanism has to acknowledge a case, by risk.
type AckPolicy struct {
	Urgent, High, Normal time.Duration
}

// DefaultAckPolicy is the default time to acknowledge: 24, 72 and 120 hours.
var DefaultAckPolicy = AckPolicy{Urgent: 24 * time.Hour, High: 72 * time.Hour, Normal: 120 * time.Hour}

// For returns the time to acknowledge a case of risk r.
func (p AckPolicy) For(r Risk) time.Duration {
	switch r {
	case RiskUrgent:
		return p.Urgent
	case RiskHigh:
		return p.High
	}
	return p.Normal
}
