package grievance

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"remedy/internal/apperr"
)

// Limits on what a worker may send, in characters.
const (
	MaxNarrative = 10000
	MaxName      = 200
	MaxContact   = 200
)

// Contact is how a worker wants to be reached. Channel "none" (or empty)
// means the worker stays anonymous.
type Contact struct {
	Name    string `json:"name,omitempty"`
	Channel string `json:"channel"`
	Value   string `json:"value,omitempty"`
}

// Anonymous reports whether the worker gave no way to reach them and no name.
func (c Contact) Anonymous() bool {
	return (c.Channel == "" || c.Channel == "none") && c.Name == ""
}

// Submission is a grievance as the worker sends it, before it is a case.
type Submission struct {
	Language           string
	OriginCountry      string
	Program            string
	Categories         []string
	Narrative          string
	IncidentDate       string // YYYY-MM-DD, or "" when unknown
	Prefecture         string // ISO 3166-2 code, or "" when unknown
	EmployerName       string
	SupervisingOrgName string
	SendingOrgName     string
	Contact            Contact
	ShareIdentity      bool
}

// Normalize trims spaces, drops duplicate categories and clears contact
// details when the worker chose to stay anonymous.
func (s *Submission) Normalize() {
	trim := func(v *string) { *v = strings.TrimSpace(*v) }
	for _, v := range []*string{&s.Language, &s.OriginCountry, &s.Program, &s.IncidentDate, &s.Prefecture,
		&s.EmployerName, &s.SupervisingOrgName, &s.SendingOrgName, &s.Contact.Name, &s.Contact.Channel, &s.Contact.Value} {
		trim(v)
	}
	s.Narrative = strings.TrimRightFunc(strings.TrimLeftFunc(s.Narrative, unicode.IsSpace), unicode.IsSpace)
	if utf8.ValidString(s.OriginCountry) {
		// ToUpper would replace invalid bytes, hiding them from Validate.
		s.OriginCountry = strings.ToUpper(s.OriginCountry)
	}
	seen := map[string]bool{}
	var cats []string
	for _, c := range s.Categories {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] {
			seen[c] = true
			cats = append(cats, c)
		}
	}
	s.Categories = cats
	if s.Contact.Channel == "" {
		s.Contact.Channel = "none"
	}
	if s.Contact.Channel == "none" {
		s.Contact.Value = ""
	}
}

// Japan is Japan Standard Time; Japan keeps no daylight saving time.
var Japan = time.FixedZone("JST", 9*60*60)

// Validate returns every problem with the submission as field errors that
// carry message keys. now is used to refuse dates in the future (in Japan).
// Call Normalize first. languageOK says whether Language is supported.
func (s *Submission) Validate(now time.Time, languageOK func(string) bool) []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, key string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Key: key, Args: args})
	}
	texts := map[string]string{
		"language": s.Language, "origin_country": s.OriginCountry, "program": s.Program,
		"narrative": s.Narrative, "incident_date": s.IncidentDate, "prefecture": s.Prefecture,
		"employer_name": s.EmployerName, "supervising_org_name": s.SupervisingOrgName,
		"sending_org_name": s.SendingOrgName, "contact.name": s.Contact.Name,
		"contact.channel": s.Contact.Channel, "contact.value": s.Contact.Value,
	}
	bad := map[string]bool{}
	for field, v := range texts {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			bad[field] = true
		}
	}
	for _, c := range s.Categories {
		if !utf8.ValidString(c) {
			bad["categories"] = true
		}
	}
	// Fields are checked in the order the form shows them, so the error
	// summary reads top to bottom.
	check := func(field string, fn func()) {
		if bad[field] {
			add(field, "error.invalid_text")
			return
		}
		fn()
	}
	check("language", func() {
		if s.Language == "" {
			add("language", "error.required")
		} else if !languageOK(s.Language) {
			add("language", "error.unknown_code")
		}
	})
	check("categories", func() {
		if len(s.Categories) == 0 {
			add("categories", "error.categories_required")
			return
		}
		for _, c := range s.Categories {
			if _, ok := CategoryByCode(c); !ok {
				add("categories", "error.unknown_code")
				return
			}
		}
	})
	check("narrative", func() {
		if s.Narrative == "" {
			add("narrative", "error.required")
		} else if utf8.RuneCountInString(s.Narrative) > MaxNarrative {
			add("narrative", "error.too_long")
		}
	})
	check("incident_date", func() {
		if s.IncidentDate == "" {
			return
		}
		d, err := time.ParseInLocation("2006-01-02", s.IncidentDate, Japan)
		if err != nil {
			add("incident_date", "error.invalid_date")
			return
		}
		if d.After(now.In(Japan)) {
			add("incident_date", "error.future_date")
		}
	})
	check("prefecture", func() {
		if s.Prefecture != "" && !IsPrefecture(s.Prefecture) {
			add("prefecture", "error.unknown_code")
		}
	})
	check("program", func() {
		if s.Program == "" {
			add("program", "error.required")
		} else if !IsProgram(s.Program) {
			add("program", "error.unknown_code")
		}
	})
	check("origin_country", func() {
		if s.OriginCountry == "" {
			add("origin_country", "error.required")
		} else if !IsOriginCountry(s.OriginCountry) {
			add("origin_country", "error.unknown_code")
		}
	})
	for _, f := range []struct{ field, v string }{
		{"employer_name", s.EmployerName}, {"supervising_org_name", s.SupervisingOrgName}, {"sending_org_name", s.SendingOrgName},
	} {
		check(f.field, func() {
			if utf8.RuneCountInString(f.v) > MaxName {
				add(f.field, "error.too_long")
			}
		})
	}
	check("contact.channel", func() {
		if !IsContactChannel(s.Contact.Channel) {
			add("contact.channel", "error.unknown_code")
		}
	})
	check("contact.name", func() {
		if utf8.RuneCountInString(s.Contact.Name) > MaxName {
			add("contact.name", "error.too_long")
		}
	})
	check("contact.value", func() {
		v := s.Contact.Value
		switch {
		case s.Contact.Channel == "none" || !IsContactChannel(s.Contact.Channel):
		case v == "":
			add("contact.value", "error.contact_value_required")
		case utf8.RuneCountInString(v) > MaxContact:
			add("contact.value", "error.too_long")
		case s.Contact.Channel == "email":
			if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
				add("contact.value", "error.invalid_email")
			}
		case s.Contact.Channel == "phone":
			if !plausiblePhone(v) {
				add("contact.value", "error.invalid_phone")
			}
		}
	})
	return errs
}

// plausiblePhone accepts digits with the usual separators and 6 to 15
// digits (E.164 allows at most 15).
func plausiblePhone(v string) bool {
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}
