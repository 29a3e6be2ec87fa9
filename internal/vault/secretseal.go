package vault

import (
	"errors"
	"io"
)

// SealWithSecret encrypts plaintext like Seal, under a key derived from both
// the master key and secret: HKDF-SHA256(master, salt=secret,
// info="secret-seal"). The result can be opened only by a server holding
// the master key that is also given secret again, for example a stored
// idempotent response (which contains a receipt) that is returned only to
// the client presenting the same idempotency key. secret must not be empty.
func (k *Keyring) SealWithSecret(secret, plaintext, aad []byte, rand io.Reader) ([]byte, error) {
	key, err := k.secretKey(secret)
	if err != nil {
		return nil, err
	}
	return seal(key, plaintext, aad, rand)
}

// OpenWithSecret decrypts a value made by SealWithSecret with the same
// secret and aad. A wrong secret, aad or master key, or any tampering,
// returns an error matching ErrDecrypt.
func (k *Keyring) OpenWithSecret(secret, sealed, aad []byte) ([]byte, error) {
	key, err := k.secretKey(secret)
	if err != nil {
		return nil, err
	}
	return open(key, sealed, aad)
}

// secretKey derives the SealWithSecret key for secret.
func (k *Keyring) secretKey(secret []byte) ([]byte, error) {
	if len(secret) == 0 {
		return nil, errors.New("vault: empty secret")
	}
	return deriveKey(k.keys.master[:], secret, infoSecretSeal)
}
