// Package knowledge holds what workers need to know: short articles for
// each stage of working in Japan, each written in several languages that
// are translations of one another, and the directory of organisations that
// help workers. It is pure: no HTTP, no SQL, no clock (callers pass now).
package knowledge

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
)

// Stage is a moment of a worker's migration an article is written for.
type Stage string

// Stages of migration, in the order a worker lives them.
const (
	BeforeDeparture  Stage = "before_departure"
	InJapan          Stage = "in_japan"
	ChangingEmployer Stage = "changing_employer"
	GoingHome        Stage = "going_home"
)

// Stages lists every stage in the order pages show them.
var Stages = []Stage{BeforeDeparture, InJapan, ChangingEmployer, GoingHome}

// IsStage reports whether s is a known stage.
func IsStage(s string) bool { return slices.Contains(Stages, Stage(s)) }

// ReviewState says how far a translation has been checked.
type ReviewState string

// Review states: a draft (written or machine-translated, not checked), a
// text reviewed by a native speaker, and a text published by an editor.
const (
	Draft     ReviewState = "draft"
	Reviewed  ReviewState = "reviewed"
	Published ReviewState = "published"
)

// ReviewStates lists the states in order.
var ReviewStates = []ReviewState{Draft, Reviewed, Published}

// IsReviewState reports whether s is a known review state.
func IsReviewState(s string) bool { return slices.Contains(ReviewStates, ReviewState(s)) }

// SourceLang is the language articles are written in first; the others are
// translations of it.
const SourceLang = "en"

// Limits of what an editor may save.
const (
	MaxTitle   = 200   // characters
	MaxSummary = 400   // characters
	MaxBody    = 20000 // bytes of Markdown
	MaxToCheck = 2000  // characters
	MaxSlug    = 64
)

// Article is one piece of advice, with its text in every language it has.
type Article struct {
	ID           int64
	Slug         string // stable, in URLs: /rights/{slug}
	Stages       []Stage
	Position     int    // order within a stage, smallest first
	SourceLang   string // the language the others are translated from
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Translations []Translation // in i18n.Supported order
}

// Translation is an article's text in one language.
type Translation struct {
	ID        int64
	ArticleID int64
	Lang      string
	Title     string
	Summary   string
	Body      string // Markdown, as the editor wrote it
	HTML      string // Body rendered by Render when saved
	State     ReviewState
	// LastChecked is the day someone last checked the facts of this text
	// (midnight UTC of that date).
	LastChecked       time.Time
	MachineTranslated bool
	TranslatedFrom    string // the language it was translated from; "" for the source
	// ToCheck says which facts an editor must still verify (for staff; the
	// worker sees the "to be checked" notes written into the text itself).
	ToCheck string
	// Revision counts saved changes of title, summary or body. A
	// translation follows SourceRevision of the source text; when the
	// source has a newer revision the translation is outdated.
	Revision       int
	SourceRevision int
	UpdatedAt      time.Time
	UpdatedBy      string
}

// In returns the article's text in lang.
func (a Article) In(lang string) (Translation, bool) {
	for _, t := range a.Translations {
		if t.Lang == lang {
			return t, true
		}
	}
	return Translation{}, false
}

// Has reports whether the article has a text in lang.
func (a Article) Has(lang string) bool {
	_, ok := a.In(lang)
	return ok
}

// Text returns the article's text in lang (the zero Translation if none).
func (a Article) Text(lang string) Translation {
	t, _ := a.In(lang)
	return t
}

// HasStage reports whether the article is written for stage s.
func (a Article) HasStage(s Stage) bool { return slices.Contains(a.Stages, s) }

// Source returns the article's text in its source language.
func (a Article) Source() (Translation, bool) { return a.In(a.SourceLang) }

// Outdated reports whether t follows an older revision of the source text
// than the current one (the source was changed since t was saved).
func (a Article) Outdated(t Translation) bool {
	if t.Lang == a.SourceLang {
		return false
	}
	src, ok := a.Source()
	return ok && src.Revision > t.SourceRevision
}

// Notice is what a reader must be told about the text they are shown.
type Notice string

// Notices.
const (
	// NoticeNone: a published text in the reader's language.
	NoticeNone Notice = ""
	// NoticeDraft: the text has not been checked by a native speaker.
	NoticeDraft Notice = "draft"
	// NoticeReviewed: checked by a native speaker, not yet published.
	NoticeReviewed Notice = "reviewed"
)

