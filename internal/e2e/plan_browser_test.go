package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/browser"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

// planPerson adds a person with role to o and returns their email and TOTP
// secret, for signing in through the page as a person does.
func planPerson(t *testing.T, app *stack.Stack, o org.Organization, role org.Role) (string, string) {
	t.Helper()
	email := fmt.Sprintf("%s.%d@example.org", role, o.ID)
	secret, err := app.Staff.AddPerson(context.Background(), org.Person{OrgID: o.ID, Email: email, Role: role, Name: "Test " + string(role)}, stack.StaffPassword, "system")
	if err != nil {
		t.Fatal(err)
	}
	return email, secret
}

// signIn signs in on /staff/signin by typing, as a person does.
func signIn(t *testing.T, ctx context.Context, app *stack.Stack, email, secret string) {
	t.Helper()
	code, err := vault.TOTPCode(secret, app.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "open the sign-in page", navigate(app.URL+"/staff/signin?lang=en"))
	step(t, ctx, "type the credentials", typeInto("#f-email", email), typeInto("#f-password", stack.StaffPassword), typeInto("#f-code", code))
	if st := navigation(t, ctx, "sign in", click(`form[action="/staff/signin"] button[type=submit]`)); st != 200 {
		t.Fatalf("signing in answered %d", st)
	}
	var url string
	step(t, ctx, "read where sign-in led", chromedp.Location(&url))
	if strings.Contains(url, "/staff/signin") {
		t.Fatalf("sign-in as %s failed", email)
	}
}

