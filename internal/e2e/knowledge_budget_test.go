package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"remedy/internal/i18n"
	"remedy/internal/knowledge"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// knowledgePaths are the worker pages of what workers need to know: the
// list by stage, every seed article, and the help directory unfiltered
// (its largest form) and filtered.
func knowledgePaths(t *testing.T) []string {
	t.Helper()
	paths := []string{"/rights", "/rights?stage=in_japan", "/help", "/help?country=KH&language=km", "/help?kind=shelter"}
	articles, err := knowledge.SeedArticles()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range articles {
		paths = append(paths, "/rights/"+a.Slug)
	}
	return paths
}

// knowledgeOriginProblems is originProblems for pages that may link to
// other sites (an article's sources, an organisation's website): such a
// link is a plain <a href> with rel="noreferrer"; nothing is loaded from
// elsewhere and no script runs.
func knowledgeOriginProblems(lang, html string) []string {
	var out []string
	if m := htmlLangRE.FindStringSubmatch(html); m == nil || m[1] != lang {
		out = append(out, fmt.Sprintf("<html lang> is %v, want %q", m, lang))
	}
	if scriptRE.MatchString(html) {
		out = append(out, "has a <script> tag")
	}
	leaves := 0
	for _, tag := range tagRE.FindAllString(html, -1) {
		for _, m := range urlAttrRE.FindAllStringSubmatch(tag, -1) {
			v := m[2] + m[3] + m[4]
			if ownOrigin(v) {
				continue
			}
			if v == leaveURL && strings.Contains(tag, `class="leave"`) {
				leaves++
			}
			if strings.HasPrefix(tag, "<a ") && strings.EqualFold(m[1], "href") && strings.Contains(tag, `rel="noreferrer"`) {
				if u, err := url.Parse(v); err == nil && (u.Scheme == "https" || u.Scheme == "http" || u.Scheme == "mailto") {
					continue
				}
			}
			out = append(out, fmt.Sprintf("%s= points off our origin: %s", m[1], tag))
		}
	}
	if leaves != 1 {
		out = append(out, fmt.Sprintf("%d \"leave quickly\" links, want exactly 1", leaves))
	}
	return out
}

func TestKnowledgeOriginProblemsCatches(t *testing.T) {
	const leave = `<a class="leave" href="https://www.wikipedia.org/" rel="noreferrer">Leave</a>`
	ok := `<html lang="km">` + leave + `<a href="https://www.ilo.org/x" rel="noreferrer">ILO</a><a href="tel:110">110</a></html>`
	if got := knowledgeOriginProblems("km", ok); len(got) != 0 {
		t.Fatalf("a clean page has problems: %q", got)
	}
	for name, page := range map[string]string{
		"referrer":   strings.Replace(ok, `<a href="https://www.ilo.org/x" rel="noreferrer">`, `<a href="https://www.ilo.org/x">`, 1),
		"image":      strings.Replace(ok, `</html>`, `<img src="https://maps.example/p.png"></html>`, 1),
		"script":     strings.Replace(ok, `</html>`, `<script>1</script></html>`, 1),
		"javascript": strings.Replace(ok, `</html>`, `<a href="javascript:alert(1)" rel="noreferrer">x</a></html>`, 1),
		"no leave":   strings.Replace(ok, leave, ``, 1),
	} {
		if got := knowledgeOriginProblems("km", page); len(got) == 0 {
			t.Errorf("%s: no problem found", name)
		}
	}
}

// TestKnowledgePageBudget measures every knowledge page in every language
// as a phone gets it: gzip HTML plus the gzip stylesheet within
// pageBudget, nothing loaded from elsewhere, no script.
func TestKnowledgePageBudget(t *testing.T) {
	app := stack.New(t, store.SQLite)
	first := newWireClient(t, app.URL).do("rights", "GET", "/rights?lang=en", nil)
	m := cssHrefRE.FindStringSubmatch(first.html)
	if m == nil {
		t.Fatal("/rights links no stylesheet")
	}
	css := newWireClient(t, app.URL).do("app.css", "GET", m[1], nil)
	paths := knowledgePaths(t)
	largest := wirePage{}
	for _, lang := range i18n.Supported {
		c := newWireClient(t, app.URL)
		c.do("language", "GET", "/rights?lang="+lang.Code, nil)
		for _, p := range paths {
			page := c.do(p, "GET", p, nil)
			if page.status != 200 {
				t.Errorf("%s %s: HTTP %d", lang.Code, p, page.status)
			}
			for _, problem := range knowledgeOriginProblems(lang.Code, page.html) {
				t.Errorf("%s %s: %s", lang.Code, p, problem)
			}
			if total := page.wire + css.wire; total > pageBudget {
				t.Errorf("%s %s: %d bytes gzip HTML + %d gzip CSS = %d, over %d", lang.Code, p, page.wire, css.wire, total, pageBudget)
			}
			if page.wire > largest.wire {
				largest = page
				largest.name = lang.Code + " " + p
			}
		}
	}
	t.Logf("largest knowledge page: %s, %d + %d = %d bytes (budget %d; %d bytes plain HTML)",
		largest.name, largest.wire, css.wire, largest.wire+css.wire, pageBudget, len(largest.html))
}
