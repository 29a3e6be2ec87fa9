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

// PersonRecord is a person with their credentials as stored.
type PersonRecord struct {
	Person         org.Person
	Org            org.Organization
	PasswordHash   string
	SealedTOTP     []byte
	LastTOTPPeriod int64
}

// CreatePerson writes a new person and audits it; it sets p.Person.ID. An
// address already in use is a Conflict.
func (db *DB) CreatePerson(ctx context.Context, p *PersonRecord, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return createPerson(ctx, tx, p, entry) })
}

func createPerson(ctx context.Context, tx *sql.Tx, p *PersonRecord, entry audit.Entry) error {
	pp := &p.Person
	err := tx.QueryRowContext(ctx, `INSERT INTO people (org_id, email, name, role, password_hash, sealed_totp, active, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		pp.OrgID, pp.Email, pp.Name, string(pp.Role), p.PasswordHash, p.SealedTOTP, pp.Active, millis(pp.CreatedAt)).Scan(&pp.ID)
	if isUniqueViolation(err) {
		return apperr.Validation([]apperr.FieldError{{Field: "email", Key: "error.email_taken"}})
	}
	if err != nil {
		return fmt.Errorf("store: insert person: %w", err)
	}
	entry.Detail = fmt.Sprintf("person=%d org=%d role=%s", pp.ID, pp.OrgID, pp.Role)
	return appendAudit(ctx, tx, entry)
}

const personColumns = `p.id, p.org_id, p.email, p.name, p.role, p.active, p.created_at,
	p.password_hash, p.sealed_totp, p.last_totp_period,
	o.id, o.name, o.type, o.country, o.languages, o.created_at`

func scanPerson(row interface{ Scan(...any) error }) (PersonRecord, error) {
	var r PersonRecord
	p, o := &r.Person, &r.Org
	var role, typ, langs string
	var created, ocreated int64
	err := row.Scan(&p.ID, &p.OrgID, &p.Email, &p.Name, &role, &p.Active, &created,
		&r.PasswordHash, &r.SealedTOTP, &r.LastTOTPPeriod,
		&o.ID, &o.Name, &typ, &o.Country, &langs, &ocreated)
	if err != nil {
		return r, err
	}
	p.Role, p.CreatedAt = org.Role(role), fromMillis(created)
	o.Type, o.CreatedAt = org.Type(typ), fromMillis(ocreated)
	if langs != "" {
		o.Languages = splitList(langs)
	}
	return r, nil
}

func (db *DB) personWhere(ctx context.Context, where string, arg any) (PersonRecord, error) {
	r, err := scanPerson(db.read.QueryRowContext(ctx, "SELECT "+personColumns+
		" FROM people p JOIN organizations o ON o.id = p.org_id WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return r, fmt.Errorf("store: read person: %w", err)
	}
	return r, nil
}

// PersonByEmail returns the person with a (normalized) address, or NotFound.
func (db *DB) PersonByEmail(ctx context.Context, email string) (PersonRecord, error) {
	return db.personWhere(ctx, "p.email = $1", email)
}

// PersonByID returns the person with id, or NotFound.
func (db *DB) PersonByID(ctx context.Context, id int64) (PersonRecord, error) {
	return db.personWhere(ctx, "p.id = $1", id)
}

// People returns the people of an organisation.
func (db *DB) People(ctx context.Context, orgID int64) ([]org.Person, error) {
	person := func(row rowScanner) (org.Person, error) {
		r, err := scanPerson(row)
		return r.Person, err
	}
	return queryAll(ctx, db.read, "list people", person, "SELECT "+personColumns+
		" FROM people p JOIN organizations o ON o.id = p.org_id WHERE p.org_id = $1 ORDER BY p.email", orgID)
}

// UseTOTPPeriod records that person used the TOTP code of period; it
// reports false when that period (or a later one) was already used, so a
// code cannot be replayed.
func (db *DB) UseTOTPPeriod(ctx context.Context, personID, period int64) (bool, error) {
	res, err := db.write.ExecContext(ctx, "UPDATE people SET last_totp_period = $1 WHERE id = $2 AND last_totp_period < $1", period, personID)
	if err != nil {
		return false, fmt.Errorf("store: use totp: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CreateStaffSession stores a session for person until expires.
func (db *DB) CreateStaffSession(ctx context.Context, tokenHash []byte, personID int64, now, expires time.Time, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM staff_sessions WHERE expires_at < $1", millis(now)); err != nil {
			return fmt.Errorf("store: purge staff sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO staff_sessions (token_hash, person_id, created_at, last_seen, expires_at) VALUES ($1, $2, $3, $3, $4)",
			tokenHash, personID, millis(now), millis(expires)); err != nil {
			return fmt.Errorf("store: insert staff session: %w", err)
		}
		return appendAudit(ctx, tx, entry)
	})
}

// StaffSession returns the active person of a live session, or
// Unauthorized. A session idle longer than idle has expired.
func (db *DB) StaffSession(ctx context.Context, tokenHash []byte, now time.Time, idle time.Duration) (PersonRecord, error) {
	var personID, lastSeen int64
	err := db.read.QueryRowContext(ctx, "SELECT person_id, last_seen FROM staff_sessions WHERE token_hash = $1 AND expires_at > $2",
		tokenHash, millis(now)).Scan(&personID, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && now.Sub(fromMillis(lastSeen)) > idle) {
		return PersonRecord{}, apperr.New(apperr.Unauthorized, "error.signin_required")
	}
	if err != nil {
		return PersonRecord{}, fmt.Errorf("store: read staff session: %w", err)
	}
	r, err := db.PersonByID(ctx, personID)
	if err != nil || !r.Person.Active {
		return PersonRecord{}, apperr.New(apperr.Unauthorized, "error.signin_required")
	}
	// Touch at most once a minute: a read should not always cost a write.
	if now.Sub(fromMillis(lastSeen)) > time.Minute {
		if _, err := db.write.ExecContext(ctx, "UPDATE staff_sessions SET last_seen = $1 WHERE token_hash = $2", millis(now), tokenHash); err != nil {
			return PersonRecord{}, fmt.Errorf("store: touch staff session: %w", err)
		}
	}
	return r, nil
}

// DeleteStaffSession ends a session.
func (db *DB) DeleteStaffSession(ctx context.Context, tokenHash []byte) error {
	_, err := db.write.ExecContext(ctx, "DELETE FROM staff_sessions WHERE token_hash = $1", tokenHash)
	return err
}
