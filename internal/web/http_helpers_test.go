package web_test

// Helpers of the HTTP tests (http_*_test.go). Every top-level name starts
// with "ht" so that it cannot collide with the other test files of package
// web_test.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"remedy/internal/i18n"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// htBundle is the message catalogs, read the way the product reads them,
// so tests compare pages with catalog values and never with copied text.
var htBundle = sync.OnceValues(i18n.Load)

// htT returns the catalog message key of lang, formatted with args.
func htT(t testing.TB, lang, key string, args ...any) string {
	t.Helper()
	b, err := htBundle()
	if err != nil {
		t.Fatalf("i18n.Load: %v", err)
	}
	return b.Printer(lang).T(key, args...)
}

// htStart is the stack clock's start (stack.New sets it).
var htStart = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// htJST formats t as the pages show times: in Japan.
func htJST(t time.Time) string {
	return t.In(time.FixedZone("JST", 9*3600)).Format("2006-01-02 15:04")
}

// htResp is an HTTP response read whole.
type htResp struct {
	Status int
	Header http.Header
	Body   string
}

// text is the body with HTML character references decoded, to look for
// catalog messages and typed values however the template escaped them.
func (r htResp) text() string { return html.UnescapeString(r.Body) }

// htWorker is one worker's browser: a cookie jar, no automatic redirects
// (tests assert them), and a record of every URL requested or sent in a
// Location header, so tests can check what never appears in a URL.
type htWorker struct {
	t      testing.TB
	s      *stack.Stack
	c      *http.Client
	accept string // Accept-Language sent unless a request sets its own
	mu     sync.Mutex
	urls   []string
}

