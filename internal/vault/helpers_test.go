package vault_test

import (
	"bytes"
	"testing"

	"remedy/internal/vault"
)

// testMaster returns a fixed 32-byte master key whose bytes start at first.
func testMaster(first byte) []byte {
	m := make([]byte, 32)
	for i := range m {
		m[i] = first + byte(i)
	}
	return m
}

// testKeyring returns a Keyring for testMaster(first).
func testKeyring(t testing.TB, first byte) *vault.Keyring {
	t.Helper()
	k, err := vault.NewKeyring(testMaster(first))
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return k
}

// zeroReader returns a reader of n zero bytes: a predictable "random"
// source for known-answer tests.
func zeroReader(n int) *bytes.Reader {
	return bytes.NewReader(make([]byte, n))
}

// errReader is a random source that always fails.
type errReader struct{}

// Read implements io.Reader.
func (errReader) Read([]byte) (int, error) { return 0, errTestRand }

// testError is an error type for test sentinels that need no global var.
type testError string

// Error implements error.
func (e testError) Error() string { return string(e) }

// errTestRand is what errReader fails with.
const errTestRand = testError("test: random source failed")

// bytesReader returns a reader over b.
func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
