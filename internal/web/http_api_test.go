package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

func TestHTTPAPITaxonomy(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	type taxonomy struct {
		Language   string `json:"language"`
		Categories []struct {
			Code          string   `json:"code"`
			Label         string   `json:"label"`
			ILOIndicators []string `json:"ilo_indicators"`
		} `json:"categories"`
		ILOIndicators []struct{ Code, Label string } `json:"ilo_indicators"`
		Programs      []struct{ Code, Label string } `json:"programs"`
	}
	tests := []struct {
		name   string
		query  string
		accept string
		want   string
	}{
		{"Vietnamese", "?lang=vi", "", "vi"},
		{"Tagalog is Filipino", "?lang=tl", "", "fil"},
		{"region subtag", "?lang=km-KH", "", "km"},
		{"Accept-Language without lang", "", "th-TH,th;q=0.9", "th"},
		{"lang wins over Accept-Language", "?lang=ne", "vi", "ne"},
		{"nothing asked", "", "", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hdr []string
			if tt.accept != "" {
				hdr = []string{"Accept-Language", tt.accept}
			}
			r := htAPI(t, s, http.MethodGet, "/api/v1/taxonomy"+tt.query, nil, hdr...)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var tx taxonomy
			r.decode(t, &tx)
			if tx.Language != tt.want {
				t.Errorf("language %q, want %q", tx.Language, tt.want)
			}
			if len(tx.Categories) != 26 || len(tx.Categories) != len(grievance.Categories) {
				t.Fatalf("%d categories, want 26", len(tx.Categories))
			}
			for i, c := range tx.Categories {
				if c.Code != grievance.Categories[i].Code {
					t.Errorf("category %d is %q, want %q", i, c.Code, grievance.Categories[i].Code)
				}
				if want := htT(t, tt.want, "category."+c.Code); c.Label != want {
					t.Errorf("label of %s = %q, want %q", c.Code, c.Label, want)
				}
				if c.ILOIndicators == nil {
					t.Errorf("%s: ilo_indicators is null, want a list", c.Code)
				}
			}
			if len(tx.ILOIndicators) != 11 || len(tx.Programs) != len(grievance.Programs) {
				t.Errorf("%d indicators and %d programmes, want 11 and %d", len(tx.ILOIndicators), len(tx.Programs), len(grievance.Programs))
			}
			for _, p := range tx.Programs {
				if want := htT(t, tt.want, "program."+p.Code); p.Label != want {
					t.Errorf("programme %s = %q, want %q", p.Code, p.Label, want)
				}
			}
		})
	}
	t.Run("unknown language", func(t *testing.T) {
		t.Parallel()
		r := htAPI(t, s, http.MethodGet, "/api/v1/taxonomy?lang=xx", nil)
		e := r.apiErr(t, http.StatusUnprocessableEntity)
		if e.Error.Code != "invalid" || len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "lang" || e.Error.Fields[0].Code != "unknown_code" {
			t.Errorf("error %s, want invalid with field lang unknown_code", r.Body)
		}
	})
}

