package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"remedy/internal/grievance"
)

func TestHTTPIntakeForm(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)

	r := w.get("/")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /: status %d", r.Status)
	}
	if got := htLang(r.Body); got != "en" {
		t.Errorf(`<html lang=%q>, want "en"`, got)
	}
	if !strings.Contains(r.Body, `action="/grievances"`) || !strings.Contains(r.Body, `method="post"`) {
		t.Error("intake page has no form posting to /grievances")
	}
	for _, c := range grievance.Categories {
		if !strings.Contains(r.Body, `name="categories" value="`+c.Code+`"`) {
			t.Errorf("no checkbox for category %s", c.Code)
		}
		if !strings.Contains(r.text(), htT(t, "en", "category."+c.Code)) {
			t.Errorf("no label for category %s", c.Code)
		}
	}
	for _, p := range grievance.Programs {
		if !strings.Contains(r.Body, `name="program" value="`+p+`"`) {
			t.Errorf("no radio for program %s", p)
		}
	}
	for _, c := range grievance.OriginCountries {
		if !strings.Contains(r.Body, `name="origin_country" value="`+c+`"`) {
			t.Errorf("no radio for origin country %s", c)
		}
	}
	if got, _ := htSelected(r.Body, "contact_channel"); got != "none" {
		t.Errorf("contact channel preselected %q, want none (anonymous)", got)
	}
	if got := htCheckedAll(r.Body, "categories"); len(got) != 0 {
		t.Errorf("categories checked on a fresh form: %v", got)
	}
	tok1, _ := htInputValue(r.Body, "form_token")
	tok2 := w.formToken()
	if tok1 == "" || tok1 == tok2 {
		t.Errorf("form tokens %q and %q: want a fresh non-empty token for each form", tok1, tok2)
	}
}

func TestHTTPIntakeGetGrievancesRedirects(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	r := w.get("/grievances")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("GET /grievances: %d to %q, want 303 to /", r.Status, r.Header.Get("Location"))
	}
}

func TestHTTPIntakeReceiptPage(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	c := w.submit(htForm(w.formToken(), "en"))

	if !htRefShape.MatchString(c.Ref) {
		t.Errorf("reference %q is not RM-XXXX-XXXX", c.Ref)
	}
	if !htGrouped.MatchString(c.Shown) || len(c.Receipt) != 16 {
		t.Errorf("receipt shown as %q, want 16 digits in groups of four", c.Shown)
	}
	page := c.Page.text()
	for _, key := range []string{"receipt.title", "receipt.write_down", "receipt.keep_secret", "receipt.open_case"} {
		if !strings.Contains(page, htT(t, "en", key)) {
			t.Errorf("receipt page lacks %s", key)
		}
	}
	// A normal case: acknowledged within 120 hours, shown in Japan time.
	if want := htT(t, "en", "receipt.next", htJST(htStart.Add(120*time.Hour))); !strings.Contains(page, want) {
		t.Errorf("receipt page lacks %q", want)
	}
	if strings.Contains(c.Page.Body, `class="urgent"`) || strings.Contains(c.Page.Body, "tel:") ||
		strings.Contains(page, htT(t, "en", "urgent.title")) {
		t.Error("normal case shows the urgent block")
	}
	if strings.Contains(c.Page.Body, "?lang=") {
		t.Error("receipt page offers the language switcher, which would leave the receipt behind")
	}
	if !strings.Contains(c.Page.Body, `href="/case"`) {
		t.Error("receipt page has no link to the case page")
	}
	if htCount(t, s) != 1 {
		t.Errorf("CountCases = %d, want 1", htCount(t, s))
	}
	// The receipt page opened the case on this device.
	cp := w.get("/case")
	if cp.Status != http.StatusOK || !strings.Contains(cp.Body, c.Ref) {
		t.Fatalf("GET /case after submitting: status %d, reference shown %v", cp.Status, strings.Contains(cp.Body, c.Ref))
	}
	// The receipt is shown once: never on the case page, never in a URL.
	if strings.Contains(htDigits(cp.Body), c.Receipt) || strings.Contains(cp.Body, c.Shown) {
		t.Error("case page shows the receipt again")
	}
	for _, u := range w.seenURLs() {
		if strings.Contains(htDigits(u), c.Receipt) {
			t.Errorf("receipt in URL %q", u)
		}
	}
}

