package knowledge

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
)

// Kind is the kind of help an organisation in the directory gives.
type Kind string

// Kinds of help, in the order the directory shows them.
const (
	KindEmergency  Kind = "emergency"  // police, ambulance and fire
	KindEmbassy    Kind = "embassy"    // the worker's embassy and its labour section
	KindGovernment Kind = "government" // public help lines and agencies
	KindLegalAid   Kind = "legal_aid"  // lawyers, legal aid, bar associations
	KindUnion      Kind = "union"      // trade unions, community unions
	KindCSO        Kind = "cso"        // support groups, NGOs, consultation desks
	KindShelter    Kind = "shelter"    // a safe place to stay
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindEmergency, KindEmbassy, KindGovernment, KindLegalAid, KindUnion, KindCSO, KindShelter}

// IsKind reports whether s is a known kind.
func IsKind(s string) bool { return slices.Contains(Kinds, Kind(s)) }

// Channel kinds: how to reach an organisation.
const (
	ChannelPhone   = "phone"
	ChannelWebsite = "website"
	ChannelEmail   = "email"
)

// ChannelKinds lists the channel kinds.
var ChannelKinds = []string{ChannelPhone, ChannelWebsite, ChannelEmail}

// Channel is one way to reach an organisation.
type Channel struct {
	Kind  string `json:"kind"`
	Value string `json:"value"` // a phone number as dialled in Japan, an https URL, an address
}

// Entry is one organisation, line or office in the help directory.
type Entry struct {
	ID int64
	// Key is the entry's stable name in the seed ("" for entries added by
	// editors), so that a seed is applied once and never overwrites.
	Key        string
	Name       string // official name, shown as written
	NameLang   string // the language Name is written in
	Kind       Kind
	Countries  []string // the workers' origin countries it serves (ISO 3166-1); empty: everyone
	Prefecture string   // ISO 3166-2 code of its office in Japan; "" if none or unknown
	Nationwide bool     // reachable from anywhere in Japan (a phone line, online)
	Languages  []string // supported language codes it answers in; empty: not known
	Channels   []Channel
	Hours      string // "24h", "Mon-Fri 9:00-17:00" (Japan time); "" if not known
	Note       string // for editors and the API: what is not confirmed, in English
	Source     string // where the contact details were read, with the date of that copy
	// LastChecked is the day the details were last checked against Source.
	LastChecked time.Time
	Active      bool
	Position    int
	UpdatedAt   time.Time
	UpdatedBy   string
}

// CheckedOn is LastChecked written as a date.
func (e Entry) CheckedOn() string { return FormatDate(e.LastChecked) }

// HasCountry reports whether the entry names country c among those it serves.
func (e Entry) HasCountry(c string) bool { return slices.Contains(e.Countries, c) }

// HasLanguage reports whether the entry lists lang among its languages.
func (e Entry) HasLanguage(lang string) bool { return slices.Contains(e.Languages, lang) }

// Phones returns the entry's phone numbers.
func (e Entry) Phones() []string {
	var out []string
	for _, c := range e.Channels {
		if c.Kind == ChannelPhone {
			out = append(out, c.Value)
		}
	}
	return out
}

// Serves reports whether the entry answers in lang. Emergency numbers
// serve everyone, whatever language they speak.
func (e Entry) Serves(lang string) bool {
	return e.Kind == KindEmergency || slices.Contains(e.Languages, lang)
}

// Filter is what a reader searches the directory by; empty fields match
// everything.
type Filter struct {
	Country    string // the worker's origin country
	Prefecture string // where the worker is in Japan
	Language   string // a language the worker speaks
	Kind       Kind
}

// Empty reports whether nothing is filtered.
func (f Filter) Empty() bool { return f == Filter{} }

// Normalize cleans a filter read from a request and drops values that are
// not known, returning the fields it dropped.
func (f *Filter) Normalize() []apperr.FieldError {
	var errs []apperr.FieldError
	f.Country = strings.ToUpper(strings.TrimSpace(f.Country))
	f.Prefecture = strings.ToUpper(strings.TrimSpace(f.Prefecture))
	f.Kind = Kind(strings.TrimSpace(string(f.Kind)))
	if f.Country != "" && !IsCountry(f.Country) {
		errs = append(errs, apperr.FieldError{Field: "country", Key: "error.unknown_code"})
		f.Country = ""
	}
	if f.Prefecture != "" && !IsPrefecture(f.Prefecture) {
		errs = append(errs, apperr.FieldError{Field: "prefecture", Key: "error.unknown_code"})
		f.Prefecture = ""
	}
	if f.Language != "" {
		if code, ok := i18n.Parse(f.Language); ok {
			f.Language = code
		} else {
			errs = append(errs, apperr.FieldError{Field: "language", Key: "error.unknown_code"})
			f.Language = ""
		}
	}
	if f.Kind != "" && !IsKind(string(f.Kind)) {
		errs = append(errs, apperr.FieldError{Field: "kind", Key: "error.unknown_code"})
		f.Kind = ""
	}
	return errs
}

// Match reports whether an active entry fits the filter. An entry that
// serves everyone fits any country; one reachable nationwide, or whose
// office is not given, fits any prefecture.
func (f Filter) Match(e Entry) bool {
	if !e.Active {
		return false
	}
	if f.Kind != "" && e.Kind != f.Kind {
		return false
	}
	if f.Country != "" && len(e.Countries) > 0 && !slices.Contains(e.Countries, f.Country) {
		return false
	}
	if f.Prefecture != "" && !e.Nationwide && e.Prefecture != "" && e.Prefecture != f.Prefecture {
		return false
	}
	if f.Language != "" && !e.Serves(f.Language) {
		return false
	}
	return true
}

