package vault

import (
	"crypto/hmac"
	"crypto/sha256"
)

// MAC returns HMAC-SHA256 of data under a subkey of the master key derived
// for purpose (HKDF info "mac:" + purpose). Different purposes give
// unrelated MACs. Use it to index values that must not be stored
// themselves: idempotency keys, session tokens, rate-limit client ids.
// purpose must be a fixed string chosen by the program, never user input.
func (k *Keyring) MAC(purpose string, data []byte) []byte {
	key := mustDeriveKey(k.keys.master[:], nil, macInfoPrefix+purpose)
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}
