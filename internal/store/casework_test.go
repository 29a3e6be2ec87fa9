package store_test

import (
	"context"
	"testing"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// The case-handling store on both engines: scoped reads, status changes
// that are all or nothing, referrals, threads, remedies and feedback.
func TestCaseworkStoreEngines(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Run("ScopeAndFacts", func(t *testing.T) { testCwScope(t, engine) })
			t.Run("StatusChangeAllOrNothing", func(t *testing.T) { testCwStatusChange(t, engine) })
			t.Run("Threads", func(t *testing.T) { testCwThreads(t, engine) })
			t.Run("RemediesAndFeedback", func(t *testing.T) { testCwRemedies(t, engine) })
		})
	}
}

func cwOrg(t *testing.T, db engineDB, typ org.Type, name string) org.Organization {
	t.Helper()
	o := org.Organization{Name: name, Type: typ, Country: "JP", CreatedAt: testTime}
	if err := db.CreateOrganization(context.Background(), &o, audit.Entry{At: testTime, Actor: "system", Action: "org.created"}); err != nil {
		t.Fatal(err)
	}
	return o
}

func cwCase(t *testing.T, db engineDB, n int) *store.SealedCase {
	t.Helper()
	sc := newSealedCase(n, []string{"wages.unpaid"}, false, testTime)
	mustCreate(t, db, sc, nil)
	return sc
}

func cwRefer(t *testing.T, db engineDB, caseID, orgID int64, ch *store.StatusChange) store.Referral {
	t.Helper()
	r := store.Referral{CaseID: caseID, OrgID: orgID, SentAt: testTime, AcknowledgeBy: testTime.Add(5 * 24 * time.Hour), SealedNote: []byte("sealed")}
	if err := db.CreateReferral(context.Background(), &r, "staff:1", ch); err != nil {
		t.Fatal(err)
	}
	return r
}

func testCwScope(t *testing.T, engine string) {
	db := openEngineDB(t, engine, true)
	ctx := context.Background()
	a, b := cwCase(t, db, 1), cwCase(t, db, 2)
	emp := cwOrg(t, db, org.Employer, "Employer")
	agency := cwOrg(t, db, org.SendingAgency, "Agency")
	r := cwRefer(t, db, a.Case.ID, emp.ID, nil)
	ra := cwRefer(t, db, a.Case.ID, agency.ID, nil)
	if err := db.AcknowledgeReferral(ctx, ra.ID, false, []byte("reason"), testTime, "staff:2"); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name  string
		ref   string
		scope access.Scope
		found bool
	}{
		{"mechanism", b.Case.Reference, access.Scope{All: true}, true},
		{"nobody", a.Case.Reference, access.Scope{None: true}, false},
		{"worker own", a.Case.Reference, access.Scope{CaseID: a.Case.ID}, true},
		{"worker other", b.Case.Reference, access.Scope{CaseID: a.Case.ID}, false},
		{"referred org", a.Case.Reference, access.Scope{OrgID: emp.ID}, true},
		{"referred org, other case", b.Case.Reference, access.Scope{OrgID: emp.ID}, false},
		{"declined org", a.Case.Reference, access.Scope{OrgID: agency.ID}, false},
		{"zero scope", a.Case.Reference, access.Scope{}, false},
	} {
		rec, err := db.CaseInScope(ctx, c.ref, c.scope)
		if c.found && (err != nil || rec.Case.Reference != c.ref || len(rec.Case.Categories) != 1) {
			t.Errorf("%s: %v %+v", c.name, err, rec.Case)
		}
		if !c.found && apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("%s: error %v, want not found", c.name, err)
		}
	}
	f, err := db.CaseFacts(ctx, a.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.ReferredOrgs) != 1 || f.ReferredOrgs[0] != emp.ID || !f.ShareIdentity {
		t.Errorf("facts %+v", f)
	}
	if err := db.SetShareIdentity(ctx, a.Case.ID, false, testTime); err != nil {
		t.Fatal(err)
	}
	if f, _ = db.CaseFacts(ctx, a.Case.ID); f.ShareIdentity {
		t.Error("consent withdrawal not stored")
	}
	// A live referral to the same organisation cannot be made twice.
	dup := store.Referral{CaseID: a.Case.ID, OrgID: emp.ID, SentAt: testTime, AcknowledgeBy: testTime}
	if err := db.CreateReferral(ctx, &dup, "staff:1", nil); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("duplicate referral: %v", err)
	}
	got, err := db.Referral(ctx, r.ID)
	if err != nil || got.Org.Name != "Employer" || got.Status != grievance.ReferralSent || string(got.SealedNote) != "sealed" {
		t.Errorf("referral %+v %v", got, err)
	}
	// Acknowledging twice is a conflict.
	if err := db.AcknowledgeReferral(ctx, ra.ID, true, nil, testTime, "staff:2"); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("second answer: %v", err)
	}
}

