package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/knowledge"
	"remedy/internal/staff"
)

// What workers need to know: the articles (/rights), the help directory
// (/help), their API, and the staff pages that keep them current.
//
// The seed (embedded Markdown articles and the directory built from the
// emergency contacts) is applied on first use if it was not applied yet:
// store.SeedKnowledge adds only what is missing, once per seed version, so
// a worker never finds an empty page even on a database that `remedy
// migrate` alone prepared.
type knowledgeWeb struct {
	s      *Server
	mu     sync.Mutex
	seeded atomic.Bool
}

// routesKnowledge registers the worker pages, the API and the staff pages
// of articles and the help directory.
func (s *Server) routesKnowledge(mux *http.ServeMux) {
	k := &knowledgeWeb{s: s}
	mux.Handle("GET /rights", s.handle(k.rightsPage))
	mux.Handle("GET /rights/{slug}", s.handle(k.articlePage))
	mux.Handle("GET /help", s.handle(k.helpPage))

	mux.Handle("GET /api/v1/articles", s.api(k.apiArticles))
	mux.Handle("GET /api/v1/articles/{slug}", s.api(k.apiArticle))
	mux.Handle("GET /api/v1/directory", s.api(k.apiDirectory))

	mux.Handle("GET /staff/articles", s.staffPage(k.staffArticles))
	mux.Handle("POST /staff/articles", s.staffPage(k.staffArticleCreate))
	mux.Handle("GET /staff/articles/{slug}", s.staffPage(k.staffArticle))
	mux.Handle("POST /staff/articles/{slug}", s.staffPage(k.staffArticleUpdate))
	mux.Handle("GET /staff/articles/{slug}/{lang}", s.staffPage(k.staffTextForm))
	mux.Handle("POST /staff/articles/{slug}/{lang}", s.staffPage(k.staffTextSave))
	mux.Handle("GET /staff/directory", s.staffPage(k.staffDirectory))
	mux.Handle("POST /staff/directory", s.staffPage(k.staffEntryCreate))
	mux.Handle("GET /staff/directory/{id}", s.staffPage(k.staffEntryForm))
	mux.Handle("POST /staff/directory/{id}", s.staffPage(k.staffEntrySave))
}

