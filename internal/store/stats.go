package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"remedy/internal/access"
	"remedy/internal/grievance"
	"remedy/internal/stats"
)

// The effectiveness report reads every case of a period once. Correlated
// subqueries (a lookup per case and per table) cost seconds at a million
// cases, so the cases and the rows that hang off them (categories,
// referrals, remedies, feedback) are read as separate streams, each in case
// id order through an index, and merged here: one pass over each table.

// effSide is one stream of rows keyed by case id, in case id order. Each
// row is scanned into the side's typed destinations (no boxing per value).
type effSide struct {
	rows  *sql.Rows
	more  bool
	id    int64
	dest  []any
	err   error
	label string
}

// effOpenSide runs query, whose first column is the case id and whose
// other columns are scanned into dest.
func (db *DB) effOpenSide(ctx context.Context, label, query string, dest []any, args ...any) (*effSide, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: effectiveness %s: %w", label, err)
	}
	s := &effSide{rows: rows, label: label}
	s.dest = append([]any{&s.id}, dest...)
	s.advance()
	return s, s.err
}

// advance reads the next row.
func (s *effSide) advance() {
	if s.more = s.rows.Next(); !s.more {
		if err := s.rows.Err(); err != nil {
			s.err = fmt.Errorf("store: effectiveness %s: %w", s.label, err)
		}
		return
	}
	if err := s.rows.Scan(s.dest...); err != nil {
		s.err, s.more = fmt.Errorf("store: effectiveness %s: %w", s.label, err), false
	}
}

// each calls fn for every row of case id (its values are in the side's
// destinations), skipping rows of earlier cases (outside the period or
// the scope).
func (s *effSide) each(id int64, fn func()) error {
	if s == nil {
		return nil
	}
	for s.more && s.id < id {
		s.advance()
	}
	for s.more && s.id == id {
		fn()
		s.advance()
	}
	return s.err
}

func (s *effSide) close() {
	if s != nil {
		s.rows.Close()
	}
}

