package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/recruitment"
	"remedy/internal/recruitment/feeservice"
	"remedy/internal/staff"
	"remedy/internal/store"
)

// Fee reports: a worker tells what they paid to come to Japan, sees which
// rule each cost breaks (in their language, with the legal source), keeps
// a receipt, and may turn the report into a grievance in one step.

// feeRows is how many empty cost lines the form shows (more on request,
// without JavaScript), and maxFeeRows the most it shows.
const (
	feeRows    = 6
	maxFeeRows = recruitment.MaxItems
)

// fees returns the fee-report service, built on the intake service.
func (s *Server) fees() *feeservice.Service { return feeservice.New(s.cfg.Intake, s.cfg.Bundle) }

// feeRow is one cost line of the form, as typed.
type feeRow struct {
	N, Num                                        int // index, and the number shown (from 1)
	Kind, Amount, Currency, PaidOn, PaidTo, Payee string
	Refunded                                      bool
}

// feeForm is the fee form as typed, so that it comes back filled in.
type feeForm struct {
	OriginCountry, Program, Occupation, Sex          string
	ContractMonths, MonthlyWage, FirstMonthEarnings  string
	AgencyName, AgencyLicence                        string
	PublicProgramme                                  bool
	LoanAmount, LoanCurrency, LoanOutstanding, Notes string
	Rows                                             []feeRow
	// ForCase links the report to the case open on this device (the worker
	// came from their case page).
	ForCase bool
}

type feesPage struct {
	Page
	Form        feeForm
	Errors      map[string]string
	ErrorList   []fieldMessage
	Countries   []string
	Programs    []string
	Occupations []string
	Kinds       []string
	Currencies  []string
	Payees      []string
	Sexes       []string
	Notice      string
}

// homeCurrency is the currency a worker most likely paid in, by language.
func homeCurrency(lang string) string {
	return map[string]string{"vi": "VND", "id": "IDR", "km": "USD", "fil": "PHP", "th": "THB", "my": "MMK", "ne": "NPR"}[lang]
}

func (s *Server) newFeesPage(r *http.Request, lang string, form feeForm) feesPage {
	if len(form.Rows) == 0 {
		cur := homeCurrency(lang)
		if cur == "" {
			cur = "JPY"
		}
		for i := range feeRows {
			form.Rows = append(form.Rows, feeRow{N: i, Num: i + 1, Currency: cur})
		}
		form.LoanCurrency = cur
	}
	return feesPage{
		Page: s.page(r, lang), Form: form, Errors: map[string]string{},
		Countries: grievance.OriginCountries, Programs: grievance.Programs, Occupations: recruitment.Occupations,
		Kinds: recruitment.ItemKinds, Currencies: recruitment.Currencies, Payees: recruitment.Payees, Sexes: recruitment.Sexes,
	}
}

func (s *Server) feesForm(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	return s.render(w, http.StatusOK, "fees", s.newFeesPage(r, lang, feeForm{ForCase: r.URL.Query().Get("for_case") == "1"}))
}

// feeFormFrom reads the form's fields as typed.
func feeFormFrom(f url.Values) feeForm {
	form := feeForm{
		OriginCountry: f.Get("origin_country"), Program: f.Get("program"), Occupation: f.Get("occupation"),
		Sex: f.Get("sex"), ContractMonths: f.Get("contract_months"), MonthlyWage: f.Get("monthly_wage_jpy"),
		FirstMonthEarnings: f.Get("first_month_earnings_jpy"), AgencyName: f.Get("agency_name"), ForCase: f.Get("for_case") == "1",
		AgencyLicence: f.Get("agency_licence"), PublicProgramme: f.Get("public_programme") == "yes",
		LoanAmount: f.Get("loan_amount"), LoanCurrency: f.Get("loan_currency"), LoanOutstanding: f.Get("loan_outstanding"),
		Notes: f.Get("notes"),
	}
	n, err := strconv.Atoi(f.Get("rows"))
	if err != nil || n < 1 {
		n = feeRows
	}
	n = min(n, maxFeeRows)
	for i := range n {
		p := "items." + strconv.Itoa(i) + "."
		form.Rows = append(form.Rows, feeRow{N: i, Num: i + 1, Kind: f.Get(p + "kind"), Amount: f.Get(p + "amount"),
			Currency: f.Get(p + "currency"), PaidOn: f.Get(p + "paid_on"), PaidTo: f.Get(p + "paid_to"),
			Payee: f.Get(p + "payee"), Refunded: f.Get(p+"refunded") == "yes"})
	}
	return form
}

