package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/grievance"
)

// InboxOpen is the Status filter value that keeps every open status.
const InboxOpen = "open"

// InboxFilter narrows the inbox; zero fields do not filter.
type InboxFilter struct {
	Status   string // a grievance status, or InboxOpen
	Risk     string
	Category string
	Origin   string
	Language string
	Program  string
	OrgID    int64 // organisation with a live (not declined) referral
	// Overdue keeps cases flagged overdue, and open cases whose current
	// deadline has passed.
	Overdue bool
}

// InboxCursor is where a page of the inbox starts: after the case ID with
// Deadline (or, when HasDeadline is false, after the case ID among the
// cases without deadline, which come last).
type InboxCursor struct {
	HasDeadline bool
	Deadline    int64 // unix milliseconds
	ID          int64
}

// IsZero reports whether c is the start of the inbox.
func (c InboxCursor) IsZero() bool { return c == InboxCursor{} }

// String is the cursor as an opaque token for URLs.
func (c InboxCursor) String() string {
	s := "n:" + strconv.FormatInt(c.ID, 10)
	if c.HasDeadline {
		s = "d" + strconv.FormatInt(c.Deadline, 10) + ":" + strconv.FormatInt(c.ID, 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// ParseInboxCursor reads a token made by String; "" is the start.
func ParseInboxCursor(token string) (InboxCursor, error) {
	var c InboxCursor
	if token == "" {
		return c, nil
	}
	bad := apperr.Validation([]apperr.FieldError{{Field: "after", Key: "error.invalid_request"}})
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) > 48 {
		return c, bad
	}
	head, id, ok := strings.Cut(string(raw), ":")
	if !ok {
		return c, bad
	}
	if c.ID, err = strconv.ParseInt(id, 10, 64); err != nil || c.ID <= 0 {
		return InboxCursor{}, bad
	}
	switch {
	case head == "n":
	case strings.HasPrefix(head, "d"):
		c.HasDeadline = true
		if c.Deadline, err = strconv.ParseInt(head[1:], 10, 64); err != nil {
			return InboxCursor{}, bad
		}
	default:
		return InboxCursor{}, bad
	}
	return c, nil
}

// InboxCase is one line of the inbox: facts to sort and triage by, never
// anything the worker wrote or anything that names them.
type InboxCase struct {
	ID            int64
	Reference     string
	Status        grievance.Status
	Risk          grievance.Risk
	Language      string
	OriginCountry string
	Program       string
	Categories    []string
	DeadlineAt    time.Time // zero when the current stage has no time limit
	DeadlineKind  string
	// Overdue: flagged by the deadline jobs, or open and past its deadline.
	Overdue   bool
	CreatedAt time.Time
	Referrals []InboxReferral
}

// InboxReferral is a referral of a listed case.
type InboxReferral struct {
	ID      int64
	OrgID   int64
	OrgName string
	Status  grievance.ReferralStatus
	Overdue bool
}

// InboxPage is one page of the inbox; Next is nil on the last page.
type InboxPage struct {
	Cases []InboxCase
	Next  *InboxCursor
}

// MaxInboxPage is the largest page the inbox returns.
const MaxInboxPage = 200

// inboxClosed are the statuses in which a case no longer awaits action.
func inboxClosed() []any {
	var out []any
	for _, s := range grievance.Statuses {
		if !grievance.IsOpen(s) {
			out = append(out, string(s))
		}
	}
	return out
}

// inboxQuery builds a WHERE clause with numbered arguments.
type inboxQuery struct {
	conds []string
	args  []any
}

func (q *inboxQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *inboxQuery) list(vs []any) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = q.arg(v)
	}
	return strings.Join(ps, ", ")
}

func (q *inboxQuery) where(cond string) { q.conds = append(q.conds, cond) }

func (q *inboxQuery) clone() inboxQuery {
	return inboxQuery{conds: slices.Clone(q.conds), args: slices.Clone(q.args)}
}