// EffectivenessCases calls fn, in case id order, with what the
// effectiveness report needs of each case received in [from, to) that
// scope lets its actor see: its group keys for the dimension by, its
// milestones, its current stage, the kinds of remedy proposed or carried
// out (refused and withdrawn proposals left out), and the worker's latest
// rating and whether they ever reported retaliation. Nothing the worker
// wrote. The slices in the case passed to fn are reused: fn must not keep
// them.
func (db *DB) EffectivenessCases(ctx context.Context, scope access.Scope, by string, from, to time.Time, fn func(stats.Case) error) error {
	if !stats.IsDimension(by) {
		return fmt.Errorf("store: unknown statistics dimension %q", by)
	}
	q := inboxQuery{}
	if !q.scope(scope) {
		return nil
	}
	// The id range of the period, from the index on created_at, bounds
	// every stream.
	var lo, hi sql.NullInt64
	if err := db.read.QueryRowContext(ctx, "SELECT MIN(id), MAX(id) FROM cases WHERE created_at >= $1 AND created_at < $2",
		millis(from), millis(to)).Scan(&lo, &hi); err != nil {
		return fmt.Errorf("store: effectiveness: %w", err)
	}
	if !lo.Valid {
		return nil
	}
	group := "''"
	switch by {
	case stats.ByLanguage:
		group = "c.language"
	case stats.ByOrigin:
		group = "c.origin_country"
	case stats.ByProgram:
		group = "c.program"
	}
	q.where("c.id >= " + q.arg(lo.Int64))
	q.where("c.id <= " + q.arg(hi.Int64))
	// "+" keeps the planner on the id range rather than the created_at
	// index, so that rows come in id order without a sort.
	q.where("+c.created_at >= " + q.arg(millis(from)))
	q.where("+c.created_at < " + q.arg(millis(to)))
	cases, err := db.read.QueryContext(ctx, `SELECT c.id, c.status, c.created_at, c.acknowledged_at, c.first_response_at,
		c.remedy_implemented_at, c.deadline_kind, c.deadline_at, c.overdue, `+group+`
		FROM cases c WHERE `+strings.Join(q.conds, " AND ")+" ORDER BY c.id", q.args...)
	if err != nil {
		return fmt.Errorf("store: effectiveness: %w", err)
	}
	defer cases.Close()

	var sides []*effSide
	defer func() {
		for _, s := range sides {
			s.close()
		}
	}()
	open := func(label, query string, dest []any, args ...any) (*effSide, error) {
		s, err := db.effOpenSide(ctx, label, query, dest, append([]any{lo.Int64, hi.Int64}, args...)...)
		if s != nil {
			sides = append(sides, s)
		}
		return s, err
	}
	var (
		groupSide                *effSide
		code, remedyType         string
		orgID, rating, retaliate int64
		orgKeys                  = map[int64]string{}
	)
	switch by {
	case stats.ByCategory:
		groupSide, err = open("categories", "SELECT case_id, code FROM case_categories WHERE case_id >= $1 AND case_id <= $2 ORDER BY case_id",
			[]any{&code})
	case stats.ByOrganization:
		groupSide, err = open("referrals", `SELECT case_id, org_id FROM referrals WHERE case_id >= $1 AND case_id <= $2 AND status <> $3
			ORDER BY case_id`, []any{&orgID}, string(grievance.ReferralDeclined))
	}
	if err != nil {
		return err
	}
	remedies, err := open("remedies", `SELECT case_id, type FROM remedies WHERE case_id >= $1 AND case_id <= $2 AND status <> $3 AND status <> $4
		ORDER BY case_id`, []any{&remedyType}, string(grievance.RemedyRefused), string(grievance.RemedyWithdrawn))
	if err != nil {
		return err
	}
	feedback, err := open("feedback", `SELECT case_id, satisfaction, CASE WHEN retaliation THEN 1 ELSE 0 END FROM feedback
		WHERE case_id >= $1 AND case_id <= $2 ORDER BY case_id, round`, []any{&rating, &retaliate})
	if err != nil {
		return err
	}
	groupKey := func() string {
		if by == stats.ByCategory {
			return code
		}
		k, ok := orgKeys[orgID]
		if !ok {
			k = strconv.FormatInt(orgID, 10)
			orgKeys[orgID] = k
		}
		return k
	}

	var (
		id, created                int64
		status, kind, single       string
		ack, first, impl, deadline sql.NullInt64
		overdue                    bool
		c                          stats.Case
		groups, types              []string
	)
	for cases.Next() {
		if err := cases.Scan(&id, &status, &created, &ack, &first, &impl, &kind, &deadline, &overdue, &single); err != nil {
			return fmt.Errorf("store: effectiveness: %w", err)
		}
		groups, types = groups[:0], types[:0]
		c = stats.Case{
			Open: grievance.IsOpen(grievance.Status(status)), Received: fromMillis(created),
			Acknowledged: effTime(ack), FirstResponse: effTime(first), RemedyImplemented: effTime(impl),
			Stage: kind, Deadline: effTime(deadline), OverdueFlag: overdue,
		}
		switch by {
		case stats.ByLanguage, stats.ByOrigin, stats.ByProgram:
			groups = append(groups, single)
		}
		if err := groupSide.each(id, func() { groups = append(groups, groupKey()) }); err != nil {
			return err
		}
		if err := remedies.each(id, func() { types = append(types, remedyType) }); err != nil {
			return err
		}
		if err := feedback.each(id, func() {
			c.Satisfaction = int(rating) // rounds in order: the last is the latest
			c.Retaliation = c.Retaliation || retaliate != 0
		}); err != nil {
			return err
		}
		c.Groups, c.RemedyTypes = groups, types
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := cases.Err(); err != nil {
		return fmt.Errorf("store: effectiveness: %w", err)
	}
	return nil
}

// EffectivenessReferrals calls fn with each referral sent in [from, to) of
// a case that scope lets its actor see, keyed by the organisation's id.
func (db *DB) EffectivenessReferrals(ctx context.Context, scope access.Scope, from, to time.Time, fn func(stats.Referral) error) error {
	q := inboxQuery{}
	if !q.scope(scope) {
		return nil
	}
	q.where("r.sent_at >= " + q.arg(millis(from)))
	q.where("r.sent_at < " + q.arg(millis(to)))
	query := "SELECT r.org_id, r.sent_at, r.acknowledge_by, r.acknowledged_at, r.overdue FROM referrals r"
	if !scope.All {
		query += " JOIN cases c ON c.id = r.case_id"
	}
	rows, err := db.read.QueryContext(ctx, query+" WHERE "+strings.Join(q.conds, " AND "), q.args...)
	if err != nil {
		return fmt.Errorf("store: effectiveness referrals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var orgID, sent, ackBy int64
		var acked sql.NullInt64
		var overdue bool
		if err := rows.Scan(&orgID, &sent, &ackBy, &acked, &overdue); err != nil {
			return fmt.Errorf("store: effectiveness referrals: %w", err)
		}
		if err := fn(stats.Referral{Org: strconv.FormatInt(orgID, 10), SentAt: fromMillis(sent), AcknowledgeBy: fromMillis(ackBy),
			Acknowledged: effTime(acked), OverdueFlag: overdue}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: effectiveness referrals: %w", err)
	}
	return nil
}

func effTime(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromMillis(n.Int64)
}
