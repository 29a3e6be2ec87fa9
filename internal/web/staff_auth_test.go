package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
)

func saForm(t *testing.T, c *http.Client, target string, form url.Values) (int, string, http.Header) {
	t.Helper()
	resp, err := c.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func saGet(t *testing.T, c *http.Client, target string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func saClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestStaffSignInPage: password and TOTP code open a session; a wrong
// password, a wrong code or a replayed code get one generic answer.
func TestStaffSignInPage(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			s := stack.New(t, engine)
			mech := s.NewOrg(t, org.Mechanism, "JP")
			secret, err := s.Staff.AddPerson(t.Context(), org.Person{OrgID: mech.ID, Email: "Case.Worker@Example.org", Role: org.Caseworker}, stack.StaffPassword, "system")
			if err != nil {
				t.Fatal(err)
			}
			code, _ := vault.TOTPCode(secret, s.Clock.Now())
			c := saClient()

			status, _, h := saGet(t, c, s.URL+"/staff")
			if status != http.StatusSeeOther || h.Get("Location") != "/staff/signin" {
				t.Fatalf("signed-out /staff: %d %q, want redirect to sign-in", status, h.Get("Location"))
			}
			wrong := []url.Values{
				{"email": {"case.worker@example.org"}, "password": {"wrong password!"}, "code": {code}},
				{"email": {"case.worker@example.org"}, "password": {stack.StaffPassword}, "code": {"000000"}},
				{"email": {"nobody@example.org"}, "password": {stack.StaffPassword}, "code": {code}},
			}
			want := htT(t, "en", "error.signin_failed")
			for _, f := range wrong {
				status, body, _ := saForm(t, c, s.URL+"/staff/signin", f)
				if status != http.StatusUnauthorized || !strings.Contains(body, want) {
					t.Errorf("wrong sign-in %v: %d, want 401 with %q", f.Get("email"), status, want)
				}
			}
			// The address is matched whatever its case.
			status, _, h = saForm(t, c, s.URL+"/staff/signin", url.Values{"email": {"CASE.WORKER@example.org"}, "password": {stack.StaffPassword}, "code": {code}})
			if status != http.StatusSeeOther || h.Get("Location") != "/staff" {
				t.Fatalf("sign-in: %d %q", status, h.Get("Location"))
			}
			if status, _, _ := saGet(t, c, s.URL+"/staff"); status != http.StatusOK {
				t.Fatalf("/staff after sign-in: %d", status)
			}
			// The same code a second time (someone watching the screen) fails.
			c2 := saClient()
			if status, _, _ := saForm(t, c2, s.URL+"/staff/signin", url.Values{"email": {"case.worker@example.org"}, "password": {stack.StaffPassword}, "code": {code}}); status != http.StatusUnauthorized {
				t.Errorf("replayed TOTP code: %d, want 401", status)
			}
			// Sign out ends the session on the server.
			saForm(t, c, s.URL+"/staff/signout", nil)
			if status, _, _ := saGet(t, c, s.URL+"/staff"); status != http.StatusSeeOther {
				t.Errorf("/staff after sign-out: %d, want redirect", status)
			}
			logs := s.Logs()
			for _, leak := range []string{"case.worker@example.org", stack.StaffPassword, code, secret} {
				if strings.Contains(strings.ToLower(logs), strings.ToLower(leak)) {
					t.Errorf("logs contain %q", leak)
				}
			}
		})
	}
}

// TestStaffSessionExpiry: a session unused for more than an hour ends.
func TestStaffSessionExpiry(t *testing.T) {
	s := stack.New(t, store.SQLite)
	u := s.NewStaff(t, s.NewOrg(t, org.Mechanism, "JP"), org.Caseworker)
	if status, _, _ := saGet(t, u.Client, s.URL+"/staff"); status != http.StatusOK {
		t.Fatalf("fresh session: %d", status)
	}
	s.Clock.Advance(61 * time.Minute)
	if status, _, _ := saGet(t, u.Client, s.URL+"/staff"); status != http.StatusSeeOther {
		t.Errorf("idle session: %d, want redirect to sign-in", status)
	}
}

