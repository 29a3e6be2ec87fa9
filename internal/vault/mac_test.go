package vault_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"

	"golang.org/x/crypto/hkdf"
)

func TestMACKnownAnswer(t *testing.T) {
	t.Parallel()
	// Computed independently with Python's cryptography: HMAC-SHA256 under
	// HKDF-SHA256(master 00..1f, no salt, info "mac:session").
	const want = "93da1605e1d85ad7a77e009e9e56404938a2de93a7e5cda6d78ddf6c8fe15b2e"
	k := testKeyring(t, 0)
	if got := hex.EncodeToString(k.MAC("session", []byte("token"))); got != want {
		t.Fatalf("MAC = %s, want %s", got, want)
	}
}

// TestMACMatchesXCryptoHKDF shows the subkey derivation (standard library
// crypto/hkdf) is byte-for-byte golang.org/x/crypto/hkdf.
func TestMACMatchesXCryptoHKDF(t *testing.T) {
	t.Parallel()
	master := testMaster(42)
	k := testKeyring(t, 42)
	for _, purpose := range []string{"", "idempotency", "ratelimit"} {
		key := make([]byte, 32)
		if _, err := io.ReadFull(hkdf.New(sha256.New, master, nil, []byte("mac:"+purpose)), key); err != nil {
			t.Fatal(err)
		}
		h := hmac.New(sha256.New, key)
		h.Write([]byte("data"))
		if got := k.MAC(purpose, []byte("data")); !bytes.Equal(got, h.Sum(nil)) {
			t.Errorf("purpose %q: MAC differs from x/crypto/hkdf derivation", purpose)
		}
	}
}

func TestMACSeparation(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 0)
	base := k.MAC("session", []byte("abc"))
	tests := []struct {
		name  string
		mac   []byte
		equal bool
	}{
		{"same inputs", k.MAC("session", []byte("abc")), true},
		{"other purpose", k.MAC("idempotency", []byte("abc")), false},
		{"other data", k.MAC("session", []byte("abd")), false},
		{"other master key", testKeyring(t, 1).MAC("session", []byte("abc")), false},
		{"purpose/data boundary", k.MAC("sessio", []byte("nabc")), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if len(tc.mac) != 32 {
				t.Fatalf("MAC is %d bytes", len(tc.mac))
			}
			if bytes.Equal(tc.mac, base) != tc.equal {
				t.Fatalf("equal = %v, want %v", !tc.equal, tc.equal)
			}
		})
	}
}