// inboxScope adds the access policy's scope; false means nothing is visible.
func (q *inboxQuery) scope(s access.Scope) bool {
	switch {
	case s.None:
		return false
	case s.All:
		return true
	case s.CaseID != 0:
		q.where("c.id = " + q.arg(s.CaseID))
		return true
	case s.OrgID != 0:
		q.where(q.referredTo(s.OrgID))
		return true
	}
	return false
}

// referredTo is the condition "the case has a live referral to orgID".
func (q *inboxQuery) referredTo(orgID int64) string {
	return "c.id IN (SELECT r.case_id FROM referrals r WHERE r.org_id = " + q.arg(orgID) +
		" AND r.status <> " + q.arg(string(grievance.ReferralDeclined)) + ")"
}

func (q *inboxQuery) filter(f InboxFilter, now time.Time) {
	switch f.Status {
	case "":
	case InboxOpen:
		q.where("c.status NOT IN (" + q.list(inboxClosed()) + ")")
	default:
		q.where("c.status = " + q.arg(f.Status))
	}
	if f.Risk != "" {
		q.where("c.risk = " + q.arg(f.Risk))
	}
	if f.Category != "" {
		q.where("EXISTS (SELECT 1 FROM case_categories cc WHERE cc.case_id = c.id AND cc.code = " + q.arg(f.Category) + ")")
	}
	if f.Origin != "" {
		q.where("c.origin_country = " + q.arg(f.Origin))
	}
	if f.Language != "" {
		q.where("c.language = " + q.arg(f.Language))
	}
	if f.Program != "" {
		q.where("c.program = " + q.arg(f.Program))
	}
	if f.OrgID != 0 {
		q.where(q.referredTo(f.OrgID))
	}
	if f.Overdue {
		q.where("(c.overdue OR (c.deadline_at < " + q.arg(millis(now)) + " AND c.status NOT IN (" + q.list(inboxClosed()) + ")))")
	}
}

const inboxColumns = `c.id, c.reference, c.status, c.risk, c.language, c.origin_country, c.program,
	c.deadline_at, c.deadline_kind, c.overdue, c.created_at`

// Inbox returns a page of the cases scope lets its actor see, filtered by
// f, sorted by nearest deadline (cases without one last), then by id. It
// pages by keyset, never by OFFSET: a page starts after the cursor, so a
// deep page costs what the first does.
func (db *DB) Inbox(ctx context.Context, scope access.Scope, f InboxFilter, after InboxCursor, limit int, now time.Time) (InboxPage, error) {
	var page InboxPage
	if limit <= 0 || limit > MaxInboxPage {
		limit = MaxInboxPage
	}
	base := inboxQuery{}
	if !base.scope(scope) {
		return page, nil
	}
	base.filter(f, now)

	// The cases with a deadline, in (deadline_at, id) order…
	if after.IsZero() || after.HasDeadline {
		q := base.clone()
		q.conds = append([]string{"c.deadline_at IS NOT NULL"}, q.conds...)
		if after.HasDeadline {
			q.where("(c.deadline_at, c.id) > (" + q.arg(after.Deadline) + ", " + q.arg(after.ID) + ")")
		}
		rows, err := db.inboxRows(ctx, q, "c.deadline_at, c.id", limit+1, now)
		if err != nil {
			return page, err
		}
		page.Cases = rows
	}
	// …then the cases without one, in id order.
	if len(page.Cases) <= limit {
		q := base.clone()
		q.conds = append([]string{"c.deadline_at IS NULL"}, q.conds...)
		if !after.IsZero() && !after.HasDeadline {
			q.where("c.id > " + q.arg(after.ID))
		}
		rows, err := db.inboxRows(ctx, q, "c.id", limit+1-len(page.Cases), now)
		if err != nil {
			return page, err
		}
		page.Cases = append(page.Cases, rows...)
	}
	if len(page.Cases) > limit {
		page.Cases = page.Cases[:limit]
		last := page.Cases[limit-1]
		next := InboxCursor{ID: last.ID}
		if !last.DeadlineAt.IsZero() {
			next.HasDeadline, next.Deadline = true, millis(last.DeadlineAt)
		}
		page.Next = &next
	}
	if err := db.inboxDetails(ctx, scope, page.Cases); err != nil {
		return page, err
	}
	return page, nil
}

