package stats

import (
	"encoding/json"
	"slices"
	"time"

	"remedy/internal/grievance"
)

// Dimensions a report can be broken down by ("" is the whole mechanism).
const (
	ByNone         = ""
	ByCategory     = "category"
	ByOrigin       = "origin"
	ByProgram      = "program"
	ByLanguage     = "language"
	ByOrganization = "organization"
)

// Dimensions lists the breakdowns, in the order pages offer them.
var Dimensions = []string{ByCategory, ByOrigin, ByProgram, ByLanguage, ByOrganization}

// IsDimension reports whether by is a known breakdown (or none).
func IsDimension(by string) bool { return by == ByNone || slices.Contains(Dimensions, by) }

// CaseStages are the stages a case's own deadline can be at (its deadline
// kinds), in lifecycle order.
var CaseStages = []string{grievance.DeadlineAcknowledge, grievance.DeadlineFirstResponse, grievance.DeadlineRemedyProposal}

// RemedyTypes are the kinds of remedy, in the order reports show them.
var RemedyTypes = func() []string {
	out := make([]string, len(grievance.RemedyTypes))
	for i, t := range grievance.RemedyTypes {
		out[i] = string(t)
	}
	return out
}()

// Case is what the report needs to know of one case received in the
// period. Zero times mean "not yet".
type Case struct {
	// Groups are the keys of the groups the case counts in for the chosen
	// dimension: one (language, origin, programme), several (categories,
	// referred organisations), or none.
	Groups            []string
	Open              bool
	Received          time.Time
	Acknowledged      time.Time
	FirstResponse     time.Time
	RemedyImplemented time.Time
	Stage             string    // the current stage's deadline kind, "" when none
	Deadline          time.Time // the current stage's deadline
	OverdueFlag       bool      // marked overdue by the deadline jobs
	RemedyTypes       []string  // kinds of remedy proposed or carried out (refused ones excluded)
	Satisfaction      int       // the worker's latest rating, 1–5; 0 when not rated
	Retaliation       bool      // the worker reported retaliation in any answer
}

// Referral is one referral sent in the period.
type Referral struct {
	Org           string // the organisation's key
	SentAt        time.Time
	AcknowledgeBy time.Time
	Acknowledged  time.Time // accepted or declined; zero when not yet
	OverdueFlag   bool
}

// Builder accumulates cases and referrals into a report. It keeps only the
// durations (three float32 hours per case and group: to the second for a
// year), so a million cases fit in tens of megabytes.
type Builder struct {
	now    time.Time
	total  *groupAcc
	groups map[string]*groupAcc
	refs   map[string]*refAcc
	refAll *refAcc
}

type groupAcc struct {
	cases        int
	ack, first   []float32
	remedy       []float32
	remedyTypes  map[string]int
	stageCases   map[string]int
	stageOverdue map[string]int
	rated        int
	ratingSum    int
	ratings      [5]int
	retaliation  int
}

type refAcc struct {
	sent, overdue int
	ack           []float32
}

// NewBuilder starts a report as of now (which decides what is overdue).
func NewBuilder(now time.Time) *Builder {
	return &Builder{now: now, total: newGroupAcc(), groups: map[string]*groupAcc{}, refs: map[string]*refAcc{}, refAll: &refAcc{}}
}

func newGroupAcc() *groupAcc {
	return &groupAcc{remedyTypes: map[string]int{}, stageCases: map[string]int{}, stageOverdue: map[string]int{}}
}

func hoursBetween(from, to time.Time) (float32, bool) {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0, false
	}
	return float32(to.Sub(from).Hours()), true
}

// summarize summarises float32 hours through a float64 copy, made and
// dropped one group at a time.
func summarize(hours []float32) Durations {
	if len(hours) < MinCell {
		return SummarizeHours(make([]float64, len(hours)))
	}
	wide := make([]float64, len(hours))
	for i, h := range hours {
		wide[i] = float64(h)
	}
	return SummarizeHours(wide)
}

// AddCase counts c in the whole and in each of its groups.
func (b *Builder) AddCase(c Case) {
	b.total.add(c, b.now)
	for i, g := range c.Groups {
		if slices.Contains(c.Groups[:i], g) {
			continue
		}
		acc := b.groups[g]
		if acc == nil {
			acc = newGroupAcc()
			b.groups[g] = acc
		}
		acc.add(c, b.now)
	}
}

func (a *groupAcc) add(c Case, now time.Time) {
	a.cases++
	if h, ok := hoursBetween(c.Received, c.Acknowledged); ok {
		a.ack = append(a.ack, h)
	}
	if h, ok := hoursBetween(c.Received, c.FirstResponse); ok {
		a.first = append(a.first, h)
	}
	if h, ok := hoursBetween(c.Received, c.RemedyImplemented); ok {
		a.remedy = append(a.remedy, h)
	}
	for i, t := range c.RemedyTypes {
		if !slices.Contains(c.RemedyTypes[:i], t) {
			a.remedyTypes[t]++
		}
	}
	if c.Open && c.Stage != "" {
		a.stageCases[c.Stage]++
		if c.OverdueFlag || (!c.Deadline.IsZero() && c.Deadline.Before(now)) {
			a.stageOverdue[c.Stage]++
		}
	}
	if c.Satisfaction >= 1 && c.Satisfaction <= 5 {
		a.rated++
		a.ratingSum += c.Satisfaction
		a.ratings[c.Satisfaction-1]++
		if c.Retaliation {
			a.retaliation++
		}
	}
}

