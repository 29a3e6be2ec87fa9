package casework_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/casework"
	"remedy/internal/grievance"
	"remedy/internal/intake"
	"remedy/internal/notify"
	"remedy/internal/org"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/testutil/fakes"
	"remedy/internal/testutil/pgtest"
	"remedy/internal/vault"
)

// engines are the engines every test runs on.
var engines = []string{store.SQLite, store.Postgres}

// openDB opens and migrates a fresh database of engine (as
// testutil/stack does, without the web server).
func openDB(t *testing.T, engine string) (*store.DB, string) {
	t.Helper()
	dir := t.TempDir()
	opts := store.Options{DataDir: dir}
	if engine == store.Postgres {
		opts.URL = pgtest.DSN(t)
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, dir
}

// env is the services of case handling on one engine, with a clock the
// test moves.
type env struct {
	t      *testing.T
	db     *store.DB
	keys   *vault.Keyring
	clock  *fakes.Clock
	intake *intake.Service
	staff  *staff.Service
	cw     *casework.Service
	mech   org.Organization
}

var seq atomic.Int64

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	db, dir := openDB(t, engine)
	keys, _, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clock := fakes.NewClock(time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	e := &env{t: t, db: db, keys: keys, clock: clock,
		intake: &intake.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy},
		staff:  &staff.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader},
		cw:     &casework.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader, Limits: grievance.DefaultStageLimits},
	}
	e.mech = e.org(org.Mechanism, "JP")
	return e
}

func (e *env) org(typ org.Type, country string) org.Organization {
	e.t.Helper()
	o, err := e.staff.AddOrganization(context.Background(), org.Organization{Name: fmt.Sprintf("%s %s %d", typ, country, seq.Add(1)), Type: typ, Country: country}, "system")
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *env) person(o org.Organization, role org.Role) access.Actor {
	e.t.Helper()
	email := fmt.Sprintf("p%d@example.org", seq.Add(1))
	if _, err := e.staff.AddPerson(context.Background(), org.Person{OrgID: o.ID, Email: email, Role: role, Name: "Person " + email}, "correct horse battery staple", "system"); err != nil {
		e.t.Fatal(err)
	}
	rec, err := e.db.PersonByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return access.Actor{Kind: access.Staff, PersonID: rec.Person.ID, OrgID: o.ID, OrgType: o.Type, Role: role}
}

const narrative = "The company has not paid my wages for September and October."

func (e *env) submit(contact grievance.Contact, share bool) (int64, string) {
	e.t.Helper()
	r, err := e.intake.Submit(context.Background(), grievance.Submission{
		Language: "vi", OriginCountry: "VN", Program: "technical_intern", Prefecture: "JP-23",
		Categories: []string{"wages.unpaid"}, Narrative: narrative, EmployerName: "Employer Name KK",
		Contact: contact, ShareIdentity: share,
	}, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return r.CaseID, r.Reference
}

func (e *env) move(who access.Actor, ref string, to grievance.Status) {
	e.t.Helper()
	if err := e.cw.Transition(context.Background(), who, ref, casework.TransitionInput{To: to, Note: "moving to " + string(to)}); err != nil {
		e.t.Fatalf("transition to %s: %v", to, err)
	}
}

func (e *env) record(ref string) store.CaseworkRecord {
	e.t.Helper()
	rec, err := e.db.CaseInScope(context.Background(), ref, access.Scope{All: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}

func (e *env) audit(ref string) []audit.Entry {
	e.t.Helper()
	entries, err := e.db.AuditEntriesForCase(context.Background(), ref)
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

func countAction(entries []audit.Entry, action string) int {
	n := 0
	for _, a := range entries {
		if a.Action == action {
			n++
		}
	}
	return n
}

func wantCode(t *testing.T, err error, code apperr.Code, what string) *apperr.Error {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("%s: error %v, want %s", what, err, code)
	}
	return apperr.As(err)
}

func wantField(t *testing.T, err error, field string, what string) {
	t.Helper()
	ae := wantCode(t, err, apperr.Invalid, what)
	for _, f := range ae.Fields {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("%s: fields %v, want one on %q", what, ae.Fields, field)
}

func TestCasework(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, engine) })
			t.Run("TerminalTransitions", func(t *testing.T) { testTerminal(t, engine) })
			t.Run("ReferralAndDisclosure", func(t *testing.T) { testReferralDisclosure(t, engine) })
			t.Run("RemedyToFeedback", func(t *testing.T) { testRemedyToFeedback(t, engine) })
			t.Run("Withdraw", func(t *testing.T) { testWithdraw(t, engine) })
			t.Run("ConcurrentTransitions", func(t *testing.T) { testConcurrent(t, engine) })
		})
	}
}

