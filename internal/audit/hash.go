package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"time"
)

// GenesisHash returns the PrevHash of the first entry: 32 zero bytes. Each
// call returns a new slice.
func GenesisHash() []byte {
	return make([]byte, sha256.Size)
}

// ComputeHash returns the SHA-256 hash of entry e chained after prev. The
// hashed encoding is canonical and unambiguous: prev, then Seq (decimal),
// At (UTC, truncated to microseconds, RFC 3339 with nanosecond layout),
// Actor, Action, CaseRef and Detail, each preceded by its length as a
// big-endian uint64. e.PrevHash and e.Hash are ignored.
//
// This encoding must never change: every stored hash depends on it.
func ComputeHash(prev []byte, e Entry) []byte {
	var buf bytes.Buffer
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		buf.Write(n[:])
		buf.Write(b)
	}
	field(prev)
	field([]byte(strconv.FormatInt(e.Seq, 10)))
	field([]byte(canonicalTime(e.At)))
	field([]byte(e.Actor))
	field([]byte(e.Action))
	field([]byte(e.CaseRef))
	field([]byte(e.Detail))
	sum := sha256.Sum256(buf.Bytes())
	return sum[:]
}

// Seal returns e chained after prev: PrevHash set to a copy of prev and Hash
// to ComputeHash(prev, e). At is also normalized to UTC truncated to the
// microsecond, which does not change the hash but makes the returned entry
// equal to what a database will give back.
func Seal(prev []byte, e Entry) Entry {
	e.At = normalizeTime(e.At)
	e.PrevHash = bytes.Clone(prev)
	e.Hash = ComputeHash(prev, e)
	return e
}

// normalizeTime returns t in UTC truncated to microseconds.
func normalizeTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// canonicalTime is the hashed text form of t.
func canonicalTime(t time.Time) string {
	return normalizeTime(t).Format(time.RFC3339Nano)
}