// Choice is the text of an article a reader gets, and what to tell them.
type Choice struct {
	Translation Translation
	// Requested is the language asked for; Translation.Lang differs when
	// the article has no text in it yet.
	Requested string
	Notice    Notice
	// Checked is a published text in another language, offered beside an
	// unpublished one (the source language first); nil when there is none.
	Checked *Translation
}

// OtherLanguage reports whether the text is not in the language asked for.
func (c Choice) OtherLanguage() bool { return c.Translation.Lang != c.Requested }

// Pick chooses the text of a shown to a reader of lang. The rule:
//
//  1. the published text in the reader's language;
//  2. else, while no text in the reader's language is published, the
//     unpublished one (reviewed, else draft), with a visible notice, and a
//     published text in another language if there is one;
//  3. else (no text in that language at all) the published text in the
//     source language, else any published text, else the source draft,
//     else any text, with the notice its state calls for.
//
// A reader never gets an empty page: ok is false only for an article
// without any text.
func (a Article) Pick(lang string) (Choice, bool) {
	if len(a.Translations) == 0 {
		return Choice{}, false
	}
	c := Choice{Requested: lang}
	if t, ok := a.In(lang); ok {
		c.Translation = t
	} else {
		c.Translation = a.fallback()
	}
	c.Notice = noticeFor(c.Translation.State)
	if c.Notice != NoticeNone {
		c.Checked = a.published(c.Translation.Lang)
	}
	return c, true
}

func noticeFor(s ReviewState) Notice {
	switch s {
	case Published:
		return NoticeNone
	case Reviewed:
		return NoticeReviewed
	}
	return NoticeDraft
}

// fallback is the text shown when the reader's language has none.
func (a Article) fallback() Translation {
	if t, ok := a.Source(); ok && t.State == Published {
		return t
	}
	if t := a.published(""); t != nil {
		return *t
	}
	if t, ok := a.Source(); ok {
		return t
	}
	return a.Translations[0]
}

// published returns a published text in a language other than except:
// the source language first, then in i18n.Supported order.
func (a Article) published(except string) *Translation {
	if t, ok := a.Source(); ok && t.State == Published && t.Lang != except {
		return &t
	}
	for _, t := range a.Translations {
		if t.State == Published && t.Lang != except {
			return &t
		}
	}
	return nil
}

// SortTranslations puts ts in i18n.Supported order.
func SortTranslations(ts []Translation) {
	slices.SortStableFunc(ts, func(x, y Translation) int { return langIndex(x.Lang) - langIndex(y.Lang) })
}

func langIndex(code string) int {
	for i, l := range i18n.Supported {
		if l.Code == code {
			return i
		}
	}
	return len(i18n.Supported)
}

// ByStage returns the articles written for stage s, in position order.
func ByStage(articles []Article, s Stage) []Article {
	var out []Article
	for _, a := range articles {
		if a.HasStage(s) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y Article) int {
		if x.Position != y.Position {
			return x.Position - y.Position
		}
		return strings.Compare(x.Slug, y.Slug)
	})
	return out
}

// SortArticles orders articles by their first stage, position and slug.
func SortArticles(as []Article) {
	slices.SortStableFunc(as, func(x, y Article) int {
		if d := stageIndex(x) - stageIndex(y); d != 0 {
			return d
		}
		if x.Position != y.Position {
			return x.Position - y.Position
		}
		return strings.Compare(x.Slug, y.Slug)
	})
}