func TestHTTPIntakeUrgentShowsWhoToCall(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	tests := []struct {
		name       string
		lang       string
		origin     string
		categories []string
		want       []string // substrings of the raw page
		wantText   []string // substrings of the decoded page
		notWant    []string
	}{
		{
			name: "physical harassment, Viet Nam", lang: "vi", origin: "VN",
			categories: []string{"harassment.physical"},
			want:       []string{`href="tel:110"`, `href="tel:119"`, `href="tel:0334663311"`},
			wantText:   []string{"Embassy of the Socialist Republic of Viet Nam in Japan"},
		},
		{
			name: "passport kept, Indonesia", lang: "id", origin: "ID",
			categories: []string{"documents.retained"},
			want:       []string{`href="tel:110"`, `href="tel:119"`, `href="tel:0334414201"`},
			wantText:   []string{"Embassy of the Republic of Indonesia in Tokyo"},
			notWant:    []string{"Viet Nam in Japan"},
		},
		{
			name: "three ILO indicators, Thailand (no embassy listed)", lang: "th", origin: "TH",
			categories: []string{"wages.overtime", "hours.excessive", "safety.conditions"},
			want:       []string{`href="tel:110"`, `href="tel:119"`},
			notWant:    []string{"Viet Nam in Japan", "Indonesia in Tokyo"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := htNewWorker(t, s)
			f := htForm(w.formToken(), tt.lang, "origin_country", tt.origin)
			f["categories"] = tt.categories
			c := w.submit(f)
			page := c.Page.text()
			if got := htLang(c.Page.Body); got != tt.lang {
				t.Errorf("receipt page lang %q, want %q", got, tt.lang)
			}
			for _, key := range []string{"urgent.title", "urgent.police", "urgent.ambulance", "urgent.we_act"} {
				if !strings.Contains(page, htT(t, tt.lang, key)) {
					t.Errorf("urgent receipt page lacks %s in %s", key, tt.lang)
				}
			}
			for _, want := range tt.want {
				if !strings.Contains(c.Page.Body, want) {
					t.Errorf("urgent receipt page lacks %s", want)
				}
			}
			for _, want := range tt.wantText {
				if !strings.Contains(page, want) {
					t.Errorf("urgent receipt page lacks %q", want)
				}
			}
			for _, bad := range tt.notWant {
				if strings.Contains(page, bad) {
					t.Errorf("urgent receipt page shows %q", bad)
				}
			}
			// Police comes before the ambulance, both before anything else.
			i110, i119 := strings.Index(c.Page.Body, "tel:110"), strings.Index(c.Page.Body, "tel:119")
			first := strings.Index(c.Page.Body, "tel:0")
			if !(i110 < i119 && (first < 0 || i119 < first)) {
				t.Errorf("call order: 110 at %d, 119 at %d, first other at %d", i110, i119, first)
			}
			// Urgent cases are acknowledged within 24 hours.
			if want := htT(t, tt.lang, "receipt.next", htJST(htStart.Add(24*time.Hour))); !strings.Contains(page, want) {
				t.Errorf("receipt page lacks %q", want)
			}
			if !htGrouped.MatchString(c.Shown) {
				t.Errorf("receipt shown as %q", c.Shown)
			}
		})
	}
}

// htTyped is what a worker typed, which a re-shown form must still hold.
type htTyped struct {
	Narrative, Employer, Supervising, Sending, ContactName, ContactValue string
	Channel, Program, Origin, Date, Prefecture                           string
	Categories                                                           []string
	Share                                                                bool
}

func (v htTyped) form(token, lang string) url.Values {
	f := url.Values{
		"form_token": {token}, "language": {lang}, "categories": v.Categories,
		"narrative": {v.Narrative}, "program": {v.Program}, "origin_country": {v.Origin},
		"incident_date": {v.Date}, "prefecture": {v.Prefecture}, "employer_name": {v.Employer},
		"supervising_org_name": {v.Supervising}, "sending_org_name": {v.Sending},
		"contact_name": {v.ContactName}, "contact_channel": {v.Channel}, "contact_value": {v.ContactValue},
	}
	if v.Share {
		f.Set("share_identity", "yes")
	}
	return f
}

