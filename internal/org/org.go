// Package org holds organisations, the people in them and their roles. It
// is pure: no HTTP, no SQL.
package org

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
)

// Type is the kind of an organisation.
type Type string

// Organisation types.
const (
	Mechanism            Type = "mechanism" // operates the grievance mechanism
	CSO                  Type = "cso"
	Union                Type = "union"
	LegalAid             Type = "legal_aid"
	Employer             Type = "employer"
	SupervisingOrg       Type = "supervising_org"
	RegisteredSupportOrg Type = "registered_support_org"
	SendingAgency        Type = "sending_agency"
	Government           Type = "government" // OTIT, labour inspection, embassies, DOLAB, BP2MI, MoLVT, DMW…
	EmployersOrg         Type = "employers_org"
	InternationalOrg     Type = "international_org"
	AgenciesAssociation  Type = "agencies_association" // recruitment agencies' association
	Platform             Type = "platform"             // multi-stakeholder platform such as JP-MIRAI
)

// Types lists every organisation type.
var Types = []Type{Mechanism, CSO, Union, LegalAid, Employer, SupervisingOrg, RegisteredSupportOrg,
	SendingAgency, Government, EmployersOrg, InternationalOrg, AgenciesAssociation, Platform}

// Role is what a person may do within their organisation.
type Role string

// Roles.
const (
	Admin      Role = "admin"
	Caseworker Role = "caseworker"
	Responder  Role = "responder"
	Viewer     Role = "viewer"
	Auditor    Role = "auditor"
	// Coordinator edits the Joint Work Plan and the regional network.
	Coordinator Role = "coordinator"
)

// Roles lists every role.
var Roles = []Role{Admin, Caseworker, Responder, Viewer, Auditor, Coordinator}

// Organization is a body that takes part in cases or in the plan.
type Organization struct {
	ID        int64
	Name      string
	Type      Type
	Country   string   // ISO 3166-1 alpha-2
	Languages []string // BCP 47
	CreatedAt time.Time
}

// Person is a member of staff of an organisation.
type Person struct {
	ID        int64
	OrgID     int64
	Email     string
	Name      string
	Role      Role
	Active    bool
	CreatedAt time.Time
}

// IsType reports whether t is a known organisation type.
func IsType(t string) bool {
	for _, x := range Types {
		if string(x) == t {
			return true
		}
	}
	return false
}

// IsRole reports whether r is a known role.
func IsRole(r string) bool {
	for _, x := range Roles {
		if string(x) == r {
			return true
		}
	}
	return false
}

// NormalizeEmail lower-cases and trims an address so that one person has
// one account whatever case they type.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a new organisation.
func (o *Organization) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	o.Name = strings.TrimSpace(o.Name)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	switch {
	case o.Name == "":
		errs = append(errs, apperr.FieldError{Field: "name", Key: "error.required"})
	case !utf8.ValidString(o.Name):
		errs = append(errs, apperr.FieldError{Field: "name", Key: "error.invalid_text"})
	case utf8.RuneCountInString(o.Name) > 200:
		errs = append(errs, apperr.FieldError{Field: "name", Key: "error.too_long"})
	}
	if !IsType(string(o.Type)) {
		errs = append(errs, apperr.FieldError{Field: "type", Key: "error.unknown_code"})
	}
	if len(o.Country) != 2 || o.Country[0] < 'A' || o.Country[0] > 'Z' || o.Country[1] < 'A' || o.Country[1] > 'Z' {
		errs = append(errs, apperr.FieldError{Field: "country", Key: "error.unknown_code"})
	}
	return errs
}

// Validate checks a new person (the password is checked separately).
func (p *Person) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	p.Email = NormalizeEmail(p.Email)
	if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
		errs = append(errs, apperr.FieldError{Field: "email", Key: "error.invalid_email"})
	}
	if !IsRole(string(p.Role)) {
		errs = append(errs, apperr.FieldError{Field: "role", Key: "error.unknown_code"})
	}
	if !utf8.ValidString(p.Name) || utf8.RuneCountInString(p.Name) > 200 {
		errs = append(errs, apperr.FieldError{Field: "name", Key: "error.invalid_text"})
	}
	return errs
}

// MinPassword is the shortest staff password accepted.
const MinPassword = 12

// ValidatePassword checks a staff password's length (NIST 800-63B: length,
// not composition rules).
func ValidatePassword(pw string) []apperr.FieldError {
	n := utf8.RuneCountInString(pw)
	if n < MinPassword {
		return []apperr.FieldError{{Field: "password", Key: "error.password_short", Args: []any{MinPassword}}}
	}
	if len(pw) > 1024 {
		return []apperr.FieldError{{Field: "password", Key: "error.too_long"}}
	}
	return nil
}
