package vault

import (
	"testing"
	"unicode"
)

// TestDecimalDigitRuns checks the property digitValue relies on: in the
// Unicode tables Go was built with, every maximal run of Nd characters has
// a length that is a multiple of ten. That each run starts at a zero is
// Unicode's stability policy, spot-checked in TestDigitValue.
func TestDecimalDigitRuns(t *testing.T) {
	t.Parallel()
	runs := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Nd, r-1) {
			continue
		}
		end := r
		for unicode.Is(unicode.Nd, end+1) {
			end++
		}
		if n := end - r + 1; n%10 != 0 {
			t.Errorf("Nd run %U..%U has length %d, not a multiple of 10", r, end, n)
		}
		runs++
		r = end
	}
	if runs < 50 {
		t.Fatalf("found only %d Nd runs; table scan broken?", runs)
	}
}

func TestDigitValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r    rune
		want byte
		ok   bool
	}{
		{'0', 0, true},
		{'9', 9, true},
		{'０', 0, true},      // full-width
		{'７', 7, true},      // full-width
		{'\u0966', 0, true}, // Devanagari zero
		{'\u096F', 9, true}, // Devanagari nine
		{'\u0663', 3, true}, // Arabic-Indic three
		{'\u1045', 5, true}, // Myanmar five
		{'\u0E58', 8, true}, // Thai eight
		{0x1D7D8, 0, true},  // mathematical double-struck zero (in a run of 50)
		{0x1D7E1, 9, true},  // mathematical double-struck nine
		{0x1D7E2, 0, true},  // mathematical sans-serif zero
		{'a', 0, false},
		{'²', 0, false}, // superscript two is No, not Nd
		{'一', 0, false}, // CJK "one" is not a decimal digit
		{'\u2460', 0, false},
	}
	for _, tc := range tests {
		got, ok := digitValue(tc.r)
		if got != tc.want || ok != tc.ok {
			t.Errorf("digitValue(%U) = %d, %v; want %d, %v", tc.r, got, ok, tc.want, tc.ok)
		}
	}
}
