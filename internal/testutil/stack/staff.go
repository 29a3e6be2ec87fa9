package stack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync/atomic"
	"testing"

	"remedy/internal/org"
	"remedy/internal/vault"
)

// StaffPassword is the password of staff made by NewStaff.
const StaffPassword = "correct horse battery staple"

// StaffUser is a signed-in member of staff: Token works as a bearer token,
// and Client carries the session cookie for pages (it does not follow
// redirects, so tests can assert them).
type StaffUser struct {
	Person org.Person
	Org    org.Organization
	Secret string // TOTP secret
	Token  string
	Client *http.Client
}

var staffSeq atomic.Int64

// NewOrg creates an organisation of type typ in country.
func (s *Stack) NewOrg(t testing.TB, typ org.Type, country string) org.Organization {
	t.Helper()
	o, err := s.Staff.AddOrganization(t.Context(), org.Organization{
		Name: fmt.Sprintf("%s %s %d", typ, country, staffSeq.Add(1)), Type: typ, Country: country}, "system")
	if err != nil {
		t.Fatalf("add organisation: %v", err)
	}
	return o
}

// NewStaff creates a person with role in o and signs them in through the
// API (password and TOTP code, as a person would).
func (s *Stack) NewStaff(t testing.TB, o org.Organization, role org.Role) *StaffUser {
	t.Helper()
	email := fmt.Sprintf("%s-%d@example.org", role, staffSeq.Add(1))
	secret, err := s.Staff.AddPerson(t.Context(), org.Person{OrgID: o.ID, Email: email, Role: role, Name: "Test " + string(role)}, StaffPassword, "system")
	if err != nil {
		t.Fatalf("add person: %v", err)
	}
	code, err := vault.TOTPCode(secret, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": StaffPassword, "code": code})
	resp, err := http.Post(s.URL+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Token  string `json:"token"`
		Person struct {
			ID int64 `json:"id"`
		} `json:"person"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("sign in %s: status %d", email, resp.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(s.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "staff_session", Value: out.Token, Path: "/"}})
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &StaffUser{
		Person: org.Person{ID: out.Person.ID, OrgID: o.ID, Email: email, Role: role},
		Org:    o, Secret: secret, Token: out.Token, Client: client,
	}
}