// report turns the typed form into a report; numbers that cannot be read
// are field errors, given with the report's own.
func (form feeForm) report(lang string) (recruitment.Report, []apperr.FieldError) {
	var errs []apperr.FieldError
	whole := func(field, v string, required bool) int64 {
		v = strings.TrimSpace(v)
		if v == "" {
			if required {
				errs = append(errs, apperr.FieldError{Field: field, Key: "error.required"})
			}
			return 0
		}
		n, ok := recruitment.ParseWhole(v)
		if !ok {
			key := "fees.error.wage"
			if field == "contract_months" {
				key = "fees.error.months"
				errs = append(errs, apperr.FieldError{Field: field, Key: key, Args: []any{recruitment.MaxContractMonths}})
				return 0
			}
			errs = append(errs, apperr.FieldError{Field: field, Key: key})
		}
		return n
	}
	rep := recruitment.Report{
		Language: lang, OriginCountry: form.OriginCountry, Program: form.Program, Occupation: form.Occupation,
		Sex: form.Sex, AgencyName: form.AgencyName, AgencyLicence: form.AgencyLicence,
		PublicProgramme: form.PublicProgramme, Notes: form.Notes,
	}
	months := whole("contract_months", form.ContractMonths, true)
	if months > recruitment.MaxContractMonths {
		months = recruitment.MaxContractMonths + 1
	}
	rep.ContractMonths = int(months)
	rep.MonthlyWageJPY = whole("monthly_wage_jpy", form.MonthlyWage, true)
	rep.FirstMonthEarningsJPY = whole("first_month_earnings_jpy", form.FirstMonthEarnings, false)
	// An empty row is skipped; errors name the item's place among the rows
	// that are not empty, as validation does (rowField maps it back).
	for _, row := range form.Rows {
		if strings.TrimSpace(row.Kind) == "" && strings.TrimSpace(row.Amount) == "" {
			continue
		}
		it := recruitment.Item{Kind: row.Kind, Currency: row.Currency, PaidOn: row.PaidOn, PaidTo: row.PaidTo,
			Payee: row.Payee, Refunded: row.Refunded}
		if a := strings.TrimSpace(row.Amount); a != "" {
			cents, ok := recruitment.ParseAmount(a, strings.ToUpper(strings.TrimSpace(row.Currency)))
			if !ok || cents == 0 {
				errs = append(errs, apperr.FieldError{Field: "items." + strconv.Itoa(len(rep.Items)) + ".amount", Key: "fees.error.amount"})
				cents = 1 // counted as given; the error above says what to fix
			}
			it.Amount = cents
		}
		rep.Items = append(rep.Items, it)
	}
	if la, lo := strings.TrimSpace(form.LoanAmount), strings.TrimSpace(form.LoanOutstanding); la != "" || lo != "" {
		loan := &recruitment.Loan{Currency: form.LoanCurrency}
		for _, x := range []struct {
			field, v string
			dst      *int64
		}{{"loan.amount", la, &loan.Amount}, {"loan.outstanding", lo, &loan.Outstanding}} {
			if x.v == "" {
				continue
			}
			n, ok := recruitment.ParseAmount(x.v, strings.ToUpper(strings.TrimSpace(form.LoanCurrency)))
			if !ok {
				errs = append(errs, apperr.FieldError{Field: x.field, Key: "fees.error.amount"})
			}
			*x.dst = n
		}
		rep.Loan = loan
	}
	return rep, errs
}

// rowField maps a validation field "items.K.x" (K among non-empty rows) to
// the form's row number.
func rowField(field string, rows []feeRow) string {
	rest, ok := strings.CutPrefix(field, "items.")
	if !ok {
		return field
	}
	k, sub, ok := strings.Cut(rest, ".")
	idx, err := strconv.Atoi(k)
	if !ok || err != nil {
		return field
	}
	seen := 0
	for _, row := range rows {
		if strings.TrimSpace(row.Kind) == "" && strings.TrimSpace(row.Amount) == "" {
			continue
		}
		if seen == idx {
			return "items." + strconv.Itoa(row.N) + "." + sub
		}
		seen++
	}
	return field
}

