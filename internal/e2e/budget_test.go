package e2e

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
	"sort"
	"strings"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// pageBudget is the most a worker page may cost on the wire: its HTML plus
// the stylesheet, both gzip-compressed. On 2G (~50 kbit/s in practice)
// that is about five seconds.
const pageBudget = 30 * 1024

// wirePage is one response as it travelled: the compressed body's size and
// the decompressed HTML.
type wirePage struct {
	name     string
	status   int
	wire     int // body bytes on the wire (gzip)
	html     string
	location string // the final URL path and query, after redirects
}

// wireClient is a browser-like client that keeps cookies, asks for gzip
// and measures what arrives before decompressing it itself.
type wireClient struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func newWireClient(t *testing.T, base string) *wireClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// DisableCompression: the transport neither asks for gzip nor
	// decompresses, so the body read is exactly what was sent.
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &wireClient{t: t, base: base, hc: &http.Client{Jar: jar, Transport: tr}}
}

// do sends a GET (form nil) or a form POST and returns the page it ends on
// (redirects followed, as a browser does).
func (c *wireClient) do(name, method, path string, form url.Values) wirePage {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %s %s: %v", name, method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s: reading the body: %v", name, err)
	}
	if enc := resp.Header.Get("Content-Encoding"); enc != "gzip" {
		c.t.Fatalf("%s: Content-Encoding %q, want gzip (the budget counts compressed bytes)", name, enc)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		c.t.Fatalf("%s: body is not gzip: %v", name, err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		c.t.Fatalf("%s: decompressing: %v", name, err)
	}
	return wirePage{name: name, status: resp.StatusCode, wire: len(raw), html: string(plain), location: resp.Request.URL.RequestURI()}
}

// receiptWindow outlasts the server's window for counting wrong receipts.
const receiptWindow = 11 * time.Minute

var formTokenRE = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// formToken reads the intake form's hidden token, as a browser sends it.
func formToken(t *testing.T, p wirePage) string {
	t.Helper()
	m := formTokenRE.FindStringSubmatch(p.html)
	if m == nil {
		t.Fatalf("%s: no form_token in the intake form", p.name)
	}
	return m[1]
}

