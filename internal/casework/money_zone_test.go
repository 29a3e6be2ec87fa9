package casework_test

import (
	"testing"
	"time"

	"remedy/internal/casework"
)

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"240000", "JPY", 240000, true},
		{"240,000", "JPY", 240000, true},
		{" 1 234 ", "VND", 1234, true},
		{"1234.50", "USD", 123450, true},
		{"1234.5", "USD", 123450, true},
		{"1234", "IDR", 123400, true},
		{"12.5", "JPY", 0, false},
		{"1.234", "USD", 0, false},
		{"0", "JPY", 0, false},
		{"-5", "JPY", 0, false},
		{"", "JPY", 0, false},
		{"1.", "USD", 0, false},
		{"1e5", "JPY", 0, false},
		{"99999999999999999999", "JPY", 0, false},
	}
	for _, c := range cases {
		got, ok := casework.ParseAmount(c.in, c.cur)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d, %v", c.in, c.cur, got, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		minor int64
		cur   string
		plain string
		shown string
	}{
		{480000, "JPY", "480000", "480,000 JPY"},
		{123450, "USD", "1234.50", "1,234.50 USD"},
		{5, "USD", "0.05", "0.05 USD"},
		{100, "VND", "100", "100 VND"},
	} {
		if got := casework.FormatDecimal(c.minor, c.cur); got != c.plain {
			t.Errorf("FormatDecimal(%d, %s) = %q, want %q", c.minor, c.cur, got, c.plain)
		}
		if got := casework.FormatAmount(c.minor, c.cur); got != c.shown {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", c.minor, c.cur, got, c.shown)
		}
		if back, ok := casework.ParseAmount(casework.FormatDecimal(c.minor, c.cur), c.cur); !ok || back != c.minor {
			t.Errorf("round trip of %d %s: %d %v", c.minor, c.cur, back, ok)
		}
	}
}

func TestLocalTime(t *testing.T) {
	at := time.Date(2026, 11, 7, 0, 30, 0, 0, time.UTC) // 09:30 in Japan
	for cc, want := range map[string]string{
		"JP": "2026-11-07 09:30 (UTC+9)",
		"VN": "2026-11-07 07:30 (UTC+7)",
		"TH": "2026-11-07 07:30 (UTC+7)",
		"KH": "2026-11-07 07:30 (UTC+7)",
		"ID": "2026-11-07 07:30 (UTC+7)",
		"PH": "2026-11-07 08:30 (UTC+8)",
		"MM": "2026-11-07 07:00 (UTC+6:30)",
		"NP": "2026-11-07 06:15 (UTC+5:45)",
		"vn": "2026-11-07 07:30 (UTC+7)",
		"ZZ": "",
	} {
		if got := casework.LocalTime(at, cc); got != want {
			t.Errorf("LocalTime(%s) = %q, want %q", cc, got, want)
		}
	}
}
