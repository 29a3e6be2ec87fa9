package knowledge_test

import (
	"strings"
	"testing"
	"time"

	"remedy/internal/knowledge"
)

func text(lang string, state knowledge.ReviewState) knowledge.Translation {
	return knowledge.Translation{Lang: lang, Title: "T " + lang, State: state}
}

func TestPick(t *testing.T) {
	art := func(ts ...knowledge.Translation) knowledge.Article {
		return knowledge.Article{Slug: "a", SourceLang: "en", Translations: ts}
	}
	cases := []struct {
		name        string
		a           knowledge.Article
		lang        string
		wantLang    string
		wantNotice  knowledge.Notice
		wantChecked string // "" for none
	}{
		{"published in the reader's language", art(text("en", knowledge.Published), text("vi", knowledge.Published)), "vi", "vi", knowledge.NoticeNone, ""},
		{"draft in the reader's language, nothing published", art(text("en", knowledge.Draft), text("vi", knowledge.Draft)), "vi", "vi", knowledge.NoticeDraft, ""},
		{"draft in the reader's language, source published", art(text("en", knowledge.Published), text("vi", knowledge.Draft)), "vi", "vi", knowledge.NoticeDraft, "en"},
		{"reviewed in the reader's language", art(text("en", knowledge.Draft), text("km", knowledge.Published), text("vi", knowledge.Reviewed)), "vi", "vi", knowledge.NoticeReviewed, "km"},
		{"no text in the language: published source", art(text("en", knowledge.Published), text("vi", knowledge.Published)), "ne", "en", knowledge.NoticeNone, ""},
		{"no text in the language: another published text", art(text("en", knowledge.Draft), text("vi", knowledge.Published)), "ne", "vi", knowledge.NoticeNone, ""},
		{"no text in the language, nothing published: source draft", art(text("en", knowledge.Draft), text("vi", knowledge.Draft)), "ne", "en", knowledge.NoticeDraft, ""},
		{"no source at all", art(text("vi", knowledge.Draft)), "ne", "vi", knowledge.NoticeDraft, ""},
	}
	for _, tc := range cases {
		c, ok := tc.a.Pick(tc.lang)
		if !ok {
			t.Errorf("%s: no choice", tc.name)
			continue
		}
		if c.Translation.Lang != tc.wantLang || c.Notice != tc.wantNotice {
			t.Errorf("%s: got %s/%q, want %s/%q", tc.name, c.Translation.Lang, c.Notice, tc.wantLang, tc.wantNotice)
		}
		if got := ""; c.Checked != nil {
			got = c.Checked.Lang
			if got != tc.wantChecked {
				t.Errorf("%s: checked version %s, want %q", tc.name, got, tc.wantChecked)
			}
		} else if tc.wantChecked != "" {
			t.Errorf("%s: no checked version, want %s", tc.name, tc.wantChecked)
		}
		if c.OtherLanguage() != (tc.wantLang != tc.lang) {
			t.Errorf("%s: OtherLanguage = %v", tc.name, c.OtherLanguage())
		}
	}
	if _, ok := art().Pick("en"); ok {
		t.Error("an article without text was picked")
	}
}

func TestOutdated(t *testing.T) {
	a := knowledge.Article{SourceLang: "en", Translations: []knowledge.Translation{
		{Lang: "en", Revision: 3, SourceRevision: 3},
		{Lang: "vi", Revision: 1, SourceRevision: 2},
		{Lang: "km", Revision: 5, SourceRevision: 3},
	}}
	if a.Outdated(a.Text("en")) || !a.Outdated(a.Text("vi")) || a.Outdated(a.Text("km")) {
		t.Errorf("Outdated: en %v vi %v km %v", a.Outdated(a.Text("en")), a.Outdated(a.Text("vi")), a.Outdated(a.Text("km")))
	}
}

var now = time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)

