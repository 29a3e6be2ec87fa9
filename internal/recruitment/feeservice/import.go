package feeservice

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/i18n"
	"remedy/internal/recruitment"
	"remedy/internal/store"
)

// MaxImportRows bounds one survey import.
const MaxImportRows = 5000

// SurveyColumns are the columns of a survey CSV, one report per row. The
// item columns are named after the item kinds and hold amounts in the
// row's currency; every column but origin_country, program,
// contract_months and monthly_wage_jpy may be left out or empty.
func SurveyColumns() []string {
	cols := []string{"report_date", "language", "origin_country", "program", "occupation", "sex", "contract_months",
		"monthly_wage_jpy", "first_month_earnings_jpy", "agency_name", "agency_licence", "currency"}
	cols = append(cols, recruitment.ItemKinds...)
	return append(cols, "loan_amount", "loan_outstanding")
}

// ImportReports reads a survey CSV (an enumerator's interviews) and stores
// every row as a fee report without a receipt, checked like any other.
// Nothing is stored unless every row is valid; the errors name the rows.
func (s *Service) ImportReports(ctx context.Context, actor access.Actor, data io.Reader) (int, error) {
	if !access.CanRecruitment(actor, access.ImportFeeReports) {
		return 0, apperr.New(apperr.NotFound, "error.not_found")
	}
	bad := func(key string, args ...any) error {
		return apperr.Validation([]apperr.FieldError{{Field: "file", Key: key, Args: args}})
	}
	cr := csv.NewReader(io.LimitReader(data, 16<<20))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil || len(rows) < 2 {
		return 0, bad("fees.error.survey_csv")
	}
	if len(rows)-1 > MaxImportRows {
		return 0, bad("fees.error.survey_rows", MaxImportRows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"origin_country", "program", "contract_months", "monthly_wage_jpy"} {
		if _, ok := col[need]; !ok {
			return 0, bad("fees.error.survey_column", need)
		}
	}
	today := recruitment.Today(s.Now())
	var reps []recruitment.Report
	var errs []apperr.FieldError
	for n, row := range rows[1:] {
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		line := n + 2
		field := func(f string) string { return fmt.Sprintf("rows.%d.%s", line, f) }
		rep := recruitment.Report{
			ReportDate: get("report_date"), Language: get("language"), OriginCountry: get("origin_country"),
			Program: get("program"), Occupation: get("occupation"), Sex: get("sex"),
			AgencyName: get("agency_name"), AgencyLicence: get("agency_licence"),
		}
		if rep.ReportDate == "" {
			rep.ReportDate = today
		}
		if rep.Language == "" {
			rep.Language = i18n.Default
		}
		whole := func(name string, dst *int64) {
			if v := get(name); v != "" {
				n, ok := recruitment.ParseWhole(v)
				if !ok {
					errs = append(errs, apperr.FieldError{Field: field(name), Key: "fees.error.amount"})
				}
				*dst = n
			}
		}
		var months int64
		whole("contract_months", &months)
		rep.ContractMonths = int(months)
		whole("monthly_wage_jpy", &rep.MonthlyWageJPY)
		whole("first_month_earnings_jpy", &rep.FirstMonthEarningsJPY)
		cur := strings.ToUpper(get("currency"))
		if cur == "" {
			cur = "JPY"
		}
		amount := func(name string) int64 {
			v := get(name)
			if v == "" {
				return 0
			}
			a, ok := recruitment.ParseAmount(v, cur)
			if !ok {
				errs = append(errs, apperr.FieldError{Field: field(name), Key: "fees.error.amount"})
			}
			return a
		}
		for _, k := range recruitment.ItemKinds {
			if a := amount(k); a > 0 {
				rep.Items = append(rep.Items, recruitment.Item{Kind: k, Amount: a, Currency: cur})
			}
		}
		if la, lo := amount("loan_amount"), amount("loan_outstanding"); la > 0 || lo > 0 {
			rep.Loan = &recruitment.Loan{Amount: la, Currency: cur, Outstanding: lo}
		}
		rep.Normalize()
		for _, e := range rep.Validate(today, i18n.IsSupported) {
			e.Field = field(e.Field)
			errs = append(errs, e)
		}
		reps = append(reps, rep)
		if len(errs) > 50 {
			break
		}
	}
	if len(errs) > 0 {
		return 0, apperr.Validation(errs)
	}
	return s.StoreChecked(ctx, reps, store.ChannelImport, staffName(actor))
}
