package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"remedy/internal/apperr"
)

// CreateWorkerSession remembers that the holder of the token whose MAC is
// tokenHash has opened caseID, until expires. Expired sessions are purged
// on the way.
func (db *DB) CreateWorkerSession(ctx context.Context, tokenHash []byte, caseID int64, now, expires time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM worker_sessions WHERE expires_at < $1", millis(now)); err != nil {
			return fmt.Errorf("store: purge sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO worker_sessions (token_hash, case_id, expires_at) VALUES ($1, $2, $3)",
			tokenHash, caseID, millis(expires)); err != nil {
			return fmt.Errorf("store: insert session: %w", err)
		}
		return nil
	})
}

// WorkerSessionCase returns the case a live session opened, or Unauthorized.
func (db *DB) WorkerSessionCase(ctx context.Context, tokenHash []byte, now time.Time) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, "SELECT case_id FROM worker_sessions WHERE token_hash = $1 AND expires_at > $2",
		tokenHash, millis(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.New(apperr.Unauthorized, "error.unauthorized")
	}
	if err != nil {
		return 0, fmt.Errorf("store: read session: %w", err)
	}
	return id, nil
}

// DeleteWorkerSession ends a session.
func (db *DB) DeleteWorkerSession(ctx context.Context, tokenHash []byte) error {
	_, err := db.write.ExecContext(ctx, "DELETE FROM worker_sessions WHERE token_hash = $1", tokenHash)
	return err
}
