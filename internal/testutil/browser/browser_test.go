package browser_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"remedy/internal/testutil/browser"
)

const (
	badPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bad form</title></head>
<body><main><h1>Search</h1>
<form action="/search"><input type="text" name="q"><button type="submit">Search</button></form>
</main></body></html>`

	cleanPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clean form</title></head>
<body><main><h1>Search</h1>
<form action="/search"><label for="q">Search terms</label><input type="text" id="q" name="q">
<button type="submit">Search</button></form>
</main></body></html>`

	scriptPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>original</title></head>
<body><main><h1>Script</h1><p id="p">static</p>
<script>document.title = "changed by script"; document.getElementById("p").textContent = "dynamic";</script>
</main></body></html>`
)

func server(t *testing.T) *httptest.Server {
	t.Helper()
	pages := map[string]string{"/bad": badPage, "/clean": cleanPage, "/script": scriptPage}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func ids(v []browser.Violation) []string {
	var out []string
	for _, x := range v {
		out = append(out, x.ID)
	}
	return out
}

func hasID(v []browser.Violation, id string) bool {
	for _, x := range v {
		if x.ID == id {
			return true
		}
	}
	return false
}

func TestAxeFindsMissingLabel(t *testing.T) {
	srv := server(t)
	ctx := browser.New(t)
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/bad")); err != nil {
		t.Fatal(err)
	}
	v := browser.Axe(t, ctx)
	if !hasID(v, "label") {
		t.Fatalf("axe did not report the missing label; got %v", ids(v))
	}
	serious := browser.SeriousViolations(v)
	if !hasID(serious, "label") {
		t.Fatalf("missing label should be serious or critical; got %s", browser.FormatViolations(v))
	}
	for _, x := range v {
		if x.ID == "label" && (len(x.Nodes) == 0 || !strings.Contains(x.Nodes[0], "input")) {
			t.Errorf("label violation should name the input; nodes: %q", x.Nodes)
		}
	}
}

func TestAxeCleanPage(t *testing.T) {
	srv := server(t)
	ctx := browser.New(t)
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/clean")); err != nil {
		t.Fatal(err)
	}
	if s := browser.SeriousViolations(browser.Axe(t, ctx)); len(s) != 0 {
		t.Fatalf("clean page: %s", browser.FormatViolations(s))
	}
	// Running it twice on one page reuses the injected axe.
	browser.AssertNoSeriousViolations(t, ctx, "clean page")
}

func TestNoJSDisablesScripts(t *testing.T) {
	srv := server(t)

	// Control: with JavaScript the inline script changes the title, so the
	// no-JS assertion below is meaningful.
	jsCtx := browser.New(t)
	var title string
	if err := chromedp.Run(jsCtx, chromedp.Navigate(srv.URL+"/script"), chromedp.Title(&title)); err != nil {
		t.Fatal(err)
	}
	if title != "changed by script" {
		t.Fatalf("with JavaScript: title = %q, want the script's %q", title, "changed by script")
	}

	ctx := browser.NewNoJS(t)
	var text string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/script"),
		chromedp.Title(&title),
		chromedp.Text("#p", &text, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if title != "original" || text != "static" {
		t.Fatalf("without JavaScript: title = %q, text = %q; want %q, %q (the inline script ran)", title, text, "original", "static")
	}

	// Scripts stay disabled across navigations on that tab.
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/script?again"), chromedp.Title(&title)); err != nil {
		t.Fatal(err)
	}
	if title != "original" {
		t.Fatalf("second navigation without JavaScript: title = %q", title)
	}
}

func TestAxeWorksWithoutJS(t *testing.T) {
	srv := server(t)
	ctx := browser.NewNoJS(t)
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/bad")); err != nil {
		t.Fatal(err)
	}
	if v := browser.Axe(t, ctx); !hasID(v, "label") {
		t.Fatalf("axe on a no-JS tab did not report the missing label; got %v", ids(v))
	}

	// Running axe on a page whose inline script was skipped does not run
	// that script afterwards, and scripts stay disabled for later pages.
	var title, text string
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/script")); err != nil {
		t.Fatal(err)
	}
	browser.AssertNoSeriousViolations(t, ctx, "script page without JS")
	if err := chromedp.Run(ctx, chromedp.Title(&title), chromedp.Text("#p", &text, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if title != "original" || text != "static" {
		t.Fatalf("after running axe, the page script ran: title = %q, text = %q", title, text)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/script?after-axe"), chromedp.Title(&title)); err != nil {
		t.Fatal(err)
	}
	if title != "original" {
		t.Fatalf("after running axe, scripts are enabled again on the tab: title = %q", title)
	}
}

// Runs under -short: no browser needed.
func TestSeriousViolationsAndFormat(t *testing.T) {
	v := []browser.Violation{
		{ID: "a", Impact: "minor", Help: "minor thing"},
		{ID: "b", Impact: "serious", Help: "serious thing", Nodes: []string{"n1", "n2", "n3", "n4", "n5"}},
		{ID: "c", Impact: "critical", Help: "critical thing", Nodes: []string{"x"}},
		{ID: "d", Impact: "moderate"},
		{ID: "e", Impact: ""},
	}
	s := browser.SeriousViolations(v)
	if got := strings.Join(ids(s), ","); got != "b,c" {
		t.Fatalf("SeriousViolations = %s, want b,c", got)
	}
	msg := browser.FormatViolations(s)
	for _, want := range []string{"2 accessibility violation(s)", "b (serious): serious thing", "n3", "and 2 more", "c (critical): critical thing"} {
		if !strings.Contains(msg, want) {
			t.Errorf("FormatViolations missing %q in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "n4") {
		t.Errorf("FormatViolations should list only the first nodes:\n%s", msg)
	}
}
