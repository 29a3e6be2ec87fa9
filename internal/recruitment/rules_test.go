package recruitment_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"remedy/internal/i18n"
	"remedy/internal/recruitment"
)

// TestBundledRulesAreValid: every rule transcribed from the reference is a
// valid version 1 with a source, and the file keeps all 27 rules.
func TestBundledRulesAreValid(t *testing.T) {
	rules := recruitment.BundledRules()
	if len(rules) != 27 {
		t.Errorf("%d rules bundled, the reference has 27", len(rules))
	}
	seen := map[string]bool{}
	for _, r := range rules {
		r.Normalize()
		if errs := r.Validate(); len(errs) > 0 {
			t.Errorf("%s: %+v", r.ID, errs)
		}
		if r.Version != 1 {
			t.Errorf("%s: version %d, want 1", r.ID, r.Version)
		}
		if seen[r.ID] {
			t.Errorf("%s twice", r.ID)
		}
		seen[r.ID] = true
		if len(r.LegalSource) == 0 || r.Text == "" || r.Confidence == "" || r.EffectiveNote == "" {
			t.Errorf("%s: legal source, rule text, confidence or effective note missing", r.ID)
		}
	}
}

// TestRuleSummariesTranslated: every rule that can give a finding has its
// plain-words summary, and every label the explanations use, in all nine
// languages.
func TestRuleSummariesTranslated(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range recruitment.BundledRules() {
		if r.CanFire() {
			keys = append(keys, recruitment.SummaryKey(r.ID))
		}
	}
	for _, k := range recruitment.ItemKinds {
		keys = append(keys, "fees.kind."+k)
	}
	for _, s := range recruitment.Severities {
		keys = append(keys, "fees.severity."+string(s), "fees.severity."+string(s)+".means")
	}
	keys = append(keys, "fees.explain.zero", "fees.explain.cap", "fees.explain.benchmark", "fees.explain.inform")
	for _, l := range i18n.Supported {
		cat := b.Catalog(l.Code)
		for _, k := range keys {
			if !slices.Contains(b.Keys(l.Code), k) {
				t.Errorf("%s: no %s", l.Code, k)
			}
		}
		_ = cat
	}
	// An explanation reads as text, with the amounts in it.
	p := b.Printer("vi")
	f := recruitment.Finding{RuleID: "VN-GEN-SERVICE-FEE-12M", CheckKind: "cap", Severity: recruitment.Violation,
		ItemKinds: []string{"service_fee"}, PaidJPY: 300_000, CapJPY: 200_000, OverByJPY: 100_000}
	got := recruitment.Explain(p, f)
	for _, want := range []string{"¥300,000", "¥200,000", "¥100,000", p.T("fees.kind.service_fee")} {
		if !strings.Contains(got, want) {
			t.Errorf("explanation %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "%!") {
		t.Errorf("explanation has a formatting error: %q", got)
	}
}

func TestParseRulesShapes(t *testing.T) {
	one := `{"id":"XX-TEST","version":1,"origin":"VN","destinations":["JP"],"programs":["*"],"status":"in_force",
		"confidence":"high","effective_from":"2026-01-01","effective_to":"","summary":"A test.","checks":[{"kind":"zero","items":["brokerage"]}],
		"source_url":"https://example.org/law"}`
	for name, in := range map[string]string{
		"one":   one,
		"array": "[" + one + "]",
		"file":  `{"schema_version":"remedy-fee-rules/1","rules":[` + one + `]}`,
	} {
		rules, err := recruitment.ParseRules([]byte(in))
		if err != nil || len(rules) != 1 || rules[0].ID != "XX-TEST" {
			t.Errorf("%s: %v %+v", name, err, rules)
		}
	}
	if _, err := recruitment.ParseRules([]byte(`{"id":"X","surprise":1}`)); err == nil {
		t.Error("an unknown field was accepted")
	}
	// The bundled file reads back through the import path.
	rules, err := recruitment.ParseRules(recruitment.BundledRulesJSON())
	if err != nil || len(rules) != 27 {
		t.Errorf("bundled file through ParseRules: %v, %d rules", err, len(rules))
	}
	bad := recruitment.Rule{ID: "lower case", Origin: "Viet Nam", Status: "maybe", Confidence: "sure",
		Checks: []recruitment.Check{{Kind: "cap", Items: []string{"bribe"}}}, EffectiveFrom: "2026-13-01"}
	errs := bad.Validate()
	fields := map[string]bool{}
	for _, e := range errs {
		fields[e.Field] = true
	}
	for _, f := range []string{"id", "origin", "destinations", "programs", "status", "confidence", "effective_from", "summary", "source_url", "checks.0"} {
		if !fields[f] {
			t.Errorf("invalid rule: no error on %s (%+v)", f, errs)
		}
	}
}

// TestSupersede: a new version closes the window of the one before, and a
// report is judged by the version in force on its date.
func TestSupersede(t *testing.T) {
	all := recruitment.BundledRules()
	var v1 recruitment.Rule
	for _, r := range all {
		if r.ID == "VN-GEN-SERVICE-FEE-12M" {
			v1 = r
		}
	}
	next := v1
	next.Checks = []recruitment.Check{{Kind: "cap", Items: []string{"service_fee"}, Basis: "contract_wage", Months: 0.5, PerMonths: 12}}
	next.EffectiveFrom = ""
	if _, _, err := recruitment.Supersede(all, next); err == nil {
		t.Fatal("a second version without a start date was accepted")
	}
	next.EffectiveFrom = "2026-07-01"
	v2, closed, err := recruitment.Supersede(all, next)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || len(closed) != 1 || closed[0].EffectiveTo != "2026-06-30" || closed[0].SupersededBy != 2 {
		t.Fatalf("v2 %d, closed %+v", v2.Version, closed)
	}
	var set recruitment.RuleSet
	for _, r := range all {
		if r.ID == v1.ID {
			r = closed[0]
		}
		set = append(set, r)
	}
	set = append(set, v2)
	check := func(date string) recruitment.Finding {
		rep := &recruitment.Report{Language: "vi", OriginCountry: "VN", Program: "technical_intern", ContractMonths: 12,
			MonthlyWageJPY: 200_000, ReportDate: date,
			Items: []recruitment.Item{{Kind: "service_fee", Amount: 150_000_00, Currency: "JPY"}}}
		res, err := recruitment.CheckReport(rep, set, conv())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if f.RuleID == v1.ID {
				return f
			}
		}
		return recruitment.Finding{}
	}
	if f := check("2026-06-30"); f.RuleID != "" {
		t.Errorf("before v2: ¥150,000 is within one month's wage, yet %+v", f)
	}
	if f := check("2026-07-01"); f.RuleVersion != 2 || f.CapJPY != 100_000 {
		t.Errorf("from v2: finding %+v, want version 2 with a cap of 100,000", f)
	}
}

func TestBundledRatesCoverEveryMonth(t *testing.T) {
	rates := recruitment.BundledRates()
	have := map[string]bool{}
	for _, r := range rates {
		have[r.Month+" "+r.Currency] = true
		if r.Source == "" {
			t.Errorf("%s %s: no source", r.Month, r.Currency)
		}
	}
	for y := 2019; y <= 2026; y++ {
		for m := 1; m <= 12; m++ {
			for _, c := range recruitment.Currencies {
				if c == "JPY" || c == "USD" || have[fmt.Sprintf("%d-%02d %s", y, m, c)] {
					continue
				}
				t.Errorf("no rate for %s in %d-%02d", c, y, m)
			}
		}
	}
	table := recruitment.NewRateTable(rates)
	cv := recruitment.Converter{Table: table}
	if yen, _ := cv.ToJPY(100_00, "USD", "2022-10-05"); yen != 14705 {
		t.Errorf("USD 100 in 2022-10: %d yen, want 14,705 (147.0515)", yen)
	}
	if _, _, approx, _ := cv.JPYPerUnit("VND", "2031-01-01"); !approx {
		t.Error("a date after the table is not marked approximate")
	}
	// An imported row replaces the bundled one.
	imported := recruitment.NewRateTable(rates, []recruitment.Rate{{Month: "2022-10", Currency: "JPY", PerUSD: 150, Source: "import"}})
	if yen, _ := (recruitment.Converter{Table: imported}).ToJPY(100_00, "USD", "2022-10-05"); yen != 15000 {
		t.Errorf("after import: %d yen, want 15,000", yen)
	}
	if _, err := recruitment.ParseRates(strings.NewReader("month,currency,per_usd\n2022-13,JPY,1\n")); err == nil {
		t.Error("a bad month was accepted")
	}
}

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"150000000", "VND", 150_000_000_00, true},
		{"150.000.000", "VND", 150_000_000_00, true},
		{"150,000,000", "VND", 150_000_000_00, true},
		{"１５０，０００", "JPY", 150_000_00, true},
		{"3,600.50", "USD", 3600_50, true},
		{"3600.5", "USD", 3600_50, true},
		{"1.234.567", "PHP", 1_234_567_00, true},
		{"12.345", "USD", 0, false},
		{"-5", "JPY", 0, false},
		{"abc", "JPY", 0, false},
		{"", "JPY", 0, false},
	}
	for _, tc := range cases {
		got, ok := recruitment.ParseAmount(tc.in, tc.cur)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d, %v", tc.in, tc.cur, got, ok, tc.want, tc.ok)
		}
	}
}

