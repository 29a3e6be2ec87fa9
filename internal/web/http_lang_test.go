package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"remedy/internal/i18n"
)

func TestHTTPLanguageFromAcceptLanguage(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	tests := []struct {
		accept string
		want   string
	}{
		{"vi-VN,vi;q=0.9", "vi"},
		{"tl", "fil"},
		{"tl-PH,en;q=0.5", "fil"},
		{"fil-PH", "fil"},
		{"km-KH", "km"},
		{"my-MM,my;q=0.9,en;q=0.1", "my"},
		{"ne-NP", "ne"},
		{"th-TH,th;q=0.9", "th"},
		{"in-ID", "id"},
		{"ja-JP", "ja"},
		{"de-DE,fr;q=0.8", "en"},
		{"xx", "en"},
		{"", "en"},
		{"de,ja;q=0.3,vi;q=0.7", "vi"},
		{"vi;q=0,ja", "ja"},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			t.Parallel()
			w := htNewWorker(t, s)
			for _, path := range []string{"/", "/follow"} {
				r := w.get(path, "Accept-Language", tt.accept)
				if r.Status != http.StatusOK {
					t.Fatalf("GET %s: status %d", path, r.Status)
				}
				if got := htLang(r.Body); got != tt.want {
					t.Errorf("GET %s with Accept-Language %q: lang %q, want %q", path, tt.accept, got, tt.want)
				}
				key := map[string]string{"/": "intake.title", "/follow": "follow.title"}[path]
				if want := htT(t, tt.want, key); !strings.Contains(r.text(), want) {
					t.Errorf("GET %s: page lacks %q", path, want)
				}
			}
			// Negotiation alone sets no cookie.
			if c := w.cookie("lang"); c != "" {
				t.Errorf("lang cookie %q set without a choice", c)
			}
		})
	}
}

func TestHTTPLanguageSwitcherRemembered(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	vi := []string{"Accept-Language", "vi-VN,vi;q=0.9"}

	r := w.get("/?lang=km", vi...)
	if got := htLang(r.Body); got != "km" {
		t.Fatalf("GET /?lang=km: lang %q, want km", got)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "lang" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "km" || cookie.Path != "/" || !cookie.HttpOnly || cookie.MaxAge <= 0 {
		t.Fatalf("lang cookie %+v, want km, Path=/, HttpOnly, lasting", cookie)
	}

	// Later pages, without ?lang, are Khmer even though the browser asks
	// for Vietnamese.
	for _, tc := range []struct{ path, key string }{
		{"/", "intake.title"}, {"/follow", "follow.title"}, {"/no-such-page", "page.not_found.title"},
	} {
		r := w.get(tc.path, vi...)
		if got := htLang(r.Body); got != "km" {
			t.Errorf("GET %s after choosing km: lang %q", tc.path, got)
		}
		if want := htT(t, "km", tc.key); !strings.Contains(r.text(), want) {
			t.Errorf("GET %s: page lacks %q", tc.path, want)
		}
	}

	// An unknown choice changes nothing.
	r = w.get("/follow?lang=xx", vi...)
	if got := htLang(r.Body); got != "km" {
		t.Errorf("GET /follow?lang=xx: lang %q, want km (the remembered choice)", got)
	}
	if w.cookie("lang") != "km" {
		t.Errorf("lang cookie %q after ?lang=xx, want km", w.cookie("lang"))
	}

	// The intake form carries the chosen language, and so does the case.
	c := w.submit(htForm(w.formToken(), "km"))
	if got := htLang(c.Page.Body); got != "km" {
		t.Errorf("receipt page lang %q, want km", got)
	}
	if want := htT(t, "km", "receipt.title"); !strings.Contains(c.Page.text(), want) {
		t.Errorf("receipt page lacks %q", want)
	}

	// Another choice replaces the first.
	r = w.get("/follow?lang=tl")
	if got := htLang(r.Body); got != "fil" {
		t.Errorf("GET /follow?lang=tl: lang %q, want fil", got)
	}
	if got := htLang(w.get("/case").Body); got != "fil" {
		t.Errorf("case page lang %q, want fil", got)
	}
}

func TestHTTPLanguageSwitcherLinks(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	for _, path := range []string{"/", "/follow"} {
		r := w.get(path)
		for _, l := range i18n.Supported {
			if !strings.Contains(r.Body, `href="`+path+`?lang=`+l.Code+`"`) {
				t.Errorf("GET %s: no switcher link to %s", path, l.Code)
			}
			if !strings.Contains(r.text(), l.Name) {
				t.Errorf("GET %s: no language name %q", path, l.Name)
			}
		}
	}
}

// TestHTTPLanguageSwitcherLinksWork follows the switcher's link to Khmer
// from every page that shows the switcher: it must lead (after redirects)
// to a page in Khmer, and not to a page that does not exist (pages that
// answer a POST, such as a form with errors, link to a path that has no GET
// page, or one that drops ?lang=).
func TestHTTPLanguageSwitcherLinksWork(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	w.submit(htForm(w.formToken(), "en"))
	pages := []struct {
		name string
		resp htResp
	}{
		{"GET /", w.get("/")},
		{"GET /follow", w.get("/follow")},
		{"GET /case", w.get("/case")},
		{"POST /follow 401", htNewWorker(t, s).post("/follow", url.Values{"receipt": {"1"}})},
		{"POST /grievances 422", w.post("/grievances", htForm(w.formToken(), "en", "-narrative", ""))},
		{"POST /case/messages 422", w.post("/case/messages", url.Values{"body": {""}})},
		{"POST /case/passphrase 422", w.post("/case/passphrase", url.Values{"passphrase": {"short"}})},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			m := regexp.MustCompile(`<a href="([^"]*)\?lang=km"`).FindStringSubmatch(p.resp.Body)
			if m == nil {
				if strings.HasPrefix(p.name, "POST ") {
					return // a page answering a POST may hide the switcher
				}
				t.Fatalf("no switcher link to km on the page (status %d)", p.resp.Status)
			}
			link := m[1] + "?lang=km"
			r := w.get(link)
			for hops := 0; r.Status == http.StatusSeeOther && hops < 3; hops++ {
				r = w.get(r.Header.Get("Location"))
			}
			if r.Status == http.StatusNotFound {
				t.Errorf("switcher link %s leads to a page that does not exist (404)", link)
			}
			if got := htLang(r.Body); got != "km" {
				t.Errorf("switcher link %s leads to a page in %q, want km", link, got)
			}
			w.get("/follow?lang=en") // back to English for the next page
		})
	}
}
