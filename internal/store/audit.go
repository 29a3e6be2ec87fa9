package store

import (
	"context"
	"database/sql"
	"fmt"

	"remedy/internal/audit"
)

// appendAudit adds entry to the hash chain inside tx. Taking the next
// sequence number with an UPDATE locks the chain's head row until tx ends,
// so concurrent writers (several processes on PostgreSQL) queue up and the
// chain never forks.
func appendAudit(ctx context.Context, tx *sql.Tx, entry audit.Entry) error {
	var prev []byte
	if err := tx.QueryRowContext(ctx, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").Scan(&entry.Seq, &prev); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	entry = audit.Seal(prev, entry)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor, action, case_ref, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, entry.Seq, entry.At.UnixMicro(), entry.Actor, entry.Action,
		entry.CaseRef, entry.Detail, entry.PrevHash, entry.Hash); err != nil {
		return fmt.Errorf("store: audit insert: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET hash = $1 WHERE id = 1", entry.Hash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

// Audit appends one entry to the audit trail on its own.
func (db *DB) Audit(ctx context.Context, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return appendAudit(ctx, tx, entry) })
}

// EachAuditEntry calls fn for every audit entry in sequence order, stopping
// at the first error fn returns.
func (db *DB) EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error {
	rows, err := db.read.QueryContext(ctx, "SELECT seq, at, actor, action, case_ref, detail, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return fmt.Errorf("store: read audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Entry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.CaseRef, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return err
		}
		e.At = fromMicros(at)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditEntriesForCase returns the audit entries of one case, oldest first.
func (db *DB) AuditEntriesForCase(ctx context.Context, ref string) ([]audit.Entry, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT seq, at, actor, action, case_ref, detail, prev_hash, hash FROM audit_log WHERE case_ref = $1 ORDER BY seq", ref)
	if err != nil {
		return nil, fmt.Errorf("store: read audit: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.CaseRef, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditHead returns the sequence number and hash the chain's head row
// records, so a verifier also notices entries cut from the end.
func (db *DB) AuditHead(ctx context.Context) (int64, []byte, error) {
	var seq int64
	var hash []byte
	err := db.read.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&seq, &hash)
	if err != nil {
		return 0, nil, fmt.Errorf("store: audit head: %w", err)
	}
	return seq, hash, nil
}