func (s *Server) feesSubmit(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormRead))
	if err != nil {
		return apperr.New(apperr.TooLarge, "error.body_too_large")
	}
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return apperr.New(badRequest, "error.invalid_request")
	}
	lang, ok := i18n.Parse(f.Get("language"))
	if !ok {
		lang = s.language(w, r)
	}
	form := feeFormFrom(f)
	if f.Get("more") != "" {
		// More cost lines, keeping everything typed (no JavaScript needed).
		cur := homeCurrency(lang)
		for i := len(form.Rows); i < min(len(form.Rows)+feeRows, maxFeeRows); i++ {
			form.Rows = append(form.Rows, feeRow{N: i, Num: i + 1, Currency: cur})
		}
		p := s.newFeesPage(r, lang, form)
		return s.render(w, http.StatusOK, "fees", p)
	}
	rep, parseErrs := form.report(lang)
	var created feeservice.Created
	if decodedSize(f) > MaxBody {
		err = apperr.Validation([]apperr.FieldError{{Field: "form", Key: "error.body_too_large"}})
	} else if len(parseErrs) > 0 {
		// Validate the rest too, so the worker sees every problem at once.
		rep.Normalize()
		rep.ReportDate = recruitment.Today(s.cfg.Now())
		all := append(parseErrs, rep.Validate(rep.ReportDate, i18n.IsSupported)...)
		err = apperr.Validation(all)
	} else {
		created, err = s.fees().Submit(r.Context(), rep, store.ChannelWeb)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		p := s.newFeesPage(r, lang, form)
		for _, fe := range ae.Fields {
			field := rowField(fe.Field, form.Rows)
			if _, dup := p.Errors[field]; dup {
				continue
			}
			msg := p.P.T(fe.Key, fe.Args...)
			p.Errors[field] = msg
			p.ErrorList = append(p.ErrorList, fieldMessage{Field: field, Message: msg})
		}
		sort.SliceStable(p.ErrorList, func(i, j int) bool { return feeFieldOrder(p.ErrorList[i].Field) < feeFieldOrder(p.ErrorList[j].Field) })
		return s.render(w, http.StatusUnprocessableEntity, "fees", p)
	}
	if err != nil {
		return err
	}
	p := s.feesResult(r, lang, created.Reference, created.Report, created.Result)
	p.Receipt, p.Grant = created.Receipt, created.Grant
	if form.ForCase {
		// From the case page: attach the report to the worker's own case
		// (the session proves it is theirs) instead of offering a new one.
		if caseID, err := s.sessionCase(r); err == nil {
			ref, err := s.fees().AttachToCase(r.Context(), created.ID, caseID)
			if err != nil {
				return err
			}
			p.Grant, p.CaseRef = "", ref
		}
	}
	return s.render(w, http.StatusOK, "fees_result", p)
}

// feeFieldOrder sorts errors in the order the form shows its fields.
func feeFieldOrder(field string) int {
	order := []string{"origin_country", "program", "occupation", "contract_months", "monthly_wage_jpy",
		"first_month_earnings_jpy", "agency.name", "agency.licence_number", "items", "loan.", "sex", "notes", "form"}
	for i, o := range order {
		if strings.HasPrefix(field, o) {
			if o == "items" {
				// items.N.x: by row, then field
				rest := strings.TrimPrefix(field, "items.")
				k, _, _ := strings.Cut(rest, ".")
				n, _ := strconv.Atoi(k)
				return i*1000 + n
			}
			return i * 1000
		}
	}
	return len(order) * 1000
}

type feeFindingView struct {
	Severity    string
	Label       string
	Explanation string
	Citation    string
	SourceURL   string
	RuleID      string
	RuleVersion int
}

type feesResultPage struct {
	Page
	Reference   string
	Receipt     string // shown once, on the answer to the form
	Grant       string // the "make this a grievance" token
	Total       string
	TotalUSD    string
	Months      string
	Debt        string
	RatesApprox bool
	CheckedOn   string
	Findings    []feeFindingView
	Violations  int
	CaseRef     string // the grievance made from it, if any
	Error       string
}

func (s *Server) feesResult(r *http.Request, lang, ref string, rep recruitment.Report, res recruitment.Result) feesResultPage {
	p := feesResultPage{Page: s.page(r, lang), Reference: ref, Total: recruitment.FormatJPY(res.TotalJPY),
		TotalUSD: recruitment.FormatUSD(res.TotalUSDCents), RatesApprox: res.RatesApprox, CheckedOn: res.CheckedOn}
	if res.HasEarnings {
		p.Months = strconv.FormatFloat(res.MonthsOfEarnings, 'f', 1, 64)
	}
	if res.DebtJPY > 0 {
		p.Debt = recruitment.FormatJPY(res.DebtJPY)
	}
	for _, f := range res.Findings {
		if f.Severity == recruitment.Violation {
			p.Violations++
		}
		p.Findings = append(p.Findings, feeFindingView{
			Severity: string(f.Severity), Label: p.P.T("fees.severity." + string(f.Severity)),
			Explanation: recruitment.Explain(p.P, f), Citation: f.Citation, SourceURL: f.SourceURL,
			RuleID: f.RuleID, RuleVersion: f.RuleVersion,
		})
	}
	return p
}