// check verifies every typed value is back in the form, except fields
// whose bytes were not valid UTF-8 (they come back with U+FFFD).
func (v htTyped) check(t *testing.T, body string, skip ...string) {
	t.Helper()
	if !slices.Contains(skip, "narrative") {
		if got, _ := htTextarea(body, "narrative"); got != v.Narrative {
			t.Errorf("narrative back as %q, want %q", htSnippet(got), htSnippet(v.Narrative))
		}
	}
	inputs := map[string]string{
		"employer_name": v.Employer, "supervising_org_name": v.Supervising, "sending_org_name": v.Sending,
		"contact_name": v.ContactName, "contact_value": v.ContactValue, "incident_date": v.Date,
	}
	for name, want := range inputs {
		if slices.Contains(skip, name) {
			continue
		}
		if got, ok := htInputValue(body, name); !ok || got != want {
			t.Errorf("%s back as %q (found %v), want %q", name, got, ok, want)
		}
	}
	if got, _ := htSelected(body, "contact_channel"); got != v.Channel {
		t.Errorf("contact channel back as %q, want %q", got, v.Channel)
	}
	if got, _ := htSelected(body, "prefecture"); got != v.Prefecture && !slices.Contains(skip, "prefecture") {
		t.Errorf("prefecture back as %q, want %q", got, v.Prefecture)
	}
	if got := htCheckedAll(body, "program"); !slices.Equal(got, []string{v.Program}) && !(v.Program == "" && len(got) == 0) && !slices.Contains(skip, "program") {
		t.Errorf("program checked %v, want %q", got, v.Program)
	}
	if got := htCheckedAll(body, "origin_country"); !slices.Equal(got, []string{v.Origin}) && !(v.Origin == "" && len(got) == 0) {
		t.Errorf("origin checked %v, want %q", got, v.Origin)
	}
	var known []string
	for _, c := range v.Categories {
		if _, ok := grievance.CategoryByCode(c); ok {
			known = append(known, c)
		}
	}
	if got := htCheckedAll(body, "categories"); !slices.Equal(got, htTaxonomyOrder(known)) {
		t.Errorf("categories checked %v, want %v", got, known)
	}
	if got := htChecked(body, "share_identity", "yes"); got != v.Share {
		t.Errorf("share_identity checked %v, want %v", got, v.Share)
	}
}

func htTaxonomyOrder(codes []string) []string {
	var out []string
	for _, c := range grievance.Categories {
		if slices.Contains(codes, c.Code) {
			out = append(out, c.Code)
		}
	}
	return out
}

func htFullTyped() htTyped {
	return htTyped{
		Narrative:    "Since March my employer keeps 30,000 yen a month for \"savings\" & <fees>.\nI can't ask why.",
		Employer:     "Kaisha & Sons <Ltd>",
		Supervising:  "Kanri Kyodo Kumiai",
		Sending:      "Hanoi Labour \"Export\" JSC",
		ContactName:  "Nguyễn Thị Lan",
		ContactValue: "+84 90 123 4567",
		Channel:      "phone",
		Program:      "specified_skilled",
		Origin:       "VN",
		Date:         "2026-10-30",
		Prefecture:   "JP-23",
		Categories:   []string{"wages.deductions", "housing.charges"},
		Share:        true,
	}
}

