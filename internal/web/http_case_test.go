package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/intake"
)

func TestHTTPCasePage(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	w.accept = "vi"
	c := w.submit(htForm(w.formToken(), "vi", "categories", "wages.unpaid"))
	r := w.get("/case")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /case: status %d", r.Status)
	}
	if got := htLang(r.Body); got != "vi" {
		t.Errorf("case page lang %q, want vi", got)
	}
	text := r.text()
	for _, want := range []string{
		c.Ref,
		htT(t, "vi", "case.title"),
		htT(t, "vi", "status.received.now"),
		htT(t, "vi", "status.received.next"),
		htJST(htStart.Add(72 * time.Hour)), // high risk: 72 hours
		htT(t, "vi", "case.no_messages"),
		htT(t, "vi", "receipt.passphrase.legend"),
		htT(t, "vi", "case.close"),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	for _, form := range []string{`action="/case/messages"`, `action="/case/passphrase"`, `action="/case/close"`} {
		if !strings.Contains(r.Body, form) {
			t.Errorf("case page lacks the form %s", form)
		}
	}
	if strings.Contains(text, htT(t, "vi", "case.overdue")) {
		t.Error("a fresh case is shown as overdue")
	}
	// The narrative is not shown again on a phone left open.
	if strings.Contains(text, htForm("", "vi").Get("narrative")) {
		t.Error("case page shows the narrative")
	}
}

func TestHTTPCaseOverdue(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	c := w.submit(htForm(w.formToken(), "en"))
	s.Clock.Advance(121 * time.Hour)
	r := htNewWorker(t, s).open(c.Receipt, "")
	if !strings.Contains(r.text(), htT(t, "en", "case.overdue")) {
		t.Error("case past its acknowledgement deadline is not shown as late")
	}
}

func TestHTTPCaseSessionExpires(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	w.submit(htForm(w.formToken(), "en"))
	s.Clock.Advance(intake.SessionLifetime + time.Minute)
	r := w.get("/case")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/follow" {
		t.Errorf("GET /case after the session lifetime: %d to %q, want 303 to /follow", r.Status, r.Header.Get("Location"))
	}
}

func TestHTTPCaseMessages(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	w.accept = "fil"
	c := w.submit(htForm(w.formToken(), "fil"))
	id := htCaseID(t, s, c.Ref)
	staff := "Salamat po. Tatawagan namin ang inyong kumpanya sa Lunes."
	if _, err := s.Intake.AddMessage(context.Background(), id, grievance.AuthorStaff, staff); err != nil {
		t.Fatal(err)
	}
	r := w.get("/case")
	text := r.text()
	if !strings.Contains(text, staff) || !strings.Contains(text, htT(t, "fil", "case.from_caseworker")) {
		t.Fatalf("staff message not shown:\n%s", htSnippet(r.Body))
	}
	if strings.Contains(text, htT(t, "fil", "case.no_messages")) {
		t.Error(`"no messages" shown next to a message`)
	}

	reply := "Salamat. <b>Hindi</b> pa rin ako binabayaran & takot ako."
	r = w.redirected(w.post("/case/messages", url.Values{"body": {reply}}), "/case?done=message")
	text = r.text()
	if !strings.Contains(text, reply) {
		t.Errorf("worker reply not shown after the redirect")
	}
	if strings.Contains(r.Body, "<b>Hindi</b>") {
		t.Error("reply is not escaped")
	}
	if !strings.Contains(text, htT(t, "fil", "case.reply.sent")) || !strings.Contains(text, htT(t, "fil", "case.from_you")) {
		t.Error("no sent notice or author label after the reply")
	}
	if strings.Index(text, staff) > strings.Index(text, reply) {
		t.Error("thread is not in order")
	}
}

