package web_test

// Tests of the caseworker's inbox: GET /staff and GET /api/v1/cases. Every
// top-level name starts with "ix".

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// ixDo sends a request as u (bearer token for /api, session cookie for
// pages; nil for nobody) and returns the status and the body.
func ixDo(t testing.TB, s *stack.Stack, u *stack.StaffUser, method, path string, body any) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if u != nil {
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Authorization", "Bearer "+u.Token)
		} else {
			client = u.Client
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// ixList is GET /api/v1/cases decoded.
type ixList struct {
	Cases []struct {
		Reference     string     `json:"reference"`
		Status        string     `json:"status"`
		Risk          string     `json:"risk"`
		Language      string     `json:"language"`
		OriginCountry string     `json:"origin_country"`
		Categories    []string   `json:"categories"`
		DeadlineAt    *time.Time `json:"deadline_at"`
		DeadlineKind  string     `json:"deadline_kind"`
		Overdue       bool       `json:"overdue"`
		Referrals     []struct {
			OrganizationID int64  `json:"organization_id"`
			Organization   string `json:"organization"`
			Status         string `json:"status"`
		} `json:"referrals"`
	} `json:"cases"`
	Next *string `json:"next"`
}

func (l ixList) refs() []string {
	var out []string
	for _, c := range l.Cases {
		out = append(out, c.Reference)
	}
	return out
}

func ixGetList(t testing.TB, s *stack.Stack, u *stack.StaffUser, query string) ixList {
	t.Helper()
	status, _, body := ixDo(t, s, u, http.MethodGet, "/api/v1/cases"+query, nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/cases%s: %d %s", query, status, body)
	}
	var l ixList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatalf("GET /api/v1/cases%s: %v\n%s", query, err, body)
	}
	return l
}

// ixAll follows the cursor through every page.
func ixAll(t testing.TB, s *stack.Stack, u *stack.StaffUser, filters url.Values, limit string) []string {
	t.Helper()
	var out []string
	after := ""
	for range 100 {
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		q.Set("limit", limit)
		if after != "" {
			q.Set("after", after)
		}
		l := ixGetList(t, s, u, "?"+q.Encode())
		out = append(out, l.refs()...)
		if l.Next == nil {
			return out
		}
		after = *l.Next
	}
	t.Fatal("the inbox never ends")
	return nil
}

// ixWorld is a mechanism with a caseworker and an auditor, an employer with
// a responder, an unrelated union, and four cases filed through intake.
type ixWorld struct {
	s                     *stack.Stack
	mech, employer, union org.Organization
	cw, auditor, resp     *stack.StaffUser
	unionAdmin            *stack.StaffUser
	refs                  []string // A, B, C, D by filing order
}

const ixNarrative = "Mr Tran Van Binh took my passport and locks the dormitory at night."

func ixSetup(t *testing.T, engine string) *ixWorld {
	t.Helper()
	s := stack.New(t, engine)
	w := &ixWorld{s: s}
	w.mech = s.NewOrg(t, org.Mechanism, "JP")
	w.employer = s.NewOrg(t, org.Employer, "JP")
	w.union = s.NewOrg(t, org.Union, "JP")
	first := s.NewStaff(t, w.mech, org.Caseworker)
	for _, sub := range []grievance.Submission{
		{Language: "vi", OriginCountry: "VN", Program: "technical_intern", Categories: []string{"wages.unpaid", "documents.retained"}}, // A urgent
		{Language: "id", OriginCountry: "ID", Program: "specified_skilled", Categories: []string{"housing.charges"}},                   // B normal
		{Language: "km", OriginCountry: "KH", Program: "technical_intern", Categories: []string{"threats"}},                            // C urgent
		{Language: "vi", OriginCountry: "VN", Program: "technical_intern", Categories: []string{"hours.excessive"}},                    // D normal
	} {
		sub.Narrative = ixNarrative
		sub.Contact = grievance.Contact{Name: "Nguyen Thi Hoa", Channel: "phone", Value: "090-9876-5432"}
		r, err := s.Intake.Submit(t.Context(), sub, "")
		if err != nil {
			t.Fatal(err)
		}
		w.refs = append(w.refs, r.Reference)
	}
	// A is acknowledged, reviewed and referred to the employer at once;
	// then 30 hours pass: C (urgent, 24 h to acknowledge) is overdue.
	for _, to := range []string{"acknowledged", "in_review"} {
		if st, _, body := ixDo(t, s, first, http.MethodPost, "/api/v1/cases/"+w.refs[0]+"/transitions", map[string]string{"to": to}); st != http.StatusOK {
			t.Fatalf("transition to %s: %d %s", to, st, body)
		}
	}
	if st, _, body := ixDo(t, s, first, http.MethodPost, "/api/v1/cases/"+w.refs[0]+"/referrals",
		map[string]any{"organization_id": w.employer.ID, "note": "Unpaid wages for March."}); st != http.StatusCreated {
		t.Fatalf("referral: %d %s", st, body)
	}
	s.Clock.Advance(30 * time.Hour)
	// Sessions last 12 hours: the people below sign in now.
	w.cw = s.NewStaff(t, w.mech, org.Caseworker)
	w.auditor = s.NewStaff(t, w.mech, org.Auditor)
	w.resp = s.NewStaff(t, w.employer, org.Responder)
	w.unionAdmin = s.NewStaff(t, w.union, org.Admin)
	return w
}