// withSources fills in the citation and summary of stored findings from
// the rules they name.
func withSources(res *recruitment.Result, rules recruitment.RuleSet) {
	for i := range res.Findings {
		f := &res.Findings[i]
		for _, r := range rules {
			if r.ID == f.RuleID && r.Version == f.RuleVersion {
				f.Citation, f.SourceURL, f.Summary, f.Summaries = r.Citation(), r.SourceURL, r.Summary, r.Summaries
			}
		}
	}
}

func (s *Server) feesGrievance(w http.ResponseWriter, r *http.Request) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	g, err := s.fees().MakeGrievance(r.Context(), form.Get("grant"))
	if err != nil {
		return err
	}
	if err := s.openWorkerSession(w, r, g.Receipt.CaseID); err != nil {
		return err
	}
	return s.renderReceipt(w, r, g.Receipt)
}

type feesOpenPage struct {
	Page
	Receipt string
	Error   string
}

func (s *Server) feesOpenForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "fees_open", feesOpenPage{Page: s.page(r, s.language(w, r))})
}

// openFeeReport checks a fee report's receipt under the same failure limit
// as case receipts.
func (s *Server) openFeeReport(r *http.Request, receipt string) (feeservice.View, error) {
	client := s.clientKey(r)
	now := s.cfg.Now()
	if blocked, wait := s.limiter.blocked(client, now); blocked {
		return feeservice.View{}, rateLimited(wait.Seconds())
	}
	v, err := s.fees().Open(r.Context(), receipt)
	if apperr.CodeOf(err) == apperr.Unauthorized {
		s.limiter.fail(client, now)
	}
	return v, err
}

func (s *Server) feesOpen(w http.ResponseWriter, r *http.Request) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	receipt := form.Get("receipt")
	v, err := s.openFeeReport(r, receipt)
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Code == apperr.Unauthorized || ae.Code == apperr.RateLimited) {
		p := feesOpenPage{Page: s.page(r, s.language(w, r)), Receipt: receipt}
		p.Error = p.P.T(ae.Key, ae.Args...)
		setRetryAfter(w, err)
		status, _ := s.status(err)
		return s.render(w, status, "fees_open", p)
	}
	if err != nil {
		return err
	}
	rules, err := s.fees().Rules(r.Context())
	if err != nil {
		return err
	}
	rec := v.Record
	withSources(&rec.Result, rules)
	lang := s.language(w, r)
	p := s.feesResult(r, lang, rec.Reference, rec.Report, rec.Result)
	p.Grant = v.Grant
	if rec.CaseID != 0 {
		c, err := s.cfg.DB.CaseByID(r.Context(), rec.CaseID)
		if err == nil {
			p.CaseRef = c.Case.Reference
		}
	}
	return s.render(w, http.StatusOK, "fees_result", p)
}

// --- JSON API ---

type feeAgencyJSON struct {
	Name          string `json:"name"`
	LicenceNumber string `json:"licence_number"`
}

