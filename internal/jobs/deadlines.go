// Package jobs runs the durable background work: deadline checks that
// escalate a missed time limit exactly once, and the outbox sender that
// delivers notifications. Jobs and outbox rows are written by the change
// that causes them, in its transaction (internal/store/jobs.go); these
// workers only take them from the database, so they survive restarts and
// may run in several processes at once on PostgreSQL.
//
// Both workers take their clock (Now) and randomness from their fields, so
// tests move time instead of waiting.
package jobs

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/notify"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// Kinds this worker decides. DueJobs leaves other kinds to a process that
// knows them (during a rolling upgrade, say).
var deadlineKinds = []string{store.JobAcknowledgeDeadline, store.JobStageDeadline, store.JobReferralDeadline}

// EventDeadlineMissed is the case_events kind of an escalation.
const EventDeadlineMissed = "deadline_missed"

// Deadlines checks due deadline jobs. For each, in one transaction: if the
// case (or referral) left the stage in time the job is done as "met";
// otherwise the case (or referral) is marked overdue, the timeline gets a
// deadline_missed event, the audit trail an entry, the mechanism's admins
// (and for a referral the referred organisation's admins) an email each
// through the outbox, and the job is done as "escalated". The job's done_at
// is set in that same transaction and a done job is never taken again, so
// a breach escalates exactly once whatever the number of workers, crashes
// or restarts.
type Deadlines struct {
	DB     *store.DB
	Keys   *vault.Keyring
	Now    func() time.Time
	Rand   io.Reader
	Logger *slog.Logger
	// Interval between polls (default 5 s).
	Interval time.Duration
	// Batch is how many due jobs one poll takes at most (default 100).
	Batch int
	// RetryAfter is how long a job whose transaction failed waits before
	// it is tried again (default 1 min).
	RetryAfter time.Duration
}

// DeadlineStats counts what one pass did.
type DeadlineStats struct {
	Met, Escalated, Skipped, Failed int
}

func (d *Deadlines) defaults() {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Rand == nil {
		d.Rand = rand.Reader
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Interval <= 0 {
		d.Interval = 5 * time.Second
	}
	if d.Batch <= 0 {
		d.Batch = 100
	}
	if d.RetryAfter <= 0 {
		d.RetryAfter = time.Minute
	}
}

// Run polls until ctx ends. A job being decided when ctx ends is finished
// first (its transaction is short and not cancelled half-way).
func (d *Deadlines) Run(ctx context.Context) {
	d.defaults()
	loop(ctx, d.Interval, func() {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.Logger.Error("deadline jobs", "err", err)
		}
	})
}

// RunOnce decides every job due now (up to Batch), one transaction each,
// and stops early when ctx ends.
func (d *Deadlines) RunOnce(ctx context.Context) (DeadlineStats, error) {
	d.defaults()
	var st DeadlineStats
	now := d.Now()
	ids, err := d.DB.DueJobs(ctx, now, deadlineKinds, d.Batch)
	if err != nil {
		return st, err
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		// The job's own transaction is not cut short by shutdown: it
		// either commits whole or rolls back whole anyway, and finishing
		// it is what "waiting for the in-flight job" means.
		jctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		ran, out, err := d.DB.RunJob(jctx, id, d.Now(), d.decide)
		cancel()
		switch {
		case err != nil:
			st.Failed++
			reason := "job failed"
			var de decideError
			if errors.As(err, &de) {
				reason = string(de)
			}
			// Log the job, never the case's content; the error text
			// comes from the store or the vault, which hold none.
			d.Logger.Error("deadline job failed; will retry", "job", id, "err", err)
			if derr := d.DB.DeferJob(context.WithoutCancel(ctx), id, d.Now().Add(d.RetryAfter), reason); derr != nil {
				d.Logger.Error("deadline job: record failure", "job", id, "err", derr)
			}
		case !ran:
			st.Skipped++
		case out.Result == store.JobResultEscalated:
			st.Escalated++
			d.Logger.Info("deadline missed: escalated", "job", id, "notified", len(out.Notifications))
			if len(out.Notifications) == 0 {
				d.Logger.Warn("deadline missed but nobody to tell: add an admin to the mechanism organisation", "job", id)
			}
		default:
			st.Met++
		}
	}
	return st, nil
}