func testCwStatusChange(t *testing.T, engine string) {
	db := openEngineDB(t, engine, true)
	ctx := context.Background()
	a := cwCase(t, db, 1)
	emp := cwOrg(t, db, org.Employer, "Employer")
	at := testTime.Add(time.Hour).Truncate(time.Millisecond)
	ch := &store.StatusChange{CaseID: a.Case.ID, From: grievance.StatusReceived, To: grievance.StatusAcknowledged, At: at,
		Actor: "staff:1", Deadline: at.Add(14 * 24 * time.Hour), DeadlineKind: grievance.DeadlineFirstResponse, Acknowledged: true,
		Notify: &store.WorkerNotice{Channel: "email", Template: "status_changed", SealedPayload: []byte("p")}}
	if err := db.ChangeStatus(ctx, ch); err != nil {
		t.Fatal(err)
	}
	counts := func() (events, jobs, outbox, audits int) {
		ev, _ := db.Events(ctx, a.Case.ID)
		jb, _ := db.JobsOfCase(ctx, a.Case.ID)
		ob, _ := db.OutboxOfCase(ctx, a.Case.ID)
		au, _ := db.AuditEntriesForCase(ctx, a.Case.Reference)
		return len(ev), len(jb), len(ob), len(au)
	}
	e0, j0, o0, a0 := counts()
	if e0 != 1 || j0 != 2 || o0 != 1 || a0 != 2 {
		t.Errorf("after one change: %d events, %d jobs, %d outbox, %d audit", e0, j0, o0, a0)
	}
	rec, err := db.CaseworkByID(ctx, a.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Case.Status != grievance.StatusAcknowledged || !rec.State.AcknowledgedAt.Equal(at) || !rec.State.DeadlineAt.Equal(ch.Deadline) {
		t.Errorf("state %+v", rec.State)
	}

	// A stale change (the case is no longer in From) writes nothing.
	if err := db.ChangeStatus(ctx, ch); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("stale change: %v", err)
	}
	// A referral whose status change is stale is rolled back whole.
	stale := &store.StatusChange{CaseID: a.Case.ID, From: grievance.StatusInReview, To: grievance.StatusReferred, At: at, Actor: "staff:1"}
	r := store.Referral{CaseID: a.Case.ID, OrgID: emp.ID, SentAt: at, AcknowledgeBy: at}
	if err := db.CreateReferral(ctx, &r, "staff:1", stale); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("referral with stale change: %v", err)
	}
	if e, j, o, au := counts(); e != e0 || j != j0 || o != o0 || au != a0 {
		t.Errorf("a refused change left rows: %d/%d/%d/%d events/jobs/outbox/audit", e, j, o, au)
	}
	if refs, _ := db.Referrals(ctx, a.Case.ID); len(refs) != 0 {
		t.Errorf("a refused referral was stored: %+v", refs)
	}
	if _, err := verifyChain(t, db); err != nil {
		t.Errorf("audit chain: %v", err)
	}

	// Reaching a final status stamps closed_at and resolves referrals.
	move := func(from, to grievance.Status) {
		t.Helper()
		if err := db.ChangeStatus(ctx, &store.StatusChange{CaseID: a.Case.ID, From: from, To: to, At: at, Actor: "staff:1"}); err != nil {
			t.Fatal(err)
		}
	}
	move(grievance.StatusAcknowledged, grievance.StatusInReview)
	ref := cwRefer(t, db, a.Case.ID, emp.ID, &store.StatusChange{CaseID: a.Case.ID, From: grievance.StatusInReview, To: grievance.StatusReferred, At: at, Actor: "staff:1", FirstResponse: true})
	move(grievance.StatusReferred, grievance.StatusWithdrawn)
	rec, _ = db.CaseworkByID(ctx, a.Case.ID)
	if rec.State.ClosedAt.IsZero() || rec.State.FirstResponseAt.IsZero() || !rec.State.DeadlineAt.IsZero() {
		t.Errorf("withdrawn state %+v", rec.State)
	}
	if got, _ := db.Referral(ctx, ref.ID); got.Status != grievance.ReferralResolved || got.ResolvedAt.IsZero() {
		t.Errorf("referral after withdrawal %+v", got)
	}
}

