package casework

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"remedy/internal/access"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/org"
	"remedy/internal/store"
)

// EventDeadlineMissed is the timeline kind the deadline worker
// (internal/jobs) writes when a time limit is missed.
const EventDeadlineMissed = "deadline_missed"

// Identity is what identifies a worker: their name and contact, and the
// names of the employer and agencies as they wrote them. Staff see it only
// when they ask for it, and every time it is audited.
type Identity struct {
	Name               string `json:"name"`
	Channel            string `json:"channel"`
	Contact            string `json:"contact"`
	EmployerName       string `json:"employer_name"`
	SupervisingOrgName string `json:"supervising_org_name"`
	SendingOrgName     string `json:"sending_org_name"`
}

// ReferralView is a referral as one reader sees it.
type ReferralView struct {
	store.Referral
	Note   string
	Reason string
	// Own: the reader belongs to the referred organisation.
	Own            bool
	CanAcknowledge bool
	CanWrite       bool
}

// RemedyView is a remedy, opened.
type RemedyView struct {
	store.Remedy
	Description  string
	Evidence     string
	Amount       string // "240,000 JPY", or ""
	CanImplement bool
}

// MessageView is a message of a thread, opened, with its author's name.
type MessageView struct {
	ID         int64
	ReferralID int64  // 0: the worker's thread
	Thread     string // the referred organisation's name; "" for the worker's thread
	Author     string // "worker" or "staff"
	By         store.StaffName
	Body       string
	At         time.Time
}

// Item is one entry of a case's timeline.
type Item struct {
	At         time.Time
	Kind       string // "intake", "message", or a store.Event kind
	Actor      string // "worker", "staff:<id>", "system"
	By         store.StaffName
	From, To   grievance.Status
	Note       TransitionNote
	OrgName    string // referral events
	OrgCountry string
	ReferralID int64
	RemedyID   int64
	RemedyType grievance.RemedyType
	Message    *MessageView
	Feedback   *store.Feedback
}

// Abilities are what the reader may do on the case now.
type Abilities struct {
	Transition    bool // move it by hand (Next lists where)
	Refer         bool
	ProposeRemedy bool
	RecordRemedy  bool
	WriteWorker   bool // write in the worker's thread
	Internal      bool // see what stays in the mechanism
	Narrative     bool // read the worker's words (audited)
	Identity      bool // may ask to see who the worker is (audited)
}

// StaffView is a case as one member of staff may see it.
type StaffView struct {
	Case       grievance.Case // Details empty: see Narrative and Identity
	State      store.CaseState
	StatusNote StatusNote
	Can        Abilities
	Narrative  string    // when Can.Narrative
	Identity   *Identity // when asked for and Can.Identity
	Next       []grievance.Status
	Referrals  []ReferralView
	Remedies   []RemedyView
	Messages   []MessageView
	Timeline   []Item
	Feedback   []store.Feedback
	// ReferTo are the organisations the case may still be referred to;
	// Providers those that may provide a remedy.
	ReferTo   []org.Organization
	Providers []org.Organization
}

// ViewOptions say what a reader deliberately asked to see.
type ViewOptions struct {
	Identity bool
}