// TestPlanJourney: a coordinator adds a proposed action with partners from
// two countries; a partner posts a progress update; the public view shows
// both, in a Japanese and in a Khmer interface.
func TestPlanJourney(t *testing.T) {
	ctx := browser.New(t)
	app := stack.New(t, store.SQLite)
	cat := loadCatalogs(t)
	bg := context.Background()

	desk := app.NewOrg(t, org.InternationalOrg, "TH")
	union := app.NewOrg(t, org.Union, "JP")
	agencyVN := app.NewOrg(t, org.SendingAgency, "VN")
	csoKH := app.NewOrg(t, org.CSO, "KH")
	svc := &planservice.Service{DB: app.DB, Now: app.Clock.Now, Rand: rand.Reader}
	if _, err := svc.ImportSystem(bg, &workplan.Plan{
		Areas:    []workplan.Area{{Code: "GM", Position: 1, Lang: "en", Title: "Grievance mechanisms"}},
		Outcomes: []workplan.Outcome{{Code: "GM.1", AreaCode: "GM", Lang: "en", Title: "Grievances reach whoever can remedy them"}},
	}); err != nil {
		t.Fatal(err)
	}
	plan, err := app.DB.LoadPlan(bg)
	if err != nil {
		t.Fatal(err)
	}
	coordEmail, coordSecret := planPerson(t, app, desk, org.Coordinator)
	partnerEmail, partnerSecret := planPerson(t, app, csoKH, org.Responder)

	const (
		title    = "Referral of grievances between Japan, Viet Nam and Cambodia"
		progress = "ការប្រជុំលើកដំបូងជាមួយដៃគូបានធ្វើឡើង។ First meeting held with the partners."
	)

	// 1. The coordinator adds a proposed action with partners from Viet Nam
	// and Cambodia.
	signIn(t, ctx, app, coordEmail, coordSecret)
	step(t, ctx, "open the plan's desk", navigate(app.URL+"/staff/plan?lang=en"))
	if st := navigation(t, ctx, "open the new-action form", click("#new-action")); st != 200 {
		t.Fatalf("new-action form: %d", st)
	}
	step(t, ctx, "fill in the action",
		chromedp.SetValue("#f-area", fmt.Sprint(plan.Areas[0].ID), chromedp.ByQuery),
		chromedp.SetValue("#f-outcome", fmt.Sprint(plan.Outcomes[0].ID), chromedp.ByQuery),
		typeInto("#f-code", "GM.1.referrals"),
		chromedp.SetValue("#f-lead", fmt.Sprint(union.ID), chromedp.ByQuery),
		click(`label.opt:has(input[name="kind"][value="proposed"])`),
		chromedp.SetValue("#f-status", "proposed", chromedp.ByQuery),
		typeInto("#f-title", title),
		typeInto("#f-description", "Who passes a grievance to whom, in which language, and by when."),
		click(fmt.Sprintf(`label.opt:has(input[name="partners"][value="%d"])`, agencyVN.ID)),
		click(fmt.Sprintf(`label.opt:has(input[name="partners"][value="%d"])`, csoKH.ID)),
		click(`label.opt:has(input[name="countries"][value="JP"])`),
		click(`label.opt:has(input[name="countries"][value="VN"])`),
		click(`label.opt:has(input[name="countries"][value="KH"])`),
	)
	if st := navigation(t, ctx, "save the action", click("#action-save")); st != 200 {
		t.Fatalf("saving the action answered %d", st)
	}
	var notice, editURL string
	step(t, ctx, "see it saved", waitVisible("#notice"), text("#notice", &notice), chromedp.Location(&editURL))
	if notice != cat.Printer("en").T("plan.saved") {
		t.Errorf("notice %q", notice)
	}
	plan, _ = app.DB.LoadPlan(bg)
	if len(plan.Actions) != 1 {
		t.Fatalf("actions after saving: %d", len(plan.Actions))
	}
	a := plan.Actions[0]
	if a.Title != title || a.Kind != workplan.ProposedKind || a.Lead.ID != union.ID || len(a.Partners) != 2 ||
		strings.Join(a.Countries, " ") != "JP KH VN" || a.OutcomeCode != "GM.1" {
		t.Fatalf("saved action %+v", a)
	}
	step(t, ctx, "sign out", click(`form[action="/staff/signout"] button[type=submit]`), chromedp.WaitReady("#f-email", chromedp.ByQuery))

	// 2. A partner (the Cambodian CSO) posts a progress update.
	signIn(t, ctx, app, partnerEmail, partnerSecret)
	step(t, ctx, "open the plan's desk", navigate(app.URL+"/staff/plan?lang=en"))
	if st := navigation(t, ctx, "open the action it joins", click(fmt.Sprintf(`a[href="/staff/plan/actions/%d"]`, a.ID))); st != 200 {
		t.Fatalf("the partner's action page: %d", st)
	}
	var forms []string
	step(t, ctx, "see the progress form, not the edit form", waitVisible("#progress-form"),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("form")).map(f => f.id)`, &forms))
	for _, id := range forms {
		if id == "action-form" {
			t.Error("a partner is shown the action's edit form")
		}
	}
	step(t, ctx, "write the update", chromedp.SetValue("#f-plang", "km", chromedp.ByQuery), typeInto("#f-ptext", progress))
	if st := navigation(t, ctx, "post the update", click("#progress-submit")); st != 200 {
		t.Fatalf("posting progress answered %d", st)
	}
	step(t, ctx, "see it posted", waitVisible("#notice"))

	// 3. The public view, in Japanese and in Khmer, shows the action with
	// its partners and the update.
	public := browser.New(t)
	for _, lang := range []string{"ja", "km"} {
		p := cat.Printer(lang)
		step(t, public, "open the plan in "+lang, navigate(app.URL+"/plan?lang="+lang))
		var pageLang, h1, item string
		step(t, public, "read the plan in "+lang, htmlLang(&pageLang), text("main h1", &h1), text(fmt.Sprintf("#action-%d", a.ID), &item))
		if pageLang != lang || h1 != p.T("plan.title") {
			t.Errorf("%s plan page: lang %q, h1 %q", lang, pageLang, h1)
		}
		for _, want := range []string{title, agencyVN.Name, csoKH.Name, p.T("plan.status.proposed"), p.T("plan.progress.count", 1)} {
			if !strings.Contains(item, want) {
				t.Errorf("%s plan page: the action %q lacks %q", lang, item, want)
			}
		}
		browser.AssertNoSeriousViolations(t, public, "/plan?lang="+lang)
		if st := navigation(t, public, "open the action in "+lang, click(fmt.Sprintf(`#action-%d a`, a.ID))); st != 200 {
			t.Fatalf("action page in %s: %d", lang, st)
		}
		var heading, partners, updates, status string
		step(t, public, "read the action in "+lang, htmlLang(&pageLang), text("main h1", &heading), text("#action-partners", &partners),
			text("#progress", &updates), text("#action-status", &status))
		if pageLang != lang || heading != title || status != p.T("plan.status.proposed") {
			t.Errorf("%s action page: lang %q, h1 %q, status %q", lang, pageLang, heading, status)
		}
		for _, want := range []string{agencyVN.Name, p.T("country.VN"), csoKH.Name, p.T("country.KH")} {
			if !strings.Contains(partners, want) {
				t.Errorf("%s action page: partners %q lack %q", lang, partners, want)
			}
		}
		if !strings.Contains(updates, progress) || !strings.Contains(updates, csoKH.Name) || !strings.Contains(updates, app.Clock.Now().In(time.FixedZone("JST", 9*3600)).Format("2006-01-02")) {
			t.Errorf("%s action page: progress %q", lang, updates)
		}
		var histHeading bool
		step(t, public, "find the history in "+lang, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll("h2")).some(h => h.textContent.trim() === %q)`, p.T("plan.history")), &histHeading))
		if !histHeading {
			t.Errorf("%s action page has no history heading", lang)
		}
		browser.AssertNoSeriousViolations(t, public, fmt.Sprintf("/plan/actions/%d?lang=%s", a.ID, lang))
	}
}
