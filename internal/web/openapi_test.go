package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// The tests in this file hold internal/web/openapi.json to the code: the
// routes, the code lists, the $refs, and the shapes of real answers.

// oaDoc is the OpenAPI document as served, decoded into generic JSON.
type oaDoc map[string]any

// oaLoad starts the application and fetches GET /api/openapi.json.
func oaLoad(t *testing.T) (*stack.Stack, oaDoc) {
	t.Helper()
	st := stack.New(t, store.SQLite)
	resp, err := http.Get(st.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET /api/openapi.json: Content-Type %q, want application/json", ct)
	}
	if !json.Valid(raw) {
		t.Fatal("GET /api/openapi.json: not valid JSON")
	}
	var doc oaDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("GET /api/openapi.json: %v", err)
	}
	return st, doc
}

// oaPointer resolves a local JSON pointer such as "#/components/schemas/X".
func oaPointer(doc oaDoc, ref string) (any, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, fmt.Errorf("%q is not a local reference", ref)
	}
	var cur any = map[string]any(doc)
	p := strings.TrimPrefix(ref, "#")
	if p == "" {
		return cur, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("%q is not a JSON pointer", ref)
	}
	for _, tok := range strings.Split(p[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, fmt.Errorf("%q: no %q", ref, tok)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, fmt.Errorf("%q: no index %q", ref, tok)
			}
			cur = v[i]
		default:
			return nil, fmt.Errorf("%q: cannot descend into %q", ref, tok)
		}
	}
	return cur, nil
}

// oaResolve follows $ref until it reaches an object without one.
func oaResolve(t *testing.T, doc oaDoc, v any) map[string]any {
	t.Helper()
	for range 32 {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("expected an object, got %T", v)
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		next, err := oaPointer(doc, ref)
		if err != nil {
			t.Fatal(err)
		}
		v = next
	}
	t.Fatal("$ref chain too long")
	return nil
}

// oaGet walks doc along keys, resolving $refs on the way.
func oaGet(t *testing.T, doc oaDoc, keys ...string) map[string]any {
	t.Helper()
	cur := oaResolve(t, doc, map[string]any(doc))
	for i, k := range keys {
		next, ok := cur[k]
		if !ok {
			t.Fatalf("document has no %s", strings.Join(keys[:i+1], " → "))
		}
		cur = oaResolve(t, doc, next)
	}
	return cur
}

func oaStrings(t *testing.T, v any, what string) []string {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("%s: expected an array, got %T", what, v)
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			t.Fatalf("%s: expected strings, got %T", what, x)
		}
		out = append(out, s)
	}
	return out
}

// oaSameSet reports the codes missing from and extra in the document.
func oaSameSet(t *testing.T, what string, doc, code []string) {
	t.Helper()
	var missing, extra []string
	for _, c := range code {
		if !slices.Contains(doc, c) {
			missing = append(missing, c)
		}
	}
	for _, d := range doc {
		if !slices.Contains(code, d) {
			extra = append(extra, d)
		}
	}
	if len(missing) > 0 || len(extra) > 0 || len(doc) != len(code) {
		t.Errorf("%s enum: missing %q, not in code %q (document has %d, code %d)", what, missing, extra, len(doc), len(code))
	}
}

var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func TestOpenAPIVersion(t *testing.T) {
	_, doc := oaLoad(t)
	v, _ := doc["openapi"].(string)
	if !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info := oaGet(t, doc, "info")
	for _, k := range []string{"title", "version", "description"} {
		if s, _ := info[k].(string); s == "" {
			t.Errorf("info.%s is empty", k)
		}
	}
}

