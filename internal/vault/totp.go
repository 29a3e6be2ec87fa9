package vault

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"
)

// TOTP parameters (RFC 6238 defaults, which every authenticator app uses).
const (
	totpDigits = 6
	totpPeriod = 30 * time.Second
)

var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a fresh 160-bit TOTP secret in base32, as
// authenticator apps take it.
func NewTOTPSecret(rand io.Reader) (string, error) {
	b, err := readRandom(rand, 20)
	if err != nil {
		return "", err
	}
	return totpEncoding.EncodeToString(b), nil
}

// TOTPCode returns the 6-digit code of secret for the period holding t.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := totpEncoding.DecodeString(strings.ToUpper(strings.ReplaceAll(secret, " ", "")))
	if err != nil {
		return "", fmt.Errorf("vault: bad TOTP secret")
	}
	return hotp(key, uint64(t.Unix()/int64(totpPeriod/time.Second))), nil
}

func hotp(key []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, v%1000000)
}

// VerifyTOTP reports whether code is valid for secret at t, allowing one
// period of clock drift either way, and returns the period it matched so
// that the caller can refuse a code used twice.
func VerifyTOTP(secret, code string, t time.Time) (ok bool, period int64) {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != totpDigits {
		return false, 0
	}
	key, err := totpEncoding.DecodeString(strings.ToUpper(strings.ReplaceAll(secret, " ", "")))
	if err != nil {
		return false, 0
	}
	now := t.Unix() / int64(totpPeriod/time.Second)
	for _, p := range []int64{now, now - 1, now + 1} {
		if subtle.ConstantTimeCompare([]byte(hotp(key, uint64(p))), []byte(code)) == 1 {
			return true, p
		}
	}
	return false, 0
}
