package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"remedy/internal/access"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/staff"
	"remedy/internal/vault"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Page is what every page template gets: the reader's language and the
// translator bound to this request.
type Page struct {
	P          *i18n.Printer
	Lang       string
	Dir        string
	Languages  []i18n.Language
	SwitchPath string // where the language switcher links go; "" hides it
	CSSHash    string
	Who        *staff.Signed // the signed-in staff member on staff pages
	Nav        StaffNav      // which staff areas the menu offers
}

// StaffNav says which staff areas the signed-in person may reach, as the
// access policy decides; the menu shows only those.
type StaffNav struct {
	Inbox, Stats, Orgs, Plan, Knowledge, FeeRules, Registry, Reviews, Answer bool
}

func staffNav(a access.Actor) StaffNav {
	return StaffNav{
		Inbox:     access.Can(a, access.ViewInbox),
		Stats:     access.Can(a, access.ViewStats),
		Orgs:      access.Can(a, access.ManagePeople),
		Plan:      access.CanPlan(a, access.PlanStaff, access.PlanFacts{}),
		Knowledge: access.CanKnowledge(a, access.KnowledgeEdit),
		FeeRules:  access.CanRecruitment(a, access.ManageFeeRules),
		Registry:  access.CanRegistry(a, access.EditRegistry),
		Reviews:   access.CanRegistry(a, access.ModerateReviews),
		Answer:    access.CanAnswerReviews(a, a.OrgID),
	}
}

var funcs = template.FuncMap{
	// icon returns the sprite id of a category's pictogram.
	"icon":      func(code string) string { return "i-" + strings.ReplaceAll(code, ".", "-") },
	"group":     vault.GroupReceipt,
	"japanTime": japanTime,
	"telHref": func(phone string) template.URL {
		var b strings.Builder
		for _, r := range phone {
			if (r >= '0' && r <= '9') || r == '+' {
				b.WriteRune(r)
			}
		}
		return template.URL("tel:" + b.String())
	},
	"join":         strings.Join,
	"langName":     i18n.Name,
	"channelBrand": grievance.ChannelBrand,
}

// japanTime formats t as a date and time in Japan, where the workers are.
func japanTime(t time.Time) string { return t.In(grievance.Japan).Format("2006-01-02 15:04") }

// parsePages parses every page once at start: each page file is parsed
// together with the layout and the shared parts.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/icons.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/page_*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/page_"), ".html")
		t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// staffPageData returns the Page for a staff page.
func (s *Server) staffPageData(w http.ResponseWriter, r *http.Request, who staff.Signed) Page {
	p := s.page(r, s.language(w, r))
	p.Who = &who
	p.Nav = staffNav(who.Actor)
	return p
}

// page returns the Page for this request in its language.
func (s *Server) page(r *http.Request, lang string) Page {
	p := Page{
		P: s.cfg.Bundle.Printer(lang), Lang: lang, Dir: i18n.Dir(lang),
		Languages: i18n.Supported, SwitchPath: r.URL.Path, CSSHash: s.cssHash,
	}
	if r.Method != http.MethodGet {
		// A page answering a POST (the receipt, a form with errors) holds
		// what a link would lose; the language was chosen before it.
		p.SwitchPath = ""
	}
	return p
}

// render executes a page into a buffer first, so that a template error
// becomes a clean error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func staticHash(name string) string {
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		return "0"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// static serves the embedded stylesheet; URLs carry its hash, so it can be
// cached for a year.
func (s *Server) static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(w, r)
	})
}
