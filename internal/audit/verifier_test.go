package audit_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"remedy/internal/audit"
)

// buildChain returns a valid chain of n entries.
func buildChain(n int) []audit.Entry {
	start := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	actors := []string{"worker", "staff:3", "system"}
	chain := make([]audit.Entry, 0, n)
	prev := audit.GenesisHash()
	for i := range n {
		e := audit.Seal(prev, audit.Entry{
			Seq:     int64(i + 1),
			At:      start.Add(time.Duration(i) * 1500 * time.Millisecond),
			Actor:   actors[i%len(actors)],
			Action:  fmt.Sprintf("action.%d", i%7),
			CaseRef: fmt.Sprintf("C-%d", i%10),
			Detail:  fmt.Sprintf("step %d", i),
		})
		chain = append(chain, e)
		prev = e.Hash
	}
	return chain
}

// verify runs a Verifier over chain and returns its first error.
func verify(chain []audit.Entry) (*audit.Verifier, error) {
	v := audit.NewVerifier()
	for _, e := range chain {
		if err := v.Add(e); err != nil {
			return v, err
		}
	}
	return v, nil
}

// cloneChain deep-copies a chain so mutations do not leak between tests.
func cloneChain(chain []audit.Entry) []audit.Entry {
	out := make([]audit.Entry, len(chain))
	for i, e := range chain {
		e.PrevHash = bytes.Clone(e.PrevHash)
		e.Hash = bytes.Clone(e.Hash)
		out[i] = e
	}
	return out
}

// wantBreak checks that err is a *BreakError at seq.
func wantBreak(t *testing.T, err error, seq int64) {
	t.Helper()
	var be *audit.BreakError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want *BreakError at %d", err, seq)
	}
	if be.Seq != seq {
		t.Fatalf("break at %d (%s), want %d", be.Seq, be.Reason, seq)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("entry %d", seq)) {
		t.Fatalf("error %q does not name entry %d", err, seq)
	}
}

func TestVerifierAcceptsValidChain(t *testing.T) {
	t.Parallel()
	chain := buildChain(100)
	v, err := verify(chain)
	if err != nil {
		t.Fatal(err)
	}
	if v.Count() != 100 {
		t.Fatalf("Count = %d, want 100", v.Count())
	}
	if !bytes.Equal(v.Head(), chain[99].Hash) {
		t.Fatal("Head is not the last entry's hash")
	}
	h := v.Head()
	h[0] ^= 1
	if !bytes.Equal(v.Head(), chain[99].Hash) {
		t.Fatal("Head returns shared memory")
	}
}

func TestVerifierEmpty(t *testing.T) {
	t.Parallel()
	v := audit.NewVerifier()
	if v.Count() != 0 || !bytes.Equal(v.Head(), audit.GenesisHash()) {
		t.Fatalf("new verifier: Count=%d Head=%x", v.Count(), v.Head())
	}
}

func TestVerifierDetectsEditedFields(t *testing.T) {
	t.Parallel()
	chain := buildChain(100)
	edits := []struct {
		name string
		edit func(*audit.Entry)
	}{
		{"Seq", func(e *audit.Entry) { e.Seq += 1000 }},
		{"At", func(e *audit.Entry) { e.At = e.At.Add(time.Microsecond) }},
		{"Actor", func(e *audit.Entry) { e.Actor += "x" }},
		{"Action", func(e *audit.Entry) { e.Action = "case.deleted" }},
		{"CaseRef", func(e *audit.Entry) { e.CaseRef = "C-other" }},
		{"Detail", func(e *audit.Entry) { e.Detail = "" }},
		{"PrevHash", func(e *audit.Entry) { e.PrevHash[31] ^= 1 }},
		{"Hash", func(e *audit.Entry) { e.Hash[0] ^= 0x80 }},
		{"Hash truncated", func(e *audit.Entry) { e.Hash = e.Hash[:31] }},
		{"Hash cleared", func(e *audit.Entry) { e.Hash = nil }},
	}
	for _, ed := range edits {
		t.Run(ed.name, func(t *testing.T) {
			t.Parallel()
			for i := range chain {
				c := cloneChain(chain)
				ed.edit(&c[i])
				_, err := verify(c)
				wantBreak(t, err, int64(i+1))
			}
		})
	}
}