// TestStaffSignInRateLimit: after 10 failures for one address, even the
// right password and code are refused for a while.
func TestStaffSignInRateLimit(t *testing.T) {
	s := stack.New(t, store.SQLite)
	mech := s.NewOrg(t, org.Mechanism, "JP")
	secret, _ := s.Staff.AddPerson(t.Context(), org.Person{OrgID: mech.ID, Email: "a@example.org", Role: org.Admin}, stack.StaffPassword, "system")
	c := saClient()
	for i := 0; i < 10; i++ {
		saForm(t, c, s.URL+"/staff/signin", url.Values{"email": {"a@example.org"}, "password": {"nope nope nope"}, "code": {"123456"}})
	}
	code, _ := vault.TOTPCode(secret, s.Clock.Now())
	status, _, h := saForm(t, c, s.URL+"/staff/signin", url.Values{"email": {"a@example.org"}, "password": {stack.StaffPassword}, "code": {code}})
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Errorf("11th try: %d Retry-After %q, want 429", status, h.Get("Retry-After"))
	}
}

// TestAdminCreatesOrgAndInvites: the mechanism's admin adds an
// organisation, invites a responder by link; the invitee sets a password,
// enrols TOTP and signs in.
func TestAdminCreatesOrgAndInvites(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			s := stack.New(t, engine)
			admin := s.NewStaff(t, s.NewOrg(t, org.Mechanism, "JP"), org.Admin)

			status, body, _ := saForm(t, admin.Client, s.URL+"/staff/orgs", url.Values{"name": {""}, "type": {"employer"}, "country": {"JPN"}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, htT(t, "en", "error.required")) {
				t.Fatalf("invalid organisation: %d", status)
			}
			status, _, h := saForm(t, admin.Client, s.URL+"/staff/orgs", url.Values{"name": {"Aichi Casting"}, "type": {"employer"}, "country": {"jp"}, "languages": {"ja"}})
			if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/staff/orgs/") {
				t.Fatalf("create organisation: %d %q", status, h.Get("Location"))
			}
			orgPath := h.Get("Location")
			status, body, _ = saForm(t, admin.Client, s.URL+orgPath+"/invitations", url.Values{"email": {"hr@aichi.example"}, "role": {"responder"}})
			if status != http.StatusOK {
				t.Fatalf("invite: %d", status)
			}
			link := regexp.MustCompile(`/staff/invite/[A-Za-z0-9_-]+`).FindString(body)
			if link == "" {
				t.Fatal("no invitation link on the page")
			}
			if strings.Contains(s.Logs(), link) {
				t.Error("the invitation link is in the logs")
			}

			invitee := saClient()
			status, body, _ = saGet(t, invitee, s.URL+link)
			secret := regexp.MustCompile(`id="totp-secret" class="secret">([A-Z2-7]+)<`).FindStringSubmatch(body)
			if status != http.StatusOK || secret == nil || !strings.Contains(body, "Aichi Casting") {
				t.Fatalf("invitation page: %d", status)
			}
			// A short password and a wrong code come back as errors, name kept.
			status, body, _ = saForm(t, invitee, s.URL+link, url.Values{"name": {"Sato Hanako"}, "password": {"short"}, "code": {"000000"}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Sato Hanako") ||
				!strings.Contains(body, htT(t, "en", "error.password_short", 12)) || !strings.Contains(body, htT(t, "en", "error.totp_wrong")) {
				t.Fatalf("invalid acceptance: %d", status)
			}
			code, _ := vault.TOTPCode(secret[1], s.Clock.Now())
			status, _, h = saForm(t, invitee, s.URL+link, url.Values{"name": {"Sato Hanako"}, "password": {stack.StaffPassword}, "code": {code}})
			if status != http.StatusSeeOther || h.Get("Location") != "/staff/signin?welcome=1" {
				t.Fatalf("accept: %d %q", status, h.Get("Location"))
			}
			if status, _, _ := saGet(t, invitee, s.URL+link); status != http.StatusNotFound {
				t.Errorf("used invitation: %d, want 404", status)
			}
			s.Clock.Advance(30 * time.Second)
			code, _ = vault.TOTPCode(secret[1], s.Clock.Now())
			body2, _ := json.Marshal(map[string]string{"email": "hr@aichi.example", "password": stack.StaffPassword, "code": code})
			resp, err := http.Post(s.URL+"/api/v1/session", "application/json", bytes.NewReader(body2))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Errorf("invitee sign-in: %d", resp.StatusCode)
			}
		})
	}
}

