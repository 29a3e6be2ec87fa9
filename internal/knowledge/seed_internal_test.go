package knowledge

import (
	"strings"
	"testing"
	"testing/fstest"
)

const goodEN = "---\ntitle: A: b\nsummary: S\nstages: in_japan\nposition: 1\nsource_lang: en\nstate: draft\nlast_checked: 2026-11-28\n---\nBody"
const goodVI = "---\ntitle: \"T\"\nsummary: S\nstate: draft\nlast_checked: 2026-11-28\ntranslated_from: en\nmachine_translated: true\n---\nThân"

func TestReadArticles(t *testing.T) {
	fsys := fstest.MapFS{"a/x/en.md": {Data: []byte(goodEN)}, "a/x/vi.md": {Data: []byte(goodVI)}}
	got, err := readArticles(fsys, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Slug != "x" || len(got[0].Translations) != 2 || got[0].Translations[0].Title != "A: b" || got[0].Translations[1].Title != "T" {
		t.Fatalf("read %+v", got)
	}
	for name, files := range map[string]map[string]string{
		"no source":           {"a/x/vi.md": goodVI},
		"unknown language":    {"a/x/en.md": goodEN, "a/x/zz.md": goodVI},
		"no front matter":     {"a/x/en.md": "Body"},
		"open front matter":   {"a/x/en.md": "---\ntitle: A\n"},
		"unknown key":         {"a/x/en.md": strings.Replace(goodEN, "summary:", "sumary:", 1)},
		"article key in vi":   {"a/x/en.md": goodEN, "a/x/vi.md": strings.Replace(goodVI, "state:", "position: 2\nstate:", 1)},
		"bad date":            {"a/x/en.md": strings.Replace(goodEN, "2026-11-28", "28/11/2026", 1)},
		"bad state":           {"a/x/en.md": strings.Replace(goodEN, "state: draft", "state: final", 1)},
		"no translated_from":  {"a/x/en.md": goodEN, "a/x/vi.md": strings.Replace(goodVI, "translated_from: en\n", "", 1)},
		"source translated":   {"a/x/en.md": strings.Replace(goodEN, "state:", "translated_from: vi\nstate:", 1)},
		"bad stage":           {"a/x/en.md": strings.Replace(goodEN, "in_japan", "at_sea", 1)},
		"bad slug":            {"a/X Y/en.md": goodEN},
		"duplicate key":       {"a/x/en.md": strings.Replace(goodEN, "summary: S", "summary: S\nsummary: T", 1)},
		"empty body":          {"a/x/en.md": strings.TrimSuffix(goodEN, "Body")},
		"machine not boolean": {"a/x/en.md": goodEN, "a/x/vi.md": strings.Replace(goodVI, "machine_translated: true", "machine_translated: yes", 1)},
	} {
		fsys := fstest.MapFS{}
		for p, s := range files {
			fsys[p] = &fstest.MapFile{Data: []byte(s)}
		}
		if _, err := readArticles(fsys, "a"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSeedVersion(t *testing.T) {
	a, err := LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := LoadSeed()
	if a.Version() != b.Version() || len(a.Version()) != 24 {
		t.Errorf("versions %s %s", a.Version(), b.Version())
	}
	b.Directory[0].Name += "!"
	if a.Version() == b.Version() {
		t.Error("a change of the seed keeps its version")
	}
}
