package vault_test

import (
	"bytes"
	"fmt"
	"testing"

	"remedy/internal/vault"
)

func TestNewKeyringLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		n    int
		ok   bool
	}{
		{"empty", 0, false},
		{"short", 31, false},
		{"exact", 32, true},
		{"long", 33, false},
		{"aes128-sized", 16, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k, err := vault.NewKeyring(make([]byte, tc.n))
			if (err == nil) != tc.ok || (k != nil) != tc.ok {
				t.Fatalf("NewKeyring(%d bytes) = %v, %v; want ok=%v", tc.n, k, err, tc.ok)
			}
		})
	}
}

func TestNewKeyringCopiesMaster(t *testing.T) {
	t.Parallel()
	master := testMaster(1)
	k, err := vault.NewKeyring(master)
	if err != nil {
		t.Fatal(err)
	}
	before := k.MAC("test", []byte("x"))
	clear(master)
	if after := k.MAC("test", []byte("x")); !bytes.Equal(before, after) {
		t.Fatal("Keyring changed when the caller cleared its master key slice")
	}
}

func TestKeyringPrintsNoKeyMaterial(t *testing.T) {
	t.Parallel()
	master := bytes.Repeat([]byte{0xAB}, 32)
	k, err := vault.NewKeyring(master)
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%x", "%s"} {
		out := fmt.Sprintf(verb, k)
		for _, leak := range []string{"171 171 171", "abab", "0xab, 0xab", "\xab\xab"} {
			if bytes.Contains([]byte(out), []byte(leak)) {
				t.Errorf("fmt %s of *Keyring leaks key bytes: %q", verb, out)
			}
		}
	}
}

func TestKeyringValuePrintsNoKeyMaterial(t *testing.T) {
	t.Parallel()
	k, err := vault.NewKeyring(bytes.Repeat([]byte{0xAB}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if out := fmt.Sprintf("%+v %v %s", *k, []*vault.Keyring{k}, k); out != "vault.Keyring{REDACTED} [vault.Keyring{REDACTED}] vault.Keyring{REDACTED}" {
		t.Fatalf("unexpected formatting: %q", out)
	}
}
