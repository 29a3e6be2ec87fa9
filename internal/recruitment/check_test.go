package recruitment_test

import (
	"fmt"
	"slices"
	"testing"

	"remedy/internal/grievance"
	"remedy/internal/recruitment"
)

// conv converts with the bundled table only.
func conv() recruitment.Converter {
	return recruitment.Converter{Table: recruitment.NewRateTable(recruitment.BundledRates())}
}

// testDate picks a report date inside the rule version's window.
func testDate(r recruitment.Rule) string {
	switch {
	case r.EffectiveTo != "":
		return r.EffectiveTo
	case r.EffectiveFrom > "2025-06-01":
		return r.EffectiveFrom
	}
	return "2025-06-01"
}

// baseReport is a report the rule applies to (and that no other rule
// overrides it for), with no items yet.
func baseReport(t *testing.T, rules recruitment.RuleSet, r recruitment.Rule, months int) *recruitment.Report {
	t.Helper()
	origin := r.Origin
	if origin == "*" {
		origin = "ZZ" // only global and destination rules apply
	}
	programs := r.Programs
	if slices.Contains(programs, "*") {
		programs = grievance.Programs
	}
	for _, prog := range programs {
		rep := &recruitment.Report{
			Language: "en", OriginCountry: origin, Destination: "JP", Program: prog, Occupation: "construction",
			ContractMonths: months, MonthlyWageJPY: 200_000, FirstMonthEarningsJPY: 180_000, ReportDate: testDate(r),
		}
		if w := r.When; w != nil {
			rep.PublicProgramme = w.PublicProgramme
			if len(w.Occupations) > 0 {
				rep.Occupation = w.Occupations[0]
			}
		}
		if recruitment.Applicable(rep, rules, r.ID) {
			return rep
		}
	}
	return nil
}

// itemFor is an item of yen the check counts.
func itemFor(c recruitment.Check, yen int64) recruitment.Item {
	it := recruitment.Item{Kind: recruitment.KindServiceFee, Amount: yen * 100, Currency: "JPY"}
	if len(c.Items) > 0 {
		it.Kind = c.Items[0]
	}
	if len(c.Payees) > 0 {
		it.Payee = c.Payees[0]
	}
	return it
}

func findingsOf(res recruitment.Result, id string, check int) []recruitment.Finding {
	var out []recruitment.Finding
	for _, f := range res.Findings {
		if f.RuleID == id && f.CheckIndex == check {
			out = append(out, f)
		}
	}
	return out
}

// TestEveryRuleAtAndAroundItsCap checks every rule of fee-rules.json that
// can fire, for contracts of 12, 36 and 60 months: nothing at the cap or
// just under it, a finding of the rule's severity over by exactly one yen
// just over it. Zero rules have their cap at 0 (nothing paid).
func TestEveryRuleAtAndAroundItsCap(t *testing.T) {
	rules := recruitment.RuleSet(recruitment.BundledRules())
	cv := conv()
	fired := map[string]bool{}
	for _, r := range rules {
		for ci, c := range r.Checks {
			for _, months := range []int{12, 36, 60} {
				name := fmt.Sprintf("%s/check%d/%dmonths", r.ID, ci, months)
				t.Run(name, func(t *testing.T) {
					base := baseReport(t, rules, r, months)
					if base == nil {
						if slices.Contains(r.Destinations, "*") || slices.Contains(r.Destinations, "JP") {
							t.Fatalf("no report found that %s applies to", r.ID)
						}
						return // a rule for other destinations (NP Free Visa Free Ticket) never applies to Japan
					}
					run := func(yen int64) []recruitment.Finding {
						rep := *base
						if yen > 0 {
							rep.Items = []recruitment.Item{itemFor(c, yen)}
						}
						res, err := recruitment.CheckReport(&rep, rules, cv)
						if err != nil {
							t.Fatal(err)
						}
						return findingsOf(res, r.ID, ci)
					}
					if c.Kind == recruitment.CheckInform {
						if got := run(0); len(got) != 0 {
							t.Errorf("nothing reported: %d findings", len(got))
						}
						got := run(50_000)
						if len(got) != 1 || got[0].Severity != recruitment.Note {
							t.Fatalf("item reported: findings %+v, want one note", got)
						}
						fired[r.ID] = true
						return
					}
					limit, applies, err := recruitment.CapJPY(base, c, cv)
					if err != nil {
						t.Fatal(err)
					}
					if !applies {
						// The check is not about this contract (too short):
						// even a large amount gives nothing.
						if got := run(100_000_000); len(got) != 0 {
							t.Errorf("check does not apply to %d months, yet found %+v", months, got)
						}
						return
					}
					if limit > 0 {
						if got := run(limit - 1); len(got) != 0 {
							t.Errorf("just under the cap (%d yen, cap %d): %+v", limit-1, limit, got)
						}
					}
					if got := run(limit); len(got) != 0 {
						t.Errorf("at the cap (%d yen): %+v", limit, got)
					}
					got := run(limit + 1)
					if len(got) != 1 {
						t.Fatalf("just over the cap (%d yen, cap %d): %d findings, want 1", limit+1, limit, len(got))
					}
					f := got[0]
					if f.OverByJPY != 1 || f.CapJPY != limit || f.PaidJPY != limit+1 {
						t.Errorf("over by %d (cap %d, paid %d), want over by 1 (cap %d)", f.OverByJPY, f.CapJPY, f.PaidJPY, limit)
					}
					if want := recruitment.SeverityOf(r, c); f.Severity != want {
						t.Errorf("severity %s, want %s", f.Severity, want)
					}
					if f.RuleVersion != r.Version || f.RuleVersion < 1 {
						t.Errorf("finding records version %d, rule is version %d", f.RuleVersion, r.Version)
					}
					if f.Citation == "" && f.SourceURL == "" {
						t.Error("finding has no legal source")
					}
					fired[r.ID] = true
				})
			}
		}
	}
	// Every rule with a check for Japan fired at least once.
	for _, r := range rules {
		if r.CanFire() && (slices.Contains(r.Destinations, "*") || slices.Contains(r.Destinations, "JP")) && !fired[r.ID] {
			t.Errorf("rule %s never fired", r.ID)
		}
	}
}

