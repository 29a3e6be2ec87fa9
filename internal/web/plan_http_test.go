package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

// wpFixture is a running application with a small plan, its stakeholders
// and people in each role the plan knows.
type wpFixture struct {
	s                         *stack.Stack
	svc                       *planservice.Service
	coord, lead, partner      *stack.StaffUser
	outsider, viewer          *stack.StaffUser
	leadOrg, partnerOrg       org.Organization
	action, area, event, file int64
	linkRes, privateRes       int64
	privateOrg                int64
}

func wpNew(t *testing.T, engine string) *wpFixture {
	t.Helper()
	s := stack.New(t, engine)
	f := &wpFixture{s: s, svc: &planservice.Service{DB: s.DB, Now: s.Clock.Now, Rand: rand.Reader}}
	f.leadOrg = s.NewOrg(t, org.Union, "JP")
	f.partnerOrg = s.NewOrg(t, org.SendingAgency, "VN")
	hidden := s.NewOrg(t, org.CSO, "PH")
	f.privateOrg = hidden.ID
	ctx := context.Background()
	p := &workplan.Plan{
		Stakeholders: []workplan.Stakeholder{
			{Org: f.leadOrg, Profile: workplan.Profile{Lang: "ja", Description: "労働組合です。", CorridorWork: "Takes referrals.", Public: true,
				Contacts: []workplan.Contact{{Kind: workplan.ContactWebsite, Value: "https://example.org/union"}, {Kind: workplan.ContactPhone, Value: "+81 3 0000 0000"}}}},
			{Org: f.partnerOrg, Profile: workplan.Profile{Lang: "vi", Description: "Công ty phái cử.", Public: true}},
			{Org: hidden, Profile: workplan.Profile{Lang: "en", Description: "Not public.", Public: false}},
		},
		Areas:    []workplan.Area{{Code: "GM", Position: 1, Lang: "en", Title: "Grievance mechanisms", Description: "Line one.\nLine two."}},
		Outcomes: []workplan.Outcome{{Code: "GM.1", AreaCode: "GM", Lang: "en", Title: "Remedy on time"}},
		Actions: []workplan.Action{{Code: "GM.1.ref", AreaCode: "GM", OutcomeCode: "GM.1", Kind: workplan.ProposedKind, Status: workplan.Agreed,
			Lang: "en", Title: "Referrals between Japan and Viet Nam", Description: "Who does what.", Lead: workplan.OrgRef{Name: f.leadOrg.Name},
			Partners: []workplan.OrgRef{{Name: f.partnerOrg.Name}}, Countries: []string{"JP", "VN"}, Example: true}},
		Indicators: []workplan.Indicator{
			{Code: "GM.1.days", OutcomeCode: "GM.1", Lang: "en", Name: "Median days to remedy", Kind: workplan.Computed, Measure: "median_days_to_remedy"},
			{Code: "GM.1.km", OutcomeCode: "GM.1", Lang: "en", Name: "Filed in Khmer", Kind: workplan.Computed, Measure: "grievances_filed", Params: "language=km"},
			{Code: "GM.1.sdg", OutcomeCode: "GM.1", Lang: "en", Name: "SDG 10.7.1", Kind: workplan.Computed, Measure: "sdg_10_7_1", Params: "corridor=VN-JP"},
			{Code: "GM.1.ref.n", ActionCode: "GM.1.ref", Lang: "en", Name: "Referrals agreed", Unit: "referrals", Kind: workplan.Manual},
		},
		Values:       []workplan.Value{{UID: "value-http-0001", IndicatorCode: "GM.1.ref.n", Value: 3, AsOf: "2026-10-01", Source: "minutes"}},
		Translations: []workplan.Translation{{Entity: workplan.EntityArea, Code: "GM", Lang: "km", Title: "យន្តការដោះស្រាយបណ្តឹង"}},
	}
	if _, err := f.svc.ImportSystem(ctx, p); err != nil {
		t.Fatal(err)
	}
	plan, err := s.DB.LoadPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.action, f.area = plan.Actions[0].ID, plan.Areas[0].ID
	ev := workplan.Event{Lang: "en", Title: "Regional workshop", Place: "Phnom Penh", Country: "KH", Start: "2025-02-11",
		Outcomes: "The plan was agreed.", Actions: []int64{f.action}, Areas: []int64{f.area}, Countries: []string{"KH"}, Public: true}
	if err := f.svc.SaveEventSystem(ctx, &ev); err != nil {
		t.Fatal(err)
	}
	f.event = ev.ID
	file := workplan.Resource{Kind: workplan.ResourceWorkshopOutcome, Lang: "en", Title: "Notes", EventID: ev.ID, Areas: []int64{f.area},
		Countries: []string{"KH"}, Languages: []string{"en"}, Public: true}
	if err := f.svc.SaveResourceSystem(ctx, &file, &planservice.Upload{Name: "notes.txt", Content: []byte("Notes.\n")}); err != nil {
		t.Fatal(err)
	}
	f.file = file.ID
	link := workplan.Resource{Kind: workplan.ResourceLaw, Lang: "en", Title: "A law", URL: "https://example.org/law", Countries: []string{"VN"}, Languages: []string{"vi"}, Public: true}
	if err := f.svc.SaveResourceSystem(ctx, &link, nil); err != nil {
		t.Fatal(err)
	}
	f.linkRes = link.ID
	private := workplan.Resource{Kind: workplan.ResourceOther, Lang: "en", Title: "Draft", URL: "https://example.org/draft", Public: false}
	if err := f.svc.SaveResourceSystem(ctx, &private, nil); err != nil {
		t.Fatal(err)
	}
	f.privateRes = private.ID
	f.coord = s.NewStaff(t, s.NewOrg(t, org.InternationalOrg, "TH"), org.Coordinator)
	f.lead = s.NewStaff(t, f.leadOrg, org.Caseworker)
	f.viewer = s.NewStaff(t, f.leadOrg, org.Viewer)
	f.partner = s.NewStaff(t, f.partnerOrg, org.Responder)
	f.outsider = s.NewStaff(t, s.NewOrg(t, org.CSO, "ID"), org.Admin)
	return f
}

