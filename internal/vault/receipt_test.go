package vault_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	"remedy/internal/vault"
)

func TestNewReceiptDistribution(t *testing.T) {
	t.Parallel()
	const n = 10000
	var counts [16][10]int
	seen := make(map[string]bool, n)
	for range n {
		r, err := vault.NewReceipt(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !isASCIIDigits(r, 16) {
			t.Fatalf("receipt %q is not 16 ASCII digits", r)
		}
		if seen[r] {
			t.Fatalf("duplicate receipt %q", r)
		}
		seen[r] = true
		for pos, c := range []byte(r) {
			counts[pos][c-'0']++
		}
	}
	// Chi-square with 9 degrees of freedom per position. P(X > 45) is
	// about 1e-6, so over 16 positions a false failure is very unlikely,
	// while a modulo bias or a stuck digit is far above it.
	const limit = 45.0
	expected := float64(n) / 10
	for pos, row := range counts {
		var chi2 float64
		for _, c := range row {
			d := float64(c) - expected
			chi2 += d * d / expected
		}
		if chi2 > limit {
			t.Errorf("position %d: chi-square %.1f > %.1f, counts %v", pos, chi2, limit, row)
		}
	}
}

func TestNewReceiptRejectionSampling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  []byte
		want string
	}{
		{
			name: "bytes 250-255 skipped",
			src:  append([]byte{250, 251, 252, 253, 254, 255, 249, 0, 10, 19, 99, 100, 245, 123, 7, 8, 9, 200, 201, 202, 203, 204}, make([]byte, 10)...),
			want: "9009905378901234",
		},
		{
			name: "leading zeros kept",
			src:  make([]byte, 32),
			want: "0000000000000000",
		},
		{
			name: "second batch used",
			src:  append(bytes.Repeat([]byte{255}, 20), make([]byte, 44)...),
			want: "0000000000000000",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := vault.NewReceipt(bytes.NewReader(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("NewReceipt = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestNewReceiptBadSource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  func() *bytes.Reader
	}{
		{"only rejected bytes", func() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{0xff}, 1<<16)) }},
		{"too short", func() *bytes.Reader { return zeroReader(10) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if r, err := vault.NewReceipt(tc.src()); err == nil {
				t.Fatalf("NewReceipt = %q, want error", r)
			}
		})
	}
	if _, err := vault.NewReceipt(errReader{}); err == nil {
		t.Fatal("no error from failing source")
	}
}

func TestNormalizeReceipt(t *testing.T) {
	t.Parallel()
	const want = "1234567890123456"
	tests := []struct {
		name string
		in   string
		want string
		ok   bool
	}{
		{"plain", "1234567890123456", want, true},
		{"dashes", "1234-5678-9012-3456", want, true},
		{"spaces", "1234 5678 9012 3456", want, true},
		{"surrounding whitespace", "  1234 5678 9012 3456\r\n", want, true},
		{"tabs and doubled spaces", "1234\t5678  9012 3456", want, true},
		{"full-width digits", "１２３４５６７８９０１２３４５６", want, true},
		{"full-width digits and ideographic spaces", "１２３４\u3000５６７８\u3000９０１２\u3000３４５６", want, true},
		{"full-width hyphens", "１２３４－５６７８－９０１２－３４５６", want, true},
		{"katakana prolonged sound mark", "1234ー5678ー9012ー3456", want, true},
		{"en dash and minus sign", "1234–5678−9012—3456", want, true},
		{"no-break space", "1234\u00a05678\u00a09012\u00a03456", want, true},
		{"zero-width space and BOM", "\ufeff1234\u200b5678 9012 3456", want, true},
		{"mixed widths", "１２３４ 5678-９０１２ 3456", want, true},
		{"devanagari digits", "१२३४ ५६७८ ९०१२ ३४५६", want, true},
		{"leading zeros", "0000 0000 0000 0001", "0000000000000001", true},
		{"15 digits", "1234 5678 9012 345", "", false},
		{"17 digits", "1234 5678 9012 34567", "", false},
		{"letters", "1234 5678 9012 345a", "", false},
		{"letter O for zero", "1234 5678 9O12 3456", "", false},
		{"dots", "1234.5678.9012.3456", "", false},
		{"plus sign", "+1234567890123456", "", false},
		{"empty", "", "", false},
		{"only separators", " - ー ", "", false},
		{"invalid utf-8", "1234567890123456\xff", "", false},
		{"superscript digits", "¹234567890123456", "", false},
		{"very long", strings.Repeat(" ", 1000) + want, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := vault.NormalizeReceipt(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("NormalizeReceipt(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestGroupReceipt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"1234567890123456", "1234 5678 9012 3456"},
		{"0000000000000001", "0000 0000 0000 0001"},
		{"1234-5678-9012-3456", "1234 5678 9012 3456"},
		{"１２３４５６７８９０１２３４５６", "1234 5678 9012 3456"},
		{"not a receipt", "not a receipt"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := vault.GroupReceipt(tc.in); got != tc.want {
				t.Fatalf("GroupReceipt(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzNormalizeReceipt(f *testing.F) {
	for _, s := range []string{
		"1234-5678-9012-3456",
		"1234 5678 9012 3456",
		"１２３４５６７８９０１２３４５６",
		"१२३४ ५६७८ ९०१२ ३४५६",
		"1234ー5678ー9012ー3456",
		"123456789012345",
		"abcd",
		"\xff\xfe",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := vault.NormalizeReceipt(s)
		if !ok {
			if got != "" {
				t.Fatalf("NormalizeReceipt(%q) = %q with ok=false", s, got)
			}
			return
		}
		if !isASCIIDigits(got, 16) {
			t.Fatalf("NormalizeReceipt(%q) = %q: not 16 ASCII digits", s, got)
		}
		// Normalizing is idempotent and grouping round-trips.
		if again, ok := vault.NormalizeReceipt(got); !ok || again != got {
			t.Fatalf("not idempotent: %q -> %q, %v", got, again, ok)
		}
		if back, ok := vault.NormalizeReceipt(vault.GroupReceipt(got)); !ok || back != got {
			t.Fatalf("GroupReceipt does not round-trip: %q", got)
		}
	})
}

// isASCIIDigits reports whether s is exactly n ASCII digits.
func isASCIIDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
