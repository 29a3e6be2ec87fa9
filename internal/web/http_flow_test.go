package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"remedy/internal/grievance"
	"remedy/internal/testutil/stack"
)

// TestHTTPMainFlow walks the path a worker takes, on every engine: the
// form in their language, an urgent grievance, the receipt, the case page,
// a caseworker's message and a reply, a passphrase, closing the page,
// coming back with the receipt, and the API; then checks that nothing
// private reached the log or a URL.
func TestHTTPMainFlow(t *testing.T) {
	t.Parallel()
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := stack.New(t, engine)
			htMainFlow(t, s)
		})
	}
}

func htMainFlow(t *testing.T, s *stack.Stack) {
	ctx := context.Background()
	w := htNewWorker(t, s)
	w.accept = "vi-VN,vi;q=0.9,en;q=0.5"

	const (
		narrative = "Quản lý giữ hộ chiếu của tôi và đánh tôi hôm thứ Hai. Secret-narrative-marker."
		name      = "Trần Văn Bình"
		phone     = "+84 912 345 678"
		employer  = "Marunaka Seimitsu KK"
		pass      = "hoa sen trắng 2026"
		reply     = "Tôi vẫn ở ký túc xá. Reply-marker."
	)

	// 1. The form, in Vietnamese from Accept-Language.
	home := w.get("/")
	if htLang(home.Body) != "vi" {
		t.Fatalf("home page lang %q, want vi", htLang(home.Body))
	}
	token, _ := htInputValue(home.Body, "form_token")

	// 2. A grievance that is urgent (passport kept, hit).
	form := url.Values{
		"form_token": {token}, "language": {"vi"},
		"categories":     {"documents.retained", "harassment.physical"},
		"narrative":      {narrative},
		"incident_date":  {"2026-10-26"},
		"prefecture":     {"JP-21"},
		"program":        {"technical_intern"},
		"origin_country": {"VN"},
		"employer_name":  {employer},
		"contact_name":   {name}, "contact_channel": {"phone"}, "contact_value": {phone},
	}
	c := w.submit(form)
	if !htGrouped.MatchString(c.Shown) || !htRefShape.MatchString(c.Ref) {
		t.Fatalf("receipt page: reference %q receipt %q", c.Ref, c.Shown)
	}
	page := c.Page.text()
	for _, want := range []string{htT(t, "vi", "urgent.title"), "Embassy of the Socialist Republic of Viet Nam in Japan"} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt page lacks %q", want)
		}
	}
	for _, tel := range []string{`href="tel:110"`, `href="tel:119"`, `href="tel:0334663311"`} {
		if !strings.Contains(c.Page.Body, tel) {
			t.Errorf("receipt page lacks %s", tel)
		}
	}
	// A retry of the same form gives the same receipt, not a second case.
	if again := w.submit(form); again.Receipt != c.Receipt || again.Ref != c.Ref {
		t.Errorf("retry gave %s, want %s", again.Ref, c.Ref)
	}
	if n := htCount(t, s); n != 1 {
		t.Fatalf("CountCases = %d, want 1", n)
	}
	rec, err := s.DB.CaseByReference(ctx, c.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Case.Triage.Risk != grievance.RiskUrgent || rec.Case.Language != "vi" || rec.Case.Anonymous {
		t.Errorf("stored case: risk %s language %s anonymous %v", rec.Case.Triage.Risk, rec.Case.Language, rec.Case.Anonymous)
	}
	d, err := s.Intake.Details(rec)
	if err != nil || d.Narrative != narrative || d.Contact.Value != phone || d.EmployerName != employer {
		t.Errorf("stored details %+v (err %v)", d, err)
	}

	// 3. The case page, a caseworker's message, a reply.
	if _, err := s.Intake.AddMessage(ctx, rec.Case.ID, grievance.AuthorStaff, "Chúng tôi đã nhận được. Staff-marker."); err != nil {
		t.Fatal(err)
	}
	cp := w.get("/case")
	if cp.Status != http.StatusOK || !strings.Contains(cp.text(), "Staff-marker") || !strings.Contains(cp.text(), htT(t, "vi", "status.received.now")) {
		t.Fatalf("case page: status %d\n%s", cp.Status, htSnippet(cp.Body))
	}
	cp = w.redirected(w.post("/case/messages", url.Values{"body": {reply}}), "/case?done=message")
	if !strings.Contains(cp.text(), "Reply-marker") {
		t.Error("reply not on the case page")
	}

	// 4. A passphrase, then close the page on this phone.
	w.redirected(w.post("/case/passphrase", url.Values{"passphrase": {pass}, "passphrase_confirm": {pass}}), "/case?done=passphrase")
	closed := w.redirected(w.post("/case/close", nil), "/follow?closed=1")
	if !strings.Contains(closed.text(), htT(t, "vi", "case.closed_session")) {
		t.Error("no closed notice")
	}
	if r := w.get("/case"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/follow" {
		t.Errorf("GET /case after closing: %d to %q", r.Status, r.Header.Get("Location"))
	}

	// 5. Back with the receipt: alone it is not enough any more.
	if r := w.post("/follow", url.Values{"receipt": {c.Shown}}); r.Status != http.StatusUnauthorized {
		t.Errorf("receipt without passphrase: status %d, want 401", r.Status)
	}
	cp = w.open(htDashed(c.Receipt), pass)
	if !strings.Contains(cp.Body, c.Ref) || !strings.Contains(cp.text(), "Reply-marker") {
		t.Error("case page after coming back lacks the reference or the thread")
	}

	// 6. The API with receipt and passphrase.
	auth := []string{"Authorization", "Receipt " + c.Shown, "Remedy-Passphrase", pass}
	if r := htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/messages", map[string]string{"body": "API-marker"}, auth...); r.Status != http.StatusCreated {
		t.Fatalf("API message: %d %s", r.Status, r.Body)
	}
	var self htSelf
	htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, auth...).decode(t, &self)
	if self.Reference != c.Ref || self.Risk != "urgent" || len(self.Messages) != 3 {
		t.Errorf("self %+v", self)
	}

	// 7. Nothing private in the log or in a URL.
	logs := s.Logs()
	if !strings.Contains(logs, "POST /grievances") {
		t.Errorf("requests were not logged at all:\n%s", logs)
	}
	for what, secret := range map[string]string{
		"narrative": "Secret-narrative-marker", "narrative text": "hộ chiếu", "contact value": phone,
		"contact name": name, "employer": employer, "reply": "Reply-marker", "staff message": "Staff-marker",
		"API message": "API-marker", "passphrase": pass, "grouped receipt": c.Shown, "dashed receipt": htDashed(c.Receipt),
		"client address": "127.0.0.1", "session token": w.cookie("case_session"), "form token": token,
	} {
		if secret != "" && strings.Contains(logs, secret) {
			t.Errorf("log contains the %s %q", what, secret)
		}
	}
	if strings.Contains(htDigits(logs), c.Receipt) {
		t.Error("log contains the receipt digits")
	}
	if host := strings.TrimPrefix(s.URL, "http://"); strings.Contains(logs, host) {
		t.Errorf("log contains the server address %s", host)
	}
	for _, u := range w.seenURLs() {
		if strings.Contains(htDigits(u), c.Receipt) {
			t.Errorf("receipt in URL %q", u)
		}
	}
}
