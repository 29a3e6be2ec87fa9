package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"remedy/internal/casework"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/testutil/browser"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
)

// Selectors of the staff pages and of the worker's decisions on /case.
const (
	selSigninSubmit   = `form[action="/staff/signin"] button[type=submit]`
	selStaffH1        = "main h1"
	selStaffNotice    = "main p.ok"
	selShowIdentity   = `section[aria-labelledby="h-identity"] form[method="get"] button[type=submit]`
	selIdentity       = "#identity"
	selNarrativeShown = `section[aria-labelledby="h-narrative"] p.body`
	selTransitionNote = "#t-note"
	selReferNote      = "#r-note"
	selReferSubmit    = `form[action$="/referrals"] button[type=submit]`
	selAckAccept      = `form[action^="/staff/referrals/"][action$="/acknowledge"] button[name="accept"][value="1"]`
	selRemedyType     = "#rm-type"
	selRemedyAmount   = "#rm-amount"
	selRemedyCurrency = "#rm-currency"
	selRemedyDesc     = "#rm-desc"
	selRemedySubmit   = `form[action$="/remedies"] button[type=submit]`
	selEvidence       = `form[action$="/implemented"] textarea[name="evidence"]`
	selImplemented    = `form[action$="/implemented"] button[type=submit]`
	selWorkerAccept   = `#remedies form[action^="/case/remedies/"] button[name="accept"][value="1"]`
	selFeedbackSubmit = `#feedback button[type=submit]`
)

// transitionButton is the button of the case page that moves the case to
// status to.
func transitionButton(to grievance.Status) string {
	return fmt.Sprintf(`form[action$="/transitions"] button[name="to"][value=%q]`, string(to))
}

// referTo is the label of an organisation's checkbox on the referral form.
func referTo(id int64) string {
	return fmt.Sprintf(`label.opt:has(input[name="organization_id"][value="%d"])`, id)
}

// cwPerson adds a person with role to o, as an admin does, and returns
// their email and TOTP secret for signing in through the page.
func cwPerson(t *testing.T, app *stack.Stack, o org.Organization, role org.Role, name string) (string, string) {
	t.Helper()
	email := fmt.Sprintf("cw-%s-%d@example.org", role, o.ID)
	secret, err := app.Staff.AddPerson(context.Background(), org.Person{OrgID: o.ID, Email: email, Role: role, Name: name}, stack.StaffPassword, "system")
	if err != nil {
		t.Fatalf("add %s to %s: %v", role, o.Name, err)
	}
	return email, secret
}

// cwSignIn signs in on /staff/signin, in lang, by typing the email, the
// password and the code the person's authenticator app shows now.
func cwSignIn(t *testing.T, ctx context.Context, app *stack.Stack, p *i18n.Printer, lang, email, secret string) {
	t.Helper()
	code, err := vault.TOTPCode(secret, app.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "open the sign-in page", navigate(app.URL+"/staff/signin?lang="+lang))
	var h1 string
	step(t, ctx, "read the sign-in page", text(selStaffH1, &h1))
	if want := p.T("staff.signin.title"); h1 != want {
		t.Errorf("sign-in heading = %q, want %s staff.signin.title %q", h1, lang, want)
	}
	step(t, ctx, "type email, password and code",
		typeInto("#f-email", email), typeInto("#f-password", stack.StaffPassword), typeInto("#f-code", code))
	if st := navigation(t, ctx, "sign in as "+email, click(selSigninSubmit)); st != http.StatusOK {
		t.Fatalf("signing in as %s answered %d", email, st)
	}
	var loc string
	step(t, ctx, "read where sign-in led", chromedp.Location(&loc))
	if u, err := url.Parse(loc); err != nil || u.Path != "/staff" {
		var alert string
		_ = chromedp.Run(ctx, text("main", &alert))
		t.Fatalf("sign-in as %s led to %s, want /staff; page says %q", email, loc, alert)
	}
}

