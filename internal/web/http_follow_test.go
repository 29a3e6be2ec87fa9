package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHTTPFollowForm(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	tests := []struct {
		path       string
		wantNotice bool
	}{
		{"/follow", false},
		{"/follow?closed=1", true},
	}
	for _, tt := range tests {
		r := w.get(tt.path, "Accept-Language", "ne")
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: status %d", tt.path, r.Status)
		}
		text := r.text()
		for _, key := range []string{"follow.title", "follow.intro", "follow.receipt.label", "follow.passphrase.label", "follow.lost"} {
			if !strings.Contains(text, htT(t, "ne", key)) {
				t.Errorf("GET %s lacks %s", tt.path, key)
			}
		}
		if got := strings.Contains(text, htT(t, "ne", "case.closed_session")); got != tt.wantNotice {
			t.Errorf("GET %s: closed notice shown %v, want %v", tt.path, got, tt.wantNotice)
		}
		if !strings.Contains(r.Body, `action="/follow"`) || !strings.Contains(r.Body, `method="post"`) {
			t.Errorf("GET %s: no form posting to /follow (a GET form would put the receipt in the URL)", tt.path)
		}
	}
}

func TestHTTPFollowOpensCase(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	c := w.submit(htForm(w.formToken(), "en"))
	tests := []struct {
		name    string
		receipt string
	}{
		{"digits", c.Receipt},
		{"grouped with spaces", c.Shown},
		{"dashes", htDashed(c.Receipt)},
		{"spaces around and inside", "  " + c.Receipt[:8] + "  " + c.Receipt[8:] + " "},
		{"full-width digits", strings.Map(func(r rune) rune { return r - '0' + '０' }, c.Receipt)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := htNewWorker(t, s)
			r := w.post("/follow", url.Values{"receipt": {tt.receipt}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/case" {
				t.Fatalf("POST /follow: %d to %q, want 303 to /case; body:\n%s", r.Status, r.Header.Get("Location"), htSnippet(r.Body))
			}
			if w.cookie("case_session") == "" {
				t.Fatal("no worker session cookie after opening the case")
			}
			var sess *http.Cookie
			for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
				if ck.Name == "case_session" {
					sess = ck
				}
			}
			if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteStrictMode || sess.Path != "/" {
				t.Errorf("session cookie %+v, want HttpOnly, SameSite=Strict, Path=/", sess)
			}
			if strings.Contains(htDigits(sess.Value), c.Receipt) {
				t.Error("session cookie carries the receipt")
			}
			cp := w.get("/case")
			if cp.Status != http.StatusOK || !strings.Contains(cp.Body, c.Ref) {
				t.Fatalf("GET /case: status %d; reference shown %v", cp.Status, strings.Contains(cp.Body, c.Ref))
			}
		})
	}
}

func TestHTTPFollowWrongReceipt(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	c := w.submit(htForm(w.formToken(), "en"))
	tests := []struct {
		name    string
		receipt string
		lang    string
	}{
		{"another receipt", htWrongReceipt(c.Receipt), "en"},
		{"too short", c.Receipt[:15], "vi"},
		{"too long", c.Receipt + "1", "en"},
		{"letters", "1234 abcd 5678 efgh", "km"},
		{"empty", "", "en"},
		{"markup", `"><script>alert(1)</script>`, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := htNewWorker(t, s)
			r := w.post("/follow", url.Values{"receipt": {tt.receipt}}, "Accept-Language", tt.lang)
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", r.Status)
			}
			if got := htLang(r.Body); got != tt.lang {
				t.Errorf("lang %q, want %q", got, tt.lang)
			}
			// One generic answer, whatever was wrong.
			if want := htT(t, tt.lang, "error.unauthorized"); !strings.Contains(r.text(), want) {
				t.Errorf("page lacks the generic %q", want)
			}
			if got, ok := htInputValue(r.Body, "receipt"); !ok || got != tt.receipt {
				t.Errorf("typed receipt back as %q (found %v), want %q", got, ok, tt.receipt)
			}
			if strings.Contains(r.Body, "<script>") {
				t.Error("typed text is not escaped")
			}
			if w.cookie("case_session") != "" {
				t.Error("a wrong receipt opened a session")
			}
			if r.Header.Get("Retry-After") != "" {
				t.Error("Retry-After on a plain wrong try")
			}
			if g := w.get("/case"); g.Status != http.StatusSeeOther {
				t.Errorf("GET /case after a wrong receipt: %d, want 303 to /follow", g.Status)
			}
		})
	}
}

