package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/org"
)

// Invitation lets someone join an organisation with a role by a link.
type Invitation struct {
	TokenHash  []byte
	OrgID      int64
	Email      string
	Role       org.Role
	SealedTOTP []byte // the TOTP secret offered on the acceptance page
	InvitedBy  int64
	ExpiresAt  time.Time
	CreatedAt  time.Time
}

// CreateInvitation stores an invitation and audits it.
func (db *DB) CreateInvitation(ctx context.Context, inv Invitation, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO invitations (token_hash, org_id, email, role, invited_by, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, inv.TokenHash, inv.OrgID, inv.Email, string(inv.Role), inv.InvitedBy,
			millis(inv.ExpiresAt), millis(inv.CreatedAt)); err != nil {
			return fmt.Errorf("store: insert invitation: %w", err)
		}
		entry.Detail = fmt.Sprintf("org=%d role=%s", inv.OrgID, inv.Role)
		return appendAudit(ctx, tx, entry)
	})
}

// InvitationByToken returns a live invitation, or NotFound.
func (db *DB) InvitationByToken(ctx context.Context, tokenHash []byte, now time.Time) (Invitation, error) {
	inv := Invitation{TokenHash: tokenHash}
	var role string
	var expires, created int64
	err := db.write.QueryRowContext(ctx, `SELECT org_id, email, role, sealed_totp, invited_by, expires_at, created_at
		FROM invitations WHERE token_hash = $1 AND expires_at > $2`, tokenHash, millis(now)).
		Scan(&inv.OrgID, &inv.Email, &role, &inv.SealedTOTP, &inv.InvitedBy, &expires, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return inv, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return inv, fmt.Errorf("store: read invitation: %w", err)
	}
	inv.Role, inv.ExpiresAt, inv.CreatedAt = org.Role(role), fromMillis(expires), fromMillis(created)
	return inv, nil
}

// SetInvitationTOTP remembers the TOTP secret shown for an invitation, so
// that the page shows the same secret when reloaded.
func (db *DB) SetInvitationTOTP(ctx context.Context, tokenHash, sealed []byte) error {
	_, err := db.write.ExecContext(ctx, "UPDATE invitations SET sealed_totp = $1 WHERE token_hash = $2 AND sealed_totp IS NULL", sealed, tokenHash)
	return err
}

// AcceptInvitation creates the invited person and removes the invitation,
// in one transaction.
func (db *DB) AcceptInvitation(ctx context.Context, tokenHash []byte, p *PersonRecord, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM invitations WHERE token_hash = $1", tokenHash)
		if err != nil {
			return fmt.Errorf("store: delete invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		return createPerson(ctx, tx, p, entry)
	})
}
