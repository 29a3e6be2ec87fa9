package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/i18n"
	"remedy/internal/knowledge"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

var knNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func knSeed(t *testing.T) knowledge.Seed {
	t.Helper()
	seed, err := knowledge.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

func knAuditCount(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	n := 0
	if err := db.EachAuditEntry(context.Background(), func(e audit.Entry) error {
		if e.Action == action {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestKnowledgeSeed: the seed is applied once per version, in full, with
// one audit entry; a new version adds only what is missing and never
// overwrites an editor's change.
func TestKnowledgeSeed(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, _ := stack.OpenDB(t, engine)
			seed := knSeed(t)
			applied, err := db.SeedKnowledge(ctx, seed, knNow)
			if err != nil || !applied {
				t.Fatalf("first seed: %v %v", applied, err)
			}
			if applied, err := db.SeedKnowledge(ctx, seed, knNow); err != nil || applied {
				t.Fatalf("second seed: %v %v", applied, err)
			}
			if ok, _ := db.KnowledgeSeeded(ctx, seed.Version()); !ok {
				t.Error("KnowledgeSeeded is false after seeding")
			}
			if n := knAuditCount(t, db, "knowledge.seeded"); n != 1 {
				t.Errorf("%d seed audit entries, want 1", n)
			}
			arts, err := db.Articles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(arts) != len(seed.Articles) {
				t.Fatalf("%d articles, want %d", len(arts), len(seed.Articles))
			}
			for _, a := range arts {
				if len(a.Translations) != len(i18n.Supported) || a.Translations[0].Lang != "en" {
					t.Errorf("%s: %d texts, first %s", a.Slug, len(a.Translations), a.Translations[0].Lang)
				}
				want := seed.Articles[0]
				for _, s := range seed.Articles {
					if s.Slug == a.Slug {
						want = s
					}
				}
				got, wantT := a.Text("km"), want.Text("km")
				if got.Title != wantT.Title || got.Body != wantT.Body || got.HTML != wantT.HTML || got.State != knowledge.Draft ||
					!got.LastChecked.Equal(wantT.LastChecked) || !got.MachineTranslated || got.TranslatedFrom != "en" || got.UpdatedBy != knowledge.SeedBy {
					t.Errorf("%s/km stored differently: %+v", a.Slug, got)
				}
				if len(a.Stages) != len(want.Stages) {
					t.Errorf("%s: stages %v, want %v", a.Slug, a.Stages, want.Stages)
				}
			}
			entries, err := db.DirectoryEntries(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != len(seed.Directory) {
				t.Fatalf("%d directory entries, want %d", len(entries), len(seed.Directory))
			}
			for _, e := range entries {
				if e.Key == "" || e.Source == "" || len(e.Channels) == 0 || !e.Active {
					t.Errorf("entry %+v", e)
				}
			}

			// An editor changes a text and an entry; a new seed version
			// (one more article) adds the article and keeps both changes.
			a, err := db.Article(ctx, "emergencies")
			if err != nil {
				t.Fatal(err)
			}
			tr := a.Text("vi")
			tr.Title, tr.State, tr.UpdatedAt, tr.UpdatedBy = "Đã sửa", knowledge.Reviewed, knNow, "staff:1"
			if err := db.SaveTranslation(ctx, a, &tr, 1, audit.Entry{At: knNow, Actor: "staff:1", Action: "knowledge.text.saved"}); err != nil {
				t.Fatal(err)
			}
			e := entries[0]
			e.Name, e.UpdatedBy = "Police (110)", "staff:1"
			if err := db.UpdateDirectoryEntry(ctx, e, audit.Entry{At: knNow, Actor: "staff:1", Action: "knowledge.directory.updated"}); err != nil {
				t.Fatal(err)
			}
			more := knSeed(t)
			extra := more.Articles[0]
			extra.Slug = "new-seed-article"
			more.Articles = append(more.Articles, extra)
			more.Directory[0].Name = "Police, renamed in the seed"
			if applied, err := db.SeedKnowledge(ctx, more, knNow); err != nil || !applied {
				t.Fatalf("new seed version: %v %v", applied, err)
			}
			if a, err := db.Article(ctx, "emergencies"); err != nil || a.Text("vi").Title != "Đã sửa" || a.Text("vi").State != knowledge.Reviewed {
				t.Errorf("the edited text was overwritten: %v %+v", err, a.Text("vi"))
			}
			if got, _ := db.DirectoryEntry(ctx, e.ID); got.Name != "Police (110)" {
				t.Errorf("the edited entry was overwritten: %q", got.Name)
			}
			if _, err := db.Article(ctx, "new-seed-article"); err != nil {
				t.Errorf("the new seed article was not added: %v", err)
			}
		})
	}
}

// TestKnowledgeSeedConcurrent: processes starting together apply the seed
// once.
func TestKnowledgeSeedConcurrent(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			db, _ := stack.OpenDB(t, engine)
			seed := knSeed(t)
			var wg sync.WaitGroup
			results := make([]bool, 4)
			errs := make([]error, 4)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i], errs[i] = db.SeedKnowledge(context.Background(), seed, knNow)
				}()
			}
			wg.Wait()
			n := 0
			for i := range results {
				if errs[i] != nil {
					t.Errorf("seeder %d: %v", i, errs[i])
				}
				if results[i] {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d seeders applied the seed, want 1", n)
			}
			if c := knAuditCount(t, db, "knowledge.seeded"); c != 1 {
				t.Errorf("%d seed audit entries", c)
			}
		})
	}
}

