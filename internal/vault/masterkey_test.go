package vault_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"remedy/internal/vault"
)

// sameKey reports whether two keyrings hold the same master key, by checking
// that one unwraps a data key wrapped by the other.
func sameKey(t *testing.T, a, b *vault.Keyring) bool {
	t.Helper()
	dek, wrapped, err := a.NewDataKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.UnwrapDataKey(wrapped)
	return err == nil && bytes.Equal(got, dek)
}

func TestLoadOrCreateMasterKeyCreatesThenReads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k1, created, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil || !created {
		t.Fatalf("first call: created=%v err=%v; want created", created, err)
	}
	path := filepath.Join(dir, "master.key")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("master.key mode = %v, want 0600", perm)
		}
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(string(text), "\n")); err != nil || len(raw) != 32 {
		t.Errorf("master.key is not base64 of 32 bytes plus newline: %d bytes, err %v", len(raw), err)
	}

	k2, created, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil || created {
		t.Fatalf("second call: created=%v err=%v; want existing key", created, err)
	}
	if !sameKey(t, k1, k2) {
		t.Fatal("second call returned a different key")
	}
	again, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(again, text) {
		t.Fatal("second call changed master.key")
	}
}

func TestLoadOrCreateMasterKeyCreatesDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	if _, created, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader); err != nil || !created {
		t.Fatalf("created=%v err=%v", created, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "master.key")); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOrCreateMasterKeyFromEnv(t *testing.T) {
	t.Parallel()
	master := testMaster(7)
	env := base64.StdEncoding.EncodeToString(master)
	want := testKeyring(t, 7)

	tests := []struct {
		name string
		env  string
	}{
		{"plain", env},
		{"trailing newline", env + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			k, created, err := vault.LoadOrCreateMasterKey(dir, tc.env, rand.Reader)
			if err != nil || created {
				t.Fatalf("created=%v err=%v", created, err)
			}
			if !sameKey(t, k, want) {
				t.Fatal("environment key not used")
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("data dir touched: %v", entries)
			}
		})
	}
}

func TestLoadOrCreateMasterKeyEnvOverridesFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fileKey, _, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	envKey, created, err := vault.LoadOrCreateMasterKey(dir, base64.StdEncoding.EncodeToString(testMaster(9)), rand.Reader)
	if err != nil || created {
		t.Fatalf("created=%v err=%v", created, err)
	}
	if sameKey(t, fileKey, envKey) {
		t.Fatal("file key used although the environment gave one")
	}
	if !sameKey(t, envKey, testKeyring(t, 9)) {
		t.Fatal("environment key not used")
	}
}

func TestLoadOrCreateMasterKeyBadValues(t *testing.T) {
	t.Parallel()
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	long := base64.StdEncoding.EncodeToString(make([]byte, 33))
	tests := []struct {
		name    string
		value   string
		wantMsg string
	}{
		{"not base64", "this is not base64!!", "base64"},
		{"url alphabet", strings.Repeat("-_", 22), "base64"},
		{"unpadded", strings.TrimRight(base64.StdEncoding.EncodeToString(make([]byte, 32)), "="), "base64"},
		{"too short", short, "16 bytes"},
		{"too long", long, "33 bytes"},
		{"whitespace only", " \n", "empty"},
	}
	for _, tc := range tests {
		t.Run("env/"+tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			_, _, err := vault.LoadOrCreateMasterKey(dir, tc.value, rand.Reader)
			checkKeyError(t, err, tc.value, tc.wantMsg)
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("data dir touched: %v", entries)
			}
		})
		t.Run("file/"+tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "master.key")
			if err := os.WriteFile(path, []byte(tc.value), 0o600); err != nil {
				t.Fatal(err)
			}
			_, created, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
			checkKeyError(t, err, tc.value, tc.wantMsg)
			if created {
				t.Fatal("created a key although master.key exists")
			}
			if got, _ := os.ReadFile(path); string(got) != tc.value {
				t.Fatal("bad master.key was overwritten")
			}
		})
	}
}

// checkKeyError checks that err is set, mentions wantMsg and does not echo
// the key text.
func checkKeyError(t *testing.T, err error, value, wantMsg string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error for a bad master key")
	}
	if !strings.Contains(err.Error(), wantMsg) {
		t.Errorf("error %q does not mention %q", err, wantMsg)
	}
	if v := strings.TrimSpace(value); len(v) > 4 && strings.Contains(err.Error(), v) {
		t.Errorf("error %q contains the key text", err)
	}
}

func TestLoadOrCreateMasterKeyRandomFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, _, err := vault.LoadOrCreateMasterKey(dir, "", errReader{}); err == nil {
		t.Fatal("no error from a failing random source")
	}
	if _, err := os.Stat(filepath.Join(dir, "master.key")); !os.IsNotExist(err) {
		t.Fatalf("master.key left behind after failure: %v", err)
	}
}

func TestLoadOrCreateMasterKeyNoDataDir(t *testing.T) {
	t.Parallel()
	if _, _, err := vault.LoadOrCreateMasterKey("", "", rand.Reader); err == nil {
		t.Fatal("no error without a data directory or environment key")
	}
}
