package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/knowledge"
)

// Articles for workers and their texts in each language (see
// knowledge_seed.go for the seed and knowledge_directory.go for the help
// directory).

const articleColumns = "id, slug, stages, position, source_lang, created_at, updated_at"

const translationColumns = `id, article_id, lang, title, summary, body_md, body_html, state, last_checked,
	machine_translated, translated_from, to_check, revision, source_revision, updated_at, updated_by`

func scanArticle(row interface{ Scan(...any) error }) (knowledge.Article, error) {
	var a knowledge.Article
	var stages string
	var created, updated int64
	if err := row.Scan(&a.ID, &a.Slug, &stages, &a.Position, &a.SourceLang, &created, &updated); err != nil {
		return a, err
	}
	for _, s := range splitList(stages) {
		a.Stages = append(a.Stages, knowledge.Stage(s))
	}
	a.CreatedAt, a.UpdatedAt = fromMillis(created), fromMillis(updated)
	return a, nil
}

func scanTranslation(row interface{ Scan(...any) error }) (knowledge.Translation, error) {
	var t knowledge.Translation
	var state string
	var checked, updated int64
	if err := row.Scan(&t.ID, &t.ArticleID, &t.Lang, &t.Title, &t.Summary, &t.Body, &t.HTML, &state, &checked,
		&t.MachineTranslated, &t.TranslatedFrom, &t.ToCheck, &t.Revision, &t.SourceRevision, &updated, &t.UpdatedBy); err != nil {
		return t, err
	}
	t.State, t.LastChecked, t.UpdatedAt = knowledge.ReviewState(state), fromMillis(checked), fromMillis(updated)
	return t, nil
}

func joinStages(stages []knowledge.Stage) string {
	s := make([]string, len(stages))
	for i, st := range stages {
		s[i] = string(st)
	}
	return strings.Join(s, ",")
}

// Articles returns every article with all its texts, in stage and position
// order, texts in i18n.Supported order.
func (db *DB) Articles(ctx context.Context) ([]knowledge.Article, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+articleColumns+" FROM knowledge_articles ORDER BY position, slug")
	if err != nil {
		return nil, fmt.Errorf("store: list articles: %w", err)
	}
	var out []knowledge.Article
	byID := map[int64]int{}
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: read article: %w", err)
		}
		byID[a.ID] = len(out)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list articles: %w", err)
	}
	trows, err := db.read.QueryContext(ctx, "SELECT "+translationColumns+" FROM knowledge_translations ORDER BY article_id, id")
	if err != nil {
		return nil, fmt.Errorf("store: list article texts: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		t, err := scanTranslation(trows)
		if err != nil {
			return nil, fmt.Errorf("store: read article text: %w", err)
		}
		if i, ok := byID[t.ArticleID]; ok {
			out[i].Translations = append(out[i].Translations, t)
		}
	}
	if err := trows.Err(); err != nil {
		return nil, fmt.Errorf("store: list article texts: %w", err)
	}
	for i := range out {
		knowledge.SortTranslations(out[i].Translations)
	}
	knowledge.SortArticles(out)
	return out, nil
}

// Article returns the article named slug with all its texts, or NotFound.
func (db *DB) Article(ctx context.Context, slug string) (knowledge.Article, error) {
	a, err := scanArticle(db.read.QueryRowContext(ctx, "SELECT "+articleColumns+" FROM knowledge_articles WHERE slug = $1", slug))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return a, fmt.Errorf("store: read article: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+translationColumns+" FROM knowledge_translations WHERE article_id = $1", a.ID)
	if err != nil {
		return a, fmt.Errorf("store: read article texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTranslation(rows)
		if err != nil {
			return a, fmt.Errorf("store: read article text: %w", err)
		}
		a.Translations = append(a.Translations, t)
	}
	if err := rows.Err(); err != nil {
		return a, fmt.Errorf("store: read article texts: %w", err)
	}
	knowledge.SortTranslations(a.Translations)
	return a, nil
}

// slugTaken is the validation error of a slug another article has.
var slugTaken = apperr.Validation([]apperr.FieldError{{Field: "slug", Key: "knowledge.error.slug_taken"}})

// CreateArticle writes a new article (without texts) and audits it; it
// sets a.ID. A slug already in use is a validation error on "slug".
func (db *DB) CreateArticle(ctx context.Context, a *knowledge.Article, entry audit.Entry) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO knowledge_articles (slug, stages, position, source_lang, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			a.Slug, joinStages(a.Stages), a.Position, a.SourceLang, millis(a.CreatedAt)).Scan(&a.ID)
		if err != nil {
			return err
		}
		entry.Detail = fmt.Sprintf("article=%s stages=%s", a.Slug, joinStages(a.Stages))
		return appendAudit(ctx, tx, entry)
	})
	if isUniqueViolation(err) {
		return slugTaken
	}
	if err != nil {
		return fmt.Errorf("store: create article: %w", err)
	}
	return nil
}

