package vault_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"

	"remedy/internal/vault"
)

func TestSealWithSecretKnownAnswer(t *testing.T) {
	t.Parallel()
	// Computed independently with Python's cryptography: AES-256-GCM under
	// HKDF-SHA256(master 00..1f, salt "idem-key-123", info "secret-seal"),
	// zero nonce, associated data 0x01 || "POST /cases".
	const want = "01000000000000000000000000" +
		"f6bd7d17cde1e81edc78be8e00aea27a7e548d378901e5e2174e0000a1e4037ab6cc7470a892092f3bad59e43ced"
	k := testKeyring(t, 0)
	got, err := k.SealWithSecret([]byte("idem-key-123"), []byte(`{"receipt":"1234567890123456"}`), []byte("POST /cases"), zeroReader(12))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != want {
		t.Fatalf("SealWithSecret = %x\nwant             %s", got, want)
	}
}

func TestSealWithSecret(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 0)
	secret := []byte("idempotency-key-from-client")
	aad := []byte("POST /cases")
	plaintext := []byte(`{"receipt":"1234 5678 9012 3456"}`)
	sealed, err := k.SealWithSecret(secret, plaintext, aad, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.OpenWithSecret(secret, sealed, aad)
	if err != nil || !bytes.Equal(got, plaintext) {
		t.Fatalf("round trip = %q, %v", got, err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 0x80
	tests := []struct {
		name    string
		keyring *vault.Keyring
		secret  []byte
		sealed  []byte
		aad     []byte
	}{
		{"wrong secret", k, []byte("idempotency-key-from-clienT"), sealed, aad},
		{"wrong master key", testKeyring(t, 1), secret, sealed, aad},
		{"wrong aad", k, secret, sealed, []byte("POST /other")},
		{"tampered", k, secret, tampered, aad},
		{"truncated", k, secret, sealed[:20], aad},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tc.keyring.OpenWithSecret(tc.secret, tc.sealed, tc.aad); !errors.Is(err, vault.ErrDecrypt) {
				t.Fatalf("err = %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestSealWithSecretRejectsEmptySecret(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 0)
	if _, err := k.SealWithSecret(nil, []byte("x"), nil, rand.Reader); err == nil {
		t.Fatal("SealWithSecret accepted an empty secret")
	}
	if _, err := k.OpenWithSecret([]byte{}, make([]byte, 64), nil); err == nil {
		t.Fatal("OpenWithSecret accepted an empty secret")
	}
}
