package vault_test

import (
	"crypto/rand"
	"encoding/base32"
	"testing"
	"time"

	"remedy/internal/vault"
)

// RFC 6238 appendix B test vectors (SHA-1, 8 digits there; the last 6
// digits are what a 6-digit TOTP gives).
func TestTOTPRFC6238Vectors(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
		{1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	}
	for _, tt := range tests {
		got, err := vault.TOTPCode(secret, time.Unix(tt.unix, 0))
		if err != nil || got != tt.want {
			t.Errorf("TOTP at %d = %q %v, want %q", tt.unix, got, err, tt.want)
		}
	}
}

func TestVerifyTOTP(t *testing.T) {
	secret, err := vault.NewTOTPSecret(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 5, 0, 10, 0, time.UTC)
	code, _ := vault.TOTPCode(secret, now)
	for _, d := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		if ok, _ := vault.VerifyTOTP(secret, code, now.Add(d)); !ok {
			t.Errorf("code refused at drift %v", d)
		}
	}
	for _, d := range []time.Duration{-90 * time.Second, 90 * time.Second} {
		if ok, _ := vault.VerifyTOTP(secret, code, now.Add(d)); ok {
			t.Errorf("code accepted at drift %v", d)
		}
	}
	if ok, _ := vault.VerifyTOTP(secret, "12345", now); ok {
		t.Error("5-digit code accepted")
	}
	if ok, _ := vault.VerifyTOTP("not base32!", code, now); ok {
		t.Error("bad secret accepted")
	}
}