func TestVerifierDetectsStructuralChanges(t *testing.T) {
	t.Parallel()
	chain := buildChain(100)
	forged := func(i int) audit.Entry {
		// A well-formed entry claiming position i+1, correctly chained
		// after entry i; the original entry i+1 then fails to follow it.
		prev := audit.GenesisHash()
		if i > 0 {
			prev = chain[i-1].Hash
		}
		return audit.Seal(prev, audit.Entry{Seq: int64(i + 1), At: chain[i].At, Actor: "system", Action: "forged"})
	}
	tests := []struct {
		name   string
		mutate func(c []audit.Entry, i int) []audit.Entry
		// breakAt is the expected break position given the mutated index i.
		breakAt func(i int) int64
		// skipLast is set when mutating the final entry is not detectable
		// by the chain alone.
		skipLast bool
	}{
		{"delete", func(c []audit.Entry, i int) []audit.Entry { return slices.Delete(c, i, i+1) }, func(i int) int64 { return int64(i + 1) }, true},
		{"swap with next", func(c []audit.Entry, i int) []audit.Entry { c[i], c[i+1] = c[i+1], c[i]; return c }, func(i int) int64 { return int64(i + 1) }, true},
		{"duplicate", func(c []audit.Entry, i int) []audit.Entry { return slices.Insert(c, i, c[i]) }, func(i int) int64 { return int64(i + 2) }, false},
		{"insert unsealed", func(c []audit.Entry, i int) []audit.Entry {
			return slices.Insert(c, i, audit.Entry{Seq: int64(i + 1), At: c[i].At, Actor: "system", Action: "forged", PrevHash: c[i].PrevHash, Hash: c[i].Hash})
		}, func(i int) int64 { return int64(i + 1) }, false},
		{"insert sealed", func(c []audit.Entry, i int) []audit.Entry { return slices.Insert(c, i, forged(i)) }, func(i int) int64 { return int64(i + 2) }, false},
		{"replace with sealed forgery", func(c []audit.Entry, i int) []audit.Entry { c[i] = forged(i); return c }, func(i int) int64 { return int64(i + 2) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for i := range chain {
				if tc.skipLast && i == len(chain)-1 {
					continue
				}
				c := tc.mutate(cloneChain(chain), i)
				_, err := verify(c)
				wantBreak(t, err, tc.breakAt(i))
			}
		})
	}
}

// TestVerifierTailTruncation documents the limit of an unkeyed chain:
// removing entries from the end leaves a valid, shorter chain. Only an
// independently kept head hash or count reveals it.
func TestVerifierTailTruncation(t *testing.T) {
	t.Parallel()
	chain := buildChain(100)
	v, err := verify(chain[:99])
	if err != nil {
		t.Fatalf("truncated chain: %v", err)
	}
	if v.Count() != 99 || bytes.Equal(v.Head(), chain[99].Hash) {
		t.Fatal("truncation not visible in Count/Head")
	}
}

func TestVerifierFirstEntry(t *testing.T) {
	t.Parallel()
	good := audit.Seal(audit.GenesisHash(), audit.Entry{Seq: 1, Actor: "system", Action: "init"})
	tests := []struct {
		name string
		e    audit.Entry
	}{
		{"seq 0", audit.Seal(audit.GenesisHash(), audit.Entry{Seq: 0, Actor: "system", Action: "init"})},
		{"seq 2", audit.Seal(audit.GenesisHash(), audit.Entry{Seq: 2, Actor: "system", Action: "init"})},
		{"nil prev", audit.Seal(nil, audit.Entry{Seq: 1, Actor: "system", Action: "init"})},
		{"non-genesis prev", audit.Seal(bytes.Repeat([]byte{1}, 32), audit.Entry{Seq: 1, Actor: "system", Action: "init"})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := audit.NewVerifier()
			wantBreak(t, v.Add(tc.e), 1)
			// The first break sticks, even if a valid entry follows.
			wantBreak(t, v.Add(good), 1)
			if v.Count() != 0 || !bytes.Equal(v.Head(), audit.GenesisHash()) {
				t.Fatal("broken verifier advanced")
			}
		})
	}
}

func TestBreakErrorMessage(t *testing.T) {
	t.Parallel()
	err := &audit.BreakError{Seq: 17, Reason: "hash does not match the entry's contents"}
	const want = "audit: chain broken at entry 17: hash does not match the entry's contents"
	if err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
}
