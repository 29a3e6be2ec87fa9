// Package recruitment holds the rules of fair recruitment: what a fee
// report is, the fee rules of each origin country and programme (versioned
// data transcribed with their sources in data/fee-rules.json), the bundled
// exchange-rate table, and the check that compares a worker's costs with
// the rules in force on the report's date. It is pure: no HTTP, no SQL, no
// clock or randomness of its own.
package recruitment

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
)

// Destination is the country of employment every report is about.
const Destination = "JP"

// Item kinds: what a worker paid for.
const (
	KindServiceFee     = "service_fee"
	KindBrokerage      = "brokerage"
	KindTraining       = "training"
	KindLanguageCourse = "language_course"
	KindAccommodation  = "accommodation_before_departure"
	KindMedical        = "medical"
	KindDocuments      = "documents_and_visa"
	KindTravel         = "travel"
	KindDeposit        = "deposit"
	KindPenaltyBond    = "penalty_bond"
	KindLoanInterest   = "loan_interest"
	KindOther          = "other"
)

// ItemKinds lists every item kind, in the order forms show them.
var ItemKinds = []string{KindServiceFee, KindBrokerage, KindTraining, KindLanguageCourse, KindAccommodation,
	KindMedical, KindDocuments, KindTravel, KindDeposit, KindPenaltyBond, KindLoanInterest, KindOther}

// Payees are the kinds of party a worker paid, optional on each item.
var Payees = []string{"sending_agency", "broker", "training_centre", "supervising_org", "employer", "government", "other"}

// Occupations are broad fields of work (the main TITP/SSW fields), so that
// reports can be broken down by occupation without free text.
var Occupations = []string{"agriculture", "fishery", "construction", "food_manufacturing", "textile_garment",
	"machinery_metal", "electronics", "automobile", "nursing_care", "building_cleaning", "food_service",
	"accommodation", "housekeeping", "logistics", "other"}

// Sexes a worker may state, for the SDG breakdown; "" means not said.
var Sexes = []string{"female", "male", "other"}

// Limits on a report.
const (
	MaxItems          = 30
	MaxContractMonths = 120
	MaxWageJPY        = 10_000_000
	MaxText           = 200
	MaxNotes          = 2000
	// MaxAmountCents bounds one amount (in hundredths of its currency):
	// ten trillion units, above any real fee in any of the currencies.
	MaxAmountCents = 1_000_000_000_000_000
)

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// IsItemKind, IsPayee, IsOccupation and IsSex say whether a code is known.
func IsItemKind(k string) bool   { return contains(ItemKinds, k) }
func IsPayee(p string) bool      { return contains(Payees, p) }
func IsOccupation(o string) bool { return contains(Occupations, o) }
func IsSex(s string) bool        { return contains(Sexes, s) }

// Item is one cost the worker paid. Amount is in hundredths of Currency
// (cents for USD, 100 per đồng for VND), so that every currency fits the
// same integer. The converted amounts are set by Check.
type Item struct {
	Kind     string
	Amount   int64 // hundredths of Currency
	Currency string
	PaidOn   string // YYYY-MM-DD or ""
	PaidTo   string // free text, sealed at rest
	Payee    string // one of Payees or ""
	Refunded bool

	AmountJPY      int64
	AmountUSDCents int64
	JPYPerUnit     float64
	RateSource     string // "same", "report", or the table row's source code
	RateApprox     bool
}

// Loan is money the worker borrowed to pay, and how much is still owed,
// both in hundredths of Currency.
type Loan struct {
	Amount      int64
	Currency    string
	Outstanding int64

	AmountJPY      int64
	OutstandingJPY int64
}

// Report is a fee report as a worker (or an enumerator) gives it. Nothing
// in it names the worker; PaidTo and Notes are free text and are sealed.
type Report struct {
	Language              string
	OriginCountry         string
	Destination           string
	Program               string
	Occupation            string
	Sex                   string
	ContractMonths        int
	MonthlyWageJPY        int64
	FirstMonthEarningsJPY int64 // net of tax and social insurance; 0 = not known
	ReportDate            string
	PublicProgramme       bool // recruited through a government programme (e.g. MOLISA-IM Japan)
	AgencyName            string
	AgencyLicence         string
	Items                 []Item
	Loan                  *Loan
	// OwnRates are the report's own exchange rates: yen per one unit of
	// the currency. They take precedence over the bundled table.
	OwnRates map[string]float64
	Notes    string
}

