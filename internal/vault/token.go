package vault

import (
	"encoding/base64"
	"io"
)

// tokenSize is the number of random bytes in a token.
const tokenSize = 32

// NewToken returns 32 random bytes from rand as unpadded URL-safe base64
// (43 characters), for session cookies and form tokens. Store tokens only
// as Keyring.MAC values.
func NewToken(rand io.Reader) (string, error) {
	b, err := readRandom(rand, tokenSize)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
