package vault_test

import (
	"crypto/rand"
	"encoding/base64"
	"testing"

	"remedy/internal/vault"
)

func TestNewToken(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for range 100 {
		tok, err := vault.NewToken(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) != 32 || len(tok) != 43 {
			t.Fatalf("token %q: %d bytes, err %v", tok, len(raw), err)
		}
		if seen[tok] {
			t.Fatal("duplicate token")
		}
		seen[tok] = true
	}
}

func TestNewTokenKnownAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  []byte
		want string
		ok   bool
	}{
		{"zeros", make([]byte, 32), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true},
		{"url alphabet", []byte{0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff}, "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_8", true},
		{"short source", make([]byte, 31), "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := vault.NewToken(bytesReader(tc.src))
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("NewToken = %q, %v; want %q, ok=%v", got, err, tc.want, tc.ok)
			}
		})
	}
}
