package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/browser"
	"remedy/internal/testutil/stack"
)

// TestCorridorPagesAxe runs axe-core on the public pages of the corridor
// (dashboard, registry, agency page, review form, the review form with an
// error) in every language, without JavaScript, and fails on any serious
// or critical violation. Skipped under -short.
func TestCorridorPagesAxe(t *testing.T) {
	ctx := browser.NewNoJS(t)
	s := stack.New(t, store.SQLite)
	raw := rcRaw(t, s)
	a := rcAgency(t, s, "Công ty Nhân lực Sao Mai", "VN", "123/GP", org.SendingAgency)
	for i := range 7 {
		rcInsert(t, raw, rcReport{origin: "VN", sex: []string{"female", "male"}[i%2], occupation: "construction", agency: a.Org.ID,
			cost: int64(400000 + 50000*i), earnings: 150000, rules: []string{"VN-BROKERAGE-BAN"},
			items: map[string]int64{"service_fee": 300000, "brokerage": 100000}})
	}
	rcInsert(t, raw, rcReport{origin: "KH", cost: 500000, earnings: 140000})
	pages := []struct{ name, path string }{
		{"dashboard", "/corridor"},
		{"dashboard (Viet Nam)", "/corridor?origin=VN&program=technical_intern"},
		{"registry", "/registry?q=nhan+luc"},
		{"agency", fmt.Sprintf("/agencies/%d", a.Org.ID)},
		{"review form", fmt.Sprintf("/agencies/%d/review", a.Org.ID)},
	}
	for _, l := range i18n.Supported {
		for _, pg := range pages {
			sep := "?"
			if strings.Contains(pg.path, "?") {
				sep = "&"
			}
			if err := chromedp.Run(ctx, chromedp.Navigate(s.URL+pg.path+sep+"lang="+l.Code)); err != nil {
				t.Fatalf("%s %s: %v", l.Code, pg.name, err)
			}
			if v := browser.SeriousViolations(browser.Axe(t, ctx)); len(v) > 0 {
				t.Errorf("%s %s: %s", l.Code, pg.name, browser.FormatViolations(v))
			}
		}
		// The review form sent with a wrong receipt and no rating.
		if err := chromedp.Run(ctx,
			chromedp.SendKeys("#f-receipt", "1234 5678 9012 3456", chromedp.ByQuery),
			chromedp.Submit("#f-receipt", chromedp.ByQuery),
			chromedp.WaitVisible("#e-receipt", chromedp.ByQuery),
		); err != nil {
			t.Fatalf("%s review form with an error: %v", l.Code, err)
		}
		if v := browser.SeriousViolations(browser.Axe(t, ctx)); len(v) > 0 {
			t.Errorf("%s review form with an error: %s", l.Code, browser.FormatViolations(v))
		}
	}
}
