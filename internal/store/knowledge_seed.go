package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"remedy/internal/audit"
	"remedy/internal/knowledge"
)

// KnowledgeSeeded reports whether the seed of version was applied.
func (db *DB) KnowledgeSeeded(ctx context.Context, version string) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM knowledge_seed WHERE version = $1", version).Scan(&n); err != nil {
		return false, fmt.Errorf("store: read knowledge seed: %w", err)
	}
	return n > 0, nil
}

// SeedKnowledge applies the seed once per version, in one transaction
// with its audit entry: it adds the articles, texts and directory entries
// that are missing (by slug and language, and by seed key) and never
// changes or brings back what editors changed. It reports whether this
// call applied it; several processes may call it at once (the version row
// is written first, so one applies and the others wait, then skip).
func (db *DB) SeedKnowledge(ctx context.Context, seed knowledge.Seed, now time.Time) (bool, error) {
	version := seed.Version()
	if done, err := db.KnowledgeSeeded(ctx, version); err != nil || done {
		return false, err
	}
	applied := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var v string
		err := tx.QueryRowContext(ctx, "INSERT INTO knowledge_seed (version, applied_at) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING RETURNING version",
			version, millis(now)).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // another process applied it
		}
		if err != nil {
			return fmt.Errorf("store: knowledge seed: %w", err)
		}
		texts, entries := 0, 0
		for _, a := range seed.Articles {
			n, err := insertSeedArticle(ctx, tx, a, now)
			if err != nil {
				return err
			}
			texts += n
		}
		for _, e := range seed.Directory {
			added, err := insertSeedEntry(ctx, tx, e, now)
			if err != nil {
				return err
			}
			if added {
				entries++
			}
		}
		applied = true
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: "system", Action: "knowledge.seeded",
			Detail: fmt.Sprintf("version=%s articles=%d texts_added=%d directory_added=%d", version, len(seed.Articles), texts, entries)})
	})
	return applied, err
}
