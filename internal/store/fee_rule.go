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
	"remedy/internal/recruitment"
)

// FeeRules returns every version of every fee rule, ordered by id and
// version. effective_to and superseded_by come from their columns.
func (db *DB) FeeRules(ctx context.Context) (recruitment.RuleSet, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, version, effective_to, superseded_by, body
		FROM fee_rules ORDER BY id, version`)
	if err != nil {
		return nil, fmt.Errorf("store: read fee rules: %w", err)
	}
	defer rows.Close()
	var out recruitment.RuleSet
	for rows.Next() {
		var id, to, body string
		var version int
		var by sql.NullInt64
		if err := rows.Scan(&id, &version, &to, &by, &body); err != nil {
			return nil, err
		}
		var r recruitment.Rule
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, fmt.Errorf("store: fee rule %s@%d: %w", id, version, err)
		}
		r.ID, r.Version, r.EffectiveTo, r.SupersededBy = id, version, to, int(by.Int64)
		out = append(out, r)
	}
	return out, rows.Err()
}

// FeeRuleKeys returns the "id@version" of every stored rule version.
func (db *DB) FeeRuleKeys(ctx context.Context) (map[string]bool, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, version FROM fee_rules")
	if err != nil {
		return nil, fmt.Errorf("store: read fee rules: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var r recruitment.Rule
		if err := rows.Scan(&r.ID, &r.Version); err != nil {
			return nil, err
		}
		out[r.Key()] = true
	}
	return out, rows.Err()
}

func insertFeeRule(ctx context.Context, tx *sql.Tx, r recruitment.Rule, by string, now time.Time, ignoreDup bool) (bool, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return false, err
	}
	var superseded any
	if r.SupersededBy > 0 {
		superseded = r.SupersededBy
	}
	q := `INSERT INTO fee_rules (id, version, status, confidence, origin, programs, effective_from, effective_to,
		source, body, superseded_by, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`
	if ignoreDup {
		q += " ON CONFLICT (id, version) DO NOTHING"
	}
	res, err := tx.ExecContext(ctx, q, r.ID, r.Version, r.Status, r.Confidence, r.Origin, strings.Join(r.Programs, ","),
		r.EffectiveFrom, r.EffectiveTo, r.SourceURL, string(body), superseded, millis(now), by)
	if isUniqueViolation(err) {
		return false, apperr.Validation([]apperr.FieldError{{Field: "version", Key: "fees.error.rule_version_exists", Args: []any{r.Key()}}})
	}
	if err != nil {
		return false, fmt.Errorf("store: insert fee rule: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// EnsureFeeRules inserts the rule versions of rules that are not stored
// yet (the bundled fee-rules.json), in one transaction with one audit
// entry when anything was added. Concurrent callers add each version once.
// It returns how many versions it added.
func (db *DB) EnsureFeeRules(ctx context.Context, rules []recruitment.Rule, now time.Time) (int, error) {
	added := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		added = 0
		for _, r := range rules {
			ok, err := insertFeeRule(ctx, tx, r, "bundled", now, true)
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		if added == 0 {
			return nil
		}
		return appendAudit(ctx, tx, audit.Entry{At: now, Actor: "system", Action: "fee_rules.bundled",
			Detail: fmt.Sprintf("versions=%d", added)})
	})
	return added, err
}

// AddFeeRuleVersions stores new rule versions and the earlier versions
// they close (their effective_to and superseded_by), in one transaction
// with entry. A version that exists already is a validation error.
func (db *DB) AddFeeRuleVersions(ctx context.Context, added, closed []recruitment.Rule, by string, now time.Time, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range closed {
			res, err := tx.ExecContext(ctx, `UPDATE fee_rules SET effective_to = $1, superseded_by = $2 WHERE id = $3 AND version = $4`,
				c.EffectiveTo, c.SupersededBy, c.ID, c.Version)
			if err != nil {
				return fmt.Errorf("store: close fee rule: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return apperr.New(apperr.Conflict, "error.conflict")
			}
		}
		for _, r := range added {
			if _, err := insertFeeRule(ctx, tx, r, by, now, false); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, entry)
	})
}

// ExchangeRates returns the rates admins imported.
func (db *DB) ExchangeRates(ctx context.Context) ([]recruitment.Rate, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT month, currency, per_usd, source FROM exchange_rates ORDER BY month, currency")
	if err != nil {
		return nil, fmt.Errorf("store: read exchange rates: %w", err)
	}
	defer rows.Close()
	var out []recruitment.Rate
	for rows.Next() {
		var r recruitment.Rate
		if err := rows.Scan(&r.Month, &r.Currency, &r.PerUSD, &r.Source); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutExchangeRates adds or replaces imported rates, with their audit entry.
func (db *DB) PutExchangeRates(ctx context.Context, rates []recruitment.Rate, now time.Time, entry audit.Entry) error {
	if len(rates) == 0 {
		return errors.New("store: no rates")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range rates {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exchange_rates (month, currency, per_usd, source, updated_at)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month, currency)
				DO UPDATE SET per_usd = excluded.per_usd, source = excluded.source, updated_at = excluded.updated_at`,
				r.Month, r.Currency, r.PerUSD, r.Source, millis(now)); err != nil {
				return fmt.Errorf("store: put exchange rate: %w", err)
			}
		}
		return appendAudit(ctx, tx, entry)
	})
}
