package grievance_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"remedy/internal/grievance"
)

// The expected data below is transcribed by hand from the project's
// contract, shared/reference/taxonomy.md ("Grievance taxonomy and risk
// triage"). Tests must not read that file at run time: if the contract
// changes, change this transcription on purpose.

// contractIndicators is the contract's list of the ILO's 11 indicators, in
// the ILO's order.
var contractIndicators = []string{
	"abuse_of_vulnerability",
	"deception",
	"restriction_of_movement",
	"isolation",
	"physical_sexual_violence",
	"intimidation_threats",
	"retention_of_identity_documents",
	"withholding_of_wages",
	"debt_bondage",
	"abusive_conditions",
	"excessive_overtime",
}

// contractCategory is one row of the contract's table.
type contractCategory struct {
	code       string
	indicators []string // nil for "—"
}

// contractCategories is the contract's table, row by row, in order.
var contractCategories = []contractCategory{
	{"wages.unpaid", []string{"withholding_of_wages"}},
	{"wages.overtime", []string{"withholding_of_wages"}},
	{"wages.below_minimum", nil},
	{"wages.deductions", []string{"withholding_of_wages"}},
	{"hours.excessive", []string{"excessive_overtime"}},
	{"safety.injury", []string{"abusive_conditions"}},
	{"safety.conditions", []string{"abusive_conditions"}},
	{"health.access", []string{"abusive_conditions"}},
	{"harassment.verbal", []string{"intimidation_threats"}},
	{"harassment.physical", []string{"physical_sexual_violence"}},
	{"harassment.sexual", []string{"physical_sexual_violence"}},
	{"discrimination.pregnancy", []string{"abuse_of_vulnerability"}},
	{"discrimination.other", nil},
	{"housing.conditions", []string{"abusive_conditions"}},
	{"housing.charges", []string{"withholding_of_wages"}},
	{"documents.retained", []string{"retention_of_identity_documents"}},
	{"movement.restricted", []string{"restriction_of_movement", "isolation"}},
	{"threats", []string{"intimidation_threats"}},
	{"contract.substitution", []string{"deception"}},
	{"contract.termination", []string{"intimidation_threats"}},
	{"contract.job_change", []string{"abuse_of_vulnerability"}},
	{"recruitment.fees", nil},
	{"recruitment.debt", []string{"debt_bondage"}},
	{"recruitment.deposit", []string{"debt_bondage"}},
	{"recruitment.deception", []string{"deception"}},
	{"other", nil},
}

// The contract's triage lists ("Risk triage at intake").
var (
	contractUrgent = []string{"harassment.physical", "harassment.sexual", "documents.retained", "movement.restricted", "threats"}
	contractHigh   = []string{"wages.unpaid", "safety.injury", "health.access", "discrimination.pregnancy", "contract.termination", "recruitment.debt", "recruitment.deposit"}
)

// contractPrograms is the contract's list of programmes.
var contractPrograms = []string{"technical_intern", "specified_skilled", "skill_development", "other", "unknown"}

func inList(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestTaxonomyIndicatorsMatchContract(t *testing.T) {
	if !reflect.DeepEqual(grievance.Indicators, contractIndicators) {
		t.Errorf("Indicators =\n  %q\nwant (contract, ILO order)\n  %q", grievance.Indicators, contractIndicators)
	}
}

func TestTaxonomyCategoriesMatchContract(t *testing.T) {
	if len(contractCategories) != 26 {
		t.Fatalf("transcription error: %d contract rows, want 26", len(contractCategories))
	}
	if len(grievance.Categories) != len(contractCategories) {
		t.Errorf("len(Categories) = %d, want %d", len(grievance.Categories), len(contractCategories))
	}
	for i := 0; i < len(grievance.Categories) || i < len(contractCategories); i++ {
		var got grievance.Category
		var want contractCategory
		if i < len(grievance.Categories) {
			got = grievance.Categories[i]
		}
		if i < len(contractCategories) {
			want = contractCategories[i]
		}
		if got.Code != want.code {
			t.Errorf("Categories[%d].Code = %q, want %q", i, got.Code, want.code)
			continue
		}
		if len(got.Indicators) != len(want.indicators) || (len(want.indicators) > 0 && !reflect.DeepEqual(got.Indicators, want.indicators)) {
			t.Errorf("Categories[%d] %s: indicators %q, want %q", i, got.Code, got.Indicators, want.indicators)
		}
		for _, ind := range got.Indicators {
			if !inList(contractIndicators, ind) {
				t.Errorf("Categories[%d] %s: %q is not an ILO indicator code", i, got.Code, ind)
			}
		}
	}
}

func TestTaxonomyCodesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range grievance.Categories {
		if seen[c.Code] {
			t.Errorf("category %q listed twice", c.Code)
		}
		seen[c.Code] = true
	}
}

