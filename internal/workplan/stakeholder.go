package workplan

import (
	"net/mail"
	"net/url"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/org"
)

// ContactKind is a way to reach a stakeholder.
type ContactKind string

// Contact kinds.
const (
	ContactWebsite  ContactKind = "website"
	ContactEmail    ContactKind = "email"
	ContactPhone    ContactKind = "phone"
	ContactLine     ContactKind = "line"
	ContactFacebook ContactKind = "facebook"
	ContactWhatsApp ContactKind = "whatsapp"
	ContactAddress  ContactKind = "address"
	ContactOther    ContactKind = "other"
)

// ContactKinds lists every contact kind in the order they are shown.
var ContactKinds = []ContactKind{ContactWebsite, ContactEmail, ContactPhone, ContactLine, ContactFacebook, ContactWhatsApp, ContactAddress, ContactOther}

// Contact is one contact channel of a stakeholder (of the organisation,
// never of a person).
type Contact struct {
	Kind  ContactKind
	Value string
}

// Href is a link for the contact, or "" when it is not a link.
func (c Contact) Href() string {
	switch c.Kind {
	case ContactWebsite, ContactFacebook:
		if u, err := url.Parse(c.Value); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return u.String()
		}
	case ContactEmail:
		return "mailto:" + c.Value
	case ContactPhone:
		var b strings.Builder
		for _, r := range c.Value {
			if (r >= '0' && r <= '9') || r == '+' {
				b.WriteRune(r)
			}
		}
		return "tel:" + b.String()
	}
	return ""
}

// Profile is the public face of an organisation in the plan.
type Profile struct {
	OrgID        int64
	Lang         string
	Description  string // what the organisation is
	CorridorWork string // what it does in the corridor
	Contacts     []Contact
	Public       bool
}

// Stakeholder is an organisation with its profile.
type Stakeholder struct {
	Org        org.Organization
	Profile    Profile
	HasProfile bool
}

// Empty reports whether the profile says nothing and is not public: an
// organisation the plan only names.
func (p *Profile) Empty() bool {
	return p.Description == "" && p.CorridorWork == "" && len(p.Contacts) == 0 && !p.Public
}

// IsContactKind reports whether k is a known contact kind.
func IsContactKind(k string) bool {
	for _, x := range ContactKinds {
		if string(x) == k {
			return true
		}
	}
	return false
}

// ParseContacts reads contacts written one a line as "kind value".
func ParseContacts(s string) ([]Contact, []apperr.FieldError) {
	var out []Contact
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		kind, value, _ := strings.Cut(line, " ")
		out = append(out, Contact{Kind: ContactKind(strings.ToLower(strings.TrimSpace(kind))), Value: strings.TrimSpace(value)})
	}
	return out, validateContacts(out)
}

// FormatContacts writes contacts one a line as "kind value".
func FormatContacts(cs []Contact) string {
	lines := make([]string, 0, len(cs))
	for _, c := range cs {
		lines = append(lines, string(c.Kind)+" "+c.Value)
	}
	return strings.Join(lines, "\n")
}

func validateContacts(cs []Contact) []apperr.FieldError {
	if len(cs) > 20 {
		return []apperr.FieldError{{Field: "contacts", Key: "error.too_long"}}
	}
	for i := range cs {
		c := &cs[i]
		var errs []apperr.FieldError
		errs = checkLine(errs, "contacts", &c.Value, true, MaxShort)
		if len(errs) > 0 {
			return errs
		}
		switch {
		case !IsContactKind(string(c.Kind)):
			return []apperr.FieldError{{Field: "contacts", Key: "plan.error.contact"}}
		case c.Kind == ContactWebsite || c.Kind == ContactFacebook:
			if u, err := url.Parse(c.Value); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return []apperr.FieldError{{Field: "contacts", Key: "plan.error.contact"}}
			}
		case c.Kind == ContactEmail:
			if a, err := mail.ParseAddress(c.Value); err != nil || a.Address != c.Value {
				return []apperr.FieldError{{Field: "contacts", Key: "plan.error.contact"}}
			}
		}
	}
	return nil
}

// Validate checks a profile and trims its texts.
func (p *Profile) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	errs = checkLang(errs, "lang", &p.Lang)
	errs = checkText(errs, "description", &p.Description, false, MaxText)
	errs = checkText(errs, "corridor_work", &p.CorridorWork, false, MaxText)
	errs = append(errs, validateContacts(p.Contacts)...)
	return errs
}
