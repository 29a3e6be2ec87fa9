// Package workplan is the Joint Work Plan as a living record: areas, the
// outcomes under them, the actions stakeholders lead or join, their dated
// progress, indicators measured by hand or live from Remedy's own data,
// and the history of every change. It also knows the tabular form of the
// whole plan used for CSV and XLSX import and export.
//
// The package is pure: no HTTP, no SQL, no clock or randomness of its own.
package workplan

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/i18n"
)

// Status is where an action stands.
type Status string

// Action statuses.
const (
	Proposed   Status = "proposed"
	Agreed     Status = "agreed"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Stalled    Status = "stalled"
	Dropped    Status = "dropped"
)

// Statuses lists every status in the order they are shown.
var Statuses = []Status{Proposed, Agreed, InProgress, Done, Stalled, Dropped}

// Kind says whether an action is already done by a stakeholder (mapped) or
// a collaborative action the plan proposes.
type Kind string

// Action kinds.
const (
	Existing     Kind = "existing"
	ProposedKind Kind = "proposed"
)

// Kinds lists every kind.
var Kinds = []Kind{Existing, ProposedKind}

// FocusCountries are the countries of the plan, offered first in filters:
// the three focus countries, Japan, and the two key stakeholders.
var FocusCountries = []string{"KH", "ID", "VN", "JP", "PH", "TH"}

// Entity names, used in translations, history and the audit trail.
const (
	EntityArea        = "area"
	EntityOutcome     = "outcome"
	EntityAction      = "action"
	EntityIndicator   = "indicator"
	EntityStakeholder = "stakeholder"
	EntityProgress    = "progress"
	EntityValue       = "value"
)

// TranslatableEntities are the entities whose texts may be translated.
var TranslatableEntities = []string{EntityArea, EntityOutcome, EntityAction, EntityIndicator, EntityStakeholder}

// Limits on texts, in characters.
const (
	MaxTitle = 300
	MaxText  = 5000
	MaxCode  = 40
	MaxShort = 500
)

// Translation is a text of the plan in another language than the one it
// was written in. For a stakeholder, Title is the description and Body
// what it does in the corridor; for an indicator, Title is its name.
type Translation struct {
	Entity string
	Code   string // the entity's code (a stakeholder's: its organisation's name)
	ID     int64  // the entity's id, when known
	Lang   string
	Title  string
	Body   string
}

// OrgRef names an organisation: by id inside one database, by name in a
// file that travels between databases.
type OrgRef struct {
	ID      int64
	Name    string
	Country string
}