// UpdateArticle changes an article's stages and position and audits it.
func (db *DB) UpdateArticle(ctx context.Context, a knowledge.Article, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE knowledge_articles SET stages = $1, position = $2, updated_at = $3 WHERE id = $4",
			joinStages(a.Stages), a.Position, millis(a.UpdatedAt), a.ID)
		if err != nil {
			return fmt.Errorf("store: update article: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		entry.Detail = fmt.Sprintf("article=%s stages=%s position=%d", a.Slug, joinStages(a.Stages), a.Position)
		return appendAudit(ctx, tx, entry)
	})
}

// staleText is the answer to a save based on an older revision than the
// stored one: someone else saved in between.
var staleText = apperr.New(apperr.Conflict, "knowledge.error.stale")

// SaveTranslation writes the text t of article a in t.Lang, created if
// the article has none in that language yet, and audits it, in one
// transaction. base is the revision the editor started from (0 for a new
// text); if the stored text has moved on since, nothing is written and
// the error is a Conflict. A change of title, summary or body makes a new
// revision; a translation is recorded as following the source's current
// revision. t gets its stored id, revisions and times.
func (db *DB) SaveTranslation(ctx context.Context, a knowledge.Article, t *knowledge.Translation, base int, entry audit.Entry) error {
	lock := ""
	if db.engine == Postgres {
		lock = " FOR UPDATE"
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var cur knowledge.Translation
		err := tx.QueryRowContext(ctx, `SELECT id, revision, title, summary, body_md FROM knowledge_translations
			WHERE article_id = $1 AND lang = $2`+lock, a.ID, t.Lang).Scan(&cur.ID, &cur.Revision, &cur.Title, &cur.Summary, &cur.Body)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: read article text: %w", err)
		}
		if cur.Revision != base {
			return staleText
		}
		t.ArticleID = a.ID
		t.Revision = cur.Revision
		if !exists || cur.Title != t.Title || cur.Summary != t.Summary || cur.Body != t.Body {
			t.Revision++
		}
		t.SourceRevision = t.Revision
		if t.Lang != a.SourceLang {
			err := tx.QueryRowContext(ctx, "SELECT revision FROM knowledge_translations WHERE article_id = $1 AND lang = $2",
				a.ID, a.SourceLang).Scan(&t.SourceRevision)
			if errors.Is(err, sql.ErrNoRows) {
				t.SourceRevision = 0
			} else if err != nil {
				return fmt.Errorf("store: read source text: %w", err)
			}
		}
		args := []any{t.Title, t.Summary, t.Body, t.HTML, string(t.State), millis(t.LastChecked), t.MachineTranslated,
			t.TranslatedFrom, t.ToCheck, t.Revision, t.SourceRevision, millis(t.UpdatedAt), t.UpdatedBy}
		if exists {
			t.ID = cur.ID
			_, err = tx.ExecContext(ctx, `UPDATE knowledge_translations SET title = $1, summary = $2, body_md = $3, body_html = $4,
				state = $5, last_checked = $6, machine_translated = $7, translated_from = $8, to_check = $9, revision = $10,
				source_revision = $11, updated_at = $12, updated_by = $13 WHERE id = $14`, append(args, t.ID)...)
		} else {
			err = tx.QueryRowContext(ctx, `INSERT INTO knowledge_translations (title, summary, body_md, body_html, state,
				last_checked, machine_translated, translated_from, to_check, revision, source_revision, updated_at, updated_by,
				article_id, lang) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
				append(args, a.ID, t.Lang)...).Scan(&t.ID)
		}
		if err != nil {
			return fmt.Errorf("store: save article text: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE knowledge_articles SET updated_at = $1 WHERE id = $2", millis(t.UpdatedAt), a.ID); err != nil {
			return fmt.Errorf("store: touch article: %w", err)
		}
		entry.Detail = fmt.Sprintf("article=%s lang=%s state=%s revision=%d last_checked=%s",
			a.Slug, t.Lang, t.State, t.Revision, knowledge.FormatDate(t.LastChecked))
		return appendAudit(ctx, tx, entry)
	})
}

// insertSeedArticle adds a seed article and those of its texts that are
// missing; it never changes what is stored. It returns how many texts it
// added.
func insertSeedArticle(ctx context.Context, tx *sql.Tx, a knowledge.Article, now time.Time) (int, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO knowledge_articles (slug, stages, position, source_lang, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (slug) DO NOTHING`,
		a.Slug, joinStages(a.Stages), a.Position, a.SourceLang, millis(now)); err != nil {
		return 0, fmt.Errorf("store: seed article %s: %w", a.Slug, err)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, "SELECT id FROM knowledge_articles WHERE slug = $1", a.Slug).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: seed article %s: %w", a.Slug, err)
	}
	added := 0
	for _, t := range a.Translations {
		res, err := tx.ExecContext(ctx, `INSERT INTO knowledge_translations (article_id, lang, title, summary, body_md, body_html,
			state, last_checked, machine_translated, translated_from, to_check, revision, source_revision, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (article_id, lang) DO NOTHING`,
			id, t.Lang, t.Title, t.Summary, t.Body, t.HTML, string(t.State), millis(t.LastChecked), t.MachineTranslated,
			t.TranslatedFrom, t.ToCheck, t.Revision, t.SourceRevision, millis(now), knowledge.SeedBy)
		if err != nil {
			return added, fmt.Errorf("store: seed article %s/%s: %w", a.Slug, t.Lang, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
		}
	}
	return added, nil
}
