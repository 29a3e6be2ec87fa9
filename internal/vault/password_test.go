package vault_test

import (
	"crypto/rand"
	"strings"
	"testing"
)

// Argon2 at production cost takes ~25 ms per call; keep calls few.

func TestHashPasswordFormat(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 0)
	// Known answer computed independently with Python's cryptography
	// Argon2id (t=2, m=19456, p=1, 32 bytes) and a salt of 16 zero bytes.
	const want = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$vK9v0OWqoxsnIkDDgGdlMxPp94AvwibM+EFs97z55kQ"
	got, err := k.HashPassword("correct horse battery staple", zeroReader(16))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("HashPassword = %s\nwant           %s", got, want)
	}
	if _, err := k.HashPassword("x", errReader{}); err == nil {
		t.Fatal("no error from failing random source")
	}
}

func TestVerifyPassword(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 0)
	const pw = "mật khẩu dài 長いパスフレーズ"
	encoded, err := k.HashPassword(pw, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected PHC prefix: %s", encoded)
	}
	parts := strings.Split(encoded, "$")
	hash := parts[5]
	swap := byte('A')
	if hash[10] == 'A' {
		swap = 'B'
	}
	tamperedHash := hash[:10] + string(swap) + hash[11:]

	tests := []struct {
		name    string
		encoded string
		pw      string
		want    bool
	}{
		{"right password", encoded, pw, true},
		{"wrong password", encoded, pw + " ", false},
		{"empty password", encoded, "", false},
		{"tampered hash", strings.Join(append(parts[:5:5], tamperedHash), "$"), pw, false},
		{"tampered time cost", strings.Replace(encoded, "t=2", "t=3", 1), pw, false},
		// Reference vector from the Argon2 reference implementation
		// (phc-winner-argon2 src/test.c), cheap parameters.
		{"reference vector", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", "password", true},
		{"reference vector, wrong password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", "Password", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok, err := k.VerifyPassword(tc.encoded, tc.pw)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.want {
				t.Fatalf("VerifyPassword = %v, want %v", ok, tc.want)
			}
		})
	}
}

func TestVerifyPasswordRejectsMalformed(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 0)
	const salt, hash = "AAAAAAAAAAAAAAAAAAAAAA", "vK9v0OWqoxsnIkDDgGdlMxPp94AvwibM+EFs97z55kQ"
	phc := func(params string) string { return "$argon2id$v=19$" + params + "$" + salt + "$" + hash }
	tests := []struct {
		name    string
		encoded string
	}{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + hash},
		{"argon2d", "$argon2d$v=19$m=19456,t=2,p=1$" + salt + "$" + hash},
		{"old version", "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + hash},
		{"missing version", "$argon2id$m=19456,t=2,p=1$" + salt + "$" + hash},
		{"memory too large", phc("m=262145,t=2,p=1")},
		{"memory huge", phc("m=4294967295,t=2,p=1")},
		{"memory overflows uint32", phc("m=4294967296,t=2,p=1")},
		{"time too large", phc("m=19456,t=11,p=1")},
		{"threads too large", phc("m=19456,t=2,p=17")},
		{"zero time", phc("m=19456,t=0,p=1")},
		{"zero threads", phc("m=19456,t=2,p=0")},
		{"zero memory", phc("m=0,t=2,p=1")},
		{"memory below 8 per lane", phc("m=15,t=1,p=2")},
		{"negative", phc("m=-1,t=2,p=1")},
		{"plus sign", phc("m=+19456,t=2,p=1")},
		{"leading zero", phc("m=019456,t=2,p=1")},
		{"reordered parameters", phc("t=2,m=19456,p=1")},
		{"missing parameter", phc("m=19456,t=2")},
		{"extra parameter", phc("m=19456,t=2,p=1,k=1")},
		{"padded salt", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + hash},
		{"bad salt base64", "$argon2id$v=19$m=19456,t=2,p=1$!!!!$" + hash},
		{"short salt", "$argon2id$v=19$m=19456,t=2,p=1$AAAA$" + hash},
		{"short hash", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$AAAAAAAA"},
		{"empty hash", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$"},
		{"trailing field", phc("m=19456,t=2,p=1") + "$"},
		{"no leading dollar", "argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + hash},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok, err := k.VerifyPassword(tc.encoded, "correct horse battery staple")
			if err == nil || ok {
				t.Fatalf("VerifyPassword = %v, %v; want an error", ok, err)
			}
		})
	}
}
