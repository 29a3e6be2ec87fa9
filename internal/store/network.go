package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"remedy/internal/audit"
	"remedy/internal/workplan"
)

// NetworkFilter selects resources or events of the regional network.
// Empty fields match anything.
type NetworkFilter struct {
	AreaID   int64
	Country  string
	Language string // resources only
	Kind     string // resources only
	EventID  int64  // resources only: those of this event
	// Private includes what is not public (for staff).
	Private bool
}

const (
	wpTagArea     = "area"
	wpTagCountry  = "country"
	wpTagLanguage = "language"
)

func wpWriteTags(ctx context.Context, tx *sql.Tx, owner string, id int64, areas []int64, countries, languages []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM network_tags WHERE owner = $1 AND owner_id = $2", owner, id); err != nil {
		return fmt.Errorf("store: clear tags: %w", err)
	}
	add := func(kind, value string) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO network_tags (owner, owner_id, kind, value) VALUES ($1, $2, $3, $4)", owner, id, kind, value)
		if isUniqueViolation(err) {
			return nil
		}
		return err
	}
	for _, a := range areas {
		if err := add(wpTagArea, strconv.FormatInt(a, 10)); err != nil {
			return fmt.Errorf("store: tag: %w", err)
		}
	}
	for _, c := range countries {
		if err := add(wpTagCountry, c); err != nil {
			return fmt.Errorf("store: tag: %w", err)
		}
	}
	for _, l := range languages {
		if err := add(wpTagLanguage, l); err != nil {
			return fmt.Errorf("store: tag: %w", err)
		}
	}
	return nil
}

type wpTags struct {
	areas     []int64
	countries []string
	languages []string
}

func (db *DB) wpReadTags(ctx context.Context, owner string) (map[int64]*wpTags, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT owner_id, kind, value FROM network_tags WHERE owner = $1 ORDER BY owner_id, kind, value", owner)
	if err != nil {
		return nil, fmt.Errorf("store: tags: %w", err)
	}
	defer rows.Close()
	out := map[int64]*wpTags{}
	for rows.Next() {
		var id int64
		var kind, value string
		if err := rows.Scan(&id, &kind, &value); err != nil {
			return nil, err
		}
		t := out[id]
		if t == nil {
			t = &wpTags{}
			out[id] = t
		}
		switch kind {
		case wpTagArea:
			if n, err := strconv.ParseInt(value, 10, 64); err == nil {
				t.areas = append(t.areas, n)
			}
		case wpTagCountry:
			t.countries = append(t.countries, value)
		case wpTagLanguage:
			t.languages = append(t.languages, value)
		}
	}
	return out, rows.Err()
}

// wpTagWhere filters owner rows (alias x) by tags.
func wpTagWhere(owner string, f NetworkFilter, args []any) (string, []any) {
	where := ""
	tag := func(kind, value string) {
		args = append(args, owner, kind, value)
		n := len(args)
		where += fmt.Sprintf(" AND EXISTS (SELECT 1 FROM network_tags t WHERE t.owner = $%d AND t.owner_id = x.id AND t.kind = $%d AND t.value = $%d)", n-2, n-1, n)
	}
	if f.AreaID != 0 {
		tag(wpTagArea, strconv.FormatInt(f.AreaID, 10))
	}
	if f.Country != "" {
		tag(wpTagCountry, f.Country)
	}
	if f.Language != "" {
		tag(wpTagLanguage, f.Language)
	}
	if !f.Private {
		where += " AND x.public = TRUE"
	}
	return where, args
}

// CreateNetworkResource writes a new resource, with its file if any (at
// most workplan.MaxFile bytes, already checked), and audits it.
func (db *DB) CreateNetworkResource(ctx context.Context, r *workplan.Resource, file []byte, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO network_resources (kind, lang, title, description, url, file_name, content_type, size,
			published, event_id, public, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			string(r.Kind), r.Lang, r.Title, r.Description, r.URL, r.FileName, r.ContentType, r.Size, r.Published, wpNullID(r.EventID),
			r.Public, wpNullID(by.PersonID), millis(by.At)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("store: insert resource: %w", err)
		}
		if file != nil {
			if _, err := tx.ExecContext(ctx, "INSERT INTO network_files (resource_id, content) VALUES ($1, $2)", r.ID, file); err != nil {
				return fmt.Errorf("store: insert file: %w", err)
			}
		}
		if err := wpWriteTags(ctx, tx, workplan.OwnerResource, r.ID, r.Areas, r.Countries, r.Languages); err != nil {
			return err
		}
		r.CreatedBy, r.CreatedAt, r.UpdatedAt = by.PersonID, by.At, by.At
		return appendAudit(ctx, tx, audit.Entry{At: by.At, Actor: by.Actor, Action: "network.resource.created",
			Detail: fmt.Sprintf("resource=%d kind=%s size=%d type=%s", r.ID, r.Kind, r.Size, r.ContentType)})
	})
}