// Search returns the entries that fit f, most useful first: by kind
// (emergency numbers first), then those answering in the reader's
// language, then those for the worker's own country, then by position.
func Search(entries []Entry, f Filter, readerLang string) []Entry {
	var out []Entry
	for _, e := range entries {
		if f.Match(e) {
			out = append(out, e)
		}
	}
	lang := f.Language
	if lang == "" {
		lang = readerLang
	}
	bool2int := func(b bool) int {
		if b {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(out, func(x, y Entry) int {
		if d := slices.Index(Kinds, x.Kind) - slices.Index(Kinds, y.Kind); d != 0 {
			return d
		}
		if d := bool2int(x.Serves(lang)) - bool2int(y.Serves(lang)); d != 0 {
			return d
		}
		if f.Country != "" {
			if d := bool2int(slices.Contains(x.Countries, f.Country)) - bool2int(slices.Contains(y.Countries, f.Country)); d != 0 {
				return d
			}
		}
		if x.Position != y.Position {
			return x.Position - y.Position
		}
		return strings.Compare(x.Name, y.Name)
	})
	return out
}

// KindsIn lists, in display order, the kinds that active entries have.
func KindsIn(entries []Entry) []Kind {
	var out []Kind
	for _, k := range Kinds {
		if slices.ContainsFunc(entries, func(e Entry) bool { return e.Active && e.Kind == k }) {
			out = append(out, k)
		}
	}
	return out
}

// Countries are the origin countries the directory can be searched by.
func Countries() []string {
	var out []string
	for _, c := range grievance.OriginCountries {
		if c != "ZZ" {
			out = append(out, c)
		}
	}
	return out
}

// IsCountry reports whether c is an origin country of the directory.
func IsCountry(c string) bool { return slices.Contains(Countries(), c) }

// IsPrefecture reports whether code is a prefecture of Japan (JP-01…JP-47).
func IsPrefecture(code string) bool {
	return slices.ContainsFunc(grievance.Prefectures, func(p grievance.Prefecture) bool { return p.Code == code })
}

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 -]{1,22}[0-9]$`)

// Validate checks an entry an editor saves, as of now.
func (e *Entry) Validate(now time.Time) []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, key string) { errs = append(errs, apperr.FieldError{Field: field, Key: key}) }
	e.Name = strings.TrimSpace(e.Name)
	e.Hours = strings.TrimSpace(e.Hours)
	e.Note = strings.TrimSpace(e.Note)
	e.Source = strings.TrimSpace(e.Source)
	e.Prefecture = strings.ToUpper(strings.TrimSpace(e.Prefecture))
	if e.NameLang == "" {
		e.NameLang = "en"
	}
	text := func(field, v string, limit int, required bool) {
		switch {
		case required && v == "":
			add(field, "error.required")
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			add(field, "error.invalid_text")
		case utf8.RuneCountInString(v) > limit:
			add(field, "error.too_long")
		}
	}
	text("name", e.Name, 200, true)
	text("note", e.Note, 1000, false)
	// Every entry says where its details come from: a number nobody can
	// trace is not given to a worker in danger.
	text("source", e.Source, 1000, true)
	if !i18n.IsSupported(e.NameLang) {
		add("name_lang", "error.unknown_code")
	}
	if !IsKind(string(e.Kind)) {
		add("kind", "error.unknown_code")
	}
	for i, c := range e.Countries {
		e.Countries[i] = strings.ToUpper(strings.TrimSpace(c))
		if !IsCountry(e.Countries[i]) {
			add("countries", "error.unknown_code")
			break
		}
	}
	e.Countries = compact(e.Countries)
	if e.Prefecture != "" && !IsPrefecture(e.Prefecture) {
		add("prefecture", "error.unknown_code")
	}
	for _, l := range e.Languages {
		if !i18n.IsSupported(l) {
			add("languages", "error.unknown_code")
			break
		}
	}
	e.Languages = compact(e.Languages)
	if e.Hours != "" {
		if _, ok := ParseHours(e.Hours); !ok {
			add("hours", "knowledge.error.hours")
		}
	}
	if len(e.Channels) == 0 {
		add("channels", "knowledge.error.channel_required")
	}
	for i := range e.Channels {
		c := &e.Channels[i]
		c.Value = strings.TrimSpace(c.Value)
		switch c.Kind {
		case ChannelPhone:
			if !phoneRE.MatchString(c.Value) {
				add("channels", "error.invalid_phone")
			}
		case ChannelWebsite:
			u, err := url.Parse(c.Value)
			if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
				add("channels", "knowledge.error.website")
			}
		case ChannelEmail:
			if !strings.Contains(c.Value, "@") || strings.ContainsAny(c.Value, " <>\"") {
				add("channels", "error.invalid_email")
			}
		default:
			add("channels", "error.unknown_code")
		}
	}
	switch {
	case e.LastChecked.IsZero():
		add("last_checked", "error.invalid_date")
	case AfterToday(e.LastChecked, now):
		add("last_checked", "error.future_date")
	}
	if e.Position < 0 || e.Position > 9999 {
		add("position", "knowledge.error.position")
	}
	return dedupe(errs)
}

// compact drops empty and repeated items, keeping the first order.
func compact(items []string) []string {
	var out []string
	for _, s := range items {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// dedupe keeps the first error of each field.
func dedupe(errs []apperr.FieldError) []apperr.FieldError {
	var out []apperr.FieldError
	seen := map[string]bool{}
	for _, e := range errs {
		if !seen[e.Field] {
			seen[e.Field] = true
			out = append(out, e)
		}
	}
	return out
}