// pageHTML is the whole document as the browser has it.
func pageHTML(t *testing.T, ctx context.Context, what string) string {
	t.Helper()
	var html string
	step(t, ctx, "read the HTML of "+what, chromedp.OuterHTML("html", &html, chromedp.ByQuery))
	return html
}

// leaks lists the markers found in body.
func leaks(body string, markers map[string]string) []string {
	var out []string
	for what, m := range markers {
		if strings.Contains(body, m) {
			out = append(out, fmt.Sprintf("%s (%q)", what, m))
		}
	}
	return out
}

// cwAPI calls the staff API with a bearer token and returns the status and
// the body.
func cwAPI(t *testing.T, app *stack.Stack, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, app.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// TestCaseworkJourneyAcrossBorders is the whole way from a grievance to
// remedy, in real Chromium, by clicks and typing: a Vietnamese worker
// without JavaScript files about unpaid overtime and does not agree to be
// named; the mechanism's caseworker (signed in with password and TOTP)
// acknowledges it, reviews it and refers it, without the worker's
// identity, to the employer in Japan and to the sending agency in Viet
// Nam; the employer's responder, in Japanese, accepts the referral and
// proposes back pay; the worker accepts on the receipt page; the
// caseworker records the payment and closes the case; the worker rates it.
// The employer never sees who the worker is or what they wrote — on its
// pages or through the API — while the caseworker can, and that reading is
// in the audit trail.
//
// It runs on each engine (PostgreSQL when REMEDY_TEST_POSTGRES is set).
func TestCaseworkJourneyAcrossBorders(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) { caseworkJourney(t, engine) })
	}
}

