package vault

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"io"
	"runtime"
)

// masterKeySize is the length in bytes of a master key.
const masterKeySize = 32

// HKDF info labels of the subkeys derived from the master key. They must
// never change: stored data depends on them. MAC subkeys use macInfoPrefix
// followed by the caller's purpose, which cannot collide with the fixed
// labels because none of them starts with that prefix.
const (
	infoKeyWrap     = "key-wrap"
	infoReceiptSalt = "receipt-salt"
	infoSecretSeal  = "secret-seal"
	macInfoPrefix   = "mac:"
)

// Keyring holds the master key and the subkeys derived from it. It is safe
// for concurrent use. Create one with NewKeyring or LoadOrCreateMasterKey;
// the zero value is not usable.
type Keyring struct {
	// keys is the secret state; immutable, so copies may share it.
	keys *keyMaterial
	// argonSem bounds concurrent Argon2 computations (each needs ~19 MiB).
	argonSem chan struct{}
}

// keyMaterial is the secret state of a Keyring. It is never modified after
// NewKeyring returns.
type keyMaterial struct {
	master      [masterKeySize]byte
	wrapKey     []byte
	receiptSalt []byte
}

// NewKeyring returns a Keyring for the given master key, which must be
// exactly 32 bytes. The key is copied; the caller may clear its slice.
func NewKeyring(master []byte) (*Keyring, error) {
	if len(master) != masterKeySize {
		return nil, fmt.Errorf("vault: master key must be %d bytes, got %d", masterKeySize, len(master))
	}
	m := &keyMaterial{}
	copy(m.master[:], master)
	var err error
	if m.wrapKey, err = deriveKey(m.master[:], nil, infoKeyWrap); err != nil {
		return nil, err
	}
	if m.receiptSalt, err = deriveKey(m.master[:], nil, infoReceiptSalt); err != nil {
		return nil, err
	}
	return &Keyring{
		keys:     m,
		argonSem: make(chan struct{}, 2*runtime.NumCPU()),
	}, nil
}

// Format implements fmt.Formatter so that printing or logging a Keyring,
// with any verb, shows a placeholder and never key material.
func (Keyring) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "vault.Keyring{REDACTED}")
}

// deriveKey returns a 32-byte HKDF-SHA256 subkey of secret for info.
func deriveKey(secret, salt []byte, info string) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, secret, salt, info, 32)
	if err != nil {
		return nil, fmt.Errorf("vault: deriving subkey: %w", err)
	}
	return k, nil
}

// mustDeriveKey is deriveKey for callers that cannot return an error. HKDF
// with SHA-256 and a 32-byte output only fails if the runtime is broken
// (for example FIPS 140-only mode rejecting the parameters), so panicking is
// the honest response.
func mustDeriveKey(secret, salt []byte, info string) []byte {
	k, err := deriveKey(secret, salt, info)
	if err != nil {
		panic(err)
	}
	return k
}

// withArgon runs f while holding one slot of the Argon2 semaphore.
// A zero Keyring panics here rather than blocking forever on a nil channel.
func (k *Keyring) withArgon(f func() []byte) []byte {
	if k.argonSem == nil {
		panic("vault: Keyring used without NewKeyring")
	}
	k.argonSem <- struct{}{}
	defer func() { <-k.argonSem }()
	return f()
}
