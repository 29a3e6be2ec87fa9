package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
)

// SealedCase is a case ready to be written: its clear fields, and what the
// vault sealed (the wrapped per-case key and the sealed details).
type SealedCase struct {
	Case          grievance.Case
	ReceiptHash   []byte
	WrappedKey    []byte
	SealedDetails []byte
}

// Idempotency is what a create remembers so that a retried request returns
// the same case: the MAC of the client's key, the MAC of the request body,
// and the response sealed with the client's key.
type Idempotency struct {
	KeyHash        []byte
	RequestHash    []byte
	SealedResponse []byte
}

// CaseRecord is a stored case with its sealed parts, as read back.
type CaseRecord struct {
	Case           grievance.Case
	PassphraseHash string
	WrappedKey     []byte
	SealedDetails  []byte
}

// ErrDuplicateIdempotencyKey is returned by CreateCase when another request
// with the same idempotency key committed first.
var ErrDuplicateIdempotencyKey = errors.New("store: duplicate idempotency key")

// CreateCase writes a new case, its categories, its audit entry, its
// acknowledgement deadline job and (when idem is not nil) its idempotency
// record in one transaction. It sets the case's ID.
func (db *DB) CreateCase(ctx context.Context, sc *SealedCase, idem *Idempotency, entry audit.Entry) error {
	c := &sc.Case
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if idem != nil {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM idempotency_keys WHERE key_hash = $1", idem.KeyHash).Scan(&n); err != nil {
				return fmt.Errorf("store: idempotency: %w", err)
			}
			if n > 0 {
				return ErrDuplicateIdempotencyKey
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO cases (reference, receipt_hash, status, risk, risk_rule, indicators,
			language, origin_country, program, prefecture, incident_date, anonymous, share_identity,
			created_at, acknowledge_by, updated_at, wrapped_key, sealed_details, deadline_at, deadline_kind)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$15,$19) RETURNING id`,
			c.Reference, sc.ReceiptHash, string(c.Status), string(c.Triage.Risk), c.Triage.Rule,
			strings.Join(c.Triage.Indicators, ","), c.Language, c.OriginCountry, c.Program, c.Prefecture,
			c.IncidentDate, c.Anonymous, c.ShareIdentity, millis(c.CreatedAt), millis(c.AcknowledgeBy),
			millis(c.UpdatedAt), sc.WrappedKey, sc.SealedDetails, grievance.DeadlineAcknowledge).Scan(&c.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return apperr.New(apperr.Conflict, "error.server")
			}
			return fmt.Errorf("store: insert case: %w", err)
		}
		for _, code := range c.Categories {
			if _, err := tx.ExecContext(ctx, "INSERT INTO case_categories (case_id, code) VALUES ($1, $2)", c.ID, code); err != nil {
				return fmt.Errorf("store: insert category: %w", err)
			}
		}
		if err := scheduleJob(ctx, tx, JobAcknowledgeDeadline, c.ID, 0, c.AcknowledgeBy, c.CreatedAt); err != nil {
			return err
		}
		if idem != nil {
			_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (key_hash, request_hash, case_id, sealed_response, created_at)
				VALUES ($1, $2, $3, $4, $5)`, idem.KeyHash, idem.RequestHash, c.ID, idem.SealedResponse, millis(c.CreatedAt))
			if isUniqueViolation(err) {
				return ErrDuplicateIdempotencyKey
			}
			if err != nil {
				return fmt.Errorf("store: insert idempotency key: %w", err)
			}
		}
		entry.CaseRef = c.Reference
		return appendAudit(ctx, tx, entry)
	})
}

// FindIdempotency returns the remembered create for keyHash, or a NotFound error.
func (db *DB) FindIdempotency(ctx context.Context, keyHash []byte) (Idempotency, error) {
	idem := Idempotency{KeyHash: keyHash}
	err := db.write.QueryRowContext(ctx, "SELECT request_hash, sealed_response FROM idempotency_keys WHERE key_hash = $1", keyHash).
		Scan(&idem.RequestHash, &idem.SealedResponse)
	if errors.Is(err, sql.ErrNoRows) {
		return idem, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return idem, fmt.Errorf("store: idempotency: %w", err)
	}
	return idem, nil
}