func TestTranslationValidate(t *testing.T) {
	good := func() knowledge.Translation {
		d, _ := knowledge.ParseDate("2026-11-28")
		return knowledge.Translation{Lang: "vi", Title: " Tiêu đề ", Body: "Xin chào\r\n\r\n<script>x</script>", State: knowledge.Draft, LastChecked: d, TranslatedFrom: "en"}
	}
	tr := good()
	if errs := tr.Validate(now); len(errs) != 0 {
		t.Fatalf("valid text: %v", errs)
	}
	if tr.Title != "Tiêu đề" || strings.Contains(tr.Body, "\r") || tr.HTML == "" || strings.Contains(tr.HTML, "<script") {
		t.Errorf("normalised: title %q body %q html %q", tr.Title, tr.Body, tr.HTML)
	}
	// Today in Japan is not the future, even before midnight UTC.
	tr = good()
	tr.LastChecked, _ = knowledge.ParseDate("2026-12-01")
	if errs := tr.Validate(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)); len(errs) != 0 {
		t.Errorf("today in Japan: %v", errs)
	}
	for name, tc := range map[string]struct {
		change func(*knowledge.Translation)
		field  string
	}{
		"no title":       {func(t *knowledge.Translation) { t.Title = "  " }, "title"},
		"long title":     {func(t *knowledge.Translation) { t.Title = strings.Repeat("a", knowledge.MaxTitle+1) }, "title"},
		"no body":        {func(t *knowledge.Translation) { t.Body = "" }, "body"},
		"huge body":      {func(t *knowledge.Translation) { t.Body = strings.Repeat("a", knowledge.MaxBody+1) }, "body"},
		"bad utf-8":      {func(t *knowledge.Translation) { t.Summary = "\xff" }, "summary"},
		"unknown state":  {func(t *knowledge.Translation) { t.State = "final" }, "state"},
		"unknown lang":   {func(t *knowledge.Translation) { t.Lang = "zz" }, "lang"},
		"no date":        {func(t *knowledge.Translation) { t.LastChecked = time.Time{} }, "last_checked"},
		"future date":    {func(t *knowledge.Translation) { t.LastChecked = now.AddDate(0, 0, 2) }, "last_checked"},
		"from itself":    {func(t *knowledge.Translation) { t.TranslatedFrom = "vi" }, "translated_from"},
		"from a nowhere": {func(t *knowledge.Translation) { t.TranslatedFrom = "xx" }, "translated_from"},
	} {
		tr := good()
		tc.change(&tr)
		errs := tr.Validate(now)
		found := false
		for _, e := range errs {
			found = found || e.Field == tc.field
		}
		if !found {
			t.Errorf("%s: errors %v, want one on %s", name, errs, tc.field)
		}
	}
}

func TestArticleValidate(t *testing.T) {
	a := knowledge.Article{Slug: " New-Page ", Stages: []knowledge.Stage{knowledge.GoingHome, knowledge.BeforeDeparture, knowledge.GoingHome}}
	if errs := a.Validate(); len(errs) != 0 {
		t.Fatalf("valid article: %v", errs)
	}
	if a.Slug != "new-page" || len(a.Stages) != 2 || a.Stages[0] != knowledge.BeforeDeparture || a.SourceLang != "en" {
		t.Errorf("normalised: %+v", a)
	}
	for name, a := range map[string]knowledge.Article{
		"bad slug":      {Slug: "a b", Stages: []knowledge.Stage{knowledge.InJapan}},
		"slash":         {Slug: "../x", Stages: []knowledge.Stage{knowledge.InJapan}},
		"no stage":      {Slug: "a"},
		"unknown stage": {Slug: "a", Stages: []knowledge.Stage{"on_the_moon"}},
		"position":      {Slug: "a", Stages: []knowledge.Stage{knowledge.InJapan}, Position: -1},
		"long slug":     {Slug: strings.Repeat("a", knowledge.MaxSlug+1), Stages: []knowledge.Stage{knowledge.InJapan}},
	} {
		if errs := a.Validate(); len(errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestParseHours(t *testing.T) {
	for in, want := range map[string]string{
		"24h":                  "always",
		"Mon-Fri 9:00-17:00":   "1-5 9:00-17:00",
		"Tue, Thu 11:00-19:00": "2-2,4-4 11:00-19:00",
		"Thu 11:00-19:00":      "4-4 11:00-19:00",
		"sat-sun 08:30-17:15":  "6-0 08:30-17:15",
	} {
		h, ok := knowledge.ParseHours(in)
		if !ok {
			t.Errorf("ParseHours(%q) failed", in)
			continue
		}
		got := "always"
		if !h.Always {
			var parts []string
			for _, d := range h.Days {
				parts = append(parts, strings.Join([]string{itoa(int(d.From)), itoa(int(d.To))}, "-"))
			}
			got = strings.Join(parts, ",") + " " + h.Open + "-" + h.Close
		}
		if got != want {
			t.Errorf("ParseHours(%q) = %s, want %s", in, got, want)
		}
	}
	for _, in := range []string{"", "weekdays", "Mon-Fri", "Mon-Fri 9-17", "Xyz 9:00-17:00", "Mon-Fri 25:00-26:00", "Mon- 9:00-17:00"} {
		if _, ok := knowledge.ParseHours(in); ok {
			t.Errorf("ParseHours(%q) accepted", in)
		}
	}
	if knowledge.DayKey(time.Monday) != "mon" || knowledge.DayKey(time.Sunday) != "sun" {
		t.Error("DayKey")
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestByStage(t *testing.T) {
	as := []knowledge.Article{
		{Slug: "complain", Stages: []knowledge.Stage{knowledge.BeforeDeparture, knowledge.GoingHome}, Position: 30},
		{Slug: "home", Stages: []knowledge.Stage{knowledge.GoingHome}, Position: 10},
		{Slug: "fees", Stages: []knowledge.Stage{knowledge.BeforeDeparture}, Position: 10},
	}
	var got []string
	for _, a := range knowledge.ByStage(as, knowledge.GoingHome) {
		got = append(got, a.Slug)
	}
	if strings.Join(got, ",") != "home,complain" {
		t.Errorf("ByStage(going_home) = %v, want position order", got)
	}
	knowledge.SortArticles(as)
	if as[0].Slug != "fees" || as[1].Slug != "complain" || as[2].Slug != "home" {
		t.Errorf("SortArticles: %s %s %s", as[0].Slug, as[1].Slug, as[2].Slug)
	}
}
