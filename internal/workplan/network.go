package workplan

import (
	"net/url"
	"path"
	"strings"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/i18n"
)

// ResourceKind is what a library resource is.
type ResourceKind string

// Resource kinds.
const (
	ResourceDocument        ResourceKind = "document"
	ResourceWorkshopOutcome ResourceKind = "workshop_outcome"
	ResourceGuideline       ResourceKind = "guideline"
	ResourceLaw             ResourceKind = "law"
	ResourceOther           ResourceKind = "other"
)

// ResourceKinds lists every kind in the order they are shown.
var ResourceKinds = []ResourceKind{ResourceDocument, ResourceWorkshopOutcome, ResourceGuideline, ResourceLaw, ResourceOther}

// MaxFile is the largest file the library keeps.
const MaxFile = 5 << 20

// Resource is an entry of the regional network's library: a link or an
// uploaded file, tagged by area, country and language.
type Resource struct {
	ID          int64
	Kind        ResourceKind
	Lang        string // the language the title and description are written in
	Title       string
	Description string
	URL         string // a link, or "" for an uploaded file
	FileName    string
	ContentType string
	Size        int64
	Published   string // YYYY-MM-DD or ""
	EventID     int64
	Areas       []int64
	Countries   []string
	Languages   []string // the languages the resource itself is in
	Public      bool
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Event is a meeting of the network, such as a regional workshop, with its
// outcomes and the actions it produced.
type Event struct {
	ID          int64
	Lang        string
	Title       string
	Description string
	Place       string
	Country     string
	Start       string // YYYY-MM-DD
	End         string
	Outcomes    string
	Actions     []int64 // the plan's actions it produced
	Areas       []int64
	Countries   []string
	Public      bool
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Comment owners.
const (
	OwnerResource = "resource"
	OwnerEvent    = "event"
)

// Comment is a remark by a stakeholder's member on a resource or an event.
// Comments are seen by signed-in staff only.
type Comment struct {
	ID         int64
	Owner      string
	OwnerID    int64
	PersonID   int64
	PersonName string
	OrgID      int64
	OrgName    string
	Body       string
	CreatedAt  time.Time
}

// IsResourceKind reports whether k is a known resource kind.
func IsResourceKind(k string) bool {
	for _, x := range ResourceKinds {
		if string(x) == k {
			return true
		}
	}
	return false
}

func normalizeLangs(in []string) ([]string, bool) {
	seen := map[string]bool{}
	var out []string
	ok := true
	for _, s := range in {
		for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			code, good := i18n.Parse(l)
			if !good {
				// Resources may be in languages the interface does not
				// speak (Chinese, Mongolian…): any short lower-case tag.
				l = strings.ToLower(l)
				if len(l) < 2 || len(l) > 8 || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz-") != "" {
					ok = false
					continue
				}
				code = l
			}
			if !seen[code] {
				seen[code] = true
				out = append(out, code)
			}
		}
	}
	return out, ok
}

// Validate checks a resource. hasFile says whether a file comes with it
// (a new upload, or one kept from before).
func (r *Resource) Validate(hasFile bool) []apperr.FieldError {
	var errs []apperr.FieldError
	if !IsResourceKind(string(r.Kind)) {
		errs = append(errs, apperr.FieldError{Field: "kind", Key: "error.unknown_code"})
	}
	errs = checkLang(errs, "lang", &r.Lang)
	errs = checkLine(errs, "title", &r.Title, true, MaxTitle)
	errs = checkText(errs, "description", &r.Description, false, MaxText)
	r.URL = strings.TrimSpace(r.URL)
	switch {
	case r.URL != "" && hasFile:
		errs = append(errs, apperr.FieldError{Field: "url", Key: "plan.error.link_or_file"})
	case r.URL == "" && !hasFile:
		errs = append(errs, apperr.FieldError{Field: "url", Key: "plan.error.link_or_file"})
	case r.URL != "":
		if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(r.URL) > 2000 {
			errs = append(errs, apperr.FieldError{Field: "url", Key: "plan.error.url"})
		}
	}
	errs = checkDate(errs, "published", &r.Published, false)
	r.Countries = NormalizeCountries(r.Countries)
	for _, c := range r.Countries {
		if !ValidCountry(c) {
			errs = append(errs, apperr.FieldError{Field: "countries", Key: "error.unknown_code"})
			break
		}
	}
	langs, ok := normalizeLangs(r.Languages)
	if !ok {
		errs = append(errs, apperr.FieldError{Field: "languages", Key: "error.unknown_code"})
	}
	r.Languages = langs
	return errs
}

