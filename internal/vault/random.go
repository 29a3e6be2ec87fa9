package vault

import (
	"errors"
	"fmt"
	"io"
)

// readRandom returns n bytes read in full from rand.
func readRandom(rand io.Reader, n int) ([]byte, error) {
	if rand == nil {
		return nil, errors.New("vault: nil random source")
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(rand, b); err != nil {
		return nil, fmt.Errorf("vault: reading random bytes: %w", err)
	}
	return b, nil
}
