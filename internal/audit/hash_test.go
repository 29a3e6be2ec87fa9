package audit_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"testing"
	"time"

	"remedy/internal/audit"
)

func TestGenesisHash(t *testing.T) {
	t.Parallel()
	g := audit.GenesisHash()
	if !bytes.Equal(g, make([]byte, 32)) {
		t.Fatalf("GenesisHash = %x, want 32 zero bytes", g)
	}
	g[0] = 1
	if audit.GenesisHash()[0] != 0 {
		t.Fatal("GenesisHash returns shared memory")
	}
}

// TestComputeHashEncoding rebuilds the documented encoding by hand so that
// any change to it, which would invalidate every stored chain, fails here.
func TestComputeHashEncoding(t *testing.T) {
	t.Parallel()
	e := audit.Entry{
		Seq:     42,
		At:      time.Date(2025, 3, 4, 14, 5, 6, 123456789, time.FixedZone("JST", 9*3600)),
		Actor:   "staff:7",
		Action:  "case.viewed",
		CaseRef: "C-1001",
		Detail:  "",
	}
	var want bytes.Buffer
	for _, f := range []string{
		string(audit.GenesisHash()),
		"42",
		"2025-03-04T05:05:06.123456Z",
		"staff:7",
		"case.viewed",
		"C-1001",
		"",
	} {
		want.Write(binary.BigEndian.AppendUint64(nil, uint64(len(f))))
		want.WriteString(f)
	}
	sum := sha256.Sum256(want.Bytes())
	if got := audit.ComputeHash(audit.GenesisHash(), e); !bytes.Equal(got, sum[:]) {
		t.Fatalf("ComputeHash = %x, want %x", got, sum)
	}
}

func TestComputeHashTime(t *testing.T) {
	t.Parallel()
	base := time.Date(2025, 1, 2, 3, 4, 5, 6_000, time.UTC)
	hashAt := func(at time.Time) []byte {
		return audit.ComputeHash(audit.GenesisHash(), audit.Entry{Seq: 1, At: at, Actor: "system", Action: "x"})
	}
	want := hashAt(base)
	tests := []struct {
		name  string
		at    time.Time
		equal bool
	}{
		{"same instant in another zone", base.In(time.FixedZone("JST", 9*3600)), true},
		{"sub-microsecond difference", base.Add(999 * time.Nanosecond), true},
		{"with monotonic reading stripped", base.Round(0), true},
		{"one microsecond later", base.Add(time.Microsecond), false},
		{"one second later", base.Add(time.Second), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := hashAt(tc.at); bytes.Equal(got, want) != tc.equal {
				t.Fatalf("equal = %v, want %v", !tc.equal, tc.equal)
			}
		})
	}
}

func TestComputeHashUnambiguous(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	base := audit.Entry{Seq: 1, At: at, Actor: "ab", Action: "c", CaseRef: "d", Detail: "e"}
	want := audit.ComputeHash(audit.GenesisHash(), base)
	tests := []struct {
		name string
		prev []byte
		e    audit.Entry
	}{
		{"byte moved actor to action", audit.GenesisHash(), audit.Entry{Seq: 1, At: at, Actor: "a", Action: "bc", CaseRef: "d", Detail: "e"}},
		{"byte moved action to case", audit.GenesisHash(), audit.Entry{Seq: 1, At: at, Actor: "ab", Action: "", CaseRef: "cd", Detail: "e"}},
		{"fields swapped", audit.GenesisHash(), audit.Entry{Seq: 1, At: at, Actor: "ab", Action: "c", CaseRef: "e", Detail: "d"}},
		{"other prev", bytes.Repeat([]byte{1}, 32), base},
		{"shorter prev", make([]byte, 31), base},
		{"other seq", audit.GenesisHash(), audit.Entry{Seq: 2, At: at, Actor: "ab", Action: "c", CaseRef: "d", Detail: "e"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if bytes.Equal(audit.ComputeHash(tc.prev, tc.e), want) {
				t.Fatal("different input, same hash")
			}
		})
	}
}

func TestComputeHashIgnoresStoredHashes(t *testing.T) {
	t.Parallel()
	e := audit.Entry{Seq: 1, Actor: "system", Action: "x"}
	withHashes := e
	withHashes.PrevHash = []byte("junk")
	withHashes.Hash = []byte("junk")
	if !bytes.Equal(audit.ComputeHash(nil, e), audit.ComputeHash(nil, withHashes)) {
		t.Fatal("ComputeHash depends on e.PrevHash or e.Hash")
	}
}

func TestSeal(t *testing.T) {
	t.Parallel()
	prev := bytes.Repeat([]byte{7}, 32)
	jst := time.FixedZone("JST", 9*3600)
	e := audit.Entry{Seq: 5, At: time.Date(2025, 6, 7, 8, 9, 10, 123456789, jst), Actor: "worker", Action: "case.submitted", CaseRef: "C-9"}
	s := audit.Seal(prev, e)
	if !bytes.Equal(s.PrevHash, prev) {
		t.Fatal("PrevHash not set")
	}
	if !bytes.Equal(s.Hash, audit.ComputeHash(prev, e)) {
		t.Fatal("Hash is not ComputeHash(prev, e)")
	}
	if want := time.Date(2025, 6, 7, 8, 9, 10, 123456000, jst).UTC(); !s.At.Equal(want) || s.At.Location() != time.UTC {
		t.Fatalf("At = %v, want %v in UTC", s.At, want)
	}
	prev[0] = 0
	if s.PrevHash[0] != 7 {
		t.Fatal("Seal aliases the caller's prev slice")
	}
}
