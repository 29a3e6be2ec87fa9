package vault

import (
	"errors"
	"io"
	"strings"
	"unicode"
)

// receiptDigits is the number of decimal digits in a receipt.
const receiptDigits = 16

// maxReceiptInput bounds the length of text NormalizeReceipt will look at;
// anything longer cannot be a receipt however it is spaced.
const maxReceiptInput = 256

// NewReceipt returns a new receipt: exactly 16 decimal digits, each drawn
// uniformly from rand (leading zeros allowed), about 53 bits of entropy.
// Digits come from random bytes by rejection sampling: bytes 250-255 are
// discarded so that byte%10 has no modulo bias.
func NewReceipt(rand io.Reader) (string, error) {
	const (
		batch = 32
		// maxBatches stops a broken source (for example one that only
		// yields 0xff) from looping forever. With a real random source the
		// chance of needing even a second batch is below 1e-18.
		maxBatches = 16
	)
	out := make([]byte, 0, receiptDigits)
	for range maxBatches {
		buf, err := readRandom(rand, batch)
		if err != nil {
			return "", err
		}
		for _, b := range buf {
			if b >= 250 {
				continue
			}
			out = append(out, '0'+b%10)
			if len(out) == receiptDigits {
				return string(out), nil
			}
		}
	}
	return "", errors.New("vault: random source yields too few usable bytes")
}

// NormalizeReceipt turns a receipt as a worker typed it into its canonical
// form of 16 ASCII digits. It drops whitespace of any kind (including the
// full-width ideographic space U+3000 and no-break spaces), invisible
// zero-width characters, and dashes (ASCII and full-width hyphen-minus,
// Unicode hyphens and dashes, the minus sign, and the katakana prolonged
// sound mark "ー" that Japanese input methods produce for "-"). Decimal
// digits of any script, such as full-width "１" or Devanagari "१", become
// ASCII digits. ok is true only if exactly 16 digits remain and nothing
// else.
func NormalizeReceipt(s string) (string, bool) {
	if len(s) > maxReceiptInput {
		return "", false
	}
	var out [receiptDigits]byte
	n := 0
	for _, r := range s {
		if ignorableInReceipt(r) {
			continue
		}
		d, ok := digitValue(r)
		if !ok || n == receiptDigits {
			return "", false
		}
		out[n] = '0' + d
		n++
	}
	if n != receiptDigits {
		return "", false
	}
	return string(out[:]), true
}

// GroupReceipt formats a receipt for display in groups of four digits:
// "1234 5678 9012 3456". Input is normalized first; text that is not a
// receipt is returned unchanged.
func GroupReceipt(r string) string {
	norm, ok := NormalizeReceipt(r)
	if !ok {
		return r
	}
	var b strings.Builder
	b.Grow(receiptDigits + receiptDigits/4 - 1)
	for i := 0; i < receiptDigits; i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(norm[i : i+4])
	}
	return b.String()
}

// ignorableInReceipt reports whether r is a separator a worker may type
// between receipt digits.
func ignorableInReceipt(r rune) bool {
	switch r {
	case '-', // hyphen-minus
		'\uFF0D', // full-width hyphen-minus
		'\uFE63', // small hyphen-minus
		'\u2010', // hyphen
		'\u2011', // non-breaking hyphen
		'\u2012', // figure dash
		'\u2013', // en dash
		'\u2014', // em dash
		'\u2015', // horizontal bar
		'\u2212', // minus sign
		'\u30FC', // katakana-hiragana prolonged sound mark
		'\uFF70', // half-width katakana prolonged sound mark
		'\u200B', // zero width space
		'\u200C', // zero width non-joiner
		'\u200D', // zero width joiner
		'\u2060', // word joiner
		'\uFEFF': // zero width no-break space (byte order mark)
		return true
	}
	return unicode.IsSpace(r)
}

// digitValue returns the value of a decimal digit (Unicode category Nd) in
// any script. Unicode guarantees that such digits are encoded in contiguous
// runs of ten, from zero to nine, so the value is the distance from the
// start of the run modulo ten (some runs, such as the mathematical digits,
// are adjacent).
func digitValue(r rune) (byte, bool) {
	if r >= '0' && r <= '9' {
		return byte(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return byte((r - start) % 10), true
}
