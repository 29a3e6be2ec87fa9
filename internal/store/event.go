package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"remedy/internal/grievance"
)

// Event kinds of a case's timeline. The kind and statuses are in clear (for
// lists and statistics); anything written is sealed.
const (
	EventTransition           = "transition"            // From → To, SealedNote
	EventReferralSent         = "referral.sent"         // RefID = referral
	EventReferralAcknowledged = "referral.acknowledged" // RefID = referral
	EventReferralDeclined     = "referral.declined"     // RefID = referral
	EventRemedyProposed       = "remedy.proposed"       // RefID = remedy
	EventRemedyAccepted       = "remedy.accepted"       // RefID = remedy
	EventRemedyRefused        = "remedy.refused"        // RefID = remedy
	EventRemedyImplemented    = "remedy.implemented"    // RefID = remedy
	EventConsentGiven         = "consent.given"
	EventConsentWithdrawn     = "consent.withdrawn"
	EventFeedback             = "feedback" // RefID = feedback
)

// Event is one entry of a case's timeline.
type Event struct {
	ID         int64
	CaseID     int64
	At         time.Time
	Actor      string // "staff:<id>", "worker" or "system"
	Kind       string
	From, To   grievance.Status
	RefID      int64
	SealedNote []byte
}

func insertEvent(ctx context.Context, tx *sql.Tx, e *Event) error {
	if err := tx.QueryRowContext(ctx, `INSERT INTO case_events (case_id, at, actor, kind, from_status, to_status, ref_id, sealed_note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, e.CaseID, millis(e.At), e.Actor, e.Kind, string(e.From), string(e.To),
		optID(e.RefID), e.SealedNote).Scan(&e.ID); err != nil {
		return fmt.Errorf("store: insert event: %w", err)
	}
	return nil
}

// Events returns a case's timeline events, oldest first.
func (db *DB) Events(ctx context.Context, caseID int64) ([]Event, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor, kind, from_status, to_status, ref_id, sealed_note
		FROM case_events WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: read events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e := Event{CaseID: caseID}
		var at int64
		var from, to string
		var ref sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Kind, &from, &to, &ref, &e.SealedNote); err != nil {
			return nil, err
		}
		e.At, e.From, e.To, e.RefID = fromMillis(at), grievance.Status(from), grievance.Status(to), ref.Int64
		out = append(out, e)
	}
	return out, rows.Err()
}

// StaffName is how a member of staff appears on a timeline.
type StaffName struct {
	PersonID int64
	Name     string // the person's name, or their address when they gave none
	OrgID    int64
	OrgName  string
}

// StaffNames returns the names of the people with ids, with their
// organisations.
func (db *DB) StaffNames(ctx context.Context, ids []int64) (map[int64]StaffName, error) {
	out := map[int64]StaffName{}
	if len(ids) == 0 {
		return out, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.name, p.email, o.id, o.name FROM people p
		JOIN organizations o ON o.id = p.org_id WHERE p.id IN (`+strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: staff names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n StaffName
		var email string
		if err := rows.Scan(&n.PersonID, &n.Name, &email, &n.OrgID, &n.OrgName); err != nil {
			return nil, err
		}
		if n.Name == "" {
			n.Name = email
		}
		out[n.PersonID] = n
	}
	return out, rows.Err()
}
