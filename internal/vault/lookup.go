package vault

import "golang.org/x/crypto/argon2"

// ReceiptLookupHash returns the only form in which a receipt is stored: the
// 32-byte Argon2id hash (t=2, m=19 MiB, p=1) of the normalized receipt,
// salted with a secret subkey ("receipt-salt") of the master key.
//
// The hash is deterministic, so the database can index it and find a case
// from a receipt. It is deliberately slow, and without the master key, which
// is never in the database, it cannot be brute-forced at all.
//
// The receipt is normalized with NormalizeReceipt first, so "1234-5678…"
// and "1234 5678…" hash alike. Text that does not normalize is hashed as
// given; it can never equal the hash of a real receipt. The computation
// waits for a slot in the Keyring's Argon2 semaphore.
func (k *Keyring) ReceiptLookupHash(receipt string) []byte {
	input := receipt
	if norm, ok := NormalizeReceipt(receipt); ok {
		input = norm
	}
	return k.withArgon(func() []byte {
		return argon2.IDKey([]byte(input), k.keys.receiptSalt, argonTime, argonMemory, argonThreads, argonKeyLen)
	})
}
