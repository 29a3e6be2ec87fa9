package jobs_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/jobs"
	"remedy/internal/notify"
	"remedy/internal/store"
)

func TestDeadlineEngines(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Run("MissedAcknowledgementEscalatesOnce", func(t *testing.T) { testMissedAcknowledgement(t, engine) })
			t.Run("ConcurrentWorkersEscalateOnce", func(t *testing.T) { testConcurrentWorkers(t, engine) })
			t.Run("AcknowledgedInTimeIsMet", func(t *testing.T) { testAcknowledgedInTime(t, engine) })
			t.Run("ReferralNotAcknowledged", func(t *testing.T) { testReferral(t, engine) })
			t.Run("FailedDecisionLeavesNothing", func(t *testing.T) { testFailedDecision(t, engine) })
		})
	}
}

func runOnce(t *testing.T, d *jobs.Deadlines) jobs.DeadlineStats {
	t.Helper()
	st, err := d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// testMissedAcknowledgement: a case nobody acknowledges escalates once
// when the clock passes its deadline, and never again: not on the next
// run, not after a restart.
func testMissedAcknowledgement(t *testing.T, engine string) {
	e := newEnv(t, engine)
	e.mustWorld(t)
	c := e.mustSubmit(t, "email", worker)
	if got := c.AcknowledgeBy.Sub(e.clock.Now()); got != 72*time.Hour {
		t.Fatalf("a high-risk case gets %v to be acknowledged; the test assumes 72h", got)
	}

	// Before the deadline nothing is due.
	e.clock.Advance(72*time.Hour - time.Minute)
	if st := runOnce(t, e.deadlines(e.db)); st != (jobs.DeadlineStats{}) {
		t.Fatalf("before the deadline: %+v", st)
	}
	if e.caseOverdue(t, c.CaseID) {
		t.Fatal("overdue before the deadline")
	}

	e.clock.Advance(2 * time.Hour)
	if st := runOnce(t, e.deadlines(e.db)); st.Escalated != 1 || st.Met != 0 {
		t.Fatalf("after the deadline: %+v", st)
	}
	if !e.caseOverdue(t, c.CaseID) {
		t.Error("case not marked overdue")
	}
	x := e.escalations(t, c)
	if x.events != 1 || x.audits != 1 || !reflect.DeepEqual(x.recipients, mechanismAdmins) {
		t.Fatalf("escalation: %d events, %d audit entries, mail to %v; want 1, 1, %v", x.events, x.audits, x.recipients, mechanismAdmins)
	}
	if x.languages[mechanismAdmins[0]] != "ja" || !x.stages[grievance.DeadlineAcknowledge] || len(x.stages) != 1 {
		t.Errorf("language %v, stages %v; want ja, acknowledge", x.languages, x.stages)
	}
	job := e.jobsOf(t, c.CaseID)[store.JobAcknowledgeDeadline]
	if job.Result != store.JobResultEscalated || job.DoneAt.IsZero() {
		t.Errorf("job after escalation: %+v", job)
	}
	var status, from string
	if err := e.raw.QueryRow("SELECT status FROM cases WHERE id = $1", c.CaseID).Scan(&status); err != nil || status != "received" {
		t.Errorf("the worker changed the case's status: %q %v", status, err)
	}
	if err := e.raw.QueryRow("SELECT from_status FROM case_events WHERE case_id = $1 AND kind = 'deadline_missed'", c.CaseID).Scan(&from); err != nil || from != "received" {
		t.Errorf("event from_status %q %v", from, err)
	}

	// Again, the same worker; then a restart: a new worker on a new
	// handle, a day later.
	if st := runOnce(t, e.deadlines(e.db)); st != (jobs.DeadlineStats{}) {
		t.Errorf("second run: %+v", st)
	}
	e.clock.Advance(24 * time.Hour)
	if st := runOnce(t, e.deadlines(e.open(t))); st != (jobs.DeadlineStats{}) {
		t.Errorf("after restart: %+v", st)
	}
	if again := e.escalations(t, c); again.events != 1 || again.audits != 1 || len(again.recipients) != 2 {
		t.Errorf("escalated again: %+v", again)
	}
	verifyAudit(t, e.db)
	for _, secret := range []string{narrative, employer, worker, "Nguyen"} {
		if strings.Contains(e.logs.String(), secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
	if strings.Contains(e.logs.String(), "@mechanism.example") {
		t.Error("logs contain a staff address")
	}
}

// testConcurrentWorkers: workers in two "processes" (two handles on one
// database), several goroutines each, all running at once over the same
// due jobs: every breach escalates exactly once.
func testConcurrentWorkers(t *testing.T, engine string) {
	e := newEnv(t, engine)
	e.mustWorld(t)
	const n = 12
	var cases []int64
	for range n {
		cases = append(cases, e.mustSubmit(t, "none", "").CaseID)
	}
	e.clock.Advance(73 * time.Hour)
	handles := [](*store.DB){e.db, e.open(t)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := jobs.DeadlineStats{}
	for i := range 6 {
		wg.Go(func() {
			d := e.deadlines(handles[i%2])
			d.Batch = 5 // several passes, interleaved
			for range 4 {
				st, err := d.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				total.Escalated += st.Escalated
				total.Met += st.Met
				total.Failed += st.Failed
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// Whatever was skipped as busy is picked up by one more pass.
	st := runOnce(t, e.deadlines(e.db))
	total.Escalated += st.Escalated
	if total.Escalated != n || total.Met != 0 || total.Failed != 0 {
		t.Fatalf("%d cases escalated %+v", n, total)
	}
	if got := e.count(t, "SELECT COUNT(*) FROM case_events WHERE kind = 'deadline_missed'"); got != n {
		t.Errorf("%d escalation events for %d cases", got, n)
	}
	if got := e.count(t, "SELECT COUNT(*) FROM outbox WHERE template = 'deadline_missed'"); got != n*len(mechanismAdmins) {
		t.Errorf("%d notifications, want %d", got, n*len(mechanismAdmins))
	}
	if got := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.deadline_missed'"); got != n {
		t.Errorf("%d audit entries, want %d", got, n)
	}
	for _, id := range cases {
		if !e.caseOverdue(t, id) {
			t.Errorf("case %d not overdue", id)
		}
	}
	verifyAudit(t, e.db)
}

// acknowledge does to a case what the casework service's transition to
// acknowledged does: new status, the first-response deadline, its job.
func acknowledge(t *testing.T, e *env, caseID int64, at time.Time) time.Time {
	t.Helper()
	next := at.Add(grievance.DefaultStageLimits.FirstResponse)
	e.exec(t, `UPDATE cases SET status = 'acknowledged', acknowledged_at = $1, deadline_at = $2,
		deadline_kind = 'first_response', overdue = FALSE WHERE id = $3`, at.UnixMilli(), next.UnixMilli(), caseID)
	e.exec(t, "INSERT INTO jobs (kind, case_id, run_at, created_at) VALUES ($1, $2, $3, $4)",
		store.JobStageDeadline, caseID, next.UnixMilli(), at.UnixMilli())
	return next
}

// testAcknowledgedInTime: a case acknowledged before its deadline is
// "met" without any escalation; the next stage's limit still escalates.
func testAcknowledgedInTime(t *testing.T, engine string) {
	e := newEnv(t, engine)
	e.mustWorld(t)
	c := e.mustSubmit(t, "email", worker)
	other := e.mustSubmit(t, "none", "") // not acknowledged: escalates beside it
	e.clock.Advance(10 * time.Hour)
	firstResponseBy := acknowledge(t, e, c.CaseID, e.clock.Now())

	e.clock.Advance(63 * time.Hour) // past the acknowledgement deadline
	if st := runOnce(t, e.deadlines(e.db)); st.Met != 1 || st.Escalated != 1 {
		t.Fatalf("after the acknowledgement deadline: %+v", st)
	}
	if e.caseOverdue(t, c.CaseID) || !e.caseOverdue(t, other.CaseID) {
		t.Error("the acknowledged case is overdue, or the other is not")
	}
	if x := e.escalations(t, c); x.events != 0 || x.audits != 0 || len(x.recipients) != 0 {
		t.Errorf("an acknowledged case escalated: %+v", x)
	}
	if j := e.jobsOf(t, c.CaseID)[store.JobAcknowledgeDeadline]; j.Result != store.JobResultMet || j.DoneAt.IsZero() {
		t.Errorf("acknowledgement job: %+v", j)
	}

	// The first substantive response is due 14 days after acknowledgement.
	e.clock.Advance(firstResponseBy.Sub(e.clock.Now()) + time.Second)
	if st := runOnce(t, e.deadlines(e.db)); st.Escalated != 1 {
		t.Fatalf("after the first-response deadline: %+v", st)
	}
	x := e.escalations(t, c)
	if !e.caseOverdue(t, c.CaseID) || x.events != 1 || !x.stages[grievance.DeadlineFirstResponse] || len(x.recipients) != 2 {
		t.Errorf("first-response escalation: overdue=%v %+v", e.caseOverdue(t, c.CaseID), x)
	}

	// A stage job whose stage is over (the case moved on and got a new
	// deadline) is met, as is the acknowledgement job of that case.
	moved := e.mustSubmit(t, "none", "")
	at := e.clock.Now()
	old := acknowledge(t, e, moved.CaseID, at)
	e.exec(t, "UPDATE cases SET status = 'in_review', deadline_at = $1 WHERE id = $2", old.Add(time.Hour).UnixMilli(), moved.CaseID)
	e.clock.Advance(old.Sub(at) + time.Minute)
	if st := runOnce(t, e.deadlines(e.db)); st.Escalated != 0 || st.Met != 2 {
		t.Errorf("a case that moved on: %+v; want 2 met", st)
	}
	if e.escalations(t, moved).events != 0 {
		t.Error("a stage that was over escalated")
	}
	for kind, j := range e.jobsOf(t, moved.CaseID) {
		if j.Result != store.JobResultMet {
			t.Errorf("moved case, %s job: %+v", kind, j)
		}
	}
}

// testReferral: a referral nobody acknowledges within 5 days marks the
// referral overdue and mails the referred organisation's admins and the
// mechanism's; one acknowledged in time is met.
func testReferral(t *testing.T, engine string) {
	e := newEnv(t, engine)
	w := e.mustWorld(t)
	c := e.mustSubmit(t, "email", worker)
	now := e.clock.Now()
	// As casework's referral would: the case is referred with a remedy
	// proposal deadline, each referral gets its acknowledgement deadline.
	acknowledge(t, e, c.CaseID, now)
	remedyBy := now.Add(grievance.DefaultStageLimits.RemedyProposal)
	e.exec(t, "UPDATE cases SET status = 'referred', deadline_at = $1, deadline_kind = 'remedy_proposal' WHERE id = $2", remedyBy.UnixMilli(), c.CaseID)
	ackBy := now.Add(grievance.DefaultStageLimits.ReferralAcknowledge)
	refer := func(orgID int64) int64 {
		var id int64
		if err := e.raw.QueryRow(`INSERT INTO referrals (case_id, org_id, status, sent_at, acknowledge_by)
			VALUES ($1, $2, 'sent', $3, $4) RETURNING id`, c.CaseID, orgID, now.UnixMilli(), ackBy.UnixMilli()).Scan(&id); err != nil {
			t.Fatal(err)
		}
		e.exec(t, "INSERT INTO jobs (kind, case_id, ref_id, run_at, created_at) VALUES ($1, $2, $3, $4, $5)",
			store.JobReferralDeadline, c.CaseID, id, ackBy.UnixMilli(), now.UnixMilli())
		return id
	}
	toAgency, toEmployer := refer(w.agency), refer(w.employer)
	e.clock.Advance(24 * time.Hour)
	e.exec(t, "UPDATE referrals SET status = 'acknowledged', acknowledged_at = $1 WHERE id = $2", e.clock.Now().UnixMilli(), toEmployer)

	e.clock.Advance(4*24*time.Hour - time.Minute)
	// Only the case's acknowledgement job is due: met, it moved on.
	if st := runOnce(t, e.deadlines(e.db)); st != (jobs.DeadlineStats{Met: 1}) {
		t.Fatalf("before 5 days: %+v", st)
	}
	e.clock.Advance(2 * time.Minute)
	if st := runOnce(t, e.deadlines(e.db)); st != (jobs.DeadlineStats{Met: 1, Escalated: 1}) {
		t.Fatalf("after 5 days: %+v; want the agency's referral escalated, the employer's met", st)
	}
	overdue := func(id int64) bool {
		var b bool
		if err := e.raw.QueryRow("SELECT overdue FROM referrals WHERE id = $1", id).Scan(&b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !overdue(toAgency) || overdue(toEmployer) {
		t.Errorf("referral overdue: agency %v (want true), employer %v (want false)", overdue(toAgency), overdue(toEmployer))
	}
	if e.caseOverdue(t, c.CaseID) {
		t.Error("the case itself marked overdue for its referral's deadline")
	}
	x := e.escalations(t, c)
	want := []string{"admin1@mechanism.example", "admin2@mechanism.example", "admin@agency.example"}
	if x.events != 1 || x.audits != 1 || !reflect.DeepEqual(x.recipients, want) {
		t.Fatalf("referral escalation: %+v; want mail to %v", x, want)
	}
	if x.languages["admin@agency.example"] != "vi" || !x.stages[notify.StageReferralAcknowledge] {
		t.Errorf("languages %v stages %v", x.languages, x.stages)
	}
	var ref int64
	if err := e.raw.QueryRow("SELECT ref_id FROM case_events WHERE case_id = $1 AND kind = 'deadline_missed'", c.CaseID).Scan(&ref); err != nil || ref != toAgency {
		t.Errorf("event ref_id %d %v, want the referral %d", ref, err, toAgency)
	}
	if st := runOnce(t, e.deadlines(e.open(t))); st != (jobs.DeadlineStats{}) {
		t.Errorf("after restart: %+v", st)
	}
}

// failingReader fails every read: sealing a notification fails half-way
// through a decision, as a crash would.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no randomness") }

// testFailedDecision: a decision that fails half-way leaves nothing
// behind (no overdue flag, event, audit entry or notification), waits, and
// is then decided exactly once.
func testFailedDecision(t *testing.T, engine string) {
	e := newEnv(t, engine)
	e.mustWorld(t)
	c := e.mustSubmit(t, "none", "")
	e.clock.Advance(73 * time.Hour)
	broken := e.deadlines(e.db)
	broken.Rand = failingReader{}
	if st := runOnce(t, broken); st.Failed != 1 || st.Escalated != 0 {
		t.Fatalf("broken worker: %+v", st)
	}
	if x := e.escalations(t, c); e.caseOverdue(t, c.CaseID) || x.events != 0 || x.audits != 0 || len(x.recipients) != 0 {
		t.Fatalf("a failed decision left %+v (overdue %v)", x, e.caseOverdue(t, c.CaseID))
	}
	j := e.jobsOf(t, c.CaseID)[store.JobAcknowledgeDeadline]
	if !j.DoneAt.IsZero() || j.Attempts != 1 || j.LastError != "sealing a notification failed" {
		t.Errorf("job after failure: %+v", j)
	}
	// It waits before the next try.
	if st := runOnce(t, e.deadlines(e.db)); st != (jobs.DeadlineStats{}) {
		t.Errorf("retried at once: %+v", st)
	}
	e.clock.Advance(time.Minute)
	if st := runOnce(t, e.deadlines(e.db)); st.Escalated != 1 {
		t.Errorf("after the wait: %+v", st)
	}
	if x := e.escalations(t, c); x.events != 1 || x.audits != 1 || len(x.recipients) != 2 {
		t.Errorf("after the retry: %+v", x)
	}
	verifyAudit(t, e.db)
}

func TestMissed(t *testing.T) {
	runAt := time.Date(2026, 11, 5, 9, 30, 0, 0, time.UTC)
	other := runAt.Add(14 * 24 * time.Hour)
	subj := func(kind string, status grievance.Status, deadline time.Time, dkind string, r *store.JobReferral) store.JobSubject {
		return store.JobSubject{
			Job:      store.Job{Kind: kind, RunAt: runAt},
			Case:     store.JobCase{Status: status, DeadlineAt: deadline, DeadlineKind: dkind},
			Referral: r,
		}
	}
	sent := &store.JobReferral{Status: "sent", AcknowledgeBy: runAt}
	tests := []struct {
		name  string
		s     store.JobSubject
		miss  bool
		stage string
	}{
		{"not acknowledged", subj(store.JobAcknowledgeDeadline, "received", runAt, "acknowledge", nil), true, "acknowledge"},
		{"acknowledged", subj(store.JobAcknowledgeDeadline, "acknowledged", other, "first_response", nil), false, "acknowledge"},
		{"acknowledged, deadline not yet moved", subj(store.JobAcknowledgeDeadline, "acknowledged", runAt, "acknowledge", nil), false, "acknowledge"},
		{"withdrawn", subj(store.JobAcknowledgeDeadline, "withdrawn", runAt, "acknowledge", nil), false, "acknowledge"},
		{"out of scope", subj(store.JobAcknowledgeDeadline, "out_of_scope", time.Time{}, "", nil), false, "acknowledge"},
		{"deadline extended", subj(store.JobAcknowledgeDeadline, "received", other, "acknowledge", nil), false, "acknowledge"},
		{"stage still current", subj(store.JobStageDeadline, "in_review", runAt, "first_response", nil), true, "first_response"},
		{"stage over", subj(store.JobStageDeadline, "referred", other, "remedy_proposal", nil), false, "remedy_proposal"},
		{"stage without limit", subj(store.JobStageDeadline, "remedy_accepted", time.Time{}, "", nil), false, ""},
		{"closed", subj(store.JobStageDeadline, "closed", runAt, "first_response", nil), false, "first_response"},
		{"referral sent", subj(store.JobReferralDeadline, "referred", other, "remedy_proposal", sent), true, "referral_acknowledge"},
		{"referral acknowledged", subj(store.JobReferralDeadline, "referred", other, "remedy_proposal",
			&store.JobReferral{Status: "acknowledged", AcknowledgeBy: runAt, AcknowledgedAt: runAt.Add(-time.Hour)}), false, "referral_acknowledge"},
		{"referral declined", subj(store.JobReferralDeadline, "referred", other, "remedy_proposal",
			&store.JobReferral{Status: "declined", AcknowledgeBy: runAt, AcknowledgedAt: runAt.Add(-time.Hour)}), false, "referral_acknowledge"},
		{"referral gone", subj(store.JobReferralDeadline, "referred", other, "remedy_proposal", nil), false, "referral_acknowledge"},
		{"referral of a closed case", subj(store.JobReferralDeadline, "closed", time.Time{}, "", sent), false, "referral_acknowledge"},
		{"unknown kind", subj("party", "received", runAt, "acknowledge", nil), false, ""},
	}
	for _, tt := range tests {
		miss, stage := jobs.Missed(tt.s)
		if miss != tt.miss || stage != tt.stage {
			t.Errorf("%s: Missed = %v, %q; want %v, %q", tt.name, miss, stage, tt.miss, tt.stage)
		}
	}
}
