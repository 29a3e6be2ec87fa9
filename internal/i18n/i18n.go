// Package i18n holds the message catalogs, one per language, and picks the
// language a reader gets.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
)

//go:embed catalogs/*.json
var catalogFS embed.FS

// Language describes one supported language.
type Language struct {
	Code string // BCP 47 code used in URLs, cookies and the API
	Name string // the language's name in its own script, for the switcher
}

// Supported lists the supported languages in the order the switcher shows them.
var Supported = []Language{
	{"en", "English"},
	{"ja", "日本語"},
	{"vi", "Tiếng Việt"},
	{"id", "Bahasa Indonesia"},
	{"km", "ភាសាខ្មែរ"},
	{"fil", "Filipino"},
	{"th", "ไทย"},
	{"my", "မြန်မာ"},
	{"ne", "नेपाली"},
}

// Default is the language used when nothing else matches.
const Default = "en"

// Meta is the header of a catalog file.
type Meta struct {
	Language                string `json:"language"`
	ReviewedByNativeSpeaker bool   `json:"reviewed_by_native_speaker"`
	Note                    string `json:"note"`
}

type catalogFile struct {
	Meta     Meta              `json:"_meta"`
	Messages map[string]string `json:"messages"`
}

// Catalog is the set of messages of one language.
type Catalog struct {
	Meta     Meta
	messages map[string]string
}

// Bundle holds every catalog, loaded once at start.
type Bundle struct {
	catalogs map[string]*Catalog
}

// Load parses every embedded catalog. It fails if a supported language has
// no catalog, so a missing file is found at start, not by a worker.
func Load() (*Bundle, error) {
	b := &Bundle{catalogs: map[string]*Catalog{}}
	for _, l := range Supported {
		raw, err := catalogFS.ReadFile(path.Join("catalogs", l.Code+".json"))
		if err != nil {
			return nil, fmt.Errorf("i18n: catalog %s: %w", l.Code, err)
		}
		var f catalogFile
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("i18n: catalog %s: %w", l.Code, err)
		}
		if f.Meta.Language != l.Code {
			return nil, fmt.Errorf("i18n: catalog %s declares language %q", l.Code, f.Meta.Language)
		}
		b.catalogs[l.Code] = &Catalog{Meta: f.Meta, messages: f.Messages}
	}
	return b, nil
}

// Catalog returns the catalog of lang, or of the default language.
func (b *Bundle) Catalog(lang string) *Catalog {
	if c, ok := b.catalogs[lang]; ok {
		return c
	}
	return b.catalogs[Default]
}

// Keys returns the sorted message keys of lang's catalog.
func (b *Bundle) Keys(lang string) []string {
	c := b.catalogs[lang]
	if c == nil {
		return nil
	}
	keys := make([]string, 0, len(c.messages))
	for k := range c.messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Printer translates for one request. It is built per request and never
// shared, so a reader never gets another reader's language.
type Printer struct {
	Lang     string
	catalog  *Catalog
	fallback *Catalog
}

// Printer returns a translator for lang (which must be supported; otherwise
// the default language is used).
func (b *Bundle) Printer(lang string) *Printer {
	if !IsSupported(lang) {
		lang = Default
	}
	return &Printer{Lang: lang, catalog: b.catalogs[lang], fallback: b.catalogs[Default]}
}

// T returns the message for key, formatted with args (printf verbs). A
// missing key falls back to English and then to the key itself, so a page
// never breaks; the catalog test makes sure that does not happen.
func (p *Printer) T(key string, args ...any) string {
	msg, ok := p.catalog.messages[key]
	if !ok {
		msg, ok = p.fallback.messages[key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether key exists in the default catalog.
func (p *Printer) Has(key string) bool {
	_, ok := p.fallback.messages[key]
	return ok
}

// IsSupported reports whether code is a supported language.
func IsSupported(code string) bool {
	for _, l := range Supported {
		if l.Code == code {
			return true
		}
	}
	return false
}

// Name returns the language's name in its own script.
func Name(code string) string {
	for _, l := range Supported {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// Dir returns the text direction of lang; every supported language is
// written left to right, but the templates ask so a new one needs no change.
func Dir(string) string { return "ltr" }

// normalize maps a language tag to a supported code, if any: "vi-VN" → "vi",
// "tl" → "fil", "my-MM" → "my".
func normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	base, _, _ := strings.Cut(tag, "-")
	base, _, _ = strings.Cut(base, "_")
	switch base {
	case "tl":
		base = "fil"
	case "in": // the old code for Indonesian, still sent by some phones
		base = "id"
	}
	if IsSupported(base) {
		return base
	}
	return ""
}