// Validate checks an event.
func (e *Event) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	errs = checkLang(errs, "lang", &e.Lang)
	errs = checkLine(errs, "title", &e.Title, true, MaxTitle)
	errs = checkText(errs, "description", &e.Description, false, MaxText)
	errs = checkLine(errs, "place", &e.Place, false, MaxShort)
	e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
	if e.Country != "" && !ValidCountry(e.Country) {
		errs = append(errs, apperr.FieldError{Field: "country", Key: "error.unknown_code"})
	}
	errs = checkDate(errs, "start", &e.Start, true)
	errs = checkDate(errs, "end", &e.End, false)
	if e.End != "" && ValidDate(e.End) && ValidDate(e.Start) && e.End < e.Start {
		errs = append(errs, apperr.FieldError{Field: "end", Key: "plan.error.end_before_start"})
	}
	errs = checkText(errs, "outcomes", &e.Outcomes, false, MaxText)
	e.Countries = NormalizeCountries(e.Countries)
	for _, c := range e.Countries {
		if !ValidCountry(c) {
			errs = append(errs, apperr.FieldError{Field: "countries", Key: "error.unknown_code"})
			break
		}
	}
	return errs
}

// Validate checks a comment.
func (c *Comment) Validate() []apperr.FieldError {
	return checkText(nil, "body", &c.Body, true, MaxText)
}

// File types the library accepts, by the type the content is sniffed as.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeText = "text/plain; charset=utf-8"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// FileType decides the content type a file is kept and served with, from
// the type its content is sniffed as (http.DetectContentType), its name,
// and, for a ZIP container, the names of its entries: only PDF, PNG,
// JPEG, plain text, DOCX and XLSX are accepted.
func FileType(sniffed, name string, zipEntries []string) (string, bool) {
	base, _, _ := strings.Cut(sniffed, ";")
	ext := strings.ToLower(path.Ext(name))
	switch base {
	case "application/pdf":
		return TypePDF, true
	case "image/png":
		return TypePNG, true
	case "image/jpeg":
		return TypeJPEG, true
	case "text/plain":
		if ext != ".txt" && ext != "" {
			break
		}
		switch {
		case strings.Contains(sniffed, "utf-8"):
			return TypeText, true
		case strings.Contains(sniffed, "utf-16be"), strings.Contains(sniffed, "utf-16le"):
			return sniffed, true
		}
	case "application/zip":
		has := func(prefix string) bool {
			for _, e := range zipEntries {
				if strings.HasPrefix(e, prefix) {
					return true
				}
			}
			return false
		}
		if !has("[Content_Types].xml") || has("word/vbaProject") || has("xl/vbaProject") {
			return "", false
		}
		switch {
		case ext == ".docx" && has("word/"):
			return TypeDOCX, true
		case ext == ".xlsx" && has("xl/"):
			return TypeXLSX, true
		}
	}
	return "", false
}

// SafeFileName keeps the last element of a file name, without control
// characters, quotes or separators, at most 120 characters.
func SafeFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '"' || r == '/' || r == '\\' || r == ';' {
			continue
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if r := []rune(out); len(r) > 120 {
		out = string(r[len(r)-120:])
	}
	if out == "" || out == "." || out == ".." {
		out = "file"
	}
	return out
}