func stageIndex(a Article) int {
	best := len(Stages)
	for _, s := range a.Stages {
		if i := slices.Index(Stages, s); i >= 0 && i < best {
			best = i
		}
	}
	return best
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// IsSlug reports whether s can name an article in a URL.
func IsSlug(s string) bool { return len(s) <= MaxSlug && slugRE.MatchString(s) }

// Validate checks an article's own fields (not its texts) and normalises
// its stages (known, once each, in order).
func (a *Article) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	a.Slug = strings.ToLower(strings.TrimSpace(a.Slug))
	if a.Slug == "" {
		errs = append(errs, apperr.FieldError{Field: "slug", Key: "error.required"})
	} else if !IsSlug(a.Slug) {
		errs = append(errs, apperr.FieldError{Field: "slug", Key: "knowledge.error.slug"})
	}
	var stages []Stage
	for _, s := range Stages {
		if slices.Contains(a.Stages, s) {
			stages = append(stages, s)
		}
	}
	unknown := false
	for _, s := range a.Stages {
		if !IsStage(string(s)) {
			unknown = true
		}
	}
	switch {
	case unknown:
		errs = append(errs, apperr.FieldError{Field: "stages", Key: "error.unknown_code"})
	case len(stages) == 0:
		errs = append(errs, apperr.FieldError{Field: "stages", Key: "error.required"})
	}
	a.Stages = stages
	if a.Position < 0 || a.Position > 9999 {
		errs = append(errs, apperr.FieldError{Field: "position", Key: "knowledge.error.position"})
	}
	if a.SourceLang == "" {
		a.SourceLang = SourceLang
	}
	if !i18n.IsSupported(a.SourceLang) {
		errs = append(errs, apperr.FieldError{Field: "source_lang", Key: "error.unknown_code"})
	}
	return errs
}

// CheckedOn is LastChecked written as a date.
func (t Translation) CheckedOn() string { return FormatDate(t.LastChecked) }

// Validate checks a translation an editor saves, as of now, and renders
// its Markdown into HTML. Texts are trimmed; the body keeps its lines.
func (t *Translation) Validate(now time.Time) []apperr.FieldError {
	var errs []apperr.FieldError
	t.Title = strings.TrimSpace(t.Title)
	t.Summary = strings.TrimSpace(t.Summary)
	t.ToCheck = strings.TrimSpace(t.ToCheck)
	t.Body = strings.TrimSpace(strings.ReplaceAll(t.Body, "\r\n", "\n"))
	text := func(field, v string, limit int, required bool) {
		switch {
		case required && v == "":
			errs = append(errs, apperr.FieldError{Field: field, Key: "error.required"})
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			errs = append(errs, apperr.FieldError{Field: field, Key: "error.invalid_text"})
		case utf8.RuneCountInString(v) > limit:
			errs = append(errs, apperr.FieldError{Field: field, Key: "error.too_long"})
		}
	}
	if !i18n.IsSupported(t.Lang) {
		errs = append(errs, apperr.FieldError{Field: "lang", Key: "error.unknown_code"})
	}
	text("title", t.Title, MaxTitle, true)
	text("summary", t.Summary, MaxSummary, false)
	text("to_check", t.ToCheck, MaxToCheck, false)
	switch {
	case t.Body == "":
		errs = append(errs, apperr.FieldError{Field: "body", Key: "error.required"})
	case !utf8.ValidString(t.Body) || strings.ContainsRune(t.Body, 0):
		errs = append(errs, apperr.FieldError{Field: "body", Key: "error.invalid_text"})
	case len(t.Body) > MaxBody:
		errs = append(errs, apperr.FieldError{Field: "body", Key: "error.too_long"})
	}
	if !IsReviewState(string(t.State)) {
		errs = append(errs, apperr.FieldError{Field: "state", Key: "error.unknown_code"})
	}
	switch {
	case t.LastChecked.IsZero():
		errs = append(errs, apperr.FieldError{Field: "last_checked", Key: "error.invalid_date"})
	case AfterToday(t.LastChecked, now):
		errs = append(errs, apperr.FieldError{Field: "last_checked", Key: "error.future_date"})
	}
	if t.TranslatedFrom != "" && (!i18n.IsSupported(t.TranslatedFrom) || t.TranslatedFrom == t.Lang) {
		errs = append(errs, apperr.FieldError{Field: "translated_from", Key: "error.unknown_code"})
	}
	if len(errs) > 0 {
		return errs
	}
	html, err := Render(t.Body)
	if err != nil {
		return []apperr.FieldError{{Field: "body", Key: "error.invalid_text"}}
	}
	t.HTML = html
	return nil
}

// ParseDate reads a day written as 2026-11-28 (the date of a check).
func ParseDate(s string) (time.Time, bool) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, false
	}
	return d, true
}

// Today is the date of now in Japan (midnight UTC of that date), the day
// an editor checking something today means.
func Today(now time.Time) time.Time {
	d, _ := ParseDate(now.In(grievance.Japan).Format(time.DateOnly))
	return d
}

// AfterToday reports whether the day d comes after today in Japan.
func AfterToday(d, now time.Time) bool { return d.After(Today(now)) }

// FormatDate writes a day as 2026-11-28; the zero time is "".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
