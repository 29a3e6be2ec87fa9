package e2e

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"remedy/internal/i18n"
	"remedy/internal/store"
	"remedy/internal/testutil/browser"
	"remedy/internal/testutil/stack"
)

// Selectors of the fee pages.
const (
	selFeeSubmit    = "#f-submit"
	selFeeGrievance = "#f-grievance button[type=submit]"
	selFindings     = "#findings"
)

// keys presses a key n times (a closed <select> moves one option a press).
func keys(sel string, key string, n int) chromedp.Action {
	return typeInto(sel, strings.Repeat(key, n))
}

// TestFeeReportNoJSVietnamese is a Vietnamese technical intern on a phone
// without JavaScript: she reports what she paid (first forgetting her
// wage), sees which law each cost breaks, explained in Vietnamese with its
// source, and turns the report into a grievance with one tap. Every page
// on the way is checked with axe-core.
func TestFeeReportNoJSVietnamese(t *testing.T) {
	ctx := browser.NewNoJS(t)
	app := stack.New(t, store.SQLite)
	vi := loadCatalogs(t).Printer("vi")
	axe := func(page string) {
		t.Helper()
		browser.AssertNoSeriousViolations(t, ctx, page)
	}

	// 1. The form, in Vietnamese.
	step(t, ctx, "open the fee form", navigate(app.URL+"/fees?lang=vi"))
	var lang, h1 string
	step(t, ctx, "read the form", htmlLang(&lang), text("main h1", &h1))
	if lang != "vi" || h1 != vi.T("fees.title") {
		t.Fatalf("form: <html lang=%q>, h1 %q; want vi, %q", lang, h1, vi.T("fees.title"))
	}
	axe("fee form")

	// 2. Everything but the wage. Row 1: the service fee in đồng; row 2: a
	// deposit in dollars; and the loan still owed.
	step(t, ctx, "fill in the form without the wage",
		click(optionLabel("origin_country", "VN")),
		click(optionLabel("program", "technical_intern")),
		typeInto("#f-contract_months", "36"),
		typeInto("#f-first_month_earnings_jpy", "138000"),
		typeInto(`[id="f-agency.name"]`, "Công ty A (mẫu)"),
		keys(`[id="f-items.0.kind"]`, kb.ArrowDown, 1), // service fee
		typeInto(`[id="f-items.0.amount"]`, "150.000.000"),
		keys(`[id="f-items.1.kind"]`, kb.ArrowDown, 9), // deposit
		typeInto(`[id="f-items.1.amount"]`, "2000"),
		keys(`[id="f-items.1.currency"]`, kb.ArrowUp, 1), // VND -> USD
		typeInto(`[id="f-loan.amount"]`, "120000000"),
		typeInto(`[id="f-loan.outstanding"]`, "60000000"),
	)
	if st := navigation(t, ctx, "send the form without the wage", click(selFeeSubmit)); st != 422 {
		t.Fatalf("form without the wage answered %d, want 422", st)
	}
	var errTitle, wageErr, kept string
	step(t, ctx, "read the errors", waitVisible(selErrorSummary), text(selErrorSummary+" h2", &errTitle),
		text("#e-monthly_wage_jpy", &wageErr), chromedp.Value(`[id="f-items.0.amount"]`, &kept, chromedp.ByQuery))
	if errTitle != vi.T("error.title") || wageErr != vi.T("error.required") {
		t.Errorf("errors %q / %q, want Vietnamese %q / %q", errTitle, wageErr, vi.T("error.title"), vi.T("error.required"))
	}
	if kept != "150.000.000" {
		t.Errorf("after the error the amount is %q, want 150.000.000 kept", kept)
	}
	if got, _ := checkedValues(ctx, "origin_country"); !slices.Equal(got, []string{"VN"}) {
		t.Errorf("after the error origin %q, want VN kept", got)
	}
	axe("fee form with errors")

	// 3. With the wage: the result, with the receipt and the law explained.
	step(t, ctx, "write the wage", typeInto("#f-monthly_wage_jpy", "180000"))
	if st := navigation(t, ctx, "send the form", click(selFeeSubmit)); st != 200 {
		t.Fatalf("sending the form answered %d", st)
	}
	var receipt, reference, findings, pageURL string
	step(t, ctx, "read the result", waitVisible(selFindings), text(selReceipt, &receipt), text(selReference, &reference),
		text(selFindings, &findings), htmlLang(&lang), chromedp.Location(&pageURL))
	if !receiptGrouped.MatchString(receipt) || !strings.HasPrefix(reference, "FR-") || lang != "vi" {
		t.Fatalf("result: receipt %q, reference %q, lang %q", receipt, reference, lang)
	}
	for _, want := range []string{
		vi.T("fees.severity.violation"),
		vi.T("fees.rule.VN-GEN-SERVICE-FEE-36M"),
		vi.T("fees.rule.JP-TITP-PENALTY-DEPOSIT-PASSPORT"),
		"Law No. 69/2020/QH14",
	} {
		if !strings.Contains(findings, want) {
			t.Errorf("the findings do not say %q:\n%s", want, findings)
		}
	}
	if strings.Contains(pageURL, strings.ReplaceAll(receipt, " ", "")) {
		t.Errorf("the receipt is in the URL %s", pageURL)
	}
	axe("fee result")

	// 4. One tap: a grievance, with its own receipt.
	if st := navigation(t, ctx, "make it a grievance", click(selFeeGrievance)); st != 200 {
		t.Fatalf("making the grievance answered %d", st)
	}
	var caseRef, caseReceipt string
	step(t, ctx, "read the grievance receipt", waitVisible(selReceipt), text(selReference, &caseRef), text(selReceipt, &caseReceipt), htmlLang(&lang))
	if !strings.HasPrefix(caseRef, "RM-") || !receiptGrouped.MatchString(caseReceipt) || caseReceipt == receipt || lang != "vi" {
		t.Fatalf("grievance: reference %q, receipt %q, lang %q", caseRef, caseReceipt, lang)
	}
	axe("grievance receipt")
	rec, err := app.DB.CaseByReference(context.Background(), caseRef)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"recruitment.fees", "recruitment.debt", "recruitment.deposit"}; !slices.Equal(rec.Case.Categories, want) {
		t.Errorf("case categories %q, want %q", rec.Case.Categories, want)
	}
	rep, err := app.DB.FeeReportByReference(context.Background(), reference)
	if err != nil || rep.CaseID != rec.Case.ID {
		t.Errorf("report %s linked to case %d, want %d (%v)", reference, rep.CaseID, rec.Case.ID, err)
	}
	// The case page opens on this phone, as after any grievance.
	navigation(t, ctx, "open the case page", click(selOpenCase))
	step(t, ctx, "see the case page", waitVisible(selStatusNow))

	// 5. Later, back to the report with its receipt: it says which case it became.
	step(t, ctx, "open the report form", navigate(app.URL+"/fees/open"))
	axe("fee report open form")
	step(t, ctx, "type the report's receipt", typeInto(selFollowInput, receipt))
	if st := navigation(t, ctx, "open the report", click(`form[action="/fees/open"] button[type=submit]`)); st != 200 {
		t.Fatalf("opening the report answered %d", st)
	}
	var linked string
	step(t, ctx, "read the report", text("#case-ref", &linked))
	if !strings.Contains(linked, caseRef) {
		t.Errorf("the report says %q, want it to name case %s", linked, caseRef)
	}
	axe("fee report opened")
}

