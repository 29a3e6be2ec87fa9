package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"remedy/internal/audit"
	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/testutil/stack"
)

// Tests of the fee reports (fees.go). Every top-level name starts with
// "fe".

// feIssueReport is the issue's example: a Vietnamese technical intern on a
// 36-month contract who paid a service fee over the cap, a broker, and a
// deposit, and still owes part of a loan.
func feIssueReport() map[string]any {
	return map[string]any{
		"language": "vi", "origin_country": "VN", "program": "technical_intern", "occupation": "construction",
		"contract_months": 36, "monthly_wage_jpy": 180000, "first_month_earnings_jpy": 138000, "report_date": "2026-10-20",
		"sex":    "female",
		"agency": map[string]any{"name": "Công ty A (mẫu)", "licence_number": "123/LĐTBXH-GP"},
		"items": []any{
			map[string]any{"kind": "service_fee", "amount": 700000, "currency": "JPY", "paid_on": "2025-03-10", "paid_to": "Ông B", "payee": "sending_agency"},
			map[string]any{"kind": "brokerage", "amount": 40000000, "currency": "VND", "paid_on": "2025-02-01"},
			map[string]any{"kind": "deposit", "amount": 2000, "currency": "USD", "paid_on": "2025-03-10"},
		},
		"loan": map[string]any{"amount": 120000000, "currency": "VND", "outstanding": 60000000},
	}
}

func feJSON(t *testing.T, w *htWorker, method, path string, body any, header ...string) (int, map[string]any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	r := w.do(method, path, "application/json", b, header...)
	var out map[string]any
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		t.Fatalf("%s %s: status %d, not JSON: %s", method, path, r.Status, r.Body)
	}
	return r.Status, out
}

type feFinding struct {
	RuleID      string   `json:"rule_id"`
	RuleVersion int      `json:"rule_version"`
	Severity    string   `json:"severity"`
	ItemKinds   []string `json:"item_kinds"`
	OverByJPY   *int64   `json:"over_by_jpy"`
	Explanation string   `json:"explanation"`
	Source      string   `json:"source"`
}

func feFindings(t *testing.T, out map[string]any) []feFinding {
	t.Helper()
	b, _ := json.Marshal(out["findings"])
	var fs []feFinding
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatal(err)
	}
	return fs
}

func feFind(fs []feFinding, id string) *feFinding {
	for i := range fs {
		if fs[i].RuleID == id {
			return &fs[i]
		}
	}
	return nil
}