// UpdateNetworkResource changes a resource. A nil file keeps the file it
// has, if any; a link (r.URL) replaces a file, and a file a link.
func (db *DB) UpdateNetworkResource(ctx context.Context, r *workplan.Resource, file []byte, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE network_resources SET kind = $1, lang = $2, title = $3, description = $4, url = $5,
			file_name = $6, content_type = $7, size = $8, published = $9, event_id = $10, public = $11, updated_at = $12 WHERE id = $13`,
			string(r.Kind), r.Lang, r.Title, r.Description, r.URL, r.FileName, r.ContentType, r.Size, r.Published, wpNullID(r.EventID),
			r.Public, millis(by.At), r.ID)
		if err != nil {
			return fmt.Errorf("store: update resource: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return wpNotFound()
		}
		if file != nil || r.URL != "" {
			if _, err := tx.ExecContext(ctx, "DELETE FROM network_files WHERE resource_id = $1", r.ID); err != nil {
				return err
			}
		}
		if file != nil {
			if _, err := tx.ExecContext(ctx, "INSERT INTO network_files (resource_id, content) VALUES ($1, $2)", r.ID, file); err != nil {
				return fmt.Errorf("store: insert file: %w", err)
			}
		}
		if err := wpWriteTags(ctx, tx, workplan.OwnerResource, r.ID, r.Areas, r.Countries, r.Languages); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit.Entry{At: by.At, Actor: by.Actor, Action: "network.resource.updated",
			Detail: fmt.Sprintf("resource=%d kind=%s size=%d type=%s", r.ID, r.Kind, r.Size, r.ContentType)})
	})
}

const wpResourceColumns = `x.id, x.kind, x.lang, x.title, x.description, x.url, x.file_name, x.content_type, x.size, x.published,
	COALESCE(x.event_id, 0), x.public, COALESCE(x.created_by, 0), x.created_at, x.updated_at`

func wpScanResource(row interface{ Scan(...any) error }) (workplan.Resource, error) {
	var r workplan.Resource
	var kind string
	var c, u int64
	err := row.Scan(&r.ID, &kind, &r.Lang, &r.Title, &r.Description, &r.URL, &r.FileName, &r.ContentType, &r.Size, &r.Published,
		&r.EventID, &r.Public, &r.CreatedBy, &c, &u)
	r.Kind, r.CreatedAt, r.UpdatedAt = workplan.ResourceKind(kind), fromMillis(c), fromMillis(u)
	return r, err
}

// NetworkResources lists the resources that match f, newest first.
func (db *DB) NetworkResources(ctx context.Context, f NetworkFilter) ([]workplan.Resource, error) {
	where, args := wpTagWhere(workplan.OwnerResource, f, nil)
	if f.Kind != "" {
		args = append(args, f.Kind)
		where += fmt.Sprintf(" AND x.kind = $%d", len(args))
	}
	if f.EventID != 0 {
		args = append(args, f.EventID)
		where += fmt.Sprintf(" AND x.event_id = $%d", len(args))
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+wpResourceColumns+" FROM network_resources x WHERE 1 = 1"+where+
		" ORDER BY x.published DESC, x.created_at DESC, x.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("store: resources: %w", err)
	}
	var out []workplan.Resource
	for rows.Next() {
		r, err := wpScanResource(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tags, err := db.wpReadTags(ctx, workplan.OwnerResource)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if t := tags[out[i].ID]; t != nil {
			out[i].Areas, out[i].Countries, out[i].Languages = t.areas, t.countries, t.languages
		}
	}
	return out, nil
}

// NetworkResource returns one resource, or NotFound (also when it is not
// public and private is false).
func (db *DB) NetworkResource(ctx context.Context, id int64, private bool) (workplan.Resource, error) {
	r, err := wpScanResource(db.read.QueryRowContext(ctx, "SELECT "+wpResourceColumns+" FROM network_resources x WHERE x.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !r.Public && !private) {
		return workplan.Resource{}, wpNotFound()
	}
	if err != nil {
		return r, fmt.Errorf("store: resource: %w", err)
	}
	tags, err := db.wpReadTags(ctx, workplan.OwnerResource)
	if err != nil {
		return r, err
	}
	if t := tags[r.ID]; t != nil {
		r.Areas, r.Countries, r.Languages = t.areas, t.countries, t.languages
	}
	return r, nil
}

// NetworkFile returns the uploaded file of a resource, or NotFound.
func (db *DB) NetworkFile(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := db.read.QueryRowContext(ctx, "SELECT content FROM network_files WHERE resource_id = $1", id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wpNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("store: file: %w", err)
	}
	return b, nil
}

func wpWriteEventActions(ctx context.Context, tx *sql.Tx, e *workplan.Event) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM network_event_actions WHERE event_id = $1", e.ID); err != nil {
		return err
	}
	for _, a := range e.Actions {
		_, err := tx.ExecContext(ctx, "INSERT INTO network_event_actions (event_id, action_id) VALUES ($1, $2)", e.ID, a)
		if isUniqueViolation(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: event action: %w", err)
		}
	}
	return nil
}

// CreateNetworkEvent writes a new event with its linked actions and tags.
func (db *DB) CreateNetworkEvent(ctx context.Context, e *workplan.Event, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO network_events (lang, title, description, place, country, start_date, end_date, outcomes,
			public, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			e.Lang, e.Title, e.Description, e.Place, e.Country, e.Start, e.End, e.Outcomes, e.Public, wpNullID(by.PersonID), millis(by.At)).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("store: insert event: %w", err)
		}
		if err := wpWriteEventActions(ctx, tx, e); err != nil {
			return err
		}
		if err := wpWriteTags(ctx, tx, workplan.OwnerEvent, e.ID, e.Areas, e.Countries, nil); err != nil {
			return err
		}
		e.CreatedBy, e.CreatedAt, e.UpdatedAt = by.PersonID, by.At, by.At
		return appendAudit(ctx, tx, audit.Entry{At: by.At, Actor: by.Actor, Action: "network.event.created", Detail: fmt.Sprintf("event=%d", e.ID)})
	})
}

// UpdateNetworkEvent changes an event.
func (db *DB) UpdateNetworkEvent(ctx context.Context, e *workplan.Event, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE network_events SET lang = $1, title = $2, description = $3, place = $4, country = $5,
			start_date = $6, end_date = $7, outcomes = $8, public = $9, updated_at = $10 WHERE id = $11`,
			e.Lang, e.Title, e.Description, e.Place, e.Country, e.Start, e.End, e.Outcomes, e.Public, millis(by.At), e.ID)
		if err != nil {
			return fmt.Errorf("store: update event: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return wpNotFound()
		}
		if err := wpWriteEventActions(ctx, tx, e); err != nil {
			return err
		}
		if err := wpWriteTags(ctx, tx, workplan.OwnerEvent, e.ID, e.Areas, e.Countries, nil); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit.Entry{At: by.At, Actor: by.Actor, Action: "network.event.updated", Detail: fmt.Sprintf("event=%d", e.ID)})
	})
}

