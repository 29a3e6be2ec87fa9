package recruitment_test

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"remedy/internal/recruitment"
)

// sdgExample reads testdata/sdg_example.csv (see sdg_example.md for the
// figures worked out by hand).
func sdgExample(t *testing.T) []recruitment.Observation {
	t.Helper()
	f, err := os.Open("testdata/sdg_example.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []recruitment.Observation
	for _, r := range recs[1:] {
		year, _ := strconv.Atoi(r[5])
		agency, _ := strconv.ParseInt(r[6], 10, 64)
		cost, _ := strconv.ParseFloat(r[7], 64)
		earn, _ := strconv.ParseFloat(r[8], 64)
		out = append(out, recruitment.Observation{Origin: r[1], Program: r[2], Sex: r[3], Occupation: r[4], Year: year,
			AgencyID: agency, CostJPY: cost, EarningsJPY: earn, Violation: r[9] == "true"})
	}
	return out
}

func sdgNear(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func sdgDist(t *testing.T, what string, got recruitment.Dist, n int, mean, median, q4 float64) {
	t.Helper()
	if got.N != n {
		t.Errorf("%s: n = %d, want %d", what, got.N, n)
	}
	sdgNear(t, what+" mean", got.Mean, mean)
	sdgNear(t, what+" median", got.Median, median)
	sdgNear(t, what+" fourth quintile", got.Q4, q4)
}

func sdgFind(t *testing.T, stats []*recruitment.Stats, f recruitment.Filter) *recruitment.Stats {
	t.Helper()
	for _, s := range stats {
		if s.Filter == f {
			return s
		}
	}
	t.Fatalf("no stats for %+v", f)
	return nil
}

func sdgCell(t *testing.T, cells []recruitment.Cell, key string) recruitment.Cell {
	t.Helper()
	for _, c := range cells {
		if c.Key == key {
			return c
		}
	}
	t.Fatalf("no cell %q in %+v", key, cells)
	return recruitment.Cell{}
}

func TestQuantileType7(t *testing.T) {
	// R: quantile(1:10, c(.5, .8)) = 5.5, 8.2; quantile(c(3), .8) = 3.
	ten := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	sdgNear(t, "median of 1..10", recruitment.Quantile(ten, 0.5), 5.5)
	sdgNear(t, "Q4 of 1..10", recruitment.Quantile(ten, 0.8), 8.2)
	sdgNear(t, "max", recruitment.Quantile(ten, 1), 10)
	sdgNear(t, "min", recruitment.Quantile(ten, 0), 1)
	sdgNear(t, "one value", recruitment.Quantile([]float64{3}, 0.8), 3)
	sdgNear(t, "none", recruitment.Quantile(nil, 0.5), 0)
}

func TestSDGHandCheckedExample(t *testing.T) {
	obs := sdgExample(t)
	vn := obs[:8]

	// The direct computation.
	ind := recruitment.Compute(vn)
	if ind.Reports != 8 || ind.Excluded != 1 {
		t.Errorf("VN: reports %d excluded %d, want 8 and 1", ind.Reports, ind.Excluded)
	}
	sdgDist(t, "VN SDG", ind.SDG, 7, 21.5/7, 3.0, 4.8)
	sdgDist(t, "VN cost", ind.Cost, 8, 409437.5, 356250, 632800)

	// The dashboard's computation, for every filter.
	stats := recruitment.ComputeStats(obs, nil, nil)
	s := sdgFind(t, stats, recruitment.Filter{Origin: "VN", Program: "technical_intern"})
	sdgDist(t, "VN/TI SDG", s.Total.SDG, 7, 21.5/7, 3.0, 4.8)
	sdgDist(t, "VN/TI cost", s.Total.Cost, 8, 409437.5, 356250, 632800)
	if s.Total.Violations != 4 || s.Total.Excluded() != 1 {
		t.Errorf("VN/TI violations %d excluded %d, want 4 and 1", s.Total.Violations, s.Total.Excluded())
	}
	female := sdgCell(t, s.Sex, "female")
	sdgDist(t, "female SDG", female.SDG, 4, 2.5, 2.5, 3.8)
	sdgDist(t, "female cost", female.Cost, 4, 343875, 343750, 522700)
	male := sdgCell(t, s.Sex, "male")
	sdgDist(t, "male SDG", male.SDG, 2, 5, 5, 5.6)
	sdgDist(t, "male cost", male.Cost, 3, 1675000.0/3, 550000, 715000)
	none := sdgCell(t, s.Sex, "")
	sdgDist(t, "not stated SDG", none.SDG, 1, 1.5, 1.5, 1.5)
	y25 := sdgCell(t, s.Years, "2025")
	sdgDist(t, "2025 SDG", y25.SDG, 4, 4.5, 4.5, 5.4)
	sdgDist(t, "2025 cost", y25.Cost, 4, 618875, 619000, 742800)
	y26 := sdgCell(t, s.Years, "2026")
	sdgDist(t, "2026 SDG", y26.SDG, 3, 3.5/3, 1.5, 1.8)
	sdgDist(t, "2026 cost", y26.Cost, 4, 200000, 250000, 285000)

	ph := sdgFind(t, stats, recruitment.Filter{Origin: "PH", Program: "specified_skilled", Year: 2026})
	sdgDist(t, "PH SDG", ph.Total.SDG, 5, 0.35, 0.4, 0.52)
	sdgDist(t, "PH cost", ph.Total.Cost, 5, 70000, 80000, 104000)

	// Published, rounded as the dashboard shows it, with k = 4 (with k = 5
	// the share of reports with a violation, resting on 4 reports, is hidden).
	if v := recruitment.BuildView(s.Filter, s, 5); v.Total.ViolationShare.OK || !v.Total.SDG.Mean.OK {
		t.Errorf("k=5: violation share %+v shown or indicator %+v hidden", v.Total.ViolationShare, v.Total.SDG.Mean)
	}
	v := recruitment.BuildView(s.Filter, s, 4)
	want := map[string]recruitment.Value{
		"sdg mean": {V: 3.07, OK: true}, "sdg median": {V: 3, OK: true}, "sdg q4": {V: 4.8, OK: true},
		"cost mean": {V: 409438, OK: true}, "cost median": {V: 356250, OK: true}, "cost q4": {V: 632800, OK: true},
		"violations": {V: 50, OK: true}, "excluded": {V: 1, OK: true}, "reports": {V: 8, OK: true},
	}
	got := map[string]recruitment.Value{
		"sdg mean": v.Total.SDG.Mean, "sdg median": v.Total.SDG.Median, "sdg q4": v.Total.SDG.Q4,
		"cost mean": v.Total.Cost.Mean, "cost median": v.Total.Cost.Median, "cost q4": v.Total.Cost.Q4,
		"violations": v.Total.ViolationShare, "excluded": v.Total.Excluded, "reports": v.Total.Reports,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("published %s = %+v, want %+v", k, got[k], w)
		}
	}
}

// TestSDGNeverImputed: a report without earnings changes the cost figures
// and the excluded count, never the indicator.
func TestSDGNeverImputed(t *testing.T) {
	base := []recruitment.Observation{
		{Origin: "VN", Program: "technical_intern", Year: 2026, CostJPY: 100, EarningsJPY: 100},
		{Origin: "VN", Program: "technical_intern", Year: 2026, CostJPY: 300, EarningsJPY: 100},
	}
	with := append(slices.Clone(base), recruitment.Observation{Origin: "VN", Program: "technical_intern", Year: 2026, CostJPY: 900000})
	a, b := recruitment.Compute(base), recruitment.Compute(with)
	if a.SDG != b.SDG {
		t.Errorf("a report without earnings changed the indicator: %+v → %+v", a.SDG, b.SDG)
	}
	if b.Excluded != 1 || b.Reports != 3 || b.Cost.N != 3 {
		t.Errorf("excluded %d reports %d cost n %d, want 1, 3, 3", b.Excluded, b.Reports, b.Cost.N)
	}
	for _, e := range []float64{0, -5, math.NaN()} {
		if _, ok := (recruitment.Observation{CostJPY: 1, EarningsJPY: e}).Ratio(); ok {
			t.Errorf("earnings %v gave a ratio", e)
		}
	}
}

// TestComputeStatsMatchesDirect holds the one-pass computation of every
// filter and breakdown to the direct one, on random reports.
func TestComputeStatsMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	origins := []string{"VN", "ID", "KH", "PH"}
	programs := []string{"technical_intern", "specified_skilled"}
	sexes := []string{"female", "male", ""}
	occs := []string{"construction", "agriculture", "food_processing", ""}
	var obs []recruitment.Observation
	for range 3000 {
		o := recruitment.Observation{
			Origin: origins[rng.IntN(len(origins))], Program: programs[rng.IntN(len(programs))],
			Sex: sexes[rng.IntN(len(sexes))], Occupation: occs[rng.IntN(len(occs))], Year: 2023 + rng.IntN(4),
			AgencyID: int64(rng.IntN(6)), CostJPY: float64(rng.IntN(20)) * 50000, Violation: rng.IntN(3) == 0,
		}
		if rng.IntN(10) > 0 {
			o.EarningsJPY = 120000 + float64(rng.IntN(8))*10000
		}
		obs = append(obs, o)
	}
	stats := recruitment.ComputeStats(obs, nil, nil)
	if len(stats) != 5*3*5 {
		t.Errorf("%d filters, want %d", len(stats), 5*3*5)
	}
	match := func(f recruitment.Filter, o recruitment.Observation) bool {
		return (f.Origin == "" || f.Origin == o.Origin) && (f.Program == "" || f.Program == o.Program) && (f.Year == 0 || f.Year == o.Year)
	}
	check := func(what string, got recruitment.Cell, sel []recruitment.Observation) {
		t.Helper()
		want := recruitment.Compute(sel)
		if got.Reports != want.Reports || got.SDG.N != want.SDG.N {
			t.Fatalf("%s: reports %d/%d, want %d/%d", what, got.Reports, got.SDG.N, want.Reports, want.SDG.N)
		}
		for _, p := range [][3]float64{
			{got.Cost.Mean, want.Cost.Mean}, {got.Cost.Median, want.Cost.Median}, {got.Cost.Q4, want.Cost.Q4},
			{got.SDG.Mean, want.SDG.Mean}, {got.SDG.Median, want.SDG.Median}, {got.SDG.Q4, want.SDG.Q4},
		} {
			if math.Abs(p[0]-p[1]) > 1e-6*math.Max(1, math.Abs(p[1])) {
				t.Fatalf("%s: got %+v, want %+v", what, got, want)
			}
		}
		v := 0
		for _, o := range sel {
			if o.Violation {
				v++
			}
		}
		if got.Violations != v {
			t.Fatalf("%s: violations %d, want %d", what, got.Violations, v)
		}
	}
	for _, s := range stats {
		var sel []recruitment.Observation
		for _, o := range obs {
			if match(s.Filter, o) {
				sel = append(sel, o)
			}
		}
		check("total "+strconv.Quote(s.Filter.Origin+s.Filter.Program+strconv.Itoa(s.Filter.Year)), s.Total, sel)
		by := func(name string, cells []recruitment.Cell, key func(recruitment.Observation) string) {
			n := 0
			for _, c := range cells {
				var sub []recruitment.Observation
				for _, o := range sel {
					if key(o) == c.Key {
						sub = append(sub, o)
					}
				}
				check(name+" "+c.Key, c, sub)
				n += c.Reports
			}
			if n != len(sel) {
				t.Fatalf("%s breakdown covers %d of %d reports", name, n, len(sel))
			}
		}
		by("sex", s.Sex, func(o recruitment.Observation) string { return o.Sex })
		by("occupation", s.Occupation, func(o recruitment.Observation) string { return o.Occupation })
		by("agency", s.Agencies, func(o recruitment.Observation) string {
			if o.AgencyID == 0 {
				return ""
			}
			return strconv.FormatInt(o.AgencyID, 10)
		})
		by("corridor", s.Corridors, func(o recruitment.Observation) string { return recruitment.CorridorKey(o.Origin, o.Program) })
		if s.Filter.Year == 0 {
			by("year", s.Years, func(o recruitment.Observation) string { return strconv.Itoa(o.Year) })
		}
	}
}