func feCount(t *testing.T, s *stack.Stack) int {
	t.Helper()
	n, err := s.DB.CountFeeReports(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFeeReportAPI: POST /api/v1/fee-reports checks the issue's report
// against the law, explains in Vietnamese with the source, and keeps it;
// /check gives the same findings and keeps nothing.
func TestFeeReportAPI(t *testing.T) {
	s, w := htStack(t)
	status, check := feJSON(t, w, "POST", "/api/v1/fee-reports/check", feIssueReport())
	if status != http.StatusOK {
		t.Fatalf("check: %d %v", status, check)
	}
	if n := feCount(t, s); n != 0 {
		t.Fatalf("check stored %d reports", n)
	}
	if _, ok := check["receipt"]; ok {
		t.Error("check answered a receipt")
	}
	status, out := feJSON(t, w, "POST", "/api/v1/fee-reports", feIssueReport())
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, out)
	}
	if !regexp.MustCompile(`^[0-9]{16}$`).MatchString(out["receipt"].(string)) || !strings.HasPrefix(out["reference"].(string), "FR-") {
		t.Errorf("reference %v, receipt %v", out["reference"], out["receipt"])
	}
	if n := feCount(t, s); n != 1 {
		t.Fatalf("%d reports stored, want 1", n)
	}
	if out["has_violation"] != true {
		t.Error("has_violation is not true")
	}
	if m, _ := out["months_of_earnings"].(float64); m < 5 {
		t.Errorf("months_of_earnings %v", out["months_of_earnings"])
	}
	if cats := out["categories"].([]any); len(cats) != 3 {
		t.Errorf("categories %v, want fees, deposit, debt", cats)
	}
	fs, cfs := feFindings(t, out), feFindings(t, check)
	if len(fs) != len(cfs) {
		t.Errorf("create has %d findings, check %d", len(fs), len(cfs))
	}
	for i := range fs {
		if i < len(cfs) && (fs[i].RuleID != cfs[i].RuleID || fs[i].Severity != cfs[i].Severity) {
			t.Errorf("finding %d: create %s/%s, check %s/%s", i, fs[i].RuleID, fs[i].Severity, cfs[i].RuleID, cfs[i].Severity)
		}
	}
	// ¥700,000 against 3 months of ¥180,000 (Law 69/2020 Art. 23).
	for _, id := range []string{"VN-GEN-SERVICE-FEE-12M", "VN-GEN-SERVICE-FEE-36M"} {
		f := feFind(fs, id)
		if f == nil || f.Severity != "violation" || f.OverByJPY == nil || *f.OverByJPY != 160_000 || f.RuleVersion != 1 {
			t.Errorf("%s: %+v, want a violation over by 160,000 (version 1)", id, f)
		}
	}
	for id, sev := range map[string]string{
		"VN-BROKERAGE-BAN": "violation", "JP-TITP-PENALTY-DEPOSIT-PASSPORT": "violation", "JP-TITP-SENDING-ORG": "violation",
		"GLOBAL-ILO-ZERO-FEE": "concern", "GLOBAL-EMPLOYER-PAYS": "concern", "VN-DEPOSIT": "note",
	} {
		if f := feFind(fs, id); f == nil || f.Severity != sev {
			t.Errorf("%s: %+v, want %s", id, f, sev)
		}
	}
	f := feFind(fs, "VN-GEN-SERVICE-FEE-12M")
	vi := htT(t, "vi", "fees.rule.VN-GEN-SERVICE-FEE-12M")
	if !strings.Contains(f.Explanation, vi) || !strings.Contains(f.Explanation, "¥160,000") {
		t.Errorf("explanation %q is not the Vietnamese one with the amount over", f.Explanation)
	}
	if !strings.Contains(f.Source, "69/2020") {
		t.Errorf("source %q", f.Source)
	}
	// Nothing the worker wrote in free text is stored in clear.
	rec, err := s.DB.FeeReportByReference(context.Background(), out["reference"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Report.Items[0].PaidTo != "" || len(rec.SealedPaidTo[0]) == 0 {
		t.Error("paid_to is not sealed")
	}
}

func TestFeeReportAPIValidation(t *testing.T) {
	_, w := htStack(t)
	bad := feIssueReport()
	bad["contract_months"] = 0
	bad["origin_country"] = "XX"
	bad["items"] = []any{map[string]any{"kind": "bribe", "amount": -5, "currency": "EUR"}}
	status, out := feJSON(t, w, "POST", "/api/v1/fee-reports", bad)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d %v", status, out)
	}
	b, _ := json.Marshal(out)
	for _, field := range []string{"contract_months", "origin_country", "items.0.kind", "items.0.amount", "items.0.currency"} {
		if !strings.Contains(string(b), `"field":"`+field+`"`) {
			t.Errorf("no error on %s: %s", field, b)
		}
	}
	if !strings.Contains(string(b), htT(t, "vi", "fees.error.months", 120)) {
		t.Errorf("errors are not in Vietnamese: %s", b)
	}
	if status, _ := feJSON(t, w, "POST", "/api/v1/fee-reports", map[string]any{"surprise": 1}); status != http.StatusBadRequest {
		t.Errorf("unknown field: %d", status)
	}
}

var feGrantRE = regexp.MustCompile(`name="grant" value="([^"]+)"`)

// feForm is the web form filled in like the issue's report.
func feForm(lang string) url.Values {
	return url.Values{
		"language": {lang}, "rows": {"6"}, "origin_country": {"VN"}, "program": {"technical_intern"},
		"occupation": {"construction"}, "contract_months": {"36"}, "monthly_wage_jpy": {"180,000"},
		"first_month_earnings_jpy": {"138000"}, "agency_name": {"Công ty A (mẫu)"},
		"items.0.kind": {"service_fee"}, "items.0.amount": {"150.000.000"}, "items.0.currency": {"VND"}, "items.0.paid_on": {"2025-03-10"},
		"items.2.kind": {"deposit"}, "items.2.amount": {"2000"}, "items.2.currency": {"USD"},
		"loan_amount": {"120000000"}, "loan_currency": {"VND"}, "loan_outstanding": {"60000000"},
	}
}

// TestFeeReportWebFlow: the form in every language, errors with
// everything kept, the result with the receipt once, and the grievance in
// one step (linked both ways, categories pre-filled, a double tap makes
// one case).
func TestFeeReportWebFlow(t *testing.T) {
	s, w := htStack(t)
	for _, l := range i18n.Supported {
		r := w.get("/fees?lang=" + l.Code)
		if r.Status != 200 || !strings.Contains(r.text(), htT(t, l.Code, "fees.title")) || strings.Count(r.Body, `.kind"`) < 6 {
			t.Errorf("%s: GET /fees %d", l.Code, r.Status)
		}
	}
	// Mistakes: the amount of row 3 is not a number, the wage is missing.
	f := feForm("vi")
	f.Set("monthly_wage_jpy", "")
	f.Set("items.2.amount", "hai nghìn")
	r := w.post("/fees", f)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("form with mistakes: %d", r.Status)
	}
	for _, want := range []string{`href="#f-items.2.amount"`, `href="#f-monthly_wage_jpy"`, `value="hai nghìn"`, `value="150.000.000"`, `value="Công ty A (mẫu)"`} {
		if !strings.Contains(r.text(), want) {
			t.Errorf("form with mistakes lacks %s", want)
		}
	}
	if !strings.Contains(r.text(), htT(t, "vi", "fees.error.amount")) {
		t.Error("the amount error is not in Vietnamese")
	}
	if n := feCount(t, s); n != 0 {
		t.Fatalf("a report with mistakes was stored")
	}
	// More rows keep everything typed.
	more := feForm("vi")
	more.Set("more", "1")
	r = w.post("/fees", more)
	if r.Status != 200 || strings.Count(r.Body, `.kind"`) < 12 || !strings.Contains(r.Body, `value="150.000.000"`) {
		t.Errorf("more rows: %d", r.Status)
	}

	r = w.post("/fees", feForm("vi"))
	if r.Status != 200 {
		t.Fatalf("form: %d %s", r.Status, htSnippet(r.Body))
	}
	receipt := regexp.MustCompile(`id="receipt">([0-9 ]+)<`).FindStringSubmatch(r.Body)
	ref := regexp.MustCompile(`id="reference">(FR-[^<]+)<`).FindStringSubmatch(r.Body)
	grant := feGrantRE.FindStringSubmatch(r.Body)
	if receipt == nil || ref == nil || grant == nil {
		t.Fatalf("result page lacks receipt, reference or grant button")
	}
	for _, want := range []string{htT(t, "vi", "fees.severity.violation"), htT(t, "vi", "fees.rule.VN-GEN-SERVICE-FEE-12M"), "69/2020"} {
		if !strings.Contains(r.text(), want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	for _, u := range w.seenURLs() {
		if strings.Contains(u, strings.ReplaceAll(receipt[1], " ", "")) {
			t.Errorf("receipt in URL %s", u)
		}
	}

	// One step to a grievance.
	g := w.post("/fees/grievance", url.Values{"grant": {grant[1]}})
	if g.Status != 200 {
		t.Fatalf("grievance: %d %s", g.Status, htSnippet(g.Body))
	}
	caseRef := regexp.MustCompile(`id="reference">(RM-[^<]+)<`).FindStringSubmatch(g.Body)
	caseReceipt := regexp.MustCompile(`id="receipt">([0-9 ]+)<`).FindStringSubmatch(g.Body)
	if caseRef == nil || caseReceipt == nil {
		t.Fatalf("grievance answer is not the receipt page: %s", htSnippet(g.Body))
	}
	c, err := s.DB.CaseByReference(context.Background(), caseRef[1])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Case.Categories, []string{"recruitment.fees", "recruitment.debt", "recruitment.deposit"}) {
		t.Errorf("case categories %q", c.Case.Categories)
	}
	rep, err := s.DB.FeeReportByReference(context.Background(), ref[1])
	if err != nil || rep.CaseID != c.Case.ID {
		t.Fatalf("report linked to case %d, want %d (%v)", rep.CaseID, c.Case.ID, err)
	}
	d, err := s.Intake.Details(c)
	if err != nil || !strings.Contains(d.Narrative, ref[1]) || !strings.Contains(d.Narrative, htT(t, "vi", "fees.rule.VN-BROKERAGE-BAN")[:20]) && !strings.Contains(d.Narrative, "VN-GEN-SERVICE-FEE-12M") {
		t.Errorf("case story %q, %v", d.Narrative, err)
	}
	// A double tap answers with the same case and receipt.
	g2 := w.post("/fees/grievance", url.Values{"grant": {grant[1]}})
	if m := regexp.MustCompile(`id="receipt">([0-9 ]+)<`).FindStringSubmatch(g2.Body); g2.Status != 200 || m == nil || m[1] != caseReceipt[1] {
		t.Errorf("second tap: %d", g2.Status)
	}
	if n, _ := s.DB.CountCases(context.Background()); n != 1 {
		t.Errorf("%d cases, want 1", n)
	}
	entries, _ := s.DB.AuditEntriesForCase(context.Background(), caseRef[1])
	actions := []string{}
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if !slices.Contains(actions, "case.created") || !slices.Contains(actions, "fee_report.grievance") {
		t.Errorf("case audit %q", actions)
	}
	// A forged grant is refused.
	if r := w.post("/fees/grievance", url.Values{"grant": {"nope"}}); r.Status != http.StatusNotFound {
		t.Errorf("forged grant: %d", r.Status)
	}

	// Back with the receipt: the report, no receipt, and the case it became.
	o := w.post("/fees/open", url.Values{"receipt": {receipt[1]}})
	if o.Status != 200 || strings.Contains(o.Body, `id="receipt"`) || !strings.Contains(o.text(), caseRef[1]) || feGrantRE.MatchString(o.Body) {
		t.Errorf("open: %d %s", o.Status, htSnippet(o.Body))
	}
	if bad := w.post("/fees/open", url.Values{"receipt": {"1234 5678 1234 5678"}}); bad.Status != http.StatusUnauthorized {
		t.Errorf("wrong receipt: %d", bad.Status)
	}
}

// TestFeeReportGrievanceAPI: the receipt holder makes the grievance once.
func TestFeeReportGrievanceAPI(t *testing.T) {
	s, w := htStack(t)
	_, out := feJSON(t, w, "POST", "/api/v1/fee-reports", feIssueReport())
	receipt := out["receipt"].(string)
	status, g := feJSON(t, w, "POST", "/api/v1/fee-reports/grievance", nil, "Authorization", "Receipt "+receipt)
	if status != http.StatusCreated || g["fee_report"] != out["reference"] {
		t.Fatalf("grievance: %d %v", status, g)
	}
	if status, _ := feJSON(t, w, "POST", "/api/v1/fee-reports/grievance", nil, "Authorization", "Receipt "+receipt); status != http.StatusConflict {
		t.Errorf("second grievance: %d, want 409", status)
	}
	if status, _ := feJSON(t, w, "POST", "/api/v1/fee-reports/grievance", nil, "Authorization", "Receipt 0000000000000000"); status != http.StatusUnauthorized {
		t.Errorf("wrong receipt: %d", status)
	}
	if n, _ := s.DB.CountCases(context.Background()); n != 1 {
		t.Errorf("%d cases", n)
	}
}

func feMultipart(t *testing.T, field, filename string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return &b, mw.FormDataContentType()
}

func feDo(t *testing.T, c *http.Client, method, target, ctype string, body io.Reader) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestFeeRulesAdmin: only the mechanism's admins see and change the rules;
// a new version applies to reports from its start date, and findings name
// it.
func TestFeeRulesAdmin(t *testing.T) {
	s, w := htStack(t)
	mech := s.NewOrg(t, org.Mechanism, "JP")
	admin := s.NewStaff(t, mech, org.Admin)
	cw := s.NewStaff(t, mech, org.Caseworker)
	cso := s.NewStaff(t, s.NewOrg(t, org.CSO, "VN"), org.Admin)

	if st, body, _ := feDo(t, admin.Client, "GET", s.URL+"/staff/fees/rules?origin=VN", "", nil); st != 200 || !strings.Contains(body, "VN-GEN-SERVICE-FEE-12M") || strings.Contains(body, "PH-JP-TITP") {
		t.Fatalf("admin rules page: %d", st)
	}
	for _, u := range []*stack.StaffUser{cw, cso} {
		if st, _, _ := feDo(t, u.Client, "GET", s.URL+"/staff/fees/rules", "", nil); st != http.StatusNotFound {
			t.Errorf("%s of %s: rules page %d, want 404", u.Person.Role, u.Org.Type, st)
		}
	}
	// Supersede from the page: half a month per 12 months from 2026-07-01.
	_, out := feJSON(t, w, "GET", "/api/v1/fee-rules?versions=all&origin=VN", nil)
	var v1 map[string]any
	for _, r := range out["rules"].([]any) {
		if m := r.(map[string]any); m["id"] == "VN-GEN-SERVICE-FEE-12M" {
			v1 = m
		}
	}
	if v1 == nil {
		t.Fatal("VN-GEN-SERVICE-FEE-12M not listed")
	}
	next := map[string]any{"id": "VN-GEN-SERVICE-FEE-12M", "origin": "VN", "destinations": []string{"*"}, "programs": []string{"*"},
		"status": "in_force", "confidence": "high", "effective_from": "2026-07-01", "effective_to": "",
		"summary": "Test: half a month per 12 months.", "source_url": "https://example.org/circular",
		"summaries": map[string]string{"vi": "Thử nghiệm: nửa tháng lương cho mỗi 12 tháng."},
		"checks":    []any{map[string]any{"kind": "cap", "items": []string{"service_fee"}, "basis": "contract_wage", "months": 0.5, "per_months": 12}}}
	b, _ := json.Marshal(next)
	st, _, h := feDo(t, admin.Client, "POST", s.URL+"/staff/fees/rules", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"text": {string(b)}}.Encode()))
	if st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "VN-GEN-SERVICE-FEE-12M%402") {
		t.Fatalf("supersede: %d %s", st, h.Get("Location"))
	}
	if st, _, _ := feDo(t, cw.Client, "POST", s.URL+"/staff/fees/rules", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"text": {string(b)}}.Encode())); st != http.StatusNotFound {
		t.Errorf("caseworker supersede: %d", st)
	}
	// A report before the new version gets version 1, after it version 2.
	for date, want := range map[string]struct {
		version int
		over    int64
	}{"2026-06-30": {1, 160_000}, "2026-07-01": {2, 430_000}} {
		rep := feIssueReport()
		rep["report_date"] = date
		_, out := feJSON(t, w, "POST", "/api/v1/fee-reports/check", rep)
		f := feFind(feFindings(t, out), "VN-GEN-SERVICE-FEE-12M")
		if f == nil || f.RuleVersion != want.version || *f.OverByJPY != want.over {
			t.Fatalf("%s: %+v, want version %d over by %d", date, f, want.version, want.over)
		}
		// Each version is explained by what it says, not by another's text.
		v1Text, v2Text := htT(t, "vi", "fees.rule.VN-GEN-SERVICE-FEE-12M"), "Thử nghiệm: nửa tháng lương cho mỗi 12 tháng."
		if (want.version == 1) != strings.Contains(f.Explanation, v1Text) || (want.version == 2) != strings.Contains(f.Explanation, v2Text) {
			t.Errorf("%s: version %d explained as %q", date, want.version, f.Explanation)
		}
	}
	// The API import: a new rule (version 1) and one that exists (unchanged).
	newRule := map[string]any{"id": "XX-TEST-BAN", "origin": "VN", "destinations": []string{"JP"}, "programs": []string{"technical_intern"},
		"status": "in_force", "confidence": "medium", "effective_from": "2026-01-01", "effective_to": "", "summary": "Test ban on training fees.",
		"source_url": "https://example.org/ban", "checks": []any{map[string]any{"kind": "zero", "items": []string{"training"}}}}
	existing := next
	existing["version"] = 2
	status, got := feJSON(t, w, "POST", "/api/v1/fee-rules", []any{newRule, existing}, "Authorization", "Bearer "+admin.Token)
	if status != http.StatusCreated || got["added"].([]any)[0] != "XX-TEST-BAN@1" || got["unchanged"].([]any)[0] != "VN-GEN-SERVICE-FEE-12M@2" {
		t.Errorf("import: %d %v", status, got)
	}
	if status, _ := feJSON(t, w, "POST", "/api/v1/fee-rules", newRule, "Authorization", "Bearer "+cso.Token); status != http.StatusNotFound {
		t.Errorf("CSO import: %d", status)
	}
	// Superseding without a start date is refused, with the reason.
	bad := map[string]any{}
	for k, v := range newRule {
		bad[k] = v
	}
	bad["effective_from"] = ""
	if status, out := feJSON(t, w, "POST", "/api/v1/fee-rules", bad, "Authorization", "Bearer "+admin.Token); status != http.StatusUnprocessableEntity {
		t.Errorf("supersede without a date: %d %v", status, out)
	}
	// Every change is audited with who made it.
	var changes []string
	s.DB.EachAuditEntry(context.Background(), func(e audit.Entry) error {
		if e.Action == "fee_rules.changed" {
			changes = append(changes, e.Actor+" "+e.Detail)
		}
		return nil
	})
	if len(changes) != 2 || !strings.HasPrefix(changes[0], "staff:") {
		t.Errorf("audit of rule changes: %q", changes)
	}

	// Exchange rates, by CSV upload: a rate for 2026-10 changes the dollars.
	body, ctype := feMultipart(t, "file", "rates.csv", []byte("month,currency,per_usd,source\n2026-10,JPY,100,test\n"))
	if st, _, h := feDo(t, admin.Client, "POST", s.URL+"/staff/fees/rates", ctype, body); st != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "rates") {
		t.Fatalf("rates import: %d", st)
	}
	rep := feIssueReport()
	rep["items"] = []any{map[string]any{"kind": "service_fee", "amount": 1000, "currency": "USD", "paid_on": "2026-10-01"}}
	_, out = feJSON(t, w, "POST", "/api/v1/fee-reports/check", rep)
	if out["total_cost_jpy"].(float64) != 100_000 {
		t.Errorf("USD 1,000 at an imported 100: ¥%v", out["total_cost_jpy"])
	}
}

