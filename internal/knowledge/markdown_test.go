package knowledge_test

import (
	"strings"
	"testing"

	"remedy/internal/knowledge"
)

func mustRender(t *testing.T, src string) string {
	t.Helper()
	html, err := knowledge.Render(src)
	if err != nil {
		t.Fatalf("Render(%q): %v", src, err)
	}
	return html
}

// TestRenderDropsRawHTML: raw HTML in an article never reaches a page, as
// a block, inline, or hidden in an attribute; dangerous link targets lose
// their address.
func TestRenderDropsRawHTML(t *testing.T) {
	for _, src := range []string{
		"<script>alert(1)</script>",
		"Hello <script>alert(1)</script> world",
		"<div onclick=\"alert(1)\">x</div>",
		"text <img src=x onerror=alert(1)>",
		"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
		"<iframe src=\"https://evil.example/\"></iframe>",
		"<style>body{display:none}</style>",
	} {
		html := mustRender(t, src)
		low := strings.ToLower(html)
		for _, bad := range []string{"<script", "<div", "<img", "<iframe", "<style", "onerror", "onclick"} {
			if strings.Contains(low, bad) {
				t.Errorf("Render(%q) = %q: contains %q", src, html, bad)
			}
		}
	}
	// Text that merely mentions a tag is text, escaped.
	if html := mustRender(t, "Write `<script>` like this"); !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("code span not escaped: %q", html)
	}
	for _, src := range []string{"[x](javascript:alert(1))", "[x](JavaScript:alert(1))", "<javascript:alert(1)>", "[x](vbscript:msgbox)", "[x](data:text/html;base64,PHNjcmlwdD4=)"} {
		html := mustRender(t, src)
		if !strings.Contains(html, `href=""`) {
			t.Errorf("Render(%q) = %q: keeps a dangerous address", src, html)
		}
	}
}

func TestRenderLinksImagesHeadings(t *testing.T) {
	html := mustRender(t, "[fees](/fees) [ILO](https://www.ilo.org/x) <https://example.org/> [call](tel:110) [site](//cdn.example/y)")
	for _, want := range []string{
		`<a href="/fees">fees</a>`,
		`<a href="https://www.ilo.org/x" rel="noreferrer">ILO</a>`,
		`<a href="https://example.org/" rel="noreferrer">https://example.org/</a>`,
		`<a href="tel:110">call</a>`,
		`<a href="//cdn.example/y" rel="noreferrer">site</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("links: want %s in %s", want, html)
		}
	}
	// An image loads nothing: it becomes a link to the picture.
	html = mustRender(t, "![a map](https://maps.example/p.png)")
	if strings.Contains(html, "<img") || !strings.Contains(html, `<a href="https://maps.example/p.png" rel="noreferrer">a map</a>`) {
		t.Errorf("image: %s", html)
	}
	// Headings start at h2 and never skip a level.
	html = mustRender(t, "# One\n\n#### Two\n\n## Three\n\n###### Four")
	for _, want := range []string{"<h2>One</h2>", "<h3>Two</h3>", "<h2>Three</h2>", "<h3>Four</h3>"} {
		if !strings.Contains(html, want) {
			t.Errorf("headings: want %s in %s", want, html)
		}
	}
	if strings.Contains(html, "<h1") {
		t.Errorf("headings: an h1 in %s", html)
	}
}

func TestIsExternal(t *testing.T) {
	for dest, want := range map[string]bool{
		"/fees": false, "/rights/x?text=en": false, "#top": false, "tel:110": false, "mailto:a@b.example": false, "fees": false,
		"https://a.example/": true, "http://a.example": true, "//a.example/": true, "HTTPS://A.EXAMPLE": true,
	} {
		if got := knowledge.IsExternal(dest); got != want {
			t.Errorf("IsExternal(%q) = %v, want %v", dest, got, want)
		}
	}
}