// Normalize trims text, upper-cases codes that are upper case, drops items
// with neither kind nor amount, and fills the destination.
func (r *Report) Normalize() {
	trim := strings.TrimSpace
	r.Language, r.Program, r.Occupation, r.Sex = trim(r.Language), trim(r.Program), trim(r.Occupation), trim(r.Sex)
	r.ReportDate, r.AgencyName, r.AgencyLicence = trim(r.ReportDate), trim(r.AgencyName), trim(r.AgencyLicence)
	r.Notes = strings.TrimSpace(r.Notes)
	if utf8.ValidString(r.OriginCountry) {
		r.OriginCountry = strings.ToUpper(trim(r.OriginCountry))
	}
	if r.Destination == "" {
		r.Destination = Destination
	}
	items := r.Items[:0:0]
	for _, it := range r.Items {
		it.Kind, it.PaidOn, it.PaidTo, it.Payee = trim(it.Kind), trim(it.PaidOn), trim(it.PaidTo), trim(it.Payee)
		if utf8.ValidString(it.Currency) {
			it.Currency = strings.ToUpper(trim(it.Currency))
		}
		if it.Kind == "" && it.Amount == 0 {
			continue
		}
		items = append(items, it)
	}
	r.Items = items
	if r.Loan != nil {
		if utf8.ValidString(r.Loan.Currency) {
			r.Loan.Currency = strings.ToUpper(trim(r.Loan.Currency))
		}
		if r.Loan.Amount == 0 && r.Loan.Outstanding == 0 {
			r.Loan = nil
		}
	}
}

func badText(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }

// Field names of report validation errors; items are "items.N.field".
func itemField(i int, f string) string { return "items." + strconv.Itoa(i) + "." + f }

// Validate returns every problem with the report as field errors with
// message keys. Call Normalize first. today is the date in Japan
// (YYYY-MM-DD); languageOK says whether a language is supported.
func (r *Report) Validate(today string, languageOK func(string) bool) []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, key string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Key: key, Args: args})
	}
	code := func(field, v string, required bool, ok func(string) bool) {
		switch {
		case badText(v):
			add(field, "error.invalid_text")
		case v == "":
			if required {
				add(field, "error.required")
			}
		case !ok(v):
			add(field, "error.unknown_code")
		}
	}
	code("language", r.Language, true, languageOK)
	code("origin_country", r.OriginCountry, true, grievance.IsOriginCountry)
	code("program", r.Program, true, grievance.IsProgram)
	code("occupation", r.Occupation, false, IsOccupation)
	code("sex", r.Sex, false, IsSex)
	if r.Destination != Destination {
		add("destination", "error.unknown_code")
	}
	if r.ContractMonths < 1 || r.ContractMonths > MaxContractMonths {
		add("contract_months", "fees.error.months", MaxContractMonths)
	}
	if r.MonthlyWageJPY < 1 || r.MonthlyWageJPY > MaxWageJPY {
		add("monthly_wage_jpy", "fees.error.wage")
	}
	if r.FirstMonthEarningsJPY < 0 || r.FirstMonthEarningsJPY > MaxWageJPY {
		add("first_month_earnings_jpy", "fees.error.wage")
	}
	date := func(field, v string, required bool) {
		switch {
		case badText(v):
			add(field, "error.invalid_text")
		case v == "":
			if required {
				add(field, "error.required")
			}
		case !IsDate(v) || v < "2000-01-01":
			add(field, "error.invalid_date")
		case v > today:
			add(field, "error.future_date")
		}
	}
	date("report_date", r.ReportDate, true)
	text := func(field, v string, max int) {
		switch {
		case badText(v):
			add(field, "error.invalid_text")
		case utf8.RuneCountInString(v) > max:
			add(field, "error.too_long")
		}
	}
	text("agency.name", r.AgencyName, MaxText)
	text("agency.licence_number", r.AgencyLicence, MaxText)
	text("notes", r.Notes, MaxNotes)
	if len(r.Items) > MaxItems {
		add("items", "fees.error.too_many_items", MaxItems)
	}
	for i, it := range r.Items {
		if i >= MaxItems {
			break
		}
		code(itemField(i, "kind"), it.Kind, true, IsItemKind)
		if it.Amount <= 0 || it.Amount > MaxAmountCents {
			add(itemField(i, "amount"), "fees.error.amount")
		}
		code(itemField(i, "currency"), it.Currency, true, IsCurrency)
		date(itemField(i, "paid_on"), it.PaidOn, false)
		text(itemField(i, "paid_to"), it.PaidTo, MaxText)
		code(itemField(i, "payee"), it.Payee, false, IsPayee)
	}
	if l := r.Loan; l != nil {
		if l.Amount < 0 || l.Amount > MaxAmountCents {
			add("loan.amount", "fees.error.amount")
		}
		if l.Outstanding < 0 || l.Outstanding > MaxAmountCents {
			add("loan.outstanding", "fees.error.amount")
		}
		code("loan.currency", l.Currency, true, IsCurrency)
	}
	for c, v := range r.OwnRates {
		if !IsCurrency(c) || c == "JPY" || !(v > 0) || math.IsInf(v, 0) || v > 1e6 {
			add("exchange_rates", "fees.error.rate")
			break
		}
	}
	return errs
}

