package recruitment

import (
	"fmt"
	"math"
	"sort"
)

// Finding is one rule a report breaks (or, for notes, one thing a rule
// says about it), with the rule version that produced it.
type Finding struct {
	RuleID      string
	RuleVersion int
	Severity    Severity
	CheckIndex  int
	CheckKind   string
	Status      string
	Confidence  string
	ItemKinds   []string // the kinds of the items counted, in ItemKinds order
	PaidJPY     int64    // what the counted items add up to
	HasCap      bool
	CapJPY      int64             // the limit, when the check has one (0 for zero rules)
	OverByJPY   int64             // how much more than allowed (0 for inform checks)
	Summary     string            // the rule's plain summary, in English
	Summaries   map[string]string // the same in other languages, for rules added later
	Citation    string
	SourceURL   string
}

// Result is what checking a report gives: its totals and its findings,
// most serious first.
type Result struct {
	CheckedOn        string // the report date: rules in force on this day
	TotalJPY         int64  // every item not refunded, in yen
	TotalUSDCents    int64
	MonthsOfEarnings float64 // TotalJPY / first month's earnings (SDG 10.7.1 ratio)
	HasEarnings      bool    // MonthsOfEarnings is known
	DebtJPY          int64   // loan still owed, in yen
	RatesApprox      bool    // some rate was not of the payment's own month
	HasViolation     bool
	Findings         []Finding
}

// Counts returns how many findings there are of each severity.
func (r Result) Counts() map[Severity]int {
	out := map[Severity]int{}
	for _, f := range r.Findings {
		out[f.Severity]++
	}
	return out
}

// Categories are the grievance categories a case made from the report
// gets: recruitment.fees always, recruitment.deposit when a deposit or
// penalty bond was paid and not refunded, recruitment.debt when a loan is
// still owed.
func Categories(rep *Report) []string {
	cats := []string{"recruitment.fees"}
	for _, it := range rep.Items {
		if !it.Refunded && (it.Kind == KindDeposit || it.Kind == KindPenaltyBond) {
			cats = append(cats, "recruitment.deposit")
			break
		}
	}
	if rep.Loan != nil && rep.Loan.Outstanding > 0 {
		cats = append(cats, "recruitment.debt")
	}
	return cats
}

// Convert fills each item's (and the loan's) amounts in yen and dollars,
// at the rate of the day it was paid (else the report date).
func Convert(rep *Report, conv Converter) (approx bool, err error) {
	for i := range rep.Items {
		it := &rep.Items[i]
		date := it.PaidOn
		if date == "" {
			date = rep.ReportDate
		}
		rate, src, ap, err := conv.JPYPerUnit(it.Currency, date)
		if err != nil {
			return approx, err
		}
		it.JPYPerUnit, it.RateSource, it.RateApprox = rate, src, ap
		it.AmountJPY = int64(math.Round(float64(it.Amount) / 100 * rate))
		if it.Currency == "USD" {
			it.AmountUSDCents = it.Amount
		} else if it.AmountUSDCents, err = conv.JPYToUSDCents(it.AmountJPY, date); err != nil {
			return approx, err
		}
		approx = approx || ap
	}
	if l := rep.Loan; l != nil {
		if l.AmountJPY, err = conv.ToJPY(l.Amount, l.Currency, rep.ReportDate); err != nil {
			return approx, err
		}
		if l.OutstandingJPY, err = conv.ToJPY(l.Outstanding, l.Currency, rep.ReportDate); err != nil {
			return approx, err
		}
	}
	return approx, nil
}

// CheckReport converts the report's amounts and compares them with every rule
// version in force on the report's date that is about a report like it.
// A rule that a more specific applicable rule overrides is skipped. The
// report must be normalized and valid.
func CheckReport(rep *Report, rules RuleSet, conv Converter) (Result, error) {
	res := Result{CheckedOn: rep.ReportDate}
	approx, err := Convert(rep, conv)
	if err != nil {
		return res, err
	}
	res.RatesApprox = approx
	for _, it := range rep.Items {
		if !it.Refunded {
			res.TotalJPY += it.AmountJPY
			res.TotalUSDCents += it.AmountUSDCents
		}
	}
	if rep.FirstMonthEarningsJPY > 0 {
		res.MonthsOfEarnings = float64(res.TotalJPY) / float64(rep.FirstMonthEarningsJPY)
		res.HasEarnings = true
	}
	if rep.Loan != nil {
		res.DebtJPY = rep.Loan.OutstandingJPY
	}

	inForce := rules.InForce(rep.ReportDate)
	applies := map[string]bool{}
	for _, r := range inForce {
		if r.Matches(rep) {
			applies[r.ID] = true
		}
	}
	for _, r := range inForce {
		if !applies[r.ID] || overridden(r, applies) {
			continue
		}
		for i, c := range r.Checks {
			f, ok, err := evaluate(rep, r, i, c, conv)
			if err != nil {
				return res, fmt.Errorf("rule %s: %w", r.Key(), err)
			}
			if ok {
				res.Findings = append(res.Findings, f)
				if f.Severity == Violation {
					res.HasViolation = true
				}
			}
		}
	}
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.Severity != b.Severity {
			return a.Severity.rank() < b.Severity.rank()
		}
		return a.OverByJPY > b.OverByJPY
	})
	return res, nil
}

