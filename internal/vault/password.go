package vault

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Password hash encoding limits. Stored hashes are parsed, not trusted:
// absurd parameters would let a bad row exhaust memory or CPU.
const (
	passwordSaltLen = 16
	maxArgonMemory  = 256 * 1024 // KiB, i.e. 256 MiB
	maxArgonTime    = 10
	maxArgonThreads = 16
	minPHCSaltLen   = 8
	maxPHCSaltLen   = 64
	minPHCHashLen   = 16
	maxPHCHashLen   = 64
)

// HashPassword hashes a password or passphrase with Argon2id (t=2,
// m=19 MiB, p=1) and a 16-byte random salt from rand, returning the PHC
// string "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" (unpadded standard
// base64). The computation waits for a slot in the Keyring's Argon2
// semaphore.
func (k *Keyring) HashPassword(pw string, rand io.Reader) (string, error) {
	salt, err := readRandom(rand, passwordSaltLen)
	if err != nil {
		return "", err
	}
	sum := k.withArgon(func() []byte {
		return argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	})
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(sum)), nil
}

// VerifyPassword reports whether pw matches encoded, a PHC string made by
// HashPassword (or any Argon2id v=19 PHC string within limits). Parameters
// are read from encoded; strings with absurd parameters (m > 256 MiB,
// t > 10, p > 16) or that are malformed return an error. The comparison is
// constant-time, and the computation waits for a slot in the Keyring's
// Argon2 semaphore.
func (k *Keyring) VerifyPassword(encoded, pw string) (bool, error) {
	p, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	sum := k.withArgon(func() []byte {
		return argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.hash)))
	})
	return subtle.ConstantTimeCompare(sum, p.hash) == 1, nil
}

// phc is a parsed Argon2id PHC string.
type phc struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	hash    []byte
}

// parsePHC parses and bounds-checks "$argon2id$v=19$m=M,t=T,p=P$salt$hash".
// Errors name the problem but never echo the string.
func parsePHC(s string) (phc, error) {
	p, err := parsePHCFields(s)
	if err != nil {
		return phc{}, fmt.Errorf("vault: malformed password hash: %w", err)
	}
	return p, nil
}

// parsePHCFields does the work of parsePHC.
func parsePHCFields(s string) (phc, error) {
	var p phc
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, errors.New("not an argon2id PHC string")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, errors.New("unsupported argon2 version")
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return p, errors.New("want parameters m,t,p")
	}
	m, err := phcUint(params[0], "m", maxArgonMemory)
	if err != nil {
		return p, err
	}
	t, err := phcUint(params[1], "t", maxArgonTime)
	if err != nil {
		return p, err
	}
	par, err := phcUint(params[2], "p", maxArgonThreads)
	if err != nil {
		return p, err
	}
	if m < 8*par {
		return p, errors.New("memory below 8 KiB per lane")
	}
	p.memory, p.time, p.threads = uint32(m), uint32(t), uint8(par)
	if p.salt, err = phcBase64(parts[4], minPHCSaltLen, maxPHCSaltLen); err != nil {
		return p, fmt.Errorf("salt: %w", err)
	}
	if p.hash, err = phcBase64(parts[5], minPHCHashLen, maxPHCHashLen); err != nil {
		return p, fmt.Errorf("hash: %w", err)
	}
	return p, nil
}

// phcUint parses "<name>=<decimal>" with a value in [1, hi].
func phcUint(s, name string, hi uint64) (uint64, error) {
	digits, ok := strings.CutPrefix(s, name+"=")
	// Leading zeros are rejected to keep one spelling per value.
	if !ok || digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return 0, fmt.Errorf("bad parameter %s", name)
	}
	v, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || v < 1 || v > hi {
		return 0, fmt.Errorf("parameter %s out of range 1..%d", name, hi)
	}
	return v, nil
}

// phcBase64 decodes unpadded standard base64 of a length in [lo, hi].
func phcBase64(s string, lo, hi int) ([]byte, error) {
	b, err := base64.RawStdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, errors.New("not unpadded standard base64")
	}
	if len(b) < lo || len(b) > hi {
		return nil, fmt.Errorf("length %d not in %d..%d", len(b), lo, hi)
	}
	return b, nil
}
