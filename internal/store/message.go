package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"remedy/internal/audit"
)

// SealedMessage is a message of a case's thread with its body sealed under
// the case's key.
type SealedMessage struct {
	ID         int64
	CaseID     int64
	Author     string
	CreatedAt  time.Time
	SealedBody []byte
}

// AddMessage appends a message to a case's thread and audits it, in one
// transaction. It sets m.ID.
func (db *DB) AddMessage(ctx context.Context, m *SealedMessage, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var ref string
		if err := tx.QueryRowContext(ctx, "UPDATE cases SET updated_at = $1 WHERE id = $2 RETURNING reference",
			millis(m.CreatedAt), m.CaseID).Scan(&ref); err != nil {
			return fmt.Errorf("store: touch case: %w", err)
		}
		if err := tx.QueryRowContext(ctx, "INSERT INTO case_messages (case_id, author, created_at, sealed_body) VALUES ($1, $2, $3, $4) RETURNING id",
			m.CaseID, m.Author, millis(m.CreatedAt), m.SealedBody).Scan(&m.ID); err != nil {
			return fmt.Errorf("store: insert message: %w", err)
		}
		entry.CaseRef = ref
		return appendAudit(ctx, tx, entry)
	})
}

// Messages returns the worker's thread of a case (never the threads between
// the mechanism and referred organisations), oldest first.
func (db *DB) Messages(ctx context.Context, caseID int64) ([]SealedMessage, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, author, created_at, sealed_body FROM case_messages WHERE case_id = $1 AND referral_id IS NULL ORDER BY id", caseID)
	if err != nil {
		return nil, fmt.Errorf("store: read messages: %w", err)
	}
	defer rows.Close()
	var out []SealedMessage
	for rows.Next() {
		m := SealedMessage{CaseID: caseID}
		var at int64
		if err := rows.Scan(&m.ID, &m.Author, &at, &m.SealedBody); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMillis(at)
		out = append(out, m)
	}
	return out, rows.Err()
}