func TestCategoryByCode(t *testing.T) {
	for _, want := range contractCategories {
		got, ok := grievance.CategoryByCode(want.code)
		if !ok || got.Code != want.code {
			t.Errorf("CategoryByCode(%q) = %v, %v", want.code, got, ok)
		}
	}
	for _, code := range []string{"", "wages", "WAGES.UNPAID", " wages.unpaid", "wages.unpaid ", "ilo.deception", "deception"} {
		if _, ok := grievance.CategoryByCode(code); ok {
			t.Errorf("CategoryByCode(%q) found a category", code)
		}
	}
}

func TestProgramsMatchContract(t *testing.T) {
	if !reflect.DeepEqual(grievance.Programs, contractPrograms) {
		t.Errorf("Programs = %q, want %q", grievance.Programs, contractPrograms)
	}
	for _, p := range contractPrograms {
		if !grievance.IsProgram(p) {
			t.Errorf("IsProgram(%q) = false", p)
		}
	}
	for _, p := range []string{"", "titp", "TECHNICAL_INTERN", "ssw"} {
		if grievance.IsProgram(p) {
			t.Errorf("IsProgram(%q) = true", p)
		}
	}
}

func TestTriageListsMatchContract(t *testing.T) {
	// Each urgent or high category must exist in the taxonomy, or the rule
	// could never fire.
	for _, code := range append(append([]string(nil), contractUrgent...), contractHigh...) {
		if _, ok := grievance.CategoryByCode(code); !ok {
			t.Errorf("triage category %q is not in the taxonomy", code)
		}
	}
}

// referenceTriage is an independent implementation of the contract's
// triage rules, used to check TriageCategories on every small combination.
func referenceTriage(codes []string) (grievance.Risk, []string) {
	touched := map[string]bool{}
	for _, code := range codes {
		for _, c := range contractCategories {
			if c.code == code {
				for _, ind := range c.indicators {
					touched[ind] = true
				}
			}
		}
	}
	var inds []string
	for _, ind := range contractIndicators {
		if touched[ind] {
			inds = append(inds, ind)
		}
	}
	anyIn := func(list []string) bool {
		for _, c := range codes {
			if inList(list, c) {
				return true
			}
		}
		return false
	}
	switch {
	case anyIn(contractUrgent) || len(inds) >= 3:
		return grievance.RiskUrgent, inds
	case anyIn(contractHigh) || len(inds) == 2:
		return grievance.RiskHigh, inds
	}
	return grievance.RiskNormal, inds
}

func TestTriageEachUrgentCategoryAlone(t *testing.T) {
	for _, code := range contractUrgent {
		got := grievance.TriageCategories([]string{code})
		if got.Risk != grievance.RiskUrgent {
			t.Errorf("%s: risk %s, want urgent", code, got.Risk)
		}
		if got.Rule != "urgent category: "+code {
			t.Errorf("%s: rule %q, want it to name the category", code, got.Rule)
		}
	}
}

func TestTriageEachHighCategoryAlone(t *testing.T) {
	for _, code := range contractHigh {
		got := grievance.TriageCategories([]string{code})
		if got.Risk != grievance.RiskHigh {
			t.Errorf("%s: risk %s, want high", code, got.Risk)
		}
		if got.Rule != "high-risk category: "+code {
			t.Errorf("%s: rule %q, want it to name the category", code, got.Rule)
		}
	}
}

func TestTriageEveryCategoryAlone(t *testing.T) {
	for _, c := range contractCategories {
		wantRisk, wantInds := referenceTriage([]string{c.code})
		got := grievance.TriageCategories([]string{c.code})
		if got.Risk != wantRisk {
			t.Errorf("%s alone: risk %s, want %s (rule %q)", c.code, got.Risk, wantRisk, got.Rule)
		}
		if len(got.Indicators) != len(wantInds) || (len(wantInds) > 0 && !reflect.DeepEqual(got.Indicators, wantInds)) {
			t.Errorf("%s alone: indicators %q, want %q", c.code, got.Indicators, wantInds)
		}
	}
}