func wpDo(t *testing.T, c *http.Client, method, target, contentType string, body io.Reader) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func wpPost(t *testing.T, c *http.Client, target string, form url.Values) (int, string, http.Header) {
	t.Helper()
	return wpDo(t, c, http.MethodPost, target, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

func wpMultipart(t *testing.T, c *http.Client, target string, fields url.Values, fileField, fileName string, content []byte) (int, string, http.Header) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, _ := w.CreateFormFile(fileField, fileName)
		fw.Write(content)
	}
	w.Close()
	return wpDo(t, c, http.MethodPost, target, w.FormDataContentType(), &buf)
}

var rawKey = regexp.MustCompile(`\b(plan|orgtype|role)\.[a-z_]+(\.[a-z_]+)*\b`)

// TestPlanPublicPagesEveryLanguage renders every public page of the plan
// and the network in every language: no message key left, the page's
// language declared, the plan's texts in theirs.
func TestPlanPublicPagesEveryLanguage(t *testing.T) {
	f := wpNew(t, store.SQLite)
	id := func(n int64) string { return fmt.Sprint(n) }
	pages := []string{"/plan", "/plan?area=" + id(f.area) + "&country=VN&status=agreed&kind=proposed&stakeholder=" + id(f.leadOrg.ID),
		"/plan?country=TH", "/plan/actions/" + id(f.action), "/plan/areas/" + id(f.area) + "/summary", "/plan/history",
		"/plan/stakeholders", "/plan/stakeholders?type=union&country=JP", "/plan/stakeholders/" + id(f.leadOrg.ID),
		"/network", "/network?language=vi&kind=law&country=VN&area=" + id(f.area), "/network/resources/" + id(f.file),
		"/network/resources/" + id(f.linkRes), "/network/events/" + id(f.event)}
	for _, l := range i18n.Supported {
		for _, p := range pages {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			status, body, _ := wpDo(t, nil, http.MethodGet, f.s.URL+p+sep+"lang="+l.Code, "", nil)
			if status != http.StatusOK {
				t.Errorf("%s in %s: %d", p, l.Code, status)
				continue
			}
			if !strings.Contains(body, `<html lang="`+l.Code+`"`) {
				t.Errorf("%s in %s: no lang attribute", p, l.Code)
			}
			if m := rawKey.FindString(body); m != "" {
				t.Errorf("%s in %s: message key %q shown", p, l.Code, m)
			}
		}
	}
	// The plan's texts keep their language; a translation replaces them.
	_, body, _ := wpDo(t, nil, http.MethodGet, f.s.URL+"/plan?lang=km", "", nil)
	if !strings.Contains(body, `lang="km">យន្តការដោះស្រាយបណ្តឹង`) || !strings.Contains(body, `lang="en">Remedy on time`) {
		t.Error("the Khmer plan does not show the Khmer translation and the English original with their languages")
	}
	// Filters: Thailand has no action.
	_, body, _ = wpDo(t, nil, http.MethodGet, f.s.URL+"/plan?country=TH&lang=en", "", nil)
	if strings.Contains(body, "Referrals between Japan") {
		t.Error("the Thai filter shows a Japan–Viet Nam action")
	}
	// Live indicators say what they are; SDG 10.7.1 waits for fee reports.
	_, body, _ = wpDo(t, nil, http.MethodGet, f.s.URL+"/plan?lang=en", "", nil)
	en := f.s.Bundle.Printer("en")
	for _, want := range []string{en.T("plan.indicator.live"), en.T("plan.indicator.pending"), en.T("plan.example")} {
		if !strings.Contains(body, html.EscapeString(want)) {
			t.Errorf("/plan lacks %q", want)
		}
	}
	// Not public: a profile without the public flag, a private resource.
	for _, p := range []string{"/plan/stakeholders/" + id(f.privateOrg), "/network/resources/" + id(f.privateRes),
		"/plan/actions/999999", "/plan/actions/abc", "/plan/areas/999/summary", "/network/events/999"} {
		if status, _, _ := wpDo(t, nil, http.MethodGet, f.s.URL+p, "", nil); status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, status)
		}
	}
	// The history does not show what a profile that is not public says.
	_, body, _ = wpDo(t, nil, http.MethodGet, f.s.URL+"/plan/history", "", nil)
	if strings.Contains(body, "Not public.") || !strings.Contains(body, "労働組合です。") {
		t.Error("the public history shows a profile that is not public, or not one that is")
	}
	// The summary is a document of its own, with its print stylesheet.
	_, body, _ = wpDo(t, nil, http.MethodGet, f.s.URL+"/plan/areas/"+id(f.area)+"/summary?lang=ja", "", nil)
	if !strings.Contains(body, `href="/plan/print.css"`) || strings.Contains(body, "nav.leave") {
		t.Error("summary is not its own printable document")
	}
	if status, css, h := wpDo(t, nil, http.MethodGet, f.s.URL+"/plan/print.css", "", nil); status != 200 || !strings.Contains(css, "@media print") || !strings.HasPrefix(h.Get("Content-Type"), "text/css") {
		t.Errorf("print.css: %d %q", status, h.Get("Content-Type"))
	}
	// Files are downloads, never shown inline.
	status, got, h := wpDo(t, nil, http.MethodGet, f.s.URL+"/network/resources/"+id(f.file)+"/file", "", nil)
	if status != 200 || got != "Notes.\n" || h.Get("Content-Type") != workplan.TypeText ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %q %v", status, got, h)
	}
	if status, _, _ := wpDo(t, nil, http.MethodGet, f.s.URL+"/network/resources/"+id(f.linkRes)+"/file", "", nil); status != 404 {
		t.Errorf("file of a link: %d", status)
	}
}