func TestHTTPIntakeValidation(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	tests := []struct {
		name  string
		lang  string
		edit  func(*htTyped)
		field string // field of the error (the summary links to #f-<field>)
		key   string
		skip  []string // fields that come back altered (invalid UTF-8)
	}{
		{"missing narrative", "vi", func(v *htTyped) { v.Narrative = "  \n " }, "narrative", "error.required", []string{"narrative"}},
		{"no category", "km", func(v *htTyped) { v.Categories = nil }, "categories", "error.categories_required", nil},
		{"unknown category code", "en", func(v *htTyped) { v.Categories = []string{"wages.deductions", "wages.stolen"} }, "categories", "error.unknown_code", nil},
		{"future incident date", "fil", func(v *htTyped) { v.Date = "2026-11-03" }, "incident_date", "error.future_date", nil},
		{"malformed incident date", "ja", func(v *htTyped) { v.Date = "30/10/2026" }, "incident_date", "error.invalid_date", nil},
		{"missing programme", "th", func(v *htTyped) { v.Program = "" }, "program", "error.required", nil},
		{"unknown programme", "en", func(v *htTyped) { v.Program = "student" }, "program", "error.unknown_code", []string{"program"}}, // not an option: nothing to check
		{"missing origin country", "ne", func(v *htTyped) { v.Origin = "" }, "origin_country", "error.required", nil},
		{"unknown prefecture", "en", func(v *htTyped) { v.Prefecture = "JP-48" }, "prefecture", "error.unknown_code", []string{"prefecture"}},
		{"phone channel without number", "id", func(v *htTyped) { v.ContactValue = "" }, "contact.value", "error.contact_value_required", nil},
		{"bad phone number", "my", func(v *htTyped) { v.ContactValue = "call me maybe" }, "contact.value", "error.invalid_phone", nil},
		{"bad email", "en", func(v *htTyped) { v.Channel, v.ContactValue = "email", "lan@" }, "contact.value", "error.invalid_email", nil},
		{"employer name too long", "en", func(v *htTyped) { v.Employer = strings.Repeat("あ", grievance.MaxName+1) }, "employer_name", "error.too_long", nil},
		{"narrative too long", "vi", func(v *htTyped) { v.Narrative = strings.Repeat("ế", grievance.MaxNarrative+1) }, "narrative", "error.too_long", nil},
		{"invalid UTF-8 in narrative", "vi", func(v *htTyped) { v.Narrative = "Tôi bị \xff\xfe đánh" }, "narrative", "error.invalid_text", []string{"narrative"}},
		{"invalid UTF-8 in employer name", "km", func(v *htTyped) { v.Employer = "Kaisha \xc3\x28" }, "employer_name", "error.invalid_text", []string{"employer_name"}},
		{"invalid UTF-8 in contact name", "en", func(v *htTyped) { v.ContactName = "\xed\xa0\x80Lan" }, "contact.name", "error.invalid_text", []string{"contact_name"}},
		{"body over 64 KB", "vi", func(v *htTyped) { v.Narrative = strings.Repeat("Tiền lương không được trả. ", 2600) }, "form", "error.body_too_large", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := htNewWorker(t, s)
			v := htFullTyped()
			tt.edit(&v)
			token := w.formToken("Accept-Language", tt.lang)
			r := w.post("/grievances", v.form(token, tt.lang))
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body:\n%s", r.Status, htSnippet(r.Body))
			}
			if got := htLang(r.Body); got != tt.lang {
				t.Errorf("page lang %q, want %q", got, tt.lang)
			}
			text := r.text()
			for _, want := range []string{htT(t, tt.lang, tt.key), htT(t, tt.lang, "error.title"), htT(t, tt.lang, "error.summary")} {
				if !strings.Contains(text, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if !strings.Contains(r.Body, `href="#f-`+tt.field+`"`) {
				t.Errorf("error summary has no link to #f-%s", tt.field)
			}
			// Every link of the summary leads to an element of the page.
			for _, m := range regexp.MustCompile(`href="#(f-[^"]+)"`).FindAllStringSubmatch(r.Body, -1) {
				if !strings.Contains(r.Body, `id="`+m[1]+`"`) {
					t.Errorf("error summary links to #%s, which is not on the page", m[1])
				}
			}
			v.check(t, r.Body, tt.skip...)
			if got, _ := htInputValue(r.Body, "form_token"); got != token {
				t.Errorf("form_token back as %q, want the same %q (so a retry stays idempotent)", got, token)
			}
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", r.Header.Get("Cache-Control"))
			}
		})
	}
	t.Cleanup(func() {
		if n := htCount(t, s); n != 0 {
			t.Errorf("CountCases = %d after invalid submissions only, want 0", n)
		}
	})
}

func TestHTTPIntakeInvalidUTF8KeepsTheRest(t *testing.T) {
	t.Parallel()
	_, w := htStack(t)
	v := htFullTyped()
	v.Narrative = "Tôi bị đánh\xff ở nhà máy"
	r := w.post("/grievances", v.form(w.formToken(), "vi"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	got, _ := htTextarea(r.Body, "narrative")
	if !strings.Contains(got, "Tôi bị đánh") || !strings.Contains(got, "ở nhà máy") {
		t.Errorf("narrative back as %q: the readable text is lost", got)
	}
}

func TestHTTPIntakeBadRequests(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	tests := []struct {
		name   string
		body   []byte
		header []string
		status int
		key    string
		lang   string
	}{
		{"malformed form encoding", []byte("narrative=%zz&categories=other"), nil, http.StatusBadRequest, "error.invalid_request", "en"},
		{"malformed form encoding, Khmer", []byte("narrative=%zz"), []string{"Accept-Language", "km"}, http.StatusBadRequest, "error.invalid_request", "km"},
		{"body over 1 MB", []byte("narrative=" + strings.Repeat("a", 1<<20+10)), []string{"Accept-Language", "vi"}, http.StatusBadRequest, "error.body_too_large", "vi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := htNewWorker(t, s)
			r := w.do(http.MethodPost, "/grievances", "application/x-www-form-urlencoded", tt.body, tt.header...)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d", r.Status, tt.status)
			}
			if got := htLang(r.Body); got != tt.lang {
				t.Errorf("lang %q, want %q", got, tt.lang)
			}
			if want := htT(t, tt.lang, tt.key); !strings.Contains(r.text(), want) {
				t.Errorf("page lacks %q", want)
			}
		})
	}
}

