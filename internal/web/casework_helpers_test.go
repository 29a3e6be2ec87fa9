package web_test

// Helpers of the case-handling tests (casework_*_test.go). Every top-level
// name starts with "cw".

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"remedy/internal/audit"
	"remedy/internal/org"
	"remedy/internal/testutil/stack"
)

// cwPage sends a staff page request (form nil: GET) with the person's
// session cookie and reads the answer whole; redirects are not followed.
func cwPage(t testing.TB, u *stack.StaffUser, s *stack.Stack, method, path string, form url.Values) htResp {
	t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := u.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return htResp{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// cwPost posts a staff form and checks the 303 back to the case page.
func cwPost(t testing.TB, u *stack.StaffUser, s *stack.Stack, path string, form url.Values, wantLocation string) {
	t.Helper()
	r := cwPage(t, u, s, http.MethodPost, path, form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("POST %s: status %d, want 303; body:\n%s", path, r.Status, htSnippet(r.Body))
	}
	if loc := r.Header.Get("Location"); wantLocation != "" && loc != wantLocation {
		t.Fatalf("POST %s: Location %q, want %q", path, loc, wantLocation)
	}
}

// cwAPI calls the staff API with the person's bearer token.
func cwAPI(t testing.TB, u *stack.StaffUser, s *stack.Stack, method, path string, body any, header ...string) htAPIResp {
	t.Helper()
	return htAPI(t, s, method, path, body, append([]string{"Authorization", "Bearer " + u.Token}, header...)...)
}

// cwWant checks an API status, showing the body when it differs.
func cwWant(t testing.TB, r htAPIResp, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d; body: %s", what, r.Status, status, r.Body)
	}
}

// cwAudit returns the audit entries of a case.
func cwAudit(t testing.TB, s *stack.Stack, ref string) []audit.Entry {
	t.Helper()
	entries, err := s.DB.AuditEntriesForCase(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func cwCount(entries []audit.Entry, action, actor string) int {
	n := 0
	for _, e := range entries {
		if e.Action == action && (actor == "" || e.Actor == actor) {
			n++
		}
	}
	return n
}

// cwCast is the people of a case-handling test: the mechanism's staff of
// every role, an employer in Japan and a sending agency in Viet Nam (the
// case is referred to both), and an unrelated union.
type cwCast struct {
	mech, employer, agency, union                      org.Organization
	admin, caseworker, viewer, responder, auditor      *stack.StaffUser
	empResponder, empViewer, agencyResponder, outsider *stack.StaffUser
}

func cwNewCast(t testing.TB, s *stack.Stack) *cwCast {
	t.Helper()
	c := &cwCast{
		mech:     s.NewOrg(t, org.Mechanism, "JP"),
		employer: s.NewOrg(t, org.Employer, "JP"),
		agency:   s.NewOrg(t, org.SendingAgency, "VN"),
		union:    s.NewOrg(t, org.Union, "JP"),
	}
	c.admin = s.NewStaff(t, c.mech, org.Admin)
	c.caseworker = s.NewStaff(t, c.mech, org.Caseworker)
	c.viewer = s.NewStaff(t, c.mech, org.Viewer)
	c.responder = s.NewStaff(t, c.mech, org.Responder)
	c.auditor = s.NewStaff(t, c.mech, org.Auditor)
	c.empResponder = s.NewStaff(t, c.employer, org.Responder)
	c.empViewer = s.NewStaff(t, c.employer, org.Viewer)
	c.agencyResponder = s.NewStaff(t, c.agency, org.Responder)
	c.outsider = s.NewStaff(t, c.union, org.Admin)
	return c
}

// The worker's identity and words in the test case: none of it may reach
// a referred organisation without consent.
const (
	cwName      = "Tran Thi Identity"
	cwEmail     = "tran.identity@example.org"
	cwEmployer  = "Kabushiki Secret Employer"
	cwNarrative = "My employer has not paid my wages for September and October."
)

// cwFile files the test case as a worker would, through the form, in
// Vietnamese, with a name and an email address, and returns it with the
// worker's browser (which holds the case session).
func cwFile(t testing.TB, s *stack.Stack, share bool) (htCase, *htWorker) {
	t.Helper()
	w := htNewWorker(t, s)
	fields := []string{"categories", "wages.unpaid", "narrative", cwNarrative, "contact_name", cwName,
		"contact_channel", "email", "contact_value", cwEmail, "employer_name", cwEmployer, "prefecture", "JP-23"}
	if share {
		fields = append(fields, "share_identity", "yes")
	}
	c := w.submit(htForm(w.formToken("Accept-Language", "vi"), "vi", fields...))
	return c, w
}

// cwLeaks lists which of the worker's identifying texts appear in body.
func cwLeaks(body string) []string {
	var out []string
	for _, secret := range []string{cwName, cwEmail, cwEmployer, cwNarrative, "tran.identity"} {
		if strings.Contains(body, secret) {
			out = append(out, secret)
		}
	}
	return out
}