// StaffView returns case ref as who may see it. Reading the worker's
// narrative, and (when asked for) their identity, is audited before the
// view is returned.
func (s *Service) StaffView(ctx context.Context, who access.Actor, ref string, opts ViewOptions) (StaffView, error) {
	l, err := s.load(ctx, who, ref, access.ViewCase)
	if err != nil {
		return StaffView{}, err
	}
	c := l.c()
	v := StaffView{State: l.rec.State}
	v.Case = c
	v.Case.Details = grievance.Details{}
	v.Case.ShareIdentity = l.facts.ShareIdentity
	if v.StatusNote, err = s.statusNote(l); err != nil {
		return v, err
	}
	v.Can = Abilities{
		Transition:   access.CanCase(who, access.Transition, l.facts),
		Refer:        access.CanCase(who, access.Refer, l.facts) && grievance.CanRefer(c.Status),
		RecordRemedy: access.CanCase(who, access.RecordRemedy, l.facts),
		WriteWorker:  access.CanWriteThread(who, l.facts, 0),
		Internal:     access.CanSeeInternal(who, l.facts),
		Narrative:    access.CanCase(who, access.ViewNarrative, l.facts),
		Identity:     access.CanCase(who, access.ViewIdentity, l.facts),
	}
	if v.Can.Transition {
		v.Next = grievance.ManualNextStatuses(c.Status)
		v.Can.Transition = len(v.Next) > 0
	}

	referrals, err := s.DB.Referrals(ctx, c.ID)
	if err != nil {
		return v, err
	}
	visibleReferral := map[int64]*ReferralView{}
	ownEngaged := false
	for _, r := range referrals {
		if !access.CanSeeReferral(who, l.facts, r.OrgID) {
			continue
		}
		rv := ReferralView{Referral: r, Own: !who.IsMechanism() && r.OrgID == who.OrgID}
		if rv.Note, err = s.open(l, aadReferralNote, r.SealedNote); err != nil {
			return v, err
		}
		if rv.Reason, err = s.open(l, aadReferralReason, r.SealedReason); err != nil {
			return v, err
		}
		rv.CanAcknowledge = r.Status == grievance.ReferralSent && access.CanAcknowledgeReferral(who, l.facts, r.OrgID)
		rv.CanWrite = access.CanWriteThread(who, l.facts, r.OrgID) && r.Status.Live() && (who.IsMechanism() || r.Status.Engaged())
		ownEngaged = ownEngaged || (rv.Own && r.Status.Engaged())
		v.Referrals = append(v.Referrals, rv)
	}
	for i := range v.Referrals {
		visibleReferral[v.Referrals[i].ID] = &v.Referrals[i]
	}
	v.Can.ProposeRemedy = access.CanCase(who, access.ProposeRemedy, l.facts) && grievance.CanProposeRemedy(c.Status) &&
		(who.IsMechanism() || ownEngaged)

	remedies, err := s.DB.Remedies(ctx, c.ID)
	if err != nil {
		return v, err
	}
	visibleRemedy := map[int64]*RemedyView{}
	for _, m := range remedies {
		if !v.Can.Internal && visibleReferral[m.ReferralID] == nil && (m.ProviderOrgID == 0 || m.ProviderOrgID != who.OrgID) {
			continue
		}
		rv, err := s.remedyView(l, m)
		if err != nil {
			return v, err
		}
		rv.CanImplement = v.Can.RecordRemedy && m.Status == grievance.RemedyAccepted
		v.Remedies = append(v.Remedies, rv)
	}
	for i := range v.Remedies {
		visibleRemedy[v.Remedies[i].ID] = &v.Remedies[i]
	}

	msgs, err := s.DB.ThreadMessages(ctx, c.ID)
	if err != nil {
		return v, err
	}
	for _, m := range msgs {
		r := visibleReferral[m.ReferralID]
		if (m.ReferralID == 0 && !v.Can.Internal) || (m.ReferralID != 0 && r == nil) {
			continue
		}
		body, err := s.open(l, aadMessage, m.SealedBody)
		if err != nil {
			return v, err
		}
		mv := MessageView{ID: m.ID, ReferralID: m.ReferralID, Author: m.Author, By: store.StaffName{PersonID: m.AuthorID}, Body: body, At: m.CreatedAt}
		if r != nil {
			mv.Thread = r.Org.Name
		}
		v.Messages = append(v.Messages, mv)
	}

	events, err := s.DB.Events(ctx, c.ID)
	if err != nil {
		return v, err
	}
	if v.Can.Internal {
		if v.Feedback, err = s.DB.FeedbackOf(ctx, c.ID); err != nil {
			return v, err
		}
	}
	v.Timeline = append(v.Timeline, Item{At: c.CreatedAt, Kind: "intake", Actor: "worker"})
	for _, e := range events {
		it := Item{At: e.At, Kind: e.Kind, Actor: e.Actor, From: e.From, To: e.To}
		switch e.Kind {
		case store.EventTransition:
			if v.Can.Internal {
				if it.Note, err = s.transitionNote(l, e.SealedNote); err != nil {
					return v, err
				}
			}
		case store.EventReferralSent, store.EventReferralAcknowledged, store.EventReferralDeclined:
			r := visibleReferral[e.RefID]
			if r == nil {
				continue
			}
			it.ReferralID, it.OrgName, it.OrgCountry = r.ID, r.Org.Name, r.Org.Country
		case store.EventRemedyProposed, store.EventRemedyAccepted, store.EventRemedyRefused, store.EventRemedyImplemented:
			m := visibleRemedy[e.RefID]
			if m == nil {
				continue
			}
			it.RemedyID, it.RemedyType = m.ID, m.Type
		case store.EventFeedback:
			if !v.Can.Internal {
				continue
			}
			for i := range v.Feedback {
				if v.Feedback[i].ID == e.RefID {
					it.Feedback = &v.Feedback[i]
				}
			}
		default:
			// Consent changes and what the deadline worker records stay
			// inside the mechanism, but for a referral's missed deadline,
			// which its organisation sees too.
			r := visibleReferral[e.RefID]
			if !v.Can.Internal && (r == nil || e.Kind != EventDeadlineMissed) {
				continue
			}
			if r != nil {
				it.ReferralID, it.OrgName, it.OrgCountry = r.ID, r.Org.Name, r.Org.Country
			}
		}
		v.Timeline = append(v.Timeline, it)
	}
	for i := range v.Messages {
		m := &v.Messages[i]
		actor := "worker"
		if m.Author != grievance.AuthorWorker {
			actor = "staff:" + strconv.FormatInt(m.By.PersonID, 10)
		}
		v.Timeline = append(v.Timeline, Item{At: m.At, Kind: "message", Actor: actor, Message: m, ReferralID: m.ReferralID})
	}
	sort.SliceStable(v.Timeline, func(i, j int) bool { return v.Timeline[i].At.Before(v.Timeline[j].At) })
	if err := s.resolveNames(ctx, &v); err != nil {
		return v, err
	}

	if v.Can.Refer || v.Can.ProposeRemedy {
		all, err := s.DB.Organizations(ctx)
		if err != nil {
			return v, err
		}
		live := map[int64]bool{}
		for _, r := range referrals {
			live[r.OrgID] = live[r.OrgID] || r.Status.Live()
		}
		for _, o := range all {
			if o.Type == org.Mechanism {
				continue
			}
			if !live[o.ID] {
				v.ReferTo = append(v.ReferTo, o)
			}
			v.Providers = append(v.Providers, o)
		}
	}

	// What the reader sees of the worker: their words (audited), and who
	// they are only on a deliberate request (audited).
	var reads []audit.Entry
	now := s.Now()
	if v.Can.Narrative || (opts.Identity && v.Can.Identity) {
		d, err := s.details(l)
		if err != nil {
			return v, err
		}
		if v.Can.Narrative {
			v.Narrative = d.Narrative
			reads = append(reads, audit.Entry{At: now, Actor: ActorName(who), Action: "narrative.read", CaseRef: c.Reference})
		}
		if opts.Identity && v.Can.Identity {
			v.Identity = &Identity{Name: d.Contact.Name, Channel: d.Contact.Channel, Contact: d.Contact.Value,
				EmployerName: d.EmployerName, SupervisingOrgName: d.SupervisingOrgName, SendingOrgName: d.SendingOrgName}
			reads = append(reads, audit.Entry{At: now, Actor: ActorName(who), Action: "identity.read", CaseRef: c.Reference})
		}
	}
	if len(reads) > 0 {
		if err := s.DB.ReadAudit(ctx, reads...); err != nil {
			return StaffView{}, err
		}
	}
	return v, nil
}

