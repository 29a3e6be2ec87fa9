package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"remedy/internal/store"
	"remedy/internal/testutil/browser"
	"remedy/internal/testutil/stack"
)

// TestWorkerJourneyNoJSVietnamese is a Vietnamese worker on a phone without
// JavaScript: choose the language, tell what happened (first forgetting the
// story), keep the receipt, close the case page, come back with the
// receipt and answer in the thread. Everything is done with clicks and
// typing, as a person does it.
func TestWorkerJourneyNoJSVietnamese(t *testing.T) {
	ctx := browser.NewNoJS(t)
	app := stack.New(t, store.SQLite)
	vi := loadCatalogs(t).Printer("vi")

	const (
		narrative = "Công ty giữ hộ chiếu của tôi. Tôi không được trả lương ba tháng nay."
		reply     = "Tôi vẫn chưa nhận được hộ chiếu. Xin hãy giúp tôi."
	)
	ticked := []string{"wages.unpaid", "documents.retained"} // documents.retained is urgent

	// 1. The start page, then Vietnamese from the language switcher.
	step(t, ctx, "open the start page", navigate(app.URL+"/"))
	step(t, ctx, "open the language switcher", click("details.langs > summary"))
	if st := navigation(t, ctx, "choose Tiếng Việt", click(`details.langs a[hreflang="vi"]`)); st != 200 {
		t.Fatalf("the Vietnamese start page answered %d", st)
	}

	var lang, h1, url string
	step(t, ctx, "read the Vietnamese start page", htmlLang(&lang), text("main h1", &h1), chromedp.Location(&url))
	if lang != "vi" {
		t.Fatalf(`after choosing Tiếng Việt: <html lang=%q>, want "vi"`, lang)
	}
	if want := vi.T("intake.title"); h1 != want {
		t.Errorf("heading = %q, want vi intake.title %q", h1, want)
	}
	if !strings.Contains(url, "lang=vi") {
		t.Errorf("the switcher link led to %s, want ?lang=vi", url)
	}

	// 2. Everything but the story: the narrative holds only spaces, which
	// the browser's `required` check lets through (a truly empty field is
	// stopped by the browser before it is sent) and the server refuses.
	var actions chromedp.Tasks
	for _, code := range ticked {
		actions = append(actions, click(categoryLabel(code)))
	}
	actions = append(actions,
		typeInto(selNarrative, "   "),
		click(optionLabel("program", "technical_intern")),
		click(optionLabel("origin_country", "VN")),
		// Type-ahead on the closed <select>, as on a keyboard.
		typeInto(selPrefecture, "Osaka"),
	)
	step(t, ctx, "fill in the form without the story", actions)
	var pref string
	step(t, ctx, "read the chosen prefecture", chromedp.Value(selPrefecture, &pref, chromedp.ByQuery))
	if pref != "JP-27" {
		t.Fatalf("typing Osaka on the prefecture list chose %q, want JP-27", pref)
	}
	if st := navigation(t, ctx, "send the form without the story", click(selIntakeSubmit)); st != 422 {
		t.Errorf("the form without the story answered %d, want 422", st)
	}
	step(t, ctx, "see the error summary", waitVisible(selErrorSummary))

	var title, narrErr string
	step(t, ctx, "read the errors", text(selErrorSummary+" h2", &title), text("#e-narrative", &narrErr), htmlLang(&lang))
	if want := vi.T("error.title"); title != want {
		t.Errorf("error summary title = %q, want vi error.title %q", title, want)
	}
	if want := vi.T("error.required"); narrErr != want {
		t.Errorf("narrative error = %q, want vi error.required %q", narrErr, want)
	}
	if lang != "vi" {
		t.Errorf(`form shown again with <html lang=%q>, want "vi"`, lang)
	}
	var summaryLinks []*cdp.Node
	step(t, ctx, "read the error summary links", chromedp.Nodes(selErrorSummary+" a", &summaryLinks, chromedp.ByQueryAll))
	if len(summaryLinks) != 1 || summaryLinks[0].AttributeValue("href") != "#f-narrative" {
		var hrefs []string
		for _, n := range summaryLinks {
			hrefs = append(hrefs, n.AttributeValue("href"))
		}
		t.Errorf("error summary links = %q, want only #f-narrative", hrefs)
	}
	for _, check := range []struct {
		name string
		want []string
	}{
		{"categories", ticked},
		{"program", []string{"technical_intern"}},
		{"origin_country", []string{"VN"}},
	} {
		got, err := checkedValues(ctx, check.name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, check.want) {
			t.Errorf("after the error, checked %s = %q, want %q (kept from the first try)", check.name, got, check.want)
		}
	}
	step(t, ctx, "read the kept prefecture", chromedp.Value(selPrefecture, &pref, chromedp.ByQuery))
	if pref != "JP-27" {
		t.Errorf("after the error, prefecture = %q, want JP-27 kept", pref)
	}

	// 3. Now with the story.
	step(t, ctx, "write the story", typeInto(selNarrative, narrative))
	if st := navigation(t, ctx, "send the form", click(selIntakeSubmit)); st != 200 {
		t.Errorf("sending the form answered %d, want 200", st)
	}
	step(t, ctx, "see the receipt", waitVisible(selReceipt))

	var reference, receipt string
	var telPolice []*cdp.Node
	step(t, ctx, "read the receipt page",
		text(selReference, &reference), text(selReceipt, &receipt), chromedp.Location(&url), htmlLang(&lang),
		chromedp.Nodes(selUrgent+` a.call[href="tel:110"]`, &telPolice, chromedp.ByQueryAll, chromedp.AtLeast(0)))
	if !receiptGrouped.MatchString(receipt) {
		t.Fatalf("receipt on the page = %q, want 16 digits in groups of 4", receipt)
	}
	if reference == "" {
		t.Fatal("the receipt page shows no case reference")
	}
	if len(telPolice) == 0 {
		t.Error("urgent case: the receipt page has no tel:110 link in the urgent block")
	}
	if lang != "vi" {
		t.Errorf(`receipt page <html lang=%q>, want "vi"`, lang)
	}
	digits := strings.ReplaceAll(receipt, " ", "")
	for _, s := range []string{digits, receipt, strings.ReplaceAll(receipt, " ", "+"), strings.ReplaceAll(receipt, " ", "%20")} {
		if strings.Contains(url, s) {
			t.Errorf("the receipt is in the page URL %s", url)
		}
	}

	// 4. The case page, then close it on this phone.
	navigation(t, ctx, "open the case page", click(selOpenCase))
	step(t, ctx, "see the case page", waitVisible(selStatusNow))
	navigation(t, ctx, "close the case page", click(selCloseSession))
	step(t, ctx, "see the follow page", waitVisible(selFollowInput), chromedp.Location(&url))
	if !strings.HasSuffix(url, "/follow?closed=1") {
		t.Errorf("closing the case page led to %s, want /follow?closed=1", url)
	}
	var notice string
	step(t, ctx, "read the closed notice", text(selNotice, &notice))
	if want := vi.T("case.closed_session"); notice != want {
		t.Errorf("after closing: notice = %q, want vi case.closed_session %q", notice, want)
	}
	step(t, ctx, "try the case page after closing", navigate(app.URL+"/case"), chromedp.Location(&url))
	if !strings.HasSuffix(url, "/follow") {
		t.Errorf("after closing, /case led to %s, want /follow (session ended)", url)
	}

	// 5. Back with the receipt as it was shown, spaces and all.
	step(t, ctx, "type the receipt", typeInto(selFollowInput, receipt))
	navigation(t, ctx, "open the case with the receipt", click(selFollowSubmit))
	step(t, ctx, "see the case page", waitVisible(selStatusNow), chromedp.Location(&url))
	if !strings.HasSuffix(url, "/case") {
		t.Errorf("opening with the receipt led to %s, want /case", url)
	}
	var ref2, statusNow string
	step(t, ctx, "read the case page", text(selReference, &ref2), text(selStatusNow, &statusNow), htmlLang(&lang))
	if ref2 != reference {
		t.Errorf("case page reference = %q, want %q from the receipt page", ref2, reference)
	}
	if want := vi.T("status.received.now"); statusNow != want {
		t.Errorf("case status = %q, want vi status.received.now %q", statusNow, want)
	}
	if lang != "vi" {
		t.Errorf(`case page <html lang=%q>, want "vi"`, lang)
	}

	// 6. Answer in the thread.
	step(t, ctx, "write a reply", typeInto(selReplyBody, reply))
	navigation(t, ctx, "send the reply", click(selReplySubmit))
	step(t, ctx, "see the thread", waitVisible(selThread))
	var thread string
	step(t, ctx, "read the thread", text(selThread+" li.msg.worker p.body", &thread), text(selNotice, &notice))
	if thread != reply {
		t.Errorf("thread shows %q, want the reply %q", thread, reply)
	}
	if want := vi.T("case.reply.sent"); notice != want {
		t.Errorf("after sending: notice = %q, want vi case.reply.sent %q", notice, want)
	}
}
