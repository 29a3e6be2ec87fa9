package vault_test

import (
	"bytes"
	"encoding/hex"
	"sync"
	"testing"
)

// Each ReceiptLookupHash call costs ~25 ms of Argon2id, so these tests
// share computed values instead of recomputing them.

// TestReceiptLookupHashKnownAnswer pins the derivation. The expected value
// was computed independently with Python's cryptography package: HKDF-SHA256
// of master 00..1f with info "receipt-salt" as the salt, then Argon2id
// t=2, m=19456 KiB, p=1, 32 bytes.
func TestReceiptLookupHashKnownAnswer(t *testing.T) {
	t.Parallel()
	const want = "08e4c29ce05191090228fc22ea9abc0c55e184ae51acb4177eb79924a3bc43ba"
	k := testKeyring(t, 0)
	if got := hex.EncodeToString(k.ReceiptLookupHash("1234567890123456")); got != want {
		t.Fatalf("ReceiptLookupHash = %s, want %s", got, want)
	}
}

func TestReceiptLookupHashProperties(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 0)
	base := k.ReceiptLookupHash("1234567890123456")
	if len(base) != 32 {
		t.Fatalf("hash is %d bytes, want 32", len(base))
	}
	tests := []struct {
		name  string
		hash  func() []byte
		equal bool
	}{
		{"same key and receipt", func() []byte { return testKeyring(t, 0).ReceiptLookupHash("1234567890123456") }, true},
		{"typed with dashes and full-width digits", func() []byte { return k.ReceiptLookupHash("１２３４-5678-9012-3456") }, true},
		{"other master key", func() []byte { return testKeyring(t, 1).ReceiptLookupHash("1234567890123456") }, false},
		{"other receipt", func() []byte { return k.ReceiptLookupHash("1234567890123457") }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.hash(); bytes.Equal(got, base) != tc.equal {
				t.Fatalf("equal = %v, want %v", !tc.equal, tc.equal)
			}
		})
	}
}

func TestReceiptLookupHashConcurrent(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 5)
	const workers = 4
	out := make([][]byte, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { out[i] = k.ReceiptLookupHash("0000111122223333") })
	}
	wg.Wait()
	for i := 1; i < workers; i++ {
		if !bytes.Equal(out[i], out[0]) {
			t.Fatal("concurrent calls disagree")
		}
	}
}
