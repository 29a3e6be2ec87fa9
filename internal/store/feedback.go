package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
)

// Feedback is the worker's answer, after a case closed, to "how satisfied
// are you" (1–5) and "did you suffer retaliation"; round 0 at closing,
// round 1 when asked again later.
type Feedback struct {
	ID           int64
	CaseID       int64
	Round        int
	Satisfaction int
	Retaliation  bool
	At           time.Time
}

// AddFeedback records the worker's feedback with its event and audit
// entry; a second answer for the same round is a Conflict. It sets f.ID.
func (db *DB) AddFeedback(ctx context.Context, f *Feedback) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		ref, err := touchCase(ctx, tx, f.CaseID, f.At)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO feedback (case_id, round, satisfaction, retaliation, at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, f.CaseID, f.Round, f.Satisfaction, f.Retaliation, millis(f.At)).Scan(&f.ID)
		if isUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "casework.error.feedback_given")
		}
		if err != nil {
			return fmt.Errorf("store: insert feedback: %w", err)
		}
		if err := insertEvent(ctx, tx, &Event{CaseID: f.CaseID, At: f.At, Actor: "worker", Kind: EventFeedback, RefID: f.ID}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit.Entry{At: f.At, Actor: "worker", Action: "feedback.given", CaseRef: ref,
			Detail: fmt.Sprintf("round=%d", f.Round)})
	})
}

// FeedbackOf returns a case's feedback, by round.
func (db *DB) FeedbackOf(ctx context.Context, caseID int64) ([]Feedback, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, round, satisfaction, retaliation, at FROM feedback WHERE case_id = $1 ORDER BY round", caseID)
	if err != nil {
		return nil, fmt.Errorf("store: read feedback: %w", err)
	}
	defer rows.Close()
	var out []Feedback
	for rows.Next() {
		f := Feedback{CaseID: caseID}
		var at int64
		if err := rows.Scan(&f.ID, &f.Round, &f.Satisfaction, &f.Retaliation, &at); err != nil {
			return nil, err
		}
		f.At = fromMillis(at)
		out = append(out, f)
	}
	return out, rows.Err()
}
