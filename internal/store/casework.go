package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
)

// CaseState is what case handling keeps beside a case: the deadline of its
// current stage and when each milestone was first reached (zero: not yet).
type CaseState struct {
	DeadlineAt          time.Time
	DeadlineKind        string
	Overdue             bool
	AcknowledgedAt      time.Time
	FirstResponseAt     time.Time
	RemedyImplementedAt time.Time
	ClosedAt            time.Time
	// SealedStatusNote is what the worker is told with the current status
	// (the reason and where to go instead when out of scope, the body a
	// case was escalated to), sealed under the case key.
	SealedStatusNote []byte
}

// CaseworkRecord is a case with its handling state.
type CaseworkRecord struct {
	CaseRecord
	State CaseState
}

const stateColumns = `deadline_at, deadline_kind, overdue, acknowledged_at, first_response_at,
	remedy_implemented_at, closed_at, sealed_status_note`

// withExtra scans the case columns into the row's first destinations and
// the handling state into the rest.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// nullMillis is a nullable time column.
type nullMillis struct{ sql.NullInt64 }

func (n nullMillis) time() time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromMillis(n.Int64)
}

// optID is an id for a nullable column: NULL when 0.
func optID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// caseworkScope is the SQL condition (on table cases) that keeps only the
// cases scope allows, with its arguments numbered from $arg.
func caseworkScope(s access.Scope, arg int) (string, []any) {
	switch {
	case s.None:
		return "1 = 0", nil
	case s.All:
		return "1 = 1", nil
	case s.CaseID != 0:
		return fmt.Sprintf("cases.id = $%d", arg), []any{s.CaseID}
	case s.OrgID != 0:
		return fmt.Sprintf("EXISTS (SELECT 1 FROM referrals sr WHERE sr.case_id = cases.id AND sr.org_id = $%d AND sr.status <> '%s')",
			arg, grievance.ReferralDeclined), []any{s.OrgID}
	}
	return "1 = 0", nil
}

// CaseInScope returns the case with reference if scope lets its actor see
// it. A case outside the scope is NotFound, exactly like one that does not
// exist.
func (db *DB) CaseInScope(ctx context.Context, ref string, scope access.Scope) (CaseworkRecord, error) {
	cond, args := caseworkScope(scope, 2)
	return db.caseworkWhere(ctx, "reference = $1 AND "+cond, append([]any{ref}, args...)...)
}

// CaseworkByID returns the case with id and its handling state (for the
// worker's own case, opened by receipt), or NotFound.
func (db *DB) CaseworkByID(ctx context.Context, id int64) (CaseworkRecord, error) {
	return db.caseworkWhere(ctx, "id = $1", id)
}

func (db *DB) caseworkWhere(ctx context.Context, where string, args ...any) (CaseworkRecord, error) {
	var r CaseworkRecord
	var deadline, ack, first, impl, closed nullMillis
	extra := []any{&deadline, &r.State.DeadlineKind, &r.State.Overdue, &ack, &first, &impl, &closed, &r.State.SealedStatusNote}
	rec, err := scanCase(withExtra{db.read.QueryRowContext(ctx, "SELECT "+caseColumns+", "+stateColumns+" FROM cases WHERE "+where, args...), extra})
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return r, fmt.Errorf("store: read case: %w", err)
	}
	r.CaseRecord = rec
	r.State.DeadlineAt, r.State.AcknowledgedAt, r.State.FirstResponseAt = deadline.time(), ack.time(), first.time()
	r.State.RemedyImplementedAt, r.State.ClosedAt = impl.time(), closed.time()
	r.Case.Categories, err = db.categories(ctx, rec.Case.ID)
	return r, err
}

// CaseFacts returns what the access policy needs to know about a case: the
// organisations with a live referral, and the worker's consent.
func (db *DB) CaseFacts(ctx context.Context, caseID int64) (access.CaseFacts, error) {
	f := access.CaseFacts{CaseID: caseID}
	if err := db.read.QueryRowContext(ctx, "SELECT share_identity FROM cases WHERE id = $1", caseID).Scan(&f.ShareIdentity); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return f, apperr.New(apperr.NotFound, "error.not_found")
		}
		return f, fmt.Errorf("store: case facts: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT DISTINCT org_id FROM referrals WHERE case_id = $1 AND status <> $2 ORDER BY org_id",
		caseID, string(grievance.ReferralDeclined))
	if err != nil {
		return f, fmt.Errorf("store: case facts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return f, err
		}
		f.ReferredOrgs = append(f.ReferredOrgs, id)
	}
	return f, rows.Err()
}