// TestPlanStaffPagesEveryLanguage renders the staff pages in every language.
func TestPlanStaffPagesEveryLanguage(t *testing.T) {
	f := wpNew(t, store.SQLite)
	plan, _ := f.s.DB.LoadPlan(context.Background())
	pages := []string{"/staff/plan", "/staff/plan/actions/new", fmt.Sprintf("/staff/plan/actions/%d", f.action),
		"/staff/plan/areas/new", fmt.Sprintf("/staff/plan/areas/%d", f.area), "/staff/plan/outcomes/new",
		fmt.Sprintf("/staff/plan/outcomes/%d", plan.Outcomes[0].ID), "/staff/plan/indicators/new",
		fmt.Sprintf("/staff/plan/indicators/%d", plan.Indicators[0].ID), fmt.Sprintf("/staff/plan/indicators/%d", plan.Indicators[3].ID),
		fmt.Sprintf("/staff/plan/stakeholders/%d", f.leadOrg.ID), "/staff/network", "/staff/network/resources/new",
		fmt.Sprintf("/staff/network/resources/%d", f.file), "/staff/network/events/new", fmt.Sprintf("/staff/network/events/%d", f.event),
		fmt.Sprintf("/network/events/%d", f.event)}
	for _, l := range i18n.Supported {
		for _, p := range pages {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			status, body, _ := wpDo(t, f.coord.Client, http.MethodGet, f.s.URL+p+sep+"lang="+l.Code, "", nil)
			if status != http.StatusOK {
				t.Errorf("%s in %s: %d", p, l.Code, status)
				continue
			}
			if m := rawKey.FindString(body); m != "" {
				t.Errorf("%s in %s: message key %q shown", p, l.Code, m)
			}
		}
	}
}

