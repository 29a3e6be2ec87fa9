package store

import (
	"context"
	"fmt"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/workplan"
)

// The plan's computed indicators read the case data through these three
// queries. They return aggregate figures only, never a case, a reference
// or anything a worker wrote, so they need no case scope: the figures are
// the same for every reader and are shown publicly, suppressed below
// workplan.MinCases.

// wpCaseWhere builds the filter of a case query on the cases table c.
func wpCaseWhere(q workplan.CaseQuery, args []any) (string, []any) {
	where := ""
	if q.Language != "" {
		args = append(args, q.Language)
		where += fmt.Sprintf(" AND c.language = $%d", len(args))
	}
	if q.OriginCountry != "" {
		args = append(args, q.OriginCountry)
		where += fmt.Sprintf(" AND c.origin_country = $%d", len(args))
	}
	if !q.Since.IsZero() {
		args = append(args, millis(q.Since))
		where += fmt.Sprintf(" AND c.created_at >= $%d", len(args))
	}
	return where, args
}

// PlanRemedyDurations returns, for each case whose remedy was implemented,
// the time from its receipt to the remedy (for the median days to remedy).
func (db *DB) PlanRemedyDurations(ctx context.Context, q workplan.CaseQuery) ([]time.Duration, error) {
	where, args := wpCaseWhere(q, nil)
	rows, err := db.read.QueryContext(ctx, "SELECT c.remedy_implemented_at - c.created_at FROM cases c WHERE c.remedy_implemented_at IS NOT NULL"+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: remedy durations: %w", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var ms int64
		if err := rows.Scan(&ms); err != nil {
			return nil, err
		}
		out = append(out, time.Duration(ms)*time.Millisecond)
	}
	return out, rows.Err()
}

// PlanAcknowledgement counts the cases whose acknowledgement was due by now
// (acknowledged, or past the deadline without it) and those acknowledged by
// their deadline. Withdrawn cases that were never acknowledged do not count.
func (db *DB) PlanAcknowledgement(ctx context.Context, q workplan.CaseQuery, now time.Time) (onTime, due int, err error) {
	args := []any{millis(now), string(grievance.StatusWithdrawn)}
	where, args := wpCaseWhere(q, args)
	err = db.read.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN c.acknowledged_at IS NOT NULL AND c.acknowledged_at <= c.acknowledge_by THEN 1 ELSE 0 END), 0),
		COUNT(*)
		FROM cases c
		WHERE (c.acknowledged_at IS NOT NULL OR (c.acknowledge_by <= $1 AND c.status <> $2))`+where, args...).Scan(&onTime, &due)
	if err != nil {
		return 0, 0, fmt.Errorf("store: acknowledgement: %w", err)
	}
	return onTime, due, nil
}

// PlanGrievanceCount counts the grievances filed that match q.
func (db *DB) PlanGrievanceCount(ctx context.Context, q workplan.CaseQuery) (int, error) {
	where, args := wpCaseWhere(q, nil)
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases c WHERE 1 = 1"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: grievance count: %w", err)
	}
	return n, nil
}