func TestItemAndRuleRollUp(t *testing.T) {
	obs := sdgExample(t)
	items := []recruitment.ItemLeaf{
		{Origin: "VN", Program: "technical_intern", Year: 2025, Kind: "service_fee", Reports: 4, SumJPY: 1000000},
		{Origin: "VN", Program: "technical_intern", Year: 2026, Kind: "service_fee", Reports: 3, SumJPY: 500000},
		{Origin: "PH", Program: "specified_skilled", Year: 2026, Kind: "medical", Reports: 5, SumJPY: 50000},
	}
	rules := []recruitment.RuleLeaf{
		{Origin: "VN", Program: "technical_intern", Year: 2025, RuleID: "vn.service_fee_cap", Reports: 3},
		{Origin: "VN", Program: "technical_intern", Year: 2026, RuleID: "vn.service_fee_cap", Reports: 1},
		{Origin: "KH", Program: "technical_intern", Year: 2025, RuleID: "jp.titp.deposit", Reports: 3},
	}
	stats := recruitment.ComputeStats(obs, items, rules)
	all := sdgFind(t, stats, recruitment.Filter{})
	if len(all.Items) != 2 || all.Items[0] != (recruitment.ItemCell{Kind: "service_fee", Reports: 7, SumJPY: 1500000}) {
		t.Errorf("items of all: %+v", all.Items)
	}
	if len(all.Rules) != 2 || all.Rules[0] != (recruitment.RuleCell{RuleID: "vn.service_fee_cap", Reports: 4}) {
		t.Errorf("rules of all: %+v", all.Rules)
	}
	vn25 := sdgFind(t, stats, recruitment.Filter{Origin: "VN", Year: 2025})
	if len(vn25.Rules) != 1 || vn25.Rules[0].Reports != 3 || len(vn25.Items) != 1 || vn25.Items[0].Reports != 4 {
		t.Errorf("VN 2025: items %+v rules %+v", vn25.Items, vn25.Rules)
	}
	// Published with k = 4: 4 of 17 paid... the KH deposit rule (3 reports) is hidden.
	v := recruitment.BuildView(recruitment.Filter{}, all, 4)
	for _, r := range v.Rules {
		if r.RuleID == "jp.titp.deposit" && !r.Suppressed {
			t.Errorf("a rule broken in 3 reports is shown with k = 4: %+v", r)
		}
		if r.RuleID == "vn.service_fee_cap" && (r.Suppressed || r.Share != (recruitment.Value{V: 23.5, OK: true})) {
			t.Errorf("vn.service_fee_cap: %+v, want 4 of 17 = 23.5 %%", r)
		}
	}
	for _, it := range v.Items {
		if it.Kind == "service_fee" && (it.MeanPaid != recruitment.Value{V: 214286, OK: true} || it.Share != recruitment.Value{V: 41.2, OK: true}) {
			t.Errorf("service_fee: %+v", it)
		}
	}
}