func (w *ixWorld) order(idx ...int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, w.refs[i])
	}
	return out
}

func ixEachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, engine)
		})
	}
}

func TestInboxAPI(t *testing.T) {
	ixEachEngine(t, func(t *testing.T, engine string) {
		w := ixSetup(t, engine)
		s := w.s
		// Deadlines: C at +24 h (overdue), B and D at +120 h, A at +30 d
		// (remedy proposal, once referred).
		all := ixGetList(t, s, w.cw, "")
		if want := w.order(2, 1, 3, 0); !slices.Equal(all.refs(), want) {
			t.Fatalf("inbox = %v, want %v", all.refs(), want)
		}
		if all.Next != nil {
			t.Errorf("one page holds every case, yet next = %q", *all.Next)
		}
		c := all.Cases[0]
		if !c.Overdue || c.Risk != "urgent" || c.Status != "received" || c.DeadlineKind != "acknowledge" || c.Language != "km" || c.OriginCountry != "KH" {
			t.Errorf("case C = %+v", c)
		}
		a := all.Cases[3]
		if a.Status != "referred" || a.Overdue || len(a.Referrals) != 1 || a.Referrals[0].OrganizationID != w.employer.ID ||
			a.Referrals[0].Status != "sent" || !slices.Equal(a.Categories, []string{"wages.unpaid", "documents.retained"}) {
			t.Errorf("case A = %+v", a)
		}
		_, _, raw := ixDo(t, s, w.cw, http.MethodGet, "/api/v1/cases", nil)
		for _, secret := range []string{"Tran Van Binh", "passport", "Nguyen Thi Hoa", "090-9876"} {
			if strings.Contains(raw, secret) {
				t.Errorf("the list carries %q", secret)
			}
		}

		// Keyset pages of one, then two: the same order, nothing twice.
		for _, limit := range []string{"1", "2", "3"} {
			if got := ixAll(t, s, w.cw, url.Values{}, limit); !slices.Equal(got, w.order(2, 1, 3, 0)) {
				t.Errorf("pages of %s: %v", limit, got)
			}
		}

		// Filters, as the page's query string.
		for _, tt := range []struct {
			query string
			want  []int
		}{
			{"?language=vi", []int{3, 0}},
			{"?origin=VN&program=technical_intern", []int{3, 0}},
			{"?risk=urgent", []int{2, 0}},
			{"?category=wages.unpaid", []int{0}},
			{"?status=received", []int{2, 1, 3}},
			{"?status=open", []int{2, 1, 3, 0}},
			{"?overdue=1", []int{2}},
			{"?status=received&language=km&overdue=1", []int{2}},
			{"?status=received&language=vi&overdue=1", nil},
			{"?org=" + ixID(w.employer.ID), []int{0}},
			{"?org=" + ixID(w.union.ID), nil},
		} {
			if got := ixGetList(t, s, w.cw, tt.query).refs(); !slices.Equal(got, w.order(tt.want...)) {
				t.Errorf("GET /api/v1/cases%s = %v, want %v", tt.query, got, w.order(tt.want...))
			}
		}

		// The employer sees the case referred to it, and only its referral.
		emp := ixGetList(t, s, w.resp, "")
		if !slices.Equal(emp.refs(), w.order(0)) {
			t.Errorf("employer's inbox = %v", emp.refs())
		}
		// An unrelated organisation sees nothing; its filters change nothing.
		if got := ixGetList(t, s, w.unionAdmin, "?org="+ixID(w.employer.ID)).refs(); len(got) != 0 {
			t.Errorf("an unrelated organisation sees %v", got)
		}
		// An auditor lists no cases: 404, as anything not allowed.
		if st, _, _ := ixDo(t, s, w.auditor, http.MethodGet, "/api/v1/cases", nil); st != http.StatusNotFound {
			t.Errorf("auditor: status %d, want 404", st)
		}
		if st, _, _ := ixDo(t, s, nil, http.MethodGet, "/api/v1/cases", nil); st != http.StatusUnauthorized {
			t.Errorf("no token: status %d, want 401", st)
		}

		// Wrong values are refused with the field named.
		for _, tt := range []struct{ query, field string }{
			{"?status=lost", "status"}, {"?risk=extreme", "risk"}, {"?category=wages", "category"},
			{"?origin=FR", "origin"}, {"?language=xx", "language"}, {"?program=tourist", "program"},
			{"?org=abc", "org"}, {"?after=!!!", "after"}, {"?limit=0", "limit"}, {"?limit=201", "limit"},
		} {
			st, _, body := ixDo(t, s, w.cw, http.MethodGet, "/api/v1/cases"+tt.query, nil)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"`+tt.field+`"`) {
				t.Errorf("GET /api/v1/cases%s: %d %s, want 422 on %s", tt.query, st, body, tt.field)
			}
		}
	})
}

func ixID(n int64) string { return strconv.FormatInt(n, 10) }

func TestInboxPage(t *testing.T) {
	ixEachEngine(t, func(t *testing.T, engine string) {
		w := ixSetup(t, engine)
		s := w.s
		st, _, body := ixDo(t, s, w.cw, http.MethodGet, "/staff", nil)
		if st != http.StatusOK {
			t.Fatalf("GET /staff: %d", st)
		}
		text := html.UnescapeString(body)
		// Rows in deadline order, each linking to the case page.
		last := -1
		for _, i := range []int{2, 1, 3, 0} {
			at := strings.Index(body, `href="/staff/cases/`+w.refs[i]+`"`)
			if at < 0 || at < last {
				t.Fatalf("case %s missing or out of order", w.refs[i])
			}
			last = at
		}
		for _, want := range []string{
			htT(t, "en", "inbox.risk.urgent"), htT(t, "en", "inbox.risk.normal"),
			htT(t, "en", "casework.due.overdue_h", 6), // C: acknowledge by +24 h, now +30 h
			htT(t, "en", "casework.due.in_d", 3),      // B and D: +120 h, now +30 h = in 90 h
			htT(t, "en", "inbox.status.referred"), htT(t, "en", "inbox.stage.acknowledge"),
			htT(t, "en", "inbox.cat.documents.retained"), htT(t, "en", "inbox.cat.threats"),
			"Tiếng Việt", htT(t, "en", "country.KH"), w.employer.Name + " (" + htT(t, "en", "inbox.referral.sent") + ")",
			htT(t, "en", "inbox.stats_link"),
		} {
			if !strings.Contains(text, want) {
				t.Errorf("GET /staff lacks %q", want)
			}
		}
		for _, secret := range []string{"Tran Van Binh", "passport", "Nguyen Thi Hoa", "090-9876"} {
			if strings.Contains(text, secret) {
				t.Errorf("the inbox page shows %q", secret)
			}
		}
		if strings.Contains(body, "<script") {
			t.Error("the inbox has a script")
		}

		// Filters live in the URL and come back selected.
		st, _, body = ixDo(t, s, w.cw, http.MethodGet, "/staff?language=vi&status=open&overdue=1", nil)
		if st != http.StatusOK {
			t.Fatalf("filtered: %d", st)
		}
		for _, want := range []string{`<option value="vi" selected>`, `<option value="open" selected>`, `name="overdue" value="1" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("filtered page lacks %q", want)
			}
		}
		if !strings.Contains(html.UnescapeString(body), htT(t, "en", "inbox.empty")) {
			t.Error("no overdue Vietnamese case, yet no empty message")
		}

		// Pages of one: a next link that keeps the filters, then a first-page link.
		st, _, body = ixDo(t, s, w.cw, http.MethodGet, "/staff?limit=1&language=vi", nil)
		if st != http.StatusOK || strings.Count(body, `href="/staff/cases/`) != 1 || !strings.Contains(body, w.refs[3]) {
			t.Fatalf("page of one: %d", st)
		}
		next := ixHref(t, body, `rel="next"`)
		if !strings.Contains(next, "language=vi") || !strings.Contains(next, "after=") {
			t.Fatalf("next link %q", next)
		}
		st, _, body = ixDo(t, s, w.cw, http.MethodGet, next, nil)
		if st != http.StatusOK || !strings.Contains(body, w.refs[0]) || strings.Contains(body, `href="/staff/cases/`+w.refs[3]) {
			t.Errorf("second page: %d", st)
		}
		if !strings.Contains(body, `href="/staff?language=vi&amp;limit=1"`) {
			t.Error("second page has no link back to the first")
		}

		// In Japanese.
		_, _, body = ixDo(t, s, w.cw, http.MethodGet, "/staff?lang=ja", nil)
		for _, key := range []string{"inbox.col.deadline", "inbox.filter.overdue", "inbox.status.received"} {
			if !strings.Contains(html.UnescapeString(body), htT(t, "ja", key)) {
				t.Errorf("Japanese inbox lacks %s", key)
			}
		}

		// A wrong filter comes back with its message beside the field.
		st, _, body = ixDo(t, s, w.cw, http.MethodGet, "/staff?risk=extreme", nil)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-risk"`) || !strings.Contains(body, `aria-describedby="e-risk"`) {
			t.Errorf("wrong filter: %d", st)
		}

		// The employer's responder: its case only, no filter by organisation.
		_, _, body = ixDo(t, s, w.resp, http.MethodGet, "/staff", nil)
		if !strings.Contains(body, w.refs[0]) || strings.Contains(body, w.refs[2]) || strings.Contains(body, `name="org"`) {
			t.Error("the employer's inbox shows more than its referral")
		}
		// The auditor lands on the page without a list.
		st, _, body = ixDo(t, s, w.auditor, http.MethodGet, "/staff", nil)
		if st != http.StatusOK || !strings.Contains(html.UnescapeString(body), htT(t, "en", "inbox.none_for_role")) || strings.Contains(body, w.refs[0]) {
			t.Errorf("auditor's page: %d", st)
		}
		// Nobody signed in goes to the sign-in page.
		if st, hdr, _ := ixDo(t, s, nil, http.MethodGet, "/staff", nil); st != http.StatusSeeOther || hdr.Get("Location") != "/staff/signin" {
			t.Errorf("anonymous: %d %s", st, hdr.Get("Location"))
		}
	})
}

