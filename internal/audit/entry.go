package audit

import "time"

// Entry is one record of the audit log.
type Entry struct {
	// Seq is the entry's position in the log, starting at 1 with no gaps.
	Seq int64
	// At is when the action happened. Only its UTC value to the
	// microsecond is hashed, so it survives storage in SQLite and
	// PostgreSQL unchanged.
	At time.Time
	// Actor is who acted: "worker", "staff:<id>" or "system".
	Actor string
	// Action names what happened, such as "case.created".
	Action string
	// CaseRef is the case the action concerns, or empty.
	CaseRef string
	// Detail is free text about the action. It must never contain
	// personal data (names, contact details, receipts, grievance text):
	// the audit log is kept forever and is not encrypted. Keeping it out
	// is the caller's duty; this package cannot check it.
	Detail string
	// PrevHash is the Hash of the previous entry, or GenesisHash for the
	// first.
	PrevHash []byte
	// Hash is ComputeHash(PrevHash, entry).
	Hash []byte
}