func TestTriageRules(t *testing.T) {
	cases := []struct {
		name       string
		codes      []string
		risk       grievance.Risk
		rule       string // exact rule, or a substring when ruleSub
		ruleSub    bool
		indicators []string
	}{
		{
			name:       "three distinct indicators without an urgent category",
			codes:      []string{"wages.unpaid", "hours.excessive", "contract.substitution"},
			risk:       grievance.RiskUrgent,
			rule:       "3 distinct",
			ruleSub:    true,
			indicators: []string{"deception", "withholding_of_wages", "excessive_overtime"},
		},
		{
			name:       "four distinct indicators",
			codes:      []string{"wages.overtime", "hours.excessive", "contract.substitution", "recruitment.debt"},
			risk:       grievance.RiskUrgent,
			rule:       "4 distinct ILO indicators",
			indicators: []string{"deception", "withholding_of_wages", "debt_bondage", "excessive_overtime"},
		},
		{
			name:       "three distinct indicators from non-high categories only",
			codes:      []string{"wages.overtime", "hours.excessive", "harassment.verbal"},
			risk:       grievance.RiskUrgent,
			rule:       "3 distinct ILO indicators",
			indicators: []string{"intimidation_threats", "withholding_of_wages", "excessive_overtime"},
		},
		{
			name:       "two distinct indicators, no high category",
			codes:      []string{"wages.overtime", "hours.excessive"},
			risk:       grievance.RiskHigh,
			rule:       "2 distinct ILO indicators",
			indicators: []string{"withholding_of_wages", "excessive_overtime"},
		},
		{
			name:       "two distinct indicators with a high category names the category",
			codes:      []string{"hours.excessive", "wages.unpaid"},
			risk:       grievance.RiskHigh,
			rule:       "high-risk category: wages.unpaid",
			indicators: []string{"withholding_of_wages", "excessive_overtime"},
		},
		{
			name:       "one indicator from a non-high category",
			codes:      []string{"harassment.verbal"},
			risk:       grievance.RiskNormal,
			rule:       "no urgent or high-risk rule applies",
			indicators: []string{"intimidation_threats"},
		},
		{
			name:  "category without indicator: other",
			codes: []string{"other"},
			risk:  grievance.RiskNormal,
			rule:  "no urgent or high-risk rule applies",
		},
		{
			name:  "category without indicator: wages.below_minimum",
			codes: []string{"wages.below_minimum"},
			risk:  grievance.RiskNormal,
			rule:  "no urgent or high-risk rule applies",
		},
		{
			name:  "several categories without indicators",
			codes: []string{"wages.below_minimum", "discrimination.other", "recruitment.fees", "other"},
			risk:  grievance.RiskNormal,
			rule:  "no urgent or high-risk rule applies",
		},
		{
			name:       "movement.restricted counts two indicators",
			codes:      []string{"movement.restricted"},
			risk:       grievance.RiskUrgent,
			rule:       "urgent category: movement.restricted",
			indicators: []string{"restriction_of_movement", "isolation"},
		},
		{
			name:       "movement.restricted plus one more indicator makes three",
			codes:      []string{"movement.restricted", "hours.excessive"},
			risk:       grievance.RiskUrgent,
			rule:       "urgent category: movement.restricted",
			indicators: []string{"restriction_of_movement", "isolation", "excessive_overtime"},
		},
		{
			name:       "urgent category wins over three indicators in the rule",
			codes:      []string{"wages.unpaid", "hours.excessive", "contract.substitution", "threats"},
			risk:       grievance.RiskUrgent,
			rule:       "urgent category: threats",
			indicators: []string{"deception", "intimidation_threats", "withholding_of_wages", "excessive_overtime"},
		},
		{
			name:       "the first urgent category given is named",
			codes:      []string{"wages.unpaid", "threats", "harassment.physical"},
			risk:       grievance.RiskUrgent,
			rule:       "urgent category: threats",
			indicators: []string{"physical_sexual_violence", "intimidation_threats", "withholding_of_wages"},
		},
		{
			name:       "duplicate category does not double count",
			codes:      []string{"wages.overtime", "wages.overtime"},
			risk:       grievance.RiskNormal,
			rule:       "no urgent or high-risk rule applies",
			indicators: []string{"withholding_of_wages"},
		},
		{
			name:       "three categories on the same indicator count once",
			codes:      []string{"wages.overtime", "wages.deductions", "housing.charges"},
			risk:       grievance.RiskNormal,
			rule:       "no urgent or high-risk rule applies",
			indicators: []string{"withholding_of_wages"},
		},
		{
			name:       "duplicates and a shared indicator stay at two",
			codes:      []string{"wages.overtime", "hours.excessive", "wages.overtime", "housing.charges", "hours.excessive"},
			risk:       grievance.RiskHigh,
			rule:       "2 distinct ILO indicators",
			indicators: []string{"withholding_of_wages", "excessive_overtime"},
		},
		{
			name:       "indicators are listed in ILO order, whatever the input order",
			codes:      []string{"hours.excessive", "housing.conditions", "contract.substitution", "contract.job_change"},
			risk:       grievance.RiskUrgent,
			rule:       "4 distinct ILO indicators",
			indicators: []string{"abuse_of_vulnerability", "deception", "abusive_conditions", "excessive_overtime"},
		},
		{
			name:  "no categories",
			codes: nil,
			risk:  grievance.RiskNormal,
			rule:  "no urgent or high-risk rule applies",
		},
		{
			name:       "unknown codes are ignored",
			codes:      []string{"nope", "harassment.verbal", "wages"},
			risk:       grievance.RiskNormal,
			rule:       "no urgent or high-risk rule applies",
			indicators: []string{"intimidation_threats"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := grievance.TriageCategories(tc.codes)
			if got.Risk != tc.risk {
				t.Errorf("risk = %s, want %s (rule %q)", got.Risk, tc.risk, got.Rule)
			}
			if tc.ruleSub {
				if !strings.Contains(got.Rule, tc.rule) {
					t.Errorf("rule = %q, want it to contain %q", got.Rule, tc.rule)
				}
			} else if got.Rule != tc.rule {
				t.Errorf("rule = %q, want %q", got.Rule, tc.rule)
			}
			if len(got.Indicators) != len(tc.indicators) || (len(tc.indicators) > 0 && !reflect.DeepEqual(got.Indicators, tc.indicators)) {
				t.Errorf("indicators = %q, want %q", got.Indicators, tc.indicators)
			}
		})
	}
}