// AddReferral counts r for its organisation and in the whole.
func (b *Builder) AddReferral(r Referral) {
	acc := b.refs[r.Org]
	if acc == nil {
		acc = &refAcc{}
		b.refs[r.Org] = acc
	}
	acc.add(r, b.now)
	b.refAll.add(r, b.now)
}

func (a *refAcc) add(r Referral, now time.Time) {
	a.sent++
	late := r.OverdueFlag
	if h, ok := hoursBetween(r.SentAt, r.Acknowledged); ok {
		a.ack = append(a.ack, h)
		if !r.AcknowledgeBy.IsZero() && r.Acknowledged.After(r.AcknowledgeBy) {
			late = true
		}
	} else if !r.AcknowledgeBy.IsZero() && now.After(r.AcknowledgeBy) {
		late = true
	}
	if late {
		a.overdue++
	}
}

// Report is the effectiveness of the mechanism over a period.
type Report struct {
	MinCell   int             `json:"min_cell"`
	Total     Group           `json:"total"`
	Groups    []Group         `json:"groups"`
	Referrals []ReferralGroup `json:"referrals"`
	// ReferralsTotal covers every referral of the period.
	ReferralsTotal ReferralGroup `json:"referrals_total"`
}

// Group is the figures of one group of cases.
type Group struct {
	Key           string       `json:"key"`
	Cases         Count        `json:"cases"`
	Acknowledge   Durations    `json:"time_to_acknowledge"`
	FirstResponse Durations    `json:"time_to_first_response"`
	Remedy        Durations    `json:"time_to_remedy"`
	RemedyTypes   []TypeShare  `json:"remedy_types"`
	Overdue       []StageShare `json:"overdue_by_stage"`
	Satisfaction  Satisfaction `json:"satisfaction"`
}

// TypeShare is the share of cases with at least one remedy of Type.
type TypeShare struct {
	Type  string `json:"type"`
	Share Share  `json:"share"`
}

// StageShare is the share of open cases at Stage whose deadline is missed.
type StageShare struct {
	Stage string `json:"stage"`
	Share Share  `json:"share"`
}

// Satisfaction is what workers answered when their case closed.
type Satisfaction struct {
	N            int      // cases rated
	Mean         float64  // 1–5
	Distribution [5]Share // share of ratings 1, 2, 3, 4, 5
	Retaliation  Share    // share of rated cases that reported retaliation
	Suppressed   bool
}

// MarshalJSON withholds small cells.
func (s Satisfaction) MarshalJSON() ([]byte, error) {
	if s.Suppressed {
		return json.Marshal(map[string]any{"n": nil, "mean": nil, "distribution": nil, "retaliation": s.Retaliation, "suppressed": true})
	}
	return json.Marshal(map[string]any{"n": s.N, "mean": round(s.Mean, 2), "distribution": s.Distribution,
		"retaliation": s.Retaliation, "suppressed": false})
}

// ReferralGroup is the acknowledgement of referrals by one organisation.
type ReferralGroup struct {
	Key         string    `json:"key"`
	Referrals   Count     `json:"referrals"`
	Acknowledge Durations `json:"time_to_acknowledge"`
	Overdue     Share     `json:"overdue"`
}

// Report computes the figures. Groups and referral groups come sorted by
// key; the caller orders them for display.
func (b *Builder) Report() Report {
	r := Report{MinCell: MinCell, Total: b.total.group(""), ReferralsTotal: b.refAll.group("")}
	keys := make([]string, 0, len(b.groups))
	for k := range b.groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	r.Groups = make([]Group, 0, len(keys))
	for _, k := range keys {
		r.Groups = append(r.Groups, b.groups[k].group(k))
	}
	keys = keys[:0]
	for k := range b.refs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	r.Referrals = make([]ReferralGroup, 0, len(keys))
	for _, k := range keys {
		r.Referrals = append(r.Referrals, b.refs[k].group(k))
	}
	return r
}

func (a *groupAcc) group(key string) Group {
	g := Group{
		Key: key, Cases: NewCount(a.cases),
		Acknowledge: summarize(a.ack), FirstResponse: summarize(a.first), Remedy: summarize(a.remedy),
	}
	for _, t := range RemedyTypes {
		g.RemedyTypes = append(g.RemedyTypes, TypeShare{Type: t, Share: NewShare(a.remedyTypes[t], a.cases)})
	}
	for _, st := range CaseStages {
		g.Overdue = append(g.Overdue, StageShare{Stage: st, Share: NewShare(a.stageOverdue[st], a.stageCases[st])})
	}
	s := Satisfaction{N: a.rated, Suppressed: a.rated < MinCell, Retaliation: NewShare(a.retaliation, a.rated)}
	if !s.Suppressed {
		s.Mean = float64(a.ratingSum) / float64(a.rated)
		for i, n := range a.ratings {
			s.Distribution[i] = NewShare(n, a.rated)
		}
	} else {
		s.N = 0
		for i := range s.Distribution {
			s.Distribution[i] = Share{Suppressed: true}
		}
	}
	g.Satisfaction = s
	return g
}

func (a *refAcc) group(key string) ReferralGroup {
	return ReferralGroup{Key: key, Referrals: NewCount(a.sent), Acknowledge: summarize(a.ack), Overdue: NewShare(a.overdue, a.sent)}
}