func testLifecycle(t *testing.T, engine string) {
	e := newEnv(t, engine)
	ctx := context.Background()
	cw := e.person(e.mech, org.Caseworker)
	viewer := e.person(e.mech, org.Viewer)
	id, ref := e.submit(grievance.Contact{Channel: "email", Value: "worker@example.org"}, false)

	// A viewer sees the case but may not move it.
	err := e.cw.Transition(ctx, viewer, ref, casework.TransitionInput{To: grievance.StatusAcknowledged})
	wantCode(t, err, apperr.Forbidden, "viewer transition")

	// Illegal moves are refused, on the field "to".
	for _, to := range []grievance.Status{grievance.StatusClosed, grievance.StatusInReview, grievance.StatusReferred,
		grievance.StatusRemedyAccepted, grievance.StatusWithdrawn, "nonsense"} {
		wantField(t, e.cw.Transition(ctx, cw, ref, casework.TransitionInput{To: to}), "to", "received → "+string(to))
	}

	e.clock.Advance(2 * time.Hour)
	acked := e.clock.Now()
	e.move(cw, ref, grievance.StatusAcknowledged)
	rec := e.record(ref)
	if rec.Case.Status != grievance.StatusAcknowledged {
		t.Fatalf("status %s", rec.Case.Status)
	}
	if !rec.State.AcknowledgedAt.Equal(acked) || !rec.State.FirstResponseAt.IsZero() {
		t.Errorf("acknowledged_at %v first_response_at %v", rec.State.AcknowledgedAt, rec.State.FirstResponseAt)
	}
	if want := acked.Add(14 * 24 * time.Hour); !rec.State.DeadlineAt.Equal(want) || rec.State.DeadlineKind != grievance.DeadlineFirstResponse {
		t.Errorf("deadline %v %q, want %v first_response", rec.State.DeadlineAt, rec.State.DeadlineKind, want)
	}
	jobs, err := e.db.JobsOfCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, j := range jobs {
		found = found || (j.Kind == store.JobStageDeadline && j.RunAt.Equal(rec.State.DeadlineAt))
	}
	if !found {
		t.Errorf("no stage_deadline job at the new deadline: %+v", jobs)
	}
	// The worker is told through their channel; the payload names no case
	// content, only where to send and in which language.
	out, err := e.db.OutboxOfCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Channel != "email" || out[0].Template != notify.TemplateStatusChanged {
		t.Fatalf("outbox %+v", out)
	}
	dek, err := e.keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		t.Fatal(err)
	}
	p, err := notify.OpenPayload(dek, ref, out[0].SealedPayload)
	if err != nil || p.To != "worker@example.org" || p.Language != "vi" {
		t.Errorf("payload %+v, %v", p, err)
	}
	if strings.Contains(string(out[0].SealedPayload), "worker@example.org") {
		t.Error("the payload is not sealed")
	}
	// The event and the audit entry.
	events, err := e.db.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Kind != store.EventTransition || events[0].From != grievance.StatusReceived ||
		events[0].To != grievance.StatusAcknowledged || events[0].Actor != casework.ActorName(cw) {
		t.Errorf("events %+v", events)
	}
	if strings.Contains(string(events[0].SealedNote), "moving") {
		t.Error("the event's note is not sealed")
	}
	if n := countAction(e.audit(ref), "case.transition"); n != 1 {
		t.Errorf("%d case.transition audit entries, want 1", n)
	}

	e.move(cw, ref, grievance.StatusInReview)
	e.clock.Advance(time.Hour)
	e.move(cw, ref, grievance.StatusInDialogue)
	rec = e.record(ref)
	if rec.State.FirstResponseAt.IsZero() || rec.State.DeadlineKind != grievance.DeadlineRemedyProposal {
		t.Errorf("in dialogue: first response %v, deadline kind %q", rec.State.FirstResponseAt, rec.State.DeadlineKind)
	}

	// The worker sees every transition, with the new deadline.
	wv, err := e.cw.WorkerView(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(wv.History) != 3 || wv.History[2].To != grievance.StatusInDialogue {
		t.Errorf("worker history %+v", wv.History)
	}
	if d, ok := wv.Deadline(); !ok || !d.Equal(rec.State.DeadlineAt) {
		t.Errorf("worker deadline %v", d)
	}

	// Staff view: the timeline resolves who did what.
	v, err := e.cw.StaffView(ctx, cw, ref, casework.ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Timeline) != 4 || v.Timeline[0].Kind != "intake" || v.Timeline[1].By.Name == "" || v.Timeline[1].By.OrgName != e.mech.Name {
		t.Errorf("timeline %+v", v.Timeline)
	}
	if v.Timeline[1].Note.Note != "moving to acknowledged" {
		t.Errorf("note %+v", v.Timeline[1].Note)
	}
}

