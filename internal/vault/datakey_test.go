package vault_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"

	"remedy/internal/vault"
)

func TestDataKeyRoundTrip(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 1)
	dek, wrapped, err := k.NewDataKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if len(dek) != 32 {
		t.Fatalf("dek is %d bytes, want 32", len(dek))
	}
	if len(wrapped) != 1+12+32+16 || wrapped[0] != 1 {
		t.Fatalf("wrapped is %d bytes, version %d", len(wrapped), wrapped[0])
	}
	if bytes.Contains(wrapped, dek) {
		t.Fatal("dek visible in wrapped form")
	}
	got, err := k.UnwrapDataKey(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, dek) {
		t.Fatal("unwrapped key differs")
	}
	// The key works for Seal/Open after unwrapping.
	sealed, err := vault.Seal(dek, []byte("name"), []byte("case:1/name"), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := vault.Open(got, sealed, []byte("case:1/name")); err != nil || string(pt) != "name" {
		t.Fatalf("Open with unwrapped key = %q, %v", pt, err)
	}
}

func TestDataKeysAreFresh(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 1)
	a, wa, err := k.NewDataKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, wb, err := k.NewDataKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) || bytes.Equal(wa, wb) {
		t.Fatal("two data keys are equal")
	}
}

func TestUnwrapDataKeyFailures(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 1)
	_, wrapped, err := k.NewDataKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	flipped := func(i int) []byte {
		b := bytes.Clone(wrapped)
		b[i] ^= 0x01
		return b
	}
	// A 32-byte value sealed under the raw master key, rather than the
	// derived wrapping subkey, must not unwrap.
	notWrapped, err := vault.Seal(testMaster(1), make([]byte, 32), nil, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		keyring *vault.Keyring
		wrapped []byte
	}{
		{"wrong master key", testKeyring(t, 2), wrapped},
		{"version flipped", k, flipped(0)},
		{"nonce flipped", k, flipped(5)},
		{"ciphertext flipped", k, flipped(20)},
		{"tag flipped", k, flipped(len(wrapped) - 1)},
		{"truncated", k, wrapped[:len(wrapped)-1]},
		{"extended", k, append(bytes.Clone(wrapped), 0)},
		{"empty", k, nil},
		{"sealed with master as dek", k, notWrapped},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tc.keyring.UnwrapDataKey(tc.wrapped); !errors.Is(err, vault.ErrDecrypt) {
				t.Fatalf("err = %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestNewDataKeyRandomFailure(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 1)
	if _, _, err := k.NewDataKey(errReader{}); !errors.Is(err, errTestRand) {
		t.Fatalf("err = %v, want the random source's error", err)
	}
}

func TestWrapKnownAnswer(t *testing.T) {
	t.Parallel()
	// Computed independently with Python's cryptography: AES-256-GCM under
	// HKDF-SHA256(master 00..1f, no salt, info "key-wrap"), zero nonce,
	// associated data 0x01 || "remedy data key", plaintext 32 zero bytes.
	const want = "01000000000000000000000000" +
		"ac65501b0b6fcddbb8dc9459507cf0a160500e96ca6f4c476095c5e39419c7562d3f11452254ae937b04f7b74cd03f3f"
	k := testKeyring(t, 0)
	dek, wrapped, err := k.NewDataKey(zeroReader(32 + 12))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dek, make([]byte, 32)) || hex.EncodeToString(wrapped) != want {
		t.Fatalf("NewDataKey = %x, %x\nwant wrapped %s", dek, wrapped, want)
	}
}
