package recruitment

// The registry of agencies and organisations in the recruitment chain:
// sending agencies and brokers in the origin countries, supervising
// organisations and registered support organisations in Japan. An agency is
// an organisation of the shared organisation model (package org) with
// licence details attached; this file holds those details, their checks,
// the search normalisation and the CSV import format.

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"remedy/internal/apperr"
	"remedy/internal/org"
)

// AgencyTypes are the organisation types the registry lists.
var AgencyTypes = []org.Type{org.SendingAgency, org.SupervisingOrg, org.RegisteredSupportOrg}

// IsAgencyType reports whether t is listed in the registry.
func IsAgencyType(t org.Type) bool {
	for _, x := range AgencyTypes {
		if x == t {
			return true
		}
	}
	return false
}

// LicenceStatus is what the licensing authority says of an agency's licence.
type LicenceStatus string

// Licence statuses.
const (
	LicenceValid     LicenceStatus = "valid"
	LicenceSuspended LicenceStatus = "suspended"
	LicenceRevoked   LicenceStatus = "revoked"
	LicenceExpired   LicenceStatus = "expired"
	LicenceUnknown   LicenceStatus = "unknown" // not checked, or no public source
)

// LicenceStatuses lists every licence status.
var LicenceStatuses = []LicenceStatus{LicenceValid, LicenceSuspended, LicenceRevoked, LicenceExpired, LicenceUnknown}

// IsLicenceStatus reports whether s is a known licence status.
func IsLicenceStatus(s string) bool {
	for _, x := range LicenceStatuses {
		if string(x) == s {
			return true
		}
	}
	return false
}

// Agency is one organisation of the registry: the shared organisation and
// its licence details. Nothing here is personal data: agencies are
// businesses and public bodies, and the contact is their public one.
type Agency struct {
	Org              org.Organization
	LicenceNumber    string
	LicenceStatus    LicenceStatus
	LicenceSource    string   // the authority's list or page the status was read from
	LicenceCheckedOn string   // YYYY-MM-DD, when the status was last checked
	Contact          string   // public address, telephone or website
	Aliases          []string // other names: in another script, a former or trading name
	UpdatedAt        time.Time
}

// Field limits.
const (
	maxLicenceNumber = 100
	maxLicenceSource = 500
	maxContact       = 500
	maxAlias         = 200
	maxAliases       = 10
)

// Normalize trims every field and fills defaults.
func (a *Agency) Normalize() {
	a.Org.Name = strings.TrimSpace(a.Org.Name)
	a.Org.Country = strings.ToUpper(strings.TrimSpace(a.Org.Country))
	a.LicenceNumber = strings.TrimSpace(a.LicenceNumber)
	a.LicenceSource = strings.TrimSpace(a.LicenceSource)
	a.LicenceCheckedOn = strings.TrimSpace(a.LicenceCheckedOn)
	a.Contact = strings.TrimSpace(a.Contact)
	a.LicenceStatus = LicenceStatus(strings.ToLower(strings.TrimSpace(string(a.LicenceStatus))))
	if a.LicenceStatus == "" {
		a.LicenceStatus = LicenceUnknown
	}
	var aliases []string
	for _, s := range a.Aliases {
		if s = strings.TrimSpace(s); s != "" {
			aliases = append(aliases, s)
		}
	}
	a.Aliases = aliases
}

// Validate checks an agency for the registry; now bounds the check date.
func (a *Agency) Validate(now time.Time) []apperr.FieldError {
	a.Normalize()
	errs := a.Org.Validate()
	if !IsAgencyType(a.Org.Type) && !hasField(errs, "type") {
		errs = append(errs, apperr.FieldError{Field: "type", Key: "error.unknown_code"})
	}
	text := func(field, v string, max int) {
		switch {
		case !utf8.ValidString(v):
			errs = append(errs, apperr.FieldError{Field: field, Key: "error.invalid_text"})
		case utf8.RuneCountInString(v) > max:
			errs = append(errs, apperr.FieldError{Field: field, Key: "error.too_long"})
		}
	}
	text("licence_number", a.LicenceNumber, maxLicenceNumber)
	text("licence_source", a.LicenceSource, maxLicenceSource)
	text("contact", a.Contact, maxContact)
	if !IsLicenceStatus(string(a.LicenceStatus)) {
		errs = append(errs, apperr.FieldError{Field: "licence_status", Key: "error.unknown_code"})
	}
	if a.LicenceCheckedOn != "" {
		d, err := time.Parse(time.DateOnly, a.LicenceCheckedOn)
		switch {
		case err != nil:
			errs = append(errs, apperr.FieldError{Field: "licence_checked_on", Key: "error.invalid_date"})
		case d.After(now.Add(24 * time.Hour)):
			errs = append(errs, apperr.FieldError{Field: "licence_checked_on", Key: "error.future_date"})
		}
	}
	if len(a.Aliases) > maxAliases {
		errs = append(errs, apperr.FieldError{Field: "aliases", Key: "error.too_long"})
	}
	for _, s := range a.Aliases {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxAlias || strings.Contains(s, "|") {
			errs = append(errs, apperr.FieldError{Field: "aliases", Key: "error.invalid_text"})
			break
		}
	}
	return errs
}

