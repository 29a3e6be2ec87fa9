package knowledge_test

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/knowledge"
)

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

func hrefs(html string) []string {
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

// TestSeedArticles holds the seed to the brief: six articles covering
// every stage, each in every supported language, English the source, the
// others machine translations in draft, all checked on 2026-11-28; and
// every translation carries the same links and "to be checked" notes as
// the English text, so the translations stay translations of one text.
func TestSeedArticles(t *testing.T) {
	articles, err := knowledge.SeedArticles()
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	stages := map[knowledge.Stage]bool{}
	for _, a := range articles {
		slugs = append(slugs, a.Slug)
		for _, s := range a.Stages {
			stages[s] = true
		}
	}
	sort.Strings(slugs)
	want := []string{"before-you-leave", "changing-employer", "emergencies", "going-home", "how-to-complain", "rights-at-work"}
	if !slices.Equal(slugs, want) {
		t.Errorf("articles %v, want %v", slugs, want)
	}
	for _, s := range knowledge.Stages {
		if !stages[s] {
			t.Errorf("no article for stage %s", s)
		}
	}
	known := map[string]bool{}
	for _, origin := range append([]string{""}, grievance.OriginCountries...) {
		for _, c := range grievance.EmergencyContacts(origin, "") {
			known["tel:"+strings.NewReplacer("-", "", " ", "").Replace(c.Phone)] = true
		}
	}
	for _, a := range articles {
		if a.SourceLang != "en" {
			t.Errorf("%s: source language %s", a.Slug, a.SourceLang)
		}
		en, ok := a.Source()
		if !ok {
			t.Fatalf("%s: no English text", a.Slug)
		}
		enLinks := hrefs(en.HTML)
		enNotes := strings.Count(en.HTML, "<blockquote>")
		for _, l := range i18n.Supported {
			tr, ok := a.In(l.Code)
			if !ok {
				t.Errorf("%s: no %s text", a.Slug, l.Code)
				continue
			}
			name := a.Slug + "/" + l.Code
			if tr.State != knowledge.Draft || knowledge.FormatDate(tr.LastChecked) != "2026-11-28" {
				t.Errorf("%s: state %s, checked %s; want draft, 2026-11-28", name, tr.State, knowledge.FormatDate(tr.LastChecked))
			}
			if l.Code == "en" {
				if tr.MachineTranslated || tr.TranslatedFrom != "" {
					t.Errorf("%s: the source is marked as a translation", name)
				}
			} else if !tr.MachineTranslated || tr.TranslatedFrom != "en" {
				t.Errorf("%s: not marked as machine-translated from English", name)
			}
			if tr.Title == "" || tr.Summary == "" {
				t.Errorf("%s: no title or summary", name)
			}
			if l.Code != "en" && (tr.Title == en.Title || tr.Body == en.Body) {
				t.Errorf("%s: not translated", name)
			}
			if got := hrefs(tr.HTML); !slices.Equal(got, enLinks) {
				t.Errorf("%s: links %v, English has %v", name, got, enLinks)
			}
			if got := strings.Count(tr.HTML, "<blockquote>"); got != enNotes {
				t.Errorf("%s: %d 'to be checked' notes, English has %d", name, got, enNotes)
			}
			for _, h := range hrefs(tr.HTML) {
				if strings.HasPrefix(h, "tel:") && !known[h] && h != "tel:110" && h != "tel:119" {
					t.Errorf("%s: %s is not among the emergency contacts", name, h)
				}
			}
			if strings.Contains(tr.HTML, "<h1") || strings.Contains(tr.HTML, "raw HTML omitted") {
				t.Errorf("%s: has an h1 or raw HTML", name)
			}
		}
	}
	must := map[string][]string{
		"before-you-leave": {"/fees"},
		"how-to-complain":  {"/", "/follow", "tel:110", "tel:119"},
		"emergencies":      {"tel:110", "tel:119", "tel:0120762029", "/help"},
		"rights-at-work":   {"/"},
		"going-home":       {"/follow"},
	}
	for _, a := range articles {
		en, _ := a.Source()
		for _, h := range must[a.Slug] {
			if !slices.Contains(hrefs(en.HTML), h) {
				t.Errorf("%s: no link to %s", a.Slug, h)
			}
		}
	}
	complain := articles[slices.IndexFunc(articles, func(a knowledge.Article) bool { return a.Slug == "how-to-complain" })]
	for _, l := range i18n.Supported {
		body := complain.Text(l.Code).Body
		for _, n := range []string{"24", "72", "120", "16"} {
			if !strings.Contains(body, n) {
				t.Errorf("how-to-complain/%s: does not say %s", l.Code, n)
			}
		}
	}
}