func TestHTTPFollowBadRequests(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	tests := []struct {
		name string
		body string
	}{
		{"malformed encoding", "receipt=%zz"},
		{"body over 64 KB", "receipt=" + strings.Repeat("1", 70<<10)},
	}
	for _, tt := range tests {
		r := w.do(http.MethodPost, "/follow", "application/x-www-form-urlencoded", []byte(tt.body), "Accept-Language", "th")
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tt.name, r.Status)
			continue
		}
		if got := htLang(r.Body); got != "th" {
			t.Errorf("%s: lang %q, want th", tt.name, got)
		}
		if !strings.Contains(r.text(), htT(t, "th", "page.error.title")) {
			t.Errorf("%s: no translated error title", tt.name)
		}
	}
}

// TestHTTPFollowRateLimit: after 10 wrong tries from one client within 10
// minutes, every try is refused, even with the right receipt, on the pages
// and the API alike, until the window has passed.
func TestHTTPFollowRateLimit(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	c := w.submit(htForm(w.formToken(), "vi"))
	wrong := htWrongReceipt(c.Receipt)

	guesser := htNewWorker(t, s)
	for i := range 10 {
		if i%2 == 0 {
			r := guesser.post("/follow", url.Values{"receipt": {wrong}})
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("wrong try %d on /follow: status %d, want 401", i+1, r.Status)
			}
		} else {
			r := htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, "Authorization", "Receipt "+wrong)
			r.apiErr(t, http.StatusUnauthorized)
		}
	}

	// The 11th try, with the right receipt, is refused.
	r := guesser.post("/follow", url.Values{"receipt": {c.Shown}}, "Accept-Language", "vi")
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("11th try (right receipt): status %d, want 429", r.Status)
	}
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs <= 0 || secs > 601 {
		t.Fatalf("Retry-After %q, want seconds in (0, 601]", r.Header.Get("Retry-After"))
	}
	mins := (secs + 59) / 60
	if want := htT(t, "vi", "error.rate_limited", mins); !strings.Contains(r.text(), want) {
		t.Errorf("429 page lacks %q", want)
	}
	if got, _ := htInputValue(r.Body, "receipt"); got != c.Shown {
		t.Errorf("typed receipt back as %q, want %q", got, c.Shown)
	}
	if guesser.cookie("case_session") != "" {
		t.Error("a refused try opened a session")
	}

	// The API is refused too, with JSON saying so.
	api := htAPI(t, s, http.MethodGet, "/api/v1/grievances/self?lang=vi", nil, "Authorization", "Receipt "+c.Receipt)
	e := api.apiErr(t, http.StatusTooManyRequests)
	if e.Error.Code != "rate_limited" {
		t.Errorf("API error code %q, want rate_limited", e.Error.Code)
	}
	if as, err := strconv.Atoi(api.Header.Get("Retry-After")); err != nil || as <= 0 {
		t.Errorf("API Retry-After %q, want seconds > 0", api.Header.Get("Retry-After"))
	}
	if want := htT(t, "vi", "error.rate_limited", mins); e.Error.Message != want {
		t.Errorf("API message %q, want %q", e.Error.Message, want)
	}

	// Ten minutes later the right receipt works again.
	s.Clock.Advance(10 * time.Minute)
	guesser.open(c.Receipt, "")
	if r := htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, "Authorization", "Receipt "+c.Receipt); r.Status != http.StatusOK {
		t.Errorf("API after the window: status %d, want 200", r.Status)
	}
}

// TestHTTPFollowRateLimitSlidingWindow: the 10 failures count over a
// sliding window of 10 minutes, not per fixed period.
func TestHTTPFollowRateLimitSlidingWindow(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	c := w.submit(htForm(w.formToken(), "en"))
	wrong := url.Values{"receipt": {htWrongReceipt(c.Receipt)}}
	fail := func(n int) {
		t.Helper()
		for range n {
			if r := w.post("/follow", wrong); r.Status != http.StatusUnauthorized {
				t.Fatalf("wrong try: status %d, want 401", r.Status)
			}
		}
	}
	fail(5)
	s.Clock.Advance(6 * time.Minute)
	fail(5)
	r := w.post("/follow", url.Values{"receipt": {c.Receipt}})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("10 failures within 6 minutes, then the right receipt: status %d, want 429", r.Status)
	}
	// The first five expire 10 minutes after they were made, 4 minutes from now.
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs <= 0 || secs > 4*60+1 {
		t.Errorf("Retry-After %q, want at most 241 seconds", r.Header.Get("Retry-After"))
	}
	s.Clock.Advance(4 * time.Minute)
	w.open(c.Receipt, "")
}
