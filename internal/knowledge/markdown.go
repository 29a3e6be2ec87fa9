package knowledge

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown is CommonMark with goldmark's defaults kept on purpose: raw HTML
// in an article is dropped (written as "<!-- raw HTML omitted -->"), never
// passed through, and links to javascript:, vbscript:, file: and data: lose
// their address. The page policy transformer adds what worker pages need.
var markdown = goldmark.New(goldmark.WithParserOptions(
	parser.WithASTTransformers(util.Prioritized(pagePolicy{}, 100)),
))

// Render turns an article's Markdown into the HTML shown inside its page.
// It is called when a text is saved (and when the seed is read), so pages
// serve stored HTML.
func Render(src string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// pagePolicy fits an article into a worker page:
//   - a link to another site gets rel="noreferrer" (the link is allowed; the
//     visit then tells that site nothing about where it came from);
//   - an image becomes a link to it: a worker page loads nothing from
//     elsewhere, and pictures cost data;
//   - headings start at level 2 (the page's title is the only h1) and never
//     skip a level, so that screen readers find them in order.
type pagePolicy struct{}

func (pagePolicy) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var images []*ast.Image
	prev := 1
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			level := min(max(n.Level, 2), prev+1)
			n.Level, prev = level, level
		case *ast.Link:
			if IsExternal(string(n.Destination)) {
				n.SetAttributeString("rel", []byte("noreferrer"))
			}
		case *ast.AutoLink:
			if IsExternal(string(n.URL(source))) {
				n.SetAttributeString("rel", []byte("noreferrer"))
			}
		case *ast.Image:
			images = append(images, n)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		if IsExternal(string(link.Destination)) {
			link.SetAttributeString("rel", []byte("noreferrer"))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// IsExternal reports whether a link leaves this site: it names a scheme of
// the web or a host ("https://…", "//host/…").
func IsExternal(dest string) bool {
	dest = strings.TrimSpace(dest)
	if strings.HasPrefix(dest, "//") {
		return true
	}
	u, err := url.Parse(dest)
	if err != nil {
		return true // not ours to vouch for
	}
	return u.Host != "" || strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https")
}