// TestFeeSurveyImport: an enumerator's CSV becomes reports without
// receipts, all or nothing.
func TestFeeSurveyImport(t *testing.T) {
	s, _ := htStack(t)
	cso := s.NewStaff(t, s.NewOrg(t, org.CSO, "VN"), org.Caseworker)
	viewer := s.NewStaff(t, s.NewOrg(t, org.CSO, "VN"), org.Viewer)
	csv := "report_date,origin_country,program,contract_months,monthly_wage_jpy,first_month_earnings_jpy,currency,service_fee,brokerage,loan_amount,loan_outstanding\n" +
		"2026-05-01,VN,technical_intern,36,170000,130000,VND,120.000.000,30000000,100000000,50000000\n" +
		"2026-05-02,PH,specified_skilled,12,200000,,PHP,50000,,,\n"
	if st, _, _ := feDo(t, viewer.Client, "POST", s.URL+"/staff/fees/import", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"text": {csv}}.Encode())); st != http.StatusNotFound {
		t.Errorf("viewer import: %d", st)
	}
	bad := strings.Replace(csv, "2026-05-02,PH", "2026-05-02,XX", 1)
	st, body, _ := feDo(t, cso.Client, "POST", s.URL+"/staff/fees/import", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"text": {bad}}.Encode()))
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "rows.3.origin_country") || feCount(t, s) != 0 {
		t.Fatalf("bad import: %d, %d stored", st, feCount(t, s))
	}
	upload, ctype := feMultipart(t, "file", "survey.csv", []byte(csv))
	st, _, h := feDo(t, cso.Client, "POST", s.URL+"/staff/fees/import", ctype, upload)
	if st != http.StatusSeeOther || h.Get("Location") != "/staff/fees/import?done=2" || feCount(t, s) != 2 {
		t.Fatalf("import: %d %s, %d stored", st, h.Get("Location"), feCount(t, s))
	}
}