// resolveNames fills in who each "staff:<id>" on the timeline and in the
// threads is.
func (s *Service) resolveNames(ctx context.Context, v *StaffView) error {
	seen := map[int64]bool{}
	var ids []int64
	add := func(id int64) {
		if id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, it := range v.Timeline {
		add(staffID(it.Actor))
	}
	for _, m := range v.Messages {
		add(m.By.PersonID)
	}
	names, err := s.DB.StaffNames(ctx, ids)
	if err != nil {
		return err
	}
	for i := range v.Timeline {
		if id := staffID(v.Timeline[i].Actor); id != 0 {
			v.Timeline[i].By = names[id]
			v.Timeline[i].By.PersonID = id
		}
	}
	for i := range v.Messages {
		if id := v.Messages[i].By.PersonID; id != 0 {
			v.Messages[i].By = names[id]
			v.Messages[i].By.PersonID = id
		}
	}
	return nil
}

// staffID is the person id of an actor "staff:<id>", or 0.
func staffID(actor string) int64 {
	rest, ok := strings.CutPrefix(actor, "staff:")
	if !ok {
		return 0
	}
	id, _ := strconv.ParseInt(rest, 10, 64)
	return id
}

func (s *Service) statusNote(l *loaded) (StatusNote, error) {
	var sn StatusNote
	plain, err := s.open(l, aadStatusNote, l.rec.State.SealedStatusNote)
	if err != nil || plain == "" {
		return sn, err
	}
	err = json.Unmarshal([]byte(plain), &sn)
	return sn, err
}

func (s *Service) transitionNote(l *loaded, sealed []byte) (TransitionNote, error) {
	var tn TransitionNote
	plain, err := s.open(l, aadEvent, sealed)
	if err != nil || plain == "" {
		return tn, err
	}
	err = json.Unmarshal([]byte(plain), &tn)
	return tn, err
}

func (s *Service) remedyView(l *loaded, m store.Remedy) (RemedyView, error) {
	rv := RemedyView{Remedy: m}
	var err error
	if rv.Description, err = s.open(l, aadRemedyDesc, m.SealedDescription); err != nil {
		return rv, err
	}
	if rv.Evidence, err = s.open(l, aadRemedyEvidence, m.SealedEvidence); err != nil {
		return rv, err
	}
	if m.HasAmount {
		rv.Amount = FormatAmount(m.AmountMinor, m.Currency)
	}
	return rv, nil
}

// WorkerReferral is what the worker sees of a referral of their case.
type WorkerReferral struct {
	OrgName string
	Country string
	Status  grievance.ReferralStatus
	SentAt  time.Time
}

// Step is one status change of a case, as the worker sees it.
type Step struct {
	At time.Time
	To grievance.Status
}

// WorkerView is what a worker sees of their own case.
type WorkerView struct {
	Case          grievance.Case // Details empty
	State         store.CaseState
	StatusNote    StatusNote
	Messages      []grievance.Message // the worker's thread only
	HasPassphrase bool
	Referrals     []WorkerReferral
	Remedies      []RemedyView // without evidence; withdrawn proposals left out
	History       []Step
	// FeedbackOpen: the worker may now say how satisfied they are, as
	// round FeedbackRound.
	FeedbackOpen  bool
	FeedbackRound int
	Feedback      []store.Feedback
	CanWithdraw   bool
}

// Deadline returns the deadline of the case's current stage, if any.
func (v WorkerView) Deadline() (time.Time, bool) {
	return v.State.DeadlineAt, !v.State.DeadlineAt.IsZero()
}

// WorkerView returns the worker's view of their case.
func (s *Service) WorkerView(ctx context.Context, caseID int64) (WorkerView, error) {
	l, err := s.loadWorker(ctx, caseID)
	if err != nil {
		return WorkerView{}, err
	}
	c := l.c()
	v := WorkerView{Case: c, State: l.rec.State, HasPassphrase: l.rec.PassphraseHash != "",
		CanWithdraw: grievance.CanTransition(c.Status, grievance.StatusWithdrawn)}
	v.Case.Details = grievance.Details{}
	if v.StatusNote, err = s.statusNote(l); err != nil {
		return v, err
	}
	msgs, err := s.DB.WorkerThread(ctx, caseID)
	if err != nil {
		return v, err
	}
	for _, m := range msgs {
		body, err := s.open(l, aadMessage, m.SealedBody)
		if err != nil {
			return v, err
		}
		v.Messages = append(v.Messages, grievance.Message{ID: m.ID, CaseID: caseID, Author: m.Author, Body: body, CreatedAt: m.CreatedAt})
	}
	referrals, err := s.DB.Referrals(ctx, caseID)
	if err != nil {
		return v, err
	}
	for _, r := range referrals {
		v.Referrals = append(v.Referrals, WorkerReferral{OrgName: r.Org.Name, Country: r.Org.Country, Status: r.Status, SentAt: r.SentAt})
	}
	remedies, err := s.DB.Remedies(ctx, caseID)
	if err != nil {
		return v, err
	}
	for _, m := range remedies {
		if m.Status == grievance.RemedyWithdrawn {
			continue
		}
		rv, err := s.remedyView(l, m)
		if err != nil {
			return v, err
		}
		rv.Evidence = ""
		v.Remedies = append(v.Remedies, rv)
	}
	events, err := s.DB.Events(ctx, caseID)
	if err != nil {
		return v, err
	}
	for _, e := range events {
		if e.Kind == store.EventTransition {
			v.History = append(v.History, Step{At: e.At, To: e.To})
		}
	}
	if v.Feedback, err = s.DB.FeedbackOf(ctx, caseID); err != nil {
		return v, err
	}
	v.FeedbackRound, v.FeedbackOpen, err = s.feedbackRound(ctx, l.rec, s.now())
	return v, err
}
