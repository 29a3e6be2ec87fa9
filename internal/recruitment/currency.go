package recruitment

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Currencies a cost may be paid in.
var Currencies = []string{"JPY", "USD", "VND", "IDR", "PHP", "THB", "KHR", "MMK", "NPR"}

// IsCurrency reports whether c is a currency a cost may be paid in.
func IsCurrency(c string) bool { return contains(Currencies, c) }

//go:embed data/rates.csv
var bundledRates []byte

// Rate is one row of the exchange-rate table: how many units of Currency
// one US dollar bought, on average, in Month (YYYY-MM).
type Rate struct {
	Month    string
	Currency string
	PerUSD   float64
	Source   string
}

// ErrRates is returned for an exchange-rate file that cannot be read.
var ErrRates = errors.New("recruitment: bad exchange-rate table")

// ParseRates reads a rate table: CSV with the header
// month,currency,per_usd,source; lines starting with # are comments.
func ParseRates(r io.Reader) ([]Rate, error) {
	var body bytes.Buffer
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRates, err)
	}
	cr := csv.NewReader(&body)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRates, err)
	}
	if len(rows) == 0 || len(rows[0]) < 3 || !strings.EqualFold(strings.TrimPrefix(rows[0][0], "\ufeff"), "month") {
		return nil, fmt.Errorf("%w: the first row must be month,currency,per_usd,source", ErrRates)
	}
	var out []Rate
	for i, row := range rows[1:] {
		if len(row) < 3 {
			return nil, fmt.Errorf("%w: line %d has %d fields", ErrRates, i+2, len(row))
		}
		month, cur := strings.TrimSpace(row[0]), strings.ToUpper(strings.TrimSpace(row[1]))
		v, err := strconv.ParseFloat(strings.TrimSpace(row[2]), 64)
		if !IsDate(month+"-01") || !IsCurrency(cur) || err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: line %d: %q", ErrRates, i+2, strings.Join(row, ","))
		}
		src := ""
		if len(row) > 3 {
			src = strings.TrimSpace(row[3])
			if len(src) > 40 {
				src = src[:40]
			}
		}
		out = append(out, Rate{Month: month, Currency: cur, PerUSD: v, Source: src})
	}
	return out, nil
}

// BundledRates returns the rate table that ships with Remedy. The slice
// is shared: do not change it.
func BundledRates() []Rate { return parsedBundledRates() }

var parsedBundledRates = sync.OnceValue(func() []Rate {
	rates, err := ParseRates(bytes.NewReader(bundledRates))
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return rates
})

// RateTable finds the rate of a currency for a date.
type RateTable struct {
	byMonth map[string]map[string]Rate
	months  []string // sorted
}

// NewRateTable builds a table from sets of rates; a later set replaces the
// rows of an earlier one for the same month and currency.
func NewRateTable(sets ...[]Rate) *RateTable {
	t := &RateTable{byMonth: map[string]map[string]Rate{}}
	for _, set := range sets {
		for _, r := range set {
			m := t.byMonth[r.Month]
			if m == nil {
				m = map[string]Rate{}
				t.byMonth[r.Month] = m
				t.months = append(t.months, r.Month)
			}
			m[r.Currency] = r
		}
	}
	sort.Strings(t.months)
	return t
}

// PerUSD returns the rate of cur for date (YYYY-MM-DD): the row of date's
// month, else the nearest earlier month, else the first month. approx is
// true when the row is not of date's own month.
func (t *RateTable) PerUSD(cur, date string) (Rate, bool, error) {
	if cur == "USD" {
		return Rate{Month: date[:min(7, len(date))], Currency: "USD", PerUSD: 1, Source: "DEF"}, false, nil
	}
	month := date
	if len(month) > 7 {
		month = month[:7]
	}
	i := sort.SearchStrings(t.months, month)
	if i < len(t.months) && t.months[i] == month {
		if r, ok := t.byMonth[month][cur]; ok {
			return r, false, nil
		}
	}
	for j := min(i, len(t.months)) - 1; j >= 0; j-- {
		if r, ok := t.byMonth[t.months[j]][cur]; ok {
			return r, true, nil
		}
	}
	for _, m := range t.months {
		if r, ok := t.byMonth[m][cur]; ok {
			return r, true, nil
		}
	}
	return Rate{}, true, fmt.Errorf("recruitment: no exchange rate for %s", cur)
}

// Converter turns amounts into yen and dollars: with the report's own rates
// where it gives them, else with the table.
type Converter struct {
	Table *RateTable
	Own   map[string]float64 // yen per one unit
}

// JPYPerUnit returns how many yen one unit of cur was worth on date, where
// the rate came from, and whether it is approximate: not of that month, or
// a hand estimate (source EST) rather than a published average.
func (c Converter) JPYPerUnit(cur, date string) (float64, string, bool, error) {
	if cur == "JPY" {
		return 1, "same", false, nil
	}
	if v := c.Own[cur]; v > 0 {
		return v, "report", false, nil
	}
	jr, japprox, err := c.Table.PerUSD("JPY", date)
	if err != nil {
		return 0, "", false, err
	}
	japprox = japprox || jr.Source == "EST"
	if cur == "USD" {
		return jr.PerUSD, jr.Source, japprox, nil
	}
	cr, capprox, err := c.Table.PerUSD(cur, date)
	if err != nil {
		return 0, "", false, err
	}
	src := cr.Source
	if jr.Source != cr.Source {
		src = cr.Source + "/" + jr.Source
	}
	return jr.PerUSD / cr.PerUSD, src, japprox || capprox || cr.Source == "EST", nil
}

// ToJPY converts hundredths of cur into whole yen, rounded.
func (c Converter) ToJPY(hundredths int64, cur, date string) (int64, error) {
	rate, _, _, err := c.JPYPerUnit(cur, date)
	if err != nil {
		return 0, err
	}
	return int64(math.Round(float64(hundredths) / 100 * rate)), nil
}

// JPYToUSDCents converts yen into US cents at date's rate.
func (c Converter) JPYToUSDCents(jpy int64, date string) (int64, error) {
	rate, _, _, err := c.JPYPerUnit("USD", date)
	if err != nil {
		return 0, err
	}
	return int64(math.Round(float64(jpy) / rate * 100)), nil
}

// FormatJPY writes yen as "¥1,234,567".
func FormatJPY(n int64) string { return "¥" + group(n) }

// FormatUSD writes cents as "$1,234.56".
func FormatUSD(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s$%s.%02d", sign, group(cents/100), cents%100)
}

// FormatAmount writes hundredths of cur with its code: "150,000,000 VND",
// "1,200.50 USD".
func FormatAmount(hundredths int64, cur string) string {
	if hundredths%100 == 0 {
		return group(hundredths/100) + " " + cur
	}
	return fmt.Sprintf("%s.%02d %s", group(hundredths/100), hundredths%100, cur)
}

// group writes n with commas between thousands.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