const caseColumns = `id, reference, status, risk, risk_rule, indicators, language, origin_country, program,
	prefecture, incident_date, anonymous, share_identity, created_at, acknowledge_by, updated_at,
	passphrase_hash, wrapped_key, sealed_details`

func scanCase(row interface{ Scan(...any) error }) (CaseRecord, error) {
	var r CaseRecord
	c := &r.Case
	var status, risk, indicators string
	var created, ack, updated int64
	var pass sql.NullString
	err := row.Scan(&c.ID, &c.Reference, &status, &risk, &c.Triage.Rule, &indicators, &c.Language,
		&c.OriginCountry, &c.Program, &c.Prefecture, &c.IncidentDate, &c.Anonymous, &c.ShareIdentity,
		&created, &ack, &updated, &pass, &r.WrappedKey, &r.SealedDetails)
	if err != nil {
		return r, err
	}
	c.Status, c.Triage.Risk = grievance.Status(status), grievance.Risk(risk)
	if indicators != "" {
		c.Triage.Indicators = strings.Split(indicators, ",")
	}
	c.CreatedAt, c.AcknowledgeBy, c.UpdatedAt = fromMillis(created), fromMillis(ack), fromMillis(updated)
	r.PassphraseHash = pass.String
	return r, nil
}

// CaseByReceiptHash returns the case whose receipt hashes to h, or NotFound.
func (db *DB) CaseByReceiptHash(ctx context.Context, h []byte) (CaseRecord, error) {
	return db.caseWhere(ctx, "receipt_hash = $1", h)
}

// CaseByID returns the case with id, or NotFound.
func (db *DB) CaseByID(ctx context.Context, id int64) (CaseRecord, error) {
	return db.caseWhere(ctx, "id = $1", id)
}

// CaseByReference returns the case with reference, or NotFound.
func (db *DB) CaseByReference(ctx context.Context, ref string) (CaseRecord, error) {
	return db.caseWhere(ctx, "reference = $1", ref)
}

func (db *DB) caseWhere(ctx context.Context, where string, arg any) (CaseRecord, error) {
	r, err := scanCase(db.read.QueryRowContext(ctx, "SELECT "+caseColumns+" FROM cases WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return r, fmt.Errorf("store: read case: %w", err)
	}
	cats, err := db.categories(ctx, r.Case.ID)
	r.Case.Categories = cats
	return r, err
}

func (db *DB) categories(ctx context.Context, caseID int64) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT code FROM case_categories WHERE case_id = $1", caseID)
	if err != nil {
		return nil, fmt.Errorf("store: read categories: %w", err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, err
		}
		found = append(found, code)
	}
	// Keep the taxonomy's order, whatever order the engine returns.
	var out []string
	for _, cat := range grievance.Categories {
		for _, code := range found {
			if code == cat.Code {
				out = append(out, code)
			}
		}
	}
	return out, rows.Err()
}

// SetPassphrase stores the hash of the worker's passphrase and audits it.
func (db *DB) SetPassphrase(ctx context.Context, caseID int64, hash string, entry audit.Entry, now time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var ref string
		err := tx.QueryRowContext(ctx, "UPDATE cases SET passphrase_hash = $1, updated_at = $2 WHERE id = $3 RETURNING reference",
			hash, millis(now), caseID).Scan(&ref)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		if err != nil {
			return fmt.Errorf("store: set passphrase: %w", err)
		}
		entry.CaseRef = ref
		return appendAudit(ctx, tx, entry)
	})
}

// CountCases returns the number of cases, for the demo and tests.
func (db *DB) CountCases(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases").Scan(&n)
	return n, err
}