func caseworkJourney(t *testing.T, engine string) {
	start := time.Now()
	app := stack.New(t, engine) // first: skips before starting a browser when the engine is not there
	worker := browser.NewNoJS(t)
	cat := loadCatalogs(t)
	vi, en, ja := cat.Printer("vi"), cat.Printer("en"), cat.Printer("ja")
	bg := context.Background()

	// What the worker writes that identifies them, each with a marker no
	// page would contain by chance.
	const (
		narrativeMark = "Quokkavant"
		nameMark      = "Wallabinh"
		phoneMark     = "917305264"
		employerMark  = "Kangarushi"
		agencyNote    = "Hoàn phí môi giới — AGNOTE4417"

		narrative    = "Công ty không trả tiền làm thêm giờ ba tháng nay. Quản đốc " + narrativeMark + " nói sẽ trả sau nhưng không trả."
		contactName  = "Nguyễn Thị " + nameMark
		phone        = "+84" + phoneMark
		employerName = "Công ty TNHH " + employerMark + " Seiko"
		employerNote = "Unpaid overtime for three months at your Osaka plant; please check the payroll records."
		remedyDesc   = "未払いの残業代3か月分を支払います。Trả tiền làm thêm giờ của ba tháng."
		evidence     = "Bank transfer of 240,000 JPY seen on the worker's payslip."
	)
	identityMarks := map[string]string{
		"narrative": narrativeMark, "contact name": nameMark, "phone": phoneMark, "employer name as written": employerMark,
	}
	// Nor may it see what stays with the mechanism or another organisation:
	// the caseworker's notes on transitions, the agency's referral note.
	employerMustNotSee := map[string]string{"the caseworker's internal note": "CWNOTE2291", "the agency's referral note": "AGNOTE4417"}
	for k, v := range identityMarks {
		employerMustNotSee[k] = v
	}

	mechanism := app.NewOrg(t, org.Mechanism, "JP")
	employer := app.NewOrg(t, org.Employer, "JP")
	agency := app.NewOrg(t, org.SendingAgency, "VN")
	cwEmail, cwSecret := cwPerson(t, app, mechanism, org.Caseworker, "Sato Hanako")
	respEmail, respSecret := cwPerson(t, app, employer, org.Responder, "Tanaka Ichiro")

	caseStatus := func(ref string) grievance.Case {
		t.Helper()
		rec, err := app.DB.CaseByReference(bg, ref)
		if err != nil {
			t.Fatalf("case %s: %v", ref, err)
		}
		return rec.Case
	}

	// 1. The worker files the grievance in Vietnamese, without JavaScript,
	// and does not agree to be named to the organisations.
	step(t, worker, "open the start page in Vietnamese", navigate(app.URL+"/?lang=vi"))
	step(t, worker, "fill in the grievance",
		click(categoryLabel("wages.unpaid")),
		click(categoryLabel("wages.overtime")),
		typeInto(selNarrative, narrative),
		click(optionLabel("program", "technical_intern")),
		click(optionLabel("origin_country", "VN")),
		typeInto(selPrefecture, "Osaka"),
		typeInto("#f-employer_name", employerName),
		typeInto(selChannel, kb.ArrowDown), // none → phone, as on a keyboard
		typeInto(`[id="f-contact.name"]`, contactName),
		typeInto(`[id="f-contact.value"]`, phone),
	)
	var channel string
	step(t, worker, "read the chosen channel", chromedp.Value(selChannel, &channel, chromedp.ByQuery))
	if channel != "phone" {
		t.Fatalf("contact channel = %q after one arrow down, want phone", channel)
	}
	if got, err := checkedValues(worker, "share_identity"); err != nil || len(got) != 0 {
		t.Fatalf("consent is ticked before the worker ticks it: %q, %v", got, err)
	}
	if st := navigation(t, worker, "send the grievance", click(selIntakeSubmit)); st != http.StatusOK {
		t.Fatalf("sending the grievance answered %d", st)
	}
	step(t, worker, "see the receipt", waitVisible(selReceipt))
	var ref, receipt string
	step(t, worker, "read reference and receipt", text(selReference, &ref), text(selReceipt, &receipt))
	if ref == "" || !receiptGrouped.MatchString(receipt) {
		t.Fatalf("receipt page: reference %q, receipt %q", ref, receipt)
	}
	if c := caseStatus(ref); c.Status != grievance.StatusReceived || c.ShareIdentity || c.Language != "vi" {
		t.Fatalf("filed case: status %s, share_identity %v, language %s; want received, false, vi", c.Status, c.ShareIdentity, c.Language)
	}
	caseURL := app.URL + "/staff/cases/" + url.PathEscape(ref)
	refLink := fmt.Sprintf(`main table a[href="/staff/cases/%s"]`, ref)

	// 2. The caseworker signs in with the code of the moment, finds the
	// case in the inbox, reads it, looks at who the worker is (audited),
	// acknowledges it, reviews it and refers it to the employer and the
	// agency, without the worker's identity.
	cw := browser.New(t)
	cwSignIn(t, cw, app, en, "en", cwEmail, cwSecret)
	var h1 string
	step(t, cw, "see the inbox", waitVisible(refLink), text(selStaffH1, &h1))
	if want := en.T("staff.inbox"); h1 != want {
		t.Errorf("inbox heading = %q, want %q", h1, want)
	}
	if st := navigation(t, cw, "open the case from the inbox", click(refLink)); st != http.StatusOK {
		t.Fatalf("the case page answered %d", st)
	}
	wantH1 := func(p *i18n.Printer, st grievance.Status) string {
		return ref + " · " + p.T("casework.status."+string(st))
	}
	var shownNarrative string
	step(t, cw, "read the case", text(selStaffH1, &h1), text(selNarrativeShown, &shownNarrative))
	if want := wantH1(en, grievance.StatusReceived); h1 != want {
		t.Errorf("case heading = %q, want %q", h1, want)
	}
	if shownNarrative != narrative {
		t.Errorf("the caseworker sees the narrative %q, want %q", shownNarrative, narrative)
	}
	if html := pageHTML(t, cw, "the caseworker's case page"); strings.Contains(html, nameMark) || strings.Contains(html, phoneMark) {
		t.Error("the caseworker's case page shows the worker's identity before it is asked for")
	}

	var showLabel string
	step(t, cw, "read the show-identity button", text(selShowIdentity, &showLabel))
	if want := en.T("casework.identity.show"); showLabel != want {
		t.Errorf("show-identity button = %q, want %q", showLabel, want)
	}
	navigation(t, cw, "show the identity", click(selShowIdentity))
	var identity string
	step(t, cw, "read the identity", waitVisible(selIdentity), text(selIdentity, &identity))
	for what, m := range map[string]string{"name": contactName, "phone": phone, "employer": employerName} {
		if !strings.Contains(identity, m) {
			t.Errorf("the revealed identity lacks the %s %q: %q", what, m, identity)
		}
	}
	cwPersonRec, err := app.DB.PersonByEmail(bg, cwEmail)
	if err != nil {
		t.Fatal(err)
	}
	cwActor := fmt.Sprintf("staff:%d", cwPersonRec.Person.ID)

	// Acknowledge, then review, each with a note.
	step(t, cw, "back to the case page", navigate(caseURL))
	step(t, cw, "note the acknowledgement", typeInto(selTransitionNote, "Called the worker's contact channel; no answer yet. CWNOTE2291"))
	navigation(t, cw, "acknowledge", click(transitionButton(grievance.StatusAcknowledged)))
	var notice string
	step(t, cw, "see it acknowledged", waitVisible(selStaffNotice), text(selStaffNotice, &notice), text(selStaffH1, &h1))
	if want := en.T("casework.done.transition"); notice != want {
		t.Errorf("after acknowledging: notice %q, want %q", notice, want)
	}
	if want := wantH1(en, grievance.StatusAcknowledged); h1 != want {
		t.Errorf("after acknowledging: heading %q, want %q", h1, want)
	}
	step(t, cw, "note the review", typeInto(selTransitionNote, "Overtime records requested from the worker. CWNOTE2291"))
	navigation(t, cw, "move to review", click(transitionButton(grievance.StatusInReview)))
	step(t, cw, "see it in review", waitVisible(selStaffNotice), text(selStaffH1, &h1))
	if want := wantH1(en, grievance.StatusInReview); h1 != want {
		t.Errorf("after review: heading %q, want %q", h1, want)
	}

	// Refer to the employer in Japan, then to the agency in Viet Nam, each
	// with its own note.
	for _, r := range []struct {
		o    org.Organization
		note string
	}{{employer, employerNote}, {agency, agencyNote}} {
		step(t, cw, "choose "+r.o.Name+" and write the note", click(referTo(r.o.ID)), typeInto(selReferNote, r.note))
		navigation(t, cw, "refer to "+r.o.Name, click(selReferSubmit))
		step(t, cw, "see the referral to "+r.o.Name+" sent", waitVisible(selStaffNotice), text(selStaffNotice, &notice), text(selStaffH1, &h1))
		if want := en.T("casework.done.referral"); notice != want {
			t.Errorf("after referring to %s: notice %q, want %q", r.o.Name, notice, want)
		}
		if want := wantH1(en, grievance.StatusReferred); h1 != want {
			t.Errorf("after referring to %s: heading %q, want %q", r.o.Name, h1, want)
		}
	}
	referrals, err := app.DB.Referrals(bg, caseStatus(ref).ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(referrals) != 2 || referrals[0].OrgID != employer.ID || referrals[1].OrgID != agency.ID {
		t.Fatalf("referrals after the two forms: %+v, want the employer's and the agency's", referrals)
	}
	if caseStatus(ref).ShareIdentity {
		t.Fatal("referring turned the worker's consent on")
	}
	// The caseworker sees their own notes and both referral notes (so that
	// not finding them on the employer's pages means something).
	if html := pageHTML(t, cw, "the caseworker's case page after referring"); !strings.Contains(html, "CWNOTE2291") || !strings.Contains(html, "AGNOTE4417") {
		t.Error("the caseworker's case page lacks the transition notes or the agency's referral note")
	}

	// 3. The employer's responder, in Japanese, finds the case in their
	// inbox, accepts the referral and proposes back pay — seeing the facts
	// the caseworker wrote, never who the worker is or what they wrote.
	emp := browser.New(t)
	var employerPages []string
	seen := func(what string) {
		t.Helper()
		html := pageHTML(t, emp, what)
		employerPages = append(employerPages, what)
		if l := leaks(html, employerMustNotSee); len(l) > 0 {
			t.Errorf("the employer's %s shows %s", what, strings.Join(l, ", "))
		}
	}
	cwSignIn(t, emp, app, ja, "ja", respEmail, respSecret)
	step(t, emp, "see the case in the employer's inbox", waitVisible(refLink), text(selStaffH1, &h1))
	if want := ja.T("staff.inbox"); h1 != want {
		t.Errorf("employer inbox heading = %q, want ja %q", h1, want)
	}
	seen("inbox")
	if st := navigation(t, emp, "open the case from the employer's inbox", click(refLink)); st != http.StatusOK {
		t.Fatalf("the employer's case page answered %d", st)
	}
	step(t, emp, "read the employer's case page", text(selStaffH1, &h1))
	if want := wantH1(ja, grievance.StatusReferred); h1 != want {
		t.Errorf("employer case heading = %q, want %q", h1, want)
	}
	seen("case page")
	var mainText string
	step(t, emp, "read what the employer is told", text("main", &mainText))
	for _, key := range []string{"casework.narrative.withheld", "casework.identity.withheld"} {
		if want := ja.T(key); !strings.Contains(mainText, want) {
			t.Errorf("the employer's case page lacks ja %s %q", key, want)
		}
	}
	if !strings.Contains(mainText, employerNote) {
		t.Errorf("the employer does not see the caseworker's note to them %q", employerNote)
	}
	var showButtons []*cdp.Node
	step(t, emp, "look for a show-identity button", chromedp.Nodes(selShowIdentity, &showButtons, chromedp.ByQueryAll, chromedp.AtLeast(0)))
	if len(showButtons) != 0 {
		t.Error("the employer's case page offers to show the worker's identity")
	}

	navigation(t, emp, "accept the referral", click(selAckAccept))
	step(t, emp, "see the referral accepted", waitVisible(selStaffNotice), text(selStaffNotice, &notice))
	if want := ja.T("casework.done.acknowledged"); notice != want {
		t.Errorf("after accepting: notice %q, want ja %q", notice, want)
	}
	seen("case page after accepting")

	step(t, emp, "fill in the remedy",
		typeInto(selRemedyType, kb.ArrowDown), // apology → restitution
		typeInto(selRemedyAmount, "240000"),
		typeInto(selRemedyCurrency, "JPY"),
		typeInto(selRemedyDesc, remedyDesc),
	)
	var remedyType string
	step(t, emp, "read the chosen remedy type", chromedp.Value(selRemedyType, &remedyType, chromedp.ByQuery))
	if remedyType != string(grievance.RemedyRestitution) {
		t.Fatalf("remedy type = %q after one arrow down, want restitution", remedyType)
	}
	navigation(t, emp, "propose the remedy", click(selRemedySubmit))
	step(t, emp, "see the remedy proposed", waitVisible(selStaffNotice), text(selStaffNotice, &notice), text(selStaffH1, &h1))
	if want := ja.T("casework.done.remedy"); notice != want {
		t.Errorf("after proposing: notice %q, want ja %q", notice, want)
	}
	if want := wantH1(ja, grievance.StatusRemedyProposed); h1 != want {
		t.Errorf("after proposing: heading %q, want %q", h1, want)
	}
	seen("case page after proposing")

	// Asking for the identity in the address changes nothing for them,
	// and is not recorded as a read.
	step(t, emp, "ask for the identity in the address", navigate(caseURL+"?identity=1"))
	seen("case page with ?identity=1")

	// 4. The worker comes back with the receipt, without JavaScript, sees
	// the proposal in Vietnamese and accepts it.
	step(t, worker, "open the follow page", navigate(app.URL+"/follow"))
	step(t, worker, "type the receipt", typeInto(selFollowInput, receipt))
	navigation(t, worker, "open the case with the receipt", click(selFollowSubmit))
	step(t, worker, "see the case page", waitVisible(selStatusNow))
	var statusNow, proposalType, proposalBody, amount string
	step(t, worker, "read the proposal",
		text(selStatusNow, &statusNow),
		text("#remedies li h3", &proposalType),
		text("#remedies li p.body", &proposalBody),
		text("#remedies li dl.status", &amount))
	if want := vi.T("status.remedy_proposed.now"); statusNow != want {
		t.Errorf("worker status = %q, want vi %q", statusNow, want)
	}
	if want := vi.T("casework.remedy.restitution"); proposalType != want {
		t.Errorf("proposal type = %q, want vi %q", proposalType, want)
	}
	if proposalBody != remedyDesc {
		t.Errorf("proposal text = %q, want %q", proposalBody, remedyDesc)
	}
	if want := casework.FormatAmount(240000, "JPY"); !strings.Contains(amount, want) || !strings.Contains(amount, vi.T("casework.worker.amount")) {
		t.Errorf("proposal details = %q, want vi %q and %q", amount, vi.T("casework.worker.amount"), want)
	}
	var acceptLabel string
	step(t, worker, "read the accept button", text(selWorkerAccept, &acceptLabel))
	if want := vi.T("casework.worker.accept"); acceptLabel != want {
		t.Errorf("accept button = %q, want vi %q", acceptLabel, want)
	}
	navigation(t, worker, "accept the proposal", click(selWorkerAccept))
	step(t, worker, "see it accepted", waitVisible(selNotice), text(selNotice, &notice), text(selStatusNow, &statusNow))
	if want := vi.T("casework.worker.done.accepted"); notice != want {
		t.Errorf("after accepting: notice %q, want vi %q", notice, want)
	}
	if want := vi.T("status.remedy_accepted.now"); statusNow != want {
		t.Errorf("after accepting: status %q, want vi %q", statusNow, want)
	}

	// 5. The caseworker records the payment with its evidence and closes
	// the case.
	step(t, cw, "reload the case", navigate(caseURL), text(selStaffH1, &h1))
	if want := wantH1(en, grievance.StatusRemedyAccepted); h1 != want {
		t.Errorf("caseworker heading after the worker accepted = %q, want %q", h1, want)
	}
	step(t, cw, "write the evidence", typeInto(selEvidence, evidence))
	navigation(t, cw, "record it carried out", click(selImplemented))
	step(t, cw, "see it carried out", waitVisible(selStaffNotice), text(selStaffNotice, &notice), text(selStaffH1, &h1))
	if want := en.T("casework.done.implemented"); notice != want {
		t.Errorf("after recording: notice %q, want %q", notice, want)
	}
	if want := wantH1(en, grievance.StatusRemedyImplemented); h1 != want {
		t.Errorf("after recording: heading %q, want %q", h1, want)
	}
	navigation(t, cw, "close the case", click(transitionButton(grievance.StatusClosed)))
	step(t, cw, "see it closed", waitVisible(selStaffNotice), text(selStaffH1, &h1))
	if want := wantH1(en, grievance.StatusClosed); h1 != want {
		t.Errorf("after closing: heading %q, want %q", h1, want)
	}

	// 6. The worker rates how it went.
	step(t, worker, "reload the case page", navigate(app.URL+"/case"), text(selStatusNow, &statusNow))
	if want := vi.T("status.closed.now"); statusNow != want {
		t.Errorf("worker status after closing = %q, want vi %q", statusNow, want)
	}
	var fbTitle string
	step(t, worker, "read the feedback form", text("#feedback h2", &fbTitle))
	if want := vi.T("casework.worker.feedback.title"); fbTitle != want {
		t.Errorf("feedback title = %q, want vi %q", fbTitle, want)
	}
	step(t, worker, "rate 4 and say no retaliation",
		click(`#feedback label.opt:has(input[name="satisfaction"][value="4"])`),
		click(`#feedback label.opt:has(input[name="retaliation"][value="no"])`))
	navigation(t, worker, "send the feedback", click(selFeedbackSubmit))
	step(t, worker, "see the thanks", waitVisible(selNotice), text(selNotice, &notice))
	if want := vi.T("casework.worker.done.feedback"); notice != want {
		t.Errorf("after the feedback: notice %q, want vi %q", notice, want)
	}
	fb, err := app.DB.FeedbackOf(bg, caseStatus(ref).ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fb) != 1 || fb[0].Satisfaction != 4 || fb[0].Retaliation {
		t.Errorf("feedback stored: %+v, want one answer: 4, no retaliation", fb)
	}

	// 7. Privacy. The employer's pages, one last time after closing.
	step(t, emp, "reload the closed case as the employer", navigate(caseURL))
	seen("closed case page")
	step(t, emp, "reload the employer's inbox", navigate(app.URL+"/staff"))
	seen("inbox after closing")

	// The employer's API, with a bearer token (a new TOTP period: the
	// browser's sign-in used this one).
	app.Clock.Advance(30 * time.Second)
	code, err := vault.TOTPCode(respSecret, app.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	st, body := cwAPI(t, app, "", http.MethodPost, "/api/v1/session", map[string]string{"email": respEmail, "password": stack.StaffPassword, "code": code})
	var session struct {
		Token string `json:"token"`
	}
	if st != http.StatusCreated || json.Unmarshal(body, &session) != nil || session.Token == "" {
		t.Fatalf("responder API sign-in: %d %s", st, body)
	}
	for _, path := range []string{
		"/api/v1/cases/" + url.PathEscape(ref),
		"/api/v1/cases/" + url.PathEscape(ref) + "?include=identity",
		"/api/v1/cases",
		"/api/v1/cases?status=closed",
	} {
		st, body := cwAPI(t, app, session.Token, http.MethodGet, path, nil)
		if st != http.StatusOK {
			t.Errorf("GET %s as the employer: %d %s", path, st, body)
			continue
		}
		if !strings.Contains(string(body), ref) {
			t.Errorf("GET %s as the employer does not list the case %s: %s", path, ref, body)
		}
		if l := leaks(string(body), employerMustNotSee); len(l) > 0 {
			t.Errorf("GET %s as the employer shows %s", path, strings.Join(l, ", "))
		}
		if strings.HasPrefix(path, "/api/v1/cases/") {
			var c map[string]json.RawMessage
			if err := json.Unmarshal(body, &c); err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			for _, field := range []string{"identity", "narrative"} {
				if v, ok := c[field]; ok && string(v) != "null" {
					t.Errorf("GET %s as the employer returns the worker's %s: %s", path, field, v)
				}
			}
		}
	}

	// The audit trail has the caseworker's reads, and none by the
	// employer.
	entries, err := app.DB.AuditEntriesForCase(bg, ref)
	if err != nil {
		t.Fatal(err)
	}
	respRec, err := app.DB.PersonByEmail(bg, respEmail)
	if err != nil {
		t.Fatal(err)
	}
	respActor := fmt.Sprintf("staff:%d", respRec.Person.ID)
	var identityReads, narrativeReads int
	for _, e := range entries {
		switch {
		case e.Action == "identity.read" && e.Actor == cwActor:
			identityReads++
		case e.Action == "narrative.read" && e.Actor == cwActor:
			narrativeReads++
		case (e.Action == "identity.read" || e.Action == "narrative.read") && e.Actor == respActor:
			t.Errorf("the audit trail says the employer's responder read the worker's %s: %+v", e.Action, e)
		}
		if l := leaks(e.Detail, identityMarks); len(l) > 0 {
			t.Errorf("audit entry %d (%s) holds %s", e.Seq, e.Action, strings.Join(l, ", "))
		}
	}
	if identityReads != 1 {
		t.Errorf("identity.read by the caseworker (%s): %d entries, want 1 (one reveal)", cwActor, identityReads)
	}
	if narrativeReads == 0 {
		t.Errorf("no narrative.read by the caseworker (%s) in the audit trail", cwActor)
	}
	if c := caseStatus(ref); c.Status != grievance.StatusClosed {
		t.Errorf("case status at the end = %s, want closed", c.Status)
	}
	t.Logf("journey of %s done in %s; the employer's pages checked: %s", ref, time.Since(start).Round(time.Millisecond), strings.Join(employerPages, ", "))
}