// WorkerNotice is a message to the worker, queued in the outbox with the
// change that causes it.
type WorkerNotice struct {
	Channel       string
	Template      string
	SealedPayload []byte
}

// StatusChange is a case's move from one status to another and what it
// causes: a timeline event, the new stage's deadline (and its job), the
// milestones reached, a notification to the worker, and an audit entry.
type StatusChange struct {
	CaseID     int64
	From, To   grievance.Status
	At         time.Time
	Actor      string // as in the audit trail: "staff:<id>", "worker"
	SealedNote []byte // the event's note (inside the mechanism)
	// SealedStatusNote is what the worker is told with the new status; nil
	// clears the previous one.
	SealedStatusNote []byte
	// Deadline of the new stage, zero when it has none.
	Deadline     time.Time
	DeadlineKind string
	// Milestones this change reaches (each is kept from its first time).
	Acknowledged, FirstResponse bool
	Notify                      *WorkerNotice
	// Detail is added to the audit entry (clear text, no personal data).
	Detail string
}

// ChangeStatus moves a case from ch.From to ch.To in one transaction with
// everything the change causes. If the case is no longer in ch.From
// (someone else moved it first), nothing is written and the error is a
// Conflict.
func (db *DB) ChangeStatus(ctx context.Context, ch *StatusChange) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return applyStatusChange(ctx, tx, ch) })
}

func errChanged() error { return apperr.New(apperr.Conflict, "casework.error.changed") }

func applyStatusChange(ctx context.Context, tx *sql.Tx, ch *StatusChange) error {
	at := millis(ch.At)
	var deadline any
	if !ch.Deadline.IsZero() {
		deadline = millis(ch.Deadline)
	}
	set := []string{"status = $1", "updated_at = $2", "deadline_at = $3", "deadline_kind = $4", "overdue = FALSE", "sealed_status_note = $5"}
	if ch.Acknowledged {
		set = append(set, "acknowledged_at = COALESCE(acknowledged_at, $2)")
	}
	if ch.FirstResponse {
		set = append(set, "first_response_at = COALESCE(first_response_at, $2)")
	}
	switch {
	case ch.To == grievance.StatusRemedyImplemented:
		set = append(set, "remedy_implemented_at = $2")
	case !grievance.IsOpen(ch.To):
		set = append(set, "closed_at = $2")
	}
	var ref string
	err := tx.QueryRowContext(ctx, "UPDATE cases SET "+strings.Join(set, ", ")+" WHERE id = $6 AND status = $7 RETURNING reference",
		string(ch.To), at, deadline, ch.DeadlineKind, ch.SealedStatusNote, ch.CaseID, string(ch.From)).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return errChanged()
	}
	if err != nil {
		return fmt.Errorf("store: change status: %w", err)
	}
	switch ch.To {
	case grievance.StatusRemedyProposed, grievance.StatusRemedyAccepted, grievance.StatusRemedyImplemented:
	default:
		// Proposals still open when the case moves on otherwise lapse.
		if _, err := tx.ExecContext(ctx, "UPDATE remedies SET status = $1, decided_at = $2 WHERE case_id = $3 AND status = $4",
			string(grievance.RemedyWithdrawn), at, ch.CaseID, string(grievance.RemedyProposed)); err != nil {
			return fmt.Errorf("store: withdraw proposals: %w", err)
		}
	}
	if !grievance.IsOpen(ch.To) {
		if _, err := tx.ExecContext(ctx, "UPDATE referrals SET status = $1, resolved_at = $2 WHERE case_id = $3 AND status IN ($4, $5, $6)",
			string(grievance.ReferralResolved), at, ch.CaseID, string(grievance.ReferralSent), string(grievance.ReferralAcknowledged),
			string(grievance.ReferralResponded)); err != nil {
			return fmt.Errorf("store: resolve referrals: %w", err)
		}
	}
	ev := Event{CaseID: ch.CaseID, At: ch.At, Actor: ch.Actor, Kind: EventTransition, From: ch.From, To: ch.To, SealedNote: ch.SealedNote}
	if err := insertEvent(ctx, tx, &ev); err != nil {
		return err
	}
	if !ch.Deadline.IsZero() {
		if err := scheduleJob(ctx, tx, JobStageDeadline, ch.CaseID, 0, ch.Deadline, ch.At); err != nil {
			return err
		}
	}
	if n := ch.Notify; n != nil {
		if err := enqueueNotification(ctx, tx, ch.CaseID, n.Channel, n.Template, n.SealedPayload, ch.At); err != nil {
			return err
		}
	}
	detail := fmt.Sprintf("from=%s to=%s", ch.From, ch.To)
	if ch.Detail != "" {
		detail += " " + ch.Detail
	}
	return appendAudit(ctx, tx, audit.Entry{At: ch.At, Actor: ch.Actor, Action: "case.transition", CaseRef: ref, Detail: detail})
}