const wpEventColumns = `x.id, x.lang, x.title, x.description, x.place, x.country, x.start_date, x.end_date, x.outcomes, x.public,
	COALESCE(x.created_by, 0), x.created_at, x.updated_at`

func wpScanEvent(row interface{ Scan(...any) error }) (workplan.Event, error) {
	var e workplan.Event
	var c, u int64
	err := row.Scan(&e.ID, &e.Lang, &e.Title, &e.Description, &e.Place, &e.Country, &e.Start, &e.End, &e.Outcomes, &e.Public,
		&e.CreatedBy, &c, &u)
	e.CreatedAt, e.UpdatedAt = fromMillis(c), fromMillis(u)
	return e, err
}

func (db *DB) wpFillEvents(ctx context.Context, events []workplan.Event) error {
	tags, err := db.wpReadTags(ctx, workplan.OwnerEvent)
	if err != nil {
		return err
	}
	index := map[int64]int{}
	for i := range events {
		index[events[i].ID] = i
		if t := tags[events[i].ID]; t != nil {
			events[i].Areas, events[i].Countries = t.areas, t.countries
		}
	}
	rows, err := db.read.QueryContext(ctx, "SELECT event_id, action_id FROM network_event_actions ORDER BY event_id, action_id")
	if err != nil {
		return fmt.Errorf("store: event actions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var eid, aid int64
		if err := rows.Scan(&eid, &aid); err != nil {
			return err
		}
		if i, ok := index[eid]; ok {
			events[i].Actions = append(events[i].Actions, aid)
		}
	}
	return rows.Err()
}

// NetworkEvents lists the events that match f (area, country, private),
// newest first; actionID, when not 0, keeps the events that produced it.
func (db *DB) NetworkEvents(ctx context.Context, f NetworkFilter, actionID int64) ([]workplan.Event, error) {
	where, args := wpTagWhere(workplan.OwnerEvent, f, nil)
	if actionID != 0 {
		args = append(args, actionID)
		where += fmt.Sprintf(" AND EXISTS (SELECT 1 FROM network_event_actions ea WHERE ea.event_id = x.id AND ea.action_id = $%d)", len(args))
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+wpEventColumns+" FROM network_events x WHERE 1 = 1"+where+" ORDER BY x.start_date DESC, x.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	var out []workplan.Event
	for rows.Next() {
		e, err := wpScanEvent(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.wpFillEvents(ctx, out)
}

// NetworkEvent returns one event, or NotFound (also when it is not public
// and private is false).
func (db *DB) NetworkEvent(ctx context.Context, id int64, private bool) (workplan.Event, error) {
	e, err := wpScanEvent(db.read.QueryRowContext(ctx, "SELECT "+wpEventColumns+" FROM network_events x WHERE x.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !e.Public && !private) {
		return workplan.Event{}, wpNotFound()
	}
	if err != nil {
		return e, fmt.Errorf("store: event: %w", err)
	}
	list := []workplan.Event{e}
	if err := db.wpFillEvents(ctx, list); err != nil {
		return e, err
	}
	return list[0], nil
}

// AddNetworkComment writes a comment on a resource or an event.
func (db *DB) AddNetworkComment(ctx context.Context, c *workplan.Comment, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		table := map[string]string{workplan.OwnerResource: "network_resources", workplan.OwnerEvent: "network_events"}[c.Owner]
		if table == "" {
			return wpNotFound()
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE id = $1", c.OwnerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return wpNotFound()
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO network_comments (owner, owner_id, person_id, org_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.Owner, c.OwnerID, by.PersonID, by.OrgID, c.Body, millis(by.At)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("store: insert comment: %w", err)
		}
		c.PersonID, c.OrgID, c.CreatedAt = by.PersonID, by.OrgID, by.At
		return appendAudit(ctx, tx, audit.Entry{At: by.At, Actor: by.Actor, Action: "network.comment.created",
			Detail: fmt.Sprintf("%s=%d comment=%d", c.Owner, c.OwnerID, c.ID)})
	})
}

// NetworkComments lists the comments on a resource or an event, oldest
// first, with who wrote them.
func (db *DB) NetworkComments(ctx context.Context, owner string, id int64) ([]workplan.Comment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.owner, c.owner_id, c.person_id, p.name, c.org_id, o.name, c.body, c.created_at
		FROM network_comments c JOIN people p ON p.id = c.person_id JOIN organizations o ON o.id = c.org_id
		WHERE c.owner = $1 AND c.owner_id = $2 ORDER BY c.id`, owner, id)
	if err != nil {
		return nil, fmt.Errorf("store: comments: %w", err)
	}
	defer rows.Close()
	var out []workplan.Comment
	for rows.Next() {
		var c workplan.Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.Owner, &c.OwnerID, &c.PersonID, &c.PersonName, &c.OrgID, &c.OrgName, &c.Body, &at); err != nil {
			return nil, err
		}
		c.CreatedAt = fromMillis(at)
		out = append(out, c)
	}
	return out, rows.Err()
}