// IsDate reports whether s is a calendar date written YYYY-MM-DD.
func IsDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Today returns the date in Japan at now, as YYYY-MM-DD.
func Today(now time.Time) string { return now.In(grievance.Japan).Format(time.DateOnly) }

// zeroDecimals are currencies whose amounts are written without decimals,
// so that a dot in them can only group thousands ("150.000.000 đồng").
var zeroDecimals = map[string]bool{"JPY": true, "VND": true, "IDR": true, "KHR": true, "MMK": true}

// ParseAmount reads an amount as a person types it ("150,000,000",
// "150.000.000" for đồng, "1200.50", full-width digits) and
// returns it in hundredths of the currency. ok is false for anything that
// is not a positive or zero number with at most two decimals.
func ParseAmount(s, currency string) (int64, bool) {
	if len(s) > 64 {
		return 0, false
	}
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.Is(unicode.Nd, r):
			b.WriteByte('0' + byte(digitValue(r)))
		case r == ',' || r == '_' || r == '\'' || r == '\u00a0' || r == '\u202f' || r == ' ' || r == '\uff0c':
			// thousands separators
		case r == '.' || r == '\uff0e':
			b.WriteByte('.')
		default:
			return 0, false
		}
	}
	t := b.String()
	if zeroDecimals[currency] || strings.Count(t, ".") > 1 {
		t = strings.ReplaceAll(t, ".", "")
	}
	if t == "" || t == "." {
		return 0, false
	}
	whole, frac, _ := strings.Cut(t, ".")
	if len(frac) > 2 || len(whole) > 16 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// digitValue returns the value of a Unicode decimal digit of any script.
func digitValue(r rune) int {
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int((r - start) % 10)
}

// ParseWhole reads a whole number as typed (separators allowed), for
// months and yen.
func ParseWhole(s string) (int64, bool) {
	n, ok := ParseAmount(s, "JPY")
	if !ok || n%100 != 0 {
		return 0, false
	}
	return n / 100, true
}

// CentsFromFloat turns a JSON amount into hundredths, refusing more than
// two decimals' precision only by rounding (JSON numbers are decimal text).
func CentsFromFloat(f float64) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > MaxAmountCents/100 {
		return 0, false
	}
	return int64(math.Round(f * 100)), true
}

// referenceAlphabet is Crockford's base 32 without I, L, O and U, as for
// case references.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a fee report reference such as "FR-4K7P-Q2XD":
// random, unrelated to the receipt and to any case reference.
func NewReference(rand io.Reader) (string, error) {
	var b [8]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("fee report reference: %w", err)
	}
	out := make([]byte, 0, 12)
	out = append(out, "FR-"...)
	for i, x := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, referenceAlphabet[x&31])
	}
	return string(out), nil
}