func htNewWorker(t testing.TB, s *stack.Stack) *htWorker {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &htWorker{t: t, s: s, c: &http.Client{
		Jar:           jar,
		Timeout:       60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// htStack starts the application on SQLite and returns it with a worker.
func htStack(t testing.TB) (*stack.Stack, *htWorker) {
	t.Helper()
	s := stack.New(t, store.SQLite)
	return s, htNewWorker(t, s)
}

// do sends a request; header is a list of name, value pairs.
func (w *htWorker) do(method, path, contentType string, body []byte, header ...string) htResp {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, w.s.URL+path, rd)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if w.accept != "" {
		req.Header.Set("Accept-Language", w.accept)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	w.mu.Lock()
	w.urls = append(w.urls, req.URL.String())
	if loc := resp.Header.Get("Location"); loc != "" {
		w.urls = append(w.urls, loc)
	}
	w.mu.Unlock()
	return htResp{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

func (w *htWorker) get(path string, header ...string) htResp {
	w.t.Helper()
	return w.do(http.MethodGet, path, "", nil, header...)
}

// post sends form as application/x-www-form-urlencoded.
func (w *htWorker) post(path string, form url.Values, header ...string) htResp {
	w.t.Helper()
	return w.do(http.MethodPost, path, "application/x-www-form-urlencoded", []byte(form.Encode()), header...)
}

// redirected checks that r is a 303 to want (path and query) and follows it.
func (w *htWorker) redirected(r htResp, want string) htResp {
	w.t.Helper()
	if r.Status != http.StatusSeeOther {
		w.t.Fatalf("status %d, want 303 to %s; body:\n%s", r.Status, want, htSnippet(r.Body))
	}
	if loc := r.Header.Get("Location"); loc != want {
		w.t.Fatalf("Location %q, want %q", loc, want)
	}
	return w.get(want)
}

// cookie returns the value of the cookie name the jar would send, or "".
func (w *htWorker) cookie(name string) string {
	u, _ := url.Parse(w.s.URL + "/")
	for _, c := range w.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie into the jar, as a replayed or forged one.
func (w *htWorker) setCookie(name, value string) {
	u, _ := url.Parse(w.s.URL + "/")
	w.c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// seenURLs returns every URL requested and every Location received.
func (w *htWorker) seenURLs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.urls...)
}

// formToken opens the intake form (in the language its headers or cookie
// choose) and returns its form_token.
func (w *htWorker) formToken(header ...string) string {
	w.t.Helper()
	r := w.get("/", header...)
	if r.Status != http.StatusOK {
		w.t.Fatalf("GET /: status %d", r.Status)
	}
	tok, ok := htInputValue(r.Body, "form_token")
	if !ok || len(tok) < 16 {
		w.t.Fatalf("GET /: form_token %q (found %v)", tok, ok)
	}
	return tok
}

// htForm is a valid intake form in lang (a normal-risk case); pairs of
// name, value replace fields ("categories" may be given several times,
// and a value of "" with name "-x" deletes field x).
func htForm(token, lang string, fields ...string) url.Values {
	f := url.Values{
		"form_token":      {token},
		"language":        {lang},
		"categories":      {"wages.below_minimum"},
		"narrative":       {"My supervisor pays me 700 yen an hour."},
		"program":         {"technical_intern"},
		"origin_country":  {"VN"},
		"contact_channel": {"none"},
	}
	replaced := map[string]bool{}
	for i := 0; i+1 < len(fields); i += 2 {
		k, v := fields[i], fields[i+1]
		if name, ok := strings.CutPrefix(k, "-"); ok {
			delete(f, name)
			continue
		}
		if !replaced[k] {
			delete(f, k)
			replaced[k] = true
		}
		f[k] = append(f[k], v)
	}
	return f
}

// htCase is a case as its worker got it on the receipt page.
type htCase struct {
	Ref     string // RM-XXXX-XXXX
	Receipt string // 16 digits
	Shown   string // the receipt as the page shows it
	Page    htResp
}

var (
	htRefRE     = regexp.MustCompile(`id="reference">([^<]*)<`)
	htReceiptRE = regexp.MustCompile(`id="receipt">([^<]*)<`)
	htRefShape  = regexp.MustCompile(`^RM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)
	htGrouped   = regexp.MustCompile(`^[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}$`)
	htHTMLLang  = regexp.MustCompile(`<html lang="([^"]*)"`)
)

// submit posts the intake form and reads the receipt page.
func (w *htWorker) submit(form url.Values, header ...string) htCase {
	w.t.Helper()
	r := w.post("/grievances", form, header...)
	if r.Status != http.StatusOK {
		w.t.Fatalf("POST /grievances: status %d, want 200; body:\n%s", r.Status, htSnippet(r.Body))
	}
	return htReadReceipt(w.t, r)
}

func htReadReceipt(t testing.TB, r htResp) htCase {
	t.Helper()
	ref := htRefRE.FindStringSubmatch(r.Body)
	rec := htReceiptRE.FindStringSubmatch(r.Body)
	if ref == nil || rec == nil {
		t.Fatalf("receipt page without reference or receipt:\n%s", htSnippet(r.Body))
	}
	return htCase{Ref: ref[1], Receipt: htDigits(rec[1]), Shown: rec[1], Page: r}
}

// open opens a case with its receipt (and passphrase) at /follow and
// checks the redirect to /case.
func (w *htWorker) open(receipt, passphrase string) htResp {
	w.t.Helper()
	r := w.post("/follow", url.Values{"receipt": {receipt}, "passphrase": {passphrase}})
	return w.redirected(r, "/case")
}

// htDigits keeps the ASCII digits of s.
func htDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// htDashed writes a receipt as 1234-5678-9012-3456.
func htDashed(receipt string) string {
	return receipt[0:4] + "-" + receipt[4:8] + "-" + receipt[8:12] + "-" + receipt[12:16]
}

// htWrongReceipt returns a well-formed receipt that is not receipt.
func htWrongReceipt(receipt string) string {
	b := []byte(receipt)
	b[15] = '0' + (b[15]-'0'+1)%10
	return string(b)
}

func htCaseID(t testing.TB, s *stack.Stack, ref string) int64 {
	t.Helper()
	rec, err := s.DB.CaseByReference(context.Background(), ref)
	if err != nil {
		t.Fatalf("CaseByReference(%s): %v", ref, err)
	}
	return rec.Case.ID
}

func htCount(t testing.TB, s *stack.Stack) int {
	t.Helper()
	n, err := s.DB.CountCases(context.Background())
	if err != nil {
		t.Fatalf("CountCases: %v", err)
	}
	return n
}

func htToken(t testing.TB) string { return rand.Text() }

// htLang returns the lang attribute of the page's <html>.
func htLang(body string) string {
	m := htHTMLLang.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// htInputValue returns the decoded value of the first input named name.
func htInputValue(body, name string) (string, bool) {
	re := regexp.MustCompile(`<input[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*\bvalue="([^"]*)"`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}

// htTextarea returns the decoded content of the textarea named name.
func htTextarea(body, name string) (string, bool) {
	re := regexp.MustCompile(`(?s)<textarea[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</textarea>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}

// htChecked reports whether the checkbox or radio name=value is checked.
func htChecked(body, name, value string) bool {
	re := regexp.MustCompile(`<input[^>]*\bname="` + regexp.QuoteMeta(name) + `"\s+value="` +
		regexp.QuoteMeta(value) + `"[^>]*\schecked\b[^>]*>`)
	return re.MatchString(body)
}

// htCheckedAll lists the checked values of the checkboxes or radios name.
func htCheckedAll(body, name string) []string {
	re := regexp.MustCompile(`<input[^>]*\bname="` + regexp.QuoteMeta(name) + `"\s+value="([^"]*)"[^>]*\schecked\b[^>]*>`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// htSelected returns the selected option of the select named name.
func htSelected(body, name string) (string, bool) {
	re := regexp.MustCompile(`(?s)<select[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	opt := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[1])
	if opt == nil {
		return "", false
	}
	return html.UnescapeString(opt[1]), true
}

// htSnippet shortens a body for a failure message.
func htSnippet(s string) string {
	const max = 3000
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// htAPIResp is a JSON API response.
type htAPIResp struct {
	Status int
	Header http.Header
	Body   []byte
}

// htAPIError is the API's error body.
type htAPIError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field   string `json:"field"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

// htAPI calls the JSON API with a client without cookies. body is nil,
// []byte (sent as is) or a value to encode; header is name, value pairs.
func htAPI(t testing.TB, s *stack.Stack, method, path string, body any, header ...string) htAPIResp {
	t.Helper()
	r, err := htAPITry(s, method, path, body, header...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// htAPITry is htAPI for goroutines other than the test's: it returns
// errors instead of failing the test.
func htAPITry(s *stack.Stack, method, path string, body any, header ...string) (htAPIResp, error) {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			return htAPIResp{}, err
		}
	}
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return htAPIResp{}, err
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := &http.Client{Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		return htAPIResp{}, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return htAPIResp{}, err
	}
	return htAPIResp{Status: resp.StatusCode, Header: resp.Header, Body: out}, nil
}

// decode decodes the body into v, failing the test if it is not JSON.
func (r htAPIResp) decode(t testing.TB, v any) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json; body: %s", ct, r.Body)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// apiErr checks status and decodes an error body.
func (r htAPIResp) apiErr(t testing.TB, status int) htAPIError {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	var e htAPIError
	r.decode(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body without code or message: %s", r.Body)
	}
	return e
}

// htGrievance is a valid API submission (a normal-risk case).
func htGrievance(lang string, categories ...string) map[string]any {
	if len(categories) == 0 {
		categories = []string{"wages.below_minimum"}
	}
	return map[string]any{
		"language":       lang,
		"origin_country": "VN",
		"program":        "technical_intern",
		"categories":     categories,
		"narrative":      "They pay me less than the minimum wage.",
	}
}

// htCreated is the body of 201 from POST /api/v1/grievances.
type htCreated struct {
	Reference     string `json:"reference"`
	Receipt       string `json:"receipt"`
	Status        string `json:"status"`
	Risk          string `json:"risk"`
	AcknowledgeBy string `json:"acknowledge_by"`
}

// htCreate files a grievance through the API and checks the 201.
func htCreate(t testing.TB, s *stack.Stack, body any, header ...string) htCreated {
	t.Helper()
	r := htAPI(t, s, http.MethodPost, "/api/v1/grievances", body, header...)
	if r.Status != http.StatusCreated {
		t.Fatalf("POST /api/v1/grievances: status %d, want 201; body: %s", r.Status, r.Body)
	}
	var c htCreated
	r.decode(t, &c)
	return c
}

// htSelf is the body of GET /api/v1/grievances/self.
type htSelf struct {
	Reference     string `json:"reference"`
	Status        string `json:"status"`
	StatusText    string `json:"status_text"`
	NextStep      string `json:"next_step"`
	Risk          string `json:"risk"`
	Language      string `json:"language"`
	CreatedAt     string `json:"created_at"`
	AcknowledgeBy string `json:"acknowledge_by"`
	Messages      []struct {
		ID        int64  `json:"id"`
		Author    string `json:"author"`
		Body      string `json:"body"`
		CreatedAt string `json:"created_at"`
	} `json:"messages"`
}