func testCwThreads(t *testing.T, engine string) {
	db := openEngineDB(t, engine, true)
	ctx := context.Background()
	a := cwCase(t, db, 1)
	emp := cwOrg(t, db, org.Employer, "Employer")
	r := cwRefer(t, db, a.Case.ID, emp.ID, nil)
	if err := db.AcknowledgeReferral(ctx, r.ID, true, nil, testTime, "staff:2"); err != nil {
		t.Fatal(err)
	}
	add := func(ref int64, body string, responded bool) {
		t.Helper()
		m := store.ThreadMessage{SealedMessage: store.SealedMessage{CaseID: a.Case.ID, Author: grievance.AuthorStaff, CreatedAt: testTime, SealedBody: []byte(body)}, ReferralID: ref}
		if err := db.AddThreadMessage(ctx, &m, responded, audit.Entry{At: testTime, Actor: "staff:1", Action: "message.added"}); err != nil {
			t.Fatal(err)
		}
	}
	add(0, "to worker", false)
	add(r.ID, "to employer", true)
	all, err := db.ThreadMessages(ctx, a.Case.ID)
	if err != nil || len(all) != 2 || all[1].ReferralID != r.ID {
		t.Fatalf("all threads %+v %v", all, err)
	}
	worker, err := db.WorkerThread(ctx, a.Case.ID)
	if err != nil || len(worker) != 1 || string(worker[0].SealedBody) != "to worker" {
		t.Errorf("worker thread %+v %v", worker, err)
	}
	if got, _ := db.Referral(ctx, r.ID); got.Status != grievance.ReferralResponded {
		t.Errorf("referral %s after its organisation answered", got.Status)
	}
}

func testCwRemedies(t *testing.T, engine string) {
	db := openEngineDB(t, engine, true)
	ctx := context.Background()
	a, b := cwCase(t, db, 1), cwCase(t, db, 2)
	emp := cwOrg(t, db, org.Employer, "Employer")
	m := store.Remedy{CaseID: a.Case.ID, Type: grievance.RemedyCompensation, ProviderOrgID: emp.ID, HasAmount: true, AmountMinor: 480000,
		Currency: "JPY", DueDate: "2026-12-10", SealedDescription: []byte("d"), ProposedAt: testTime}
	if err := db.CreateRemedy(ctx, &m, "staff:1", nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Remedy(ctx, a.Case.ID, m.ID)
	if err != nil || got.ProviderName != "Employer" || got.AmountMinor != 480000 || got.Status != grievance.RemedyProposed {
		t.Errorf("remedy %+v %v", got, err)
	}
	if _, err := db.Remedy(ctx, b.Case.ID, m.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("remedy through another case: %v", err)
	}
	if err := db.DecideRemedy(ctx, b.Case.ID, m.ID, true, testTime, nil); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("decide through another case: %v", err)
	}
	if err := db.ImplementRemedy(ctx, a.Case.ID, m.ID, []byte("e"), testTime, "staff:1", nil); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("implement before acceptance: %v", err)
	}
	if err := db.DecideRemedy(ctx, a.Case.ID, m.ID, true, testTime, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.ImplementRemedy(ctx, a.Case.ID, m.ID, []byte("e"), testTime, "staff:1", nil); err != nil {
		t.Fatal(err)
	}
	all, _ := db.Remedies(ctx, a.Case.ID)
	if len(all) != 1 || all[0].Status != grievance.RemedyImplemented || string(all[0].SealedEvidence) != "e" {
		t.Errorf("remedies %+v", all)
	}

	f := store.Feedback{CaseID: a.Case.ID, Round: 0, Satisfaction: 4, At: testTime}
	if err := db.AddFeedback(ctx, &f); err != nil {
		t.Fatal(err)
	}
	again := f
	if err := db.AddFeedback(ctx, &again); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("second round 0: %v", err)
	}
	f1 := store.Feedback{CaseID: a.Case.ID, Round: 1, Satisfaction: 2, Retaliation: true, At: testTime}
	if err := db.AddFeedback(ctx, &f1); err != nil {
		t.Fatal(err)
	}
	fb, _ := db.FeedbackOf(ctx, a.Case.ID)
	if len(fb) != 2 || !fb[1].Retaliation {
		t.Errorf("feedback %+v", fb)
	}
	names, err := db.StaffNames(ctx, []int64{12345})
	if err != nil || len(names) != 0 {
		t.Errorf("names of nobody: %+v %v", names, err)
	}
}