// TestFeeReportFromCasePage: a worker on their case page reports fees; the
// report is attached to that case, not made into a new one.
func TestFeeReportFromCasePage(t *testing.T) {
	s, w := htStack(t)
	c := w.submit(htForm(w.formToken(), "vi"))
	page := w.get("/case")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `href="/fees?for_case=1"`) {
		t.Fatalf("case page: %d, no link to report fees", page.Status)
	}
	form := w.get("/fees?for_case=1")
	if !strings.Contains(form.Body, `name="for_case" value="1"`) {
		t.Fatal("the fee form forgot it came from the case page")
	}
	f := feForm("vi")
	f.Set("for_case", "1")
	r := w.post("/fees", f)
	if r.Status != http.StatusOK || !strings.Contains(r.text(), htT(t, "vi", "fees.result.is_grievance", c.Ref)) {
		t.Fatalf("result: %d, want it attached to %s", r.Status, c.Ref)
	}
	if strings.Contains(r.Body, `action="/fees/grievance"`) {
		t.Error("the result still offers to make a new grievance")
	}
	ref := regexp.MustCompile(`id="reference">([^<]+)<`).FindStringSubmatch(r.Body)
	if ref == nil {
		t.Fatal("no report reference on the result page")
	}
	rep, err := s.DB.FeeReportByReference(t.Context(), ref[1])
	cs, err2 := s.DB.CaseByReference(t.Context(), c.Ref)
	if err != nil || err2 != nil || rep.CaseID != cs.Case.ID {
		t.Fatalf("report %s linked to case %d (%v %v), want %d", ref[1], rep.CaseID, err, err2, cs.Case.ID)
	}
	// Without a case open on the device, for_case links nothing.
	other := htNewWorker(t, s)
	r = other.post("/fees", f)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `action="/fees/grievance"`) {
		t.Errorf("without a session: %d, want an unlinked report offering a grievance", r.Status)
	}
}
