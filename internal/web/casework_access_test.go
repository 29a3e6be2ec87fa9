package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// TestCaseworkRoutesByRole walks every case-handling route for every kind
// of caller — anonymous, the worker with the right receipt, a worker with
// another case's receipt, each role of the mechanism, a member of the
// referred organisation and a member of an unrelated one — and checks the
// status and that no identity leaks to those without consent. A case one
// may not see answers exactly like one that does not exist.
func TestCaseworkRoutesByRole(t *testing.T) {
	s := stack.New(t, store.SQLite)
	cast := cwNewCast(t, s)
	c, _ := cwFile(t, s, false)
	other := htCreate(t, s, htGrievance("en"))
	apiURL := "/api/v1/cases/" + c.Ref
	for _, to := range []string{"acknowledged", "in_review"} {
		cwWant(t, cwAPI(t, cast.caseworker, s, http.MethodPost, apiURL+"/transitions", map[string]any{"to": to}), http.StatusOK, to)
	}
	r := cwAPI(t, cast.caseworker, s, http.MethodPost, apiURL+"/referrals", map[string]any{"organization_id": cast.employer.ID})
	cwWant(t, r, http.StatusCreated, "refer")
	var ref struct{ ID int64 }
	r.decode(t, &ref)
	missingBody := string(cwAPI(t, cast.outsider, s, http.MethodGet, "/api/v1/cases/RM-0000-0000", nil).Body)

	type caller struct {
		name   string
		header []string // API headers
		staff  *stack.StaffUser
	}
	bearer := func(u *stack.StaffUser) []string { return []string{"Authorization", "Bearer " + u.Token} }
	callers := []caller{
		{"anonymous", nil, nil},
		{"worker", []string{"Authorization", "Receipt " + c.Receipt}, nil},
		{"other worker", []string{"Authorization", "Receipt " + other.Receipt}, nil},
		{"mechanism admin", bearer(cast.admin), cast.admin},
		{"mechanism caseworker", bearer(cast.caseworker), cast.caseworker},
		{"mechanism viewer", bearer(cast.viewer), cast.viewer},
		{"mechanism responder", bearer(cast.responder), cast.responder},
		{"mechanism auditor", bearer(cast.auditor), cast.auditor},
		{"referred responder", bearer(cast.empResponder), cast.empResponder},
		{"referred viewer", bearer(cast.empViewer), cast.empViewer},
		{"unrelated admin", bearer(cast.outsider), cast.outsider},
	}
	// Expected status per caller of each staff API route (validation runs
	// after access, so an allowed caller sending an empty body gets 422).
	type route struct {
		method, path string
		body         any
		want         map[string]int
	}
	const (
		ok, created, invalid, unauth, forbid, missing = 200, 201, 422, 401, 403, 404
	)
	staffWant := func(allowed map[string]int, visibleNotAllowed int) map[string]int {
		w := map[string]int{"anonymous": unauth, "worker": unauth, "other worker": unauth,
			"mechanism auditor": missing, "unrelated admin": missing}
		for _, n := range []string{"mechanism admin", "mechanism caseworker", "mechanism viewer", "mechanism responder", "referred responder", "referred viewer"} {
			w[n] = visibleNotAllowed
		}
		for n, st := range allowed {
			w[n] = st
		}
		return w
	}
	routes := []route{
		{"GET", apiURL, nil, staffWant(nil, ok)},
		{"POST", apiURL + "/transitions", map[string]any{"to": "nonsense"}, staffWant(map[string]int{"mechanism admin": invalid, "mechanism caseworker": invalid}, forbid)},
		{"POST", apiURL + "/messages", map[string]any{"body": ""}, staffWant(map[string]int{"mechanism admin": invalid, "mechanism caseworker": invalid, "referred responder": invalid}, forbid)},
		{"POST", apiURL + "/referrals", map[string]any{"organization_id": 0}, staffWant(map[string]int{"mechanism admin": invalid, "mechanism caseworker": invalid}, forbid)},
		{"POST", apiURL + "/remedies", map[string]any{"type": ""}, staffWant(map[string]int{"mechanism admin": invalid, "mechanism caseworker": invalid, "referred responder": invalid}, forbid)},
		{"POST", apiURL + "/remedies/1/implemented", map[string]any{"evidence": ""}, staffWant(map[string]int{"mechanism admin": missing, "mechanism caseworker": missing}, forbid)},
		{"POST", fmt.Sprintf("/api/v1/referrals/%d/acknowledge", ref.ID), map[string]any{"accept": false}, staffWant(map[string]int{"referred responder": invalid}, forbid)},
	}
	workerWant := func(worker, other int) map[string]int {
		w := map[string]int{"anonymous": unauth, "worker": worker, "other worker": other}
		for _, cl := range callers[3:] {
			w[cl.name] = unauth
		}
		return w
	}
	workerRoutes := []route{
		{"POST", "/api/v1/grievances/self/consent", map[string]any{}, workerWant(invalid, invalid)},
		{"POST", "/api/v1/grievances/self/remedies/1/decision", map[string]any{"accept": true}, workerWant(missing, missing)},
		{"POST", "/api/v1/grievances/self/feedback", map[string]any{}, workerWant(invalid, invalid)},
		{"POST", "/api/v1/grievances/self/withdraw", nil, workerWant(ok, ok)},
	}
	checkRoutes := func(routes []route, fresh bool) {
		for _, rt := range routes {
			if fresh {
				// Wrong receipts are limited per client; start each route afresh.
				s.Clock.Advance(11 * time.Minute)
			}
			for _, cl := range callers {
				r := htAPI(t, s, rt.method, rt.path, rt.body, cl.header...)
				if want := rt.want[cl.name]; r.Status != want {
					t.Errorf("%s %s as %s: %d, want %d: %s", rt.method, rt.path, cl.name, r.Status, want, r.Body)
				}
				if r.Status == missing && strings.HasPrefix(rt.path, apiURL) && rt.method == "GET" && string(r.Body) != missingBody {
					t.Errorf("%s %s as %s: 404 body differs from a missing case's", rt.method, rt.path, cl.name)
				}
				if cl.name != "worker" && !strings.HasPrefix(cl.name, "mechanism admin") && !strings.HasPrefix(cl.name, "mechanism caseworker") {
					if leaks := cwLeaks(string(r.Body)); len(leaks) > 0 {
						t.Errorf("%s %s as %s shows %q", rt.method, rt.path, cl.name, leaks)
					}
				}
			}
		}
	}
	checkRoutes(routes, false)

	// The pages: GET the case page with the identity asked for, and post
	// each form, as every staff caller.
	caseURL := "/staff/cases/" + c.Ref
	pages := []struct {
		method, path string
		form         url.Values
		want         map[string]int
	}{
		{"GET", caseURL + "?identity=1", nil, staffWant(nil, ok)},
		{"POST", caseURL + "/transitions", url.Values{"to": {"nonsense"}}, staffWant(map[string]int{"mechanism admin": invalid, "mechanism caseworker": invalid}, forbid)},
		{"POST", caseURL + "/messages", url.Values{"body": {""}}, staffWant(map[string]int{"mechanism admin": invalid, "mechanism caseworker": invalid, "referred responder": invalid}, forbid)},
		{"POST", caseURL + "/referrals", url.Values{}, staffWant(map[string]int{"mechanism admin": invalid, "mechanism caseworker": invalid}, forbid)},
		{"POST", caseURL + "/remedies", url.Values{"type": {""}}, staffWant(map[string]int{"mechanism admin": invalid, "mechanism caseworker": invalid, "referred responder": invalid}, forbid)},
		{"POST", fmt.Sprintf("/staff/referrals/%d/acknowledge", ref.ID), url.Values{"accept": {"0"}}, staffWant(map[string]int{"referred responder": invalid}, forbid)},
	}
	for _, pg := range pages {
		for _, cl := range callers[3:] {
			r := cwPage(t, cl.staff, s, pg.method, pg.path, pg.form)
			if want := pg.want[cl.name]; r.Status != want {
				t.Errorf("%s %s as %s: %d, want %d", pg.method, pg.path, cl.name, r.Status, want)
			}
			if cl.name != "mechanism admin" && cl.name != "mechanism caseworker" {
				if leaks := cwLeaks(r.Body); len(leaks) > 0 {
					t.Errorf("%s %s as %s shows %q", pg.method, pg.path, cl.name, leaks)
				}
			}
		}
	}
	// Last, as it moves the clock past staff sessions' idle time.
	checkRoutes(workerRoutes, true)
}