func TestHTTPCaseReplyErrors(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	w.accept = "th"
	c := w.submit(htForm(w.formToken(), "th"))
	tests := []struct {
		name string
		body string
		key  string
		kept string // what the textarea must hold
	}{
		{"empty", "", "error.required", ""},
		{"only spaces", "   \n  ", "error.required", "   \n  "},
		{"too long", strings.Repeat("a", intake.MaxMessage+1), "error.too_long", strings.Repeat("a", intake.MaxMessage+1)},
		{"invalid UTF-8", "ค่าจ้าง \xff ไม่จ่าย", "error.invalid_text", "ค่าจ้าง \ufffd ไม่จ่าย"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.post("/case/messages", url.Values{"body": {tt.body}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			if got := htLang(r.Body); got != "th" {
				t.Errorf("lang %q, want th", got)
			}
			if want := htT(t, "th", tt.key); !strings.Contains(r.text(), want) {
				t.Errorf("page lacks %q", want)
			}
			// An unreadable byte may come back as is or as U+FFFD.
			if got, _ := htTextarea(r.Body, "body"); strings.ToValidUTF8(got, "\ufffd") != tt.kept {
				t.Errorf("reply back as %q, want %q", htSnippet(got), htSnippet(tt.kept))
			}
		})
	}
	if v, err := s.Intake.View(context.Background(), htCaseID(t, s, c.Ref)); err != nil || len(v.Messages) != 0 {
		t.Errorf("messages after refused replies: %d (err %v), want 0", len(v.Messages), err)
	}
}

// TestHTTPCaseReplyLongScript: a reply within MaxMessage characters in a
// script of three UTF-8 bytes per character (Thai, Khmer, Myanmar) is about
// nine bytes per character once form-encoded. It must be accepted, and a
// reply too long must come back to the worker, not be lost.
func TestHTTPCaseReplyLongScript(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	c := w.submit(htForm(w.formToken(), "th"))

	t.Run("within MaxMessage", func(t *testing.T) {
		body := strings.Repeat("ค่าจ้างไม่จ่าย ", 600) // 9,000 characters: 26 KB of text, 76 KB form-encoded
		r := w.post("/case/messages", url.Values{"body": {body}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303 to /case?done=message; a valid %d-character Thai reply was refused:\n%s",
				r.Status, len([]rune(strings.TrimSpace(body))), htSnippet(r.text()))
		}
		v, err := s.Intake.View(context.Background(), htCaseID(t, s, c.Ref))
		if err != nil || len(v.Messages) != 1 {
			t.Fatalf("messages: %d (err %v), want 1", len(v.Messages), err)
		}
	})
	t.Run("over MaxMessage and over 64 KB encoded, typed text kept", func(t *testing.T) {
		body := strings.Repeat("ก", intake.MaxMessage+100)
		r := w.post("/case/messages", url.Values{"body": {body}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422 with the case page and the reply kept", r.Status)
		}
		if got, _ := htTextarea(r.Body, "body"); got != body {
			t.Errorf("reply lost: textarea holds %d bytes, want %d", len(got), len(body))
		}
	})
}

func TestHTTPCasePassphrase(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	w.accept = "id"
	c := w.submit(htForm(w.formToken(), "id"))
	const pass = "sawah hijau 2026"

	invalid := []struct {
		name, pass, confirm, key string
	}{
		{"too short", "abc1234", "abc1234", "error.passphrase_short"},
		{"empty", "", "", "error.passphrase_short"},
		{"mismatch", pass, pass + "!", "error.passphrase_mismatch"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			r := w.post("/case/passphrase", url.Values{"passphrase": {tt.pass}, "passphrase_confirm": {tt.confirm}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			if got := htLang(r.Body); got != "id" {
				t.Errorf("lang %q, want id", got)
			}
			if want := htT(t, "id", tt.key); !strings.Contains(r.text(), want) {
				t.Errorf("page lacks %q", want)
			}
			if !strings.Contains(r.Body, c.Ref) {
				t.Error("the case page does not come back with the error")
			}
		})
	}
	// Receipt alone still opens the case: no passphrase was saved.
	htNewWorker(t, s).open(c.Receipt, "")

	r := w.redirected(w.post("/case/passphrase", url.Values{"passphrase": {pass}, "passphrase_confirm": {pass}}), "/case?done=passphrase")
	if !strings.Contains(r.text(), htT(t, "id", "receipt.passphrase.saved")) {
		t.Error("no saved notice")
	}
	if strings.Contains(r.Body, `action="/case/passphrase"`) {
		t.Error("passphrase form still offered once a passphrase is set")
	}

	// From now on the receipt alone (or with a wrong passphrase) is refused.
	for _, tt := range []struct{ name, pass string }{{"no passphrase", ""}, {"wrong passphrase", pass + "x"}} {
		other := htNewWorker(t, s)
		r := other.post("/follow", url.Values{"receipt": {c.Receipt}, "passphrase": {tt.pass}}, "Accept-Language", "id")
		if r.Status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tt.name, r.Status)
		}
		if want := htT(t, "id", "error.unauthorized"); !strings.Contains(r.text(), want) {
			t.Errorf("%s: page lacks the generic %q", tt.name, want)
		}
	}
	htNewWorker(t, s).open(htDashed(c.Receipt), pass)

	// The API needs the passphrase header.
	auth := []string{"Authorization", "Receipt " + c.Shown}
	if r := htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, auth...); r.Status != http.StatusUnauthorized {
		t.Errorf("API without Remedy-Passphrase: status %d, want 401", r.Status)
	}
	r2 := htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, append(auth, "Remedy-Passphrase", pass)...)
	var self htSelf
	r2.decode(t, &self)
	if r2.Status != http.StatusOK || self.Reference != c.Ref {
		t.Errorf("API with Remedy-Passphrase: status %d, reference %q", r2.Status, self.Reference)
	}
}