// Area is one of the plan's areas of work.
type Area struct {
	ID          int64
	Code        string
	Position    int
	Lang        string
	Title       string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Outcome is what the plan wants to change under an area.
type Outcome struct {
	ID          int64
	AreaID      int64
	AreaCode    string
	Code        string
	Position    int
	Lang        string
	Title       string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Action is something a stakeholder does (existing) or the plan proposes
// to do together (proposed), with a lead and partners.
type Action struct {
	ID          int64
	AreaID      int64
	AreaCode    string
	OutcomeID   int64 // 0: directly under the area
	OutcomeCode string
	Code        string
	Kind        Kind
	Status      Status
	Lang        string
	Title       string
	Description string
	Lead        OrgRef // ID 0: no lead yet
	Partners    []OrgRef
	Countries   []string // ISO 3166-1 alpha-2, sorted
	Start       string   // YYYY-MM-DD or ""
	End         string
	// Example marks seeded actions, to be edited by the plan's coordinators.
	Example   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PartnerIDs returns the ids of the partners.
func (a *Action) PartnerIDs() []int64 {
	out := make([]int64, 0, len(a.Partners))
	for _, p := range a.Partners {
		out = append(out, p.ID)
	}
	return out
}

// HasCountry reports whether the action concerns country c.
func (a *Action) HasCountry(c string) bool {
	for _, x := range a.Countries {
		if x == c {
			return true
		}
	}
	return false
}

// Involves reports whether orgID leads or joins the action.
func (a *Action) Involves(orgID int64) bool {
	if a.Lead.ID == orgID {
		return true
	}
	for _, p := range a.Partners {
		if p.ID == orgID {
			return true
		}
	}
	return false
}

// Progress is a dated update on an action, written by its lead or a
// partner (or a coordinator).
type Progress struct {
	ID         int64
	ActionID   int64
	ActionCode string
	UID        string // stable across import and export
	Date       string // YYYY-MM-DD: when it happened
	Org        OrgRef
	PersonID   int64
	Lang       string
	Text       string
	CreatedAt  time.Time
}

var (
	codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	uidRE  = regexp.MustCompile(`^[a-z0-9-]{8,64}$`)
)

// IsStatus reports whether s is a known status.
func IsStatus(s string) bool {
	for _, x := range Statuses {
		if string(x) == s {
			return true
		}
	}
	return false
}

// IsKind reports whether k is a known action kind.
func IsKind(k string) bool { return k == string(Existing) || k == string(ProposedKind) }

// ValidCode reports whether c may be a code: letters, digits, dot, dash
// and underscore, starting with a letter or digit.
func ValidCode(c string) bool { return len(c) <= MaxCode && codeRE.MatchString(c) }

// ValidUID reports whether u may be the stable id of a progress update or
// a value.
func ValidUID(u string) bool { return uidRE.MatchString(u) }

// ValidDate reports whether d is a calendar date written YYYY-MM-DD.
func ValidDate(d string) bool {
	t, err := time.Parse(time.DateOnly, d)
	return err == nil && t.Format(time.DateOnly) == d
}

// ValidCountry reports whether c is two upper-case letters.
func ValidCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// NormalizeCountries upper-cases, deduplicates and sorts country codes
// given separated by spaces or commas.
func NormalizeCountries(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' }) {
			c = strings.ToUpper(strings.TrimSpace(c))
			if c != "" && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Strings(out)
	return out
}

// checkText appends an error when a text is missing (if required), too
// long or not valid UTF-8. It trims the text.
func checkText(errs []apperr.FieldError, field string, s *string, required bool, max int) []apperr.FieldError {
	*s = strings.TrimSpace(strings.ReplaceAll(*s, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(*s) || hasControl(*s):
		return append(errs, apperr.FieldError{Field: field, Key: "error.invalid_text"})
	case required && *s == "":
		return append(errs, apperr.FieldError{Field: field, Key: "error.required"})
	case utf8.RuneCountInString(*s) > max:
		return append(errs, apperr.FieldError{Field: field, Key: "error.too_long"})
	}
	return errs
}

// hasControl reports control characters other than line breaks and tabs,
// which no plan text needs and XML (XLSX) cannot hold.
func hasControl(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffe || r == 0xffff {
			return true
		}
	}
	return false
}

// checkLine is checkText for a one-line text: no line breaks.
func checkLine(errs []apperr.FieldError, field string, s *string, required bool, max int) []apperr.FieldError {
	n := len(errs)
	errs = checkText(errs, field, s, required, max)
	if len(errs) == n && strings.ContainsAny(*s, "\n\r") {
		errs = append(errs, apperr.FieldError{Field: field, Key: "error.invalid_text"})
	}
	return errs
}

func checkLang(errs []apperr.FieldError, field string, lang *string) []apperr.FieldError {
	*lang = strings.TrimSpace(*lang)
	if code, ok := i18n.Parse(*lang); ok && code == *lang {
		return errs
	}
	return append(errs, apperr.FieldError{Field: field, Key: "error.unknown_code"})
}

func checkCode(errs []apperr.FieldError, field string, code *string) []apperr.FieldError {
	*code = strings.TrimSpace(*code)
	if *code == "" {
		return append(errs, apperr.FieldError{Field: field, Key: "error.required"})
	}
	if !ValidCode(*code) {
		return append(errs, apperr.FieldError{Field: field, Key: "plan.error.code"})
	}
	return errs
}

func checkDate(errs []apperr.FieldError, field string, d *string, required bool) []apperr.FieldError {
	*d = strings.TrimSpace(*d)
	if *d == "" {
		if required {
			return append(errs, apperr.FieldError{Field: field, Key: "error.required"})
		}
		return errs
	}
	if !ValidDate(*d) {
		return append(errs, apperr.FieldError{Field: field, Key: "error.invalid_date"})
	}
	return errs
}

// Validate checks an area and trims its texts.
func (a *Area) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	errs = checkCode(errs, "code", &a.Code)
	errs = checkLang(errs, "lang", &a.Lang)
	errs = checkLine(errs, "title", &a.Title, true, MaxTitle)
	errs = checkText(errs, "description", &a.Description, false, MaxText)
	return errs
}

// Validate checks an outcome and trims its texts.
func (o *Outcome) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	errs = checkCode(errs, "code", &o.Code)
	if o.AreaID == 0 && o.AreaCode == "" {
		errs = append(errs, apperr.FieldError{Field: "area", Key: "error.required"})
	}
	errs = checkLang(errs, "lang", &o.Lang)
	errs = checkLine(errs, "title", &o.Title, true, MaxTitle)
	errs = checkText(errs, "description", &o.Description, false, MaxText)
	return errs
}

// Validate checks an action, trims its texts and normalises its countries.
func (a *Action) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	errs = checkCode(errs, "code", &a.Code)
	if a.AreaID == 0 && a.AreaCode == "" {
		errs = append(errs, apperr.FieldError{Field: "area", Key: "error.required"})
	}
	if !IsKind(string(a.Kind)) {
		errs = append(errs, apperr.FieldError{Field: "kind", Key: "error.unknown_code"})
	}
	if !IsStatus(string(a.Status)) {
		errs = append(errs, apperr.FieldError{Field: "status", Key: "error.unknown_code"})
	}
	errs = checkLang(errs, "lang", &a.Lang)
	errs = checkLine(errs, "title", &a.Title, true, MaxTitle)
	errs = checkText(errs, "description", &a.Description, false, MaxText)
	a.Countries = NormalizeCountries(a.Countries)
	for _, c := range a.Countries {
		if !ValidCountry(c) {
			errs = append(errs, apperr.FieldError{Field: "countries", Key: "error.unknown_code"})
			break
		}
	}
	errs = checkDate(errs, "start", &a.Start, false)
	errs = checkDate(errs, "end", &a.End, false)
	if a.Start != "" && a.End != "" && ValidDate(a.Start) && ValidDate(a.End) && a.End < a.Start {
		errs = append(errs, apperr.FieldError{Field: "end", Key: "plan.error.end_before_start"})
	}
	seen := map[int64]bool{}
	var partners []OrgRef
	for _, p := range a.Partners {
		if p.ID != 0 && p.ID == a.Lead.ID {
			continue // the lead is not also its own partner
		}
		if p.ID != 0 && seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		partners = append(partners, p)
	}
	a.Partners = partners
	return errs
}