func TestKnowledgeArticlesAndTexts(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, _ := stack.OpenDB(t, engine)
			entry := func(action string) audit.Entry { return audit.Entry{At: knNow, Actor: "staff:7", Action: action} }
			a := knowledge.Article{Slug: "pay-slips", Stages: []knowledge.Stage{knowledge.InJapan}, Position: 3, SourceLang: "en", CreatedAt: knNow, UpdatedAt: knNow}
			if err := db.CreateArticle(ctx, &a, entry("knowledge.article.created")); err != nil || a.ID == 0 {
				t.Fatalf("create: %v", err)
			}
			dup := a
			err := db.CreateArticle(ctx, &dup, entry("knowledge.article.created"))
			if ae := apperr.As(err); ae.Code != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields[0].Field != "slug" {
				t.Errorf("duplicate slug: %v", err)
			}
			d, _ := knowledge.ParseDate("2026-11-30")
			save := func(lang, title string, base int) (knowledge.Translation, error) {
				tr := knowledge.Translation{Lang: lang, Title: title, Body: "Text " + title, State: knowledge.Draft, LastChecked: d, UpdatedAt: knNow, UpdatedBy: "staff:7"}
				if lang != "en" {
					tr.TranslatedFrom = "en"
				}
				if errs := tr.Validate(knNow); len(errs) > 0 {
					t.Fatalf("validate: %v", errs)
				}
				cur, err := db.Article(ctx, "pay-slips")
				if err != nil {
					t.Fatal(err)
				}
				err = db.SaveTranslation(ctx, cur, &tr, base, entry("knowledge.text.saved"))
				return tr, err
			}
			en, err := save("en", "Pay slips", 0)
			if err != nil || en.Revision != 1 || en.SourceRevision != 1 {
				t.Fatalf("en: %v %+v", err, en)
			}
			vi, err := save("vi", "Phiếu lương", 0)
			if err != nil || vi.Revision != 1 || vi.SourceRevision != 1 {
				t.Fatalf("vi: %v %+v", err, vi)
			}
			if _, err := save("vi", "Again", 0); apperr.CodeOf(err) != apperr.Conflict {
				t.Errorf("stale base: %v", err)
			}
			en, err = save("en", "Pay slips, changed", 1)
			if err != nil || en.Revision != 2 {
				t.Fatalf("en again: %v %+v", err, en)
			}
			// Saving the same content again is not a new revision.
			if same, err := save("en", "Pay slips, changed", 2); err != nil || same.Revision != 2 {
				t.Errorf("unchanged save: %v rev %d", err, same.Revision)
			}
			got, err := db.Article(ctx, "pay-slips")
			if err != nil {
				t.Fatal(err)
			}
			if !got.Outdated(got.Text("vi")) || got.Outdated(got.Text("en")) {
				t.Error("vi should be outdated after the English text changed")
			}
			if vi2, err := save("vi", "Phiếu lương mới", 1); err != nil || vi2.SourceRevision != 2 {
				t.Errorf("vi follows the new source: %v %+v", err, vi2)
			}
			got.Stages, got.Position, got.UpdatedAt = []knowledge.Stage{knowledge.GoingHome}, 9, knNow
			if err := db.UpdateArticle(ctx, got, entry("knowledge.article.updated")); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.Article(ctx, "pay-slips"); !got.HasStage(knowledge.GoingHome) || got.HasStage(knowledge.InJapan) || got.Position != 9 {
				t.Errorf("update: %+v", got)
			}
			if _, err := db.Article(ctx, "nothing"); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("unknown article: %v", err)
			}
			// Directory: create, read back, update, unknown id.
			e := knowledge.Entry{Name: "Shelter", NameLang: "en", Kind: knowledge.KindShelter, Countries: []string{"PH"}, Prefecture: "JP-23",
				Languages: []string{"fil", "en"}, Channels: []knowledge.Channel{{Kind: "phone", Value: "052-000-0000"}}, Hours: "24h",
				Source: "test", LastChecked: d, Active: true, UpdatedAt: knNow, UpdatedBy: "staff:7"}
			if err := db.CreateDirectoryEntry(ctx, &e, entry("knowledge.directory.created")); err != nil || e.ID == 0 {
				t.Fatalf("create entry: %v", err)
			}
			back, err := db.DirectoryEntry(ctx, e.ID)
			if err != nil || back.Name != "Shelter" || back.Prefecture != "JP-23" || len(back.Languages) != 2 || back.Channels[0].Value != "052-000-0000" ||
				back.Key != "" || !back.LastChecked.Equal(d) || back.Hours != "24h" {
				t.Errorf("entry read back: %v %+v", err, back)
			}
			back.Active = false
			if err := db.UpdateDirectoryEntry(ctx, back, entry("knowledge.directory.updated")); err != nil {
				t.Fatal(err)
			}
			if back, _ := db.DirectoryEntry(ctx, e.ID); back.Active {
				t.Error("entry still active")
			}
			back.ID = 999999
			if err := db.UpdateDirectoryEntry(ctx, back, entry("knowledge.directory.updated")); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("unknown entry: %v", err)
			}
			if _, err := db.DirectoryEntry(ctx, 999999); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("unknown entry read: %v", err)
			}
		})
	}
}
