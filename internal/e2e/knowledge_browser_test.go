package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"remedy/internal/i18n"
	"remedy/internal/store"
	"remedy/internal/testutil/browser"
	"remedy/internal/testutil/stack"
)

// TestKnowledgePagesAxeEveryLanguage runs axe-core on /rights, every seed
// article and the help directory (as a worker fills in its filters) in
// every supported language, with page JavaScript switched off (the pages
// must work without it), and fails on any serious or critical violation.
func TestKnowledgePagesAxeEveryLanguage(t *testing.T) {
	ctx := browser.NewNoJS(t)
	started := time.Now()
	app := stack.New(t, store.SQLite)
	paths := knowledgePaths(t)
	bundle := loadCatalogs(t)
	minor := map[string]int{}
	for _, lang := range i18n.Supported {
		if time.Since(started) > browser.Timeout/2 {
			ctx, started = browser.NewNoJS(t), time.Now()
		}
		t.Run(lang.Code, func(t *testing.T) {
			check := func(page string) {
				t.Helper()
				var got string
				step(t, ctx, "read <html lang> of "+page, htmlLang(&got))
				if got != lang.Code {
					t.Errorf("%s: <html lang=%q>", page, got)
				}
				all := browser.Axe(t, ctx)
				if serious := browser.SeriousViolations(all); len(serious) > 0 {
					t.Errorf("%s %s: %s", lang.Code, page, browser.FormatViolations(serious))
				}
				for _, v := range all {
					if v.Impact != "serious" && v.Impact != "critical" {
						minor[v.ID+" ("+v.Impact+")"]++
					}
				}
			}
			step(t, ctx, "open /rights", navigate(app.URL+"/rights?lang="+lang.Code))
			check("/rights")
			// A worker follows the first article link, then the footer
			// link back.
			wantStatus(t, "first article", 200, navigation(t, ctx, "open the first article", click(`main ul.calls a.opt`)))
			check("first article")
			for _, p := range paths {
				step(t, ctx, "open "+p, navigate(app.URL+p))
				check(p)
			}
			// The directory's filters, chosen as a worker would (no
			// script: the form is sent with its button).
			step(t, ctx, "open /help", navigate(app.URL+"/help"))
			step(t, ctx, "choose Cambodia and Khmer",
				chromedp.SetValue("#f-country", "KH", chromedp.ByQuery),
				chromedp.SetValue("#f-language", "km", chromedp.ByQuery))
			wantStatus(t, "filtered help", 200, navigation(t, ctx, "show", click(`form[action="/help"] button[type=submit]`)))
			var loc string
			step(t, ctx, "read the address", chromedp.Location(&loc))
			if !strings.Contains(loc, "country=KH") || !strings.Contains(loc, "language=km") {
				t.Errorf("filters not in the address: %s", loc)
			}
			var calls []*cdp.Node
			step(t, ctx, "read the phone links", chromedp.Nodes(`main a[href^="tel:"]`, &calls, chromedp.ByQueryAll))
			found := false
			for _, n := range calls {
				found = found || n.AttributeValue("href") == "tel:0354128521"
			}
			if !found {
				t.Errorf("filtered /help has no call link to the Cambodian embassy (%d links)", len(calls))
			}
			var h1 string
			step(t, ctx, "read the heading", text("main h1", &h1))
			if want := bundle.Printer(lang.Code).T("knowledge.help.title"); h1 != want {
				t.Errorf("/help heading %q, want %q", h1, want)
			}
			check("/help filtered")
		})
	}
	for rule, n := range minor {
		t.Logf("axe, not serious: %s on %d page(s)", rule, n)
	}
}
