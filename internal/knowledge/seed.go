package knowledge

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"remedy/internal/i18n"
)

// The seed articles: articles/<slug>/<lang>.md, each a front matter of
// "key: value" lines between two "---" lines, then the Markdown body.
//
// The source file (en.md) carries the article's own fields:
//
//	stages: in_japan, going_home   (see Stages)
//	position: 10                   (order within a stage)
//	source_lang: en
//
// Every file carries its text's fields:
//
//	title, summary, state (draft | reviewed | published),
//	last_checked (2026-11-28), to_check (optional, for editors),
//	translated_from: en and machine_translated: true|false (translations).
//
//go:embed articles
var articleFS embed.FS

// SeedBy is who wrote the rows the seed creates, in updated_by and the
// audit trail.
const SeedBy = "seed"

// Seed is what a new installation starts with.
type Seed struct {
	Articles  []Article
	Directory []Entry
}

// Version identifies the seed's content: the store applies a seed once per
// version, adding only what is missing, never overwriting an edit.
func (s Seed) Version() string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// LoadSeed reads the embedded articles and builds the directory seed.
func LoadSeed() (Seed, error) {
	articles, err := SeedArticles()
	if err != nil {
		return Seed{}, err
	}
	return Seed{Articles: articles, Directory: SeedDirectory()}, nil
}

// SeedArticles reads and checks the embedded articles; their HTML is
// rendered. An error names the file at fault.
func SeedArticles() ([]Article, error) {
	return readArticles(articleFS, "articles")
}

func readArticles(fsys fs.FS, root string) ([]Article, error) {
	dirs, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, err
	}
	var out []Article
	for _, d := range dirs {
		if !d.IsDir() {
			return nil, fmt.Errorf("knowledge: %s/%s: only article folders belong here", root, d.Name())
		}
		a, err := readArticle(fsys, path.Join(root, d.Name()), d.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	SortArticles(out)
	return out, nil
}

var (
	articleKeys     = []string{"stages", "position", "source_lang"}
	translationKeys = []string{"title", "summary", "state", "last_checked", "to_check", "translated_from", "machine_translated"}
)

func readArticle(fsys fs.FS, dir, slug string) (Article, error) {
	a := Article{Slug: slug, SourceLang: SourceLang}
	files, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return a, err
	}
	metas := map[string]map[string]string{}
	bodies := map[string]string{}
	for _, f := range files {
		name := path.Join(dir, f.Name())
		lang, ok := strings.CutSuffix(f.Name(), ".md")
		if f.IsDir() || !ok || !i18n.IsSupported(lang) {
			return a, fmt.Errorf("knowledge: %s: want <lang>.md for a supported language", name)
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return a, err
		}
		meta, body, err := parseFrontMatter(string(raw))
		if err != nil {
			return a, fmt.Errorf("knowledge: %s: %w", name, err)
		}
		metas[lang], bodies[lang] = meta, body
	}
	src, ok := metas[SourceLang]
	if !ok {
		return a, fmt.Errorf("knowledge: %s: no %s.md (the source text)", dir, SourceLang)
	}
	if v := src["source_lang"]; v != SourceLang {
		return a, fmt.Errorf("knowledge: %s/%s.md: source_lang is %q, want %q", dir, SourceLang, v, SourceLang)
	}
	for _, s := range strings.Split(src["stages"], ",") {
		a.Stages = append(a.Stages, Stage(strings.TrimSpace(s)))
	}
	if a.Position, err = strconv.Atoi(src["position"]); err != nil {
		return a, fmt.Errorf("knowledge: %s/%s.md: position %q is not a number", dir, SourceLang, src["position"])
	}
	if errs := a.Validate(); len(errs) > 0 {
		return a, fmt.Errorf("knowledge: %s: %s %s", dir, errs[0].Field, errs[0].Key)
	}
	for _, l := range i18n.Supported {
		meta, ok := metas[l.Code]
		if !ok {
			continue
		}
		name := path.Join(dir, l.Code+".md")
		for k := range meta {
			switch {
			case slices.Contains(translationKeys, k):
			case slices.Contains(articleKeys, k) && l.Code == SourceLang:
			default:
				return a, fmt.Errorf("knowledge: %s: unknown or misplaced key %q", name, k)
			}
		}
		t := Translation{
			Lang: l.Code, Title: meta["title"], Summary: meta["summary"], Body: bodies[l.Code],
			State: ReviewState(meta["state"]), ToCheck: meta["to_check"], TranslatedFrom: meta["translated_from"],
			Revision: 1, SourceRevision: 1, UpdatedBy: SeedBy,
		}
		switch meta["machine_translated"] {
		case "true":
			t.MachineTranslated = true
		case "false", "":
		default:
			return a, fmt.Errorf("knowledge: %s: machine_translated must be true or false", name)
		}
		if (l.Code == SourceLang) != (t.TranslatedFrom == "") {
			return a, fmt.Errorf("knowledge: %s: translated_from must be set on translations and only on them", name)
		}
		var okDate bool
		if t.LastChecked, okDate = ParseDate(meta["last_checked"]); !okDate {
			return a, fmt.Errorf("knowledge: %s: last_checked %q is not a date like 2026-11-28", name, meta["last_checked"])
		}
		// The seed is checked against the end of time: it is dated when
		// written, and a later check date is the editors' business.
		if errs := t.Validate(t.LastChecked); len(errs) > 0 {
			return a, fmt.Errorf("knowledge: %s: %s %s", name, errs[0].Field, errs[0].Key)
		}
		a.Translations = append(a.Translations, t)
	}
	return a, nil
}

// parseFrontMatter splits a seed file into its "key: value" header and
// its Markdown body.
func parseFrontMatter(raw string) (map[string]string, string, error) {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	rest, ok := strings.CutPrefix(raw, "---\n")
	if !ok {
		return nil, "", fmt.Errorf("no front matter (the file must start with ---)")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return nil, "", fmt.Errorf("front matter does not end with ---")
	}
	meta := map[string]string{}
	for i, line := range strings.Split(head, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, "", fmt.Errorf("front matter line %d is not key: value", i+2)
		}
		if _, dup := meta[k]; dup {
			return nil, "", fmt.Errorf("front matter key %q given twice", k)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		meta[k] = v
	}
	return meta, strings.TrimSpace(body), nil
}
