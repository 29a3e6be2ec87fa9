package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/knowledge"
)

// The help directory: organisations, lines and offices that help workers.

const directoryColumns = `id, seed_key, name, name_lang, kind, countries, prefecture, nationwide, languages, channels,
	hours, note, source, last_checked, active, position, updated_at, updated_by`

func scanEntry(row interface{ Scan(...any) error }) (knowledge.Entry, error) {
	var e knowledge.Entry
	var key sql.NullString
	var kind, countries, langs, channels string
	var checked, updated int64
	if err := row.Scan(&e.ID, &key, &e.Name, &e.NameLang, &kind, &countries, &e.Prefecture, &e.Nationwide, &langs, &channels,
		&e.Hours, &e.Note, &e.Source, &checked, &e.Active, &e.Position, &updated, &e.UpdatedBy); err != nil {
		return e, err
	}
	e.Key, e.Kind = key.String, knowledge.Kind(kind)
	e.Countries, e.Languages = splitList(countries), splitList(langs)
	if err := json.Unmarshal([]byte(channels), &e.Channels); err != nil {
		return e, fmt.Errorf("store: directory entry %d channels: %w", e.ID, err)
	}
	e.LastChecked, e.UpdatedAt = fromMillis(checked), fromMillis(updated)
	return e, nil
}

// entryArgs are the stored columns of e after seed_key, in directoryColumns
// order up to updated_by (without id, seed_key and created_at).
func entryArgs(e knowledge.Entry) ([]any, error) {
	channels, err := json.Marshal(e.Channels)
	if err != nil {
		return nil, err
	}
	if e.Channels == nil {
		channels = []byte("[]")
	}
	return []any{e.Name, e.NameLang, string(e.Kind), strings.Join(e.Countries, ","), e.Prefecture, e.Nationwide,
		strings.Join(e.Languages, ","), string(channels), e.Hours, e.Note, e.Source, millis(e.LastChecked), e.Active,
		e.Position, millis(e.UpdatedAt), e.UpdatedBy}, nil
}

// DirectoryEntries returns every entry of the directory, active or not, by
// kind and position.
func (db *DB) DirectoryEntries(ctx context.Context) ([]knowledge.Entry, error) {
	return queryAll(ctx, db.read, "list directory", scanEntry, "SELECT "+directoryColumns+" FROM directory_entries ORDER BY position, id")
}

// DirectoryEntry returns one entry, or NotFound.
func (db *DB) DirectoryEntry(ctx context.Context, id int64) (knowledge.Entry, error) {
	e, err := scanEntry(db.read.QueryRowContext(ctx, "SELECT "+directoryColumns+" FROM directory_entries WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return e, fmt.Errorf("store: read directory entry: %w", err)
	}
	return e, nil
}

// CreateDirectoryEntry writes a new entry and audits it; it sets e.ID.
func (db *DB) CreateDirectoryEntry(ctx context.Context, e *knowledge.Entry, entry audit.Entry) error {
	args, err := entryArgs(*e)
	if err != nil {
		return err
	}
	var key any
	if e.Key != "" {
		key = e.Key
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO directory_entries (name, name_lang, kind, countries, prefecture, nationwide,
			languages, channels, hours, note, source, last_checked, active, position, updated_at, updated_by, seed_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $15) RETURNING id`,
			append(args, key)...).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("store: create directory entry: %w", err)
		}
		entry.Detail = fmt.Sprintf("directory=%d kind=%s", e.ID, e.Kind)
		return appendAudit(ctx, tx, entry)
	})
}

// UpdateDirectoryEntry saves an edited entry and audits it.
func (db *DB) UpdateDirectoryEntry(ctx context.Context, e knowledge.Entry, entry audit.Entry) error {
	args, err := entryArgs(e)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE directory_entries SET name = $1, name_lang = $2, kind = $3, countries = $4,
			prefecture = $5, nationwide = $6, languages = $7, channels = $8, hours = $9, note = $10, source = $11,
			last_checked = $12, active = $13, position = $14, updated_at = $15, updated_by = $16 WHERE id = $17`,
			append(args, e.ID)...)
		if err != nil {
			return fmt.Errorf("store: update directory entry: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		entry.Detail = fmt.Sprintf("directory=%d kind=%s active=%t", e.ID, e.Kind, e.Active)
		return appendAudit(ctx, tx, entry)
	})
}

// insertSeedEntry adds a seed entry unless its key is already stored; it
// reports whether it added one.
func insertSeedEntry(ctx context.Context, tx *sql.Tx, e knowledge.Entry, now time.Time) (bool, error) {
	e.UpdatedAt, e.UpdatedBy = now, knowledge.SeedBy
	args, err := entryArgs(e)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO directory_entries (name, name_lang, kind, countries, prefecture, nationwide,
		languages, channels, hours, note, source, last_checked, active, position, updated_at, updated_by, seed_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $15) ON CONFLICT (seed_key) DO NOTHING`,
		append(args, e.Key)...)
	if err != nil {
		return false, fmt.Errorf("store: seed directory %s: %w", e.Key, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
