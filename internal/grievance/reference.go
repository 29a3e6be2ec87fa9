package grievance

import (
	"fmt"
	"io"
)

// referenceAlphabet is Crockford's base 32 without I, L, O and U, so a
// reference read aloud or copied by hand is not mistaken.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a case reference such as "RM-4K7P-Q2XD": random, so
// it says nothing about how many cases exist, and unrelated to the receipt.
func NewReference(rand io.Reader) (string, error) {
	var b [8]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("reference: %w", err)
	}
	out := make([]byte, 0, 12)
	out = append(out, "RM-"...)
	for i, x := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, referenceAlphabet[x&31])
	}
	return string(out), nil
}
