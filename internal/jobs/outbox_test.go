package jobs_test

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"remedy/internal/intake"
	"remedy/internal/jobs"
	"remedy/internal/notify"
	"remedy/internal/notify/notifytest"
	"remedy/internal/store"
)

func TestOutboxEngines(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Run("StatusChangedEmail", func(t *testing.T) { testStatusChangedEmail(t, engine) })
			t.Run("RetryWithBackoff", func(t *testing.T) { testRetryWithBackoff(t, engine) })
			t.Run("GivesUp", func(t *testing.T) { testGivesUp(t, engine) })
			t.Run("CrashedSenderLease", func(t *testing.T) { testCrashedSenderLease(t, engine) })
			t.Run("TwoSendersSendOnce", func(t *testing.T) { testTwoSenders(t, engine) })
			t.Run("EscalationReachesAdmins", func(t *testing.T) { testEscalationMail(t, engine) })
		})
	}
}

// enqueue writes a notification as the casework service does: the
// recipient and language sealed under the case key.
func (e *env) enqueue(t *testing.T, c intake.Receipt, channel, template, to string) {
	t.Helper()
	rec, err := e.db.CaseByID(context.Background(), c.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	dek, err := e.keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := notify.SealPayload(dek, c.Reference, notify.Payload{To: to, Language: rec.Case.Language}, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now().UnixMilli()
	e.exec(t, `INSERT INTO outbox (case_id, channel, template, sealed_payload, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, c.CaseID, channel, template, sealed, now)
}

func (e *env) outbox(t *testing.T, db *store.DB, srv *notifytest.Server) *jobs.Outbox {
	t.Helper()
	smtp, err := notify.NewSMTP(notify.SMTPConfig{Addr: srv.Addr, From: "Remedy <no-reply@remedy.example>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &jobs.Outbox{DB: db, Keys: e.keys, Bundle: e.bundle, Senders: map[string]notify.Sender{notify.ChannelEmail: smtp},
		Now: e.clock.Now, Logger: e.logger()}
}

func runOutbox(t *testing.T, o *jobs.Outbox) jobs.OutboxStats {
	t.Helper()
	st, err := o.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (e *env) rows(t *testing.T, caseID int64) map[string]store.OutboxRecord {
	t.Helper()
	rs, err := e.db.OutboxOfCase(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.OutboxRecord{}
	for _, r := range rs {
		out[r.Channel+"/"+r.Template] = r
	}
	return out
}

// noAddressesLogged: logs (and last_error) never hold an address.
func (e *env) noAddressesLogged(t *testing.T) {
	t.Helper()
	for _, s := range []string{worker, "@mechanism.example", "@agency.example", "line-id-", narrative, employer} {
		if strings.Contains(e.logs.String(), s) {
			t.Errorf("logs contain %q:\n%s", s, e.logs.String())
		}
	}
	if n := e.count(t, "SELECT COUNT(*) FROM outbox WHERE last_error LIKE '%@%'"); n > 0 {
		t.Errorf("%d outbox rows keep an address in last_error", n)
	}
}

// testStatusChangedEmail: the worker's "status changed" email arrives in
// their language with nothing about the case; a channel without an
// adapter is kept as unsupported.
func testStatusChangedEmail(t *testing.T, engine string) {
	e := newEnv(t, engine)
	srv := notifytest.Start(t, notifytest.Options{})
	c := e.mustSubmit(t, "email", worker)
	e.enqueue(t, c, notify.ChannelEmail, notify.TemplateStatusChanged, worker)
	e.enqueue(t, c, "line", notify.TemplateStatusChanged, "line-id-4711")

	o := e.outbox(t, e.db, srv)
	if st := runOutbox(t, o); st != (jobs.OutboxStats{Sent: 1, Unsupported: 1}) {
		t.Fatalf("first pass: %+v", st)
	}
	mails := srv.Mails()
	if len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0] != worker {
		t.Fatalf("mails: %+v", mails)
	}
	d, err := mails[0].Decode()
	if err != nil {
		t.Fatal(err)
	}
	vi := e.bundle.Printer("vi")
	if d.Subject != vi.T("notify.status_changed.subject") || !strings.Contains(d.Body, vi.T("notify.status_changed.body")) ||
		d.Header.Get("Content-Language") != "vi" {
		t.Errorf("not the Vietnamese message: %q\n%s", d.Subject, d.Body)
	}
	for _, secret := range []string{narrative, employer, c.Reference, "Nguyen", "wages", "lương"} {
		if strings.Contains(d.Subject+d.Body+string(mails[0].Data), secret) {
			t.Errorf("the worker's email contains %q", secret)
		}
	}
	rows := e.rows(t, c.CaseID)
	if r := rows["email/status_changed"]; r.Status != store.OutboxSent || r.Attempts != 1 || r.SentAt.IsZero() {
		t.Errorf("email row: %+v", r)
	}
	if r := rows["line/status_changed"]; r.Status != store.OutboxUnsupported || r.Attempts != 0 || len(r.SealedPayload) == 0 {
		t.Errorf("line row (kept, unsupported): %+v", r)
	}
	// Nothing is sent twice.
	e.clock.Advance(time.Hour)
	if st := runOutbox(t, e.outbox(t, e.db, srv)); st != (jobs.OutboxStats{}) || len(srv.Mails()) != 1 {
		t.Errorf("second pass: %+v, %d mails", st, len(srv.Mails()))
	}
	e.noAddressesLogged(t)
}

// testRetryWithBackoff: a failing mail server is tried again later and
// later, and the message goes out once it answers.
func testRetryWithBackoff(t *testing.T, engine string) {
	e := newEnv(t, engine)
	srv := notifytest.Start(t, notifytest.Options{})
	c := e.mustSubmit(t, "email", worker)
	e.enqueue(t, c, notify.ChannelEmail, notify.TemplateStatusChanged, worker)
	srv.FailNext(2, 451, "4.2.1 mailbox busy, try later:")
	o := e.outbox(t, e.db, srv)

	step := func(what string, want jobs.OutboxStats, attempts int, status string) store.OutboxRecord {
		t.Helper()
		if st := runOutbox(t, o); st != want {
			t.Fatalf("%s: %+v, want %+v", what, st, want)
		}
		r := e.rows(t, c.CaseID)["email/status_changed"]
		if r.Attempts != attempts || r.Status != status {
			t.Fatalf("%s: row %+v, want %d attempts, %s", what, r, attempts, status)
		}
		return r
	}
	r := step("first try", jobs.OutboxStats{Retried: 1}, 1, store.OutboxPending)
	if !r.NextAttemptAt.Equal(e.clock.Now().Add(time.Minute)) || r.LastError != "smtp rcpt: reply 451" {
		t.Errorf("after the first failure: next %v, last_error %q", r.NextAttemptAt, r.LastError)
	}
	sessions := srv.Sessions()
	step("at once", jobs.OutboxStats{}, 1, store.OutboxPending)
	if srv.Sessions() != sessions {
		t.Error("tried again before the backoff")
	}
	e.clock.Advance(time.Minute)
	r = step("second try", jobs.OutboxStats{Retried: 1}, 2, store.OutboxPending)
	if !r.NextAttemptAt.Equal(e.clock.Now().Add(2 * time.Minute)) {
		t.Errorf("the second backoff is %v, want 2 min", r.NextAttemptAt.Sub(e.clock.Now()))
	}
	e.clock.Advance(time.Minute)
	step("before the second backoff ends", jobs.OutboxStats{}, 2, store.OutboxPending)
	e.clock.Advance(time.Minute)
	r = step("third try", jobs.OutboxStats{Sent: 1}, 3, store.OutboxSent)
	if r.LastError != "" || len(srv.Mails()) != 1 {
		t.Errorf("after success: last_error %q, %d mails", r.LastError, len(srv.Mails()))
	}
	e.noAddressesLogged(t)
}

// testGivesUp: after MaxAttempts a row is failed (and kept); a mailbox the
// server refuses for good fails at once.
func testGivesUp(t *testing.T, engine string) {
	e := newEnv(t, engine)
	srv := notifytest.Start(t, notifytest.Options{})
	c := e.mustSubmit(t, "email", worker)
	e.enqueue(t, c, notify.ChannelEmail, notify.TemplateStatusChanged, worker)
	o := e.outbox(t, e.db, srv)
	o.MaxAttempts = 3
	srv.FailNext(100, 421, "4.3.2 service not available")
	for i := range 3 {
		runOutbox(t, o)
		e.clock.Advance(time.Duration(1<<i) * time.Minute)
	}
	r := e.rows(t, c.CaseID)["email/status_changed"]
	if r.Status != store.OutboxFailed || r.Attempts != 3 || r.LastError != "smtp rcpt: reply 421" {
		t.Errorf("after 3 failures: %+v", r)
	}
	e.clock.Advance(24 * time.Hour)
	if st := runOutbox(t, o); st != (jobs.OutboxStats{}) {
		t.Errorf("a failed row was tried again: %+v", st)
	}

	other := e.mustSubmit(t, "email", worker)
	e.enqueue(t, other, notify.ChannelEmail, notify.TemplateStatusChanged, worker)
	srv.FailNext(1, 550, "5.1.1 no such user")
	if st := runOutbox(t, o); st != (jobs.OutboxStats{Failed: 1}) {
		t.Errorf("550 at RCPT: %+v", st)
	}
	if r := e.rows(t, other.CaseID)["email/status_changed"]; r.Status != store.OutboxFailed || r.LastError != "smtp rcpt: reply 550" {
		t.Errorf("after 550: %+v", r)
	}
	e.noAddressesLogged(t)
}

// testCrashedSenderLease: a row leased by a sender that then died is not
// sent by another until the lease runs out, and then exactly once.
func testCrashedSenderLease(t *testing.T, engine string) {
	e := newEnv(t, engine)
	srv := notifytest.Start(t, notifytest.Options{})
	c := e.mustSubmit(t, "email", worker)
	e.enqueue(t, c, notify.ChannelEmail, notify.TemplateStatusChanged, worker)
	taken, err := e.db.ClaimOutbox(context.Background(), "crashed", e.clock.Now(), 5*time.Minute, 10)
	if err != nil || len(taken) != 1 {
		t.Fatalf("claim: %v %v", taken, err)
	}
	o := e.outbox(t, e.open(t), srv) // restarted process
	if st := runOutbox(t, o); st != (jobs.OutboxStats{}) {
		t.Errorf("a leased row was taken: %+v", st)
	}
	e.clock.Advance(5 * time.Minute)
	if st := runOutbox(t, o); st != (jobs.OutboxStats{Sent: 1}) || len(srv.Mails()) != 1 {
		t.Errorf("after the lease ran out: %+v, %d mails", st, len(srv.Mails()))
	}
	// The crashed sender, were it to come back, no longer holds the row.
	if held, err := e.db.FinishOutbox(context.Background(), taken[0].ID, "crashed", store.OutboxSent, true, "", e.clock.Now()); err != nil || held {
		t.Errorf("a stale lease finished the row: %v %v", held, err)
	}
}

// testTwoSenders: two processes sending at once send every row once.
func testTwoSenders(t *testing.T, engine string) {
	e := newEnv(t, engine)
	srv := notifytest.Start(t, notifytest.Options{})
	const n = 15
	for range n {
		c := e.mustSubmit(t, "email", worker)
		e.enqueue(t, c, notify.ChannelEmail, notify.TemplateStatusChanged, worker)
	}
	handles := []*store.DB{e.db, e.open(t)}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			o := e.outbox(t, handles[i%2], srv)
			o.Batch = 3
			for range 6 {
				if _, err := o.RunOnce(context.Background()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := len(srv.Mails()); got != n {
		t.Errorf("%d mails for %d notifications", got, n)
	}
	if got := e.count(t, "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts = 1"); got != n {
		t.Errorf("%d rows sent once, want %d", got, n)
	}
}

// testEscalationMail: a missed deadline reaches each mechanism admin's
// mailbox, in the organisation's language, with the reference and no
// content of the case.
func testEscalationMail(t *testing.T, engine string) {
	e := newEnv(t, engine)
	srv := notifytest.Start(t, notifytest.Options{})
	e.mustWorld(t)
	c := e.mustSubmit(t, "email", worker)
	e.clock.Advance(75 * time.Hour)
	if st := runOnce(t, e.deadlines(e.db)); st.Escalated != 1 {
		t.Fatalf("%+v", st)
	}
	if st := runOutbox(t, e.outbox(t, e.db, srv)); st != (jobs.OutboxStats{Sent: 2}) {
		t.Fatalf("outbox: %+v", st)
	}
	ja := e.bundle.Printer("ja")
	got := map[string]bool{}
	for _, m := range srv.Mails() {
		got[m.To[0]] = true
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if d.Subject != ja.T("notify.deadline_missed.subject", c.Reference) || !strings.Contains(d.Body, ja.T("notify.stage.acknowledge")) ||
			!strings.Contains(d.Body, ja.T("notify.duration.hours", 3, 0)) {
			t.Errorf("escalation mail: %q\n%s", d.Subject, d.Body)
		}
		for _, secret := range []string{narrative, employer, worker, "Nguyen"} {
			if strings.Contains(d.Body, secret) {
				t.Errorf("escalation mail contains %q", secret)
			}
		}
	}
	if !got[mechanismAdmins[0]] || !got[mechanismAdmins[1]] || len(got) != 2 {
		t.Errorf("mail went to %v, want the mechanism's admins", got)
	}
	e.noAddressesLogged(t)
}