// ixHref returns the href of the first link whose tag contains marker.
func ixHref(t testing.TB, body, marker string) string {
	t.Helper()
	at := strings.Index(body, marker)
	if at < 0 {
		t.Fatalf("no link with %s", marker)
	}
	start := strings.LastIndex(body[:at], "<a ")
	tag := body[start : at+len(marker)]
	h := strings.Index(tag, `href="`)
	if h < 0 {
		t.Fatalf("link without href: %s", tag)
	}
	rest := tag[h+len(`href="`):]
	return html.UnescapeString(rest[:strings.Index(rest, `"`)])
}

// TestInboxAPIMatchesOpenAPI checks real answers against the document.
func TestInboxAPIMatchesOpenAPI(t *testing.T) {
	w := ixSetup(t, store.SQLite)
	_, _, raw := ixDo(t, w.s, nil, http.MethodGet, "/api/openapi.json", nil)
	var doc oaDoc
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query, status string
	}{{"?limit=2", "200"}, {"?status=lost", "422"}} {
		_, _, body := ixDo(t, w.s, w.cw, http.MethodGet, "/api/v1/cases"+tt.query, nil)
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		oaValidate(t, doc, oaResponseSchema(t, doc, "/api/v1/cases", "get", tt.status), v, "GET /api/v1/cases"+tt.query)
	}
	_, _, body := ixDo(t, w.s, w.auditor, http.MethodGet, "/api/v1/cases", nil)
	var v any
	json.Unmarshal([]byte(body), &v)
	oaValidate(t, doc, oaResponseSchema(t, doc, "/api/v1/cases", "get", "404"), v, "404")
}
