package i18n_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"remedy/internal/grievance"
	"remedy/internal/i18n"
)

// rawCatalog is a catalog file read from disk, with its _meta kept as raw
// JSON so that fields the Meta struct does not know (such as a reviewer's
// name) can be checked too.
type rawCatalog struct {
	Meta     map[string]any    `json:"_meta"`
	Messages map[string]string `json:"messages"`
}

func readCatalog(t *testing.T, lang string) rawCatalog {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("catalogs", lang+".json"))
	if err != nil {
		t.Fatalf("catalog %s: %v", lang, err)
	}
	var c rawCatalog
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("catalog %s: %v", lang, err)
	}
	return c
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// contractLanguages are the languages taxonomy.md requires at least.
var contractLanguages = []string{"en", "ja", "vi", "id", "km", "fil", "th", "my", "ne"}

func TestEverySupportedLanguageHasACatalog(t *testing.T) {
	for _, code := range contractLanguages {
		if !i18n.IsSupported(code) {
			t.Errorf("contract language %q is not supported", code)
		}
	}
	if _, err := i18n.Load(); err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, l := range i18n.Supported {
		c := readCatalog(t, l.Code)
		if c.Meta["language"] != l.Code {
			t.Errorf("catalog %s: _meta.language = %v", l.Code, c.Meta["language"])
		}
		if l.Name == "" || i18n.Name(l.Code) != l.Name {
			t.Errorf("language %s: name %q", l.Code, l.Name)
		}
		if i18n.Dir(l.Code) != "ltr" {
			t.Errorf("language %s: Dir = %q", l.Code, i18n.Dir(l.Code))
		}
	}
	// And no catalog file without a supported language.
	files, err := filepath.Glob(filepath.Join("catalogs", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		code := strings.TrimSuffix(filepath.Base(f), ".json")
		if !i18n.IsSupported(code) {
			t.Errorf("catalog %s has no entry in i18n.Supported", f)
		}
	}
}

// TestCatalogsHaveNoDuplicateKeys catches a key written twice in one file:
// encoding/json silently keeps the last value.
func TestCatalogsHaveNoDuplicateKeys(t *testing.T) {
	for _, l := range i18n.Supported {
		raw, err := os.ReadFile(filepath.Join("catalogs", l.Code+".json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, dup := range duplicateKeys(t, raw) {
			t.Errorf("catalog %s: key %q appears more than once", l.Code, dup)
		}
	}
}

// duplicateKeys walks a JSON document and returns keys repeated within one
// object, as "path.key".
func duplicateKeys(t *testing.T, raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var dups []string
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k := kt.(string)
				if seen[k] {
					dups = append(dups, path+k)
				}
				seen[k] = true
				if err := walk(path + k + "/"); err != nil {
					return err
				}
			}
			_, err = dec.Token() // '}'
			return err
		case json.Delim('['):
			for dec.More() {
				if err := walk(path); err != nil {
					return err
				}
			}
			_, err = dec.Token() // ']'
			return err
		}
		return nil
	}
	if err := walk(""); err != nil && err != io.EOF {
		t.Fatalf("reading JSON: %v", err)
	}
	return dups
}

