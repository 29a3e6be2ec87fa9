package web_test

// Tests of the corridor dashboard, its exports and its API. Every
// top-level name starts with "rc" so that it cannot collide with the other
// test files of package web_test.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"remedy/internal/audit"
	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/recruitment"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
)

// rcRaw opens the stack's SQLite file behind the store, to write fee
// reports as recruitment-a's store does.
func rcRaw(t testing.TB, s *stack.Stack) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(s.DataDir, "remedy.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

type rcReport struct {
	origin, program, sex, occupation string
	year                             int
	agency                           int64
	cost, earnings                   int64
	receiptHash                      []byte
	rules                            []string
	items                            map[string]int64
}

var rcSeq int

func rcInsert(t testing.TB, raw *sql.DB, r rcReport) int64 {
	t.Helper()
	rcSeq++
	if r.program == "" {
		r.program = "technical_intern"
	}
	if r.year == 0 {
		r.year = 2026
	}
	var earn, months, agency any
	if r.earnings > 0 {
		earn, months = r.earnings, float64(r.cost)/float64(r.earnings)
	}
	if r.agency != 0 {
		agency = r.agency
	}
	var id int64
	err := raw.QueryRow(`INSERT INTO fee_reports (reference, receipt_hash, channel, language, origin_country, program, occupation, sex,
		contract_months, monthly_wage_jpy, first_month_earnings_jpy, report_date, report_year, agency_org_id, total_cost_jpy,
		total_cost_usd_cents, months_of_earnings, has_violation, created_at, wrapped_key)
		VALUES ($1, $2, 'import', 'vi', $3, $4, $5, $6, 36, 160000, $7, $8, $9, $10, $11, 0, $12, $13, 0, $14) RETURNING id`,
		fmt.Sprintf("FR-T-%06d", rcSeq), r.receiptHash, r.origin, r.program, r.occupation, r.sex, earn,
		fmt.Sprintf("%d-06-01", r.year), r.year, agency, r.cost, months, len(r.rules) > 0, []byte{1}).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	pos := 0
	for kind, jpy := range r.items {
		if _, err := raw.Exec(`INSERT INTO fee_items (report_id, position, kind, amount, currency, amount_jpy, amount_usd_cents,
			jpy_per_unit, rate_source, refunded) VALUES ($1, $2, $3, $4, 'JPY', $4, 0, 1, 'same', FALSE)`, id, pos, kind, jpy); err != nil {
			t.Fatal(err)
		}
		pos++
	}
	for _, rule := range r.rules {
		if _, err := raw.Exec(`INSERT INTO fee_findings (report_id, rule_id, rule_version, check_index, check_kind, severity,
			rule_status, confidence, paid_jpy) VALUES ($1, $2, 1, 0, 'cap', 'violation', 'in_force', 'high', 0)`, id, rule); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func rcAgency(t testing.TB, s *stack.Stack, name, country, licence string, typ org.Type) recruitment.Agency {
	t.Helper()
	a := recruitment.Agency{Org: org.Organization{Name: name, Type: typ, Country: country}, LicenceNumber: licence,
		LicenceStatus: recruitment.LicenceValid, LicenceSource: "https://example.org/licences", LicenceCheckedOn: "2026-10-01",
		Contact: "Hà Nội, +84 24 0000 0000"}
	if errs := a.Validate(s.Clock.Now()); len(errs) > 0 {
		t.Fatal(errs)
	}
	a.Org.CreatedAt, a.UpdatedAt = s.Clock.Now(), s.Clock.Now()
	if err := s.DB.CreateAgency(context.Background(), &a, audit.Entry{At: s.Clock.Now(), Actor: "system", Action: "registry.agency_added"}); err != nil {
		t.Fatal(err)
	}
	return a
}

// rcGet fetches a page or export without cookies.
func rcGet(t testing.TB, s *stack.Stack, path string, header ...string) htAPIResp {
	t.Helper()
	return htAPI(t, s, http.MethodGet, path, nil, header...)
}

// rcStats is the API's answer, decoded loosely.
type rcStats struct {
	MinCell   int `json:"min_cell"`
	Total     map[string]any
	Corridors []map[string]any
	Sex       []map[string]any
	Agencies  []map[string]any
	Items     []map[string]any
	Rules     []map[string]any
}

func rcAPIStats(t testing.TB, s *stack.Stack, query string) (rcStats, []byte) {
	t.Helper()
	r := rcGet(t, s, "/api/v1/stats/recruitment"+query)
	if r.Status != http.StatusOK {
		t.Fatalf("stats %s: %d %s", query, r.Status, r.Body)
	}
	var out rcStats
	r.decode(t, &out)
	return out, r.Body
}

func rcNum(t testing.TB, m map[string]any, path ...string) (float64, bool) {
	t.Helper()
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("no %v in %v", path, m)
		}
		cur = mm[p]
	}
	if cur == nil {
		return 0, false
	}
	f, ok := cur.(float64)
	if !ok {
		t.Fatalf("%v is %T", path, cur)
	}
	return f, true
}

// TestCorridorSuppressionAtKMinusOneAndK: with k−1 reports in the corridor
// the page, the CSV, the XLSX and the API publish none of its figures;
// with k they publish them all, the same in each.
func TestCorridorSuppressionAtKMinusOneAndK(t *testing.T) {
	s := stack.New(t, store.SQLite)
	raw := rcRaw(t, s)
	k := recruitment.DefaultMinCell
	costs := []int64{400000, 500000, 600000, 700000, 800000}
	for i := range k - 1 {
		rcInsert(t, raw, rcReport{origin: "KH", sex: "female", cost: costs[i], earnings: 200000, rules: []string{"KH-GEN"},
			items: map[string]int64{"service_fee": costs[i]}})
	}
	st, body := rcAPIStats(t, s, "?origin=KH")
	if st.MinCell != k {
		t.Fatalf("min_cell %d, want %d", st.MinCell, k)
	}
	if _, ok := rcNum(t, st.Total, "sdg_10_7_1", "median"); ok || st.Total["suppressed"] != true {
		t.Errorf("k−1 reports: total published: %v", st.Total)
	}
	if strings.Contains(string(body), "2.5") || strings.Contains(string(body), "550000") {
		t.Errorf("k−1 reports: a figure leaked: %s", body)
	}
	page := rcGet(t, s, "/corridor?origin=KH")
	if page.Status != http.StatusOK || strings.Contains(string(page.Body), "550,000") {
		t.Errorf("k−1 reports: page %d shows the mean cost", page.Status)
	}
	csvBody := string(rcGet(t, s, "/corridor.csv?origin=KH").Body)
	if strings.Contains(csvBody, "550000") || !strings.Contains(csvBody, ",x,") {
		t.Errorf("k−1 reports: CSV\n%s", csvBody)
	}

	rcInsert(t, raw, rcReport{origin: "KH", sex: "female", cost: costs[k-1], earnings: 200000, rules: []string{"KH-GEN"},
		items: map[string]int64{"service_fee": costs[k-1]}})
	st, _ = rcAPIStats(t, s, "?origin=KH")
	want := map[string]float64{"reports": 5, "sdg_reports": 5, "excluded": 0}
	for f, w := range want {
		if got, ok := rcNum(t, st.Total, f); !ok || got != w {
			t.Errorf("k reports: %s = %v (%v), want %v", f, got, ok, w)
		}
	}
	checks := [][3]any{{"cost_jpy", "mean", 600000.0}, {"cost_jpy", "median", 600000.0}, {"cost_jpy", "q4", 720000.0},
		{"sdg_10_7_1", "mean", 3.0}, {"sdg_10_7_1", "median", 3.0}, {"sdg_10_7_1", "q4", 3.6}}
	for _, c := range checks {
		if got, ok := rcNum(t, st.Total, c[0].(string), c[1].(string)); !ok || got != c[2].(float64) {
			t.Errorf("k reports: %s.%s = %v (%v), want %v", c[0], c[1], got, ok, c[2])
		}
	}
	if got, ok := rcNum(t, st.Total, "violation_share"); !ok || got != 100 {
		t.Errorf("violation share %v %v", got, ok)
	}
	if len(st.Rules) != 1 || st.Rules[0]["rule_id"] != "KH-GEN" || st.Rules[0]["share"] != 100.0 {
		t.Errorf("rules: %v", st.Rules)
	}
	if len(st.Items) != 1 || st.Items[0]["mean_paid_jpy"] != 600000.0 {
		t.Errorf("items: %v", st.Items)
	}

	// The CSV holds exactly the numbers the API gives, and the page shows
	// them formatted.
	csvR := rcGet(t, s, "/corridor.csv?origin=KH")
	if ct := csvR.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") ||
		!strings.Contains(csvR.Header.Get("Content-Disposition"), "remedy-corridor-kh.csv") {
		t.Errorf("CSV headers: %v", csvR.Header)
	}
	// Tables have different widths: read leniently.
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvR.Body, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	allLabel := htT(t, "en", "corridor.group.all")
	foundSDG := false
	for _, rec := range recs {
		if len(rec) == 6 && rec[0] == allLabel && rec[2] == "3" && rec[3] == "3" && rec[4] == "3.6" {
			foundSDG = true
		}
	}
	if !foundSDG {
		t.Errorf("the CSV lacks the SDG row (3, 3, 3.6):\n%s", csvR.Body)
	}
	page = rcGet(t, s, "/corridor?origin=KH&lang=en")
	for _, want := range []string{"600,000", "720,000", "3.60", "<svg", htT(t, "en", "corridor.table.sdg_corridor")} {
		if !strings.Contains(string(page.Body), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The XLSX holds the same numbers as numbers.
	x := rcGet(t, s, "/corridor.xlsx?origin=KH&lang=en")
	if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("XLSX: %d %v", x.Status, x.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) < 5 {
		t.Fatalf("sheets: %v", sheets)
	}
	rows, err := f.GetRows(sheets[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 4 || rows[3][0] != allLabel || rows[3][4] != "3.6" {
		t.Errorf("first table sheet %q: %v", sheets[1], rows)
	}
	if typ, _ := f.GetCellType(sheets[1], "E4"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("E4 is not a number: %v", typ)
	}
}

// TestCorridorSecondarySuppression: a breakdown where one group is small
// hides a second group too, alike on the page, in the exports and the API.
func TestCorridorSecondarySuppression(t *testing.T) {
	s := stack.New(t, store.SQLite)
	raw := rcRaw(t, s)
	for i := range 8 {
		rcInsert(t, raw, rcReport{origin: "VN", sex: "female", cost: int64(300000 + 10000*i), earnings: 150000})
	}
	for i := range 6 {
		rcInsert(t, raw, rcReport{origin: "VN", sex: "male", cost: int64(500000 + 10000*i), earnings: 150000})
	}
	rcInsert(t, raw, rcReport{origin: "VN", sex: "", cost: 999999, earnings: 150000})
	st, body := rcAPIStats(t, s, "?origin=VN")
	shown := map[string]bool{}
	for _, g := range st.Sex {
		shown[g["key"].(string)] = g["suppressed"] != true
	}
	if !shown["female"] || shown["male"] || shown[""] {
		t.Errorf("sex breakdown shown: %v", shown)
	}
	if strings.Contains(string(body), "999999") {
		t.Error("the one report's cost leaked")
	}
}

// TestCorridorAPIMatchesOpenAPI: the answer fits the documented schema.
func TestCorridorAPIMatchesOpenAPI(t *testing.T) {
	s, doc := oaLoad(t)
	raw := rcRaw(t, s)
	a := rcAgency(t, s, "Công ty Nhân lực Sao Mai", "VN", "123/GP", org.SendingAgency)
	for i := range 7 {
		rcInsert(t, raw, rcReport{origin: "VN", sex: []string{"female", "male"}[i%2], occupation: "construction", agency: a.Org.ID,
			cost: int64(400000 + 50000*i), earnings: 150000, rules: []string{"VN-GEN-SERVICE-FEE-12M"},
			items: map[string]int64{"service_fee": 300000, "training": 100000}})
	}
	rcInsert(t, raw, rcReport{origin: "PH", program: "specified_skilled", year: 2025, cost: 0, earnings: 0})
	for _, q := range []string{"", "?origin=VN", "?origin=VN&program=technical_intern&year=2026", "?origin=NP"} {
		r := rcGet(t, s, "/api/v1/stats/recruitment"+q)
		var v any
		if err := json.Unmarshal(r.Body, &v); err != nil || r.Status != http.StatusOK {
			t.Fatalf("%s: %d %v", q, r.Status, err)
		}
		schema := oaGet(t, doc, "paths", "/api/v1/stats/recruitment", "get", "responses", "200", "content", "application/json", "schema")
		oaValidate(t, doc, schema, v, "stats"+q)
	}
	r := rcGet(t, s, "/api/v1/stats/recruitment?origin=XX")
	r.apiErr(t, http.StatusUnprocessableEntity)
	for _, path := range []string{"/api/v1/agencies?q=sao+mai", fmt.Sprintf("/api/v1/agencies/%d", a.Org.ID)} {
		r := rcGet(t, s, path)
		var v any
		if err := json.Unmarshal(r.Body, &v); err != nil || r.Status != http.StatusOK {
			t.Fatalf("%s: %d %v", path, r.Status, err)
		}
		p := "/api/v1/agencies"
		if strings.Contains(path, "/agencies/") {
			p = "/api/v1/agencies/{id}"
		}
		schema := oaGet(t, doc, "paths", p, "get", "responses", "200", "content", "application/json", "schema")
		oaValidate(t, doc, schema, v, path)
	}
}

// TestCorridorEveryLanguage: the dashboard and the registry pages render
// in every language, with no key left untranslated.
func TestCorridorEveryLanguage(t *testing.T) {
	s := stack.New(t, store.SQLite)
	raw := rcRaw(t, s)
	a := rcAgency(t, s, "Công ty Nhân lực Sao Mai", "VN", "123/GP", org.SendingAgency)
	for i := range 6 {
		rcInsert(t, raw, rcReport{origin: "VN", sex: "female", occupation: "food_manufacturing", agency: a.Org.ID,
			cost: int64(500000 + 1000*i), earnings: 150000, rules: []string{"VN-BROKERAGE-BAN"},
			items: map[string]int64{"brokerage": 200000}})
	}
	for _, l := range i18n.Supported {
		for _, path := range []string{"/corridor", "/corridor?origin=VN", "/registry?q=sao", fmt.Sprintf("/agencies/%d", a.Org.ID),
			fmt.Sprintf("/agencies/%d/review", a.Org.ID)} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			r := rcGet(t, s, path+sep+"lang="+l.Code)
			if r.Status != http.StatusOK {
				t.Fatalf("%s in %s: %d", path, l.Code, r.Status)
			}
			body := string(r.Body)
			if !strings.Contains(body, `lang="`+l.Code+`"`) {
				t.Errorf("%s in %s: no lang attribute", path, l.Code)
			}
			for _, prefix := range []string{"corridor.", "registry.", "fees.kind.", "orgtype."} {
				if i := strings.Index(body, ">"+prefix); i >= 0 {
					t.Errorf("%s in %s: untranslated key near %q", path, l.Code, body[i:min(len(body), i+60)])
				}
			}
		}
		for _, path := range []string{"/corridor.csv", "/corridor.xlsx"} {
			if r := rcGet(t, s, path+"?lang="+l.Code); r.Status != http.StatusOK || len(r.Body) < 100 {
				t.Errorf("%s in %s: %d", path, l.Code, r.Status)
			}
		}
	}
}

// rcStaff signs a new person of orgID in and returns a browser for pages.
func rcStaff(t testing.TB, s *stack.Stack, orgID int64, email string, role org.Role) *http.Client {
	t.Helper()
	const password = "correct horse battery staple"
	secret, err := s.Staff.AddPerson(context.Background(), org.Person{OrgID: orgID, Email: email, Role: role}, password, "system")
	if err != nil {
		t.Fatal(err)
	}
	code, err := vault.TOTPCode(secret, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(s.URL+"/staff/signin", url.Values{"email": {email}, "password": {password}, "code": {code}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: %d", email, resp.StatusCode)
	}
	return c
}

func rcOrg(t testing.TB, s *stack.Stack, typ org.Type, country string) org.Organization {
	t.Helper()
	o, err := s.Staff.AddOrganization(context.Background(), org.Organization{Name: "Org " + string(typ), Type: typ, Country: country}, "system")
	if err != nil {
		t.Fatal(err)
	}
	return o
}