func TestHTTPCaseClose(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	w.accept = "my"
	w.submit(htForm(w.formToken(), "my"))
	token := w.cookie("case_session")
	if token == "" {
		t.Fatal("no session after submitting")
	}
	r := w.post("/case/close", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/follow?closed=1" {
		t.Fatalf("POST /case/close: %d to %q, want 303 to /follow?closed=1", r.Status, r.Header.Get("Location"))
	}
	if w.cookie("case_session") != "" {
		t.Error("session cookie not cleared")
	}
	f := w.get("/follow?closed=1")
	if !strings.Contains(f.text(), htT(t, "my", "case.closed_session")) {
		t.Error("no closed notice in Myanmar")
	}
	if g := w.get("/case"); g.Status != http.StatusSeeOther || g.Header.Get("Location") != "/follow" {
		t.Errorf("GET /case after closing: %d to %q, want 303 to /follow", g.Status, g.Header.Get("Location"))
	}
	// The old token is dead on the server too, not only forgotten here.
	w.setCookie("case_session", token)
	if g := w.get("/case"); g.Status != http.StatusSeeOther {
		t.Errorf("GET /case with the closed session's token: %d, want 303 to /follow", g.Status)
	}
	if g := w.post("/case/messages", url.Values{"body": {"hello"}}); g.Status != http.StatusSeeOther {
		t.Errorf("POST /case/messages with the closed session's token: %d, want 303", g.Status)
	}
}

func TestHTTPCaseWithoutSession(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	tests := []struct {
		method, path string
		cookie       string
		want         string
	}{
		{"GET", "/case", "", "/follow"},
		{"POST", "/case/messages", "", "/follow"},
		{"POST", "/case/passphrase", "", "/follow"},
		{"POST", "/case/close", "", "/follow?closed=1"},
		{"GET", "/case", "forged-token", "/follow"},
		{"POST", "/case/messages", "forged-token", "/follow"},
		{"POST", "/case/passphrase", "forged-token", "/follow"},
		{"POST", "/case/close", "forged-token", "/follow?closed=1"},
	}
	for _, tt := range tests {
		w := htNewWorker(t, s)
		if tt.cookie != "" {
			w.setCookie("case_session", tt.cookie)
		}
		var r htResp
		if tt.method == "GET" {
			r = w.get(tt.path)
		} else {
			r = w.post(tt.path, url.Values{"body": {"hi"}, "passphrase": {"12345678"}, "passphrase_confirm": {"12345678"}})
		}
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != tt.want {
			t.Errorf("%s %s (cookie %q): %d to %q, want 303 to %s", tt.method, tt.path, tt.cookie, r.Status, r.Header.Get("Location"), tt.want)
		}
	}
	if n := htCount(t, s); n != 0 {
		t.Errorf("CountCases = %d", n)
	}
}