// TestPlanAccessHTTP: only coordinators edit the plan; a lead edits its own
// actions; partners post progress; everyone else gets 404.
func TestPlanAccessHTTP(t *testing.T) {
	f := wpNew(t, store.SQLite)
	u := f.s.URL
	action := fmt.Sprintf("%s/staff/plan/actions/%d", u, f.action)
	form := func(title string) url.Values {
		return url.Values{"area": {fmt.Sprint(f.area)}, "code": {"GM.1.ref"}, "kind": {"proposed"}, "status": {"in_progress"},
			"lang": {"en"}, "title": {title}, "lead": {fmt.Sprint(f.leadOrg.ID)}, "partners": {fmt.Sprint(f.partnerOrg.ID)},
			"countries": {"JP", "VN"}, "other_countries": {"la"}}
	}
	// Signed out: to the sign-in page, nothing written.
	if status, _, h := wpPost(t, nil, action, form("x")); status != http.StatusSeeOther || h.Get("Location") != "/staff/signin" {
		t.Errorf("signed out: %d %q", status, h.Get("Location"))
	}
	for _, who := range []*stack.StaffUser{f.partner, f.outsider, f.viewer} {
		if status, _, _ := wpPost(t, who.Client, action, form("Hijacked")); status != http.StatusNotFound {
			t.Errorf("%s edits the action: %d", who.Person.Role, status)
		}
		if status, _, _ := wpDo(t, who.Client, http.MethodGet, u+"/staff/plan/actions/new", "", nil); status != http.StatusNotFound {
			t.Errorf("%s opens the new-action form: %d", who.Person.Role, status)
		}
		if status, _, _ := wpPost(t, who.Client, u+"/staff/plan/areas", url.Values{"code": {"X"}, "lang": {"en"}, "title": {"X"}}); status != http.StatusNotFound {
			t.Errorf("%s adds an area: %d", who.Person.Role, status)
		}
	}
	if status, _, h := wpPost(t, f.lead.Client, action, form("Referrals, renamed by the lead")); status != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "?saved=1") {
		t.Fatalf("lead edits: %d %q", status, h.Get("Location"))
	}
	a, _ := f.s.DB.PlanAction(context.Background(), f.action)
	if a.Title != "Referrals, renamed by the lead" || a.Status != workplan.InProgress || strings.Join(a.Countries, " ") != "JP LA VN" {
		t.Errorf("after the lead's edit: %+v", a)
	}
	// An invalid form comes back with what was typed and the error.
	bad := form("")
	bad.Set("end", "2020-01-01")
	bad.Set("start", "2021-01-01")
	status, body, _ := wpPost(t, f.lead.Client, action, bad)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-title"`) || !strings.Contains(body, `id="e-end"`) || !strings.Contains(body, `value="2021-01-01"`) {
		t.Errorf("invalid edit: %d", status)
	}
	// Progress: the partner yes; the outsider and the viewer no.
	progress := action + "/progress"
	pf := url.Values{"date": {"2026-11-01"}, "lang": {"vi"}, "text": {"Đã họp với công đoàn."}}
	if status, _, _ := wpPost(t, f.partner.Client, progress, pf); status != http.StatusSeeOther {
		t.Errorf("partner posts progress: %d", status)
	}
	for _, who := range []*stack.StaffUser{f.outsider, f.viewer} {
		if status, _, _ := wpPost(t, who.Client, progress, pf); status != http.StatusNotFound {
			t.Errorf("%s posts progress: %d", who.Person.Role, status)
		}
	}
	status, body, _ = wpPost(t, f.partner.Client, progress, url.Values{"date": {"2030-01-01"}, "lang": {"vi"}, "text": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-date"`) || !strings.Contains(body, `id="e-text"`) {
		t.Errorf("invalid progress: %d", status)
	}
	// The partner sees the action's page with the progress form, not the edit form.
	_, body, _ = wpDo(t, f.partner.Client, http.MethodGet, action, "", nil)
	if strings.Contains(body, `id="action-form"`) || !strings.Contains(body, `id="progress-form"`) {
		t.Error("partner's view of the action")
	}
	// The coordinator creates an action.
	cf := form("A new collaborative action")
	cf.Set("code", "GM.1.new")
	cf.Del("lead")
	status, _, h := wpPost(t, f.coord.Client, u+"/staff/plan/actions", cf)
	if status != http.StatusSeeOther {
		t.Fatalf("coordinator creates: %d", status)
	}
	if status, _, _ := wpPost(t, f.coord.Client, u+"/staff/plan/actions", cf); status != http.StatusUnprocessableEntity {
		t.Errorf("same code twice: %d", status)
	}
	// The public page and the history show it all.
	_, body, _ = wpDo(t, nil, http.MethodGet, u+strings.TrimPrefix(strings.TrimSuffix(h.Get("Location"), "?saved=1"), "/staff"), "", nil)
	if !strings.Contains(body, "A new collaborative action") {
		t.Error("the new action's public page")
	}
	_, body, _ = wpDo(t, nil, http.MethodGet, fmt.Sprintf("%s/plan/actions/%d?lang=en", u, f.action), "", nil)
	if !strings.Contains(body, "Đã họp với công đoàn.") || !strings.Contains(body, f.partnerOrg.Name) || !strings.Contains(body, "Referrals, renamed by the lead") {
		t.Error("the action's public page lacks the progress or the change")
	}
	// Manual values: the lead yes, the partner no.
	plan, _ := f.s.DB.LoadPlan(context.Background())
	manual := plan.Indicators[len(plan.Indicators)-1]
	for _, i := range plan.Indicators {
		if i.Kind == workplan.Manual {
			manual = i
		}
	}
	vf := url.Values{"value": {"4,5"}, "as_of": {"2026-10-31"}, "source": {"meeting minutes"}, "back": {fmt.Sprintf("/staff/plan/actions/%d", f.action)}}
	vurl := fmt.Sprintf("%s/staff/plan/indicators/%d/values", u, manual.ID)
	if status, _, h := wpPost(t, f.lead.Client, vurl, vf); status != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "?saved=1") {
		t.Errorf("lead enters a value: %d %q", status, h.Get("Location"))
	}
	if status, _, _ := wpPost(t, f.partner.Client, vurl, vf); status != http.StatusNotFound {
		t.Errorf("partner enters a value: %d", status)
	}
	// A bad value goes back with a known message key only.
	vf.Set("value", "many")
	_, _, h = wpPost(t, f.lead.Client, vurl, vf)
	if loc := h.Get("Location"); !strings.Contains(loc, "value_error=plan.error.number") {
		t.Errorf("bad value: %q", loc)
	}
	_, body, _ = wpDo(t, f.lead.Client, http.MethodGet, u+h.Get("Location"), "", nil)
	if !strings.Contains(body, f.s.Bundle.Printer("en").T("plan.error.number")) {
		t.Error("the value's error is not shown")
	}
	// Profiles: the organisation's admin and coordinators only.
	pfu := fmt.Sprintf("%s/staff/plan/stakeholders/%d", u, f.leadOrg.ID)
	prof := url.Values{"lang": {"ja"}, "description": {"更新"}, "contacts": {"website https://example.org\nemail info@example.org"}, "public": {"1"}}
	if status, _, _ := wpPost(t, f.lead.Client, pfu, prof); status != http.StatusNotFound {
		t.Errorf("caseworker edits the profile: %d", status)
	}
	leadAdmin := f.s.NewStaff(t, f.leadOrg, org.Admin)
	if status, _, _ := wpPost(t, leadAdmin.Client, pfu, prof); status != http.StatusSeeOther {
		t.Errorf("admin edits the profile: %d", status)
	}
	prof.Set("contacts", "website javascript:alert(1)")
	if status, body, _ := wpPost(t, leadAdmin.Client, pfu, prof); status != http.StatusUnprocessableEntity || !strings.Contains(body, "javascript:alert(1)") {
		t.Errorf("bad contact: %d", status)
	}
}