func (db *DB) inboxRows(ctx context.Context, q inboxQuery, order string, limit int, now time.Time) ([]InboxCase, error) {
	query := "SELECT " + inboxColumns + " FROM cases c WHERE " + strings.Join(q.conds, " AND ") +
		" ORDER BY " + order + " LIMIT " + strconv.Itoa(limit)
	rows, err := db.read.QueryContext(ctx, query, q.args...)
	if err != nil {
		return nil, fmt.Errorf("store: inbox: %w", err)
	}
	defer rows.Close()
	var out []InboxCase
	for rows.Next() {
		var c InboxCase
		var status, risk string
		var deadline sql.NullInt64
		var created int64
		if err := rows.Scan(&c.ID, &c.Reference, &status, &risk, &c.Language, &c.OriginCountry, &c.Program,
			&deadline, &c.DeadlineKind, &c.Overdue, &created); err != nil {
			return nil, fmt.Errorf("store: inbox: %w", err)
		}
		c.Status, c.Risk, c.CreatedAt = grievance.Status(status), grievance.Risk(risk), fromMillis(created)
		if deadline.Valid {
			c.DeadlineAt = fromMillis(deadline.Int64)
			if grievance.IsOpen(c.Status) && deadline.Int64 < millis(now) {
				c.Overdue = true
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// inboxDetails adds the categories and referrals of a page's cases, in two
// queries for the whole page. An organisation other than the mechanism sees
// only its own referral of each case.
func (db *DB) inboxDetails(ctx context.Context, scope access.Scope, cases []InboxCase) error {
	if len(cases) == 0 {
		return nil
	}
	at := make(map[int64]int, len(cases))
	q := inboxQuery{}
	ids := make([]any, len(cases))
	for i, c := range cases {
		at[c.ID], ids[i] = i, c.ID
	}
	in := q.list(ids)
	rows, err := db.read.QueryContext(ctx, "SELECT case_id, code FROM case_categories WHERE case_id IN ("+in+")", q.args...)
	if err != nil {
		return fmt.Errorf("store: inbox categories: %w", err)
	}
	found := map[int64]map[string]bool{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return fmt.Errorf("store: inbox categories: %w", err)
		}
		if found[id] == nil {
			found[id] = map[string]bool{}
		}
		found[id][code] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: inbox categories: %w", err)
	}
	for i := range cases {
		// The taxonomy's order, whatever order the engine returns.
		for _, cat := range grievance.Categories {
			if found[cases[i].ID][cat.Code] {
				cases[i].Categories = append(cases[i].Categories, cat.Code)
			}
		}
	}

	query := `SELECT r.case_id, r.id, r.org_id, o.name, r.status, r.overdue FROM referrals r
		JOIN organizations o ON o.id = r.org_id WHERE r.case_id IN (` + in + ")"
	if !scope.All {
		query += " AND r.org_id = " + q.arg(scope.OrgID)
	}
	rows, err = db.read.QueryContext(ctx, query+" ORDER BY r.case_id, r.id", q.args...)
	if err != nil {
		return fmt.Errorf("store: inbox referrals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID int64
		var r InboxReferral
		var status string
		if err := rows.Scan(&caseID, &r.ID, &r.OrgID, &r.OrgName, &status, &r.Overdue); err != nil {
			return fmt.Errorf("store: inbox referrals: %w", err)
		}
		r.Status = grievance.ReferralStatus(status)
		c := &cases[at[caseID]]
		c.Referrals = append(c.Referrals, r)
	}
	return rows.Err()
}
