package recruitment_test

import (
	"encoding/json"
	"strings"
	"testing"

	"remedy/internal/recruitment"
)

func dashReports(n int, origin string) []recruitment.Observation {
	var out []recruitment.Observation
	for i := range n {
		out = append(out, recruitment.Observation{Origin: origin, Program: "technical_intern", Year: 2026,
			Sex: []string{"female", "male"}[i%2], CostJPY: float64(100000 * (i + 1)), EarningsJPY: 150000, Violation: i%2 == 0})
	}
	return out
}

// TestSuppressionAtKMinusOneAndK: a corridor with k−1 reports shows
// nothing; with k reports it shows every figure. Several k, because k is
// configurable.
func TestSuppressionAtKMinusOneAndK(t *testing.T) {
	for _, k := range []int{2, 3, 5, 10} {
		for _, n := range []int{k - 1, k} {
			stats := recruitment.ComputeStats(dashReports(n, "VN"), nil, nil)
			f := recruitment.Filter{Origin: "VN", Program: "technical_intern", Year: 2026}
			v := recruitment.BuildView(f, sdgFind(t, stats, f), k)
			tot := v.Total
			figures := []recruitment.Value{tot.Reports, tot.Excluded, tot.SDGReports, tot.Cost.Mean, tot.Cost.Median, tot.Cost.Q4,
				tot.SDG.Mean, tot.SDG.Median, tot.SDG.Q4}
			for i, fig := range figures {
				if fig.OK != (n >= k) {
					t.Errorf("k=%d, %d reports: figure %d published=%v, want %v", k, n, i, fig.OK, n >= k)
				}
			}
			if tot.Suppressed != (n < k) {
				t.Errorf("k=%d, %d reports: suppressed=%v", k, n, tot.Suppressed)
			}
			raw, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if n < k && strings.Contains(string(raw), `"mean":1`) {
				t.Errorf("k=%d: a suppressed mean leaked into JSON: %s", k, raw)
			}
		}
	}
}

// TestSuppressionOfTheIndicatorAlone: k reports but fewer than k with
// earnings: costs are shown, the indicator is not.
func TestSuppressionOfTheIndicatorAlone(t *testing.T) {
	obs := dashReports(5, "VN")
	obs[0].EarningsJPY = 0
	stats := recruitment.ComputeStats(obs, nil, nil)
	v := recruitment.BuildView(recruitment.Filter{}, sdgFind(t, stats, recruitment.Filter{}), 5)
	if !v.Total.Cost.Mean.OK || v.Total.SDG.Mean.OK || v.Total.SDGReports.OK || v.Total.Excluded.OK {
		t.Errorf("with 5 reports, 4 with earnings: %+v", v.Total)
	}
	v = recruitment.BuildView(recruitment.Filter{}, sdgFind(t, stats, recruitment.Filter{}), 4)
	if !v.Total.SDG.Mean.OK || v.Total.Excluded != (recruitment.Value{V: 1, OK: true}) {
		t.Errorf("k=4: %+v", v.Total)
	}
}

// TestSecondarySuppression: when one group of a breakdown is hidden, the
// next smallest is hidden too, so that the first cannot be worked out by
// subtraction from the total.
func TestSecondarySuppression(t *testing.T) {
	obs := sdgExample(t)
	stats := recruitment.ComputeStats(obs, nil, nil)
	s := sdgFind(t, stats, recruitment.Filter{Origin: "VN", Program: "technical_intern"})
	shown := func(k int) map[string]bool {
		v := recruitment.BuildView(s.Filter, s, k)
		out := map[string]bool{}
		for _, c := range v.Sex {
			out[c.Key] = !c.Suppressed
		}
		return out
	}
	if got := shown(2); !got["female"] || got["male"] || got[""] {
		t.Errorf("k=2: shown %v, want only female (see testdata/sdg_example.md)", got)
	}
	if got := shown(1); !got["female"] || !got["male"] || !got[""] {
		t.Errorf("k=1: shown %v, want every group", got)
	}
	// Corridors: KH (4 reports) is the only one below k=5, so the next
	// smallest (PH, 5 reports) is hidden with it; VN (8) stays.
	all := sdgFind(t, stats, recruitment.Filter{})
	v := recruitment.BuildView(recruitment.Filter{}, all, 5)
	got := map[string]bool{}
	for _, c := range v.Corridors {
		got[c.Key] = !c.Suppressed
	}
	if !got["VN/technical_intern"] || got["PH/specified_skilled"] || got["KH/technical_intern"] {
		t.Errorf("corridors with k=5: %v", got)
	}
	// PH alone, as its own filter, is shown at k=5 and hidden at k=6.
	ph := sdgFind(t, stats, recruitment.Filter{Origin: "PH"})
	if recruitment.BuildView(ph.Filter, ph, 5).Total.Suppressed || !recruitment.BuildView(ph.Filter, ph, 6).Total.Suppressed {
		t.Error("PH (5 reports): want shown at k=5 and hidden at k=6")
	}
}

// TestViolationShareSuppression: a share resting on 1..k−1 reports with a
// violation is hidden; 0 is shown.
func TestViolationShareSuppression(t *testing.T) {
	obs := dashReports(10, "VN")
	for i := range obs {
		obs[i].Violation = i < 4
	}
	c := recruitment.ComputeStats(obs, nil, nil)[0].Total
	if v := recruitment.ShowCell(c, 5); v.ViolationShare.OK {
		t.Errorf("4 violations, k=5: share %+v shown", v.ViolationShare)
	}
	if v := recruitment.ShowCell(c, 4); v.ViolationShare != (recruitment.Value{V: 40, OK: true}) {
		t.Errorf("4 violations, k=4: share %+v, want 40", v.ViolationShare)
	}
	for i := range obs {
		obs[i].Violation = false
	}
	c = recruitment.ComputeStats(obs, nil, nil)[0].Total
	if v := recruitment.ShowCell(c, 5); v.ViolationShare != (recruitment.Value{V: 0, OK: true}) {
		t.Errorf("no violation: share %+v, want 0", v.ViolationShare)
	}
}

func TestShowCounts(t *testing.T) {
	got := recruitment.ShowCounts([]string{"a", "b", "c", "d"}, []int{0, 4, 5, 12}, 5)
	want := []bool{true, false, true, true}
	for i, c := range got {
		if c.N.OK != want[i] || c.Suppressed == want[i] {
			t.Errorf("count %s: %+v", c.Key, c)
		}
	}
}

func TestEmptyView(t *testing.T) {
	v := recruitment.BuildView(recruitment.Filter{Origin: "NP"}, nil, 0)
	if v.MinCell != recruitment.DefaultMinCell || !v.Total.Suppressed || v.Corridors == nil || v.Items == nil {
		t.Errorf("empty view: %+v", v)
	}
	raw, _ := json.Marshal(v)
	if !strings.Contains(string(raw), `"corridors":[]`) || !strings.Contains(string(raw), `"mean":null`) {
		t.Errorf("empty view JSON: %s", raw)
	}
}
