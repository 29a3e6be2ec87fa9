package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/org"
)

// CreateOrganization writes a new organisation and audits it; it sets o.ID.
func (db *DB) CreateOrganization(ctx context.Context, o *org.Organization, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "INSERT INTO organizations (name, type, country, languages, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
			o.Name, string(o.Type), o.Country, strings.Join(o.Languages, ","), millis(o.CreatedAt)).Scan(&o.ID)
		if err != nil {
			return fmt.Errorf("store: insert organization: %w", err)
		}
		entry.Detail = fmt.Sprintf("org=%d type=%s country=%s", o.ID, o.Type, o.Country)
		return appendAudit(ctx, tx, entry)
	})
}

const orgColumns = "id, name, type, country, languages, created_at"

func scanOrg(row interface{ Scan(...any) error }) (org.Organization, error) {
	var o org.Organization
	var typ, langs string
	var created int64
	if err := row.Scan(&o.ID, &o.Name, &typ, &o.Country, &langs, &created); err != nil {
		return o, err
	}
	o.Type, o.CreatedAt = org.Type(typ), fromMillis(created)
	if langs != "" {
		o.Languages = splitList(langs)
	}
	return o, nil
}

// Organization returns the organisation with id, or NotFound.
func (db *DB) Organization(ctx context.Context, id int64) (org.Organization, error) {
	o, err := scanOrg(db.read.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organizations WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return o, fmt.Errorf("store: read organization: %w", err)
	}
	return o, nil
}

// Organizations returns every organisation, by name.
func (db *DB) Organizations(ctx context.Context) ([]org.Organization, error) {
	return queryAll(ctx, db.read, "list organizations", scanOrg, "SELECT "+orgColumns+" FROM organizations ORDER BY name, id")
}