func hasField(errs []apperr.FieldError, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

// NormalizeSearch folds text for search in any script: compatibility forms
// are unified (NFKC: full-width Latin and digits, half-width katakana),
// Latin letters lose their diacritics (Vietnamese "Công ty Nhân lực" and
// "cong ty nhan luc" fold alike; đ becomes d), everything is lower-case and
// runs of spaces become one. Marks of other scripts (Thai, Khmer, Burmese,
// Devanagari vowel signs and tones) are letters' parts there, not
// diacritics, and are kept.
func NormalizeSearch(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading spaces
	for _, r := range norm.NFD.String(s) {
		switch {
		case r >= 0x0300 && r <= 0x036F:
			continue // combining diacritical marks (Latin, Greek, Cyrillic)
		case r == 'đ' || r == 'Đ' || r == 'Ð' || r == 'ð':
			r = 'd'
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(norm.NFC.String(b.String()), " ")
}

// CompactLicence folds a licence number to its letters and digits, so that
// "123/LĐTBXH-GP", "123 ldtbxh gp" and "123LDTBXHGP" are the same number.
func CompactLicence(s string) string {
	var b strings.Builder
	for _, r := range NormalizeSearch(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SearchText is what an agency is found by: its names and its licence
// number, folded, one per line. The store keeps it in agency_details.
func SearchText(a Agency) string {
	lines := []string{NormalizeSearch(a.Org.Name)}
	for _, s := range a.Aliases {
		lines = append(lines, NormalizeSearch(s))
	}
	if a.LicenceNumber != "" {
		lines = append(lines, NormalizeSearch(a.LicenceNumber), CompactLicence(a.LicenceNumber))
	}
	return strings.Join(lines, "\n")
}

// MaxSearchTerms bounds the words of one search.
const MaxSearchTerms = 8

// SearchTerms splits a query into folded words. Every word must occur in an
// agency's search text, in any order: "cong ty nhan luc" finds "Công ty Cổ
// phần Nhân lực". Scripts written without spaces (Japanese, Thai, Khmer,
// Burmese) give one word, found as a substring. Each term carries its
// letters-and-digits form too, so a licence number matches however it is
// punctuated. LIKE wildcards are dropped.
func SearchTerms(q string) []SearchTerm {
	q = strings.NewReplacer("%", " ", "_", " ", "\\", " ").Replace(q)
	var out []SearchTerm
	seen := map[string]bool{}
	for _, w := range strings.Fields(NormalizeSearch(q)) {
		if seen[w] {
			continue
		}
		seen[w] = true
		t := SearchTerm{Text: w, Compact: CompactLicence(w)}
		if t.Compact == t.Text || t.Compact == "" {
			t.Compact = t.Text
		}
		out = append(out, t)
		if len(out) == MaxSearchTerms {
			break
		}
	}
	return out
}

// SearchTerm is one word of a search, folded, and its compact form.
type SearchTerm struct {
	Text    string
	Compact string
}

// AgencyCSVColumns are the columns of the import file, in the order of the
// template; the header row names them, in any order. Aliases and languages
// are separated by "|".
var AgencyCSVColumns = []string{"name", "type", "country", "licence_number", "licence_status",
	"licence_source", "licence_checked_on", "contact", "aliases", "languages"}

// MaxImportRows bounds one import.
const MaxImportRows = 5000

// ImportRow is one line of an import: the agency it describes, or what is
// wrong with it.
type ImportRow struct {
	Line   int // 1-based line in the file (the header is line 1)
	Agency Agency
	Errors []apperr.FieldError
}

// ErrImportHeader is returned when the file has no usable header row.
var ErrImportHeader = errors.New("recruitment: the import file needs a header row with name, type and country")

// ErrImportTooLong is returned when a file has more than MaxImportRows rows.
var ErrImportTooLong = fmt.Errorf("recruitment: an import holds at most %d rows", MaxImportRows)

// ParseAgencyCSV reads an import file (UTF-8, comma-separated, a header row;
// a byte-order mark as spreadsheets write it is accepted) into rows, each
// validated. Unknown columns are ignored.
func ParseAgencyCSV(r io.Reader, now time.Time) ([]ImportRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err != nil {
		return nil, ErrImportHeader
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	for _, need := range []string{"name", "type", "country"} {
		if _, ok := col[need]; !ok {
			return nil, ErrImportHeader
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var rows []ImportRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rows = append(rows, ImportRow{Line: pe.Line, Errors: []apperr.FieldError{{Field: "line", Key: "error.invalid_request"}}})
				if len(rows) > MaxImportRows {
					return nil, ErrImportTooLong
				}
				continue
			}
			return nil, err
		}
		if blank(rec) {
			continue
		}
		if len(rows) >= MaxImportRows {
			return nil, ErrImportTooLong
		}
		a := Agency{
			Org: org.Organization{Name: get(rec, "name"), Type: org.Type(strings.ToLower(strings.TrimSpace(get(rec, "type")))),
				Country: get(rec, "country"), Languages: splitBar(get(rec, "languages"))},
			LicenceNumber: get(rec, "licence_number"), LicenceStatus: LicenceStatus(get(rec, "licence_status")),
			LicenceSource: get(rec, "licence_source"), LicenceCheckedOn: get(rec, "licence_checked_on"),
			Contact: get(rec, "contact"), Aliases: splitBar(get(rec, "aliases")),
		}
		row := ImportRow{Line: line, Agency: a}
		row.Errors = row.Agency.Validate(now)
		rows = append(rows, row)
	}
	return rows, nil
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func splitBar(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
