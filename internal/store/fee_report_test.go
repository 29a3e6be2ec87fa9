package store_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/recruitment"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

func TestFeeStoreEngines(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Run("Rules", func(t *testing.T) { testFeeRules(t, engine) })
			t.Run("ReportRoundTrip", func(t *testing.T) { testFeeReportRoundTrip(t, engine) })
			t.Run("Rates", func(t *testing.T) { testExchangeRates(t, engine) })
		})
	}
}

func testFeeRules(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	bundled := recruitment.BundledRules()
	n, err := db.EnsureFeeRules(ctx, bundled, testTime)
	if err != nil || n != len(bundled) {
		t.Fatalf("EnsureFeeRules: %d, %v", n, err)
	}
	// A second time (another process starting) adds nothing.
	if n, err := db.EnsureFeeRules(ctx, bundled, testTime); err != nil || n != 0 {
		t.Fatalf("EnsureFeeRules again: %d, %v", n, err)
	}
	got, err := db.FeeRules(ctx)
	if err != nil || len(got) != len(bundled) {
		t.Fatalf("FeeRules: %d, %v", len(got), err)
	}
	for i := range got {
		if got[i].ID == "VN-GEN-SERVICE-FEE-12M" {
			var want recruitment.Rule
			for _, r := range bundled {
				if r.ID == got[i].ID {
					want = r
				}
			}
			g := got[i]
			g.Cap, want.Cap = nil, nil // raw JSON, compacted when stored
			if !reflect.DeepEqual(g, want) {
				t.Errorf("rule read back differs:\n got %+v\nwant %+v", got[i], want)
			}
		}
	}
	// Supersede: version 2 closes version 1, in one transaction with its entry.
	next, closed, err := recruitment.Supersede(got, recruitment.Rule{ID: "VN-GEN-SERVICE-FEE-12M", Origin: "VN",
		Destinations: []string{"*"}, Programs: []string{"*"}, Status: "in_force", Confidence: "high",
		EffectiveFrom: "2026-07-01", Summary: "v2", SourceURL: "https://example.org/v2",
		Checks: []recruitment.Check{{Kind: "zero", Items: []string{"service_fee"}}}})
	if err != nil {
		t.Fatal(err)
	}
	entry := audit.Entry{At: testTime, Actor: "staff:1", Action: "fee_rules.changed", Detail: next.Key()}
	if err := db.AddFeeRuleVersions(ctx, []recruitment.Rule{next}, closed, "staff:1", testTime, entry); err != nil {
		t.Fatal(err)
	}
	got, _ = db.FeeRules(ctx)
	versions := got.Versions("VN-GEN-SERVICE-FEE-12M")
	if len(versions) != 2 || versions[0].EffectiveTo != "2026-06-30" || versions[0].SupersededBy != 2 || versions[1].Version != 2 {
		t.Fatalf("versions after supersede: %+v", versions)
	}
	// The same version again is refused, and nothing of that try is kept.
	err = db.AddFeeRuleVersions(ctx, []recruitment.Rule{next}, nil, "staff:1", testTime, entry)
	if apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("duplicate version: %v, want a validation error", err)
	}
	if n, err := verifyChain(t, db); err != nil || n != 2 {
		t.Errorf("audit chain: %d entries, %v; want 2 (bundled, changed)", n, err)
	}
}

