package casework

import (
	"strconv"
	"strings"
)

// minorDigits is the number of decimals of a currency's minor unit (ISO
// 4217) where it is not 2.
var minorDigits = map[string]int{"JPY": 0, "VND": 0, "KRW": 0, "CLP": 0, "ISK": 0, "UGX": 0, "BHD": 3, "KWD": 3, "OMR": 3}

// Digits returns the decimals of currency's minor unit.
func Digits(currency string) int {
	if d, ok := minorDigits[currency]; ok {
		return d
	}
	return 2
}

// IsCurrency reports whether c looks like an ISO 4217 code: three capital
// letters.
func IsCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// maxMinor bounds amounts (a thousand billion minor units).
const maxMinor = 1_000_000_000_000_000

// ParseAmount reads a positive decimal amount such as "240000" or
// "1234.50" (spaces, and commas between digit groups, are ignored) in the
// minor unit of currency. It refuses more decimals than the currency has.
func ParseAmount(s, currency string) (int64, bool) {
	s = strings.NewReplacer(" ", "", ",", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	whole, frac, hasDot := strings.Cut(s, ".")
	digits := Digits(currency)
	if whole == "" || len(frac) > digits || (hasDot && frac == "") {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	frac += strings.Repeat("0", digits-len(frac))
	if len(whole)+len(frac) > 18 {
		return 0, false
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n <= 0 || n > maxMinor {
		return 0, false
	}
	return n, true
}

// FormatAmount writes minor units of currency as a decimal with digit
// groups, such as "240,000 JPY" or "1,234.50 USD".
func FormatAmount(minor int64, currency string) string {
	whole, frac, _ := strings.Cut(FormatDecimal(minor, currency), ".")
	if frac != "" {
		frac = "." + frac
	}
	return group(whole) + frac + " " + currency
}

// FormatDecimal writes minor units as a plain decimal ("240000",
// "1234.50"), as the API and forms take it.
func FormatDecimal(minor int64, currency string) string {
	digits := Digits(currency)
	s := strconv.FormatInt(minor, 10)
	if digits == 0 {
		return s
	}
	for len(s) <= digits {
		s = "0" + s
	}
	return s[:len(s)-digits] + "." + s[len(s)-digits:]
}

func group(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