// ready applies the seed once per process (a quick check when it was
// applied before, by this process or another).
func (k *knowledgeWeb) ready(ctx context.Context) error {
	if k.seeded.Load() {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.seeded.Load() {
		return nil
	}
	seed, err := knowledge.LoadSeed()
	if err != nil {
		return err
	}
	applied, err := k.s.cfg.DB.SeedKnowledge(ctx, seed, k.s.cfg.Now())
	if err != nil {
		return err
	}
	if applied {
		k.s.cfg.Logger.Info("knowledge seed applied", "version", seed.Version())
	}
	k.seeded.Store(true)
	return nil
}

func (k *knowledgeWeb) articles(ctx context.Context) ([]knowledge.Article, error) {
	if err := k.ready(ctx); err != nil {
		return nil, err
	}
	return k.s.cfg.DB.Articles(ctx)
}

func (k *knowledgeWeb) article(ctx context.Context, slug string) (knowledge.Article, error) {
	if err := k.ready(ctx); err != nil {
		return knowledge.Article{}, err
	}
	if !knowledge.IsSlug(slug) {
		return knowledge.Article{}, apperr.New(apperr.NotFound, "error.not_found")
	}
	return k.s.cfg.DB.Article(ctx, slug)
}

func (k *knowledgeWeb) directory(ctx context.Context) ([]knowledge.Entry, error) {
	if err := k.ready(ctx); err != nil {
		return nil, err
	}
	return k.s.cfg.DB.DirectoryEntries(ctx)
}

// ---- Worker pages ----

// articleItem is one article in a list, in the text the reader gets.
type articleItem struct {
	Slug    string
	Title   string
	Summary string
	Lang    string // the text's language
	Notice  knowledge.Notice
}

type stageGroup struct {
	Stage knowledge.Stage
	Items []articleItem
}

type rightsPage struct {
	Page
	Stage    knowledge.Stage // "" for every stage
	Stages   []knowledge.Stage
	Groups   []stageGroup
	AnyDraft bool
}

func knItemOf(a knowledge.Article, lang string) (articleItem, bool) {
	c, ok := a.Pick(lang)
	if !ok {
		return articleItem{}, false
	}
	return articleItem{Slug: a.Slug, Title: c.Translation.Title, Summary: c.Translation.Summary,
		Lang: c.Translation.Lang, Notice: c.Notice}, true
}

// rightsPage: GET /rights[?stage=…], the articles by stage.
func (k *knowledgeWeb) rightsPage(w http.ResponseWriter, r *http.Request) error {
	lang := k.s.language(w, r)
	all, err := k.articles(r.Context())
	if err != nil {
		return err
	}
	p := rightsPage{Page: k.s.page(r, lang), Stages: knowledge.Stages}
	if st := r.URL.Query().Get("stage"); knowledge.IsStage(st) {
		p.Stage = knowledge.Stage(st)
	}
	for _, st := range knowledge.Stages {
		if p.Stage != "" && st != p.Stage {
			continue
		}
		g := stageGroup{Stage: st}
		for _, a := range knowledge.ByStage(all, st) {
			if it, ok := knItemOf(a, lang); ok {
				g.Items = append(g.Items, it)
				p.AnyDraft = p.AnyDraft || it.Notice != knowledge.NoticeNone
			}
		}
		if len(g.Items) > 0 {
			p.Groups = append(p.Groups, g)
		}
	}
	return k.s.render(w, http.StatusOK, "articles", p)
}

type articlePage struct {
	Page
	Slug         string
	Choice       knowledge.Choice
	Body         template.HTML
	LastChecked  string
	Translations []knowledge.Translation
}

// articlePage: GET /rights/{slug}[?text=xx]. The page speaks the reader's
// language; ?text= shows the text in another language (a translation of
// the same article) without changing the reader's language.
func (k *knowledgeWeb) articlePage(w http.ResponseWriter, r *http.Request) error {
	lang := k.s.language(w, r)
	a, err := k.article(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	want := lang
	if code, ok := i18n.Parse(r.URL.Query().Get("text")); ok {
		want = code
	}
	c, ok := a.Pick(want)
	if !ok {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	c.Requested = lang
	p := articlePage{Page: k.s.page(r, lang), Slug: a.Slug, Choice: c,
		// The HTML was rendered from Markdown when it was saved, with raw
		// HTML dropped (knowledge.Render): it is safe to include as is.
		Body:        template.HTML(c.Translation.HTML),
		LastChecked: knowledge.FormatDate(c.Translation.LastChecked), Translations: a.Translations}
	return k.s.render(w, http.StatusOK, "article", p)
}

// dirEntry is a directory entry as the help page shows it.
type dirEntry struct {
	knowledge.Entry
	Hours      string // in the reader's language
	Phones     []string
	Websites   []dirLink
	Emails     []string
	Prefecture string // name of its office's prefecture
}

type dirLink struct {
	URL  string
	Host string
}

type helpPage struct {
	Page
	Filter      knowledge.Filter
	Countries   []string
	Prefectures []grievance.Prefecture
	Kinds       []knowledge.Kind
	Entries     []dirEntry
	// Fallback: nothing fit the filter, so the lines open to everyone are
	// shown instead (a worker never gets an empty page).
	Fallback bool
}

// helpPage: GET /help?country=&prefecture=&language=&kind=, the directory.
func (k *knowledgeWeb) helpPage(w http.ResponseWriter, r *http.Request) error {
	lang := k.s.language(w, r)
	q := r.URL.Query()
	f := knowledge.Filter{Country: q.Get("country"), Prefecture: q.Get("prefecture"), Language: q.Get("language"), Kind: knowledge.Kind(q.Get("kind"))}
	f.Normalize() // unknown values are dropped: the page still answers
	all, err := k.directory(r.Context())
	if err != nil {
		return err
	}
	p := helpPage{Page: k.s.page(r, lang), Filter: f, Countries: knowledge.Countries(),
		Prefectures: grievance.Prefectures, Kinds: knowledge.KindsIn(all)}
	found := knowledge.Search(all, f, lang)
	if len(found) == 0 {
		p.Fallback = true
		found = knowledge.Search(all, knowledge.Filter{}, lang)
		found = slices.DeleteFunc(found, func(e knowledge.Entry) bool { return len(e.Countries) > 0 || !e.Nationwide })
	}
	for _, e := range found {
		p.Entries = append(p.Entries, k.dirEntryOf(p.P, e))
	}
	return k.s.render(w, http.StatusOK, "help", p)
}

func (k *knowledgeWeb) dirEntryOf(p *i18n.Printer, e knowledge.Entry) dirEntry {
	d := dirEntry{Entry: e, Hours: knHoursText(p, e.Hours), Prefecture: knPrefectureName(e.Prefecture)}
	for _, c := range e.Channels {
		switch c.Kind {
		case knowledge.ChannelPhone:
			d.Phones = append(d.Phones, c.Value)
		case knowledge.ChannelWebsite:
			host := c.Value
			if u, err := url.Parse(c.Value); err == nil && u.Host != "" {
				host = strings.TrimPrefix(u.Host, "www.")
			}
			d.Websites = append(d.Websites, dirLink{URL: c.Value, Host: host})
		case knowledge.ChannelEmail:
			d.Emails = append(d.Emails, c.Value)
		}
	}
	return d
}

func knPrefectureName(code string) string {
	for _, p := range grievance.Prefectures {
		if p.Code == code {
			return p.Romaji + " " + p.Kanji
		}
	}
	return ""
}

// hoursText writes opening hours in the reader's language; hours in
// another form than the directory's are shown as written.
func knHoursText(p *i18n.Printer, raw string) string {
	h, ok := knowledge.ParseHours(raw)
	if !ok {
		return raw
	}
	if h.Always {
		return p.T("knowledge.hours.always")
	}
	var days []string
	for _, d := range h.Days {
		name := p.T("knowledge.day." + knowledge.DayKey(d.From))
		if d.To != d.From {
			name += "–" + p.T("knowledge.day."+knowledge.DayKey(d.To))
		}
		days = append(days, name)
	}
	return strings.Join(days, ", ") + " " + h.Open + "–" + h.Close
}

// ---- API ----

type apiTextState struct {
	Lang        string `json:"lang"`
	ReviewState string `json:"review_state"`
	LastChecked string `json:"last_checked"`
	Outdated    bool   `json:"outdated"`
}

type apiCheckedVersion struct {
	Lang string `json:"lang"`
	URL  string `json:"url"`
}

type apiArticle struct {
	Slug              string             `json:"slug"`
	URL               string             `json:"url"`
	Stages            []knowledge.Stage  `json:"stages"`
	Position          int                `json:"position"`
	SourceLang        string             `json:"source_lang"`
	Lang              string             `json:"lang"`
	Title             string             `json:"title"`
	Summary           string             `json:"summary"`
	HTML              string             `json:"html"`
	Markdown          string             `json:"markdown"`
	ReviewState       string             `json:"review_state"`
	Notice            string             `json:"notice"`
	MachineTranslated bool               `json:"machine_translated"`
	TranslatedFrom    string             `json:"translated_from"`
	LastChecked       string             `json:"last_checked"`
	CheckedVersion    *apiCheckedVersion `json:"checked_version"`
	Translations      []apiTextState     `json:"translations"`
}

func apiArticleOf(a knowledge.Article, c knowledge.Choice) apiArticle {
	t := c.Translation
	out := apiArticle{Slug: a.Slug, URL: "/rights/" + a.Slug, Stages: a.Stages, Position: a.Position, SourceLang: a.SourceLang,
		Lang: t.Lang, Title: t.Title, Summary: t.Summary, HTML: t.HTML, Markdown: t.Body, ReviewState: string(t.State),
		Notice: string(c.Notice), MachineTranslated: t.MachineTranslated, TranslatedFrom: t.TranslatedFrom,
		LastChecked: knowledge.FormatDate(t.LastChecked), Translations: []apiTextState{}}
	if out.Stages == nil {
		out.Stages = []knowledge.Stage{}
	}
	if c.Checked != nil {
		out.CheckedVersion = &apiCheckedVersion{Lang: c.Checked.Lang, URL: "/rights/" + a.Slug + "?text=" + c.Checked.Lang}
	}
	for _, x := range a.Translations {
		out.Translations = append(out.Translations, apiTextState{Lang: x.Lang, ReviewState: string(x.State),
			LastChecked: knowledge.FormatDate(x.LastChecked), Outdated: a.Outdated(x)})
	}
	return out
}

// apiTextLanguage reads ?lang= of the articles API: a supported code, or
// Accept-Language when absent.
func apiTextLanguage(r *http.Request) (string, []apperr.FieldError) {
	q := r.URL.Query()
	if !q.Has("lang") {
		return i18n.Match(r.Header.Get("Accept-Language")), nil
	}
	code, ok := i18n.Parse(q.Get("lang"))
	if !ok {
		return i18n.Default, []apperr.FieldError{{Field: "lang", Key: "error.unknown_code"}}
	}
	return code, nil
}

// apiArticles: GET /api/v1/articles?lang=xx&stage=…
func (k *knowledgeWeb) apiArticles(w http.ResponseWriter, r *http.Request) error {
	lang, errs := apiTextLanguage(r)
	stage := r.URL.Query().Get("stage")
	if stage != "" && !knowledge.IsStage(stage) {
		errs = append(errs, apperr.FieldError{Field: "stage", Key: "error.unknown_code"})
	}
	if len(errs) > 0 {
		return apperr.Validation(errs)
	}
	all, err := k.articles(r.Context())
	if err != nil {
		return err
	}
	out := []apiArticle{}
	for _, a := range all {
		if stage != "" && !a.HasStage(knowledge.Stage(stage)) {
			continue
		}
		if c, ok := a.Pick(lang); ok {
			out = append(out, apiArticleOf(a, c))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"lang": lang, "stage": stage, "articles": out})
	return nil
}

// apiArticle: GET /api/v1/articles/{slug}?lang=xx
func (k *knowledgeWeb) apiArticle(w http.ResponseWriter, r *http.Request) error {
	lang, errs := apiTextLanguage(r)
	if len(errs) > 0 {
		return apperr.Validation(errs)
	}
	a, err := k.article(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	c, ok := a.Pick(lang)
	if !ok {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	writeJSON(w, http.StatusOK, apiArticleOf(a, c))
	return nil
}

type apiEntry struct {
	ID          int64               `json:"id"`
	Name        string              `json:"name"`
	NameLang    string              `json:"name_lang"`
	Kind        knowledge.Kind      `json:"kind"`
	Countries   []string            `json:"countries"`
	Prefecture  string              `json:"prefecture"`
	Nationwide  bool                `json:"nationwide"`
	Languages   []string            `json:"languages"`
	Channels    []knowledge.Channel `json:"channels"`
	Hours       string              `json:"hours"`
	Note        string              `json:"note"`
	Source      string              `json:"source"`
	LastChecked string              `json:"last_checked"`
}

func apiEntryOf(e knowledge.Entry) apiEntry {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	ch := e.Channels
	if ch == nil {
		ch = []knowledge.Channel{}
	}
	return apiEntry{ID: e.ID, Name: e.Name, NameLang: e.NameLang, Kind: e.Kind, Countries: nonNil(e.Countries),
		Prefecture: e.Prefecture, Nationwide: e.Nationwide, Languages: nonNil(e.Languages), Channels: ch,
		Hours: e.Hours, Note: e.Note, Source: e.Source, LastChecked: knowledge.FormatDate(e.LastChecked)}
}

// apiDirectory: GET /api/v1/directory?country=&prefecture=&language=&kind=
func (k *knowledgeWeb) apiDirectory(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := knowledge.Filter{Country: q.Get("country"), Prefecture: q.Get("prefecture"), Language: q.Get("language"), Kind: knowledge.Kind(q.Get("kind"))}
	if errs := f.Normalize(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	all, err := k.directory(r.Context())
	if err != nil {
		return err
	}
	lang := f.Language
	if lang == "" {
		lang = apiLanguage(r)
	}
	out := []apiEntry{}
	for _, e := range knowledge.Search(all, f, lang) {
		out = append(out, apiEntryOf(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"filter":  map[string]string{"country": f.Country, "prefecture": f.Prefecture, "language": f.Language, "kind": string(f.Kind)},
		"entries": out,
	})
	return nil
}

// ---- Staff pages ----

func knNotFound() error { return apperr.New(apperr.NotFound, "error.not_found") }

// fieldErrors turns validation errors into messages by field.
func knFieldErrors(p *i18n.Printer, errs []apperr.FieldError) map[string]string {
	m := map[string]string{}
	for _, fe := range errs {
		if _, dup := m[fe.Field]; !dup {
			m[fe.Field] = p.T(fe.Key, fe.Args...)
		}
	}
	return m
}

type staffArticleRow struct {
	knowledge.Article
	Title string
	Cells []staffTextCell
}

type staffTextCell struct {
	Lang     string
	Exists   bool
	State    knowledge.ReviewState
	Outdated bool
}

type articleAdminPage struct {
	Page
	Rows      []staffArticleRow
	Languages []i18n.Language
	Stages    []knowledge.Stage
	Form      knowledge.Article
	Errors    map[string]string
}

func (k *knowledgeWeb) staffArticles(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return k.renderArticleAdmin(w, r, who, http.StatusOK, knowledge.Article{}, nil)
}

func (k *knowledgeWeb) renderArticleAdmin(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, form knowledge.Article, errs []apperr.FieldError) error {
	if !access.CanKnowledge(who.Actor, access.KnowledgeEdit) {
		return knNotFound()
	}
	all, err := k.articles(r.Context())
	if err != nil {
		return err
	}
	p := articleAdminPage{Page: k.s.staffPageData(w, r, who), Languages: i18n.Supported, Stages: knowledge.Stages, Form: form}
	p.Errors = knFieldErrors(p.P, errs)
	for _, a := range all {
		row := staffArticleRow{Article: a}
		if c, ok := a.Pick(p.Lang); ok {
			row.Title = c.Translation.Title
		}
		for _, l := range i18n.Supported {
			cell := staffTextCell{Lang: l.Code}
			if t, ok := a.In(l.Code); ok {
				cell.Exists, cell.State, cell.Outdated = true, t.State, a.Outdated(t)
			}
			row.Cells = append(row.Cells, cell)
		}
		p.Rows = append(p.Rows, row)
	}
	return k.s.render(w, status, "article_admin", p)
}

func articleFromForm(form url.Values) knowledge.Article {
	a := knowledge.Article{Slug: form.Get("slug"), SourceLang: knowledge.SourceLang}
	for _, s := range form["stages"] {
		a.Stages = append(a.Stages, knowledge.Stage(s))
	}
	var err error
	if a.Position, err = strconv.Atoi(strings.TrimSpace(form.Get("position"))); err != nil {
		a.Position = -1 // reported as an invalid position
		if strings.TrimSpace(form.Get("position")) == "" {
			a.Position = 0
		}
	}
	return a
}

// staffArticleCreate: POST /staff/articles (slug, stages, position); the
// editor then writes its source text.
func (k *knowledgeWeb) staffArticleCreate(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanKnowledge(who.Actor, access.KnowledgeEdit) {
		return knNotFound()
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	a := articleFromForm(form)
	errs := a.Validate()
	if len(errs) == 0 {
		now := k.s.cfg.Now().UTC()
		a.CreatedAt, a.UpdatedAt = now, now
		err = k.s.cfg.DB.CreateArticle(r.Context(), &a, audit.Entry{At: now, Actor: staff.ActorName(who.Actor), Action: "knowledge.article.created"})
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Code == apperr.Invalid {
			errs = ae.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return k.renderArticleAdmin(w, r, who, http.StatusUnprocessableEntity, a, errs)
	}
	http.Redirect(w, r, "/staff/articles/"+a.Slug+"/"+a.SourceLang, http.StatusSeeOther)
	return nil
}

type articleManagePage struct {
	Page
	Article   knowledge.Article
	Form      knowledge.Article
	Stages    []knowledge.Stage
	Languages []i18n.Language
	Errors    map[string]string
	Saved     bool
}

func (k *knowledgeWeb) staffArticle(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanKnowledge(who.Actor, access.KnowledgeEdit) {
		return knNotFound()
	}
	a, err := k.article(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return k.renderArticleManage(w, r, who, http.StatusOK, a, a, nil)
}

func (k *knowledgeWeb) renderArticleManage(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, a, form knowledge.Article, errs []apperr.FieldError) error {
	p := articleManagePage{Page: k.s.staffPageData(w, r, who), Article: a, Form: form, Stages: knowledge.Stages,
		Languages: i18n.Supported, Saved: r.URL.Query().Get("saved") == "1"}
	p.Errors = knFieldErrors(p.P, errs)
	return k.s.render(w, status, "article_manage", p)
}

// staffArticleUpdate: POST /staff/articles/{slug} (stages, position).
func (k *knowledgeWeb) staffArticleUpdate(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanKnowledge(who.Actor, access.KnowledgeEdit) {
		return knNotFound()
	}
	a, err := k.article(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	f := articleFromForm(form)
	f.ID, f.Slug, f.SourceLang, f.Translations = a.ID, a.Slug, a.SourceLang, a.Translations
	if errs := f.Validate(); len(errs) > 0 {
		return k.renderArticleManage(w, r, who, http.StatusUnprocessableEntity, a, f, errs)
	}
	f.UpdatedAt = k.s.cfg.Now().UTC()
	if err := k.s.cfg.DB.UpdateArticle(r.Context(), f, audit.Entry{At: f.UpdatedAt, Actor: staff.ActorName(who.Actor), Action: "knowledge.article.updated"}); err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/articles/"+a.Slug+"?saved=1", http.StatusSeeOther)
	return nil
}

type articleEditPage struct {
	Page
	Article     knowledge.Article
	Lang        string // the text's language (Page.Lang is the editor's)
	Form        knowledge.Translation
	LastChecked string
	Base        int
	Exists      bool
	Source      *knowledge.Translation
	Outdated    bool
	States      []knowledge.ReviewState
	Languages   []i18n.Language
	Errors      map[string]string
	Stale       bool
	Saved       bool
	Preview     template.HTML
}

func (k *knowledgeWeb) textTarget(r *http.Request, who staff.Signed) (knowledge.Article, string, error) {
	if !access.CanKnowledge(who.Actor, access.KnowledgeEdit) {
		return knowledge.Article{}, "", knNotFound()
	}
	lang := r.PathValue("lang")
	if !i18n.IsSupported(lang) {
		return knowledge.Article{}, "", knNotFound()
	}
	a, err := k.article(r.Context(), r.PathValue("slug"))
	return a, lang, err
}

// staffTextForm: GET /staff/articles/{slug}/{lang}, the text in one
// language (a new one if the article has none in it yet).
func (k *knowledgeWeb) staffTextForm(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	a, lang, err := k.textTarget(r, who)
	if err != nil {
		return err
	}
	t, exists := a.In(lang)
	if !exists {
		t = knowledge.Translation{Lang: lang, State: knowledge.Draft, LastChecked: knowledge.Today(k.s.cfg.Now())}
		if lang != a.SourceLang {
			t.TranslatedFrom = a.SourceLang
		}
	}
	return k.renderTextForm(w, r, who, http.StatusOK, a, t, t.Revision, nil, false)
}

func (k *knowledgeWeb) renderTextForm(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, a knowledge.Article, form knowledge.Translation, base int, errs []apperr.FieldError, stale bool) error {
	stored, exists := a.In(form.Lang)
	p := articleEditPage{Page: k.s.staffPageData(w, r, who), Article: a, Lang: form.Lang, Form: form,
		LastChecked: knowledge.FormatDate(form.LastChecked), Base: base, Exists: exists,
		States: knowledge.ReviewStates, Languages: i18n.Supported, Stale: stale,
		Saved: r.Method == http.MethodGet && r.URL.Query().Get("saved") == "1"}
	p.Errors = knFieldErrors(p.P, errs)
	if src, ok := a.Source(); ok && form.Lang != a.SourceLang {
		p.Source = &src
	}
	if exists {
		p.Outdated = a.Outdated(stored)
		p.Preview = template.HTML(stored.HTML) // rendered without raw HTML when saved
	}
	return k.s.render(w, status, "article_edit", p)
}

// staffTextSave: POST /staff/articles/{slug}/{lang}.
func (k *knowledgeWeb) staffTextSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	a, lang, err := k.textTarget(r, who)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	now := k.s.cfg.Now().UTC()
	t := knowledge.Translation{Lang: lang, Title: form.Get("title"), Summary: form.Get("summary"), Body: form.Get("body"),
		State: knowledge.ReviewState(form.Get("state")), MachineTranslated: form.Get("machine_translated") == "yes",
		TranslatedFrom: form.Get("translated_from"), ToCheck: form.Get("to_check"), UpdatedAt: now, UpdatedBy: staff.ActorName(who.Actor)}
	if lang == a.SourceLang {
		t.TranslatedFrom = ""
	}
	t.LastChecked, _ = knowledge.ParseDate(form.Get("last_checked"))
	base, _ := strconv.Atoi(form.Get("base"))
	if errs := t.Validate(now); len(errs) > 0 {
		return k.renderTextForm(w, r, who, http.StatusUnprocessableEntity, a, t, base, errs, false)
	}
	err = k.s.cfg.DB.SaveTranslation(r.Context(), a, &t, base, audit.Entry{At: now, Actor: staff.ActorName(who.Actor), Action: "knowledge.text.saved"})
	if apperr.CodeOf(err) == apperr.Conflict {
		// Someone saved this text since the editor opened it: keep what
		// they typed, show the stored version, and let them save again
		// over it on purpose.
		fresh, ferr := k.s.cfg.DB.Article(r.Context(), a.Slug)
		if ferr != nil {
			return ferr
		}
		cur, _ := fresh.In(lang)
		return k.renderTextForm(w, r, who, http.StatusConflict, fresh, t, cur.Revision, nil, true)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/articles/"+a.Slug+"/"+lang+"?saved=1", http.StatusSeeOther)
	return nil
}

// ---- Staff: the directory ----

type helpAdminPage struct {
	Page
	Entries []dirEntry
}

func (k *knowledgeWeb) staffDirectory(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanKnowledge(who.Actor, access.DirectoryEdit) {
		return knNotFound()
	}
	all, err := k.directory(r.Context())
	if err != nil {
		return err
	}
	p := helpAdminPage{Page: k.s.staffPageData(w, r, who)}
	slices.SortStableFunc(all, func(x, y knowledge.Entry) int {
		if d := slices.Index(knowledge.Kinds, x.Kind) - slices.Index(knowledge.Kinds, y.Kind); d != 0 {
			return d
		}
		return x.Position - y.Position
	})
	for _, e := range all {
		p.Entries = append(p.Entries, k.dirEntryOf(p.P, e))
	}
	return k.s.render(w, http.StatusOK, "help_admin", p)
}

type helpEditPage struct {
	Page
	Form        knowledge.Entry
	New         bool
	Phones      string
	Websites    string
	Emails      string
	LastChecked string
	Kinds       []knowledge.Kind
	Countries   []string
	Prefectures []grievance.Prefecture
	Languages   []i18n.Language
	Errors      map[string]string
	Saved       bool
}

func (k *knowledgeWeb) renderEntryForm(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, e knowledge.Entry, isNew bool, errs []apperr.FieldError) error {
	p := helpEditPage{Page: k.s.staffPageData(w, r, who), Form: e, New: isNew, LastChecked: knowledge.FormatDate(e.LastChecked),
		Kinds: knowledge.Kinds, Countries: knowledge.Countries(), Prefectures: grievance.Prefectures, Languages: i18n.Supported,
		Saved: r.Method == http.MethodGet && r.URL.Query().Get("saved") == "1"}
	var phones, sites, emails []string
	for _, c := range e.Channels {
		switch c.Kind {
		case knowledge.ChannelPhone:
			phones = append(phones, c.Value)
		case knowledge.ChannelWebsite:
			sites = append(sites, c.Value)
		default:
			emails = append(emails, c.Value)
		}
	}
	p.Phones, p.Websites, p.Emails = strings.Join(phones, "\n"), strings.Join(sites, "\n"), strings.Join(emails, "\n")
	p.Errors = knFieldErrors(p.P, errs)
	return k.s.render(w, status, "help_edit", p)
}

func (k *knowledgeWeb) entryTarget(r *http.Request, who staff.Signed) (knowledge.Entry, bool, error) {
	if !access.CanKnowledge(who.Actor, access.DirectoryEdit) {
		return knowledge.Entry{}, false, knNotFound()
	}
	if err := k.ready(r.Context()); err != nil {
		return knowledge.Entry{}, false, err
	}
	if r.PathValue("id") == "new" {
		return knowledge.Entry{Active: true, NameLang: "en", Kind: knowledge.KindCSO, LastChecked: knowledge.Today(k.s.cfg.Now())}, true, nil
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return knowledge.Entry{}, false, knNotFound()
	}
	e, err := k.s.cfg.DB.DirectoryEntry(r.Context(), id)
	return e, false, err
}

// staffEntryForm: GET /staff/directory/{id} (or /new).
func (k *knowledgeWeb) staffEntryForm(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	e, isNew, err := k.entryTarget(r, who)
	if err != nil {
		return err
	}
	return k.renderEntryForm(w, r, who, http.StatusOK, e, isNew, nil)
}

func knLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func entryFromForm(e knowledge.Entry, form url.Values) knowledge.Entry {
	e.Name, e.NameLang, e.Kind = form.Get("name"), form.Get("name_lang"), knowledge.Kind(form.Get("kind"))
	e.Countries, e.Languages = form["countries"], form["languages"]
	e.Prefecture, e.Nationwide = form.Get("prefecture"), form.Get("nationwide") == "yes"
	e.Hours, e.Note, e.Source = form.Get("hours"), form.Get("note"), form.Get("source")
	e.Active = form.Get("active") == "yes"
	e.LastChecked, _ = knowledge.ParseDate(form.Get("last_checked"))
	var err error
	if e.Position, err = strconv.Atoi(strings.TrimSpace(form.Get("position"))); err != nil && strings.TrimSpace(form.Get("position")) != "" {
		e.Position = -1
	}
	e.Channels = nil
	for _, kind := range []struct{ field, kind string }{{"phones", knowledge.ChannelPhone}, {"websites", knowledge.ChannelWebsite}, {"emails", knowledge.ChannelEmail}} {
		for _, v := range knLines(form.Get(kind.field)) {
			e.Channels = append(e.Channels, knowledge.Channel{Kind: kind.kind, Value: v})
		}
	}
	return e
}

// staffEntrySave: POST /staff/directory/{id}; staffEntryCreate: POST
// /staff/directory.
func (k *knowledgeWeb) staffEntrySave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	e, isNew, err := k.entryTarget(r, who)
	if err != nil {
		return err
	}
	return k.saveEntry(w, r, who, e, isNew)
}

func (k *knowledgeWeb) staffEntryCreate(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanKnowledge(who.Actor, access.DirectoryEdit) {
		return knNotFound()
	}
	return k.saveEntry(w, r, who, knowledge.Entry{}, true)
}

func (k *knowledgeWeb) saveEntry(w http.ResponseWriter, r *http.Request, who staff.Signed, e knowledge.Entry, isNew bool) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	now := k.s.cfg.Now().UTC()
	e = entryFromForm(e, form)
	e.UpdatedAt, e.UpdatedBy = now, staff.ActorName(who.Actor)
	if errs := e.Validate(now); len(errs) > 0 {
		return k.renderEntryForm(w, r, who, http.StatusUnprocessableEntity, e, isNew, errs)
	}
	entry := audit.Entry{At: now, Actor: staff.ActorName(who.Actor), Action: "knowledge.directory.updated"}
	if isNew {
		entry.Action = "knowledge.directory.created"
		err = k.s.cfg.DB.CreateDirectoryEntry(r.Context(), &e, entry)
	} else {
		err = k.s.cfg.DB.UpdateDirectoryEntry(r.Context(), e, entry)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/directory/"+strconv.FormatInt(e.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}
