package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/org"
)

// Referral is a case referred to one organisation: its status, deadline
// and sealed texts (the caseworker's note, the organisation's reason when
// it declines), with the organisation it went to.
type Referral struct {
	ID             int64
	CaseID         int64
	OrgID          int64
	Org            org.Organization
	Status         grievance.ReferralStatus
	SealedNote     []byte
	SentBy         int64
	SentAt         time.Time
	AcknowledgeBy  time.Time
	AcknowledgedAt time.Time
	SealedReason   []byte
	RespondedAt    time.Time
	ResolvedAt     time.Time
	Overdue        bool
}

// CreateReferral writes a new referral (status sent) with its timeline
// event, its acknowledgement-deadline job, its audit entry and, when ch is
// not nil, the case's move to referred, in one transaction. It sets r.ID.
// A live referral of the same case to the same organisation is a
// validation error on organization_id.
func (db *DB) CreateReferral(ctx context.Context, r *Referral, actor string, ch *StatusChange) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		ref, err := touchCase(ctx, tx, r.CaseID, r.SentAt)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM referrals WHERE case_id = $1 AND org_id = $2 AND status <> $3",
			r.CaseID, r.OrgID, string(grievance.ReferralDeclined)).Scan(&n); err != nil {
			return fmt.Errorf("store: referral: %w", err)
		}
		if n > 0 {
			return apperr.Validation([]apperr.FieldError{{Field: "organization_id", Key: "casework.error.already_referred"}})
		}
		r.Status = grievance.ReferralSent
		if err := tx.QueryRowContext(ctx, `INSERT INTO referrals (case_id, org_id, status, sealed_note, sent_by, sent_at, acknowledge_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, r.CaseID, r.OrgID, string(r.Status), r.SealedNote, optID(r.SentBy),
			millis(r.SentAt), millis(r.AcknowledgeBy)).Scan(&r.ID); err != nil {
			return fmt.Errorf("store: insert referral: %w", err)
		}
		if err := insertEvent(ctx, tx, &Event{CaseID: r.CaseID, At: r.SentAt, Actor: actor, Kind: EventReferralSent, RefID: r.ID}); err != nil {
			return err
		}
		if err := scheduleJob(ctx, tx, JobReferralDeadline, r.CaseID, r.ID, r.AcknowledgeBy, r.SentAt); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, audit.Entry{At: r.SentAt, Actor: actor, Action: "referral.sent", CaseRef: ref,
			Detail: fmt.Sprintf("referral=%d org=%d", r.ID, r.OrgID)}); err != nil {
			return err
		}
		return applyOptional(ctx, tx, ch)
	})
}

// AcknowledgeReferral records the referred organisation's answer to a
// referral still sent: accepted (acknowledged) or declined with a sealed
// reason, with its event and audit entry. A referral already answered is a
// Conflict.
func (db *DB) AcknowledgeReferral(ctx context.Context, id int64, accept bool, sealedReason []byte, at time.Time, actor string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		status, kind, action := grievance.ReferralAcknowledged, EventReferralAcknowledged, "referral.acknowledged"
		if !accept {
			status, kind, action = grievance.ReferralDeclined, EventReferralDeclined, "referral.declined"
		}
		var caseID, orgID int64
		err := tx.QueryRowContext(ctx, `UPDATE referrals SET status = $1, acknowledged_at = $2, sealed_reason = $3
			WHERE id = $4 AND status = $5 RETURNING case_id, org_id`, string(status), millis(at), sealedReason, id,
			string(grievance.ReferralSent)).Scan(&caseID, &orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return errChanged()
		}
		if err != nil {
			return fmt.Errorf("store: acknowledge referral: %w", err)
		}
		ref, err := touchCase(ctx, tx, caseID, at)
		if err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, &Event{CaseID: caseID, At: at, Actor: actor, Kind: kind, RefID: id}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit.Entry{At: at, Actor: actor, Action: action, CaseRef: ref,
			Detail: fmt.Sprintf("referral=%d org=%d", id, orgID)})
	})
}

// markResponded marks a referral responded the first time its
// organisation answers (a message or a remedy proposal).
func markResponded(ctx context.Context, tx *sql.Tx, referralID int64, at time.Time) error {
	if referralID == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE referrals SET status = $1, responded_at = COALESCE(responded_at, $2)
		WHERE id = $3 AND status = $4`, string(grievance.ReferralResponded), millis(at), referralID,
		string(grievance.ReferralAcknowledged)); err != nil {
		return fmt.Errorf("store: referral responded: %w", err)
	}
	return nil
}

const referralColumns = `r.id, r.case_id, r.org_id, r.status, r.sealed_note, r.sent_by, r.sent_at, r.acknowledge_by,
	r.acknowledged_at, r.sealed_reason, r.responded_at, r.resolved_at, r.overdue,
	o.id, o.name, o.type, o.country, o.languages, o.created_at`

func scanReferral(row interface{ Scan(...any) error }) (Referral, error) {
	var r Referral
	var status string
	var sentBy sql.NullInt64
	var sent, ackBy int64
	var acked, responded, resolved nullMillis
	o, err := scanOrg(prefixed{row, []any{&r.ID, &r.CaseID, &r.OrgID, &status, &r.SealedNote, &sentBy, &sent, &ackBy,
		&acked, &r.SealedReason, &responded, &resolved, &r.Overdue}})
	if err != nil {
		return r, err
	}
	r.Org, r.Status, r.SentBy = o, grievance.ReferralStatus(status), sentBy.Int64
	r.SentAt, r.AcknowledgeBy = fromMillis(sent), fromMillis(ackBy)
	r.AcknowledgedAt, r.RespondedAt, r.ResolvedAt = acked.time(), responded.time(), resolved.time()
	return r, nil
}

// prefixed scans the given destinations first, then what the caller asks.
type prefixed struct {
	row   interface{ Scan(...any) error }
	first []any
}

func (p prefixed) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.first...), dest...)...)
}

// Referral returns the referral with id, or NotFound.
func (db *DB) Referral(ctx context.Context, id int64) (Referral, error) {
	r, err := scanReferral(db.read.QueryRowContext(ctx, "SELECT "+referralColumns+
		" FROM referrals r JOIN organizations o ON o.id = r.org_id WHERE r.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return r, fmt.Errorf("store: read referral: %w", err)
	}
	return r, nil
}

// Referrals returns the referrals of a case, oldest first. Callers show
// each only to its audience.
func (db *DB) Referrals(ctx context.Context, caseID int64) ([]Referral, error) {
	return queryAll(ctx, db.read, "read referrals", scanReferral, "SELECT "+referralColumns+
		" FROM referrals r JOIN organizations o ON o.id = r.org_id WHERE r.case_id = $1 ORDER BY r.id", caseID)
}