// workerPagesOverHTTP visits every worker page in lang as a browser would,
// submitting the forms, and returns them in order.
func workerPagesOverHTTP(t *testing.T, app *stack.Stack, lang string) []wirePage {
	c := newWireClient(t, app.URL)
	var pages []wirePage
	add := func(p wirePage, want int) wirePage {
		t.Helper()
		if p.status != want {
			t.Errorf("%s %s: HTTP status %d, want %d", lang, p.name, p.status, want)
		}
		pages = append(pages, p)
		return p
	}
	intake := func(token string, f url.Values) url.Values {
		f.Set("form_token", token)
		f.Set("language", lang)
		return f
	}

	form := add(c.do("intake form", "GET", "/?lang="+lang, nil), 200)
	add(c.do("intake form with errors", "POST", "/grievances", intake(formToken(t, form), url.Values{
		"narrative": {"  "}, "program": {"specified_skilled"}, "origin_country": {"ZZ"},
		"contact_channel": {"phone"}, "incident_date": {"2999-01-01"},
	})), 422)

	form = c.do("intake form", "GET", "/", nil)
	add(c.do("receipt page", "POST", "/grievances", intake(formToken(t, form), url.Values{
		"categories": {"wages.below_minimum"}, "narrative": {"My pay is below the minimum wage."},
		"program": {"specified_skilled"}, "origin_country": {"ZZ"}, "prefecture": {"JP-13"}, "contact_channel": {"none"},
	})), 200)

	form = c.do("intake form", "GET", "/", nil)
	urgent := add(c.do("receipt page (urgent)", "POST", "/grievances", intake(formToken(t, form), url.Values{
		"categories":      {"documents.retained", "movement.restricted", "threats"},
		"narrative":       {"They keep my passport and I cannot go out."},
		"program":         {"technical_intern"},
		"origin_country":  {originFor(lang)},
		"prefecture":      {"JP-23"},
		"contact_channel": {"none"},
	})), 200)
	if !strings.Contains(urgent.html, `class="urgent"`) {
		t.Errorf("%s: the urgent receipt page has no urgent block", lang)
	}

	// The thread: a caseworker's question and the worker's answer.
	ref := regexp.MustCompile(`id="reference">([^<]+)<`).FindStringSubmatch(urgent.html)
	if ref == nil {
		t.Fatalf("%s: no reference on the receipt page", lang)
	}
	rec, err := app.DB.CaseByReference(context.Background(), ref[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Intake.AddMessage(context.Background(), rec.Case.ID, grievance.AuthorStaff,
		"We have read your message. Are you safe now? Can you tell us the name of your supervising organisation?"); err != nil {
		t.Fatal(err)
	}
	cp := add(c.do("case page with messages", "POST", "/case/messages", url.Values{"body": {"Yes, I am safe for now. I will write the name tomorrow."}}), 200)
	if cp.location != "/case?done=message" {
		t.Errorf("%s: sending a message ended on %s, want /case?done=message", lang, cp.location)
	}
	add(c.do("follow page (session closed)", "POST", "/case/close", url.Values{}), 200)
	add(c.do("follow page", "GET", "/follow", nil), 200)
	add(c.do("follow page with an error", "POST", "/follow", url.Values{"receipt": {"1234 5678 1234 5678"}}), 401)
	app.Clock.Advance(receiptWindow) // see the same step in the axe test
	add(c.do("404 page", "GET", "/no-such-page", nil), 404)
	return pages
}

var (
	htmlLangRE = regexp.MustCompile(`<html\b[^>]*\blang="([^"]*)"`)
	tagRE      = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	// urlAttrRE finds the attributes that load or lead somewhere.
	urlAttrRE = regexp.MustCompile(`(?i)\s(src|href|action|formaction|srcset|poster|data|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
	classRE   = regexp.MustCompile(`\sclass="([^"]*)"`)
	scriptRE  = regexp.MustCompile(`(?i)<script\b`)
	cssHrefRE = regexp.MustCompile(`<link rel="stylesheet" href="(/static/app\.css[^"]*)"`)
	cssURLRE  = regexp.MustCompile(`(?i)url\(\s*['"]?\s*([^'")\s]+)|@import`)
	// leaveURL is the one link to another site: the quick exit.
	leaveURL = "https://www.wikipedia.org/"
)

// ownOrigin reports whether a URL attribute stays on this site: a path, a
// fragment, a query, a phone number to call, or inline data (data: loads
// nothing from anywhere).
func ownOrigin(v string) bool {
	v = strings.TrimSpace(v)
	switch {
	case strings.HasPrefix(v, "//"):
		return false
	case strings.HasPrefix(v, "/"), strings.HasPrefix(v, "#"), strings.HasPrefix(v, "?"):
		return true
	case strings.HasPrefix(strings.ToLower(v), "tel:"), strings.HasPrefix(strings.ToLower(v), "data:"):
		return true
	}
	// A relative path has no scheme.
	u, err := url.Parse(v)
	return err == nil && u.Scheme == "" && u.Host == ""
}

// originProblems checks that a page loads nothing from elsewhere, runs no
// script, links out only through the one quick exit, and says its
// language; it returns what is wrong.
func originProblems(lang, html string) []string {
	var out []string
	if m := htmlLangRE.FindStringSubmatch(html); m == nil {
		out = append(out, "no <html lang>")
	} else if m[1] != lang {
		out = append(out, fmt.Sprintf("<html lang=%q>, want %q", m[1], lang))
	}
	if loc := scriptRE.FindStringIndex(html); loc != nil {
		out = append(out, fmt.Sprintf("has a <script> tag: %.80s", html[loc[0]:]))
	}
	leaves := 0
	for _, tag := range tagRE.FindAllString(html, -1) {
		for _, m := range urlAttrRE.FindAllStringSubmatch(tag, -1) {
			v := m[2] + m[3] + m[4]
			if ownOrigin(v) {
				continue
			}
			class := ""
			if c := classRE.FindStringSubmatch(tag); c != nil {
				class = c[1]
			}
			if strings.HasPrefix(tag, "<a ") && strings.EqualFold(m[1], "href") && v == leaveURL &&
				strings.Contains(" "+class+" ", " leave ") {
				leaves++
				if !strings.Contains(tag, `rel="noreferrer"`) {
					out = append(out, "the leave link does not say rel=\"noreferrer\": "+tag)
				}
				continue
			}
			out = append(out, fmt.Sprintf("%s= points off our origin: %s", m[1], tag))
		}
	}
	if leaves != 1 {
		out = append(out, fmt.Sprintf("%d \"leave quickly\" links, want exactly 1", leaves))
	}
	return out
}

// TestOriginProblemsCatches makes sure the origin check of the budget test
// is not blind: each page here breaks one rule.
func TestOriginProblemsCatches(t *testing.T) {
	const leave = `<a class="leave" href="https://www.wikipedia.org/" rel="noreferrer">Leave</a>`
	ok := `<!doctype html><html lang="vi" dir="ltr"><link rel="stylesheet" href="/static/app.css?v=1">` + leave +
		`<a href="/follow">f</a><a href="?lang=en">en</a><a href="#main">s</a><a href="tel:110">110</a><svg><use href="#i-lock"/></svg></html>`
	if got := originProblems("vi", ok); len(got) != 0 {
		t.Fatalf("a clean page has problems: %q", got)
	}
	for name, page := range map[string]string{
		"wrong lang":        strings.Replace(ok, `lang="vi"`, `lang="en"`, 1),
		"no lang":           strings.Replace(ok, ` lang="vi"`, ``, 1),
		"script":            strings.Replace(ok, `</html>`, `<script src="/x.js"></script></html>`, 1),
		"inline script":     strings.Replace(ok, `</html>`, `<SCRIPT>1</SCRIPT></html>`, 1),
		"font elsewhere":    strings.Replace(ok, `/static/app.css?v=1`, `https://fonts.example/css`, 1),
		"protocol-relative": strings.Replace(ok, `</html>`, `<img src="//cdn.example/p.png"></html>`, 1),
		"single quotes":     strings.Replace(ok, `</html>`, `<img src='http://cdn.example/p.png'></html>`, 1),
		"form elsewhere":    strings.Replace(ok, `</html>`, `<form action="https://evil.example/"></form></html>`, 1),
		"other link out":    strings.Replace(ok, `</html>`, `<a href="https://example.org/">x</a></html>`, 1),
		"leave twice":       strings.Replace(ok, `</html>`, leave+`</html>`, 1),
		"no leave":          strings.Replace(ok, leave, ``, 1),
		"leave referrer":    strings.Replace(ok, ` rel="noreferrer"`, ``, 1),
	} {
		if got := originProblems("vi", page); len(got) == 0 {
			t.Errorf("%s: no problem found in %s", name, page)
		}
	}
}

// TestWorkerPageBudget measures every worker page in every language as a
// phone gets it: gzip HTML plus the gzip stylesheet must fit pageBudget.
// It also checks that no page loads anything from another origin or runs
// any script. No browser: this runs under -short too.
func TestWorkerPageBudget(t *testing.T) {
	app := stack.New(t, store.SQLite)

	// The stylesheet, as the pages link it.
	first := newWireClient(t, app.URL).do("intake form", "GET", "/?lang=en", nil)
	m := cssHrefRE.FindStringSubmatch(first.html)
	if m == nil {
		t.Fatalf("the intake form links no /static/app.css stylesheet")
	}
	css := newWireClient(t, app.URL).do("app.css", "GET", m[1], nil)
	if css.status != 200 {
		t.Fatalf("%s: HTTP status %d", m[1], css.status)
	}
	for _, u := range cssURLRE.FindAllStringSubmatch(css.html, -1) {
		if u[0] == "@import" || !ownOrigin(u[1]) {
			t.Errorf("app.css loads something from elsewhere: %q", u[0])
		}
	}
	t.Logf("app.css: %d bytes gzip (%d plain)", css.wire, len(css.html))

	type largest struct {
		lang  string
		page  wirePage
		pages []wirePage
	}
	var results []largest
	for _, lang := range i18n.Supported {
		t.Run(lang.Code, func(t *testing.T) {
			pages := workerPagesOverHTTP(t, app, lang.Code)
			var big wirePage
			for _, p := range pages {
				for _, problem := range originProblems(lang.Code, p.html) {
					t.Errorf("%s %s: %s", lang.Code, p.name, problem)
				}
				if total := p.wire + css.wire; total > pageBudget {
					t.Errorf("%s %s: %d bytes gzip HTML + %d bytes gzip CSS = %d, over the budget of %d",
						lang.Code, p.name, p.wire, css.wire, total, pageBudget)
				}
				if p.wire > big.wire {
					big = p
				}
			}
			results = append(results, largest{lang.Code, big, pages})
		})
	}

	t.Logf("largest worker page per language (gzip HTML + %d bytes gzip CSS; budget %d):", css.wire, pageBudget)
	for _, r := range results {
		t.Logf("  %-3s %-26s %6d + %d = %6d bytes (%4.1f KB, %d bytes plain HTML)",
			r.lang, r.page.name, r.page.wire, css.wire, r.page.wire+css.wire,
			float64(r.page.wire+css.wire)/1024, len(r.page.html))
	}
	// Every page's size in every language, for trends.
	byPage := map[string][]string{}
	var names []string
	for _, r := range results {
		for _, p := range r.pages {
			if _, ok := byPage[p.name]; !ok {
				names = append(names, p.name)
			}
			byPage[p.name] = append(byPage[p.name], fmt.Sprintf("%s %d", r.lang, p.wire))
		}
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("  %-26s %s", n, strings.Join(byPage[n], ", "))
	}
}
