package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"remedy/internal/i18n"
	"remedy/internal/store"
	"remedy/internal/testutil/browser"
	"remedy/internal/testutil/stack"
)

// cwWorkerBudget is the most a worker page may cost on the wire: gzip HTML
// plus gzip stylesheet (as internal/e2e's budget).
const cwWorkerBudget = 30 * 1024

var cwOrigin = map[string]string{"vi": "VN", "id": "ID", "km": "KH", "fil": "PH", "th": "TH", "my": "MM", "ne": "NP", "ja": "VN", "en": "PH"}

// cwCaseIn files a case in lang through the API and walks it, as staff,
// to "proposed" (two proposals waiting, two referrals) or "closed" (the
// feedback form); it returns the receipt.
func cwCaseIn(t *testing.T, s *stack.Stack, cast *cwCast, lang, state string) string {
	t.Helper()
	g := htGrievance(lang, "wages.unpaid", "documents.retained")
	g["origin_country"] = cwOrigin[lang]
	g["contact"] = map[string]any{"channel": "email", "value": "w@example.org", "name": "N"}
	c := htCreate(t, s, g)
	api := "/api/v1/cases/" + c.Reference
	post := func(u *stack.StaffUser, path string, body any, want int) htAPIResp {
		t.Helper()
		r := cwAPI(t, u, s, http.MethodPost, path, body)
		cwWant(t, r, want, path)
		return r
	}
	for _, to := range []string{"acknowledged", "in_review"} {
		post(cast.caseworker, api+"/transitions", map[string]any{"to": to}, http.StatusOK)
	}
	var ref struct{ ID int64 }
	post(cast.caseworker, api+"/referrals", map[string]any{"organization_id": cast.employer.ID, "note": "n"}, http.StatusCreated).decode(t, &ref)
	post(cast.caseworker, api+"/referrals", map[string]any{"organization_id": cast.agency.ID, "note": "n"}, http.StatusCreated)
	post(cast.empResponder, fmt.Sprintf("/api/v1/referrals/%d/acknowledge", ref.ID), map[string]any{"accept": true}, http.StatusOK)
	long := strings.Repeat("Back pay for September and October, with the overtime hours recorded on the time cards. ", 6)
	var m struct{ ID int64 }
	post(cast.empResponder, api+"/remedies", map[string]any{"type": "restitution", "amount": 480000, "currency": "JPY", "due_date": "2026-12-10", "description": long}, http.StatusCreated).decode(t, &m)
	post(cast.caseworker, api+"/remedies", map[string]any{"type": "non_repetition", "provider_organization_id": cast.employer.ID, "description": long}, http.StatusCreated)
	post(cast.caseworker, api+"/messages", map[string]any{"body": long}, http.StatusCreated)
	if state == "closed" {
		auth := []string{"Authorization", "Receipt " + c.Receipt}
		cwWant(t, htAPI(t, s, http.MethodPost, fmt.Sprintf("/api/v1/grievances/self/remedies/%d/decision", m.ID), map[string]any{"accept": true}, auth...), http.StatusOK, "accept")
		post(cast.caseworker, fmt.Sprintf("%s/remedies/%d/implemented", api, m.ID), map[string]any{"evidence": "seen"}, http.StatusOK)
		post(cast.caseworker, api+"/transitions", map[string]any{"to": "closed"}, http.StatusOK)
	}
	return c.Receipt
}

// cwGzipGet opens the case with the receipt and fetches /case in lang as a
// phone does, returning the compressed size and the page.
func cwGzipGet(t *testing.T, s *stack.Stack, receipt, path string) (int, string, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Jar: jar, Transport: tr}
	resp, err := c.PostForm(s.URL+"/follow", url.Values{"receipt": {receipt}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET %s: %d, encoding %q", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	u, _ := url.Parse(s.URL)
	token := ""
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "case_session" {
			token = ck.Value
		}
	}
	return len(raw), string(plain), token
}

// TestCaseworkWorkerPageBudget: the worker's case page with proposals,
// referrals, history and every form fits the worker-page budget in every
// language, loads nothing from elsewhere and runs no script.
func TestCaseworkWorkerPageBudget(t *testing.T) {
	s := stack.New(t, store.SQLite)
	cast := cwNewCast(t, s)
	css := cwGzipCSS(t, s)
	for _, l := range i18n.Supported {
		for _, state := range []string{"proposed", "closed"} {
			receipt := cwCaseIn(t, s, cast, l.Code, state)
			size, page, _ := cwGzipGet(t, s, receipt, "/case?lang="+l.Code)
			if total := size + css; total > cwWorkerBudget {
				t.Errorf("%s %s: %d + %d CSS = %d bytes gzip, over %d", l.Code, state, size, css, total, cwWorkerBudget)
			}
			if strings.Contains(strings.ToLower(page), "<script") {
				t.Errorf("%s %s: the page has a script", l.Code, state)
			}
			if !strings.Contains(page, `<html lang="`+l.Code+`"`) {
				t.Errorf("%s %s: not in %s", l.Code, state, l.Code)
			}
			t.Logf("%s %-8s %6d bytes gzip (+%d CSS; %d plain)", l.Code, state, size, css, len(page))
		}
	}
}

// cwGzipCSS returns the stylesheet's size on the wire.
func cwGzipCSS(t *testing.T, s *stack.Stack) int {
	t.Helper()
	r := htNewWorker(t, s).get("/")
	m := regexp.MustCompile(`href="(/static/app\.css[^"]*)"`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no stylesheet link")
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, s.URL+m[1], nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return len(raw)
}

// TestCaseworkWorkerPageAxe runs axe-core in Chromium on the worker's case
// page with proposals to decide, with the feedback form, and with the
// feedback form's errors, in every language.
func TestCaseworkWorkerPageAxe(t *testing.T) {
	ctx := browser.New(t)
	s := stack.New(t, store.SQLite)
	cast := cwNewCast(t, s)
	u, _ := url.Parse(s.URL)
	check := func(lang, page string) {
		t.Helper()
		if serious := browser.SeriousViolations(browser.Axe(t, ctx)); len(serious) > 0 {
			t.Errorf("%s %s: %s", lang, page, browser.FormatViolations(serious))
		}
	}
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Run(c, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	for _, l := range i18n.Supported {
		for _, state := range []string{"proposed", "closed"} {
			receipt := cwCaseIn(t, s, cast, l.Code, state)
			_, _, token := cwGzipGet(t, s, receipt, "/case")
			run("open the case page",
				network.SetCookie("case_session", token).WithDomain(u.Hostname()).WithPath("/").WithHTTPOnly(true),
				chromedp.Navigate(s.URL+"/case?lang="+l.Code),
				chromedp.WaitReady("main", chromedp.ByQuery))
			check(l.Code, "case page ("+state+")")
			if state == "closed" {
				run("send the feedback form empty",
					chromedp.Click("#feedback button[type=submit]", chromedp.ByQuery, chromedp.NodeVisible),
					chromedp.WaitVisible("#e-satisfaction", chromedp.ByQuery))
				check(l.Code, "case page (feedback errors)")
			}
		}
	}
}
