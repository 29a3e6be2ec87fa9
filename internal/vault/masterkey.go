package vault

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// masterKeyFile is the name of the master key file inside the data directory.
const masterKeyFile = "master.key"

// maxMasterKeyFileSize bounds how much of master.key is read; a valid file
// is 45 bytes (44 base64 characters and a newline).
const maxMasterKeyFileSize = 1024

// LoadOrCreateMasterKey returns the Keyring for this installation.
//
// If envValue is not empty it must be the standard base64 encoding of a
// 32-byte key; it is used as is and no file is read or written.
//
// Otherwise the key is read from dataDir/master.key, which holds the same
// base64 text (surrounding whitespace, such as a trailing newline, is
// ignored). If that file does not exist, a new key is generated from rand
// and written to it with mode 0600, never overwriting an existing file, and
// created is true: the caller must then tell the operator to back the file
// up, because without it every encrypted record is lost for good.
//
// Errors describe what is wrong (bad base64, wrong length) but never
// contain the key.
func LoadOrCreateMasterKey(dataDir, envValue string, rand io.Reader) (k *Keyring, created bool, err error) {
	if envValue != "" {
		master, err := decodeMasterKey(envValue)
		if err != nil {
			return nil, false, fmt.Errorf("vault: master key from environment: %w", err)
		}
		k, err := NewKeyring(master)
		return k, false, err
	}
	if dataDir == "" {
		return nil, false, errors.New("vault: no master key given and no data directory to keep one in")
	}
	path := filepath.Join(dataDir, masterKeyFile)
	k, err = readMasterKeyFile(path)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	k, err = createMasterKeyFile(dataDir, path, rand)
	if errors.Is(err, fs.ErrExist) {
		// Another process created the file between our read and create.
		k, err = readMasterKeyFile(path)
		return k, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return k, true, nil
}

// decodeMasterKey parses the base64 text form of a master key.
func decodeMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty; want the base64 encoding of 32 bytes")
	}
	// The underlying decoder error is deliberately not wrapped: keep the
	// message free of anything derived from the key text.
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, errors.New("not valid standard base64; want the base64 encoding of 32 bytes")
	}
	if len(b) != masterKeySize {
		return nil, fmt.Errorf("decodes to %d bytes; want %d", len(b), masterKeySize)
	}
	return b, nil
}

// readMasterKeyFile loads a Keyring from an existing master key file. A
// missing file yields an error matching fs.ErrNotExist.
func readMasterKeyFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("vault: opening master key file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxMasterKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("vault: reading master key file %s: %w", path, err)
	}
	if len(data) > maxMasterKeyFileSize {
		return nil, fmt.Errorf("vault: master key file %s: too large to be a master key", path)
	}
	master, err := decodeMasterKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("vault: master key file %s: %w", path, err)
	}
	return NewKeyring(master)
}

// createMasterKeyFile generates a master key and writes it to path, which
// must not exist yet. If path already exists the error matches fs.ErrExist.
func createMasterKeyFile(dataDir, path string, rand io.Reader) (*Keyring, error) {
	master, err := readRandom(rand, masterKeySize)
	if err != nil {
		return nil, err
	}
	k, err := NewKeyring(master)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: creating data directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("vault: creating master key file: %w", err)
	}
	text := base64.StdEncoding.EncodeToString(master) + "\n"
	_, werr := f.WriteString(text)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		// Do not leave a truncated key behind: it would fail every later
		// start, or worse, be mistaken for the real key.
		_ = os.Remove(path)
		return nil, fmt.Errorf("vault: writing master key file %s: %w", path, werr)
	}
	syncDir(dataDir)
	return k, nil
}

// syncDir flushes a directory entry to stable storage where the platform
// supports it, so a freshly created key file survives a crash. Failures are
// ignored: not every platform or file system can sync a directory, and the
// file itself has already been synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