// TestFeePagesBudget measures the fee pages a worker sees in every
// language as a phone gets them: gzip HTML plus the stylesheet within the
// page budget, nothing loaded from elsewhere, no script. No browser.
func TestFeePagesBudget(t *testing.T) {
	app := stack.New(t, store.SQLite)
	first := newWireClient(t, app.URL).do("fee form", "GET", "/fees?lang=en", nil)
	m := cssHrefRE.FindStringSubmatch(first.html)
	if m == nil {
		t.Fatal("the fee form links no stylesheet")
	}
	css := newWireClient(t, app.URL).do("app.css", "GET", m[1], nil)
	grantRE := regexp.MustCompile(`name="grant" value="([^"]+)"`)
	form := func(lang string) url.Values {
		return url.Values{"language": {lang}, "rows": {"6"}, "origin_country": {"VN"}, "program": {"technical_intern"},
			"contract_months": {"36"}, "monthly_wage_jpy": {"180000"}, "first_month_earnings_jpy": {"138000"},
			"items.0.kind": {"service_fee"}, "items.0.amount": {"150000000"}, "items.0.currency": {"VND"},
			"items.1.kind": {"deposit"}, "items.1.amount": {"2000"}, "items.1.currency": {"USD"},
			"items.2.kind": {"brokerage"}, "items.2.amount": {"30000000"}, "items.2.currency": {"VND"},
			"loan_amount": {"120000000"}, "loan_currency": {"VND"}, "loan_outstanding": {"60000000"}}
	}
	for _, l := range i18n.Supported {
		t.Run(l.Code, func(t *testing.T) {
			c := newWireClient(t, app.URL)
			var pages []wirePage
			add := func(p wirePage, want int) wirePage {
				t.Helper()
				if p.status != want {
					t.Errorf("%s: status %d, want %d", p.name, p.status, want)
				}
				pages = append(pages, p)
				return p
			}
			add(c.do("fee form", "GET", "/fees?lang="+l.Code, nil), 200)
			bad := form(l.Code)
			bad.Del("monthly_wage_jpy")
			bad.Set("items.3.amount", "x")
			bad.Set("items.4.kind", "medical")
			add(c.do("fee form with errors", "POST", "/fees", bad), 422)
			more := form(l.Code)
			more.Set("more", "1")
			add(c.do("fee form with more rows", "POST", "/fees", more), 200)
			res := add(c.do("fee result", "POST", "/fees", form(l.Code)), 200)
			g := grantRE.FindStringSubmatch(res.html)
			if g == nil {
				t.Fatal("no grievance button on the result")
			}
			add(c.do("grievance receipt", "POST", "/fees/grievance", url.Values{"grant": {g[1]}}), 200)
			add(c.do("fee open form", "GET", "/fees/open", nil), 200)
			add(c.do("fee open with an error", "POST", "/fees/open", url.Values{"receipt": {"1234"}}), 401)
			for _, p := range pages {
				for _, problem := range originProblems(l.Code, p.html) {
					t.Errorf("%s: %s", p.name, problem)
				}
				if total := p.wire + css.wire; total > pageBudget {
					t.Errorf("%s: %d + %d = %d bytes gzip, over %d", p.name, p.wire, css.wire, total, pageBudget)
				}
			}
			big := slices.MaxFunc(pages, func(a, b wirePage) int { return a.wire - b.wire })
			t.Logf("%s largest: %s %d + %d bytes gzip (%d plain)", l.Code, big.name, big.wire, css.wire, len(big.html))
		})
		app.Clock.Advance(receiptWindow) // the wrong receipts of one language do not block the next
	}
}
