// Package e2e tests the worker pages end to end: the whole application
// (stack.New) on a loopback server, driven by headless Chromium through
// real clicks and typing (browser tests, skipped under -short), checked by
// axe-core in every language, and measured on the wire against the page
// budget for 2G phones (plain net/http, always runs).
//
// The package has test files only.
package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"remedy/internal/i18n"
)

// stepTimeout bounds one step of a browser test.
const stepTimeout = 30 * time.Second

// Selectors of the worker pages, in one place.
const (
	selNarrative    = "#f-narrative"
	selPrefecture   = "#f-prefecture"
	selChannel      = "#f-contact_channel"
	selIntakeSubmit = "#f-form button[type=submit]"
	selErrorSummary = "#errors"
	selReceipt      = "#receipt"
	selReference    = "#reference"
	selUrgent       = "section.urgent"
	selOpenCase     = `main a.btn.primary[href="/case"]`
	selFollowInput  = "#f-receipt"
	selFollowSubmit = `form[action="/follow"] button[type=submit]`
	selFollowError  = "#e-receipt"
	selStatusNow    = "#status-now"
	selReplyBody    = "#f-body"
	selReplySubmit  = `form[action="/case/messages"] button[type=submit]`
	selCloseSession = `form[action="/case/close"] button[type=submit]`
	selThread       = "ol.thread"
	selNotice       = "main p.ok"
)

// categoryLabel is the visible text of a category's label: clicking it
// ticks the checkbox the label wraps, as a worker's tap does.
func categoryLabel(code string) string {
	return fmt.Sprintf(`label.cat:has(input[name="categories"][value=%q]) > span`, code)
}

// optionLabel is the label of a radio button of the intake form.
func optionLabel(name, value string) string {
	return fmt.Sprintf(`label.opt:has(input[name=%q][value=%q])`, name, value)
}

// receiptGrouped is how the receipt page shows the receipt: 16 digits in
// groups of 4.
var receiptGrouped = regexp.MustCompile(`^[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}$`)

// loadCatalogs loads the message catalogs the pages are checked against.
func loadCatalogs(t testing.TB) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatalf("i18n.Load: %v", err)
	}
	return b
}

// step runs chromedp actions and stops the test with what was being done
// when they fail.
func step(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	// A wait that can never end (an element that never shows) fails this
	// step with a clear message instead of using up the browser's whole
	// time budget.
	stepCtx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Run(stepCtx, actions...); err != nil {
		var url string
		_ = chromedp.Run(ctx, chromedp.Location(&url))
		t.Fatalf("%s (page %s): %v", what, url, err)
	}
}

// navigation runs actions that lead to another page (a click on a link or a
// submit button), waits until that page has loaded and returns its HTTP
// status (after redirects). Waiting for the navigation itself, rather than
// for an element, cannot be fooled by the page being left.
func navigation(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action) int64 {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(stepCtx, actions...)
	if err != nil {
		var url string
		_ = chromedp.Run(ctx, chromedp.Location(&url))
		t.Fatalf("%s (page %s): %v", what, url, err)
	}
	if resp == nil {
		t.Fatalf("%s: no response for the new page", what)
	}
	return resp.Status
}

// navigate loads a page and waits until its main landmark is there.
func navigate(url string) chromedp.Action {
	return chromedp.Tasks{
		chromedp.Navigate(url),
		chromedp.WaitReady("main", chromedp.ByQuery),
	}
}

// click clicks the element (a real mouse event at its centre).
func click(sel string) chromedp.Action {
	return chromedp.Click(sel, chromedp.ByQuery, chromedp.NodeVisible)
}

// typeInto types text into a field, key by key.
func typeInto(sel, text string) chromedp.Action {
	return chromedp.SendKeys(sel, text, chromedp.ByQuery, chromedp.NodeVisible)
}

// waitVisible waits for an element of the page the previous click or
// submission leads to.
func waitVisible(sel string) chromedp.Action {
	return chromedp.WaitVisible(sel, chromedp.ByQuery)
}

// text reads an element's visible text, spaces trimmed.
func text(sel string, out *string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var s string
		if err := chromedp.Text(sel, &s, chromedp.ByQuery, chromedp.NodeReady).Do(ctx); err != nil {
			return err
		}
		*out = strings.TrimSpace(s)
		return nil
	})
}

// htmlLang reads <html lang>.
func htmlLang(out *string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var ok bool
		if err := chromedp.AttributeValue("html", "lang", out, &ok, chromedp.ByQuery).Do(ctx); err != nil {
			return err
		}
		if !ok {
			*out = "(no lang attribute)"
		}
		return nil
	})
}

// checkedValues reads the values of the checked inputs named name. It
// asks the DOM (the :checked state, not the attribute), with no page
// script involved.
func checkedValues(ctx context.Context, name string) ([]string, error) {
	var nodes []*cdp.Node
	sel := fmt.Sprintf(`input[name=%q]:checked`, name)
	// AtLeast(0): none checked is an answer, not something to wait for.
	if err := chromedp.Run(ctx, chromedp.Nodes(sel, &nodes, chromedp.ByQueryAll, chromedp.AtLeast(0))); err != nil {
		return nil, err
	}
	var out []string
	for _, n := range nodes {
		out = append(out, n.AttributeValue("value"))
	}
	return out, nil
}
