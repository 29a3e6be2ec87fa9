package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/org"
)

// Engine difference for workers, in one place: on PostgreSQL several
// processes may work the same jobs and outbox, so the rows a worker takes
// are locked and the others skip them instead of waiting; on SQLite every
// write transaction goes through the one writer connection (BEGIN
// IMMEDIATE), which already serialises the workers, and SQLite has no row
// locks to ask for.
//
// lockOrSkip is for rows the worker owns while it decides (jobs, outbox).
// lockOrSkipNoKey is for rows it may update but whose key other rows refer
// to (cases, referrals): FOR NO KEY UPDATE does not conflict with the
// KEY SHARE lock that inserting a referring row (an event, a message)
// takes, so only a real change in flight makes the worker skip.
func (db *DB) lockOrSkip() string {
	if db.engine == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

func (db *DB) lockOrSkipNoKey() string {
	if db.engine == Postgres {
		return " FOR NO KEY UPDATE SKIP LOCKED"
	}
	return ""
}

// Job results, as recorded in jobs.result when a job is done.
const (
	JobResultMet       = "met"       // the case (or referral) left the stage in time
	JobResultEscalated = "escalated" // the limit was missed: marked overdue, staff notified
)

// Job is a durable job as the worker sees it.
type Job struct {
	ID       int64
	Kind     string
	CaseID   int64
	RefID    int64 // the referral of a JobReferralDeadline; 0 otherwise
	RunAt    time.Time
	Attempts int
	// Done jobs only.
	DoneAt time.Time
	Result string
	// LastError says why the last try failed (never personal data).
	LastError string
}

// JobCase is what a deadline decision needs to know about the job's case,
// read under the job's lock.
type JobCase struct {
	ID           int64
	Reference    string
	Status       grievance.Status
	Language     string
	DeadlineAt   time.Time // zero when the current stage has no limit
	DeadlineKind string
	Overdue      bool
	WrappedKey   []byte
}

// JobReferral is the referral of a JobReferralDeadline, read under lock.
type JobReferral struct {
	ID             int64
	OrgID          int64
	Status         string
	AcknowledgeBy  time.Time
	AcknowledgedAt time.Time // zero until acknowledged
	Overdue        bool
}

// EscalationTarget is someone told when a limit is missed: an active admin
// of a mechanism organisation or, for a referral, of the referred one.
type EscalationTarget struct {
	PersonID  int64
	OrgID     int64
	OrgType   org.Type
	Email     string
	Languages []string // the organisation's languages, preferred first
}

// JobSubject is everything a job's decision reads, in the job's transaction.
type JobSubject struct {
	Job      Job
	Case     JobCase
	Referral *JobReferral // JobReferralDeadline only; nil if the referral is gone
	Targets  []EscalationTarget
}

// Notification is an outbox row to write with a job's outcome.
type Notification struct {
	Channel       string
	Template      string
	SealedPayload []byte
}

// JobEvent is a case_events row to write with a job's outcome.
type JobEvent struct {
	Kind       string
	FromStatus grievance.Status
	RefID      int64
}

// JobOutcome is what the worker decided; RunJob writes all of it, and
// marks the job done with Result, in the transaction that read the subject.
type JobOutcome struct {
	Result              string
	MarkCaseOverdue     bool
	MarkReferralOverdue bool
	Event               *JobEvent
	Audit               *audit.Entry // CaseRef is filled in
	Notifications       []Notification
}

// DueJobs returns the ids of jobs of the given kinds that are due at now,
// not done and not waiting to be retried, oldest deadline first. Kinds this
// process does not know are left for a process that does.
func (db *DB) DueJobs(ctx context.Context, now time.Time, kinds []string, limit int) ([]int64, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	args := []any{millis(now), limit}
	ph := make([]string, len(kinds))
	for i, k := range kinds {
		args = append(args, k)
		ph[i] = fmt.Sprintf("$%d", i+3)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM jobs
		WHERE state = 'pending' AND done_at IS NULL AND run_at <= $1 AND (retry_at IS NULL OR retry_at <= $1)
		AND kind IN (`+strings.Join(ph, ", ")+`)
		ORDER BY run_at, id LIMIT $2`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: due jobs: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// RunJob decides job id exactly once. In one write transaction it takes the
// job if it is still not done (on PostgreSQL skipping it when another
// process holds it), reads its case, referral and escalation targets, calls
// decide, writes the outcome and sets the job's done_at. It reports whether
// this call decided the job: false when the job was already done, is being
// decided elsewhere, or its case or referral is locked by a change in
// flight (it stays due and is tried again). An error from decide or from
// the database rolls everything back, so nothing is half done.
func (db *DB) RunJob(ctx context.Context, id int64, now time.Time, decide func(JobSubject) (JobOutcome, error)) (bool, JobOutcome, error) {
	var out JobOutcome
	ran := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var s JobSubject
		j := &s.Job
		var caseID, ref sql.NullInt64
		var runAt int64
		err := tx.QueryRowContext(ctx, `SELECT id, kind, case_id, ref_id, run_at, attempts FROM jobs
			WHERE id = $1 AND done_at IS NULL AND state = 'pending'`+db.lockOrSkip(), id).
			Scan(&j.ID, &j.Kind, &caseID, &ref, &runAt, &j.Attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // done, or being decided by another process
		}
		if err != nil {
			return fmt.Errorf("store: take job: %w", err)
		}
		if !caseID.Valid {
			return fmt.Errorf("store: job %d has no case", j.ID)
		}
		j.CaseID, j.RefID, j.RunAt = caseID.Int64, ref.Int64, fromMillis(runAt)

		// The case (and referral) rows are locked too, so that a
		// transition committing at the same moment is either seen whole
		// or waits; skipping instead of waiting means the worker never
		// waits on a row while holding another, so it cannot deadlock
		// with a transition that locks them in another order.
		c := &s.Case
		var status string
		var deadline sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT id, reference, status, language, deadline_at, deadline_kind, overdue, wrapped_key
			FROM cases WHERE id = $1`+db.lockOrSkipNoKey(), j.CaseID).
			Scan(&c.ID, &c.Reference, &status, &c.Language, &deadline, &c.DeadlineKind, &c.Overdue, &c.WrappedKey)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // the case is being changed right now: try again later
		}
		if err != nil {
			return fmt.Errorf("store: job case: %w", err)
		}
		c.Status = grievance.Status(status)
		if deadline.Valid {
			c.DeadlineAt = fromMillis(deadline.Int64)
		}

		referralOrg := int64(0)
		if j.Kind == JobReferralDeadline && j.RefID != 0 {
			r := &JobReferral{}
			var ackBy int64
			var ackAt sql.NullInt64
			err = tx.QueryRowContext(ctx, `SELECT id, org_id, status, acknowledge_by, acknowledged_at, overdue
				FROM referrals WHERE id = $1 AND case_id = $2`+db.lockOrSkipNoKey(), j.RefID, j.CaseID).
				Scan(&r.ID, &r.OrgID, &r.Status, &ackBy, &ackAt, &r.Overdue)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				// Gone, or locked by an acknowledgement in flight: tell
				// them apart without waiting.
				var n int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM referrals WHERE id = $1 AND case_id = $2", j.RefID, j.CaseID).Scan(&n); err != nil {
					return fmt.Errorf("store: job referral: %w", err)
				}
				if n > 0 {
					return nil
				}
				r = nil
			case err != nil:
				return fmt.Errorf("store: job referral: %w", err)
			default:
				r.AcknowledgeBy = fromMillis(ackBy)
				if ackAt.Valid {
					r.AcknowledgedAt = fromMillis(ackAt.Int64)
				}
				referralOrg = r.OrgID
			}
			s.Referral = r
		}
		if s.Targets, err = escalationTargets(ctx, tx, referralOrg); err != nil {
			return err
		}

		if out, err = decide(s); err != nil {
			return err
		}
		if out.Result == "" {
			return errors.New("store: job outcome without a result")
		}
		if err := writeJobOutcome(ctx, tx, s, out, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', done_at = $1, result = $2,
			attempts = attempts + 1, retry_at = NULL, last_error = '' WHERE id = $3 AND done_at IS NULL`,
			millis(now), out.Result, j.ID)
		if err != nil {
			return fmt.Errorf("store: finish job: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("store: finish job %d: %d rows, %v", j.ID, n, err)
		}
		ran = true
		return nil
	})
	if err != nil {
		return false, JobOutcome{}, err
	}
	return ran, out, nil
}

func writeJobOutcome(ctx context.Context, tx *sql.Tx, s JobSubject, out JobOutcome, now time.Time) error {
	if out.MarkCaseOverdue {
		if _, err := tx.ExecContext(ctx, "UPDATE cases SET overdue = TRUE WHERE id = $1", s.Case.ID); err != nil {
			return fmt.Errorf("store: mark case overdue: %w", err)
		}
	}
	if out.MarkReferralOverdue {
		if s.Referral == nil {
			return errors.New("store: no referral to mark overdue")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE referrals SET overdue = TRUE WHERE id = $1", s.Referral.ID); err != nil {
			return fmt.Errorf("store: mark referral overdue: %w", err)
		}
	}
	if e := out.Event; e != nil {
		var ref any
		if e.RefID != 0 {
			ref = e.RefID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_id, at, actor, kind, from_status, to_status, ref_id)
			VALUES ($1, $2, 'system', $3, $4, '', $5)`, s.Case.ID, millis(now), e.Kind, string(e.FromStatus), ref); err != nil {
			return fmt.Errorf("store: job event: %w", err)
		}
	}
	for _, n := range out.Notifications {
		if err := enqueueNotification(ctx, tx, s.Case.ID, n.Channel, n.Template, n.SealedPayload, now); err != nil {
			return err
		}
	}
	if out.Audit != nil {
		entry := *out.Audit
		entry.CaseRef = s.Case.Reference
		if err := appendAudit(ctx, tx, entry); err != nil {
			return err
		}
	}
	return nil
}

