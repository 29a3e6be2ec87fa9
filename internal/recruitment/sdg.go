package recruitment

// SDG indicator 10.7.1, "recruitment cost borne by employee as a proportion
// of monthly income earned in country of destination", as the ILO/World
// Bank metadata (update of 18 May 2022) define it:
//
//   - for each worker k, the ratio C_k / E_k of their own recruitment costs
//     to their own earnings in the first full month of their first job in
//     the destination (numerator and denominator from the same person);
//   - across workers, f(C_k / E_k) with f the mean, the median or the
//     fourth quintile, per corridor (origin → Japan) and programme, with
//     the number of reports, broken down by sex, occupation and year where
//     they are known;
//   - never imputed: a report without first-month earnings is left out of
//     the indicator and counted as excluded; there is no aggregation across
//     corridors beyond what the reports themselves give.
//
// The quantiles (median, fourth quintile) are Hyndman and Fan's type 7:
// linear interpolation between the order statistics, h = (n−1)·p, the
// default of R's quantile(), NumPy's percentile() and Excel's
// PERCENTILE.INC, and what PostgreSQL's percentile_cont computes. The
// fourth quintile is the 80th percentile: the upper limit of the fourth
// fifth of workers, ranked by the ratio.

import (
	"math"
	"sort"
)

// Quintile4 is the fourth quintile's probability.
const Quintile4 = 0.8

// Observation is one fee report as the statistics see it. It holds no text a
// worker wrote and nothing that names them.
type Observation struct {
	Origin     string // ISO 3166-1 alpha-2 of the origin country
	Program    string // programme code (grievance.Programs)
	Sex        string // as reported; "" when not stated
	Occupation string // as reported; "" when not stated
	Year       int    // year of the report date
	AgencyID   int64  // the agency in the registry; 0 when not identified
	CostJPY    float64
	// EarningsJPY is the first full month's earnings in Japan, net of tax
	// and social insurance; 0 or less means not reported.
	EarningsJPY float64
	Violation   bool // the check found at least one violation
}

// Ratio is the report's C_k / E_k, and false when its earnings are unknown
// (the report then counts as excluded, never imputed).
func (r Observation) Ratio() (float64, bool) {
	if !(r.EarningsJPY > 0) || math.IsNaN(r.CostJPY) || math.IsInf(r.EarningsJPY, 0) || r.CostJPY < 0 {
		return 0, false
	}
	return r.CostJPY / r.EarningsJPY, true
}

// Dist summarises values: how many, their mean, median and fourth quintile.
type Dist struct {
	N      int     `json:"n"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	Q4     float64 `json:"q4"`
}

// Quantile returns the p-quantile (0 ≤ p ≤ 1) of sorted values by linear
// interpolation between order statistics (Hyndman and Fan type 7). It
// returns 0 for no values.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	lo, frac := quantileRank(n, p)
	if frac == 0 || lo+1 >= n {
		return sorted[lo]
	}
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

// quantileRank is where the p-quantile of n values falls: between the
// 0-based order statistics lo and lo+1, frac of the way.
func quantileRank(n int, p float64) (lo int, frac float64) {
	h := float64(n-1) * p
	lo = int(math.Floor(h))
	frac = h - float64(lo)
	if lo >= n-1 {
		return n - 1, 0
	}
	return lo, frac
}

// Describe summarises values (in any order; the slice is sorted in place).
func Describe(values []float64) Dist {
	if len(values) == 0 {
		return Dist{}
	}
	sort.Float64s(values)
	var sum float64
	for _, v := range values {
		sum += v
	}
	return Dist{N: len(values), Mean: sum / float64(len(values)),
		Median: Quantile(values, 0.5), Q4: Quantile(values, Quintile4)}
}

// Indicator is SDG 10.7.1 and the recruitment cost for one group of
// reports.
type Indicator struct {
	Reports  int  // every report of the group
	Excluded int  // reports without first-month earnings, left out of SDG
	Cost     Dist // recruitment cost in JPY, over every report
	SDG      Dist // C_k / E_k in months of earnings, over reports with earnings
}

// Compute is the indicator of one group of reports, the direct way. The
// dashboard computes the same figures for every group at once (see
// ComputeStats); tests hold the two to each other.
func Compute(reports []Observation) Indicator {
	var costs, ratios []float64
	for _, r := range reports {
		costs = append(costs, r.CostJPY)
		if q, ok := r.Ratio(); ok {
			ratios = append(ratios, q)
		}
	}
	return Indicator{Reports: len(reports), Excluded: len(reports) - len(ratios),
		Cost: Describe(costs), SDG: Describe(ratios)}
}
