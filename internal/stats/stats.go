// Package stats computes how well the grievance mechanism works (UN Guiding
// Principle 31): times to acknowledge, to first response and to remedy,
// shares of remedy types and of overdue stages, referral acknowledgement
// per organisation, worker satisfaction and reported retaliation, each by a
// chosen dimension. It also draws the figures as SVG bar charts.
//
// It is pure: no HTTP, no SQL, no clock of its own (the caller passes now).
//
// Small cells: a figure computed from fewer than MinCell cases is not
// published (its value and its count are withheld, and Suppressed is set),
// so that no worker can be picked out of a small group.
//
// Percentiles use linear interpolation between closest ranks (Hyndman and
// Fan's type 7, the default of R, NumPy and spreadsheet PERCENTILE.INC): for
// n sorted values x[0..n-1] and 0 ≤ p ≤ 1, h = (n−1)·p and
// Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). The median is Q(0.5),
// which is the middle value, or the mean of the two middle values.
package stats

import (
	"encoding/json"
	"math"
	"slices"
)

// MinCell is the fewest cases a published figure may be computed from.
const MinCell = 5

// Quantile returns the p-quantile of sorted (ascending) values by linear
// interpolation between closest ranks; NaN when there are none.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 || math.IsNaN(p) {
		return math.NaN()
	}
	p = min(max(p, 0), 1)
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Median is Quantile(sorted, 0.5).
func Median(sorted []float64) float64 { return Quantile(sorted, 0.5) }

// Count is a number of cases, withheld below MinCell.
type Count struct {
	N          int
	Suppressed bool
}

// NewCount returns n as a publishable count.
func NewCount(n int) Count { return Count{N: n, Suppressed: n < MinCell} }

// MarshalJSON writes a withheld count as null.
func (c Count) MarshalJSON() ([]byte, error) {
	if c.Suppressed {
		return []byte("null"), nil
	}
	return json.Marshal(c.N)
}

// Durations summarises times, in hours.
type Durations struct {
	N          int     // how many cases the figures rest on
	Median     float64 // hours
	P90        float64 // hours
	Suppressed bool    // N < MinCell: nothing is published
}

// SummarizeHours sorts hours in place and summarises them.
func SummarizeHours(hours []float64) Durations {
	d := Durations{N: len(hours)}
	if d.N < MinCell {
		d.Suppressed = true
		return d
	}
	slices.Sort(hours)
	d.Median, d.P90 = Median(hours), Quantile(hours, 0.9)
	return d
}

// MarshalJSON writes {n, median_hours, p90_hours}, or {n: null,
// suppressed: true} for a small cell.
func (d Durations) MarshalJSON() ([]byte, error) {
	if d.Suppressed {
		return json.Marshal(map[string]any{"n": nil, "median_hours": nil, "p90_hours": nil, "suppressed": true})
	}
	return json.Marshal(map[string]any{"n": d.N, "median_hours": round(d.Median, 1), "p90_hours": round(d.P90, 1), "suppressed": false})
}

// Share is Count out of Of cases.
type Share struct {
	Count      int
	Of         int
	Value      float64 // Count / Of, from 0 to 1
	Suppressed bool    // Of < MinCell: nothing is published
}

// NewShare returns count out of of, withheld when of < MinCell.
func NewShare(count, of int) Share {
	if of < MinCell {
		return Share{Suppressed: true}
	}
	return Share{Count: count, Of: of, Value: float64(count) / float64(of)}
}

// MarshalJSON writes {count, of, share}, or nulls for a small cell.
func (s Share) MarshalJSON() ([]byte, error) {
	if s.Suppressed {
		return json.Marshal(map[string]any{"count": nil, "of": nil, "share": nil, "suppressed": true})
	}
	return json.Marshal(map[string]any{"count": s.Count, "of": s.Of, "share": round(s.Value, 3), "suppressed": false})
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