func TestHTTPIntakeIdempotentFormToken(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	form := htForm(w.formToken(), "en", "categories", "harassment.sexual", "narrative", "It happened in the dormitory.")
	first := w.submit(form)
	// The network dropped the answer; the phone sends the same form again.
	again := htNewWorker(t, s).submit(form)
	if again.Ref != first.Ref || again.Receipt != first.Receipt {
		t.Fatalf("retry gave %s/%s, want the first %s/%s", again.Ref, again.Receipt, first.Ref, first.Receipt)
	}
	if !strings.Contains(again.Page.Body, `href="tel:110"`) {
		t.Error("retry of an urgent case lost the urgent block")
	}
	if n := htCount(t, s); n != 1 {
		t.Errorf("CountCases = %d, want 1", n)
	}
	// A new form (new token) is a new case.
	other := w.submit(htForm(w.formToken(), "en"))
	if other.Ref == first.Ref || other.Receipt == first.Receipt {
		t.Error("a new form_token gave the same case")
	}
	if n := htCount(t, s); n != 2 {
		t.Errorf("CountCases = %d, want 2", n)
	}
}

func TestHTTPIntakeRetryAfterValidationError(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	token := w.formToken()
	bad := htForm(token, "en", "-narrative", "")
	if r := w.post("/grievances", bad); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	good := htForm(token, "en")
	first := w.submit(good)
	second := w.submit(good)
	if first.Receipt != second.Receipt || htCount(t, s) != 1 {
		t.Errorf("fixing the form and sending twice: receipts %s %s, %d cases", first.Receipt, second.Receipt, htCount(t, s))
	}
}

func TestHTTPIntakeCrossOriginRefused(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	tests := []struct {
		name   string
		header []string
		status int
	}{
		{"cross-site fetch metadata", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"same-site but another origin", []string{"Sec-Fetch-Site", "same-site"}, http.StatusForbidden},
		{"foreign Origin without fetch metadata", []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"same-origin", []string{"Sec-Fetch-Site", "same-origin"}, http.StatusOK},
		{"no browser headers (API client, curl)", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := htNewWorker(t, s)
			before := htCount(t, s)
			r := w.post("/grievances", htForm(htToken(t), "en"), tt.header...)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d", r.Status, tt.status)
			}
			want := before
			if tt.status == http.StatusOK {
				want++
			}
			if n := htCount(t, s); n != want {
				t.Errorf("CountCases = %d, want %d", n, want)
			}
		})
	}
}

// TestHTTPIntakeSameTokenOtherContent: the worker goes back, changes the
// form and sends it again with the same form_token. That is never the first
// case's receipt nor, silently, a second case: the form comes back with what
// they typed and a new token, so that sending again is a new case on purpose.
func TestHTTPIntakeSameTokenOtherContent(t *testing.T) {
	t.Parallel()
	s, w := htStack(t)
	w.accept = "ne"
	token := w.formToken()
	first := w.submit(htForm(token, "ne"))
	changed := htForm(token, "ne", "narrative", "Something different.")
	r := w.post("/grievances", changed)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422 with the form back", r.Status)
	}
	if htLang(r.Body) != "ne" || !strings.Contains(r.text(), htT(t, "ne", "error.conflict")) {
		t.Error("the form does not come back with the translated conflict message")
	}
	if got, _ := htTextarea(r.Body, "narrative"); got != "Something different." {
		t.Errorf("narrative back as %q", got)
	}
	newToken, _ := htInputValue(r.Body, "form_token")
	if newToken == "" || newToken == token {
		t.Errorf("form_token back as %q, want a new one", newToken)
	}
	if strings.Contains(htDigits(r.Body), first.Receipt) {
		t.Error("the first receipt is shown for different content")
	}
	if n := htCount(t, s); n != 1 {
		t.Errorf("CountCases = %d, want 1", n)
	}
	changed.Set("form_token", newToken)
	if second := w.submit(changed); second.Ref == first.Ref {
		t.Error("sending the changed form with its new token gave the first case")
	}
	if n := htCount(t, s); n != 2 {
		t.Errorf("CountCases = %d, want 2", n)
	}
}
