package vault

import (
	"fmt"
	"io"
)

// dekWrapAAD is the associated data used when wrapping data keys. It keeps
// wrapped keys from being confused with any other value sealed under the
// key-wrapping subkey.
const dekWrapAAD = "remedy data key"

// wrappedKeySize is the exact length of a wrapped data key.
const wrappedKeySize = overhead + keySize

// NewDataKey generates a fresh 32-byte data key (one per case) from rand and
// returns it together with its wrapped form for storage. The wrapped form is
// AES-256-GCM under a key-wrapping subkey derived from the master key:
// version (1) || 12-byte nonce || ciphertext and tag. Store only wrapped;
// keep dek in memory only as long as needed.
func (k *Keyring) NewDataKey(rand io.Reader) (dek []byte, wrapped []byte, err error) {
	dek, err = readRandom(rand, keySize)
	if err != nil {
		return nil, nil, err
	}
	wrapped, err = seal(k.keys.wrapKey, dek, []byte(dekWrapAAD), rand)
	if err != nil {
		return nil, nil, err
	}
	return dek, wrapped, nil
}

// UnwrapDataKey recovers a data key wrapped by NewDataKey. It returns an
// error matching ErrDecrypt if wrapped was altered or was made under a
// different master key.
func (k *Keyring) UnwrapDataKey(wrapped []byte) ([]byte, error) {
	if len(wrapped) != wrappedKeySize {
		return nil, fmt.Errorf("%w: wrapped key has wrong length", ErrDecrypt)
	}
	return open(k.keys.wrapKey, wrapped, []byte(dekWrapAAD))
}