// escalationTargets returns the active admins of every mechanism
// organisation and, when referralOrg is not 0, of that organisation.
func escalationTargets(ctx context.Context, tx *sql.Tx, referralOrg int64) ([]EscalationTarget, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, o.id, o.type, p.email, o.languages
		FROM people p JOIN organizations o ON o.id = p.org_id
		WHERE p.role = $1 AND p.active = TRUE AND (o.type = $2 OR o.id = $3)
		ORDER BY o.id, p.id`, string(org.Admin), string(org.Mechanism), referralOrg)
	if err != nil {
		return nil, fmt.Errorf("store: escalation targets: %w", err)
	}
	defer rows.Close()
	var out []EscalationTarget
	for rows.Next() {
		var t EscalationTarget
		var typ, langs string
		if err := rows.Scan(&t.PersonID, &t.OrgID, &typ, &t.Email, &langs); err != nil {
			return nil, err
		}
		t.OrgType, t.Languages = org.Type(typ), splitList(langs)
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeferJob records a failed try of job id (its transaction rolled back):
// the job is tried again at retryAt. reason must not hold personal data.
func (db *DB) DeferJob(ctx context.Context, id int64, retryAt time.Time, reason string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE jobs SET attempts = attempts + 1, retry_at = $1, last_error = $2
		WHERE id = $3 AND done_at IS NULL`, millis(retryAt), reason, id)
	if err != nil {
		return fmt.Errorf("store: defer job: %w", err)
	}
	return nil
}

// JobsOfCase returns every job of a case, done or not, by id.
func (db *DB) JobsOfCase(ctx context.Context, caseID int64) ([]Job, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, case_id, ref_id, run_at, attempts, done_at, result, last_error
		FROM jobs WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: jobs of case: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var caseID, ref, done sql.NullInt64
		var runAt int64
		if err := rows.Scan(&j.ID, &j.Kind, &caseID, &ref, &runAt, &j.Attempts, &done, &j.Result, &j.LastError); err != nil {
			return nil, err
		}
		j.CaseID, j.RefID, j.RunAt = caseID.Int64, ref.Int64, fromMillis(runAt)
		if done.Valid {
			j.DoneAt = fromMillis(done.Int64)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
