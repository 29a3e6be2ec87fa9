package store

// Corridor statistics: the fee reports as the statistics see them (no text
// a worker wrote, nothing that names them), and the summary table that
// holds every filter's figures so that the public dashboard is one indexed
// read, however many reports there are.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"remedy/internal/recruitment"
)

// StatsInput is what the corridor statistics are computed from besides the
// reports themselves, read in the same consistent snapshot.
type StatsInput struct {
	Reports     int
	Items       []recruitment.ItemLeaf
	Rules       []recruitment.RuleLeaf
	Agencies    []AgencyFinding // each agency's findings by rule and severity
	Fingerprint string
}

// fingerprint is the fee reports' data version (recruitment_stats_version,
// kept by triggers on fee_reports, fee_items and fee_findings): one
// primary-key read, whatever the number of reports.
func fingerprint(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (string, error) {
	var v int64
	if err := q.QueryRowContext(ctx, "SELECT version FROM recruitment_stats_version WHERE id = 1").Scan(&v); err != nil {
		return "", fmt.Errorf("store: stats version: %w", err)
	}
	return "v" + strconv.FormatInt(v, 10), nil
}

// RecruitmentStatsFingerprint returns the current data version of the fee
// reports.
func (db *DB) RecruitmentStatsFingerprint(ctx context.Context) (string, error) {
	return fingerprint(ctx, db.read)
}

// LoadStatsInput passes every fee report's figures to add (streamed: the
// reports are not kept here), and returns the item totals and the
// violations by rule by origin, programme and year, all from one snapshot
// (a read transaction: SQLite's WAL snapshot, PostgreSQL's REPEATABLE
// READ).
//
// Reports, items and findings are each read once in report order (the
// primary key and the report indexes of fee_items and fee_findings) and
// merged here. A GROUP BY with COUNT(DISTINCT report_id) over the items
// joined to their reports did the same in the database, and took some
// thirty times longer on both engines (sorting every item).
func (db *DB) LoadStatsInput(ctx context.Context, add func(recruitment.Observation)) (StatsInput, error) {
	var in StatsInput
	opts := &sql.TxOptions{ReadOnly: true}
	if db.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return in, fmt.Errorf("store: stats snapshot: %w", err)
	}
	defer tx.Rollback()
	if in.Fingerprint, err = fingerprint(ctx, tx); err != nil {
		return in, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, origin_country, program, sex, occupation, report_year,
		COALESCE(agency_org_id, 0), total_cost_jpy, COALESCE(first_month_earnings_jpy, 0), has_violation FROM fee_reports ORDER BY id`)
	if err != nil {
		return in, fmt.Errorf("store: stats reports: %w", err)
	}
	// Codes repeat: keep one copy of each (a lookup by the row's bytes
	// allocates nothing).
	codes := map[string]string{}
	code := func(b sql.RawBytes) string {
		if s, ok := codes[string(b)]; ok {
			return s
		}
		s := string(b)
		codes[s] = s
		return s
	}
	// Each report's (origin, programme, year), by id, for the items and
	// findings that follow.
	type leafKey struct {
		origin, program string
		year            int
	}
	var leaves []leafKey
	leafIdx := map[leafKey]int32{}
	var ids, agencyOf []int64
	var leafOf []int32
	var origin, program, sex, occupation sql.RawBytes
	for rows.Next() {
		var id int64
		var o recruitment.Observation
		var cost, earnings int64
		if err := rows.Scan(&id, &origin, &program, &sex, &occupation, &o.Year, &o.AgencyID, &cost, &earnings, &o.Violation); err != nil {
			rows.Close()
			return in, fmt.Errorf("store: stats reports: %w", err)
		}
		o.Origin, o.Program, o.Sex, o.Occupation = code(origin), code(program), code(sex), code(occupation)
		o.CostJPY, o.EarningsJPY = float64(cost), float64(earnings)
		add(o)
		k := leafKey{o.Origin, o.Program, o.Year}
		li, ok := leafIdx[k]
		if !ok {
			li = int32(len(leaves))
			leaves = append(leaves, k)
			leafIdx[k] = li
		}
		ids = append(ids, id)
		leafOf = append(leafOf, li)
		agencyOf = append(agencyOf, o.AgencyID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, fmt.Errorf("store: stats reports: %w", err)
	}
	in.Reports = len(ids)
	// reportLeaf finds, moving forward only, the leaf of report id (and
	// leaves pos on it).
	pos := 0
	reportLeaf := func(id int64) (int32, bool) {
		for pos < len(ids) && ids[pos] < id {
			pos++
		}
		if pos < len(ids) && ids[pos] == id {
			return leafOf[pos], true
		}
		return 0, false
	}

	// Items paid and not refunded: reports that paid for each kind (once
	// however many items of the kind) and the total, by leaf.
	type leafCode struct {
		leaf int32
		code string
	}
	itemSums := map[leafCode]*recruitment.ItemLeaf{}
	rows, err = tx.QueryContext(ctx, `SELECT report_id, kind, amount_jpy FROM fee_items
		WHERE refunded = FALSE AND amount_jpy > 0 ORDER BY report_id`)
	if err != nil {
		return in, fmt.Errorf("store: stats items: %w", err)
	}
	var kind sql.RawBytes
	var current int64 = -1
	var seen []string // kinds of the current report already counted
	for rows.Next() {
		var id, amount int64
		if err := rows.Scan(&id, &kind, &amount); err != nil {
			rows.Close()
			return in, fmt.Errorf("store: stats items: %w", err)
		}
		leaf, ok := reportLeaf(id)
		if !ok {
			continue
		}
		if id != current {
			current, seen = id, seen[:0]
		}
		k := code(kind)
		lk := leafCode{leaf, k}
		sum := itemSums[lk]
		if sum == nil {
			l := leaves[leaf]
			sum = &recruitment.ItemLeaf{Origin: l.origin, Program: l.program, Year: l.year, Kind: k}
			itemSums[lk] = sum
		}
		sum.SumJPY += float64(amount)
		if !slices.Contains(seen, k) {
			seen = append(seen, k)
			sum.Reports++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, fmt.Errorf("store: stats items: %w", err)
	}
	for _, v := range itemSums {
		in.Items = append(in.Items, *v)
	}

	// Reports with a violation of each rule, by leaf; and each agency's
	// reports with a violation or a concern, by rule.
	ruleSums := map[leafCode]*recruitment.RuleLeaf{}
	type agencyRule struct {
		org            int64
		rule, severity string
	}
	agencySums := map[agencyRule]int{}
	rows, err = tx.QueryContext(ctx, `SELECT report_id, rule_id, severity FROM fee_findings
		WHERE severity IN ('violation', 'concern') ORDER BY report_id`)
	if err != nil {
		return in, fmt.Errorf("store: stats rules: %w", err)
	}
	pos, current, seen = 0, -1, seen[:0]
	var rule, severity sql.RawBytes
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &rule, &severity); err != nil {
			rows.Close()
			return in, fmt.Errorf("store: stats rules: %w", err)
		}
		leaf, ok := reportLeaf(id)
		if !ok {
			continue
		}
		if id != current {
			current, seen = id, seen[:0]
		}
		r, sev := code(rule), code(severity)
		if slices.Contains(seen, sev+" "+r) {
			continue
		}
		seen = append(seen, sev+" "+r)
		if org := agencyOf[pos]; org != 0 {
			agencySums[agencyRule{org, r, sev}]++
		}
		if sev != "violation" {
			continue
		}
		lk := leafCode{leaf, r}
		sum := ruleSums[lk]
		if sum == nil {
			l := leaves[leaf]
			sum = &recruitment.RuleLeaf{Origin: l.origin, Program: l.program, Year: l.year, RuleID: r}
			ruleSums[lk] = sum
		}
		sum.Reports++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, fmt.Errorf("store: stats rules: %w", err)
	}
	for _, v := range ruleSums {
		in.Rules = append(in.Rules, *v)
	}
	for k, n := range agencySums {
		in.Agencies = append(in.Agencies, AgencyFinding{OrgID: k.org, RuleID: k.rule, Severity: k.severity, Reports: n})
	}
	return in, nil
}

// StatsMeta says what the summary table holds, and the fee reports'
// current data version.
type StatsMeta struct {
	Fingerprint  string // the data version the summary was computed from
	Current      string // the fee reports' data version now
	Reports      int
	ComputedAt   time.Time // zero before the first computation
	RefreshUntil time.Time // a refresh is running until then (a lease)
	Dimensions   StatsDimensions
}

// StatsDimensions are the origins, programmes and years the summary has
// figures for, for the dashboard's filters.
type StatsDimensions struct {
	Origins  []string `json:"origins"`
	Programs []string `json:"programs"`
	Years    []int    `json:"years"`
}

// Fresh reports whether the summary is computed and current.
func (m StatsMeta) Fresh() bool { return !m.ComputedAt.IsZero() && m.Fingerprint == m.Current }

// RecruitmentStatsMeta reads the summary's state and the data version in
// one query.
func (db *DB) RecruitmentStatsMeta(ctx context.Context) (StatsMeta, error) {
	var m StatsMeta
	var computed, until, version int64
	var dims string
	err := db.read.QueryRowContext(ctx, `SELECT m.fingerprint, m.reports, m.computed_at, m.refresh_until, m.dimensions, v.version
		FROM recruitment_stats_meta m, recruitment_stats_version v WHERE m.id = 1 AND v.id = 1`).
		Scan(&m.Fingerprint, &m.Reports, &computed, &until, &dims, &version)
	if err != nil {
		return m, fmt.Errorf("store: stats meta: %w", err)
	}
	if computed != 0 {
		m.ComputedAt = fromMillis(computed)
	}
	m.RefreshUntil = fromMillis(until)
	m.Current = "v" + strconv.FormatInt(version, 10)
	if err := json.Unmarshal([]byte(dims), &m.Dimensions); err != nil {
		return m, fmt.Errorf("store: stats dimensions: %w", err)
	}
	return m, nil
}

// ClaimStatsRefresh takes the refresh lease until `until` if no other
// refresh holds it at now; it reports whether this caller got it. Several
// processes on one PostgreSQL thus refresh once.
func (db *DB) ClaimStatsRefresh(ctx context.Context, now, until time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, "UPDATE recruitment_stats_meta SET refresh_until = $1 WHERE id = 1 AND refresh_until < $2",
		millis(until), millis(now))
	if err != nil {
		return false, fmt.Errorf("store: claim stats refresh: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SaveRecruitmentStats replaces the summary table with stats, computed
// from the fee reports in state fp, in one transaction.
func (db *DB) SaveRecruitmentStats(ctx context.Context, fp string, reports int, at time.Time, stats []*recruitment.Stats, agencies []AgencyFinding) error {
	bodies := make([][]byte, len(stats))
	dims := StatsDimensions{Origins: []string{}, Programs: []string{}, Years: []int{}}
	for i, s := range stats {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		bodies[i] = b
		f := s.Filter
		switch {
		case f.Origin != "" && f.Program == "" && f.Year == 0:
			dims.Origins = append(dims.Origins, f.Origin)
		case f.Origin == "" && f.Program != "" && f.Year == 0:
			dims.Programs = append(dims.Programs, f.Program)
		case f.Origin == "" && f.Program == "" && f.Year != 0:
			dims.Years = append(dims.Years, f.Year)
		}
	}
	dimsJSON, err := json.Marshal(dims)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// Lock the meta row first: concurrent saves queue here.
		if _, err := tx.ExecContext(ctx, `UPDATE recruitment_stats_meta SET fingerprint = $1, reports = $2, computed_at = $3,
			refresh_until = 0, dimensions = $4 WHERE id = 1`, fp, reports, millis(at), string(dimsJSON)); err != nil {
			return fmt.Errorf("store: save stats: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM recruitment_stats"); err != nil {
			return fmt.Errorf("store: save stats: %w", err)
		}
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO recruitment_stats (origin, program, year, body) VALUES ($1, $2, $3, $4)")
		if err != nil {
			return fmt.Errorf("store: save stats: %w", err)
		}
		defer stmt.Close()
		for i, s := range stats {
			if _, err := stmt.ExecContext(ctx, s.Filter.Origin, s.Filter.Program, s.Filter.Year, string(bodies[i])); err != nil {
				return fmt.Errorf("store: save stats: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM recruitment_agency_findings"); err != nil {
			return fmt.Errorf("store: save stats: %w", err)
		}
		fstmt, err := tx.PrepareContext(ctx, "INSERT INTO recruitment_agency_findings (org_id, rule_id, severity, reports) VALUES ($1, $2, $3, $4)")
		if err != nil {
			return fmt.Errorf("store: save stats: %w", err)
		}
		defer fstmt.Close()
		for _, f := range agencies {
			if _, err := fstmt.ExecContext(ctx, f.OrgID, f.RuleID, f.Severity, f.Reports); err != nil {
				return fmt.Errorf("store: save stats: %w", err)
			}
		}
		return nil
	})
}

// InvalidateRecruitmentStats marks the summary table as out of date, for
// a change the triggers do not see (an agency merged into another, say).
func (db *DB) InvalidateRecruitmentStats(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, "UPDATE recruitment_stats_version SET version = version + 1 WHERE id = 1")
	if err != nil {
		return fmt.Errorf("store: invalidate stats: %w", err)
	}
	return nil
}

// RecruitmentStats returns one filter's figures from the summary table,
// or nil when no report matches it.
func (db *DB) RecruitmentStats(ctx context.Context, f recruitment.Filter) (*recruitment.Stats, error) {
	var body string
	err := db.read.QueryRowContext(ctx, "SELECT body FROM recruitment_stats WHERE origin = $1 AND program = $2 AND year = $3",
		f.Origin, f.Program, f.Year).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read stats: %w", err)
	}
	var s recruitment.Stats
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		return nil, fmt.Errorf("store: decode stats: %w", err)
	}
	return &s, nil
}

// AgencyFinding counts an agency's fee reports with a finding of one rule
// and severity.
type AgencyFinding struct {
	OrgID    int64
	RuleID   string
	Severity string // violation or concern
	Reports  int
}

// AgencyFeeFindings returns an agency's fee reports with a finding, by
// rule and severity (violations first, then by count), as of the summary.
func (db *DB) AgencyFeeFindings(ctx context.Context, orgID int64) ([]AgencyFinding, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT rule_id, severity, reports FROM recruitment_agency_findings
		WHERE org_id = $1 ORDER BY severity DESC, reports DESC, rule_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: agency findings: %w", err)
	}
	defer rows.Close()
	var out []AgencyFinding
	for rows.Next() {
		f := AgencyFinding{OrgID: orgID}
		if err := rows.Scan(&f.RuleID, &f.Severity, &f.Reports); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FeeReportForReview finds the fee report a receipt opens, for a review:
// its id and the agency it names in the registry (0 when none).
func (db *DB) FeeReportForReview(ctx context.Context, receiptHash []byte) (int64, int64, error) {
	var id, agency int64
	err := db.read.QueryRowContext(ctx, "SELECT id, COALESCE(agency_org_id, 0) FROM fee_reports WHERE receipt_hash = $1", receiptHash).Scan(&id, &agency)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("store: fee report for review: %w", err)
	}
	return id, agency, nil
}