func TestCatalogsHaveExactlyTheEnglishKeys(t *testing.T) {
	en := readCatalog(t, "en").Messages
	if len(en) == 0 {
		t.Fatal("en.json has no messages")
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Supported {
		if l.Code == "en" {
			continue
		}
		msgs := readCatalog(t, l.Code).Messages
		var missing, extra []string
		for _, k := range sortedKeys(en) {
			if _, ok := msgs[k]; !ok {
				missing = append(missing, k)
			}
		}
		for _, k := range sortedKeys(msgs) {
			if _, ok := en[k]; !ok {
				extra = append(extra, k)
			}
		}
		if len(missing) > 0 {
			t.Errorf("catalog %s lacks %d keys of en.json: %s", l.Code, len(missing), strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			t.Errorf("catalog %s has %d keys that en.json does not: %s", l.Code, len(extra), strings.Join(extra, ", "))
		}
		// The loaded bundle agrees with the files.
		if got, want := b.Keys(l.Code), sortedKeys(msgs); !reflect.DeepEqual(got, want) {
			t.Errorf("Bundle.Keys(%s) differs from the file's keys", l.Code)
		}
	}
}

// printfVerb matches a fmt verb: %s, %d, %5.2f, %[1]s, %%.
var printfVerb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z%]`)

func TestCatalogPrintfVerbsMatchEnglish(t *testing.T) {
	en := readCatalog(t, "en").Messages
	for _, l := range i18n.Supported {
		msgs := readCatalog(t, l.Code).Messages
		for _, k := range sortedKeys(en) {
			v, ok := msgs[k]
			if !ok {
				continue // reported by TestCatalogsHaveExactlyTheEnglishKeys
			}
			// Verbs must come in the same order, since arguments are
			// positional (a translation that needs another order must use
			// explicit indexes such as %[2]s, which then must match too).
			want, got := printfVerb.FindAllString(en[k], -1), printfVerb.FindAllString(v, -1)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("catalog %s, key %s: printf verbs %q, English has %q (%q)", l.Code, k, got, want, v)
			}
			// A lone % not forming a verb would print %!(NOVERB).
			if rest := printfVerb.ReplaceAllString(v, ""); strings.Contains(rest, "%") {
				t.Errorf("catalog %s, key %s: stray %% in %q (write %%%% for a percent sign)", l.Code, k, v)
			}
		}
	}
}

func TestCatalogValuesAreNotEmpty(t *testing.T) {
	for _, l := range i18n.Supported {
		for k, v := range readCatalog(t, l.Code).Messages {
			if strings.TrimSpace(v) == "" {
				t.Errorf("catalog %s, key %s: empty value", l.Code, k)
			}
			if v != strings.TrimSpace(v) {
				t.Errorf("catalog %s, key %s: leading or trailing space in %q", l.Code, k, v)
			}
		}
	}
}

// sameInEveryLanguage reports whether a key may keep its English value in
// another language: the product's name and country names, which are proper
// nouns spelled the same in some languages (Filipino, Indonesian…).
func sameInEveryLanguage(key string) bool {
	return key == "app.name" || strings.HasPrefix(key, "country.")
}

func TestCatalogsHaveNoEnglishLeft(t *testing.T) {
	en := readCatalog(t, "en").Messages
	for _, l := range i18n.Supported {
		if l.Code == "en" {
			continue
		}
		msgs := readCatalog(t, l.Code).Messages
		var same []string
		for _, k := range sortedKeys(en) {
			if msgs[k] == en[k] && !sameInEveryLanguage(k) {
				same = append(same, k)
			}
		}
		if len(same) > 0 {
			t.Errorf("catalog %s: %d values are still the English text: %s", l.Code, len(same), strings.Join(same, ", "))
		}
	}
}

// TestCatalogReviewState checks the honesty of each catalog's _meta:
//
// The convention (docs/translations.md, "Review state"): a catalog other
// than English says "reviewed_by_native_speaker": false until a native
// speaker has reviewed it. To set it to true, name the reviewer in
// "_meta.reviewed_by" (a non-empty string: a name, or a role and an
// organisation), so that the claim can be traced. A catalog still marked
// false must not name a reviewer, and must say in "_meta.note" what state
// it is in.
func TestCatalogReviewState(t *testing.T) {
	for _, l := range i18n.Supported {
		meta := readCatalog(t, l.Code).Meta
		reviewed, ok := meta["reviewed_by_native_speaker"].(bool)
		if !ok {
			t.Errorf("catalog %s: _meta.reviewed_by_native_speaker missing or not a boolean: %v", l.Code, meta["reviewed_by_native_speaker"])
			continue
		}
		if l.Code == "en" {
			continue // the source
		}
		reviewer, _ := meta["reviewed_by"].(string)
		reviewer = strings.TrimSpace(reviewer)
		switch {
		case reviewed && reviewer == "":
			t.Errorf("catalog %s: reviewed_by_native_speaker is true but _meta.reviewed_by names no reviewer", l.Code)
		case !reviewed && reviewer != "":
			t.Errorf("catalog %s: _meta.reviewed_by names %q but reviewed_by_native_speaker is false", l.Code, reviewer)
		}
		if note, _ := meta["note"].(string); !reviewed && strings.TrimSpace(note) == "" {
			t.Errorf("catalog %s: not reviewed, and _meta.note does not say so", l.Code)
		}
	}
}

// contractCategoryLabels are the English labels of taxonomy.md, transcribed.
var contractCategoryLabels = map[string]string{
	"wages.unpaid":             "My wages are not paid, or paid late",
	"wages.overtime":           "Overtime or holiday work is not paid",
	"wages.below_minimum":      "I am paid less than the minimum wage",
	"wages.deductions":         "Too much is taken from my pay (rent, utilities, fees, savings)",
	"hours.excessive":          "I work too many hours or get no days off",
	"safety.injury":            "I was injured or got sick because of work",
	"safety.conditions":        "My work is dangerous or I have no safety equipment",
	"health.access":            "I am not allowed to see a doctor or take sick leave",
	"harassment.verbal":        "I am shouted at, insulted or bullied",
	"harassment.physical":      "I was hit or physically hurt",
	"harassment.sexual":        "I was sexually harassed or assaulted",
	"discrimination.pregnancy": "I am pressured to quit or go home because I am pregnant",
	"discrimination.other":     "I am treated unfairly because of my nationality, religion, gender or other reason",
	"housing.conditions":       "My housing is crowded, unsafe or dirty",
	"housing.charges":          "I am charged too much for housing",
	"documents.retained":       "Someone keeps my passport, residence card or bank book",
	"movement.restricted":      "I am not allowed to go out, or my phone is taken",
	"threats":                  "I am threatened with dismissal, being sent home, or harm",
	"contract.substitution":    "My job, pay or conditions are not what I was promised",
	"contract.termination":     "I was dismissed or am being forced to go home early",
	"contract.job_change":      "I am not allowed to change employer",
	"recruitment.fees":         "I paid too much to the agency or broker",
	"recruitment.debt":         "I owe a debt for recruitment that I must repay from my wages",
	"recruitment.deposit":      "I paid a deposit or signed a penalty contract",
	"recruitment.deception":    "I was lied to during recruitment",
	"other":                    "Something else",
}

func TestEnglishCategoryLabelsMatchContract(t *testing.T) {
	en := readCatalog(t, "en").Messages
	for code, label := range contractCategoryLabels {
		if got := en["category."+code]; got != label {
			t.Errorf("en category.%s = %q, contract says %q", code, got, label)
		}
	}
}

// dynamicKeys returns every key the code builds by concatenation, by the
// literal prefix it is built from. Each domain mirrors a concatenation in
// the templates or in internal/web.
func dynamicKeys() map[string][]string {
	d := map[string][]string{}
	for _, c := range grievance.Categories {
		d["category."] = append(d["category."], "category."+c.Code)
	}
	for _, p := range grievance.Programs {
		d["program."] = append(d["program."], "program."+p)
	}
	for _, c := range grievance.OriginCountries {
		d["country."] = append(d["country."], "country."+c)
	}
	for _, s := range grievance.Statuses {
		d["status."] = append(d["status."], "status."+string(s)+".now", "status."+string(s)+".next")
	}
	for _, ind := range grievance.Indicators {
		d["ilo."] = append(d["ilo."], "ilo."+ind)
	}
	kinds := map[string]bool{grievance.KindPolice: true, grievance.KindAmbulance: true, grievance.KindEmbassy: true, grievance.KindHelpline: true}
	for _, origin := range append(append([]string(nil), grievance.OriginCountries...), "") {
		for _, lang := range contractLanguages {
			for _, c := range grievance.EmergencyContacts(origin, lang) {
				kinds[c.Kind] = true
			}
		}
	}
	for k := range kinds {
		d["urgent."] = append(d["urgent."], "urgent."+k)
	}
	for _, ch := range grievance.ContactChannels {
		if grievance.ChannelBrand(ch) == "" { // brands are shown as-is, not translated
			d["intake.contact.channel."] = append(d["intake.contact.channel."], "intake.contact.channel."+ch)
		}
	}
	return d
}

// notAPrefix are literals ending in "." that are not used to build keys.
var notAPrefix = map[string]string{
	"error.": "internal/web/api.go trims it from field error keys to make API error codes",
}

var (
	// keyLiteral finds quoted key-like text in templates; a match ending in
	// "." is a prefix that a key is built from.
	keyLiteral = regexp.MustCompile(`"((?:app|nav|intake|program|country|category|ilo|error|receipt|urgent|follow|case|status|page)\.[a-z0-9_.]*)"`)
	// keyValue is the same test on the value of a Go string literal.
	keyValue    = regexp.MustCompile(`^(?:app|nav|intake|program|country|category|ilo|error|receipt|urgent|follow|case|status|page)\.[a-z0-9_.]*$`)
	fileLiteral = regexp.MustCompile(`\.(css|js|svg|html|json|png|ico|txt|woff2?)$`)
)

// sourceFiles returns the templates and the non-test Go files under
// internal/ and cmd/.
func sourceFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, root := range []string{filepath.Join("..", "..", "internal"), filepath.Join("..", "..", "cmd")} {
		if _, err := os.Stat(root); err != nil {
			continue
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" || d.Name() == "node_modules" {
					return filepath.SkipDir
				}
				return nil
			}
			name := d.Name()
			switch {
			case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"):
			case strings.HasSuffix(name, ".html") && filepath.Base(filepath.Dir(path)) == "templates":
			default:
				return nil
			}
			files = append(files, path)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) == 0 {
		t.Fatal("no source files found")
	}
	return files
}

// keyUse is a string literal in the source that looks like a message key.
type keyUse struct {
	key, pos string
	audit    bool // used as an audit action (Action: "case.created"), not a key
}

// keyUses returns the key-like string literals of one file: for Go, string
// tokens only (comments are skipped); for templates, quoted text.
func keyUses(path string, src []byte) []keyUse {
	var out []keyUse
	if !strings.HasSuffix(path, ".go") {
		s := string(src)
		for _, m := range keyLiteral.FindAllStringSubmatchIndex(s, -1) {
			out = append(out, keyUse{key: s[m[2]:m[3]], pos: fmt.Sprintf("%s:%d", path, strings.Count(s[:m[0]], "\n")+1)})
		}
		return out
	}
	fset := token.NewFileSet()
	file := fset.AddFile(path, -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, src, nil, 0)
	type tokLit struct {
		tok token.Token
		lit string
	}
	var prev [2]tokLit // the two tokens before the current one, nearest first
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.STRING {
			if v, err := strconv.Unquote(lit); err == nil && keyValue.MatchString(v) {
				// Audit actions (Action: "case.created") and access actions
				// (ViewCase Action = "case.view") share the key syntax but are
				// not message keys.
				audit := (prev[0].tok == token.COLON && prev[1].tok == token.IDENT && prev[1].lit == "Action") ||
					(prev[0].tok == token.ASSIGN && prev[1].tok == token.IDENT && prev[1].lit == "Action")
				out = append(out, keyUse{key: v, pos: fset.Position(pos).String(), audit: audit})
			}
		}
		prev[1], prev[0] = prev[0], tokLit{tok, lit}
	}
	return out
}

func TestEveryKeyTheCodeUsesExists(t *testing.T) {
	en := readCatalog(t, "en").Messages
	dyn := dynamicKeys()
	var templates int
	found, prefixes := map[string]bool{}, map[string]bool{}
	for _, path := range sourceFiles(t) {
		if strings.HasSuffix(path, ".html") {
			templates++
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range keyUses(path, raw) {
			if strings.HasSuffix(u.key, ".") {
				prefixes[u.key] = true
			} else if !u.audit {
				found[u.key] = true
			}
			switch {
			case strings.HasSuffix(u.key, "."):
				// A prefix a key is built from: its domain must be known.
				if _, ok := dyn[u.key]; !ok && notAPrefix[u.key] == "" {
					t.Errorf("%s: key prefix %q is concatenated with something this test does not know; add its domain to dynamicKeys", u.pos, u.key)
				}
				continue
			case u.audit:
				continue // an audit action, not a message key
			case fileLiteral.MatchString(u.key):
				continue // a file name such as "app.css"
			}
			if _, ok := en[u.key]; !ok {
				t.Errorf("%s: key %q is used but not in en.json", u.pos, u.key)
			}
		}
	}
	if templates == 0 {
		t.Error("no templates scanned (internal/web/templates/*.html)")
	}
	// Guard against a scan that silently finds nothing.
	if len(found) < 50 || len(prefixes) < 3 {
		t.Errorf("the scan found only %d keys and %d prefixes; is it still reading the sources?", len(found), len(prefixes))
	}
	for prefix, keys := range dyn {
		for _, k := range keys {
			if _, ok := en[k]; !ok {
				t.Errorf("key %q (built from %q) is not in en.json", k, prefix)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	cases := []struct{ header, want string }{
		{"", "en"},
		{"vi", "vi"},
		{"vi-VN", "vi"},
		{"VI-vn", "vi"},
		{"vi_VN", "vi"},
		{"ja;q=0.5, vi;q=0.9", "vi"},
		{"ja;q=0.9, vi;q=0.5", "ja"},
		{"ja; q=0.5 , vi ; q=0.9", "vi"},
		{"tl", "fil"},
		{"tl-PH", "fil"},
		{"fil-PH", "fil"},
		{"in", "id"},
		{"in-ID", "id"},
		{"id-ID,id;q=0.9,en;q=0.8", "id"},
		{"my-MM", "my"},
		{"km-KH", "km"},
		{"ne-NP", "ne"},
		{"th-TH,th;q=0.9", "th"},
		{"en-US,en;q=0.9", "en"},
		{"vi;q=0, ja", "ja"},
		{"vi;q=0", "en"},
		{"vi;q=0.0, ne;q=0.1", "ne"},
		{"vi;q=-1", "en"},
		{"vi;q=abc, th;q=0.2", "th"},
		{"zh-CN, ja;q=0.1", "ja"},
		{"zh-CN,fr;q=0.9", "en"},
		{"*", "en"},
		{"garbage", "en"},
		{";;;,,,", "en"},
		{"\xff\xfe", "en"},
		{"ja, vi", "ja"}, // equal weights: the first wins
		{"vi, ja", "vi"},
	}
	for _, tc := range cases {
		if got := i18n.Match(tc.header); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"vi", "vi", true}, {" VI ", "vi", true}, {"vi-VN", "vi", true}, {"tl", "fil", true},
		{"in", "id", true}, {"my-MM", "my", true}, {"fil", "fil", true},
		{"", "", false}, {"xx", "", false}, {"english", "", false}, {"zh-CN", "", false},
	}
	for _, tc := range cases {
		got, ok := i18n.Parse(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPrinter(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := readCatalog(t, "en").Messages
	vi := readCatalog(t, "vi").Messages

	// Unknown and empty languages fall back to English.
	for _, lang := range []string{"xx", "", "vi-VN", "EN", "zz"} {
		p := b.Printer(lang)
		if p.Lang != "en" {
			t.Errorf("Printer(%q).Lang = %q, want en", lang, p.Lang)
		}
		if got := p.T("nav.home"); got != en["nav.home"] {
			t.Errorf("Printer(%q).T(nav.home) = %q, want English %q", lang, got, en["nav.home"])
		}
	}
	if b.Catalog("xx") != b.Catalog("en") {
		t.Error("Catalog(xx) is not the English catalog")
	}

	p := b.Printer("vi")
	if p.Lang != "vi" {
		t.Fatalf("Printer(vi).Lang = %q", p.Lang)
	}
	if got := p.T("nav.home"); got != vi["nav.home"] {
		t.Errorf("vi T(nav.home) = %q, want %q", got, vi["nav.home"])
	}
	if got, want := p.T("error.rate_limited", 5), fmt.Sprintf(vi["error.rate_limited"], 5); got != want || strings.Contains(got, "%!") {
		t.Errorf("vi T(error.rate_limited, 5) = %q, want %q", got, want)
	}
	if got := p.T("no.such.key"); got != "no.such.key" {
		t.Errorf("T(missing key) = %q, want the key", got)
	}
	if !p.Has("nav.home") || p.Has("no.such.key") {
		t.Error("Has is wrong")
	}
	// Every key formats in every language without a formatting error, when
	// given as many arguments as English has verbs.
	for _, l := range i18n.Supported {
		p := b.Printer(l.Code)
		for k, v := range en {
			n := len(printfVerb.FindAllString(v, -1))
			if n == 0 {
				continue
			}
			args := make([]any, n)
			for i := range args {
				args[i] = 7
				if strings.Contains(printfVerb.FindAllString(v, -1)[i], "s") {
					args[i] = "X"
				}
			}
			if got := p.T(k, args...); strings.Contains(got, "%!") {
				t.Errorf("%s T(%s) = %q: formatting error", l.Code, k, got)
			}
		}
	}
}