func TestHTTPAPICreateTriage(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	tests := []struct {
		name       string
		categories []string
		risk       string
		ack        time.Duration
	}{
		{"normal", []string{"wages.below_minimum", "other"}, "normal", 120 * time.Hour},
		{"one indicator", []string{"wages.overtime", "wages.deductions"}, "normal", 120 * time.Hour},
		{"high category", []string{"wages.unpaid"}, "high", 72 * time.Hour},
		{"high category recruitment deposit", []string{"recruitment.deposit"}, "high", 72 * time.Hour},
		{"two indicators", []string{"wages.overtime", "hours.excessive"}, "high", 72 * time.Hour},
		{"urgent category", []string{"other", "threats"}, "urgent", 24 * time.Hour},
		{"urgent documents", []string{"documents.retained"}, "urgent", 24 * time.Hour},
		{"three indicators", []string{"wages.overtime", "hours.excessive", "recruitment.deception"}, "urgent", 24 * time.Hour},
	}
	receipt := regexp.MustCompile(`^[0-9]{16}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := htCreate(t, s, htGrievance("en", tt.categories...))
			if !htRefShape.MatchString(c.Reference) || !receipt.MatchString(c.Receipt) {
				t.Errorf("reference %q, receipt %q", c.Reference, c.Receipt)
			}
			if c.Status != "received" || c.Risk != tt.risk {
				t.Errorf("status %q risk %q, want received %s", c.Status, c.Risk, tt.risk)
			}
			ack, err := time.Parse(time.RFC3339, c.AcknowledgeBy)
			if err != nil {
				t.Fatalf("acknowledge_by %q is not RFC 3339: %v", c.AcknowledgeBy, err)
			}
			if want := htStart.Add(tt.ack); !ack.Equal(want) {
				t.Errorf("acknowledge_by %s, want %s", ack, want)
			}
		})
	}
}

func TestHTTPAPICreateErrors(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	valid := func(edit func(map[string]any)) []byte {
		g := htGrievance("en")
		edit(g)
		b, _ := json.Marshal(g)
		return b
	}
	type field struct{ field, code string }
	tests := []struct {
		name   string
		body   []byte
		header []string
		status int
		code   string
		lang   string // language of the messages
		key    string // message key of the top-level message ("" = not checked)
		fields []field
	}{
		{name: "not JSON", body: []byte("narrative=hello"), status: 400, code: "bad_request", lang: "en", key: "error.invalid_request"},
		{name: "empty body", body: []byte{}, status: 400, code: "bad_request", lang: "en", key: "error.invalid_request"},
		{name: "wrong type", body: []byte(`{"categories":"wages.unpaid"}`), status: 400, code: "bad_request", lang: "en", key: "error.invalid_request"},
		{name: "unknown field", body: valid(func(g map[string]any) { g["password"] = "x" }), status: 400, code: "bad_request", lang: "en", key: "error.invalid_request"},
		{name: "trailing data", body: append(valid(func(map[string]any) {}), []byte(` {"a":1}`)...), status: 400, code: "bad_request", lang: "en", key: "error.invalid_request"},
		{
			name:   "invalid UTF-8",
			body:   bytes.Replace(valid(func(g map[string]any) { g["narrative"] = "Tôi bị đánh XX" }), []byte("XX"), []byte{0xff, 0xfe}, 1),
			header: []string{"Accept-Language", "vi"}, status: 400, code: "bad_request", lang: "vi", key: "error.invalid_text",
		},
		{
			name:   "body over 64 KB",
			body:   valid(func(g map[string]any) { g["narrative"] = strings.Repeat("x", 70<<10) }),
			header: []string{"Accept-Language", "km"}, status: 400, code: "too_large", lang: "km", key: "error.body_too_large",
		},
		{
			name:   "missing required fields, in the body's language",
			body:   []byte(`{"language":"vi"}`),
			status: 422, code: "invalid", lang: "vi", key: "error.summary",
			fields: []field{{"categories", "categories_required"}, {"narrative", "required"}, {"program", "required"}, {"origin_country", "required"}},
		},
		{
			name:   "missing language",
			body:   valid(func(g map[string]any) { delete(g, "language") }),
			header: []string{"Accept-Language", "ja"}, status: 422, code: "invalid", lang: "ja",
			fields: []field{{"language", "required"}},
		},
		{
			name: "unknown codes",
			body: valid(func(g map[string]any) {
				g["language"], g["categories"], g["program"], g["origin_country"] = "xx", []string{"wages.stolen"}, "tourist", "US"
			}),
			status: 422, code: "invalid", lang: "en",
			fields: []field{{"language", "unknown_code"}, {"categories", "unknown_code"}, {"program", "unknown_code"}, {"origin_country", "unknown_code"}},
		},
		{
			name:   "future incident date",
			body:   valid(func(g map[string]any) { g["language"], g["incident_date"] = "fil", "2026-11-03" }),
			status: 422, code: "invalid", lang: "fil",
			fields: []field{{"incident_date", "future_date"}},
		},
		{
			name:   "contact without value",
			body:   valid(func(g map[string]any) { g["contact"] = map[string]string{"channel": "whatsapp"} }),
			status: 422, code: "invalid", lang: "en",
			fields: []field{{"contact.value", "contact_value_required"}},
		},
		{
			name:   "Idempotency-Key too long",
			body:   valid(func(map[string]any) {}),
			header: []string{"Idempotency-Key", strings.Repeat("k", 256)}, status: 422, code: "invalid", lang: "en",
			fields: []field{{"Idempotency-Key", "too_long"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := htAPI(t, s, http.MethodPost, "/api/v1/grievances", tt.body, tt.header...)
			e := r.apiErr(t, tt.status)
			if e.Error.Code != tt.code {
				t.Errorf("code %q, want %q", e.Error.Code, tt.code)
			}
			if tt.key != "" {
				if want := htT(t, tt.lang, tt.key); e.Error.Message != want {
					t.Errorf("message %q, want %q", e.Error.Message, want)
				}
			}
			if len(e.Error.Fields) != len(tt.fields) {
				t.Fatalf("fields %+v, want %v", e.Error.Fields, tt.fields)
			}
			for i, f := range tt.fields {
				got := e.Error.Fields[i]
				if got.Field != f.field || got.Code != f.code {
					t.Errorf("field %d = %s/%s, want %s/%s", i, got.Field, got.Code, f.field, f.code)
				}
				if want := htT(t, tt.lang, "error."+f.code); got.Message != want {
					t.Errorf("field %s message %q, want %q", f.field, got.Message, want)
				}
			}
		})
	}
	t.Cleanup(func() {
		if n := htCount(t, s); n != 0 {
			t.Errorf("CountCases = %d after refused requests only, want 0", n)
		}
	})
}

func TestHTTPAPIIdempotency(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	body := htGrievance("en", "harassment.verbal")
	key := []string{"Idempotency-Key", "b6f1c1e2-5e1c-4c1e-9b59-3c1e9f0d2a11"}

	first := htAPI(t, s, http.MethodPost, "/api/v1/grievances", body, key...)
	if first.Status != http.StatusCreated {
		t.Fatalf("first: status %d: %s", first.Status, first.Body)
	}
	s.Clock.Advance(time.Minute) // a retry comes a little later
	again := htAPI(t, s, http.MethodPost, "/api/v1/grievances", body, key...)
	if again.Status != http.StatusCreated || !bytes.Equal(again.Body, first.Body) {
		t.Errorf("retry: status %d body %s, want 201 and the first body %s", again.Status, again.Body, first.Body)
	}
	if n := htCount(t, s); n != 1 {
		t.Errorf("CountCases = %d, want 1", n)
	}

	changed := htGrievance("en", "harassment.verbal")
	changed["narrative"] = "Something else entirely."
	conflict := htAPI(t, s, http.MethodPost, "/api/v1/grievances", changed, key...)
	if e := conflict.apiErr(t, http.StatusConflict); e.Error.Code != "conflict" || e.Error.Message != htT(t, "en", "error.conflict") {
		t.Errorf("error %s, want conflict with the catalog's error.conflict", conflict.Body)
	}

	// Another key, or no key, is another case.
	other := htCreate(t, s, body, "Idempotency-Key", "another-key")
	none1, none2 := htCreate(t, s, body), htCreate(t, s, body)
	var firstC htCreated
	json.Unmarshal(first.Body, &firstC)
	if other.Reference == firstC.Reference || none1.Reference == none2.Reference {
		t.Error("different keys (or none) gave the same case")
	}
	if n := htCount(t, s); n != 4 {
		t.Errorf("CountCases = %d, want 4", n)
	}
	// The receipt from the replay opens the case.
	if r := htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, "Authorization", "Receipt "+firstC.Receipt); r.Status != http.StatusOK {
		t.Errorf("self with the replayed receipt: status %d", r.Status)
	}
}

func TestHTTPAPIIdempotencyConcurrent(t *testing.T) {
	t.Parallel()
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := stack.New(t, engine)
			body := htGrievance("vi", "wages.unpaid")
			const n = 10
			var wg sync.WaitGroup
			results := make([]htAPIResp, n)
			errs := make([]error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					results[i], errs[i] = htAPITry(s, http.MethodPost, "/api/v1/grievances", body, "Idempotency-Key", "same-key-from-a-flaky-network")
				})
			}
			close(start)
			wg.Wait()
			for i, r := range results {
				if errs[i] != nil {
					t.Errorf("request %d: %v", i, errs[i])
					continue
				}
				if r.Status != http.StatusCreated || !bytes.Equal(r.Body, results[0].Body) {
					t.Errorf("request %d: status %d body %s, want 201 and %s", i, r.Status, r.Body, results[0].Body)
				}
			}
			if got := htCount(t, s); got != 1 {
				t.Errorf("CountCases = %d, want exactly 1", got)
			}
		})
	}
}

func TestHTTPAPISelf(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	c := htCreate(t, s, htGrievance("km", "threats"))
	grouped := c.Receipt[0:4] + " " + c.Receipt[4:8] + " " + c.Receipt[8:12] + " " + c.Receipt[12:16]
	tests := []struct {
		name, auth string
	}{
		{"digits", "Receipt " + c.Receipt},
		{"grouped with spaces", "Receipt " + grouped},
		{"dashes", "Receipt " + htDashed(c.Receipt)},
		{"lower-case scheme, extra spaces", "receipt    " + grouped + "  "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, "Authorization", tt.auth)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var self htSelf
			r.decode(t, &self)
			if self.Reference != c.Reference || self.Status != "received" || self.Risk != "urgent" || self.Language != "km" {
				t.Errorf("self = %+v", self)
			}
			if self.CreatedAt != htStart.Format(time.RFC3339) || self.AcknowledgeBy != c.AcknowledgeBy {
				t.Errorf("created_at %q acknowledge_by %q, want %q %q", self.CreatedAt, self.AcknowledgeBy, htStart.Format(time.RFC3339), c.AcknowledgeBy)
			}
			if self.StatusText != htT(t, "km", "status.received.now") || self.NextStep != htT(t, "km", "status.received.next") {
				t.Errorf("status text %q / next step %q are not the Khmer catalog's", self.StatusText, self.NextStep)
			}
			if !bytes.Contains(r.Body, []byte(`"messages":[]`)) {
				t.Errorf("messages not an empty list: %s", r.Body)
			}
			if bytes.Contains(r.Body, []byte(c.Receipt)) {
				t.Error("self echoes the receipt")
			}
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", r.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestHTTPAPISelfUnauthorized(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	c := htCreate(t, s, htGrievance("en"))
	// Every case counts as a failed try: stay under the limit of 10.
	tests := []struct {
		name        string
		header      []string
		alsoMessage bool // also try POST self/messages
	}{
		{"no header", nil, true},
		{"bearer scheme", []string{"Authorization", "Bearer " + c.Receipt}, false},
		{"scheme only", []string{"Authorization", "Receipt"}, false},
		{"not digits", []string{"Authorization", "Receipt abcd-efgh-ijkl-mnop"}, false},
		{"wrong receipt", []string{"Authorization", "Receipt " + htWrongReceipt(c.Receipt)}, true},
		{"receipt in a query instead", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/api/v1/grievances/self?lang=ja"
			if tt.name == "receipt in a query instead" {
				path += "&receipt=" + c.Receipt
			}
			r := htAPI(t, s, http.MethodGet, path, nil, tt.header...)
			e := r.apiErr(t, http.StatusUnauthorized)
			if e.Error.Code != "unauthorized" || e.Error.Message != htT(t, "ja", "error.unauthorized") {
				t.Errorf("error %s, want unauthorized with the Japanese generic message", r.Body)
			}
			if tt.alsoMessage {
				m := htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/messages", map[string]string{"body": "hi"}, tt.header...)
				m.apiErr(t, http.StatusUnauthorized)
			}
		})
	}
}

func TestHTTPAPISelfMessages(t *testing.T) {
	t.Parallel()
	s, _ := htStack(t)
	c := htCreate(t, s, htGrievance("en"))
	auth := []string{"Authorization", "Receipt " + htDashed(c.Receipt)}
	if _, err := s.Intake.AddMessage(context.Background(), htCaseID(t, s, c.Reference), grievance.AuthorStaff, "Can you tell us the company name?"); err != nil {
		t.Fatal(err)
	}

	r := htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/messages", map[string]string{"body": "  Sakura Foods, in Aichi.  "}, auth...)
	if r.Status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var m struct {
		ID        int64  `json:"id"`
		Author    string `json:"author"`
		Body      string `json:"body"`
		CreatedAt string `json:"created_at"`
	}
	r.decode(t, &m)
	if m.ID == 0 || m.Author != "worker" || m.Body != "Sakura Foods, in Aichi." || m.CreatedAt != htStart.Format(time.RFC3339) {
		t.Errorf("created message %+v", m)
	}

	var self htSelf
	htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, auth...).decode(t, &self)
	if len(self.Messages) != 2 || self.Messages[0].Author != "staff" || self.Messages[1].Author != "worker" ||
		self.Messages[1].Body != "Sakura Foods, in Aichi." || self.Messages[1].ID != m.ID {
		t.Errorf("thread %+v", self.Messages)
	}

	errs := []struct {
		name   string
		body   any
		status int
		code   string
		field  string
	}{
		{"empty body", map[string]string{"body": " "}, 422, "invalid", "body"},
		{"too long", map[string]string{"body": strings.Repeat("a", 10001)}, 422, "invalid", "body"},
		{"not JSON", []byte("body=hello"), 400, "bad_request", ""},
		{"unknown field", map[string]string{"body": "x", "author": "staff"}, 400, "bad_request", ""},
		{"invalid UTF-8", []byte("{\"body\":\"\xff\"}"), 400, "bad_request", ""},
	}
	for _, tt := range errs {
		r := htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/messages", tt.body, auth...)
		e := r.apiErr(t, tt.status)
		if e.Error.Code != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, e.Error.Code, tt.code)
		}
		if tt.field != "" && (len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != tt.field) {
			t.Errorf("%s: fields %+v, want %s", tt.name, e.Error.Fields, tt.field)
		}
	}
	htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, auth...).decode(t, &self)
	if len(self.Messages) != 2 {
		t.Errorf("%d messages after refused posts, want 2", len(self.Messages))
	}
}

// TestHTTPAPIOnPostgres runs the API's own path on PostgreSQL too (it
// skips without REMEDY_TEST_POSTGRES, or fails in CI).
func TestHTTPAPIOnPostgres(t *testing.T) {
	t.Parallel()
	s := stack.New(t, store.Postgres)
	key := []string{"Idempotency-Key", "pg-key"}
	c := htCreate(t, s, htGrievance("ne", "recruitment.debt"), key...)
	if again := htCreate(t, s, htGrievance("ne", "recruitment.debt"), key...); again != c {
		t.Errorf("replay %+v, want %+v", again, c)
	}
	if c.Risk != "high" || c.AcknowledgeBy != htStart.Add(72*time.Hour).Format(time.RFC3339) {
		t.Errorf("created %+v", c)
	}
	auth := []string{"Authorization", "Receipt " + c.Receipt}
	if r := htAPI(t, s, http.MethodPost, "/api/v1/grievances/self/messages", map[string]string{"body": "ऋण तिर्न बाँकी छ"}, auth...); r.Status != http.StatusCreated {
		t.Fatalf("message: status %d: %s", r.Status, r.Body)
	}
	var self htSelf
	htAPI(t, s, http.MethodGet, "/api/v1/grievances/self", nil, auth...).decode(t, &self)
	if self.Reference != c.Reference || len(self.Messages) != 1 || self.Messages[0].Body != "ऋण तिर्न बाँकी छ" {
		t.Errorf("self %+v", self)
	}
	if n := htCount(t, s); n != 1 {
		t.Errorf("CountCases = %d, want 1", n)
	}
}
