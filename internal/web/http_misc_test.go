package web_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestHTTPHealth(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		r := w.get(path)
		if r.Status != http.StatusOK || strings.TrimSpace(r.Body) != "ok" {
			t.Errorf("GET %s: %d %q, want 200 ok", path, r.Status, r.Body)
		}
	}
	// The probes are not logged (they would drown the log).
	if logs := s.Logs(); strings.Contains(logs, "healthz") || strings.Contains(logs, "readyz") {
		t.Errorf("probes logged:\n%s", logs)
	}
}

func TestHTTPReadyzWithoutDatabase(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	if err := s.DB.Close(); err != nil {
		t.Fatal(err)
	}
	if r := w.get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz with the database closed: %d, want 503", r.Status)
	}
	if r := w.get("/healthz"); r.Status != http.StatusOK {
		t.Errorf("GET /healthz with the database closed: %d, want 200 (the process is up)", r.Status)
	}
	// A page that needs the database fails cleanly and translated, and
	// the failure is logged without request data.
	r := w.post("/follow", url.Values{"receipt": {"1234 5678 9012 3456"}}, "Accept-Language", "ja")
	if r.Status != http.StatusInternalServerError {
		t.Fatalf("POST /follow with the database closed: %d, want 500", r.Status)
	}
	if want := htT(t, "ja", "error.server"); !strings.Contains(r.text(), want) {
		t.Errorf("500 page lacks %q", want)
	}
	logs := s.Logs()
	if !strings.Contains(logs, "request failed") {
		t.Errorf("internal error not logged:\n%s", logs)
	}
	if strings.Contains(htDigits(logs), "1234567890123456") {
		t.Errorf("log carries the typed receipt:\n%s", logs)
	}
}

func TestHTTPOpenAPI(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	r := w.get("/api/openapi.json")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Errorf("openapi.json is not a JSON object: %v", err)
	}
}

// TestHTTPAPINotFound: an unknown API path answers JSON, not a page.
func TestHTTPAPINotFound(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	w := htNewWorker(t, s)
	r := w.do("GET", "/api/v1/unknown", "", nil, "Accept-Language", "th")
	if r.Status != http.StatusNotFound {
		t.Fatalf("status %d, want 404", r.Status)
	}
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.Body)
	}
	if body.Error.Code != "not_found" || body.Error.Message != htT(t, "th", "error.not_found") {
		t.Errorf("error = %+v, want not_found in Thai", body.Error)
	}
}

func TestHTTPNotFound(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	tests := []struct {
		method, path, lang string
	}{
		{"GET", "/no-such-page", "en"},
		{"GET", "/case/elsewhere", "vi"},
		{"GET", "/static-ish", "km"},
		{"POST", "/nowhere", "ne"},
		{"GET", "/case/messages", "fil"}, // POST only
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			w := htNewWorker(t, s)
			r := w.do(tt.method, tt.path, "application/x-www-form-urlencoded", []byte{}, "Accept-Language", tt.lang)
			if r.Status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", r.Status)
			}
			if got := htLang(r.Body); got != tt.lang {
				t.Errorf("lang %q, want %q", got, tt.lang)
			}
			for _, key := range []string{"page.not_found.title", "error.not_found", "error.back_home"} {
				if want := htT(t, tt.lang, key); !strings.Contains(r.text(), want) {
					t.Errorf("404 page lacks %q", want)
				}
			}
		})
	}
}

// TestHTTPSecurityHeaders checks every kind of worker page and API answer.
func TestHTTPSecurityHeaders(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	pages := map[string]htResp{}
	pages["GET /"] = w.get("/")
	pages["GET /follow"] = w.get("/follow")
	pages["POST /grievances 422"] = w.post("/grievances", htForm(w.formToken(), "en", "-narrative", ""))
	c := w.submit(htForm(w.formToken(), "en", "categories", "threats"))
	pages["POST /grievances receipt"] = c.Page
	pages["GET /case"] = w.get("/case")
	pages["POST /case/messages 303"] = w.post("/case/messages", url.Values{"body": {"hello"}})
	pages["POST /case/messages 422"] = w.post("/case/messages", url.Values{"body": {""}})
	pages["POST /follow 401"] = htNewWorker(t, s).post("/follow", url.Values{"receipt": {htWrongReceipt(c.Receipt)}})
	pages["GET 404"] = w.get("/nope")
	pages["GET /healthz"] = w.get("/healthz")
	api := htAPI(t, s, http.MethodGet, "/api/v1/taxonomy", nil)
	pages["GET /api/v1/taxonomy"] = htResp{Status: api.Status, Header: api.Header, Body: string(api.Body)}
	self := htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, "Authorization", "Receipt "+c.Receipt)
	pages["GET /api/v1/grievances/self"] = htResp{Status: self.Status, Header: self.Header, Body: string(self.Body)}

	for name, r := range pages {
		h := r.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q, want one without unsafe-inline", name, csp)
		}
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q lacks default-src 'none' or frame-ancestors 'none'", name, csp)
		}
		if strings.Contains(csp, "script-src") && !strings.Contains(csp, "script-src 'none'") {
			t.Errorf("%s: CSP %q allows scripts", name, csp)
		}
		for header, want := range map[string]string{
			"Cache-Control":          "no-store",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
			"X-Frame-Options":        "DENY",
		} {
			if got := h.Get(header); got != want {
				t.Errorf("%s: %s %q, want %q", name, header, got, want)
			}
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			// Nothing on a page would run under that CSP: no inline script,
			// no inline style, no event handler attribute.
			body := strings.ToLower(r.Body)
			for _, bad := range []string{"<script", " style=", "<style", " onclick=", " onload=", " onsubmit=", "javascript:"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s: page contains %q, which the CSP blocks", name, bad)
				}
			}
			if !strings.HasSuffix(h.Get("Content-Type"), "charset=utf-8") {
				t.Errorf("%s: Content-Type %q without charset=utf-8", name, h.Get("Content-Type"))
			}
		}
	}
}

func TestHTTPStatic(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	page := w.get("/")
	i := strings.Index(page.Body, `href="/static/app.css?v=`)
	if i < 0 {
		t.Fatal("page does not link /static/app.css with a version")
	}
	href := page.Body[i+len(`href="`):]
	href = href[:strings.IndexByte(href, '"')]
	r := w.get(href)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("GET %s: %d %q", href, r.Status, r.Header.Get("Content-Type"))
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || strings.Contains(cc, "no-store") {
		t.Errorf("stylesheet Cache-Control %q, want long-lived and immutable", cc)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("stylesheet without nosniff")
	}
	if r := w.get("/static/missing.css"); r.Status != http.StatusNotFound {
		t.Errorf("GET /static/missing.css: %d, want 404", r.Status)
	}
}

func TestHTTPGzip(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/follow", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `<html lang="en"`) {
		t.Error("gzipped page does not decompress to the page")
	}
	if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Error("no Vary: Accept-Encoding")
	}
}