// TestVietnamServiceFeeCaps is the hand-checked example: a wage of 200,000
// yen a month. Law 69/2020 Art. 23(4)(a) allows one month's wage per 12
// months; (b) at most 3 months in total from 36 months.
func TestVietnamServiceFeeCaps(t *testing.T) {
	rules := recruitment.RuleSet(recruitment.BundledRules())
	cases := []struct {
		months   int
		fee      int64
		cap12    int64 // 0: no finding of the 12-month rule
		over12   int64
		over36   int64
		has36Cap bool
	}{
		{12, 200_000, 0, 0, 0, false},
		{12, 200_001, 200_000, 1, 0, false},
		{36, 600_000, 0, 0, 0, true},
		{36, 600_001, 600_000, 1, 1, true},
		{60, 600_001, 0, 0, 1, true}, // within 5 months per the 12-month rule, over the 3-month total
		{60, 1_000_001, 1_000_000, 1, 400_001, true},
	}
	for _, tc := range cases {
		rep := &recruitment.Report{Language: "vi", OriginCountry: "VN", Program: "technical_intern", ContractMonths: tc.months,
			MonthlyWageJPY: 200_000, ReportDate: "2025-03-01",
			Items: []recruitment.Item{{Kind: "service_fee", Amount: tc.fee * 100, Currency: "JPY"}}}
		res, err := recruitment.CheckReport(rep, rules, conv())
		if err != nil {
			t.Fatal(err)
		}
		f12 := findingsOf(res, "VN-GEN-SERVICE-FEE-12M", 0)
		f36 := findingsOf(res, "VN-GEN-SERVICE-FEE-36M", 0)
		if (tc.over12 > 0) != (len(f12) == 1) || (len(f12) == 1 && (f12[0].OverByJPY != tc.over12 || f12[0].CapJPY != tc.cap12)) {
			t.Errorf("%d months, fee %d: 12-month rule %+v, want over by %d", tc.months, tc.fee, f12, tc.over12)
		}
		if (tc.over36 > 0) != (len(f36) == 1) || (len(f36) == 1 && f36[0].OverByJPY != tc.over36) {
			t.Errorf("%d months, fee %d: 36-month rule %+v, want over by %d", tc.months, tc.fee, f36, tc.over36)
		}
		if len(f12)+len(f36) > 0 && !res.HasViolation {
			t.Error("a broken Vietnamese cap is not a violation")
		}
		// The ILO principle is always a concern when anything was paid.
		if ilo := findingsOf(res, "GLOBAL-ILO-ZERO-FEE", 0); len(ilo) != 1 || ilo[0].Severity != recruitment.Concern {
			t.Errorf("ILO zero-fee finding %+v, want one concern", ilo)
		}
	}
}