// Applicable reports whether rule version r, in force on the report's
// date, applies to rep (matching and not overridden by another rule of
// rules in force then).
func Applicable(rep *Report, rules RuleSet, id string) bool {
	inForce := rules.InForce(rep.ReportDate)
	applies := map[string]bool{}
	var self *Rule
	for i, r := range inForce {
		if r.Matches(rep) {
			applies[r.ID] = true
		}
		if r.ID == id {
			self = &inForce[i]
		}
	}
	return self != nil && applies[id] && !overridden(*self, applies)
}

func overridden(r Rule, applies map[string]bool) bool {
	for _, o := range r.OverriddenBy {
		if applies[o] {
			return true
		}
	}
	return false
}

// counted reports whether item it counts for check c.
func counted(it Item, c Check) bool {
	if it.Refunded {
		return false
	}
	if len(c.Items) > 0 && !contains(c.Items, it.Kind) {
		return false
	}
	if len(c.Payees) > 0 && !contains(c.Payees, it.Payee) {
		return false
	}
	return true
}

// CapJPY returns the limit of a cap or benchmark check for rep in yen,
// and false when the check does not apply to rep (a contract too short,
// a programme with no amount).
func CapJPY(rep *Report, c Check, conv Converter) (int64, bool, error) {
	if c.MinContractMonths > 0 && rep.ContractMonths < c.MinContractMonths {
		return 0, false, nil
	}
	switch c.Kind {
	case CheckZero:
		return 0, true, nil
	case CheckInform:
		return 0, true, nil
	}
	if c.Basis != "" {
		wage := rep.MonthlyWageJPY
		if c.Basis == BasisFirstMonthPay && rep.FirstMonthEarningsJPY > wage {
			wage = rep.FirstMonthEarningsJPY
		}
		months := c.Months
		if c.PerMonths > 0 {
			months = c.Months * float64(rep.ContractMonths) / float64(c.PerMonths)
		}
		return int64(math.Floor(months*float64(wage) + 1e-6)), true, nil
	}
	amount := c.Amount
	if len(c.AmountByProgram) > 0 {
		a, ok := c.AmountByProgram[rep.Program]
		if !ok {
			return 0, false, nil
		}
		amount = a
	}
	if c.PerMonths > 0 {
		amount = amount * float64(rep.ContractMonths) / float64(c.PerMonths)
	}
	if c.MaxAmount > 0 && amount > c.MaxAmount {
		amount = c.MaxAmount
	}
	rate, _, _, err := conv.JPYPerUnit(c.Currency, rep.ReportDate)
	if err != nil {
		return 0, false, err
	}
	return int64(math.Floor(amount*rate + 1e-6)), true, nil
}

func evaluate(rep *Report, r Rule, idx int, c Check, conv Converter) (Finding, bool, error) {
	limit, ok, err := CapJPY(rep, c, conv)
	if err != nil || !ok {
		return Finding{}, false, err
	}
	var paid int64
	kinds := map[string]bool{}
	for _, it := range rep.Items {
		if counted(it, c) {
			paid += it.AmountJPY
			kinds[it.Kind] = true
		}
	}
	f := Finding{
		RuleID: r.ID, RuleVersion: r.Version, Severity: SeverityOf(r, c), CheckIndex: idx, CheckKind: c.Kind,
		Status: r.Status, Confidence: r.Confidence, PaidJPY: paid,
		Summary: r.Summary, Summaries: r.Summaries, Citation: r.Citation(), SourceURL: r.SourceURL,
	}
	for _, k := range ItemKinds {
		if kinds[k] {
			f.ItemKinds = append(f.ItemKinds, k)
		}
	}
	switch c.Kind {
	case CheckInform:
		return f, len(kinds) > 0, nil
	case CheckZero:
		f.HasCap, f.OverByJPY = true, paid
		return f, paid > 0, nil
	default: // cap, benchmark
		f.HasCap, f.CapJPY = true, limit
		f.OverByJPY = paid - limit
		return f, paid > limit, nil
	}
}
