package vault_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"

	"remedy/internal/vault"
)

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	dek := testMaster(3)
	tests := []struct {
		name      string
		plaintext []byte
		aad       []byte
	}{
		{"empty plaintext", nil, []byte("case:1/name")},
		{"nil aad", []byte("Nguyễn Văn A"), nil},
		{"japanese", []byte("山田太郎、残業代未払い"), []byte("case:2/story")},
		{"large", bytes.Repeat([]byte{0x5a}, 1<<16), []byte("case:3/attachment")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sealed, err := vault.Seal(dek, tc.plaintext, tc.aad, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if want := 1 + 12 + len(tc.plaintext) + 16; len(sealed) != want || sealed[0] != 1 {
				t.Fatalf("sealed is %d bytes, version %d; want %d bytes, version 1", len(sealed), sealed[0], want)
			}
			if len(tc.plaintext) > 8 && bytes.Contains(sealed, tc.plaintext[:8]) {
				t.Fatal("plaintext visible in sealed value")
			}
			got, err := vault.Open(dek, sealed, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Fatal("round trip changed the plaintext")
			}
		})
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	t.Parallel()
	dek := testMaster(3)
	a, err := vault.Seal(dek, []byte("same"), nil, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, err := vault.Seal(dek, []byte("same"), nil, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are identical")
	}
}

// TestSealKnownAnswer pins the on-disk format. The expected value was
// computed independently with Python's cryptography AESGCM: key 00..1f,
// nonce of zeros, associated data 0x01 || "case:42/name".
func TestSealKnownAnswer(t *testing.T) {
	t.Parallel()
	const want = "01000000000000000000000000" + "40dbc0a7d042a3eb69c68974334d0383c84974cc0669e49510ce0574"
	dek := testMaster(0)
	sealed, err := vault.Seal(dek, []byte("Nguyen Van A"), []byte("case:42/name"), zeroReader(12))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(sealed); got != want {
		t.Fatalf("Seal = %s\nwant   %s", got, want)
	}
	fixed, _ := hex.DecodeString(want)
	pt, err := vault.Open(dek, fixed, []byte("case:42/name"))
	if err != nil || string(pt) != "Nguyen Van A" {
		t.Fatalf("Open(known answer) = %q, %v", pt, err)
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	t.Parallel()
	dek := testMaster(3)
	aad := []byte("case:9/name")
	sealed, err := vault.Seal(dek, []byte("Tran Thi B"), aad, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// Flip every bit in turn: header, nonce, ciphertext and tag.
	for i := range len(sealed) * 8 {
		bad := bytes.Clone(sealed)
		bad[i/8] ^= 1 << (i % 8)
		if _, err := vault.Open(dek, bad, aad); !errors.Is(err, vault.ErrDecrypt) {
			t.Fatalf("bit %d flipped: err = %v, want ErrDecrypt", i, err)
		}
	}
}

func TestOpenFailures(t *testing.T) {
	t.Parallel()
	dek := testMaster(3)
	aad := []byte("case:9/name")
	sealed, err := vault.Seal(dek, []byte("Tran Thi B"), aad, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		dek    []byte
		sealed []byte
		aad    []byte
	}{
		{"other case", dek, sealed, []byte("case:10/name")},
		{"other field", dek, sealed, []byte("case:9/phone")},
		{"missing aad", dek, sealed, nil},
		{"wrong key", testMaster(4), sealed, aad},
		{"truncated", dek, sealed[:len(sealed)-1], aad},
		{"header only", dek, sealed[:13], aad},
		{"empty", dek, nil, aad},
		{"extended", dek, append(bytes.Clone(sealed), 0), aad},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := vault.Open(tc.dek, tc.sealed, tc.aad); !errors.Is(err, vault.ErrDecrypt) {
				t.Fatalf("err = %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestSealOpenBadInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dek  []byte
		rand func() *bytes.Reader
	}{
		{"short key", make([]byte, 16), func() *bytes.Reader { return zeroReader(12) }},
		{"no key", nil, func() *bytes.Reader { return zeroReader(12) }},
		{"random exhausted", testMaster(0), func() *bytes.Reader { return zeroReader(5) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := vault.Seal(tc.dek, []byte("x"), nil, tc.rand()); err == nil {
				t.Fatal("Seal succeeded")
			}
		})
	}
	if _, err := vault.Seal(testMaster(0), []byte("x"), nil, nil); err == nil {
		t.Fatal("Seal with nil random source succeeded")
	}
	if _, err := vault.Open(make([]byte, 16), make([]byte, 64), nil); err == nil || errors.Is(err, vault.ErrDecrypt) {
		t.Fatalf("Open with a 16-byte key: err = %v, want a key-size error", err)
	}
}
