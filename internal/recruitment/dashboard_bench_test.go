package recruitment_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"remedy/internal/recruitment"
)

// BenchmarkComputeStats computes every filter's figures for a million
// reports in memory (the pure part of a summary refresh):
//
//	go test -run '^$' -bench ComputeStats -benchmem ./internal/recruitment/
func BenchmarkComputeStats(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	origins := []string{"VN", "VN", "VN", "ID", "PH", "KH", "MM", "TH", "NP", "ZZ"}
	programs := []string{"technical_intern", "technical_intern", "specified_skilled", "skill_development"}
	sexes := []string{"female", "male", ""}
	obs := make([]recruitment.Observation, 1_000_000)
	for i := range obs {
		oi := rng.IntN(len(origins))
		obs[i] = recruitment.Observation{Origin: origins[oi], Program: programs[rng.IntN(len(programs))],
			Sex: sexes[rng.IntN(3)], Occupation: recruitment.Occupations[rng.IntN(len(recruitment.Occupations))],
			Year: 2021 + rng.IntN(6), AgencyID: int64(oi*40 + rng.IntN(40) + 1), CostJPY: float64(rng.IntN(1_000_000)),
			EarningsJPY: float64(120000 + rng.IntN(60000)), Violation: rng.IntN(3) == 0}
	}
	b.ReportAllocs()
	for b.Loop() {
		stats := recruitment.ComputeStats(obs, nil, nil)
		if len(stats) == 0 {
			b.Fatal("no stats")
		}
		b.ReportMetric(float64(len(stats)), "filters")
	}
	_ = strconv.Itoa
}