func testTerminal(t *testing.T, engine string) {
	e := newEnv(t, engine)
	ctx := context.Background()
	cw := e.person(e.mech, org.Caseworker)

	// out_of_scope needs a reason and where to go instead.
	_, ref := e.submit(grievance.Contact{Channel: "none"}, false)
	err := e.cw.Transition(ctx, cw, ref, casework.TransitionInput{To: grievance.StatusOutOfScope})
	wantField(t, err, "reason", "out of scope without reason")
	wantField(t, err, "redirect_to", "out of scope without where")
	if err := e.cw.Transition(ctx, cw, ref, casework.TransitionInput{To: grievance.StatusOutOfScope,
		Reason: "A tax question", RedirectTo: "Tax office helpline 0570-00-5901"}); err != nil {
		t.Fatal(err)
	}
	rec := e.record(ref)
	if rec.State.ClosedAt.IsZero() || !rec.State.DeadlineAt.IsZero() || rec.State.AcknowledgedAt.IsZero() || rec.State.FirstResponseAt.IsZero() {
		t.Errorf("out of scope state %+v", rec.State)
	}
	wv, err := e.cw.WorkerView(ctx, rec.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if wv.StatusNote.RedirectTo != "Tax office helpline 0570-00-5901" || wv.StatusNote.Reason != "A tax question" || wv.CanWithdraw {
		t.Errorf("worker view %+v", wv.StatusNote)
	}
	wantField(t, e.cw.Transition(ctx, cw, ref, casework.TransitionInput{To: grievance.StatusClosed}), "to", "out of scope is final")

	// escalated needs the body.
	_, ref = e.submit(grievance.Contact{Channel: "none"}, false)
	e.move(cw, ref, grievance.StatusAcknowledged)
	wantField(t, e.cw.Transition(ctx, cw, ref, casework.TransitionInput{To: grievance.StatusEscalated}), "escalated_to", "escalated without body")
	wantField(t, e.cw.Transition(ctx, cw, ref, casework.TransitionInput{To: grievance.StatusEscalated, EscalatedTo: "police"}), "escalated_to", "escalated to unknown")
	if err := e.cw.Transition(ctx, cw, ref, casework.TransitionInput{To: grievance.StatusEscalated, EscalatedTo: grievance.EscalateLabourInspection}); err != nil {
		t.Fatal(err)
	}
	rec = e.record(ref)
	if rec.State.ClosedAt.IsZero() == false || rec.Case.Status != grievance.StatusEscalated {
		t.Errorf("escalated is still open: %+v", rec.State)
	}
	e.move(cw, ref, grievance.StatusClosed)
	if e.record(ref).State.ClosedAt.IsZero() {
		t.Error("closed without closed_at")
	}
}

func testReferralDisclosure(t *testing.T, engine string) {
	e := newEnv(t, engine)
	ctx := context.Background()
	cw := e.person(e.mech, org.Caseworker)
	employer := e.org(org.Employer, "JP")
	agency := e.org(org.SendingAgency, "VN")
	other := e.org(org.Union, "JP")
	empResp := e.person(employer, org.Responder)
	empViewer := e.person(employer, org.Viewer)
	agencyResp := e.person(agency, org.Responder)
	outsider := e.person(other, org.Admin)
	id, ref := e.submit(grievance.Contact{Name: "Nguyen Van A", Channel: "phone", Value: "090-1111-2222"}, false)

	// Not before review.
	_, err := e.cw.Refer(ctx, cw, ref, employer.ID, "note")
	wantCode(t, err, apperr.Invalid, "refer a received case")
	e.move(cw, ref, grievance.StatusAcknowledged)
	e.move(cw, ref, grievance.StatusInReview)
	if _, err := e.cw.AddMessage(ctx, cw, ref, "Do you have your wage slips?", 0); err != nil {
		t.Fatal(err)
	}

	// Nobody but the mechanism sees the case before it is referred.
	for _, who := range []access.Actor{empResp, agencyResp, outsider} {
		_, err := e.cw.StaffView(ctx, who, ref, casework.ViewOptions{})
		wantCode(t, err, apperr.NotFound, "view before referral")
	}

	e.clock.Advance(time.Hour)
	sent := e.clock.Now()
	r1, err := e.cw.Refer(ctx, cw, ref, employer.ID, "Unpaid wages Sep-Oct; worker in production line 2.")
	if err != nil {
		t.Fatal(err)
	}
	if !r1.AcknowledgeBy.Equal(sent.Add(5 * 24 * time.Hour)) {
		t.Errorf("acknowledge by %v", r1.AcknowledgeBy)
	}
	if _, err := e.cw.Refer(ctx, cw, ref, employer.ID, "again"); err == nil {
		t.Fatal("a second live referral to the same organisation was accepted")
	} else {
		wantField(t, err, "organization_id", "refer twice")
	}
	if _, err := e.cw.Refer(ctx, cw, ref, e.mech.ID, ""); err == nil {
		t.Fatal("referred to the mechanism itself")
	}
	r2, err := e.cw.Refer(ctx, cw, ref, agency.ID, "Recruitment fee refund.")
	if err != nil {
		t.Fatal(err)
	}
	rec := e.record(ref)
	if rec.Case.Status != grievance.StatusReferred || rec.State.FirstResponseAt.IsZero() {
		t.Errorf("after referral: %s %+v", rec.Case.Status, rec.State)
	}
	jobs, _ := e.db.JobsOfCase(ctx, id)
	refJobs := 0
	for _, j := range jobs {
		if j.Kind == store.JobReferralDeadline && (j.RefID == r1.ID || j.RefID == r2.ID) {
			refJobs++
		}
	}
	if refJobs != 2 {
		t.Errorf("%d referral deadline jobs, want 2: %+v", refJobs, jobs)
	}

	// The employer sees the case without the worker's words or identity,
	// and only its own referral; the outsider sees nothing.
	v, err := e.cw.StaffView(ctx, empResp, ref, casework.ViewOptions{Identity: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.Narrative != "" || v.Identity != nil || v.Can.Narrative || v.Can.Identity || v.Can.Internal || v.Can.Transition || v.Can.Refer {
		t.Errorf("employer without consent: %+v narrative %q identity %+v", v.Can, v.Narrative, v.Identity)
	}
	if len(v.Referrals) != 1 || v.Referrals[0].ID != r1.ID || v.Referrals[0].Note == "" || !v.Referrals[0].CanAcknowledge {
		t.Errorf("employer's referrals %+v", v.Referrals)
	}
	if len(v.Messages) != 0 {
		t.Errorf("employer sees the worker's thread: %+v", v.Messages)
	}
	for _, it := range v.Timeline {
		if it.ReferralID == r2.ID || it.OrgName == agency.Name || it.Note.Note != "" {
			t.Errorf("employer's timeline shows %+v", it)
		}
	}
	_, err = e.cw.StaffView(ctx, outsider, ref, casework.ViewOptions{})
	wantCode(t, err, apperr.NotFound, "outsider view")
	if n := countAction(e.audit(ref), "identity.read") + countAction(e.audit(ref), "narrative.read"); n != 0 {
		t.Errorf("%d identity/narrative reads audited without any read", n)
	}

	// A viewer of the employer cannot answer; the agency cannot answer the
	// employer's referral (and does not learn it exists).
	_, _, err = e.cw.AcknowledgeReferral(ctx, empViewer, r1.ID, true, "")
	wantCode(t, err, apperr.Forbidden, "viewer acknowledges")
	_, _, err = e.cw.AcknowledgeReferral(ctx, agencyResp, r1.ID, true, "")
	wantCode(t, err, apperr.NotFound, "other org acknowledges")
	_, _, err = e.cw.AcknowledgeReferral(ctx, cw, r1.ID, true, "")
	wantCode(t, err, apperr.Forbidden, "mechanism acknowledges")

	// Before accepting, the employer can neither write nor propose.
	_, err = e.cw.AddMessage(ctx, empResp, ref, "hello", 0)
	wantCode(t, err, apperr.Invalid, "message before acknowledging")
	_, _, err = e.cw.AcknowledgeReferral(ctx, empResp, r1.ID, false, "")
	wantField(t, err, "reason", "decline without reason")
	if _, _, err := e.cw.AcknowledgeReferral(ctx, empResp, r1.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.cw.AcknowledgeReferral(ctx, empResp, r1.ID, true, "")
	wantCode(t, err, apperr.Conflict, "acknowledge twice")

	// The referral thread: the employer writes; the worker thread is not
	// theirs; the agency does not see it.
	m, err := e.cw.AddMessage(ctx, empResp, ref, "We will check the payroll.", 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.ReferralID != r1.ID {
		t.Errorf("employer's message went to thread %d", m.ReferralID)
	}
	_, err = e.cw.AddMessage(ctx, empResp, ref, "x", r2.ID)
	wantField(t, err, "referral_id", "employer writes in the agency's thread")
	if _, err := e.cw.AddMessage(ctx, cw, ref, "Thank you, by Friday please.", r1.ID); err != nil {
		t.Fatal(err)
	}
	r, _ := e.db.Referral(ctx, r1.ID)
	if r.Status != grievance.ReferralResponded || r.RespondedAt.IsZero() {
		t.Errorf("referral after the employer's message: %s", r.Status)
	}
	if _, _, err := e.cw.AcknowledgeReferral(ctx, agencyResp, r2.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	va, err := e.cw.StaffView(ctx, agencyResp, ref, casework.ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(va.Messages) != 0 || len(va.Referrals) != 1 {
		t.Errorf("agency sees messages %+v referrals %d", va.Messages, len(va.Referrals))
	}
	wv, err := e.cw.WorkerView(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(wv.Messages) != 1 || wv.Messages[0].Body != "Do you have your wage slips?" {
		t.Errorf("worker's thread %+v", wv.Messages)
	}
	if len(wv.Referrals) != 2 {
		t.Errorf("worker sees %d referrals", len(wv.Referrals))
	}
	vm, err := e.cw.StaffView(ctx, cw, ref, casework.ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vm.Messages) != 3 || len(vm.Referrals) != 2 || vm.Narrative != narrative || vm.Identity != nil {
		t.Errorf("mechanism view: %d messages, %d referrals, narrative %q", len(vm.Messages), len(vm.Referrals), vm.Narrative)
	}
	if n := countAction(e.audit(ref), "narrative.read"); n != 1 {
		t.Errorf("%d narrative reads audited, want 1", n)
	}

	// With consent, the employer also sees the words and, when asked, the
	// identity; each read is audited. Withdrawal holds at once.
	if err := e.cw.SetConsent(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	v, err = e.cw.StaffView(ctx, empResp, ref, casework.ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Narrative != narrative || v.Identity != nil || !v.Can.Identity {
		t.Errorf("employer with consent, not asking: narrative %q identity %+v", v.Narrative, v.Identity)
	}
	v, err = e.cw.StaffView(ctx, empResp, ref, casework.ViewOptions{Identity: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.Identity == nil || v.Identity.Name != "Nguyen Van A" || v.Identity.EmployerName != "Employer Name KK" {
		t.Errorf("employer with consent, asking: %+v", v.Identity)
	}
	entries := e.audit(ref)
	if countAction(entries, "identity.read") != 1 || countAction(entries, "narrative.read") != 3 {
		t.Errorf("audited reads: identity %d narrative %d", countAction(entries, "identity.read"), countAction(entries, "narrative.read"))
	}
	for _, a := range entries {
		if a.Action == "identity.read" && a.Actor != casework.ActorName(empResp) {
			t.Errorf("identity read audited as %q", a.Actor)
		}
	}
	if err := e.cw.SetConsent(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	v, err = e.cw.StaffView(ctx, empResp, ref, casework.ViewOptions{Identity: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.Narrative != "" || v.Identity != nil {
		t.Errorf("consent withdrawn, still shown: %q %+v", v.Narrative, v.Identity)
	}

	// A declined referral takes the case out of the organisation's sight.
	third := e.org(org.Government, "JP")
	insp := e.person(third, org.Responder)
	r3, err := e.cw.Refer(ctx, cw, ref, third.ID, "Passport question")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.cw.AcknowledgeReferral(ctx, insp, r3.ID, false, "Not our jurisdiction"); err != nil {
		t.Fatal(err)
	}
	_, err = e.cw.StaffView(ctx, insp, ref, casework.ViewOptions{})
	wantCode(t, err, apperr.NotFound, "view after declining")
	vm, _ = e.cw.StaffView(ctx, cw, ref, casework.ViewOptions{})
	for _, rv := range vm.Referrals {
		if rv.ID == r3.ID && (rv.Status != grievance.ReferralDeclined || rv.Reason != "Not our jurisdiction") {
			t.Errorf("declined referral %+v", rv)
		}
	}
	// And it may be referred again.
	if _, err := e.cw.Refer(ctx, cw, ref, third.ID, "Please reconsider"); err != nil {
		t.Errorf("refer again after a decline: %v", err)
	}
}

func testRemedyToFeedback(t *testing.T, engine string) {
	e := newEnv(t, engine)
	ctx := context.Background()
	cw := e.person(e.mech, org.Caseworker)
	employer := e.org(org.Employer, "JP")
	emp := e.person(employer, org.Responder)
	id, ref := e.submit(grievance.Contact{Channel: "none"}, false)
	e.move(cw, ref, grievance.StatusAcknowledged)
	e.move(cw, ref, grievance.StatusInReview)

	bad := casework.RemedyInput{Type: "compensation", Description: "x"}
	_, err := e.cw.ProposeRemedy(ctx, cw, ref, bad)
	wantCode(t, err, apperr.Invalid, "remedy while in review")
	r1, err := e.cw.Refer(ctx, cw, ref, employer.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.cw.ProposeRemedy(ctx, emp, ref, casework.RemedyInput{Type: "restitution", Description: "Back pay"})
	wantCode(t, err, apperr.Invalid, "propose before acknowledging")
	if _, _, err := e.cw.AcknowledgeReferral(ctx, emp, r1.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	_, err = e.cw.ProposeRemedy(ctx, emp, ref, bad)
	wantField(t, err, "amount", "compensation without amount")
	_, err = e.cw.ProposeRemedy(ctx, emp, ref, casework.RemedyInput{Type: "compensation", Amount: "12.5", Currency: "JPY", Description: "x"})
	wantField(t, err, "amount", "JPY with decimals")
	_, err = e.cw.ProposeRemedy(ctx, emp, ref, casework.RemedyInput{Type: "compensation", Amount: "100", Currency: "¥", Description: "x"})
	wantField(t, err, "currency", "bad currency")
	_, err = e.cw.ProposeRemedy(ctx, emp, ref, casework.RemedyInput{Type: "bribe", Description: "", DueDate: "tomorrow"})
	wantField(t, err, "type", "unknown type")
	wantField(t, err, "description", "no description")
	wantField(t, err, "due_date", "bad date")

	m1, err := e.cw.ProposeRemedy(ctx, emp, ref, casework.RemedyInput{Type: "restitution", Amount: "480,000", Currency: "jpy",
		DueDate: "2026-12-10", Description: "Back pay for September and October"})
	if err != nil {
		t.Fatal(err)
	}
	if m1.ReferralID != r1.ID || m1.ProviderOrgID != employer.ID || m1.AmountMinor != 480000 || m1.Currency != "JPY" {
		t.Errorf("remedy %+v", m1)
	}
	rec := e.record(ref)
	if rec.Case.Status != grievance.StatusRemedyProposed || !rec.State.DeadlineAt.IsZero() {
		t.Errorf("after proposal %s %+v", rec.Case.Status, rec.State)
	}
	r, _ := e.db.Referral(ctx, r1.ID)
	if r.Status != grievance.ReferralResponded {
		t.Errorf("referral %s after proposal", r.Status)
	}

	// Implementing needs the worker's acceptance first.
	_, err = e.cw.RecordImplemented(ctx, cw, ref, m1.ID, "paid")
	wantCode(t, err, apperr.Invalid, "implement unaccepted")

	// The worker refuses: back to dialogue; the mechanism proposes again.
	if err := e.cw.DecideRemedy(ctx, id, m1.ID, false); err != nil {
		t.Fatal(err)
	}
	if st := e.record(ref).Case.Status; st != grievance.StatusInDialogue {
		t.Errorf("after refusal: %s", st)
	}
	wantCode(t, e.cw.DecideRemedy(ctx, id, m1.ID, true), apperr.Conflict, "decide twice")
	m2, err := e.cw.ProposeRemedy(ctx, cw, ref, casework.RemedyInput{Type: "compensation", ProviderOrgID: employer.ID,
		Amount: "520000", Currency: "JPY", Description: "Back pay and interest"})
	if err != nil {
		t.Fatal(err)
	}
	if m2.ReferralID != r1.ID {
		t.Errorf("mechanism's proposal for the employer is not on its referral: %+v", m2)
	}
	// Another case's remedy id is unknown to this worker.
	otherID, _ := e.submit(grievance.Contact{Channel: "none"}, false)
	wantCode(t, e.cw.DecideRemedy(ctx, otherID, m2.ID, true), apperr.NotFound, "decide another case's remedy")

	wv, err := e.cw.WorkerView(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(wv.Remedies) != 2 || wv.Remedies[1].Amount != "520,000 JPY" || wv.Remedies[1].Description != "Back pay and interest" {
		t.Errorf("worker's remedies %+v", wv.Remedies)
	}
	if err := e.cw.DecideRemedy(ctx, id, m2.ID, true); err != nil {
		t.Fatal(err)
	}
	if st := e.record(ref).Case.Status; st != grievance.StatusRemedyAccepted {
		t.Errorf("after acceptance: %s", st)
	}
	_, err = e.cw.RecordImplemented(ctx, emp, ref, m2.ID, "paid")
	wantCode(t, err, apperr.Forbidden, "employer records implementation")
	_, err = e.cw.RecordImplemented(ctx, cw, ref, m2.ID, " ")
	wantField(t, err, "evidence", "no evidence")
	if _, err := e.cw.RecordImplemented(ctx, cw, ref, m2.ID, "Bank transfer seen 2026-12-05"); err != nil {
		t.Fatal(err)
	}
	rec = e.record(ref)
	if rec.Case.Status != grievance.StatusRemedyImplemented || rec.State.RemedyImplementedAt.IsZero() {
		t.Errorf("after implementation %s %+v", rec.Case.Status, rec.State)
	}
	if r, _ := e.db.Referral(ctx, r1.ID); r.Status != grievance.ReferralResolved {
		t.Errorf("referral %s after implementation", r.Status)
	}

	// Feedback only once closed.
	yes, no := true, false
	_, err = e.cw.GiveFeedback(ctx, id, 4, &no)
	wantCode(t, err, apperr.Invalid, "feedback before closing")
	e.move(cw, ref, grievance.StatusClosed)
	wv, _ = e.cw.WorkerView(ctx, id)
	if !wv.FeedbackOpen || wv.FeedbackRound != 0 {
		t.Errorf("feedback open %v round %d", wv.FeedbackOpen, wv.FeedbackRound)
	}
	_, err = e.cw.GiveFeedback(ctx, id, 6, nil)
	wantField(t, err, "satisfaction", "satisfaction 6")
	wantField(t, err, "retaliation", "no retaliation answer")
	f, err := e.cw.GiveFeedback(ctx, id, 4, &no)
	if err != nil || f.Round != 0 {
		t.Fatalf("feedback %+v %v", f, err)
	}
	_, err = e.cw.GiveFeedback(ctx, id, 5, &no)
	wantCode(t, err, apperr.Conflict, "feedback twice")
	wv, _ = e.cw.WorkerView(ctx, id)
	if wv.FeedbackOpen {
		t.Error("feedback still open after the answer")
	}
	e.clock.Advance(grievance.FeedbackAgainAfter)
	wv, _ = e.cw.WorkerView(ctx, id)
	if !wv.FeedbackOpen || wv.FeedbackRound != 1 {
		t.Errorf("90 days later: open %v round %d", wv.FeedbackOpen, wv.FeedbackRound)
	}
	f, err = e.cw.GiveFeedback(ctx, id, 2, &yes)
	if err != nil || f.Round != 1 || !f.Retaliation {
		t.Fatalf("round 1 %+v %v", f, err)
	}
	vm, err := e.cw.StaffView(ctx, cw, ref, casework.ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vm.Feedback) != 2 {
		t.Errorf("staff sees %d feedback rounds", len(vm.Feedback))
	}
	ve, err := e.cw.StaffView(ctx, emp, ref, casework.ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ve.Feedback) != 0 {
		t.Error("the employer sees the worker's feedback")
	}
	for _, it := range ve.Timeline {
		if it.Feedback != nil {
			t.Error("the employer's timeline shows feedback")
		}
	}
}

func testWithdraw(t *testing.T, engine string) {
	e := newEnv(t, engine)
	ctx := context.Background()
	cw := e.person(e.mech, org.Caseworker)
	employer := e.org(org.Employer, "JP")
	id, ref := e.submit(grievance.Contact{Channel: "email", Value: "w@example.org"}, false)
	e.move(cw, ref, grievance.StatusAcknowledged)
	e.move(cw, ref, grievance.StatusInReview)
	r1, err := e.cw.Refer(ctx, cw, ref, employer.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.cw.Withdraw(ctx, id); err != nil {
		t.Fatal(err)
	}
	rec := e.record(ref)
	if rec.Case.Status != grievance.StatusWithdrawn || rec.State.ClosedAt.IsZero() || !rec.State.DeadlineAt.IsZero() {
		t.Errorf("withdrawn: %s %+v", rec.Case.Status, rec.State)
	}
	if r, _ := e.db.Referral(ctx, r1.ID); r.Status != grievance.ReferralResolved {
		t.Errorf("referral %s after withdrawal", r.Status)
	}
	wantCode(t, e.cw.Withdraw(ctx, id), apperr.Invalid, "withdraw twice")
	events, _ := e.db.Events(ctx, id)
	last := events[len(events)-1]
	if last.Actor != "worker" || last.To != grievance.StatusWithdrawn {
		t.Errorf("last event %+v", last)
	}
	out, _ := e.db.OutboxOfCase(ctx, id)
	if len(out) != 4 { // acknowledged, in review, referred, withdrawn
		t.Errorf("%d notifications, want 4", len(out))
	}
}

// testConcurrent moves one case from two requests at once: exactly one
// wins, the other is told the case changed.
func testConcurrent(t *testing.T, engine string) {
	e := newEnv(t, engine)
	ctx := context.Background()
	a := e.person(e.mech, org.Caseworker)
	b := e.person(e.mech, org.Caseworker)
	_, ref := e.submit(grievance.Contact{Channel: "none"}, false)
	errs := make(chan error, 2)
	for _, who := range []access.Actor{a, b} {
		go func() {
			errs <- e.cw.Transition(ctx, who, ref, casework.TransitionInput{To: grievance.StatusAcknowledged})
		}()
	}
	var ok, conflict int
	for range 2 {
		err := <-errs
		switch apperr.CodeOf(err) {
		case apperr.Conflict:
			conflict++
		case apperr.Invalid:
			conflict++ // the loser read the new status already
		default:
			if err == nil {
				ok++
			} else {
				t.Errorf("unexpected %v", err)
			}
		}
	}
	if ok != 1 || conflict != 1 {
		t.Errorf("%d succeeded, %d refused; want 1 and 1", ok, conflict)
	}
	if n := countAction(e.audit(ref), "case.transition"); n != 1 {
		t.Errorf("%d transitions audited", n)
	}
}
