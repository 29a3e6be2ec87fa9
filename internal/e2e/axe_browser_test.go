package e2e

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/store"
	"remedy/internal/testutil/browser"
	"remedy/internal/testutil/stack"
)

// TestWorkerPagesAxeEveryLanguage runs axe-core on every page a worker can
// see, in every supported language, and fails on any serious or critical
// violation. Pages behind a POST (validation errors, receipts, a wrong
// receipt) are reached by really filling in and submitting the forms.
//
// One browser and one tab serve the languages in turn (each starts with
// ?lang=, then the cookie keeps it), to stay fast. Everything done with one
// browser must end within browser.Timeout, so on a slow machine a fresh
// browser takes over once half of that is used.
//
// Violations below serious are not failures; they are listed in the log.
func TestWorkerPagesAxeEveryLanguage(t *testing.T) {
	ctx := browser.New(t)
	started := time.Now()
	app := stack.New(t, store.SQLite)
	bundle := loadCatalogs(t)
	start := time.Now()
	minor := map[string][]string{} // rule (impact) -> pages
	for _, lang := range i18n.Supported {
		if time.Since(started) > browser.Timeout/2 {
			t.Logf("starting a fresh browser for %s (the first one has run %s)", lang.Code, time.Since(started).Round(time.Second))
			ctx, started = browser.New(t), time.Now()
		}
		t.Run(lang.Code, func(t *testing.T) {
			axeWorkerPages(t, ctx, app, bundle.Printer(lang.Code), lang.Code, minor)
		})
	}
	t.Logf("%d languages checked in %s", len(i18n.Supported), time.Since(start).Round(time.Millisecond))
	rules := make([]string, 0, len(minor))
	for r := range minor {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		t.Logf("axe, not serious: %s on %d page(s), e.g. %s", r, len(minor[r]), minor[r][0])
	}
}

