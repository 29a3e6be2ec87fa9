// Package vault holds Remedy's cryptography: the master keyring, per-case
// data keys, field encryption, receipt numbers and their lookup hashes,
// password hashing, keyed MACs and random tokens.
//
// A leaked name can cost a worker their job, so the rules here are strict:
//
//   - The master key never enters the database. Everything stored is either
//     encrypted under a key wrapped by the master key, or a keyed hash that is
//     useless without it.
//   - Randomness is always supplied by the caller as an io.Reader
//     (crypto/rand.Reader in production) so tests can be deterministic.
//   - Errors never contain key material, plaintexts, receipts or passwords.
//   - Every authentication failure when opening a ciphertext is reported as
//     ErrDecrypt, whatever the underlying cause.
//
// Ciphertext formats are versioned: the first byte of every sealed or wrapped
// value is a format version (currently 1) so keys and algorithms can be
// rotated later without ambiguity.
package vault
