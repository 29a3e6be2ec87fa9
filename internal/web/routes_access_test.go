package web_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// raRoutes lists every route registered anywhere in the package, read from
// the source, so that a new route is walked without anyone adding it here.
func raRoutes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+ /[^"]*)"`)
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			out = append(out, m[1])
		}
	}
	if len(out) < 50 {
		t.Fatalf("found only %d routes; has the registration pattern changed?", len(out))
	}
	return out
}

// TestEveryRouteDeniesByDefault walks every route of the application as
// callers who have no business with a worker's case — nobody signed in,
// a worker holding another case's receipt, a member of an organisation the
// case was never referred to, and the mechanism's auditor — and checks that
// nothing fails with a server error, that staff pages send strangers to the
// sign-in page, and that no response anywhere carries the worker's words,
// name or contact.
func TestEveryRouteDeniesByDefault(t *testing.T) {
	s := stack.New(t, store.SQLite)
	const narrative, name, phone = "Zqxnarrativemarker", "Zqxnamemarker", "090-1357-2468"
	victim := htCreate(t, s, map[string]any{
		"language": "vi", "origin_country": "VN", "program": "technical_intern",
		"categories": []string{"wages.unpaid", "documents.retained"}, "narrative": "Chủ giữ hộ chiếu. " + narrative,
		"employer_name": "Zqxemployermarker", "contact": map[string]any{"name": name, "channel": "phone", "value": phone},
	})
	other := htCreate(t, s, htGrievance("en"))
	outsider := s.NewStaff(t, s.NewOrg(t, org.Employer, "JP"), org.Admin)
	auditor := s.NewStaff(t, s.NewOrg(t, org.Mechanism, "JP"), org.Auditor)

	type caller struct {
		name   string
		client *http.Client
		header []string
	}
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	callers := []caller{
		{"anonymous", plain, nil},
		{"other worker", plain, []string{"Authorization", "Receipt " + other.Receipt}},
		{"unrelated organisation's admin", outsider.Client, []string{"Authorization", "Bearer " + outsider.Token}},
		{"mechanism auditor", auditor.Client, []string{"Authorization", "Bearer " + auditor.Token}},
	}
	fill := strings.NewReplacer("{reference}", victim.Reference, "{id}", "1", "{token}", "x", "{slug}", "x", "{lang}", "en", "{$}", "")
	publicStaff := regexp.MustCompile(`^/staff/(signin|signout|invite/)`)
	routes := raRoutes(t)
	t.Logf("walking %d routes as %d callers", len(routes), len(callers))
	for _, route := range routes {
		method, pattern, _ := strings.Cut(route, " ")
		path := fill.Replace(pattern)
		if strings.Contains(path, "{") {
			t.Errorf("route %s has a path parameter this test does not fill", route)
			continue
		}
		for _, c := range callers {
			// Failed receipts are limited per client; start every request afresh.
			s.Clock.Advance(11 * time.Minute)
			var body io.Reader
			ctype := "application/x-www-form-urlencoded"
			if strings.HasPrefix(path, "/api/") {
				body, ctype = strings.NewReader("{}"), "application/json"
			} else if method == http.MethodPost {
				body = strings.NewReader("")
			}
			req, _ := http.NewRequest(method, s.URL+path, body)
			if body != nil {
				req.Header.Set("Content-Type", ctype)
			}
			for i := 0; i+1 < len(c.header); i += 2 {
				req.Header.Set(c.header[i], c.header[i+1])
			}
			resp, err := c.client.Do(req)
			if err != nil {
				t.Fatalf("%s as %s: %v", route, c.name, err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Errorf("%s %s as %s: %d", method, path, c.name, resp.StatusCode)
			}
			for _, marker := range []string{narrative, name, phone, "Zqxemployermarker", victim.Receipt} {
				if bytes.Contains(got, []byte(marker)) {
					t.Errorf("%s %s as %s shows %q", method, path, c.name, marker)
				}
			}
			if c.name == "anonymous" && strings.HasPrefix(path, "/staff") && !publicStaff.MatchString(path) {
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/signin" {
					t.Errorf("%s %s as anonymous: %d %q, want a redirect to the sign-in page", method, path, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
			if strings.Contains(path, victim.Reference) && (resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated) {
				t.Errorf("%s %s as %s: %d, want the case hidden", method, path, c.name, resp.StatusCode)
			}
		}
	}
}