// TestPlanImportExportHTTP: the coordinator downloads the plan and uploads
// it again; nothing changes; a lead cannot upload.
func TestPlanImportExportHTTP(t *testing.T) {
	f := wpNew(t, store.SQLite)
	u := f.s.URL
	for _, format := range []string{"csv", "xlsx"} {
		status, file, h := wpDo(t, f.lead.Client, http.MethodGet, u+"/staff/plan/export."+format, "", nil)
		if status != 200 || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export %s: %d %v", format, status, h)
		}
		status, body, _ := wpMultipart(t, f.coord.Client, u+"/staff/plan/import", nil, "file", "plan."+format, []byte(file))
		if status != 200 || !strings.Contains(body, `id="import-summary"`) {
			t.Errorf("import %s: %d", format, status)
		}
		if status, _, _ := wpMultipart(t, f.lead.Client, u+"/staff/plan/import", nil, "file", "plan."+format, []byte(file)); status != http.StatusNotFound {
			t.Errorf("lead imports %s: %d", format, status)
		}
		_, again, _ := wpDo(t, f.lead.Client, http.MethodGet, u+"/staff/plan/export."+format, "", nil)
		if format == "csv" && again != file {
			t.Error("the CSV changed after importing it")
		}
	}
	status, body, _ := wpMultipart(t, f.coord.Client, u+"/staff/plan/import", nil, "file", "plan.csv", []byte("record,code,title\nareas,bad code,\n"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="import-errors"`) {
		t.Errorf("broken import: %d", status)
	}
	// Uploads to the library: the coordinator; only allowed types.
	fields := url.Values{"kind": {"document"}, "lang": {"en"}, "title": {"Guide"}, "public": {"1"}, "areas": {fmt.Sprint(f.area)}, "languages": {"en ja"}}
	if status, _, _ := wpMultipart(t, f.coord.Client, u+"/staff/network/resources", fields, "file", "guide.pdf", []byte("%PDF-1.4\n")); status != http.StatusSeeOther {
		t.Errorf("upload a PDF: %d", status)
	}
	status, body, _ = wpMultipart(t, f.coord.Client, u+"/staff/network/resources", fields, "file", "guide.html", []byte("<html><script>x</script>"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-file"`) {
		t.Errorf("upload HTML: %d", status)
	}
	if status, _, _ := wpMultipart(t, f.lead.Client, u+"/staff/network/resources", fields, "file", "guide.pdf", []byte("%PDF-1.4\n")); status != http.StatusNotFound {
		t.Errorf("lead uploads: %d", status)
	}
	// Comments: the lead's organisation has a profile; the outsider's not.
	curl := fmt.Sprintf("%s/staff/network/events/%d/comments", u, f.event)
	if status, _, _ := wpPost(t, f.lead.Client, curl, url.Values{"body": {"Useful workshop."}}); status != http.StatusSeeOther {
		t.Errorf("stakeholder comments: %d", status)
	}
	if status, _, _ := wpPost(t, f.outsider.Client, curl, url.Values{"body": {"Hello"}}); status != http.StatusNotFound {
		t.Errorf("outsider comments: %d", status)
	}
	_, body, _ = wpDo(t, f.viewer.Client, http.MethodGet, fmt.Sprintf("%s/network/events/%d", u, f.event), "", nil)
	if !strings.Contains(body, "Useful workshop.") {
		t.Error("a stakeholder's member does not see the comment")
	}
	_, body, _ = wpDo(t, nil, http.MethodGet, fmt.Sprintf("%s/network/events/%d", u, f.event), "", nil)
	if strings.Contains(body, "Useful workshop.") {
		t.Error("the public sees a comment")
	}
}