// TestRulesInForceOnTheReportDate: the 2016 USD cap applies to a 2021
// report (as a note: it is marked superseded), Law 69/2020 to a 2022 one.
func TestRulesInForceOnTheReportDate(t *testing.T) {
	rules := recruitment.RuleSet(recruitment.BundledRules())
	mk := func(date string) recruitment.Result {
		rep := &recruitment.Report{Language: "vi", OriginCountry: "VN", Program: "technical_intern", ContractMonths: 36,
			MonthlyWageJPY: 150_000, ReportDate: date,
			Items: []recruitment.Item{{Kind: "service_fee", Amount: 5000_00, Currency: "USD", PaidOn: date}}}
		res, err := recruitment.CheckReport(rep, rules, conv())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	old := mk("2021-06-15")
	if f := findingsOf(old, "VN-JP-TITP-2016-USD-CAP", 0); len(f) != 1 || f[0].Severity != recruitment.Note {
		t.Errorf("2021: 2016 USD cap finding %+v, want one note", f)
	} else if usd, rate := 3600.0, 110.1073; f[0].CapJPY != int64(usd*rate) {
		t.Errorf("2021: cap %d yen, want USD 3,600 at 110.1073 = %d", f[0].CapJPY, int64(usd*rate))
	}
	if f := findingsOf(old, "VN-GEN-SERVICE-FEE-12M", 0); len(f) != 0 {
		t.Errorf("2021: Law 69/2020 (from 2022) fired: %+v", f)
	}
	newer := mk("2022-06-15")
	if f := findingsOf(newer, "VN-JP-TITP-2016-USD-CAP", 0); len(f) != 0 {
		t.Errorf("2022: the 2016 cap still fired: %+v", f)
	}
	if f := findingsOf(newer, "VN-GEN-SERVICE-FEE-12M", 0); len(f) != 1 || f[0].Severity != recruitment.Violation {
		t.Errorf("2022: Law 69/2020 finding %+v, want one violation", f)
	}
}

func TestSeverityOf(t *testing.T) {
	cap := recruitment.Check{Kind: recruitment.CheckCap}
	cases := []struct {
		status, confidence string
		check              recruitment.Check
		want               recruitment.Severity
	}{
		{"in_force", "high", cap, recruitment.Violation},
		{"in_force", "medium", cap, recruitment.Violation},
		{"in_force", "low", cap, recruitment.Concern},
		{"in_force", "unconfirmed", cap, recruitment.Note},
		{"policy_not_law", "high", cap, recruitment.Concern},
		{"unknown", "low", cap, recruitment.Concern},
		{"unknown", "unconfirmed", cap, recruitment.Note},
		{"superseded", "medium", cap, recruitment.Note},
		{"draft_or_announced", "medium", cap, recruitment.Note},
		{"in_force", "high", recruitment.Check{Kind: recruitment.CheckInform}, recruitment.Note},
		{"in_force", "high", recruitment.Check{Kind: recruitment.CheckBenchmark}, recruitment.Note},
	}
	for _, tc := range cases {
		r := recruitment.Rule{Status: tc.status, Confidence: tc.confidence}
		if got := recruitment.SeverityOf(r, tc.check); got != tc.want {
			t.Errorf("%s/%s/%s: %s, want %s", tc.status, tc.confidence, tc.check.Kind, got, tc.want)
		}
	}
	// No bundled rule of unconfirmed confidence can give more than a note,
	// and only in_force rules of high/medium confidence give violations.
	for _, r := range recruitment.BundledRules() {
		for _, c := range r.Checks {
			s := recruitment.SeverityOf(r, c)
			if s == recruitment.Violation && (r.Status != "in_force" || r.Confidence == "low" || r.Confidence == "unconfirmed") {
				t.Errorf("%s gives a violation with status %s, confidence %s", r.ID, r.Status, r.Confidence)
			}
		}
	}
}

// TestSpecificRulesOverrideGeneral: a Filipino technical intern's fee is
// judged by DO 188 (no fee at all), not also by the one-month general rule.
func TestSpecificRulesOverrideGeneral(t *testing.T) {
	rules := recruitment.RuleSet(recruitment.BundledRules())
	rep := &recruitment.Report{Language: "fil", OriginCountry: "PH", Program: "technical_intern", ContractMonths: 36,
		MonthlyWageJPY: 180_000, ReportDate: "2025-01-10",
		Items: []recruitment.Item{{Kind: "service_fee", Amount: 300_000_00, Currency: "JPY"}}}
	res, err := recruitment.CheckReport(rep, rules, conv())
	if err != nil {
		t.Fatal(err)
	}
	if len(findingsOf(res, "PH-JP-TITP", 0)) != 1 {
		t.Error("PH-JP-TITP did not fire")
	}
	if len(findingsOf(res, "PH-GEN-PLACEMENT-FEE", 0)) != 0 {
		t.Error("the general Philippine rule fired although DO 188 applies")
	}
	rep.Program = "other"
	res, _ = recruitment.CheckReport(rep, rules, conv())
	if f := findingsOf(res, "PH-GEN-PLACEMENT-FEE", 0); len(f) != 1 || f[0].OverByJPY != 120_000 {
		t.Errorf("programme other: general rule %+v, want over by 120,000", f)
	}
	// Refunded items count for nothing.
	rep.Items[0].Refunded = true
	res, _ = recruitment.CheckReport(rep, rules, conv())
	if len(res.Findings) != 0 || res.TotalJPY != 0 {
		t.Errorf("refunded fee: %d findings, total %d", len(res.Findings), res.TotalJPY)
	}
}

func TestTotalsAndMonthsOfEarnings(t *testing.T) {
	rules := recruitment.RuleSet(recruitment.BundledRules())
	rep := &recruitment.Report{Language: "vi", OriginCountry: "VN", Program: "technical_intern", ContractMonths: 36,
		MonthlyWageJPY: 180_000, FirstMonthEarningsJPY: 136_670, ReportDate: "2024-03-20",
		Items: []recruitment.Item{
			{Kind: "service_fee", Amount: 100_000_000_00, Currency: "VND", PaidOn: "2023-06-10"},
			{Kind: "deposit", Amount: 1500_00, Currency: "USD", PaidOn: "2023-06-10"},
			{Kind: "medical", Amount: 20_000_00, Currency: "JPY", Refunded: true},
		},
		Loan: &recruitment.Loan{Amount: 80_000_000_00, Currency: "VND", Outstanding: 40_000_000_00},
	}
	res, err := recruitment.CheckReport(rep, rules, conv())
	if err != nil {
		t.Fatal(err)
	}
	// 2023 VND: 23,787.3 per USD (WDI annual); yen 2023-06: 141.3581.
	jpy, vnd := 141.3581, 23787.3
	wantVND := int64(100_000_000*jpy/vnd + 0.5)
	wantUSD := int64(1500*jpy + 0.5)
	if res.TotalJPY != wantVND+wantUSD {
		t.Errorf("total %d yen, want %d + %d", res.TotalJPY, wantVND, wantUSD)
	}
	if !res.HasEarnings || res.MonthsOfEarnings < 5.85 || res.MonthsOfEarnings > 5.95 {
		t.Errorf("months of earnings %.3f, want about 5.9 (806,297 / 136,670)", res.MonthsOfEarnings)
	}
	if got := recruitment.Categories(rep); !slices.Equal(got, []string{"recruitment.fees", "recruitment.deposit", "recruitment.debt"}) {
		t.Errorf("categories %q", got)
	}
	if f := findingsOf(res, "JP-TITP-PENALTY-DEPOSIT-PASSPORT", 0); len(f) != 1 || f[0].Severity != recruitment.Violation || f[0].OverByJPY != wantUSD {
		t.Errorf("deposit: %+v", f)
	}
	if f := findingsOf(res, "VN-DEPOSIT", 0); len(f) != 1 || f[0].Severity != recruitment.Note {
		t.Errorf("VN deposit note: %+v", f)
	}
	// Most serious first.
	for i := 1; i < len(res.Findings); i++ {
		order := map[recruitment.Severity]int{recruitment.Violation: 0, recruitment.Concern: 1, recruitment.Note: 2}
		if order[res.Findings[i-1].Severity] > order[res.Findings[i].Severity] {
			t.Errorf("findings out of order: %s before %s", res.Findings[i-1].Severity, res.Findings[i].Severity)
		}
	}
	// The report's own rate wins over the table.
	rep2 := *rep
	rep2.Items = []recruitment.Item{{Kind: "service_fee", Amount: 1_000_000_00, Currency: "VND"}}
	rep2.OwnRates = map[string]float64{"VND": 0.006}
	res2, _ := recruitment.CheckReport(&rep2, rules, recruitment.Converter{Table: conv().Table, Own: rep2.OwnRates})
	if res2.TotalJPY != 6000 || rep2.Items[0].RateSource != "report" {
		t.Errorf("own rate: total %d (%s), want 6000 (report)", res2.TotalJPY, rep2.Items[0].RateSource)
	}
}
