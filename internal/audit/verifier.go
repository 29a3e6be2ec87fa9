package audit

import (
	"bytes"
	"fmt"
)

// BreakError describes the first place where an audit chain fails to verify.
type BreakError struct {
	// Seq is the position in the chain (1-based) where the break was
	// found: the sequence number the entry there should have had.
	Seq int64
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *BreakError) Error() string {
	return fmt.Sprintf("audit: chain broken at entry %d: %s", e.Seq, e.Reason)
}

// Verifier checks a chain one entry at a time, in order, without holding it
// in memory. A Verifier is not safe for concurrent use.
type Verifier struct {
	count  int64
	head   []byte
	broken *BreakError
}

// NewVerifier returns a Verifier expecting entry 1 chained after
// GenesisHash.
func NewVerifier() *Verifier {
	return &Verifier{head: GenesisHash()}
}

// Add checks the next entry: its Seq must be exactly one more than the
// previous entry's (1 for the first), its PrevHash must equal the previous
// entry's Hash (GenesisHash for the first), and its Hash must match
// ComputeHash. On failure it returns a *BreakError, and every later call
// returns that same first break.
func (v *Verifier) Add(e Entry) error {
	if v.broken != nil {
		return v.broken
	}
	want := v.count + 1
	var reason string
	switch {
	case e.Seq != want:
		reason = fmt.Sprintf("expected seq %d, found seq %d (entry missing, duplicated or out of order)", want, e.Seq)
	case !bytes.Equal(e.PrevHash, v.head):
		reason = "previous-hash link does not match the previous entry's hash"
	case !bytes.Equal(e.Hash, ComputeHash(e.PrevHash, e)):
		reason = "hash does not match the entry's contents"
	default:
		v.count = want
		v.head = bytes.Clone(e.Hash)
		return nil
	}
	v.broken = &BreakError{Seq: want, Reason: reason}
	return v.broken
}

// Count returns how many entries have verified so far.
func (v *Verifier) Count() int64 {
	return v.count
}

// Head returns a copy of the hash of the last verified entry, or
// GenesisHash if none has verified yet. Compare it with an independently
// kept copy to detect entries removed from the end or a rewritten chain.
func (v *Verifier) Head() []byte {
	return bytes.Clone(v.head)
}