// TestPlanAPI checks the API's answers against the OpenAPI document.
func TestPlanAPI(t *testing.T) {
	f := wpNew(t, store.SQLite)
	u := f.s.URL
	_, raw, _ := wpDo(t, nil, http.MethodGet, u+"/api/openapi.json", "", nil)
	var doc oaDoc
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	check := func(path, method, status, target string, header map[string]string, body any) any {
		t.Helper()
		st, _, out := oaDo(t, method, u+target, body, header)
		if fmt.Sprint(st) != status {
			t.Fatalf("%s %s: %d, want %s: %v", method, target, st, status, out)
		}
		oaValidate(t, doc, oaResponseSchema(t, doc, path, strings.ToLower(method), status), out, method+" "+target)
		return out
	}
	out := check("/api/v1/workplan", "GET", "200", "/api/v1/workplan", nil, nil).(map[string]any)
	actions := out["actions"].([]any)
	if len(actions) != 1 {
		t.Fatalf("actions: %v", actions)
	}
	a := actions[0].(map[string]any)
	if a["lead"].(map[string]any)["url"] != fmt.Sprintf("/plan/stakeholders/%d", f.leadOrg.ID) || a["example"] != true {
		t.Errorf("action %v", a)
	}
	inds := out["areas"].([]any)[0].(map[string]any)["outcomes"].([]any)[0].(map[string]any)["indicators"].([]any)
	for _, i := range inds {
		m := i.(map[string]any)
		cur := m["current"].(map[string]any)
		switch m["code"] {
		case "GM.1.km":
			if cur["live"] != true || cur["value"] != 0.0 || cur["available"] != true {
				t.Errorf("Khmer count: %v", cur)
			}
		case "GM.1.sdg":
			if cur["pending"] != true || cur["value"] != nil {
				t.Errorf("SDG: %v", cur)
			}
		}
	}
	check("/api/v1/workplan", "GET", "200", "/api/v1/workplan?country=TH&status=done", nil, nil)
	check("/api/v1/workplan/actions/{id}", "GET", "200", fmt.Sprintf("/api/v1/workplan/actions/%d", f.action), nil, nil)
	check("/api/v1/workplan/actions/{id}", "GET", "404", "/api/v1/workplan/actions/99999", nil, nil)
	st := check("/api/v1/stakeholders", "GET", "200", "/api/v1/stakeholders", nil, nil).(map[string]any)["stakeholders"].([]any)
	if len(st) != 2 {
		t.Errorf("public stakeholders: %d, want 2 (the third is not public)", len(st))
	}
	check("/api/v1/stakeholders", "GET", "422", "/api/v1/stakeholders?type=nonsense", nil, nil)
	check("/api/v1/stakeholders/{id}", "GET", "200", fmt.Sprintf("/api/v1/stakeholders/%d", f.leadOrg.ID), nil, nil)
	check("/api/v1/stakeholders/{id}", "GET", "404", fmt.Sprintf("/api/v1/stakeholders/%d", f.privateOrg), nil, nil)
	nw := check("/api/v1/network", "GET", "200", "/api/v1/network", nil, nil).(map[string]any)
	if len(nw["resources"].([]any)) != 2 || len(nw["events"].([]any)) != 1 {
		t.Errorf("network: %v", nw)
	}
	// Progress through the API: the partner yes, the outsider no.
	progress := fmt.Sprintf("/api/v1/workplan/actions/%d/progress", f.action)
	for name, body := range oaRequestExamples(t, doc, "/api/v1/workplan/actions/{id}/progress", "post") {
		b := body.(map[string]any)
		b["date"] = "2026-11-01"
		check("/api/v1/workplan/actions/{id}/progress", "POST", "201", progress, map[string]string{"Authorization": "Bearer " + f.partner.Token}, b)
		_ = name
	}
	check("/api/v1/workplan/actions/{id}/progress", "POST", "404", progress, map[string]string{"Authorization": "Bearer " + f.outsider.Token},
		map[string]any{"date": "2026-11-01", "lang": "en", "text": "x"})
	check("/api/v1/workplan/actions/{id}/progress", "POST", "422", progress, map[string]string{"Authorization": "Bearer " + f.partner.Token},
		map[string]any{"date": "2026-11-31", "lang": "xx", "text": ""})
	check("/api/v1/workplan/actions/{id}/progress", "POST", "401", progress, nil, map[string]any{"date": "2026-11-01", "lang": "en", "text": "x"})
	h := check("/api/v1/workplan/history", "GET", "200", "/api/v1/workplan/history?limit=5", nil, nil).(map[string]any)["changes"].([]any)
	if len(h) != 5 || h[0].(map[string]any)["verb"] != "progress" {
		t.Errorf("history: %v", h)
	}
	// Export and import through the API.
	status, file, hdr := wpDo(t, nil, http.MethodGet, u+"/api/v1/workplan/export?format=xlsx", "", nil)
	if status != http.StatusUnauthorized {
		t.Errorf("export without a token: %d", status)
	}
	req, _ := http.NewRequest(http.MethodGet, u+"/api/v1/workplan/export?format=xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+f.lead.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	xlsx, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != planservice.ContentTypeXLSX {
		t.Fatalf("export: %d %v %v %s", resp.StatusCode, resp.Header, hdr, file)
	}
	for _, who := range []*stack.StaffUser{f.lead, f.coord} {
		req, _ := http.NewRequest(http.MethodPost, u+"/api/v1/workplan/import", bytes.NewReader(xlsx))
		req.Header.Set("Authorization", "Bearer "+who.Token)
		req.Header.Set("Content-Type", planservice.ContentTypeXLSX)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got any
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		want := map[*stack.StaffUser]int{f.lead: 404, f.coord: 200}[who]
		if resp.StatusCode != want {
			t.Errorf("import by %s: %d, want %d", who.Person.Role, resp.StatusCode, want)
			continue
		}
		oaValidate(t, doc, oaResponseSchema(t, doc, "/api/v1/workplan/import", "post", fmt.Sprint(want)), got, "import")
		if want == 200 && (got.(map[string]any)["created"] != 0.0 || got.(map[string]any)["updated"] != 0.0) {
			t.Errorf("re-import through the API changed the plan: %v", got)
		}
	}
}