func testFeeReportRoundTrip(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	sc := newSealedCase(1, []string{"recruitment.fees"}, true, testTime)
	mustCreate(t, db, sc, nil)

	rep := recruitment.Report{Language: "vi", OriginCountry: "VN", Destination: "JP", Program: "technical_intern",
		Occupation: "construction", Sex: "female", ContractMonths: 36, MonthlyWageJPY: 180_000, ReportDate: "2026-10-30",
		AgencyName: "Công ty A", AgencyLicence: "123/LĐTBXH-GP",
		Items: []recruitment.Item{
			{Kind: "service_fee", Amount: 100_000_000_00, Currency: "VND", PaidOn: "2025-05-01", Payee: "sending_agency",
				AmountJPY: 580_000, AmountUSDCents: 386_600, JPYPerUnit: 0.0058, RateSource: "EST"},
			{Kind: "deposit", Amount: 1000_00, Currency: "USD", AmountJPY: 150_000, AmountUSDCents: 1000_00, JPYPerUnit: 150, RateSource: "EST", Refunded: true},
		},
		Loan: &recruitment.Loan{Amount: 50_000_000_00, Currency: "VND", Outstanding: 20_000_000_00, AmountJPY: 290_000, OutstandingJPY: 116_000},
	}
	res := recruitment.Result{CheckedOn: rep.ReportDate, TotalJPY: 580_000, TotalUSDCents: 386_600, HasViolation: true, DebtJPY: 116_000,
		Findings: []recruitment.Finding{
			{RuleID: "VN-GEN-SERVICE-FEE-36M", RuleVersion: 1, Severity: recruitment.Violation, CheckKind: "cap", Status: "in_force",
				Confidence: "medium", ItemKinds: []string{"service_fee"}, PaidJPY: 580_000, HasCap: true, CapJPY: 540_000, OverByJPY: 40_000},
			{RuleID: "GLOBAL-ILO-ZERO-FEE", RuleVersion: 1, Severity: recruitment.Concern, CheckKind: "zero", Status: "policy_not_law",
				Confidence: "high", ItemKinds: []string{"service_fee"}, PaidJPY: 580_000, HasCap: true, OverByJPY: 580_000},
			{RuleID: "VN-DEPOSIT", RuleVersion: 1, Severity: recruitment.Note, CheckKind: "inform", Status: "in_force",
				Confidence: "high", ItemKinds: []string{"deposit"}, PaidJPY: 0},
		}}
	rec := store.FeeReportRecord{Reference: "FR-TEST-0001", ReceiptHash: receiptHash(101), Channel: store.ChannelWeb,
		Report: rep, Result: res, WrappedKey: []byte("wrapped\x00"), SealedNotes: []byte("sealed-notes"),
		SealedPaidTo: [][]byte{[]byte("sealed-paid-to"), nil}, GrantHash: receiptHash(201),
		GrantExpiresAt: testTime.Add(time.Hour), CreatedAt: testTime}
	entry := audit.Entry{At: testTime, Actor: "worker", Action: "fee_report.created", Detail: "test"}
	if err := db.CreateFeeReport(ctx, &rec, entry); err != nil {
		t.Fatal(err)
	}
	if rec.ID == 0 {
		t.Fatal("no id")
	}
	got, err := db.FeeReportByReceiptHash(ctx, receiptHash(101))
	if err != nil {
		t.Fatal(err)
	}
	wantRep := rep
	wantRep.Items = append([]recruitment.Item(nil), rep.Items...)
	if !reflect.DeepEqual(got.Report, wantRep) {
		t.Errorf("report read back:\n got %+v\nwant %+v", got.Report, wantRep)
	}
	if !reflect.DeepEqual(got.Result, res) {
		t.Errorf("result read back:\n got %+v\nwant %+v", got.Result, res)
	}
	if !bytes.Equal(got.SealedPaidTo[0], []byte("sealed-paid-to")) || got.SealedPaidTo[1] != nil || !bytes.Equal(got.SealedNotes, []byte("sealed-notes")) {
		t.Errorf("sealed parts: %q, %q", got.SealedPaidTo, got.SealedNotes)
	}
	// Free text is never in clear.
	raw := db.raw(t)
	var agency string
	var months any
	if err := raw.QueryRow("SELECT agency_name, months_of_earnings FROM fee_reports WHERE id = $1", rec.ID).Scan(&agency, &months); err != nil {
		t.Fatal(err)
	}
	if months != nil {
		t.Errorf("months_of_earnings = %v without earnings, want NULL (never imputed)", months)
	}
	// The grant opens the report until it expires.
	if _, err := db.FeeReportByGrantHash(ctx, receiptHash(201), testTime); err != nil {
		t.Errorf("grant: %v", err)
	}
	if _, err := db.FeeReportByGrantHash(ctx, receiptHash(201), testTime.Add(2*time.Hour)); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("expired grant: %v, want not found", err)
	}
	if _, err := db.FeeReportByReceiptHash(ctx, receiptHash(999)); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("unknown receipt: %v", err)
	}
	// Linking to a case: once, then the same again is fine, another is a conflict.
	link := audit.Entry{At: testTime, Actor: "worker", Action: "fee_report.grievance", CaseRef: sc.Case.Reference}
	if err := db.LinkFeeReportCase(ctx, rec.ID, sc.Case.ID, link); err != nil {
		t.Fatal(err)
	}
	if err := db.LinkFeeReportCase(ctx, rec.ID, sc.Case.ID, link); err != nil {
		t.Errorf("linking again: %v", err)
	}
	sc2 := newSealedCase(2, []string{"recruitment.fees"}, true, testTime)
	mustCreate(t, db, sc2, nil)
	if err := db.LinkFeeReportCase(ctx, rec.ID, sc2.Case.ID, link); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("linking another case: %v, want conflict", err)
	}
	got, _ = db.FeeReportByReference(ctx, "FR-TEST-0001")
	if got.CaseID != sc.Case.ID {
		t.Errorf("case id %d, want %d", got.CaseID, sc.Case.ID)
	}
	// Bulk insert (survey, demo): no receipt, earnings known.
	bulk := make([]store.FeeReportRecord, 3)
	for i := range bulk {
		r := rep
		r.FirstMonthEarningsJPY = 140_000
		r.Loan = nil
		bulk[i] = store.FeeReportRecord{Reference: "FR-BULK-000" + string(rune('0'+i)), Channel: store.ChannelDemo, Report: r,
			Result: recruitment.Result{TotalJPY: 280_000, MonthsOfEarnings: 2, HasEarnings: true}, WrappedKey: []byte("k"), CreatedAt: testTime}
	}
	if err := db.InsertFeeReports(ctx, bulk, audit.Entry{At: testTime, Actor: "system", Action: "fee_reports.imported"}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountFeeReports(ctx); err != nil || n != 4 {
		t.Errorf("CountFeeReports = %d, %v", n, err)
	}
	b, _ := db.FeeReportByReference(ctx, "FR-BULK-0001")
	if !b.Result.HasEarnings || b.Result.MonthsOfEarnings != 2 || b.Report.FirstMonthEarningsJPY != 140_000 {
		t.Errorf("bulk report: %+v", b.Result)
	}
	// case, report, link (once), case, bulk insert
	if n, err := verifyChain(t, db); err != nil || n != 5 {
		t.Errorf("audit chain: %d entries, %v; want 5", n, err)
	}
}

func testExchangeRates(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	entry := audit.Entry{At: testTime, Actor: "staff:1", Action: "exchange_rates.imported"}
	rates := []recruitment.Rate{{Month: "2026-10", Currency: "VND", PerUSD: 26_300, Source: "SBV"}, {Month: "2026-10", Currency: "JPY", PerUSD: 151.2}}
	if err := db.PutExchangeRates(ctx, rates, testTime, entry); err != nil {
		t.Fatal(err)
	}
	rates[0].PerUSD = 26_350
	if err := db.PutExchangeRates(ctx, rates[:1], testTime, entry); err != nil {
		t.Fatal(err)
	}
	got, err := db.ExchangeRates(ctx)
	if err != nil || len(got) != 2 || got[1].Currency != "VND" || got[1].PerUSD != 26_350 || got[0].PerUSD != 151.2 {
		t.Errorf("ExchangeRates = %+v, %v", got, err)
	}
}