// TestOrgPagesFollowPolicy: a responder of an employer cannot reach the
// organisations pages at all; an employer's admin sees only their own.
func TestOrgPagesFollowPolicy(t *testing.T) {
	s := stack.New(t, store.SQLite)
	mech := s.NewOrg(t, org.Mechanism, "JP")
	emp := s.NewOrg(t, org.Employer, "JP")
	other := s.NewOrg(t, org.SendingAgency, "VN")
	responder := s.NewStaff(t, emp, org.Responder)
	empAdmin := s.NewStaff(t, emp, org.Admin)
	mechAdmin := s.NewStaff(t, mech, org.Admin)

	if status, _, _ := saGet(t, responder.Client, s.URL+"/staff/orgs"); status != http.StatusNotFound {
		t.Errorf("responder /staff/orgs: %d, want 404", status)
	}
	status, body, _ := saGet(t, empAdmin.Client, s.URL+"/staff/orgs")
	if status != http.StatusOK || !strings.Contains(body, emp.Name) || strings.Contains(body, other.Name) {
		t.Errorf("employer admin sees %d; own org listed=%v, other listed=%v", status, strings.Contains(body, emp.Name), strings.Contains(body, other.Name))
	}
	for _, path := range []string{"/staff/orgs/" + itoa(other.ID), "/staff/orgs/" + itoa(mech.ID)} {
		if status, _, _ := saGet(t, empAdmin.Client, s.URL+path); status != http.StatusNotFound {
			t.Errorf("employer admin %s: %d, want 404", path, status)
		}
	}
	if status, _, _ := saForm(t, empAdmin.Client, s.URL+"/staff/orgs", url.Values{"name": {"X"}, "type": {"employer"}, "country": {"JP"}}); status != http.StatusNotFound {
		t.Errorf("employer admin creating an organisation: %d, want 404", status)
	}
	if status, _, _ := saGet(t, mechAdmin.Client, s.URL+"/staff/orgs/"+itoa(other.ID)); status != http.StatusOK {
		t.Errorf("mechanism admin on another org: %d, want 200", status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestStaffMenuFollowsPolicy: the menu offers only what the policy allows.
func TestStaffMenuFollowsPolicy(t *testing.T) {
	s := stack.New(t, store.SQLite)
	admin := s.NewStaff(t, s.NewOrg(t, org.Mechanism, "JP"), org.Admin)
	responder := s.NewStaff(t, s.NewOrg(t, org.Employer, "JP"), org.Responder)
	_, body, _ := saGet(t, admin.Client, s.URL+"/staff")
	for _, href := range []string{`href="/staff/stats"`, `href="/staff/orgs"`, `href="/staff/fees/rules"`, `href="/staff/articles"`} {
		if !strings.Contains(body, href) {
			t.Errorf("mechanism admin's menu lacks %s", href)
		}
	}
	_, body, _ = saGet(t, responder.Client, s.URL+"/staff")
	for _, href := range []string{`href="/staff/stats"`, `href="/staff/orgs"`, `href="/staff/fees/rules"`, `href="/staff/articles"`} {
		if strings.Contains(body, href) {
			t.Errorf("employer responder's menu offers %s", href)
		}
	}
	if !strings.Contains(body, `href="/staff"`) {
		t.Error("employer responder's menu lacks the inbox")
	}
}
