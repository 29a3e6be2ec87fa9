package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// TestCaseworkJourney walks the whole case on both engines, as the people
// do: the worker files it; the caseworker acknowledges, reviews and refers
// it (without the worker's identity) to an employer in Japan and an agency
// in Viet Nam; the employer accepts, answers and proposes back pay; the
// worker accepts on /case; the caseworker records it carried out and
// closes; the worker rates it. The employer never sees who the worker is.
func TestCaseworkJourney(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) { cwJourney(t, engine) })
	}
}

func cwJourney(t *testing.T, engine string) {
	s := stack.New(t, engine)
	cast := cwNewCast(t, s)
	c, worker := cwFile(t, s, false)
	worker.accept = "vi"
	caseURL := "/staff/cases/" + c.Ref
	apiURL := "/api/v1/cases/" + c.Ref
	var employerSaw []string // every body the employer received
	empPage := func(method, path string, form url.Values) htResp {
		t.Helper()
		r := cwPage(t, cast.empResponder, s, method, path, form)
		employerSaw = append(employerSaw, r.Body)
		return r
	}
	empAPI := func(method, path string, body any, header ...string) htAPIResp {
		t.Helper()
		r := cwAPI(t, cast.empResponder, s, method, path, body, header...)
		employerSaw = append(employerSaw, string(r.Body))
		return r
	}

	// The caseworker's case page: the worker's words (audited), the
	// identity hidden until asked for (audited), the next steps.
	p := cwPage(t, cast.caseworker, s, http.MethodGet, caseURL, nil)
	if p.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", caseURL, p.Status)
	}
	body := p.text()
	if !strings.Contains(body, cwNarrative) || strings.Contains(body, cwName) || strings.Contains(body, cwEmail) {
		t.Errorf("case page: narrative shown %v, identity hidden %v", strings.Contains(body, cwNarrative), !strings.Contains(body, cwName))
	}
	for _, want := range []string{htT(t, "en", "casework.identity.show"), `value="acknowledged"`, `value="out_of_scope"`, `value="escalated"`} {
		if !strings.Contains(p.Body, want) && !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	if strings.Contains(p.Body, `value="withdrawn"`) || strings.Contains(p.Body, `name="to" value="referred"`) {
		t.Error("case page offers a transition only the worker or a referral makes")
	}
	entries := cwAudit(t, s, c.Ref)
	who := fmt.Sprintf("staff:%d", cast.caseworker.Person.ID)
	if cwCount(entries, "narrative.read", who) != 1 || cwCount(entries, "identity.read", "") != 0 {
		t.Errorf("after opening the page: %d narrative reads, %d identity reads", cwCount(entries, "narrative.read", who), cwCount(entries, "identity.read", ""))
	}
	p = cwPage(t, cast.caseworker, s, http.MethodGet, caseURL+"?identity=1", nil)
	if !strings.Contains(p.text(), cwName) || !strings.Contains(p.text(), cwEmail) || !strings.Contains(p.text(), cwEmployer) || !strings.Contains(p.Body, `class="identity"`) {
		t.Error("identity not shown (marked) after asking for it")
	}
	if n := cwCount(cwAudit(t, s, c.Ref), "identity.read", who); n != 1 {
		t.Errorf("%d identity reads audited after asking, want 1", n)
	}

	// Acknowledge through the page; the worker sees it in Vietnamese with
	// the new deadline.
	s.Clock.Advance(30 * time.Minute)
	cwPost(t, cast.caseworker, s, caseURL+"/transitions", url.Values{"to": {"acknowledged"}, "note": {"Called the worker."}}, caseURL+"?done=transition")
	p = cwPage(t, cast.caseworker, s, http.MethodGet, caseURL+"?done=transition", nil)
	if !strings.Contains(p.text(), htT(t, "en", "casework.done.transition")) || !strings.Contains(p.text(), "Called the worker.") {
		t.Error("no notice or note after the transition")
	}
	worker.open(c.Receipt, "") // the session of the receipt page has run out
	wp := worker.get("/case", "Accept-Language", "vi")
	deadline := htJST(htStart.Add(30*time.Minute + 14*24*time.Hour))
	if !strings.Contains(wp.text(), htT(t, "vi", "status.acknowledged.now")) || !strings.Contains(wp.text(), deadline) {
		t.Errorf("worker page: status or deadline %s missing", deadline)
	}

	// An illegal move through the API: 422, with the message translated.
	r := cwAPI(t, cast.caseworker, s, http.MethodPost, apiURL+"/transitions", map[string]any{"to": "closed"}, "Accept-Language", "ja")
	e := r.apiErr(t, http.StatusUnprocessableEntity)
	if len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "to" || e.Error.Fields[0].Message != htT(t, "ja", "casework.error.transition") {
		t.Errorf("illegal transition error %+v", e.Error)
	}
	r = cwAPI(t, cast.caseworker, s, http.MethodPost, apiURL+"/transitions", map[string]any{"to": "in_review"})
	cwWant(t, r, http.StatusOK, "to in_review")
	var moved struct {
		Status     string `json:"status"`
		DeadlineAt string `json:"deadline_at"`
	}
	r.decode(t, &moved)
	if moved.Status != "in_review" || moved.DeadlineAt == "" {
		t.Errorf("transition answer %s", r.Body)
	}

	// Refer to both organisations at once, without the worker's consent.
	cwPost(t, cast.caseworker, s, caseURL+"/referrals", url.Values{
		"organization_id": {strconv.FormatInt(cast.employer.ID, 10), strconv.FormatInt(cast.agency.ID, 10)},
		"note":            {"Unpaid wages September and October."},
	}, caseURL+"?done=referral")
	sent := htStart.Add(30 * time.Minute)
	p = cwPage(t, cast.caseworker, s, http.MethodGet, caseURL, nil)
	ackBy := sent.Add(5 * 24 * time.Hour)
	vnLocal := ackBy.In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02 15:04") + " (UTC+7)"
	if !strings.Contains(p.text(), htJST(ackBy)) || !strings.Contains(p.text(), vnLocal) {
		t.Errorf("referral deadline not shown in Japan time %s and Viet Nam time %s", htJST(ackBy), vnLocal)
	}

	// The employer: the case, its referral, nothing of who the worker is.
	ep := empPage(http.MethodGet, caseURL+"?identity=1", nil)
	if ep.Status != http.StatusOK || !strings.Contains(ep.text(), "Unpaid wages September and October.") {
		t.Fatalf("employer's case page: %d", ep.Status)
	}
	if strings.Contains(ep.text(), cast.agency.Name) || strings.Contains(ep.text(), "Called the worker.") {
		t.Error("the employer sees the agency's referral or an internal note")
	}
	var ec map[string]any
	r = empAPI(http.MethodGet, apiURL+"?include=identity", nil)
	cwWant(t, r, http.StatusOK, "employer API view")
	r.decode(t, &ec)
	if _, ok := ec["narrative"]; ok {
		t.Error("the API gives the employer the narrative")
	}
	if _, ok := ec["identity"]; ok {
		t.Error("the API gives the employer the identity")
	}
	if refs, _ := ec["referrals"].([]any); len(refs) != 1 {
		t.Errorf("employer sees %d referrals", len(refs))
	}
	referralID := int64(ec["referrals"].([]any)[0].(map[string]any)["id"].(float64))

	// Someone unrelated gets exactly what a missing case gets.
	missing := cwAPI(t, cast.outsider, s, http.MethodGet, "/api/v1/cases/RM-0000-0000", nil)
	hidden := cwAPI(t, cast.outsider, s, http.MethodGet, apiURL, nil)
	if hidden.Status != http.StatusNotFound || string(hidden.Body) != string(missing.Body) {
		t.Errorf("unrelated org: %d %s, missing case: %d %s", hidden.Status, hidden.Body, missing.Status, missing.Body)
	}
	hp := cwPage(t, cast.outsider, s, http.MethodGet, caseURL, nil)
	mp := cwPage(t, cast.outsider, s, http.MethodGet, "/staff/cases/RM-0000-0000", nil)
	// The pages differ only in their own address (the language links).
	if hp.Status != http.StatusNotFound || strings.ReplaceAll(hp.Body, c.Ref, "X") != strings.ReplaceAll(mp.Body, "RM-0000-0000", "X") {
		t.Errorf("unrelated org's page: %d, missing case page %d, same body %v", hp.Status, mp.Status, hp.Body == mp.Body)
	}
	r = cwAPI(t, cast.agencyResponder, s, http.MethodPost, fmt.Sprintf("/api/v1/referrals/%d/acknowledge", referralID), map[string]any{"accept": true})
	cwWant(t, r, http.StatusNotFound, "the agency acknowledges the employer's referral")

	// The employer accepts, answers in its thread, proposes back pay.
	r = empAPI(http.MethodPost, fmt.Sprintf("/api/v1/referrals/%d/acknowledge", referralID), map[string]any{"accept": true})
	cwWant(t, r, http.StatusOK, "employer acknowledges")
	r = empAPI(http.MethodPost, apiURL+"/messages", map[string]any{"body": "We are checking the payroll."})
	cwWant(t, r, http.StatusCreated, "employer's message")
	r = empAPI(http.MethodPost, apiURL+"/messages", map[string]any{"body": "x", "referral_id": referralID + 1})
	cwWant(t, r, http.StatusUnprocessableEntity, "employer writes in another thread")
	ep = empPage(http.MethodPost, caseURL+"/remedies", url.Values{"type": {"compensation"}, "description": {"Back pay"}})
	if ep.Status != http.StatusUnprocessableEntity || !strings.Contains(ep.text(), htT(t, "en", "error.required")) || !strings.Contains(ep.text(), "Back pay") {
		t.Errorf("compensation without amount: %d, error shown and text kept?", ep.Status)
	}
	r2 := cwPage(t, cast.empResponder, s, http.MethodPost, caseURL+"/remedies", url.Values{"type": {"restitution"}, "amount": {"480000"},
		"currency": {"JPY"}, "due_date": {"2026-12-10"}, "description": {"Back pay for September and October."}})
	if r2.Status != http.StatusSeeOther {
		t.Fatalf("employer proposes: %d\n%s", r2.Status, htSnippet(r2.Body))
	}
	r = empAPI(http.MethodPost, apiURL+"/transitions", map[string]any{"to": "closed"})
	cwWant(t, r, http.StatusForbidden, "employer moves the case")

	// The worker accepts on /case.
	wp = worker.get("/case", "Accept-Language", "vi")
	m := regexp.MustCompile(`action="/case/remedies/(\d+)/decision"`).FindStringSubmatch(wp.Body)
	if m == nil || !strings.Contains(wp.text(), "480,000 JPY") || !strings.Contains(wp.text(), htT(t, "vi", "casework.remedy.restitution")) {
		t.Fatalf("worker page without the proposal:\n%s", htSnippet(wp.Body))
	}
	wp = worker.redirected(worker.post("/case/remedies/"+m[1]+"/decision", url.Values{"accept": {"1"}}, "Accept-Language", "vi"), "/case?done=accepted")
	if !strings.Contains(wp.text(), htT(t, "vi", "status.remedy_accepted.now")) {
		t.Error("worker page after accepting does not say so")
	}

	// The caseworker records it carried out and closes.
	r = cwAPI(t, cast.caseworker, s, http.MethodPost, apiURL+"/remedies/"+m[1]+"/implemented", map[string]any{"evidence": "Transfer seen on 2026-12-05."})
	cwWant(t, r, http.StatusOK, "implemented")
	cwPost(t, cast.caseworker, s, caseURL+"/transitions", url.Values{"to": {"closed"}}, "")

	// The worker rates it; the form goes away.
	wp = worker.get("/case", "Accept-Language", "vi")
	if !strings.Contains(wp.Body, `action="/case/feedback"`) || !strings.Contains(wp.text(), htT(t, "vi", "casework.worker.feedback.title")) {
		t.Fatal("no feedback form once closed")
	}
	bad := worker.post("/case/feedback", url.Values{"satisfaction": {"4"}}, "Accept-Language", "vi")
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.text(), htT(t, "vi", "casework.error.retaliation")) || !htChecked(bad.Body, "satisfaction", "4") {
		t.Errorf("feedback without retaliation: %d", bad.Status)
	}
	wp = worker.redirected(worker.post("/case/feedback", url.Values{"satisfaction": {"4"}, "retaliation": {"no"}}, "Accept-Language", "vi"), "/case?done=feedback")
	if strings.Contains(wp.Body, `action="/case/feedback"`) {
		t.Error("feedback form still shown after answering")
	}
	fb, err := s.DB.FeedbackOf(t.Context(), htCaseID(t, s, c.Ref))
	if err != nil || len(fb) != 1 || fb[0].Satisfaction != 4 || fb[0].Retaliation {
		t.Errorf("feedback stored %+v %v", fb, err)
	}
	// The staff timeline tells the whole story, with names.
	p = cwPage(t, cast.caseworker, s, http.MethodGet, caseURL, nil)
	for _, want := range []string{htT(t, "en", "casework.event.intake"), htT(t, "en", "casework.event.referral.sent"),
		htT(t, "en", "casework.event.remedy.accepted"), htT(t, "en", "casework.event.feedback", 4), "We are checking the payroll.",
		cast.employer.Name, "Test responder"} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("timeline lacks %q", want)
		}
	}

	// Through it all, the employer never saw who the worker is.
	empPage(http.MethodGet, caseURL+"?identity=1", nil)
	empAPI(http.MethodGet, apiURL+"?include=identity", nil)
	for i, b := range employerSaw {
		if leaks := cwLeaks(b); len(leaks) > 0 {
			t.Errorf("employer response %d shows %q", i, leaks)
		}
	}
	for _, a := range cwAudit(t, s, c.Ref) {
		if (a.Action == "identity.read" || a.Action == "narrative.read") && a.Actor == fmt.Sprintf("staff:%d", cast.empResponder.Person.ID) {
			t.Errorf("the employer read %s", a.Action)
		}
	}
	out, err := s.DB.OutboxOfCase(t.Context(), htCaseID(t, s, c.Ref))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 7 { // acknowledged, in review, referred, proposed, accepted, implemented, closed
		t.Errorf("%d notifications to the worker, want one per transition", len(out))
	}
	for _, o := range out {
		if o.Channel != "email" || strings.Contains(string(o.SealedPayload), cwEmail) {
			t.Errorf("notification %+v", o)
		}
	}
	// 90 days later the mechanism asks again.
	s.Clock.Advance(91 * 24 * time.Hour)
	worker.open(c.Receipt, "")
	wp = worker.get("/case", "Accept-Language", "vi")
	if !strings.Contains(wp.text(), htT(t, "vi", "casework.worker.feedback.again")) {
		t.Error("no second feedback form after 90 days")
	}
}

