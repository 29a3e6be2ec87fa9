package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Job kinds. A job is a row written in the same transaction as the change
// that causes it, so it survives restarts on both engines; the jobs worker
// (internal/jobs) runs each due job once.
const (
	JobAcknowledgeDeadline = "acknowledge_deadline" // the case's current stage deadline
	JobStageDeadline       = "stage_deadline"       // a later stage's deadline (ref_id unused)
	JobReferralDeadline    = "referral_deadline"    // a referral's acknowledgement deadline (ref_id = referral)
)

// scheduleJob adds a pending job of kind for caseID (and refID, 0 for none)
// due at runAt, inside tx.
func scheduleJob(ctx context.Context, tx *sql.Tx, kind string, caseID, refID int64, runAt, now time.Time) error {
	var ref any
	if refID != 0 {
		ref = refID
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO jobs (kind, case_id, ref_id, run_at, created_at) VALUES ($1, $2, $3, $4, $5)",
		kind, caseID, ref, millis(runAt), millis(now)); err != nil {
		return fmt.Errorf("store: schedule job: %w", err)
	}
	return nil
}

// enqueueNotification adds a message for the worker of caseID to the
// outbox inside tx, so that it is sent if and only if the change commits.
// payload is sealed under the case key by the caller; template names what
// to say (for example "status_changed"), never the content itself.
func enqueueNotification(ctx context.Context, tx *sql.Tx, caseID int64, channel, template string, sealedPayload []byte, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (case_id, channel, template, sealed_payload, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, caseID, channel, template, sealedPayload, millis(now)); err != nil {
		return fmt.Errorf("store: enqueue notification: %w", err)
	}
	return nil
}
