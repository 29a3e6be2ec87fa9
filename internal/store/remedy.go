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
)

// Remedy is one remedy of a case: what, by whom, for how much and by when,
// its status, and its sealed description and evidence.
type Remedy struct {
	ID            int64
	CaseID        int64
	ReferralID    int64 // the referral it came through; 0 when the mechanism proposed it
	Type          grievance.RemedyType
	ProviderOrgID int64
	ProviderName  string
	ProviderCC    string // the provider's country
	HasAmount     bool
	AmountMinor   int64 // in the currency's minor unit
	Currency      string
	DueDate       string // YYYY-MM-DD, or ""
	Status        grievance.RemedyStatus
	// SealedDescription and SealedEvidence are sealed under the case key.
	SealedDescription []byte
	SealedEvidence    []byte
	ProposedBy        int64
	ProposedAt        time.Time
	DecidedAt         time.Time
	ImplementedAt     time.Time
}

// CreateRemedy writes a proposed remedy with its event and audit entry,
// marks its referral responded, and applies ch (the case's move to
// remedy_proposed) when not nil, in one transaction. It sets rem.ID.
func (db *DB) CreateRemedy(ctx context.Context, rem *Remedy, actor string, ch *StatusChange) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		ref, err := touchCase(ctx, tx, rem.CaseID, rem.ProposedAt)
		if err != nil {
			return err
		}
		var amount any
		if rem.HasAmount {
			amount = rem.AmountMinor
		}
		rem.Status = grievance.RemedyProposed
		if err := tx.QueryRowContext(ctx, `INSERT INTO remedies (case_id, referral_id, type, provider_org_id, amount_minor, currency,
			due_date, status, sealed_description, proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			rem.CaseID, optID(rem.ReferralID), string(rem.Type), optID(rem.ProviderOrgID), amount, rem.Currency, rem.DueDate,
			string(rem.Status), rem.SealedDescription, optID(rem.ProposedBy), millis(rem.ProposedAt)).Scan(&rem.ID); err != nil {
			return fmt.Errorf("store: insert remedy: %w", err)
		}
		if err := markResponded(ctx, tx, rem.ReferralID, rem.ProposedAt); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, &Event{CaseID: rem.CaseID, At: rem.ProposedAt, Actor: actor, Kind: EventRemedyProposed, RefID: rem.ID}); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, audit.Entry{At: rem.ProposedAt, Actor: actor, Action: "remedy.proposed", CaseRef: ref,
			Detail: fmt.Sprintf("remedy=%d type=%s", rem.ID, rem.Type)}); err != nil {
			return err
		}
		return applyOptional(ctx, tx, ch)
	})
}

// DecideRemedy records the worker's answer to a proposal still open
// (accepted or refused), with its event and audit entry, and applies ch
// when not nil. A remedy of another case, or already decided, is a
// Conflict or NotFound.
func (db *DB) DecideRemedy(ctx context.Context, caseID, remedyID int64, accept bool, at time.Time, ch *StatusChange) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		status, kind, action := grievance.RemedyAccepted, EventRemedyAccepted, "remedy.accepted"
		if !accept {
			status, kind, action = grievance.RemedyRefused, EventRemedyRefused, "remedy.refused"
		}
		res, err := tx.ExecContext(ctx, "UPDATE remedies SET status = $1, decided_at = $2 WHERE id = $3 AND case_id = $4 AND status = $5",
			string(status), millis(at), remedyID, caseID, string(grievance.RemedyProposed))
		if err != nil {
			return fmt.Errorf("store: decide remedy: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errChanged()
		}
		ref, err := touchCase(ctx, tx, caseID, at)
		if err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, &Event{CaseID: caseID, At: at, Actor: "worker", Kind: kind, RefID: remedyID}); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, audit.Entry{At: at, Actor: "worker", Action: action, CaseRef: ref,
			Detail: fmt.Sprintf("remedy=%d", remedyID)}); err != nil {
			return err
		}
		return applyOptional(ctx, tx, ch)
	})
}

// ImplementRemedy records that an accepted remedy was carried out, with its
// sealed evidence, event and audit entry; the referral it came through is
// resolved, and ch is applied when not nil.
func (db *DB) ImplementRemedy(ctx context.Context, caseID, remedyID int64, sealedEvidence []byte, at time.Time, actor string, ch *StatusChange) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var referralID sql.NullInt64
		err := tx.QueryRowContext(ctx, `UPDATE remedies SET status = $1, implemented_at = $2, sealed_evidence = $3
			WHERE id = $4 AND case_id = $5 AND status = $6 RETURNING referral_id`, string(grievance.RemedyImplemented), millis(at),
			sealedEvidence, remedyID, caseID, string(grievance.RemedyAccepted)).Scan(&referralID)
		if errors.Is(err, sql.ErrNoRows) {
			return errChanged()
		}
		if err != nil {
			return fmt.Errorf("store: implement remedy: %w", err)
		}
		if referralID.Valid {
			if _, err := tx.ExecContext(ctx, "UPDATE referrals SET status = $1, resolved_at = $2 WHERE id = $3 AND status IN ($4, $5)",
				string(grievance.ReferralResolved), millis(at), referralID.Int64, string(grievance.ReferralAcknowledged),
				string(grievance.ReferralResponded)); err != nil {
				return fmt.Errorf("store: resolve referral: %w", err)
			}
		}
		ref, err := touchCase(ctx, tx, caseID, at)
		if err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, &Event{CaseID: caseID, At: at, Actor: actor, Kind: EventRemedyImplemented, RefID: remedyID}); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, audit.Entry{At: at, Actor: actor, Action: "remedy.implemented", CaseRef: ref,
			Detail: fmt.Sprintf("remedy=%d", remedyID)}); err != nil {
			return err
		}
		return applyOptional(ctx, tx, ch)
	})
}

const remedyColumns = `m.id, m.case_id, m.referral_id, m.type, m.provider_org_id, COALESCE(o.name, ''), COALESCE(o.country, ''),
	m.amount_minor, m.currency, m.due_date, m.status, m.sealed_description, m.sealed_evidence, m.proposed_by, m.proposed_at,
	m.decided_at, m.implemented_at`

func scanRemedy(row interface{ Scan(...any) error }) (Remedy, error) {
	var m Remedy
	var typ, status string
	var referral, provider, amount, by sql.NullInt64
	var proposed int64
	var decided, implemented nullMillis
	err := row.Scan(&m.ID, &m.CaseID, &referral, &typ, &provider, &m.ProviderName, &m.ProviderCC, &amount, &m.Currency,
		&m.DueDate, &status, &m.SealedDescription, &m.SealedEvidence, &by, &proposed, &decided, &implemented)
	if err != nil {
		return m, err
	}
	m.ReferralID, m.ProviderOrgID, m.ProposedBy = referral.Int64, provider.Int64, by.Int64
	m.HasAmount, m.AmountMinor = amount.Valid, amount.Int64
	m.Type, m.Status = grievance.RemedyType(typ), grievance.RemedyStatus(status)
	m.ProposedAt, m.DecidedAt, m.ImplementedAt = fromMillis(proposed), decided.time(), implemented.time()
	return m, nil
}

const remedyFrom = " FROM remedies m LEFT JOIN organizations o ON o.id = m.provider_org_id "

// Remedy returns the remedy with id of case caseID, or NotFound.
func (db *DB) Remedy(ctx context.Context, caseID, id int64) (Remedy, error) {
	m, err := scanRemedy(db.read.QueryRowContext(ctx, "SELECT "+remedyColumns+remedyFrom+"WHERE m.id = $1 AND m.case_id = $2", id, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return m, fmt.Errorf("store: read remedy: %w", err)
	}
	return m, nil
}

// Remedies returns the remedies of a case, oldest first.
func (db *DB) Remedies(ctx context.Context, caseID int64) ([]Remedy, error) {
	return queryAll(ctx, db.read, "read remedies", scanRemedy, "SELECT "+remedyColumns+remedyFrom+"WHERE m.case_id = $1 ORDER BY m.id", caseID)
}