// TestTriageAllSmallCombinations checks TriageCategories against the
// independent reading of the contract for every set of one, two or three
// categories (about 3,000 sets), in two input orders.
func TestTriageAllSmallCombinations(t *testing.T) {
	n := len(contractCategories)
	check := func(codes []string) {
		t.Helper()
		wantRisk, wantInds := referenceTriage(codes)
		got := grievance.TriageCategories(codes)
		if got.Risk != wantRisk || len(got.Indicators) != len(wantInds) ||
			(len(wantInds) > 0 && !reflect.DeepEqual(got.Indicators, wantInds)) {
			t.Errorf("TriageCategories(%q) = %s %q (rule %q), want %s %q", codes, got.Risk, got.Indicators, got.Rule, wantRisk, wantInds)
		}
		// The rule must agree with the level it explains.
		switch got.Risk {
		case grievance.RiskUrgent:
			if !strings.HasPrefix(got.Rule, "urgent category: ") && got.Rule != fmt.Sprintf("%d distinct ILO indicators", len(got.Indicators)) {
				t.Errorf("TriageCategories(%q): urgent with rule %q", codes, got.Rule)
			}
		case grievance.RiskHigh:
			if !strings.HasPrefix(got.Rule, "high-risk category: ") && got.Rule != "2 distinct ILO indicators" {
				t.Errorf("TriageCategories(%q): high with rule %q", codes, got.Rule)
			}
		}
		if name, ok := strings.CutPrefix(got.Rule, "urgent category: "); ok && !inList(contractUrgent, name) {
			t.Errorf("TriageCategories(%q): rule names %q, not an urgent category", codes, name)
		}
		if name, ok := strings.CutPrefix(got.Rule, "high-risk category: "); ok && !inList(contractHigh, name) {
			t.Errorf("TriageCategories(%q): rule names %q, not a high-risk category", codes, name)
		}
	}
	for i := 0; i < n; i++ {
		a := contractCategories[i].code
		check([]string{a})
		for j := i + 1; j < n; j++ {
			b := contractCategories[j].code
			check([]string{a, b})
			check([]string{b, a})
			for k := j + 1; k < n; k++ {
				c := contractCategories[k].code
				check([]string{a, b, c})
				check([]string{c, b, a})
			}
		}
	}
}

func TestTriageDoesNotModifyInput(t *testing.T) {
	in := []string{"threats", "wages.unpaid", "hours.excessive"}
	before := append([]string(nil), in...)
	grievance.TriageCategories(in)
	if !reflect.DeepEqual(in, before) {
		t.Errorf("TriageCategories changed its input to %q", in)
	}
}