// Validate checks a progress update and trims its text. today bounds its
// date: progress is reported, not foretold.
func (p *Progress) Validate(today string) []apperr.FieldError {
	var errs []apperr.FieldError
	errs = checkDate(errs, "date", &p.Date, true)
	if p.Date != "" && ValidDate(p.Date) && today != "" && p.Date > today {
		errs = append(errs, apperr.FieldError{Field: "date", Key: "error.future_date"})
	}
	errs = checkLang(errs, "lang", &p.Lang)
	errs = checkText(errs, "text", &p.Text, true, MaxText)
	return errs
}

// Validate checks a translation and trims its texts.
func (t *Translation) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	known := false
	for _, e := range TranslatableEntities {
		if e == t.Entity {
			known = true
		}
	}
	if !known {
		errs = append(errs, apperr.FieldError{Field: "entity", Key: "error.unknown_code"})
	}
	errs = checkLang(errs, "lang", &t.Lang)
	title := MaxTitle
	if t.Entity == EntityStakeholder {
		title = MaxText
	}
	errs = checkText(errs, "title", &t.Title, true, title)
	errs = checkText(errs, "body", &t.Body, false, MaxText)
	return errs
}

// Localized is a text to show: in the reader's language when a translation
// exists (Translated), else in the language it was written in.
type Localized struct {
	Lang       string
	Title      string
	Body       string
	Translated bool
}

// Localize picks the text of an entity for a reader of lang.
func Localize(lang, origLang, title, body string, translations []Translation) Localized {
	if lang != origLang {
		for _, t := range translations {
			if t.Lang == lang {
				return Localized{Lang: t.Lang, Title: t.Title, Body: t.Body, Translated: true}
			}
		}
	}
	return Localized{Lang: origLang, Title: title, Body: body}
}