// decideError is a failure whose text is safe to store with the job.
type decideError string

func (e decideError) Error() string { return string(e) }

// decide is called by RunJob inside the job's transaction.
func (d *Deadlines) decide(s store.JobSubject) (store.JobOutcome, error) {
	now := d.Now()
	missed, stage := Missed(s)
	if !missed {
		return store.JobOutcome{Result: store.JobResultMet}, nil
	}
	out := store.JobOutcome{
		Result: store.JobResultEscalated,
		Event:  &store.JobEvent{Kind: EventDeadlineMissed, FromStatus: s.Case.Status},
	}
	detail := fmt.Sprintf("job=%d stage=%s deadline=%s late=%s", s.Job.ID, stage,
		s.Job.RunAt.UTC().Format(time.RFC3339), now.Sub(s.Job.RunAt).Truncate(time.Second))
	if s.Referral != nil {
		out.MarkReferralOverdue = true
		out.Event.RefID = s.Referral.ID
		detail += fmt.Sprintf(" referral=%d org=%d", s.Referral.ID, s.Referral.OrgID)
	} else {
		out.MarkCaseOverdue = true
	}
	dek, err := d.Keys.UnwrapDataKey(s.Case.WrappedKey)
	if err != nil {
		return out, decideError("case key unreadable")
	}
	seen := map[string]bool{}
	for _, t := range s.Targets {
		if seen[t.Email] {
			continue
		}
		seen[t.Email] = true
		p := notify.Payload{To: t.Email, Language: staffLanguage(t.Languages), Reference: s.Case.Reference,
			Stage: stage, DeadlineAt: s.Job.RunAt}
		sealed, err := notify.SealPayload(dek, s.Case.Reference, p, d.Rand)
		if err != nil {
			return out, decideError("sealing a notification failed")
		}
		out.Notifications = append(out.Notifications, store.Notification{
			Channel: notify.ChannelEmail, Template: notify.TemplateDeadlineMissed, SealedPayload: sealed})
	}
	detail += fmt.Sprintf(" notified=%d", len(out.Notifications))
	out.Audit = &audit.Entry{At: now, Actor: "system", Action: "case.deadline_missed", Detail: detail}
	return out, nil
}

// Missed reports whether the deadline a job watches was missed, and names
// the stage. A deadline is met when the case (or referral) left the stage
// the job was scheduled for, which shows as a change of the stage's
// deadline: each transition that starts a stage writes a new deadline_at
// (and schedules a new job for it), so a job whose run_at no longer equals
// the case's deadline_at watched a stage that is over. A closed, withdrawn
// or out-of-scope case has no deadline to miss.
func Missed(s store.JobSubject) (bool, string) {
	c, j := s.Case, s.Job
	open := grievance.IsOpen(c.Status)
	current := !c.DeadlineAt.IsZero() && c.DeadlineAt.Equal(j.RunAt)
	switch j.Kind {
	case store.JobAcknowledgeDeadline:
		return open && c.Status == grievance.StatusReceived && current && c.DeadlineKind == grievance.DeadlineAcknowledge,
			grievance.DeadlineAcknowledge
	case store.JobStageDeadline:
		return open && current && c.DeadlineKind != "", c.DeadlineKind
	case store.JobReferralDeadline:
		r := s.Referral
		return open && r != nil && r.Status == string(grievance.ReferralSent) && r.AcknowledgedAt.IsZero() && r.AcknowledgeBy.Equal(j.RunAt),
			notify.StageReferralAcknowledge
	}
	return false, ""
}

// staffLanguage is the first of an organisation's languages that has a
// catalog, or the default.
func staffLanguage(langs []string) string {
	for _, l := range langs {
		if code, ok := i18n.Parse(l); ok {
			return code
		}
	}
	return i18n.Default
}

// loop calls once at once and then every interval until ctx ends.
func loop(ctx context.Context, interval time.Duration, once func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		once()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
