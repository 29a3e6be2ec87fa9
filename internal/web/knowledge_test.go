package web_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"remedy/internal/audit"
	"remedy/internal/i18n"
	"remedy/internal/knowledge"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// Tests of the articles (/rights), the help directory (/help), their API
// and the staff pages that edit them. Helpers start with "kn".

// knGet fetches path with c (a fresh client when nil) and returns the
// status and body.
func knGet(t *testing.T, c *http.Client, url string, header ...string) (int, string) {
	t.Helper()
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func knPost(t *testing.T, c *http.Client, target string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

var (
	knAnchorRE = regexp.MustCompile(`<a\b[^>]*>`)
	knHrefRE   = regexp.MustCompile(`href="([^"]*)"`)
	knLangRE   = regexp.MustCompile(`<html lang="([^"]+)"`)
)

// knExternalLinksSafe checks that every link to another site says
// rel="noreferrer" and that the page runs no script.
func knExternalLinksSafe(t *testing.T, name, page string) {
	t.Helper()
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Errorf("%s: has a <script>", name)
	}
	for _, a := range knAnchorRE.FindAllString(page, -1) {
		m := knHrefRE.FindStringSubmatch(a)
		if m == nil {
			continue
		}
		if knowledge.IsExternal(html.UnescapeString(m[1])) && !strings.Contains(a, `rel="noreferrer"`) {
			t.Errorf("%s: external link without rel=noreferrer: %s", name, a)
		}
	}
}

func TestKnowledgeRightsPages(t *testing.T) {
	s := stack.New(t, store.SQLite)
	for _, l := range i18n.Supported {
		lang := l.Code
		status, body := knGet(t, nil, s.URL+"/rights?lang="+lang)
		if status != http.StatusOK {
			t.Fatalf("%s /rights: %d", lang, status)
		}
		text := html.UnescapeString(body)
		if m := knLangRE.FindStringSubmatch(body); m == nil || m[1] != lang {
			t.Errorf("%s /rights: html lang %v", lang, m)
		}
		for _, st := range knowledge.Stages {
			if !strings.Contains(text, htT(t, lang, "knowledge.stage."+string(st))) {
				t.Errorf("%s /rights: no heading for %s", lang, st)
			}
		}
		for _, slug := range []string{"before-you-leave", "rights-at-work", "how-to-complain", "changing-employer", "going-home", "emergencies"} {
			if !strings.Contains(body, `href="/rights/`+slug+`"`) {
				t.Errorf("%s /rights: no link to %s", lang, slug)
			}
		}
		for _, want := range []string{`href="tel:110"`, `href="tel:119"`, `href="/help"`, `href="/fees"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s /rights: no %s", lang, want)
			}
		}
		// Nothing is published yet: every text carries its notice.
		if !strings.Contains(text, htT(t, lang, "knowledge.note.list_draft")) || !strings.Contains(text, htT(t, lang, "knowledge.tag.draft")) {
			t.Errorf("%s /rights: the drafts are not marked", lang)
		}
		knExternalLinksSafe(t, lang+" /rights", body)

		status, body = knGet(t, nil, s.URL+"/rights/emergencies?lang="+lang)
		if status != http.StatusOK {
			t.Fatalf("%s /rights/emergencies: %d", lang, status)
		}
		text = html.UnescapeString(body)
		if !strings.Contains(text, htT(t, lang, "knowledge.note.draft")) || !strings.Contains(text, htT(t, lang, "knowledge.last_checked", "2026-11-28")) {
			t.Errorf("%s /rights/emergencies: no draft notice or check date", lang)
		}
		if lang != "en" && !strings.Contains(text, htT(t, lang, "knowledge.note.machine", i18n.Name("en"))) {
			t.Errorf("%s /rights/emergencies: does not say it was machine-translated", lang)
		}
		for _, want := range []string{`href="tel:0120762029"`, `href="/help"`, `href="/"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s /rights/emergencies: no %s", lang, want)
			}
		}
		// The translations are linked to one another.
		for _, other := range i18n.Supported {
			if !strings.Contains(body, `href="/rights/emergencies?text=`+other.Code+`"`) {
				t.Errorf("%s /rights/emergencies: no link to the %s text", lang, other.Code)
			}
		}
		if strings.Count(body, "<h1") != 1 {
			t.Errorf("%s /rights/emergencies: %d h1", lang, strings.Count(body, "<h1"))
		}
		knExternalLinksSafe(t, lang+" /rights/emergencies", body)
	}

	// ?text= shows another language's text without changing the reader's.
	jar := htNewWorker(t, s)
	jar.get("/rights?lang=vi")
	r := jar.get("/rights/going-home?text=en")
	if m := knLangRE.FindStringSubmatch(r.Body); m == nil || m[1] != "vi" || !strings.Contains(r.Body, `<article lang="en">`) {
		t.Errorf("?text=en for a Vietnamese reader: html lang %v, article: %v", m, strings.Contains(r.Body, `<article lang="en">`))
	}
	// One stage.
	_, body := knGet(t, nil, s.URL+"/rights?lang=en&stage=going_home")
	if !strings.Contains(body, `href="/rights/going-home"`) || strings.Contains(body, `href="/rights/rights-at-work"`) {
		t.Error("?stage=going_home lists other stages' articles")
	}
	for _, path := range []string{"/rights/no-such-article", "/rights/Emergencies", "/rights/..%2fetc", "/rights/emergencies/x"} {
		if status, _ := knGet(t, nil, s.URL+path); status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, status)
		}
	}
	// The footer of every worker page links to the rights.
	if _, body := knGet(t, nil, s.URL+"/"); !strings.Contains(body, `href="/rights"`) {
		t.Error("the intake form's footer has no link to /rights")
	}
}