// TestPlanEditFormsComeBackWithTyping: an invalid area, outcome or
// indicator form returns 422 with what the coordinator typed kept.
func TestPlanEditFormsComeBackWithTyping(t *testing.T) {
	f := wpNew(t, store.SQLite)
	u := f.s.URL
	tests := []struct {
		path string
		form url.Values
		kept string
	}{
		{"/staff/plan/areas", url.Values{"code": {"ZQX-AREA"}, "lang": {"en"}, "title": {""}, "description": {"Zqx area description"}}, "Zqx area description"},
		{"/staff/plan/outcomes", url.Values{"area": {fmt.Sprint(f.area)}, "code": {"ZQX-OUT"}, "lang": {"en"}, "title": {""}}, "ZQX-OUT"},
		{"/staff/plan/indicators", url.Values{"code": {"ZQX-IND"}, "lang": {"en"}, "title": {""}, "kind": {"manual"}}, "ZQX-IND"},
	}
	for _, tt := range tests {
		status, body, _ := wpPost(t, f.coord.Client, u+tt.path, tt.form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, tt.kept) || !strings.Contains(body, `class="err"`) {
			t.Errorf("POST %s invalid: %d, kept %q: %v", tt.path, status, tt.kept, strings.Contains(body, tt.kept))
		}
	}
}
