package web_test

// Tests of the agency registry, the agency page, workers' reviews, their
// moderation, the agency's answer and the CSV import (names start "rc").

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

func rcBody(t testing.TB, c *http.Client, method, target string, form url.Values) (int, string) {
	t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRegistrySearchPage(t *testing.T) {
	s := stack.New(t, store.SQLite)
	rcAgency(t, s, "Công ty Cổ phần Nhân lực Quốc tế Sao Mai", "VN", "123/LĐTBXH-GP", org.SendingAgency)
	rcAgency(t, s, "協同組合さくら監理", "JP", "許1801000123", org.SupervisingOrg)
	rcAgency(t, s, "ក្រុមហ៊ុន អង្គរ ការងារ", "KH", "KH-077", org.SendingAgency)
	rcAgency(t, s, "บริษัท จัดหางาน สยาม", "TH", "TH-2566-0042", org.SendingAgency)
	cases := map[string]string{
		"cong ty nhan luc": "Công ty Cổ phần Nhân lực Quốc tế Sao Mai",
		"Công ty Nhân lực": "Công ty Cổ phần Nhân lực Quốc tế Sao Mai",
		"123 ldtbxh":       "Công ty Cổ phần Nhân lực Quốc tế Sao Mai",
		"さくら":              "協同組合さくら監理",
		"អង្គរ":            "ក្រុមហ៊ុន អង្គរ ការងារ",
		"จัดหางาน":         "บริษัท จัดหางาน สยาม",
	}
	for q, want := range cases {
		r := rcGet(t, s, "/registry?lang=en&q="+url.QueryEscape(q))
		body := string(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("registry search %q: %d, want %q", q, r.Status, want)
		}
		if n := strings.Count(body, `href="/agencies/`); n != 1 {
			t.Errorf("registry search %q: %d results, want 1", q, n)
		}
		api := rcGet(t, s, "/api/v1/agencies?q="+url.QueryEscape(q))
		if !strings.Contains(string(api.Body), `"total":1`) {
			t.Errorf("API search %q: %s", q, api.Body)
		}
	}
	if r := rcGet(t, s, "/registry?country=JP&lang=en"); strings.Count(string(r.Body), `href="/agencies/`) != 1 {
		t.Error("country filter")
	}
	if r := rcGet(t, s, "/registry?type=supervising_org&lang=en"); strings.Count(string(r.Body), `href="/agencies/`) != 1 {
		t.Error("type filter")
	}
	// An organisation that is not an agency has no agency page.
	emp := rcOrg(t, s, org.Employer, "JP")
	if r := rcGet(t, s, fmt.Sprintf("/agencies/%d", emp.ID)); r.Status != http.StatusNotFound {
		t.Errorf("an employer's agency page: %d", r.Status)
	}
	if r := rcGet(t, s, fmt.Sprintf("/api/v1/agencies/%d", emp.ID)); r.Status != http.StatusNotFound {
		t.Errorf("an employer through the API: %d", r.Status)
	}
}

// TestReviewJourney: a worker with a grievance reviews the agency on the
// form (no JavaScript), a caseworker approves it, the agency's admin
// answers, and the agency page shows review and answer; nothing of it is
// public before moderation.
func TestReviewJourney(t *testing.T) {
	s, w := htStack(t)
	raw := rcRaw(t, s)
	a := rcAgency(t, s, "Công ty Nhân lực Sao Mai", "VN", "123/GP", org.SendingAgency)
	other := rcAgency(t, s, "Công ty Khác", "VN", "999/GP", org.SendingAgency)
	// A fee report about another agency, with its receipt.
	otherReceipt := "4444 3333 2222 1111"
	rcInsert(t, raw, rcReport{origin: "VN", cost: 700000, earnings: 150000, agency: other.Org.ID,
		receiptHash: s.Keys.ReceiptLookupHash(otherReceipt)})
	created := htCreate(t, s, htGrievance("vi", "recruitment.fees"))
	secret := "Họ thu phí quá cao, mã bí mật 5e2a"
	reviewPath := fmt.Sprintf("/agencies/%d/review", a.Org.ID)

	form := w.get(reviewPath + "?lang=vi")
	if form.Status != http.StatusOK || !strings.Contains(form.text(), htT(t, "vi", "registry.review.intro")) {
		t.Fatalf("review form: %d", form.Status)
	}
	// A wrong receipt: the form comes back with everything typed.
	r := w.post(reviewPath, url.Values{"receipt": {"1234 5678 9012 3456"}, "rating": {"1"}, "comment": {secret}, "language": {"vi"}})
	if r.Status != http.StatusUnauthorized || !strings.Contains(r.text(), secret) || !htChecked(r.Body, "rating", "1") {
		t.Errorf("wrong receipt: %d, the form should come back filled", r.Status)
	}
	// The receipt of a report about another agency.
	r = w.post(reviewPath, url.Values{"receipt": {otherReceipt}, "rating": {"1"}, "comment": {secret}, "language": {"vi"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), htT(t, "en", "registry.review.not_linked")) && !strings.Contains(r.text(), htT(t, "vi", "registry.review.not_linked")) {
		t.Errorf("another agency's report: %d", r.Status)
	}
	// No rating.
	r = w.post(reviewPath, url.Values{"receipt": {created.Receipt}, "comment": {secret}, "language": {"vi"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `aria-describedby="e-rating"`) {
		t.Errorf("no rating: %d", r.Status)
	}
	r = w.post(reviewPath, url.Values{"receipt": {created.Receipt}, "rating": {"1"}, "comment": {secret}, "language": {"vi"}})
	if r.Status != http.StatusOK || !strings.Contains(r.text(), htT(t, "vi", "registry.review.thanks")) {
		t.Fatalf("review: %d %s", r.Status, htSnippet(r.Body))
	}
	// The same receipt again: refused.
	r = w.post(reviewPath, url.Values{"receipt": {created.Receipt}, "rating": {"5"}, "language": {"vi"}})
	if r.Status != http.StatusConflict {
		t.Errorf("second review: %d", r.Status)
	}
	for _, u := range w.seenURLs() {
		if strings.Contains(htDigits(u), htDigits(created.Receipt)) {
			t.Errorf("the receipt appeared in a URL: %s", u)
		}
	}
	page := rcGet(t, s, fmt.Sprintf("/agencies/%d?lang=vi", a.Org.ID))
	if strings.Contains(string(page.Body), "5e2a") {
		t.Fatal("a review is public before moderation")
	}

	mech := rcOrg(t, s, org.Mechanism, "JP")
	viewer := rcStaff(t, s, mech.ID, "viewer@example.org", org.Viewer)
	if status, _ := rcBody(t, viewer, http.MethodGet, s.URL+"/staff/registry/reviews", nil); status != http.StatusNotFound {
		t.Errorf("a viewer's moderation page: %d", status)
	}
	cw := rcStaff(t, s, mech.ID, "cw@example.org", org.Caseworker)
	status, body := rcBody(t, cw, http.MethodGet, s.URL+"/staff/registry/reviews", nil)
	if status != http.StatusOK || !strings.Contains(body, "5e2a") {
		t.Fatalf("moderation page: %d", status)
	}
	var id int64
	if err := raw.QueryRow("SELECT id FROM agency_reviews").Scan(&id); err != nil {
		t.Fatal(err)
	}
	target := fmt.Sprintf("%s/staff/registry/reviews/%d", s.URL, id)
	if status, _ := rcBody(t, cw, http.MethodPost, target, url.Values{"decision": {"reject"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("a rejection without reason: %d", status)
	}
	if status, _ := rcBody(t, cw, http.MethodPost, target, url.Values{"decision": {"approve"}}); status != http.StatusSeeOther {
		t.Fatalf("approve: %d", status)
	}
	if status, _ := rcBody(t, cw, http.MethodPost, target, url.Values{"decision": {"reject"}, "reason": {"late"}}); status != http.StatusConflict {
		t.Errorf("moderating twice: %d", status)
	}

	// The agency's admin answers; the answer page is theirs alone.
	agencyAdmin := rcStaff(t, s, a.Org.ID, "admin@saomai.example.org", org.Admin)
	if status, _ := rcBody(t, cw, http.MethodGet, s.URL+"/staff/registry/answer", nil); status != http.StatusNotFound {
		t.Errorf("the mechanism's answer page: %d", status)
	}
	answer := "Chúng tôi sẽ xem xét và hoàn lại phí."
	if status, _ := rcBody(t, agencyAdmin, http.MethodPost, s.URL+"/staff/registry/answer", url.Values{"body": {""}, "language": {"vi"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("an empty answer: %d", status)
	}
	if status, body := rcBody(t, agencyAdmin, http.MethodPost, s.URL+"/staff/registry/answer", url.Values{"body": {answer}, "language": {"vi"}}); status != http.StatusOK || !strings.Contains(body, "hoàn lại phí") {
		t.Fatalf("answer: %d", status)
	}
	page = rcGet(t, s, fmt.Sprintf("/agencies/%d?lang=en", a.Org.ID))
	body = string(page.Body)
	for _, want := range []string{"5e2a", "hoàn lại phí", `lang="vi"`, "★☆☆☆☆", "123/GP", "https://example.org/licences"} {
		if !strings.Contains(body, want) {
			t.Errorf("agency page lacks %q", want)
		}
	}
	if strings.Contains(body, created.Receipt) || strings.Contains(body, created.Reference) {
		t.Error("the agency page shows the worker's receipt or reference")
	}
	api := rcGet(t, s, fmt.Sprintf("/api/v1/agencies/%d", a.Org.ID))
	if !strings.Contains(string(api.Body), "5e2a") || !strings.Contains(string(api.Body), `"review_count":1`) {
		t.Errorf("agency API: %s", api.Body)
	}
}

func TestReviewAPI(t *testing.T) {
	s := stack.New(t, store.SQLite)
	a := rcAgency(t, s, "PT Tenaga Kerja", "ID", "KEP-1", org.SendingAgency)
	raw := rcRaw(t, s)
	receipt := "1212 3434 5656 7878"
	rcInsert(t, raw, rcReport{origin: "ID", cost: 300000, earnings: 150000, agency: a.Org.ID, receiptHash: s.Keys.ReceiptLookupHash(receipt)})
	path := fmt.Sprintf("/api/v1/agencies/%d/reviews", a.Org.ID)
	body := map[string]any{"rating": 2, "comment": "Biaya terlalu mahal", "language": "id"}
	htAPI(t, s, http.MethodPost, path, body).apiErr(t, http.StatusUnauthorized)
	htAPI(t, s, http.MethodPost, path, body, "Authorization", "Receipt 0000 0000 0000 0000").apiErr(t, http.StatusUnauthorized)
	r := htAPI(t, s, http.MethodPost, path, body, "Authorization", "Receipt "+receipt)
	if r.Status != http.StatusAccepted || !strings.Contains(string(r.Body), `"verified":true`) {
		t.Fatalf("review: %d %s", r.Status, r.Body)
	}
	htAPI(t, s, http.MethodPost, path, body, "Authorization", "Receipt "+receipt).apiErr(t, http.StatusConflict)
	htAPI(t, s, http.MethodPost, path, map[string]any{"rating": 0, "language": "id"}, "Authorization", "Receipt "+receipt).apiErr(t, http.StatusUnprocessableEntity)
	htAPI(t, s, http.MethodPost, "/api/v1/agencies/99999/reviews", body, "Authorization", "Receipt "+receipt).apiErr(t, http.StatusNotFound)
}

func TestRegistryImportPage(t *testing.T) {
	s := stack.New(t, store.SQLite)
	mech := rcOrg(t, s, org.Mechanism, "JP")
	admin := rcStaff(t, s, mech.ID, "admin@example.org", org.Admin)
	viewer := rcStaff(t, s, mech.ID, "viewer@example.org", org.Viewer)
	upload := func(c *http.Client, content string) (int, string) {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "agencies.csv")
		fw.Write([]byte(content))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/staff/registry/import?lang=en", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	good := "\ufeffname,type,country,licence_number,licence_status,aliases\n" +
		"Công ty Nhân lực Hà Nội,sending_agency,VN,77/GP,valid,Hanoi Manpower\n" +
		"ក្រុមហ៊ុន អង្គរ,sending_agency,KH,KH-1,unknown,\n"
	if status, _ := upload(viewer, good); status != http.StatusNotFound {
		t.Errorf("a viewer imported: %d", status)
	}
	if status, _ := rcBody(t, viewer, http.MethodGet, s.URL+"/staff/registry/import", nil); status != http.StatusNotFound {
		t.Errorf("a viewer's import page: %d", status)
	}
	if status, body := rcBody(t, admin, http.MethodGet, s.URL+"/staff/registry/import/template.csv", nil); status != http.StatusOK || !strings.HasPrefix(body, "name,type,country") {
		t.Errorf("template: %d %q", status, body)
	}
	status, body := upload(admin, good+"Employer,employer,JP,,,\n")
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, htT(t, "en", "registry.import.invalid", 1)) {
		t.Errorf("a file with a bad row: %d", status)
	}
	if r := rcGet(t, s, "/api/v1/agencies"); !strings.Contains(string(r.Body), `"total":0`) {
		t.Errorf("a file with a bad row wrote agencies: %s", r.Body)
	}
	status, body = upload(admin, good)
	if status != http.StatusOK || !strings.Contains(body, htT(t, "en", "registry.import.done", 2, 0)) {
		t.Fatalf("import: %d %s", status, htSnippet(body))
	}
	status, body = upload(admin, good)
	if status != http.StatusOK || !strings.Contains(body, htT(t, "en", "registry.import.done", 0, 2)) {
		t.Errorf("import again: %d", status)
	}
	if r := rcGet(t, s, "/registry?q=hanoi+manpower&lang=en"); !strings.Contains(string(r.Body), "Công ty Nhân lực Hà Nội") {
		t.Error("an imported alias is not found")
	}
	if status, _ := upload(admin, "nothing useful\n"); status != http.StatusUnprocessableEntity {
		t.Errorf("no header: %d", status)
	}
}