func axeWorkerPages(t *testing.T, ctx context.Context, app *stack.Stack, p *i18n.Printer, lang string, minor map[string][]string) {
	check := func(page string) {
		t.Helper()
		var got string
		step(t, ctx, "read <html lang> of "+page, htmlLang(&got))
		if got != lang {
			t.Errorf("%s: <html lang=%q>, want %q", page, got, lang)
		}
		// As browser.AssertNoSeriousViolations, with one axe run that also
		// gives the lesser violations for the log.
		all := browser.Axe(t, ctx)
		if serious := browser.SeriousViolations(all); len(serious) > 0 {
			t.Errorf("%s %s: %s", lang, page, browser.FormatViolations(serious))
		}
		for _, v := range all {
			if v.Impact != "serious" && v.Impact != "critical" {
				key := v.ID + " (" + v.Impact + ")"
				minor[key] = append(minor[key], fmt.Sprintf("%s %s: %v", lang, page, v.Nodes))
			}
		}
	}

	// The intake form, in the language chosen with ?lang= (kept by cookie
	// for every later page).
	step(t, ctx, "open the intake form", navigate(app.URL+"/?lang="+lang))
	check("intake form")

	// The intake form with errors: no category, a story of spaces only,
	// and "phone" chosen without a number.
	step(t, ctx, "fill in the form with mistakes",
		typeInto(selNarrative, "  "),
		click(optionLabel("program", "specified_skilled")),
		click(optionLabel("origin_country", "ZZ")),
		typeInto(selChannel, kb.ArrowDown), // none -> phone
	)
	wantStatus(t, "intake form with errors", 422, navigation(t, ctx, "send the form with mistakes", click(selIntakeSubmit)))
	step(t, ctx, "see the errors", waitVisible(selErrorSummary))
	var links []*cdp.Node
	step(t, ctx, "read the error summary", chromedp.Nodes(selErrorSummary+" a", &links, chromedp.ByQueryAll))
	if len(links) != 3 {
		t.Errorf("intake form with errors: %d errors in the summary, want 3 (categories, narrative, contact value)", len(links))
	}
	check("intake form with errors")

	// Fixed: a normal-risk case, and its receipt.
	step(t, ctx, "correct the form",
		click(categoryLabel("wages.below_minimum")),
		typeInto(selNarrative, "My pay is below the minimum wage."),
		typeInto(selChannel, kb.ArrowUp), // phone -> none
	)
	wantStatus(t, "receipt page", 200, navigation(t, ctx, "send the corrected form", click(selIntakeSubmit)))
	step(t, ctx, "see the receipt", waitVisible(selReceipt))
	var urgent []*cdp.Node
	step(t, ctx, "look for the urgent block", chromedp.Nodes(selUrgent, &urgent, chromedp.ByQueryAll, chromedp.AtLeast(0)))
	if len(urgent) != 0 {
		t.Errorf("normal case: the receipt page shows the urgent block")
	}
	check("receipt page")

	// An urgent case: the receipt page with the emergency numbers.
	step(t, ctx, "fill in an urgent case",
		navigate(app.URL+"/"),
		click(categoryLabel("documents.retained")),
		click(categoryLabel("movement.restricted")),
		typeInto(selNarrative, "They keep my passport and I cannot go out."),
		click(optionLabel("program", "technical_intern")),
		click(optionLabel("origin_country", originFor(lang))),
	)
	wantStatus(t, "urgent receipt page", 200, navigation(t, ctx, "send the urgent case", click(selIntakeSubmit)))
	step(t, ctx, "see the urgent block", waitVisible(selUrgent))
	check("receipt page (urgent)")

	// The case page with messages from both sides.
	var reference string
	step(t, ctx, "read the reference", text(selReference, &reference))
	wantStatus(t, "case page", 200, navigation(t, ctx, "open the case page", click(selOpenCase)))
	rec, err := app.DB.CaseByReference(context.Background(), reference)
	if err != nil {
		t.Fatalf("case %s: %v", reference, err)
	}
	if _, err := app.Intake.AddMessage(context.Background(), rec.Case.ID, grievance.AuthorStaff, "We have read your message. Are you safe now?"); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "write an answer", typeInto(selReplyBody, "Yes, I am safe for now."))
	wantStatus(t, "case page with messages", 200, navigation(t, ctx, "send the answer", click(selReplySubmit)))
	var msgs []*cdp.Node
	step(t, ctx, "read the thread", chromedp.Nodes(selThread+" li.msg", &msgs, chromedp.ByQueryAll))
	if len(msgs) != 2 {
		t.Errorf("case page: %d messages in the thread, want 2", len(msgs))
	}
	check("case page with messages")

	// Closing the case page leads to /follow with a notice.
	wantStatus(t, "follow page (session closed)", 200, navigation(t, ctx, "close the case page", click(selCloseSession)))
	step(t, ctx, "see the notice", waitVisible(selNotice), waitVisible(selFollowInput))
	check("follow page (session closed)")

	step(t, ctx, "open /follow", navigate(app.URL+"/follow"))
	check("follow page")

	// A wrong receipt.
	step(t, ctx, "type a wrong receipt", typeInto(selFollowInput, "1234 5678 1234 5678"))
	wantStatus(t, "follow page with an error", 401, navigation(t, ctx, "open with a wrong receipt", click(selFollowSubmit)))
	step(t, ctx, "see the error", waitVisible(selFollowError))
	check("follow page with an error")
	// Wrong receipts are limited per client (10 per 10 minutes by
	// default); let the window pass so the next language gets a 401 too.
	app.Clock.Advance(receiptWindow)

	wantStatus(t, "404 page", 404, navigation(t, ctx, "open a page that does not exist", chromedp.Navigate(app.URL+"/no-such-page")))
	var h1 string
	step(t, ctx, "read the 404 heading", text("main h1", &h1))
	if want := p.T("page.not_found.title"); h1 != want {
		t.Errorf("404 page heading = %q, want %q", h1, want)
	}
	check("404 page")
}

func wantStatus(t *testing.T, page string, want int, got int64) {
	t.Helper()
	if got != int64(want) {
		t.Errorf("%s: HTTP status %d, want %d", page, got, want)
	}
}

// originFor picks the country whose emergency contacts the urgent receipt
// shows for a language (so that the embassy block varies too).
func originFor(lang string) string {
	switch lang {
	case "vi":
		return "VN"
	case "id":
		return "ID"
	case "km":
		return "KH"
	case "fil":
		return "PH"
	case "th":
		return "TH"
	case "my":
		return "MM"
	case "ne":
		return "NP"
	}
	return "ZZ"
}