// applyOptional applies ch inside tx when it is not nil.
func applyOptional(ctx context.Context, tx *sql.Tx, ch *StatusChange) error {
	if ch == nil {
		return nil
	}
	return applyStatusChange(ctx, tx, ch)
}

// caseReference returns the reference of caseID inside tx, touching its
// updated_at.
func touchCase(ctx context.Context, tx *sql.Tx, caseID int64, at time.Time) (string, error) {
	var ref string
	err := tx.QueryRowContext(ctx, "UPDATE cases SET updated_at = $1 WHERE id = $2 RETURNING reference", millis(at), caseID).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return "", fmt.Errorf("store: touch case: %w", err)
	}
	return ref, nil
}

// SetShareIdentity records the worker's consent (or its withdrawal) to
// disclose who they are to referred organisations, with its event and
// audit entry. It takes effect for every request after it commits.
func (db *DB) SetShareIdentity(ctx context.Context, caseID int64, share bool, at time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		ref, err := touchCase(ctx, tx, caseID, at)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE cases SET share_identity = $1 WHERE id = $2", share, caseID); err != nil {
			return fmt.Errorf("store: set consent: %w", err)
		}
		kind := EventConsentWithdrawn
		if share {
			kind = EventConsentGiven
		}
		if err := insertEvent(ctx, tx, &Event{CaseID: caseID, At: at, Actor: "worker", Kind: kind}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit.Entry{At: at, Actor: "worker", Action: "consent.changed", CaseRef: ref,
			Detail: fmt.Sprintf("share_identity=%t", share)})
	})
}

// ThreadMessage is a message of one of a case's threads: the worker's
// (ReferralID 0) or the one between the mechanism and a referred
// organisation.
type ThreadMessage struct {
	SealedMessage
	ReferralID int64
	AuthorID   int64 // the member of staff who wrote it; 0 for the worker
}

// AddThreadMessage appends m to its thread with its audit entry, in one
// transaction; it sets m.ID. When responded is true, the referral is marked
// responded (its organisation answered for the first time).
func (db *DB) AddThreadMessage(ctx context.Context, m *ThreadMessage, responded bool, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		ref, err := touchCase(ctx, tx, m.CaseID, m.CreatedAt)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO case_messages (case_id, author, created_at, sealed_body, referral_id, author_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.CaseID, m.Author, millis(m.CreatedAt), m.SealedBody,
			optID(m.ReferralID), optID(m.AuthorID)).Scan(&m.ID); err != nil {
			return fmt.Errorf("store: insert message: %w", err)
		}
		if responded {
			if err := markResponded(ctx, tx, m.ReferralID, m.CreatedAt); err != nil {
				return err
			}
		}
		entry.CaseRef = ref
		return appendAudit(ctx, tx, entry)
	})
}

// ThreadMessages returns every message of a case, of every thread, oldest
// first. Callers show each only to its audience.
func (db *DB) ThreadMessages(ctx context.Context, caseID int64) ([]ThreadMessage, error) {
	return db.threadMessages(ctx, "case_id = $1", caseID)
}

// WorkerThread returns the messages between the worker and the mechanism,
// oldest first: never a referral's thread.
func (db *DB) WorkerThread(ctx context.Context, caseID int64) ([]ThreadMessage, error) {
	return db.threadMessages(ctx, "case_id = $1 AND referral_id IS NULL", caseID)
}

func (db *DB) threadMessages(ctx context.Context, where string, caseID int64) ([]ThreadMessage, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, author, created_at, sealed_body, referral_id, author_id FROM case_messages WHERE "+where+" ORDER BY id", caseID)
	if err != nil {
		return nil, fmt.Errorf("store: read messages: %w", err)
	}
	defer rows.Close()
	var out []ThreadMessage
	for rows.Next() {
		m := ThreadMessage{SealedMessage: SealedMessage{CaseID: caseID}}
		var at int64
		var refID, authorID sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Author, &at, &m.SealedBody, &refID, &authorID); err != nil {
			return nil, err
		}
		m.CreatedAt, m.ReferralID, m.AuthorID = fromMillis(at), refID.Int64, authorID.Int64
		out = append(out, m)
	}
	return out, rows.Err()
}

// ReadAudit records that someone read what identifies a worker or what
// they wrote (action "identity.read" or "narrative.read").
func (db *DB) ReadAudit(ctx context.Context, entries ...audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if err := appendAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}
