package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Outbox statuses. A row is written "pending" in the transaction of the
// change it tells about (enqueueNotification) and ends in exactly one of
// the others; no row is ever deleted by the sender.
const (
	OutboxPending     = "pending"
	OutboxSent        = "sent"
	OutboxFailed      = "failed"      // gave up after the last attempt, or unreadable
	OutboxUnsupported = "unsupported" // a channel with no adapter yet: kept for when it has one
)

// OutboxItem is a notification leased to one sender.
type OutboxItem struct {
	ID            int64
	CaseID        int64 // 0 when the row belongs to no case
	CaseRef       string
	WrappedKey    []byte
	Channel       string
	Template      string
	SealedPayload []byte
	Attempts      int // tries before this one
	CreatedAt     time.Time
}

// OutboxRecord is an outbox row as stored, for the case page and tests.
type OutboxRecord struct {
	ID            int64
	CaseID        int64
	Channel       string
	Template      string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	SentAt        time.Time // zero until sent
	LastError     string
	SealedPayload []byte
	CreatedAt     time.Time
}

// ClaimOutbox leases up to limit pending notifications that are due at now
// to owner until now+lease, and returns them with their case's reference
// and wrapped key. A row leased to another sender is skipped (on
// PostgreSQL without waiting); a lease that ran out (its sender crashed)
// may be taken again.
func (db *DB) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error) {
	var items []OutboxItem
	until := millis(now.Add(lease))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET locked_until = $1, locked_by = $2 WHERE id IN (
			SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $3
			AND (locked_until IS NULL OR locked_until <= $3)
			ORDER BY next_attempt_at, id LIMIT $4`+db.lockOrSkip()+`)`, until, owner, millis(now), limit)
		if err != nil {
			return fmt.Errorf("store: claim outbox: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.case_id, c.reference, c.wrapped_key, o.channel, o.template,
			o.sealed_payload, o.attempts, o.created_at
			FROM outbox o LEFT JOIN cases c ON c.id = o.case_id
			WHERE o.status = 'pending' AND o.locked_by = $1 AND o.locked_until = $2 ORDER BY o.next_attempt_at, o.id`, owner, until)
		if err != nil {
			return fmt.Errorf("store: read claimed outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var it OutboxItem
			var caseID sql.NullInt64
			var ref sql.NullString
			var created int64
			if err := rows.Scan(&it.ID, &caseID, &ref, &it.WrappedKey, &it.Channel, &it.Template,
				&it.SealedPayload, &it.Attempts, &created); err != nil {
				return err
			}
			it.CaseID, it.CaseRef, it.CreatedAt = caseID.Int64, ref.String, fromMillis(created)
			items = append(items, it)
		}
		return rows.Err()
	})
	return items, err
}

// FinishOutbox ends owner's lease on row id with a final status (sent,
// failed or unsupported). countAttempt adds the try that just happened.
// It reports false when owner no longer held the row (its lease ran out
// and another sender took it).
func (db *DB) FinishOutbox(ctx context.Context, id int64, owner, status string, countAttempt bool, reason string, now time.Time) (bool, error) {
	var sent any
	if status == OutboxSent {
		sent = millis(now)
	}
	add := 0
	if countAttempt {
		add = 1
	}
	res, err := db.write.ExecContext(ctx, `UPDATE outbox SET status = $1, sent_at = $2, attempts = attempts + $3,
		last_error = $4, locked_until = NULL, locked_by = '' WHERE id = $5 AND locked_by = $6 AND status = 'pending'`,
		status, sent, add, reason, id, owner)
	if err != nil {
		return false, fmt.Errorf("store: finish outbox: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RetryOutbox ends owner's lease on row id after a failed try, which it
// counts, and makes the row due again at next. reason must not hold
// personal data.
func (db *DB) RetryOutbox(ctx context.Context, id int64, owner string, next time.Time, reason string) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2,
		locked_until = NULL, locked_by = '' WHERE id = $3 AND locked_by = $4 AND status = 'pending'`,
		millis(next), reason, id, owner)
	if err != nil {
		return false, fmt.Errorf("store: retry outbox: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// OutboxOfCase returns the notifications of a case, oldest first.
func (db *DB) OutboxOfCase(ctx context.Context, caseID int64) ([]OutboxRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, case_id, channel, template, status, attempts, next_attempt_at,
		sent_at, last_error, sealed_payload, created_at FROM outbox WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: outbox of case: %w", err)
	}
	defer rows.Close()
	var out []OutboxRecord
	for rows.Next() {
		var r OutboxRecord
		var caseID, sent sql.NullInt64
		var next, created int64
		if err := rows.Scan(&r.ID, &caseID, &r.Channel, &r.Template, &r.Status, &r.Attempts, &next,
			&sent, &r.LastError, &r.SealedPayload, &created); err != nil {
			return nil, err
		}
		r.CaseID, r.NextAttemptAt, r.CreatedAt = caseID.Int64, fromMillis(next), fromMillis(created)
		if sent.Valid {
			r.SentAt = fromMillis(sent.Int64)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OutboxCounts returns how many notifications are in each status, for
// operations (a growing "failed" or "unsupported" count needs a person).
func (db *DB) OutboxCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT status, COUNT(*) FROM outbox GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("store: outbox counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// ReleaseOutbox gives back owner's lease on row id without a try (the
// worker is stopping), so another sender may take it at once.
func (db *DB) ReleaseOutbox(ctx context.Context, id int64, owner string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE outbox SET locked_until = NULL, locked_by = ''
		WHERE id = $1 AND locked_by = $2 AND status = 'pending'`, id, owner)
	if err != nil {
		return fmt.Errorf("store: release outbox: %w", err)
	}
	return nil
}
