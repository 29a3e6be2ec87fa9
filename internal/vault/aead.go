package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
)

// ErrDecrypt is returned when a sealed or wrapped value cannot be opened:
// wrong key, wrong associated data, truncated, tampered or of an unknown
// format version. The causes are deliberately not distinguished beyond
// that.
var ErrDecrypt = errors.New("vault: decryption failed")

// Format constants shared by Seal and NewDataKey. The format version byte
// is also authenticated as the first byte of the GCM associated data.
const (
	formatV1  = 1
	keySize   = 32
	nonceSize = 12
	tagSize   = 16
	overhead  = 1 + nonceSize + tagSize
)

// Seal encrypts plaintext with AES-256-GCM under the 32-byte data key dek
// and returns version (1) || 12-byte random nonce || ciphertext and tag.
//
// aad is authenticated but not stored: it binds the ciphertext to the record
// it belongs to (for example case id and field name), so a ciphertext copied
// to another row or column fails to open. Open must be given the same aad.
//
// Nonces are random, so a single key should seal well under 2^32 values;
// per-case data keys stay far below that.
func Seal(dek, plaintext, aad []byte, rand io.Reader) ([]byte, error) {
	return seal(dek, plaintext, aad, rand)
}

// Open decrypts a value produced by Seal with the same dek and aad. Any
// authentication failure returns an error matching ErrDecrypt.
func Open(dek, sealed, aad []byte) ([]byte, error) {
	return open(dek, sealed, aad)
}

// newGCM returns AES-256-GCM for a 32-byte key.
func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("vault: key must be %d bytes, got %d", keySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return cipher.NewGCM(block)
}

// gcmAAD prefixes the caller's associated data with the format version so
// the header byte is authenticated too.
func gcmAAD(version byte, aad []byte) []byte {
	out := make([]byte, 0, 1+len(aad))
	out = append(out, version)
	return append(out, aad...)
}

// seal implements the version 1 sealed format.
func seal(key, plaintext, aad []byte, rand io.Reader) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce, err := readRandom(rand, nonceSize)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, overhead+len(plaintext))
	out = append(out, formatV1)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, gcmAAD(formatV1, aad)), nil
}

// open reverses seal.
func open(key, sealed, aad []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < overhead {
		return nil, fmt.Errorf("%w: value too short", ErrDecrypt)
	}
	if sealed[0] != formatV1 {
		return nil, fmt.Errorf("%w: unknown format version %d", ErrDecrypt, sealed[0])
	}
	nonce := sealed[1 : 1+nonceSize]
	pt, err := aead.Open(nil, nonce, sealed[1+nonceSize:], gcmAAD(formatV1, aad))
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}