func TestKnowledgeHelpPage(t *testing.T) {
	s := stack.New(t, store.SQLite)
	status, body := knGet(t, nil, s.URL+"/help?lang=km")
	if status != http.StatusOK {
		t.Fatalf("/help: %d", status)
	}
	for _, want := range []string{`href="tel:110"`, `href="tel:0354128521"`, `href="tel:0334663311"`, `href="https://jp-mirai.org/" rel="noreferrer"`, `name="country"`, `name="prefecture"`, `name="language"`, `name="kind"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/help: no %s", want)
		}
	}
	knExternalLinksSafe(t, "/help", body)
	text := html.UnescapeString(body)
	if !strings.Contains(text, htT(t, "km", "knowledge.hours.always")) || !strings.Contains(text, htT(t, "km", "knowledge.day.thu")) {
		t.Error("/help: hours are not in Khmer")
	}

	// Cambodian, speaks Khmer: their embassy, not Viet Nam's; the OTIT
	// Khmer line, not the Vietnamese one.
	_, body = knGet(t, nil, s.URL+"/help?country=KH&language=km")
	if !strings.Contains(body, `href="tel:0354128521"`) || strings.Contains(body, `href="tel:0334663311"`) ||
		!strings.Contains(body, `href="tel:0120250366"`) || strings.Contains(body, `href="tel:0120250168"`) {
		t.Error("/help?country=KH&language=km: wrong entries")
	}
	if !strings.Contains(body, `<option value="KH" selected>`) {
		t.Error("/help: the chosen country is not kept in the form")
	}
	// Nothing fits: the lines open to everyone, with a note.
	_, body = knGet(t, nil, s.URL+"/help?lang=en&kind=cso&language=ne")
	if !strings.Contains(html.UnescapeString(body), htT(t, "en", "knowledge.help.none")) || !strings.Contains(body, `href="tel:110"`) || !strings.Contains(body, `href="tel:0120762029"`) {
		t.Error("/help with nothing fitting: no fallback")
	}
	// Unknown values are dropped, not errors.
	if status, _ := knGet(t, nil, s.URL+"/help?country=XX&prefecture=JP-99&language=zz&kind=bank"); status != http.StatusOK {
		t.Errorf("/help with unknown values: %d", status)
	}
}

// TestKnowledgeReceiptLinks: the receipt page links to the directory and
// the rights (the one link block of this feature there).
func TestKnowledgeReceiptLinks(t *testing.T) {
	s, w := htStack(t)
	form := w.get("/?lang=vi")
	token := regexp.MustCompile(`name="form_token" value="([^"]+)"`).FindStringSubmatch(form.Body)
	if token == nil {
		t.Fatal("no form token")
	}
	r := w.post("/grievances", url.Values{"form_token": {token[1]}, "language": {"vi"}, "categories": {"documents.retained"},
		"narrative": {"They keep my passport."}, "program": {"technical_intern"}, "origin_country": {"VN"}, "contact_channel": {"none"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `class="urgent"`) {
		t.Fatalf("urgent receipt: %d", r.Status)
	}
	for _, want := range []string{`href="/help"`, `href="/rights"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("receipt page: no %s", want)
		}
	}
	_ = s
}

// knAPI fetches a JSON answer and validates it against the document.
func knAPI(t *testing.T, doc oaDoc, base, path, opPath, status string) (int, map[string]any) {
	t.Helper()
	code, _, out := oaDo(t, http.MethodGet, base+path, nil, nil)
	m, _ := out.(map[string]any)
	if status != "" {
		oaValidate(t, doc, oaResponseSchema(t, doc, opPath, "get", status), out, path)
	}
	return code, m
}

func TestKnowledgeAPI(t *testing.T) {
	st, doc := oaLoad(t)
	code, out := knAPI(t, doc, st.URL, "/api/v1/articles?lang=vi", "/api/v1/articles", "200")
	if code != http.StatusOK || out["lang"] != "vi" {
		t.Fatalf("articles: %d %v", code, out["lang"])
	}
	arts, _ := out["articles"].([]any)
	if len(arts) != 6 {
		t.Fatalf("articles: %d, want 6", len(arts))
	}
	first := arts[0].(map[string]any)
	if first["lang"] != "vi" || first["review_state"] != "draft" || first["notice"] != "draft" || first["last_checked"] != "2026-11-28" ||
		first["machine_translated"] != true || first["translated_from"] != "en" || len(first["translations"].([]any)) != 9 {
		t.Errorf("first article: %v", first)
	}
	code, out = knAPI(t, doc, st.URL, "/api/v1/articles?lang=km&stage=going_home", "/api/v1/articles", "200")
	for _, a := range out["articles"].([]any) {
		stages := a.(map[string]any)["stages"].([]any)
		if !slices.Contains(stages, any("going_home")) {
			t.Errorf("stage filter: %v", stages)
		}
	}
	if code != http.StatusOK || len(out["articles"].([]any)) != 2 {
		t.Errorf("going_home: %d articles, want 2 (going-home, how-to-complain)", len(out["articles"].([]any)))
	}
	// Accept-Language when lang is absent.
	_, _, raw := oaDo(t, http.MethodGet, st.URL+"/api/v1/articles", nil, map[string]string{"Accept-Language": "th-TH"})
	if raw.(map[string]any)["lang"] != "th" {
		t.Errorf("Accept-Language: lang %v", raw.(map[string]any)["lang"])
	}
	for path, field := range map[string]string{"/api/v1/articles?lang=xx": "lang", "/api/v1/articles?stage=moon": "stage"} {
		code, out := knAPI(t, doc, st.URL, path, "/api/v1/articles", "422")
		e, _ := out["error"].(map[string]any)
		fields, _ := e["fields"].([]any)
		if code != http.StatusUnprocessableEntity || len(fields) != 1 || fields[0].(map[string]any)["field"] != field {
			t.Errorf("%s: %d %v", path, code, out)
		}
	}
	code, out = knAPI(t, doc, st.URL, "/api/v1/articles/emergencies?lang=ne", "/api/v1/articles/{slug}", "200")
	if code != http.StatusOK || out["slug"] != "emergencies" || out["lang"] != "ne" || !strings.Contains(out["html"].(string), `href="tel:110"`) {
		t.Errorf("one article: %d %v", code, out["slug"])
	}
	if code, _ := knAPI(t, doc, st.URL, "/api/v1/articles/nothing", "/api/v1/articles/{slug}", "404"); code != http.StatusNotFound {
		t.Errorf("unknown article: %d", code)
	}

	code, out = knAPI(t, doc, st.URL, "/api/v1/directory?country=VN&language=vi", "/api/v1/directory", "200")
	entries, _ := out["entries"].([]any)
	if code != http.StatusOK || len(entries) == 0 {
		t.Fatalf("directory: %d, %d entries", code, len(entries))
	}
	var phones []string
	for _, e := range entries {
		m := e.(map[string]any)
		for _, c := range m["channels"].([]any) {
			phones = append(phones, c.(map[string]any)["value"].(string))
		}
		if m["source"] == "" {
			t.Errorf("entry %v has no source", m["name"])
		}
	}
	for _, want := range []string{"110", "03-3466-3311", "0120-250-168", "0120-76-2029"} {
		if !slices.Contains(phones, want) {
			t.Errorf("directory VN/vi: no %s in %v", want, phones)
		}
	}
	for _, not := range []string{"03-5412-8521", "0120-250-366"} {
		if slices.Contains(phones, not) {
			t.Errorf("directory VN/vi: has %s", not)
		}
	}
	if f := out["filter"].(map[string]any); f["country"] != "VN" || f["language"] != "vi" {
		t.Errorf("filter echoed as %v", f)
	}
	code, out = knAPI(t, doc, st.URL, "/api/v1/directory?country=FR&kind=bank", "/api/v1/directory", "422")
	if fields := out["error"].(map[string]any)["fields"].([]any); code != http.StatusUnprocessableEntity || len(fields) != 2 {
		t.Errorf("bad directory filter: %d %v", code, out)
	}
	if code, _ := knAPI(t, doc, st.URL, "/api/v1/directory?kind=shelter", "/api/v1/directory", "200"); code != http.StatusOK {
		t.Errorf("no shelters: %d", code)
	}
}

// knStaffRoutes are the staff pages of this feature, GET and POST.
var knStaffRoutes = []struct{ method, path string }{
	{"GET", "/staff/articles"}, {"POST", "/staff/articles"},
	{"GET", "/staff/articles/emergencies"}, {"POST", "/staff/articles/emergencies"},
	{"GET", "/staff/articles/emergencies/vi"}, {"POST", "/staff/articles/emergencies/vi"},
	{"GET", "/staff/directory"}, {"POST", "/staff/directory"},
	{"GET", "/staff/directory/new"}, {"GET", "/staff/directory/1"}, {"POST", "/staff/directory/1"},
}

// TestKnowledgeStaffAccess walks every staff route for every kind of
// person: only coordinators and the mechanism's admins get past 404;
// signed-out visitors are sent to sign in.
func TestKnowledgeStaffAccess(t *testing.T) {
	s := stack.New(t, store.SQLite)
	mech := s.NewOrg(t, org.Mechanism, "JP")
	cso := s.NewOrg(t, org.CSO, "VN")
	intl := s.NewOrg(t, org.InternationalOrg, "JP")
	people := map[string]*stack.StaffUser{
		"mechanism admin":      s.NewStaff(t, mech, org.Admin),
		"mechanism caseworker": s.NewStaff(t, mech, org.Caseworker),
		"mechanism auditor":    s.NewStaff(t, mech, org.Auditor),
		"CSO admin":            s.NewStaff(t, cso, org.Admin),
		"CSO responder":        s.NewStaff(t, cso, org.Responder),
		"coordinator":          s.NewStaff(t, intl, org.Coordinator),
	}
	allowed := map[string]bool{"mechanism admin": true, "coordinator": true}
	for who, u := range people {
		for _, r := range knStaffRoutes {
			var status int
			if r.method == "GET" {
				status, _ = knGet(t, u.Client, s.URL+r.path)
			} else {
				status, _, _ = knPost(t, u.Client, s.URL+r.path, url.Values{})
			}
			if allowed[who] {
				if status == http.StatusNotFound || status == http.StatusForbidden || status >= 500 {
					t.Errorf("%s %s %s: %d", who, r.method, r.path, status)
				}
			} else if status != http.StatusNotFound {
				t.Errorf("%s %s %s: %d, want 404", who, r.method, r.path, status)
			}
		}
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, r := range knStaffRoutes {
		var status int
		if r.method == "GET" {
			status, _ = knGet(t, anon, s.URL+r.path)
		} else {
			status, _, _ = knPost(t, anon, s.URL+r.path, url.Values{})
		}
		if status != http.StatusSeeOther {
			t.Errorf("signed out %s %s: %d, want 303 to sign in", r.method, r.path, status)
		}
	}
}

func knTextForm(title, body, state, checked string, base int) url.Values {
	return url.Values{"title": {title}, "summary": {"Short."}, "body": {body}, "state": {state}, "last_checked": {checked},
		"base": {itoaKn(base)}, "translated_from": {"en"}}
}

func itoaKn(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// TestKnowledgeStaffEditing runs an editor's work on both engines: texts
// with review states and check dates, the published rule, a concurrent
// save, a new article, directory entries, and the audit trail.
func TestKnowledgeStaffEditing(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			s := stack.New(t, engine)
			ed := s.NewStaff(t, s.NewOrg(t, org.InternationalOrg, "JP"), org.Coordinator)
			c := ed.Client

			// The list: every article, every language, all drafts.
			status, body := knGet(t, c, s.URL+"/staff/articles?lang=en")
			if status != http.StatusOK || strings.Count(body, `href="/staff/articles/emergencies/`) != 9 {
				t.Fatalf("staff list: %d", status)
			}

			// Publish the English text of going-home, with raw HTML in it.
			status, body, loc := knPost(t, c, s.URL+"/staff/articles/going-home/en",
				knTextForm("Going home: what you are owed", "Checked text.\n\n<script>alert(1)</script>\n\nSee [the ILO](https://www.ilo.org/).", "published", "2026-11-01", 1))
			if status != http.StatusSeeOther || loc != "/staff/articles/going-home/en?saved=1" {
				t.Fatalf("save en: %d %s %s", status, loc, htSnippet(body))
			}
			_, page := knGet(t, nil, s.URL+"/rights/going-home?lang=en")
			if strings.Contains(page, "<script>alert") || strings.Contains(page, htT(t, "en", "knowledge.note.draft")) ||
				!strings.Contains(page, `<a href="https://www.ilo.org/" rel="noreferrer">`) || !strings.Contains(page, "2026-11-01") {
				t.Errorf("published English page: %s", htSnippet(page))
			}
			// A Vietnamese reader still gets the Vietnamese draft, marked,
			// with a link to the checked English text.
			_, page = knGet(t, nil, s.URL+"/rights/going-home?lang=vi")
			if !strings.Contains(html.UnescapeString(page), htT(t, "vi", "knowledge.note.draft")) ||
				!strings.Contains(page, `href="/rights/going-home?text=en"`) {
				t.Errorf("Vietnamese draft beside a published English text: %s", htSnippet(page))
			}
			// The Vietnamese text now follows an older English revision.
			_, body = knGet(t, c, s.URL+"/staff/articles/going-home/vi?lang=en")
			if !strings.Contains(body, htT(t, "en", "knowledge.staff.outdated")) {
				t.Error("vi text not marked outdated after the English text changed")
			}
			// Publishing the Vietnamese text removes the notice.
			status, body, _ = knPost(t, c, s.URL+"/staff/articles/going-home/vi",
				knTextForm("Về nước", "Nội dung đã kiểm tra.", "published", "2026-11-01", 1))
			if status != http.StatusSeeOther {
				t.Fatalf("save vi: %d %s", status, htSnippet(body))
			}
			_, page = knGet(t, nil, s.URL+"/rights/going-home?lang=vi")
			if strings.Contains(html.UnescapeString(page), htT(t, "vi", "knowledge.note.draft")) || !strings.Contains(page, "Nội dung đã kiểm tra.") {
				t.Error("published Vietnamese text still marked, or not shown")
			}

			// Someone saved in between: 409, the typed text kept.
			status, body, _ = knPost(t, c, s.URL+"/staff/articles/going-home/vi",
				knTextForm("Về nước", "Bản của tôi, viết sau.", "reviewed", "2026-11-01", 1))
			if status != http.StatusConflict || !strings.Contains(body, "Bản của tôi, viết sau.") ||
				!strings.Contains(html.UnescapeString(body), htT(t, "en", "knowledge.staff.stale")) {
				t.Errorf("stale save: %d", status)
			}
			// Validation: no title, a future date.
			status, body, _ = knPost(t, c, s.URL+"/staff/articles/going-home/vi?lang=en", knTextForm(" ", "x", "draft", "2999-01-01", 2))
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-title"`) || !strings.Contains(body, `id="e-last_checked"`) {
				t.Errorf("invalid text: %d", status)
			}

			// The API says what the pages show.
			_, _, raw := oaDo(t, http.MethodGet, s.URL+"/api/v1/articles/going-home?lang=km", nil, nil)
			a := raw.(map[string]any)
			cv, _ := a["checked_version"].(map[string]any)
			if a["notice"] != "draft" || cv["lang"] != "en" {
				t.Errorf("API km: notice %v, checked version %v", a["notice"], cv)
			}

			// A new article: slug, stages, then its English text.
			status, _, loc = knPost(t, c, s.URL+"/staff/articles", url.Values{"slug": {"tax-refund"}, "stages": {"going_home", "in_japan"}, "position": {"40"}})
			if status != http.StatusSeeOther || loc != "/staff/articles/tax-refund/en" {
				t.Fatalf("create article: %d %s", status, loc)
			}
			status, body, _ = knPost(t, c, s.URL+"/staff/articles", url.Values{"slug": {"tax-refund"}, "stages": {"going_home"}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-slug"`) {
				t.Errorf("duplicate slug: %d", status)
			}
			if status, _ := knGet(t, nil, s.URL+"/rights/tax-refund"); status != http.StatusNotFound {
				t.Errorf("article without text: %d, want 404", status)
			}
			status, _, _ = knPost(t, c, s.URL+"/staff/articles/tax-refund/en", knTextForm("Tax refund", "Ask for it.", "draft", "2026-11-01", 0))
			if status != http.StatusSeeOther {
				t.Fatalf("new text: %d", status)
			}
			_, page = knGet(t, nil, s.URL+"/rights/tax-refund?lang=my")
			if !strings.Contains(page, "Ask for it.") || !strings.Contains(html.UnescapeString(page), htT(t, "my", "knowledge.note.other_language", "English")) {
				t.Errorf("English-only article for a Burmese reader: %s", htSnippet(page))
			}
			status, _, _ = knPost(t, c, s.URL+"/staff/articles/tax-refund", url.Values{"stages": {"going_home"}, "position": {"5"}})
			if status != http.StatusSeeOther {
				t.Errorf("update article: %d", status)
			}
			if _, page := knGet(t, nil, s.URL+"/rights?stage=in_japan"); strings.Contains(page, "/rights/tax-refund") {
				t.Error("the article is still listed under a stage it left")
			}

			// The article's page lists its texts with their states.
			_, body = knGet(t, c, s.URL+"/staff/articles/going-home?lang=en")
			if strings.Count(body, `href="/staff/articles/going-home/`) != 9 || !strings.Contains(body, htT(t, "en", "knowledge.state.published")) {
				t.Error("staff article page: texts or states missing")
			}
			if status, body := knGet(t, c, s.URL+"/staff/directory/new?lang=en"); status != http.StatusOK || !strings.Contains(body, `action="/staff/directory"`) {
				t.Errorf("new entry form: %d", status)
			}

			// The directory: a new entry needs a source; inactive entries
			// are not shown.
			entry := url.Values{"name": {"Tokyo Community Union"}, "name_lang": {"en"}, "kind": {"union"}, "countries": {"VN", "PH"},
				"prefecture": {"JP-13"}, "languages": {"vi", "fil"}, "phones": {"03-1111-2222"}, "websites": {"https://union.example/"},
				"hours": {"Mon-Fri 10:00-18:00"}, "source": {""}, "last_checked": {"2026-11-01"}, "position": {"10"}, "active": {"yes"}}
			status, body, _ = knPost(t, c, s.URL+"/staff/directory", entry)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-source"`) || !strings.Contains(body, "Tokyo Community Union") {
				t.Fatalf("entry without source: %d", status)
			}
			entry.Set("source", "Leaflet handed out in Shinjuku, 2026-11")
			status, _, loc = knPost(t, c, s.URL+"/staff/directory", entry)
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/directory/") {
				t.Fatalf("create entry: %d %s", status, loc)
			}
			id := strings.TrimSuffix(strings.TrimPrefix(loc, "/staff/directory/"), "?saved=1")
			if _, page := knGet(t, nil, s.URL+"/help?kind=union&prefecture=JP-13"); !strings.Contains(page, "Tokyo Community Union") || !strings.Contains(page, `href="tel:0311112222"`) {
				t.Error("new union not on /help")
			}
			if _, page := knGet(t, nil, s.URL+"/help?kind=union&prefecture=JP-27"); strings.Contains(page, "Tokyo Community Union") {
				t.Error("a Tokyo office shown for Osaka")
			}
			entry.Del("active")
			status, _, _ = knPost(t, c, s.URL+"/staff/directory/"+id, entry)
			if status != http.StatusSeeOther {
				t.Fatalf("update entry: %d", status)
			}
			if _, page := knGet(t, nil, s.URL+"/help"); strings.Contains(page, "Tokyo Community Union") {
				t.Error("hidden entry still on /help")
			}
			if _, page := knGet(t, c, s.URL+"/staff/directory"); !strings.Contains(page, "Tokyo Community Union") {
				t.Error("hidden entry missing from the staff list")
			}

			// Every change is in the audit trail, with who did it.
			actions := map[string]int{}
			err := s.DB.EachAuditEntry(context.Background(), func(e audit.Entry) error {
				if strings.HasPrefix(e.Action, "knowledge.") {
					actions[e.Action]++
					if e.Action != "knowledge.seeded" && !strings.HasPrefix(e.Actor, "staff:") {
						t.Errorf("%s by %q", e.Action, e.Actor)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for action, n := range map[string]int{"knowledge.seeded": 1, "knowledge.text.saved": 3, "knowledge.article.created": 1,
				"knowledge.article.updated": 1, "knowledge.directory.created": 1, "knowledge.directory.updated": 1} {
				if actions[action] != n {
					t.Errorf("audit %s: %d entries, want %d", action, actions[action], n)
				}
			}
		})
	}
}