type feeItemJSON struct {
	Kind     string  `json:"kind"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	PaidOn   string  `json:"paid_on"`
	PaidTo   string  `json:"paid_to"`
	Payee    string  `json:"payee"`
	Refunded bool    `json:"refunded"`
}

type feeLoanJSON struct {
	Amount      float64 `json:"amount"`
	Currency    string  `json:"currency"`
	Outstanding float64 `json:"outstanding"`
}

type feeReportRequest struct {
	Language              string             `json:"language"`
	OriginCountry         string             `json:"origin_country"`
	Program               string             `json:"program"`
	Occupation            string             `json:"occupation"`
	Sex                   string             `json:"sex"`
	ContractMonths        int                `json:"contract_months"`
	MonthlyWageJPY        int64              `json:"monthly_wage_jpy"`
	FirstMonthEarningsJPY int64              `json:"first_month_earnings_jpy"`
	ReportDate            string             `json:"report_date"`
	PublicProgramme       bool               `json:"public_programme"`
	Agency                *feeAgencyJSON     `json:"agency"`
	Items                 []feeItemJSON      `json:"items"`
	Loan                  *feeLoanJSON       `json:"loan"`
	ExchangeRates         map[string]float64 `json:"exchange_rates"`
	Notes                 string             `json:"notes"`
}

func cents(f float64) int64 {
	c, ok := recruitment.CentsFromFloat(f)
	if !ok {
		return -1 // refused by validation with the field's name
	}
	return c
}

func (req feeReportRequest) report() recruitment.Report {
	rep := recruitment.Report{
		Language: req.Language, OriginCountry: req.OriginCountry, Program: req.Program, Occupation: req.Occupation,
		Sex: req.Sex, ContractMonths: req.ContractMonths, MonthlyWageJPY: req.MonthlyWageJPY,
		FirstMonthEarningsJPY: req.FirstMonthEarningsJPY, ReportDate: req.ReportDate, PublicProgramme: req.PublicProgramme,
		Notes: req.Notes,
	}
	if req.Agency != nil {
		rep.AgencyName, rep.AgencyLicence = req.Agency.Name, req.Agency.LicenceNumber
	}
	for _, it := range req.Items {
		amount := cents(it.Amount)
		if amount == 0 {
			amount = -1 // an item of nothing is a mistake, not an empty row
		}
		rep.Items = append(rep.Items, recruitment.Item{Kind: it.Kind, Amount: amount, Currency: it.Currency,
			PaidOn: it.PaidOn, PaidTo: it.PaidTo, Payee: it.Payee, Refunded: it.Refunded})
	}
	if req.Loan != nil {
		rep.Loan = &recruitment.Loan{Amount: cents(req.Loan.Amount), Currency: req.Loan.Currency, Outstanding: cents(req.Loan.Outstanding)}
	}
	if len(req.ExchangeRates) > 0 {
		rep.OwnRates = map[string]float64{}
		for c, v := range req.ExchangeRates {
			rep.OwnRates[strings.ToUpper(strings.TrimSpace(c))] = v
		}
	}
	return rep
}

type feeFindingJSON struct {
	RuleID      string   `json:"rule_id"`
	RuleVersion int      `json:"rule_version"`
	Severity    string   `json:"severity"`
	Status      string   `json:"rule_status"`
	Confidence  string   `json:"confidence"`
	ItemKinds   []string `json:"item_kinds"`
	PaidJPY     int64    `json:"paid_jpy"`
	CapJPY      *int64   `json:"cap_jpy,omitempty"`
	OverByJPY   *int64   `json:"over_by_jpy,omitempty"`
	Explanation string   `json:"explanation"`
	Source      string   `json:"source"`
	SourceURL   string   `json:"source_url,omitempty"`
}

type feeResultJSON struct {
	Reference          string           `json:"reference,omitempty"`
	Receipt            string           `json:"receipt,omitempty"`
	Language           string           `json:"language"`
	CheckedOn          string           `json:"checked_on"`
	TotalCostJPY       int64            `json:"total_cost_jpy"`
	TotalCostUSD       float64          `json:"total_cost_usd"`
	MonthsOfEarnings   *float64         `json:"months_of_earnings"`
	DebtOutstandingJPY int64            `json:"debt_outstanding_jpy"`
	HasViolation       bool             `json:"has_violation"`
	RatesApproximate   bool             `json:"rates_approximate"`
	Categories         []string         `json:"categories"`
	Findings           []feeFindingJSON `json:"findings"`
}

func (s *Server) feeResultJSON(rep recruitment.Report, res recruitment.Result) feeResultJSON {
	p := s.cfg.Bundle.Printer(rep.Language)
	out := feeResultJSON{Language: rep.Language, CheckedOn: res.CheckedOn, TotalCostJPY: res.TotalJPY,
		TotalCostUSD: float64(res.TotalUSDCents) / 100, DebtOutstandingJPY: res.DebtJPY, HasViolation: res.HasViolation,
		RatesApproximate: res.RatesApprox, Categories: recruitment.Categories(&rep), Findings: []feeFindingJSON{}}
	if res.HasEarnings {
		m := float64(int64(res.MonthsOfEarnings*100+0.5)) / 100
		out.MonthsOfEarnings = &m
	}
	for _, f := range res.Findings {
		j := feeFindingJSON{RuleID: f.RuleID, RuleVersion: f.RuleVersion, Severity: string(f.Severity), Status: f.Status,
			Confidence: f.Confidence, ItemKinds: append([]string{}, f.ItemKinds...), PaidJPY: f.PaidJPY,
			Explanation: recruitment.Explain(p, f), Source: f.Citation, SourceURL: f.SourceURL}
		if j.Source == "" {
			j.Source = f.SourceURL
		}
		if f.HasCap {
			capJPY, over := f.CapJPY, f.OverByJPY
			j.CapJPY, j.OverByJPY = &capJPY, &over
		}
		out.Findings = append(out.Findings, j)
	}
	return out
}

func (s *Server) readFeeRequest(r *http.Request) (recruitment.Report, error) {
	var req feeReportRequest
	if err := readJSON(r, &req); err != nil {
		return recruitment.Report{}, err
	}
	if code, ok := i18n.Parse(req.Language); ok {
		*r = *r.WithContext(context.WithValue(r.Context(), apiLangKey{}, code))
	}
	return req.report(), nil
}

// apiFeeReportCreate: POST /api/v1/fee-reports → 201 with the reference,
// the receipt (shown once) and the findings.
func (s *Server) apiFeeReportCreate(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.readFeeRequest(r)
	if err != nil {
		return err
	}
	c, err := s.fees().Submit(r.Context(), rep, store.ChannelAPI)
	if err != nil {
		return err
	}
	out := s.feeResultJSON(c.Report, c.Result)
	out.Reference, out.Receipt = c.Reference, c.Receipt
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// apiFeeReportCheck: POST /api/v1/fee-reports/check → the same findings,
// nothing stored.
func (s *Server) apiFeeReportCheck(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.readFeeRequest(r)
	if err != nil {
		return err
	}
	rep, res, err := s.fees().Check(r.Context(), rep)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.feeResultJSON(rep, res))
	return nil
}

// apiFeeReportGrievance: POST /api/v1/fee-reports/grievance with the
// report's receipt → 201 with the new case's reference and receipt.
func (s *Server) apiFeeReportGrievance(w http.ResponseWriter, r *http.Request) error {
	receipt := receiptFromHeader(r)
	client := s.clientKey(r)
	now := s.cfg.Now()
	if blocked, wait := s.limiter.blocked(client, now); blocked {
		return rateLimited(wait.Seconds())
	}
	g, err := s.fees().MakeGrievanceByReceipt(r.Context(), receipt)
	if apperr.CodeOf(err) == apperr.Unauthorized {
		s.limiter.fail(client, now)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"reference": g.Receipt.Reference, "receipt": g.Receipt.Receipt, "status": string(g.Receipt.Status),
		"risk": string(g.Receipt.Risk), "acknowledge_by": g.Receipt.AcknowledgeBy.UTC().Format("2006-01-02T15:04:05Z07:00"),
		"fee_report": g.Report.Reference, "categories": s.caseCategories(r, g.Receipt.CaseID),
	})
	return nil
}

func (s *Server) caseCategories(r *http.Request, caseID int64) []string {
	c, err := s.cfg.DB.CaseByID(r.Context(), caseID)
	if err != nil {
		return []string{}
	}
	return c.Case.Categories
}

type feeRuleJSON struct {
	ID            string              `json:"id"`
	Version       int                 `json:"version"`
	Status        string              `json:"status"`
	Confidence    string              `json:"confidence"`
	Origin        string              `json:"origin"`
	Destinations  []string            `json:"destinations"`
	Programs      []string            `json:"programs"`
	EffectiveFrom string              `json:"effective_from"`
	EffectiveTo   string              `json:"effective_to"`
	SupersededBy  int                 `json:"superseded_by,omitempty"`
	Summary       string              `json:"summary"`
	Source        string              `json:"source"`
	SourceURL     string              `json:"source_url,omitempty"`
	Checks        []recruitment.Check `json:"checks"`
}

// apiFeeRules: GET /api/v1/fee-rules?date=&origin=&program=&versions=all
// lists the rules in force on a date (today by default), or every version.
func (s *Server) apiFeeRules(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lang := apiLanguage(r)
	date := q.Get("date")
	if date == "" {
		date = recruitment.Today(s.cfg.Now())
	} else if !recruitment.IsDate(date) {
		return apperr.Validation([]apperr.FieldError{{Field: "date", Key: "error.invalid_date"}})
	}
	rules, err := s.fees().Rules(r.Context())
	if err != nil {
		return err
	}
	list := rules.InForce(date)
	if q.Get("versions") == "all" {
		list = rules
	}
	p := s.cfg.Bundle.Printer(lang)
	out := []feeRuleJSON{}
	origin, program := strings.ToUpper(q.Get("origin")), q.Get("program")
	for _, rule := range list {
		if origin != "" && rule.Origin != "*" && rule.Origin != origin {
			continue
		}
		if program != "" && !slicesContains(rule.Programs, "*") && !slicesContains(rule.Programs, program) {
			continue
		}
		checks := rule.Checks
		if checks == nil {
			checks = []recruitment.Check{}
		}
		out = append(out, feeRuleJSON{ID: rule.ID, Version: rule.Version, Status: rule.Status, Confidence: rule.Confidence,
			Origin: rule.Origin, Destinations: rule.Destinations, Programs: rule.Programs, EffectiveFrom: rule.EffectiveFrom,
			EffectiveTo: rule.EffectiveTo, SupersededBy: rule.SupersededBy, Summary: recruitment.VersionSummary(p, rule.ID, rule.Version, rule.Summary, rule.Summaries),
			Source: rule.Citation(), SourceURL: rule.SourceURL, Checks: checks})
	}
	writeJSON(w, http.StatusOK, map[string]any{"date": date, "language": lang, "rules": out})
	return nil
}

func slicesContains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// apiFeeRulesAdd: POST /api/v1/fee-rules (mechanism admins) adds or
// supersedes rules: one rule, an array, or a file like fee-rules.json.
func (s *Server) apiFeeRulesAdd(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRecruitment(who.Actor, access.ManageFeeRules) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20+1))
	if err != nil || len(body) > 4<<20 {
		return apperr.New(apperr.TooLarge, "error.body_too_large")
	}
	if !utf8.Valid(body) {
		return apperr.New(badRequest, "error.invalid_text")
	}
	res, err := s.fees().ImportRules(r.Context(), who.Actor, body)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if len(res.Added) == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]any{"added": nonNil(res.Added), "unchanged": nonNil(res.Unchanged)})
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// --- Staff pages: fee rules (mechanism admins) and survey imports ---

type feeRuleRow struct {
	Rule    recruitment.Rule
	Summary string
	Checks  string
	Latest  bool
	InForce bool
}

type feeRulesPage struct {
	Page
	Rows       []feeRuleRow
	Origin     string
	Program    string
	Date       string
	Origins    []string
	Programs   []string
	Editor     string
	EditorID   string
	Errors     []fieldMessage
	Notice     string
	RatesError string
	Bundled    int
}

func (s *Server) feeRulesPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.renderFeeRules(w, r, who, http.StatusOK, feeRulesPage{Notice: noticeFor(r)})
}

func noticeFor(r *http.Request) string { return r.URL.Query().Get("done") }

func (s *Server) renderFeeRules(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, p feeRulesPage) error {
	if !access.CanRecruitment(who.Actor, access.ManageFeeRules) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	rules, err := s.fees().Rules(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p.Page = s.staffPageData(w, r, who)
	p.Origin, p.Program, p.Date = strings.ToUpper(q.Get("origin")), q.Get("program"), q.Get("date")
	if !recruitment.IsDate(p.Date) {
		p.Date = recruitment.Today(s.cfg.Now())
	}
	p.Origins = append([]string{"*"}, grievance.OriginCountries...)
	p.Programs = grievance.Programs
	inForce := map[string]bool{}
	for _, x := range rules.InForce(p.Date) {
		inForce[x.Key()] = true
	}
	latest := map[string]int{}
	for _, x := range rules {
		latest[x.ID] = max(latest[x.ID], x.Version)
	}
	for _, x := range rules {
		if p.Origin != "" && x.Origin != p.Origin {
			continue
		}
		if p.Program != "" && !slicesContains(x.Programs, "*") && !slicesContains(x.Programs, p.Program) {
			continue
		}
		checks, _ := json.Marshal(x.Checks)
		p.Rows = append(p.Rows, feeRuleRow{Rule: x, Summary: recruitment.VersionSummary(p.P, x.ID, x.Version, x.Summary, x.Summaries),
			Checks: string(checks), Latest: latest[x.ID] == x.Version, InForce: inForce[x.Key()]})
	}
	if p.Editor == "" {
		p.EditorID = q.Get("edit")
		var base recruitment.Rule
		for _, x := range rules.Latest() {
			if x.ID == p.EditorID {
				base = x
			}
		}
		if base.ID == "" {
			base = recruitment.Rule{ID: "XX-NEW-RULE", Origin: "XX", Destinations: []string{"JP"}, Programs: []string{"*"},
				Status: recruitment.StatusInForce, Confidence: recruitment.ConfidenceMedium, Summary: "",
				Checks:      []recruitment.Check{{Kind: recruitment.CheckZero, Items: []string{recruitment.KindBrokerage}}},
				LegalSource: []recruitment.Source{{Title: "", URL: ""}}}
		}
		base.Version, base.SupersededBy, base.EffectiveFrom, base.EffectiveTo = 0, 0, "", ""
		b, _ := json.MarshalIndent(base, "", "  ")
		p.Editor = string(b)
	}
	p.Bundled = len(recruitment.BundledRules())
	return s.render(w, status, "fees_rules", p)
}

// readUpload reads a staff form with a pasted text ("text") or an uploaded
// file ("file"), multipart or not, up to limit bytes.
func readUpload(w http.ResponseWriter, r *http.Request, limit int64) (url.Values, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(limit); err != nil {
			return nil, nil, apperr.New(apperr.TooLarge, "error.body_too_large")
		}
		vals := url.Values(r.MultipartForm.Value)
		if f, _, err := r.FormFile("file"); err == nil {
			defer f.Close()
			b, err := io.ReadAll(io.LimitReader(f, limit+1))
			if err != nil || int64(len(b)) > limit {
				return nil, nil, apperr.New(apperr.TooLarge, "error.body_too_large")
			}
			if len(strings.TrimSpace(string(b))) > 0 {
				return vals, b, nil
			}
		}
		return vals, []byte(vals.Get("text")), nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, apperr.New(apperr.TooLarge, "error.body_too_large")
	}
	return r.PostForm, []byte(r.PostForm.Get("text")), nil
}

func (s *Server) feeRulesAdd(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRecruitment(who.Actor, access.ManageFeeRules) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	_, body, err := readUpload(w, r, 4<<20)
	if err != nil {
		return err
	}
	res, err := s.fees().ImportRules(r.Context(), who.Actor, body)
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		p := feeRulesPage{Editor: string(body)}
		printer := s.cfg.Bundle.Printer(s.language(w, r))
		for _, fe := range ae.Fields {
			p.Errors = append(p.Errors, fieldMessage{Field: fe.Field, Message: printer.T(fe.Key, fe.Args...)})
		}
		return s.renderFeeRules(w, r, who, http.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	done := "added:" + strings.Join(res.Added, ",")
	if len(res.Added) == 0 {
		done = "unchanged"
	}
	http.Redirect(w, r, "/staff/fees/rules?done="+url.QueryEscape(done), http.StatusSeeOther)
	return nil
}

func (s *Server) feeRatesImport(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRecruitment(who.Actor, access.ManageFeeRules) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	_, body, err := readUpload(w, r, 4<<20)
	if err != nil {
		return err
	}
	n, err := s.fees().ImportRates(r.Context(), who.Actor, strings.NewReader(string(body)))
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		printer := s.cfg.Bundle.Printer(s.language(w, r))
		return s.renderFeeRules(w, r, who, http.StatusUnprocessableEntity, feeRulesPage{RatesError: printer.T(ae.Fields[0].Key)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/fees/rules?done="+url.QueryEscape(fmt.Sprintf("rates:%d", n)), http.StatusSeeOther)
	return nil
}

type feeSurveyPage struct {
	Page
	Columns []string
	Text    string
	Errors  []fieldMessage
	Done    string
}

func (s *Server) feeSurveyPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRecruitment(who.Actor, access.ImportFeeReports) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	p := feeSurveyPage{Page: s.staffPageData(w, r, who), Columns: feeservice.SurveyColumns(), Done: noticeFor(r)}
	return s.render(w, http.StatusOK, "fees_import", p)
}

func (s *Server) feeSurveyImport(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRecruitment(who.Actor, access.ImportFeeReports) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	_, body, err := readUpload(w, r, 16<<20)
	if err != nil {
		return err
	}
	n, err := s.fees().ImportReports(r.Context(), who.Actor, strings.NewReader(string(body)))
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		p := feeSurveyPage{Page: s.staffPageData(w, r, who), Columns: feeservice.SurveyColumns()}
		if len(body) < 256<<10 {
			p.Text = string(body)
		}
		for _, fe := range ae.Fields {
			p.Errors = append(p.Errors, fieldMessage{Field: fe.Field, Message: p.P.T(fe.Key, fe.Args...)})
		}
		return s.render(w, http.StatusUnprocessableEntity, "fees_import", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/fees/import?done="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}