func TestReportValidate(t *testing.T) {
	rep := recruitment.Report{Language: "xx", OriginCountry: "vn", Program: "tourist", ContractMonths: 0, MonthlyWageJPY: 0,
		ReportDate: "2999-01-01", Items: []recruitment.Item{{Kind: "bribe", Amount: 0, Currency: "EUR", PaidOn: "yesterday"}, {}}}
	rep.Normalize()
	if rep.OriginCountry != "VN" || len(rep.Items) != 1 {
		t.Fatalf("normalize: %+v", rep)
	}
	errs := rep.Validate("2026-11-02", i18n.IsSupported)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Field] = e.Key
	}
	want := map[string]string{
		"language": "error.unknown_code", "program": "error.unknown_code", "contract_months": "fees.error.months",
		"monthly_wage_jpy": "fees.error.wage", "report_date": "error.future_date", "items.0.kind": "error.unknown_code",
		"items.0.amount": "fees.error.amount", "items.0.currency": "error.unknown_code", "items.0.paid_on": "error.invalid_date",
	}
	for f, k := range want {
		if got[f] != k {
			t.Errorf("%s: %q, want %q", f, got[f], k)
		}
	}
	b, _ := json.Marshal(errs)
	if strings.Contains(string(b), "origin_country") {
		t.Errorf("VN was refused: %s", b)
	}
}