// TestCaseworkWorkerAPI: consent, decisions, feedback and withdrawal
// through the API with the receipt, and what consent changes for the
// referred organisation at once.
func TestCaseworkWorkerAPI(t *testing.T) {
	s := stack.New(t, store.SQLite)
	cast := cwNewCast(t, s)
	c, _ := cwFile(t, s, false)
	auth := []string{"Authorization", "Receipt " + htDashed(c.Receipt)}
	apiURL := "/api/v1/cases/" + c.Ref
	for _, to := range []string{"acknowledged", "in_review"} {
		cwWant(t, cwAPI(t, cast.caseworker, s, http.MethodPost, apiURL+"/transitions", map[string]any{"to": to}), http.StatusOK, to)
	}
	r := cwAPI(t, cast.caseworker, s, http.MethodPost, apiURL+"/referrals", map[string]any{"organization_id": cast.employer.ID, "note": "wages"})
	cwWant(t, r, http.StatusCreated, "refer")
	var ref struct {
		ID                 int64  `json:"id"`
		AcknowledgeByLocal string `json:"acknowledge_by_local"`
	}
	r.decode(t, &ref)

	// Consent given: the employer sees the words and, asked, the identity.
	r = htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/consent", map[string]any{"share_identity": true}, auth...)
	cwWant(t, r, http.StatusOK, "consent")
	var ec struct {
		Narrative *string         `json:"narrative"`
		Identity  *map[string]any `json:"identity"`
	}
	cwAPI(t, cast.empResponder, s, http.MethodGet, apiURL+"?include=identity", nil).decode(t, &ec)
	if ec.Narrative == nil || *ec.Narrative != cwNarrative || ec.Identity == nil || (*ec.Identity)["name"] != cwName {
		t.Errorf("with consent: narrative %v identity %v", ec.Narrative, ec.Identity)
	}
	if n := cwCount(cwAudit(t, s, c.Ref), "identity.read", fmt.Sprintf("staff:%d", cast.empResponder.Person.ID)); n != 1 {
		t.Errorf("%d identity reads by the employer audited, want 1", n)
	}
	// Withdrawn: hidden from the very next request.
	cwWant(t, htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/consent", map[string]any{"share_identity": false}, auth...), http.StatusOK, "withdraw consent")
	ec.Narrative, ec.Identity = nil, nil
	b := cwAPI(t, cast.empResponder, s, http.MethodGet, apiURL+"?include=identity", nil)
	b.decode(t, &ec)
	if ec.Narrative != nil || ec.Identity != nil || len(cwLeaks(string(b.Body))) > 0 {
		t.Errorf("after withdrawal: %s", b.Body)
	}
	cwWant(t, htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/consent", map[string]any{}, auth...), http.StatusUnprocessableEntity, "consent without value")
	cwWant(t, htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/consent", map[string]any{"share_identity": true}), http.StatusUnauthorized, "consent without receipt")

	// A proposal, refused then another accepted, through the API.
	cwWant(t, cwAPI(t, cast.empResponder, s, http.MethodPost, fmt.Sprintf("/api/v1/referrals/%d/acknowledge", ref.ID), map[string]any{"accept": true}), http.StatusOK, "ack")
	r = cwAPI(t, cast.empResponder, s, http.MethodPost, apiURL+"/remedies", map[string]any{"type": "compensation", "amount": 120000, "currency": "JPY", "description": "Compensation"})
	cwWant(t, r, http.StatusCreated, "propose")
	var rem struct {
		ID     int64  `json:"id"`
		Amount string `json:"amount"`
	}
	r.decode(t, &rem)
	if rem.Amount != "120000" {
		t.Errorf("amount %q", rem.Amount)
	}
	r = htAPI(t, s, http.MethodPost, fmt.Sprintf("/api/v1/grievances/self/remedies/%d/decision", rem.ID), map[string]any{"accept": false}, auth...)
	cwWant(t, r, http.StatusOK, "refuse")
	if !strings.Contains(string(r.Body), `"case_status":"in_dialogue"`) {
		t.Errorf("refusal answer %s", r.Body)
	}
	cwWant(t, htAPI(t, s, http.MethodPost, fmt.Sprintf("/api/v1/grievances/self/remedies/%d/decision", rem.ID), map[string]any{"accept": true}, auth...), http.StatusConflict, "decide twice")
	cwWant(t, htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/remedies/99999/decision", map[string]any{"accept": true}, auth...), http.StatusNotFound, "unknown remedy")
	cwWant(t, htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/feedback", map[string]any{"satisfaction": 3, "retaliation": false}, auth...), http.StatusUnprocessableEntity, "feedback while open")

	// Withdrawal: only the worker; final.
	r = htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/withdraw", nil, auth...)
	cwWant(t, r, http.StatusOK, "withdraw")
	cwWant(t, htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/withdraw", nil, auth...), http.StatusUnprocessableEntity, "withdraw twice")
	var self htSelf
	htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, auth...).decode(t, &self)
	if self.Status != "withdrawn" {
		t.Errorf("status after withdrawal %q", self.Status)
	}
}

// TestCaseworkWorkerForms: the worker's forms keep their promises: errors
// next to the field, in the worker's language, nothing lost.
func TestCaseworkWorkerForms(t *testing.T) {
	s := stack.New(t, store.SQLite)
	cast := cwNewCast(t, s)
	c, worker := cwFile(t, s, false)
	worker.accept = "vi"

	// Consent toggles from the page, and the page says which is on.
	wp := worker.get("/case", "Accept-Language", "vi")
	if !strings.Contains(wp.text(), htT(t, "vi", "casework.worker.consent.off")) {
		t.Error("the page does not say the name is hidden")
	}
	wp = worker.redirected(worker.post("/case/consent", url.Values{"share_identity": {"1"}}, "Accept-Language", "vi"), "/case?done=consent")
	if !strings.Contains(wp.text(), htT(t, "vi", "casework.worker.consent.on")) || !strings.Contains(wp.text(), htT(t, "vi", "casework.worker.done.consent")) {
		t.Error("the page does not say the name is shared now")
	}

	// Withdrawal needs the box ticked.
	r := worker.post("/case/withdraw", url.Values{}, "Accept-Language", "vi")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), htT(t, "vi", "casework.error.confirm")) || !strings.Contains(r.Body, `id="e-confirm"`) {
		t.Errorf("withdraw without confirming: %d", r.Status)
	}
	// Out of scope: the worker is told why and where to go, in the page.
	cwWant(t, cwAPI(t, cast.caseworker, s, http.MethodPost, "/api/v1/cases/"+c.Ref+"/transitions",
		map[string]any{"to": "out_of_scope", "reason": "Tax question", "redirect_to": "Tax office, 0570-00-5901"}), http.StatusOK, "out of scope")
	wp = worker.get("/case", "Accept-Language", "vi")
	if !strings.Contains(wp.text(), "Tax office, 0570-00-5901") || !strings.Contains(wp.text(), htT(t, "vi", "status.out_of_scope.now")) {
		t.Error("out of scope: the worker is not told where to go")
	}
	if strings.Contains(wp.Body, `action="/case/withdraw"`) {
		t.Error("a finished case offers withdrawal")
	}
	// Without a session the forms lead to /follow.
	anon := htNewWorker(t, s)
	for _, path := range []string{"/case/consent", "/case/withdraw", "/case/feedback", "/case/remedies/1/decision"} {
		r := anon.post(path, url.Values{})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/follow" {
			t.Errorf("POST %s without a session: %d %s", path, r.Status, r.Header.Get("Location"))
		}
	}
}

// TestCaseworkStaffForms: validation on the staff page keeps what was
// typed; out of scope and escalation ask for what they need.
func TestCaseworkStaffForms(t *testing.T) {
	s := stack.New(t, store.SQLite)
	cast := cwNewCast(t, s)
	c, _ := cwFile(t, s, false)
	caseURL := "/staff/cases/" + c.Ref
	r := cwPage(t, cast.caseworker, s, http.MethodPost, caseURL+"/transitions", url.Values{"to": {"out_of_scope"}, "note": {"typed note"}, "redirect_to": {"somewhere"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "typed note") || !strings.Contains(r.text(), "somewhere") ||
		!strings.Contains(r.text(), htT(t, "en", "error.required")) {
		t.Errorf("out of scope without reason: %d\n%s", r.Status, htSnippet(r.Body))
	}
	r = cwPage(t, cast.caseworker, s, http.MethodPost, caseURL+"/transitions", url.Values{"to": {"escalated"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), htT(t, "en", "casework.error.escalated_to")) {
		t.Errorf("escalated without body: %d", r.Status)
	}
	cwPost(t, cast.caseworker, s, caseURL+"/transitions", url.Values{"to": {"escalated"}, "escalated_to": {"otit"}}, caseURL+"?done=transition")
	p := cwPage(t, cast.caseworker, s, http.MethodGet, caseURL, nil)
	if !strings.Contains(p.text(), htT(t, "en", "casework.escalation.otit")) {
		t.Error("the escalation body is not on the case page")
	}
	// A viewer sees the case, no buttons, and may not post.
	p = cwPage(t, cast.viewer, s, http.MethodGet, caseURL, nil)
	if p.Status != http.StatusOK || strings.Contains(p.Body, `name="to"`) || strings.Contains(p.text(), cwNarrative) {
		t.Errorf("viewer's page: %d, buttons or narrative shown", p.Status)
	}
	r = cwPage(t, cast.viewer, s, http.MethodPost, caseURL+"/transitions", url.Values{"to": {"closed"}})
	if r.Status != http.StatusForbidden {
		t.Errorf("viewer posts a transition: %d", r.Status)
	}
	// Without signing in, the page sends to the sign-in page.
	anon := htNewWorker(t, s)
	if r := anon.get(caseURL); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/staff/signin" {
		t.Errorf("anonymous: %d %s", r.Status, r.Header.Get("Location"))
	}
}