// oaRoutes parses the package's non-test Go files (routes.go and each
// area's routesX function) for `mux.Handle("METHOD /path"` (and HandleFunc).
func oaRoutes(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+) (/[^"]*)"`)
	routes := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			routes[m[1]+" "+m[2]] = true
		}
	}
	return routes
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	_, doc := oaLoad(t)
	routes := oaRoutes(t)
	documented := map[string]bool{}
	for path, item := range oaGet(t, doc, "paths") {
		ops := oaResolve(t, doc, item)
		for _, m := range oaMethods {
			if _, ok := ops[m]; ok {
				documented[strings.ToUpper(m)+" "+path] = true
			}
		}
	}
	api := 0
	for r := range routes {
		_, path, _ := strings.Cut(r, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		api++
		if !documented[r] {
			t.Errorf("route %q is not in the document", r)
		}
	}
	if api < 4 {
		t.Fatalf("found only %d /api/v1 routes in routes.go; is the pattern still mux.Handle(\"METHOD /path\", …)?", api)
	}
	for d := range documented {
		if !routes[d] {
			t.Errorf("document has %q, which routes.go does not route", d)
		}
	}
}

func TestOpenAPIEnumsMatchCode(t *testing.T) {
	_, doc := oaLoad(t)
	req := oaGet(t, doc, "paths", "/api/v1/grievances", "post", "requestBody", "content", "application/json", "schema")
	props := oaResolve(t, doc, req["properties"])
	enum := func(path ...string) []string {
		t.Helper()
		cur := props
		for _, k := range path {
			cur = oaResolve(t, doc, cur[k])
		}
		return oaStrings(t, cur["enum"], strings.Join(path, "."))
	}

	var cats []string
	for _, c := range grievance.Categories {
		cats = append(cats, c.Code)
	}
	oaSameSet(t, "categories", enum("categories", "items"), cats)
	oaSameSet(t, "program", enum("program"), grievance.Programs)
	oaSameSet(t, "origin_country", enum("origin_country"), grievance.OriginCountries)

	var prefs []string
	for _, p := range grievance.Prefectures {
		prefs = append(prefs, p.Code)
	}
	oaSameSet(t, "prefecture", enum("prefecture"), prefs)
	oaSameSet(t, "contact.channel", enum("contact", "properties", "channel"), grievance.ContactChannels)
	var langs []string
	for _, l := range i18n.Supported {
		langs = append(langs, l.Code)
	}
	oaSameSet(t, "language", enum("language"), langs)

	self := oaGet(t, doc, "paths", "/api/v1/grievances/self", "get", "responses", "200", "content", "application/json", "schema", "properties")
	var statuses []string
	for _, s := range grievance.Statuses {
		statuses = append(statuses, string(s))
	}
	oaSameSet(t, "status", oaStrings(t, oaResolve(t, doc, self["status"])["enum"], "status"), statuses)
	risks := []string{string(grievance.RiskUrgent), string(grievance.RiskHigh), string(grievance.RiskNormal)}
	oaSameSet(t, "risk", oaStrings(t, oaResolve(t, doc, self["risk"])["enum"], "risk"), risks)

	tax := oaGet(t, doc, "paths", "/api/v1/taxonomy", "get", "responses", "200", "content", "application/json", "schema",
		"properties", "ilo_indicators", "items", "properties", "code")
	oaSameSet(t, "ilo indicator", oaStrings(t, tax["enum"], "ilo_indicators"), grievance.Indicators)

	codes := oaGet(t, doc, "components", "schemas", "Error", "properties", "error", "properties", "code")
	want := []string{string(apperr.Invalid), string(apperr.NotFound), string(apperr.Unauthorized), string(apperr.Forbidden),
		string(apperr.Conflict), string(apperr.RateLimited), string(apperr.TooLarge), string(apperr.Internal), "bad_request"}
	oaSameSet(t, "error code", oaStrings(t, codes["enum"], "error code"), want)
}

func TestOpenAPIRefsResolve(t *testing.T) {
	_, doc := oaLoad(t)
	n := 0
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == "$ref" {
					ref, ok := e.(string)
					if !ok {
						t.Errorf("%s: $ref is %T, not a string", at, e)
						continue
					}
					n++
					if _, err := oaPointer(doc, ref); err != nil {
						t.Errorf("%s: %v", at, err)
					}
					continue
				}
				walk(e, at+"/"+k)
			}
		case []any:
			for i, e := range x {
				walk(e, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(map[string]any(doc), "#")
	if n == 0 {
		t.Error("document has no $ref at all")
	}
}

// oaValidate checks v against the subset of JSON Schema the document uses:
// $ref, type, enum, const, pattern, format date-time/date, min/maxLength,
// required, properties, additionalProperties false, items, minItems.
func oaValidate(t *testing.T, doc oaDoc, schema any, v any, at string) {
	t.Helper()
	s := oaResolve(t, doc, schema)
	if typ, ok := s["type"].(string); ok {
		good := false
		switch typ {
		case "object":
			_, good = v.(map[string]any)
		case "array":
			_, good = v.([]any)
		case "string":
			_, good = v.(string)
		case "boolean":
			_, good = v.(bool)
		case "integer":
			f, isNum := v.(float64)
			good = isNum && f == float64(int64(f))
		case "number":
			_, good = v.(float64)
		}
		if !good {
			t.Errorf("%s: %v (%T) is not of type %s", at, v, v, typ)
			return
		}
	}
	if e, ok := s["enum"].([]any); ok && !slices.Contains(e, v) {
		t.Errorf("%s: %v is not one of %v", at, v, e)
	}
	if c, ok := s["const"]; ok && c != v {
		t.Errorf("%s: %v is not %v", at, v, c)
	}
	switch x := v.(type) {
	case string:
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(x) {
			t.Errorf("%s: %q does not match %s", at, x, p)
		}
		switch s["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, x); err != nil {
				t.Errorf("%s: %q is not a date-time: %v", at, x, err)
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, x); err != nil {
				t.Errorf("%s: %q is not a date: %v", at, x, err)
			}
		}
		n := float64(utf8.RuneCountInString(x))
		if m, ok := s["minLength"].(float64); ok && n < m {
			t.Errorf("%s: shorter than %v", at, m)
		}
		if m, ok := s["maxLength"].(float64); ok && n > m {
			t.Errorf("%s: longer than %v", at, m)
		}
	case []any:
		if m, ok := s["minItems"].(float64); ok && float64(len(x)) < m {
			t.Errorf("%s: fewer than %v items", at, m)
		}
		if items, ok := s["items"]; ok {
			for i, e := range x {
				oaValidate(t, doc, items, e, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	case map[string]any:
		if req, ok := s["required"]; ok {
			for _, k := range oaStrings(t, req, at+" required") {
				if _, ok := x[k]; !ok {
					t.Errorf("%s: required property %q is missing", at, k)
				}
			}
		}
		props, _ := s["properties"].(map[string]any)
		for k, e := range x {
			if ps, ok := props[k]; ok {
				oaValidate(t, doc, ps, e, at+"."+k)
			} else if s["additionalProperties"] == false {
				t.Errorf("%s: property %q is not in the schema", at, k)
			}
		}
	}
}

// oaDo sends a JSON request and decodes the JSON answer.
func oaDo(t *testing.T, method, url string, body any, header map[string]string) (int, http.Header, any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: status %d, answer is not JSON: %v\n%s", method, url, resp.StatusCode, err, raw)
	}
	return resp.StatusCode, resp.Header, out
}

// oaResponseSchema is the schema of an operation's JSON answer for status.
func oaResponseSchema(t *testing.T, doc oaDoc, path, method, status string) map[string]any {
	t.Helper()
	return oaGet(t, doc, "paths", path, method, "responses", status, "content", "application/json", "schema")
}

// oaRequestExamples returns every example of an operation's JSON body.
func oaRequestExamples(t *testing.T, doc oaDoc, path, method string) map[string]any {
	t.Helper()
	media := oaGet(t, doc, "paths", path, method, "requestBody", "content", "application/json")
	out := map[string]any{}
	if ex, ok := media["example"]; ok {
		out["example"] = ex
	}
	if exs, ok := media["examples"].(map[string]any); ok {
		for name, e := range exs {
			out[name] = oaResolve(t, doc, e)["value"]
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s %s: request body has no example", method, path)
	}
	return out
}

// TestOpenAPIExampleRequests sends the document's own example requests and
// checks the real answers against the document's response schemas.
func TestOpenAPIExampleRequests(t *testing.T) {
	st, doc := oaLoad(t)
	const create = "/api/v1/grievances"
	created := oaResponseSchema(t, doc, create, "post", "201")
	reqSchema := oaGet(t, doc, "paths", create, "post", "requestBody", "content", "application/json", "schema")

	examples := oaRequestExamples(t, doc, create, "post")
	names := make([]string, 0, len(examples))
	for n := range examples {
		names = append(names, n)
	}
	sort.Strings(names)
	var receipt string
	for _, name := range names {
		body := examples[name]
		oaValidate(t, doc, reqSchema, body, "example "+name)
		status, _, out := oaDo(t, http.MethodPost, st.URL+create, body, nil)
		if status != http.StatusCreated {
			t.Fatalf("POST %s with example %q: status %d, want 201: %v", create, name, status, out)
		}
		m, _ := out.(map[string]any)
		for _, k := range oaStrings(t, created["required"], "201 required") {
			if v, ok := m[k]; !ok || v == nil || v == "" {
				t.Errorf("example %q: 201 answer lacks required %q: %v", name, k, out)
			}
		}
		oaValidate(t, doc, created, out, "201 answer to example "+name)
		if receipt == "" {
			receipt, _ = m["receipt"].(string)
		}
	}
	if receipt == "" {
		t.Fatal("no receipt came back")
	}

	// The receipt opens the case, grouped with dashes as a worker may type it.
	auth := map[string]string{"Authorization": "Receipt " + receipt[:4] + "-" + receipt[4:8] + "-" + receipt[8:12] + "-" + receipt[12:]}
	const self = "/api/v1/grievances/self"
	const messages = "/api/v1/grievances/self/messages"
	for name, body := range oaRequestExamples(t, doc, messages, "post") {
		oaValidate(t, doc, oaGet(t, doc, "paths", messages, "post", "requestBody", "content", "application/json", "schema"), body, "message example "+name)
		status, _, out := oaDo(t, http.MethodPost, st.URL+messages, body, auth)
		if status != http.StatusCreated {
			t.Fatalf("POST %s with example %q: status %d, want 201: %v", messages, name, status, out)
		}
		oaValidate(t, doc, oaResponseSchema(t, doc, messages, "post", "201"), out, "201 answer of "+messages)
	}
	status, _, out := oaDo(t, http.MethodGet, st.URL+self+"?lang=ja", nil, auth)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %v", self, status, out)
	}
	oaValidate(t, doc, oaResponseSchema(t, doc, self, "get", "200"), out, "200 answer of "+self)
	if msgs, _ := out.(map[string]any)["messages"].([]any); len(msgs) == 0 {
		t.Errorf("GET %s: the message sent is not in the thread: %v", self, out)
	}

	// Errors have the documented shape too.
	status, _, out = oaDo(t, http.MethodGet, st.URL+self, nil, map[string]string{"Authorization": "Receipt 0000-0000-0000-0000"})
	if status != http.StatusUnauthorized {
		t.Errorf("GET %s with a wrong receipt: status %d, want 401", self, status)
	}
	oaValidate(t, doc, oaResponseSchema(t, doc, self, "get", "401"), out, "401 answer of "+self)
	status, _, out = oaDo(t, http.MethodPost, st.URL+create, map[string]any{"language": "en"}, nil)
	if status != http.StatusUnprocessableEntity {
		t.Errorf("POST %s with a bare body: status %d, want 422", create, status)
	}
	oaValidate(t, doc, oaResponseSchema(t, doc, create, "post", "422"), out, "422 answer of "+create)
	status, _, out = oaDo(t, http.MethodPost, st.URL+create, map[string]any{"nonsense": true}, nil)
	if status != http.StatusBadRequest {
		t.Errorf("POST %s with an unknown field: status %d, want 400", create, status)
	}
	oaValidate(t, doc, oaResponseSchema(t, doc, create, "post", "400"), out, "400 answer of "+create)

	status, _, out = oaDo(t, http.MethodGet, st.URL+"/api/v1/taxonomy?lang=vi", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/taxonomy: status %d", status)
	}
	oaValidate(t, doc, oaResponseSchema(t, doc, "/api/v1/taxonomy", "get", "200"), out, "200 answer of /api/v1/taxonomy")
	status, _, out = oaDo(t, http.MethodGet, st.URL+"/api/v1/taxonomy?lang=xx", nil, nil)
	if status != http.StatusUnprocessableEntity {
		t.Errorf("GET /api/v1/taxonomy?lang=xx: status %d, want 422", status)
	}
	oaValidate(t, doc, oaResponseSchema(t, doc, "/api/v1/taxonomy", "get", "422"), out, "422 answer of /api/v1/taxonomy")
}

// TestOpenAPIIdempotencyKey checks what the document promises of
// Idempotency-Key: same key and body, same answer; other body, 409.
func TestOpenAPIIdempotencyKey(t *testing.T) {
	st, doc := oaLoad(t)
	const create = "/api/v1/grievances"
	examples := oaRequestExamples(t, doc, create, "post")
	names := make([]string, 0, len(examples))
	for n := range examples {
		names = append(names, n)
	}
	sort.Strings(names)
	body, _ := examples[names[0]].(map[string]any)
	key := map[string]string{"Idempotency-Key": "openapi-test-" + strconv.FormatInt(time.Now().UnixNano(), 10)}
	s1, _, first := oaDo(t, http.MethodPost, st.URL+create, body, key)
	s2, _, again := oaDo(t, http.MethodPost, st.URL+create, body, key)
	if s1 != http.StatusCreated || s2 != http.StatusCreated {
		t.Fatalf("statuses %d and %d, want 201 twice", s1, s2)
	}
	a, _ := json.Marshal(first)
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Errorf("replay differs:\nfirst %s\nagain %s", a, b)
	}
	other := map[string]any{}
	for k, v := range body {
		other[k] = v
	}
	other["narrative"] = "Something else entirely."
	s3, _, out := oaDo(t, http.MethodPost, st.URL+create, other, key)
	if s3 != http.StatusConflict {
		t.Errorf("same key, other body: status %d, want 409: %v", s3, out)
	}
	oaValidate(t, doc, oaResponseSchema(t, doc, create, "post", "409"), out, "409 answer")
}

// TestOpenAPIRateLimited checks the documented 429: after repeated wrong
// receipts the answer is 429 with a Retry-After in seconds.
func TestOpenAPIRateLimited(t *testing.T) {
	st, doc := oaLoad(t)
	const self = "/api/v1/grievances/self"
	wrong := map[string]string{"Authorization": "Receipt 1111 2222 3333 4444"}
	for try := 1; try <= 50; try++ {
		status, hdr, out := oaDo(t, http.MethodGet, st.URL+self, nil, wrong)
		if status == http.StatusUnauthorized {
			continue
		}
		if status != http.StatusTooManyRequests {
			t.Fatalf("try %d: status %d, want 401 or 429", try, status)
		}
		if n, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || n < 1 {
			t.Errorf("Retry-After = %q, want a positive number of seconds", hdr.Get("Retry-After"))
		}
		oaValidate(t, doc, oaResponseSchema(t, doc, self, "get", "429"), out, "429 answer of "+self)
		return
	}
	t.Fatal("50 wrong receipts and never a 429")
}
