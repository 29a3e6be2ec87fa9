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
	"remedy/internal/org"
	"remedy/internal/workplan"
)

// PlanBy says who changes the plan, and when. Actor is how the audit trail
// names them ("staff:<id>" or "system").
type PlanBy struct {
	At       time.Time
	Actor    string
	PersonID int64
	OrgID    int64
}

// wpQuerier is what both *sql.DB and *sql.Tx offer, so that the plan's
// reads run inside a write transaction or on the read pool alike.
type wpQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func wpNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func wpNotFound() error { return apperr.New(apperr.NotFound, "error.not_found") }

func wpCodeTaken() error {
	return apperr.Validation([]apperr.FieldError{{Field: "code", Key: "plan.error.code_taken"}})
}

// wpRecord writes one change to the plan's history and to the audit trail,
// in the transaction of the change itself. The audit entry names the
// entity and the fields, never their texts.
func wpRecord(ctx context.Context, tx *sql.Tx, by PlanBy, entity string, id int64, code, verb string, fields []workplan.FieldChange) error {
	changes := ""
	if len(fields) > 0 {
		b, err := json.Marshal(fields)
		if err != nil {
			return err
		}
		changes = string(b)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO plan_history (at, actor, org_id, entity, entity_id, code, verb, changes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, millis(by.At), by.Actor, wpNullID(by.OrgID), entity, id, code, verb, changes); err != nil {
		return fmt.Errorf("store: plan history: %w", err)
	}
	detail := fmt.Sprintf("%s=%d code=%s", entity, id, code)
	if len(fields) > 0 {
		detail += " fields=" + workplan.FieldNames(fields)
	}
	return appendAudit(ctx, tx, audit.Entry{At: by.At, Actor: by.Actor, Action: "plan." + entity + "." + verb, Detail: detail})
}

// --- reading -------------------------------------------------------------

// LoadPlan reads the whole plan: every area, outcome, action, progress
// update, indicator, manual value and translation, with ids, codes and
// organisation names filled in, and the stakeholders it names (every
// organisation with a profile, and every one the plan refers to).
func (db *DB) LoadPlan(ctx context.Context) (*workplan.Plan, error) {
	return wpLoadPlan(ctx, db.read)
}

func wpLoadPlan(ctx context.Context, q wpQuerier) (*workplan.Plan, error) {
	p := &workplan.Plan{}
	var err error
	if p.Areas, err = wpAreas(ctx, q); err != nil {
		return nil, err
	}
	if p.Outcomes, err = wpOutcomes(ctx, q); err != nil {
		return nil, err
	}
	if p.Actions, err = wpActions(ctx, q, 0); err != nil {
		return nil, err
	}
	if p.Progress, err = wpProgress(ctx, q, 0); err != nil {
		return nil, err
	}
	if p.Indicators, err = wpIndicators(ctx, q); err != nil {
		return nil, err
	}
	if p.Values, err = wpValues(ctx, q); err != nil {
		return nil, err
	}
	if p.Translations, err = wpTranslations(ctx, q); err != nil {
		return nil, err
	}
	referred := map[int64]bool{}
	for _, a := range p.Actions {
		if a.Lead.ID != 0 {
			referred[a.Lead.ID] = true
		}
		for _, x := range a.Partners {
			referred[x.ID] = true
		}
	}
	for _, x := range p.Progress {
		if x.Org.ID != 0 {
			referred[x.Org.ID] = true
		}
	}
	for _, v := range p.Values {
		if v.Org.ID != 0 {
			referred[v.Org.ID] = true
		}
	}
	all, err := wpStakeholders(ctx, q, 0)
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.HasProfile || referred[s.Org.ID] {
			p.Stakeholders = append(p.Stakeholders, s)
		}
	}
	// Translations name their entity by code (a stakeholder by its name).
	codes := map[string]map[int64]string{}
	put := func(entity string, id int64, code string) {
		if codes[entity] == nil {
			codes[entity] = map[int64]string{}
		}
		codes[entity][id] = code
	}
	for _, a := range p.Areas {
		put(workplan.EntityArea, a.ID, a.Code)
	}
	for _, o := range p.Outcomes {
		put(workplan.EntityOutcome, o.ID, o.Code)
	}
	for _, a := range p.Actions {
		put(workplan.EntityAction, a.ID, a.Code)
	}
	for _, i := range p.Indicators {
		put(workplan.EntityIndicator, i.ID, i.Code)
	}
	for _, s := range all {
		put(workplan.EntityStakeholder, s.Org.ID, s.Org.Name)
	}
	for i := range p.Translations {
		t := &p.Translations[i]
		t.Code = codes[t.Entity][t.ID]
	}
	return p, nil
}

func wpAreas(ctx context.Context, q wpQuerier) ([]workplan.Area, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, position, lang, title, description, created_at, updated_at
		FROM plan_areas ORDER BY position, code`)
	if err != nil {
		return nil, fmt.Errorf("store: plan areas: %w", err)
	}
	defer rows.Close()
	var out []workplan.Area
	for rows.Next() {
		var a workplan.Area
		var c, u int64
		if err := rows.Scan(&a.ID, &a.Code, &a.Position, &a.Lang, &a.Title, &a.Description, &c, &u); err != nil {
			return nil, err
		}
		a.CreatedAt, a.UpdatedAt = fromMillis(c), fromMillis(u)
		out = append(out, a)
	}
	return out, rows.Err()
}

func wpOutcomes(ctx context.Context, q wpQuerier) ([]workplan.Outcome, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.area_id, a.code, o.code, o.position, o.lang, o.title, o.description, o.created_at, o.updated_at
		FROM plan_outcomes o JOIN plan_areas a ON a.id = o.area_id ORDER BY a.position, a.code, o.position, o.code`)
	if err != nil {
		return nil, fmt.Errorf("store: plan outcomes: %w", err)
	}
	defer rows.Close()
	var out []workplan.Outcome
	for rows.Next() {
		var o workplan.Outcome
		var c, u int64
		if err := rows.Scan(&o.ID, &o.AreaID, &o.AreaCode, &o.Code, &o.Position, &o.Lang, &o.Title, &o.Description, &c, &u); err != nil {
			return nil, err
		}
		o.CreatedAt, o.UpdatedAt = fromMillis(c), fromMillis(u)
		out = append(out, o)
	}
	return out, rows.Err()
}

// wpActions reads every action, or the one with id when id is not 0.
func wpActions(ctx context.Context, q wpQuerier, id int64) ([]workplan.Action, error) {
	query := `SELECT x.id, x.area_id, a.code, COALESCE(x.outcome_id, 0), COALESCE(o.code, ''), x.code, x.kind, x.status, x.lang,
		x.title, x.description, COALESCE(x.lead_org_id, 0), COALESCE(l.name, ''), COALESCE(l.country, ''), x.start_date, x.end_date,
		x.example, x.created_at, x.updated_at
		FROM plan_actions x JOIN plan_areas a ON a.id = x.area_id
		LEFT JOIN plan_outcomes o ON o.id = x.outcome_id
		LEFT JOIN organizations l ON l.id = x.lead_org_id`
	args := []any{}
	if id != 0 {
		query += " WHERE x.id = $1"
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY x.code", args...)
	if err != nil {
		return nil, fmt.Errorf("store: plan actions: %w", err)
	}
	var out []workplan.Action
	index := map[int64]int{}
	for rows.Next() {
		var a workplan.Action
		var kind, status string
		var c, u int64
		if err := rows.Scan(&a.ID, &a.AreaID, &a.AreaCode, &a.OutcomeID, &a.OutcomeCode, &a.Code, &kind, &status, &a.Lang,
			&a.Title, &a.Description, &a.Lead.ID, &a.Lead.Name, &a.Lead.Country, &a.Start, &a.End, &a.Example, &c, &u); err != nil {
			rows.Close()
			return nil, err
		}
		a.Kind, a.Status, a.CreatedAt, a.UpdatedAt = workplan.Kind(kind), workplan.Status(status), fromMillis(c), fromMillis(u)
		index[a.ID] = len(out)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	where, wargs := "", []any{}
	if id != 0 {
		where, wargs = " WHERE p.action_id = $1", []any{id}
	}
	prows, err := q.QueryContext(ctx, `SELECT p.action_id, p.org_id, o.name, o.country FROM plan_action_partners p
		JOIN organizations o ON o.id = p.org_id`+where+" ORDER BY p.action_id, p.position, o.name", wargs...)
	if err != nil {
		return nil, fmt.Errorf("store: plan partners: %w", err)
	}
	for prows.Next() {
		var aid int64
		var r workplan.OrgRef
		if err := prows.Scan(&aid, &r.ID, &r.Name, &r.Country); err != nil {
			prows.Close()
			return nil, err
		}
		if i, ok := index[aid]; ok {
			out[i].Partners = append(out[i].Partners, r)
		}
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return nil, err
	}
	where = strings.ReplaceAll(where, "p.", "c.")
	crows, err := q.QueryContext(ctx, "SELECT c.action_id, c.country FROM plan_action_countries c"+where+" ORDER BY c.action_id, c.country", wargs...)
	if err != nil {
		return nil, fmt.Errorf("store: plan countries: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var aid int64
		var c string
		if err := crows.Scan(&aid, &c); err != nil {
			return nil, err
		}
		if i, ok := index[aid]; ok {
			out[i].Countries = append(out[i].Countries, c)
		}
	}
	return out, crows.Err()
}

// wpProgress reads the progress updates of one action, or of all when
// actionID is 0, oldest first.
func wpProgress(ctx context.Context, q wpQuerier, actionID int64) ([]workplan.Progress, error) {
	query := `SELECT p.id, p.action_id, x.code, p.uid, p.on_date, COALESCE(p.org_id, 0), COALESCE(o.name, ''), COALESCE(o.country, ''),
		COALESCE(p.person_id, 0), p.lang, p.body, p.created_at
		FROM plan_progress p JOIN plan_actions x ON x.id = p.action_id LEFT JOIN organizations o ON o.id = p.org_id`
	args := []any{}
	if actionID != 0 {
		query += " WHERE p.action_id = $1"
		args = append(args, actionID)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY x.code, p.on_date, p.id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: plan progress: %w", err)
	}
	defer rows.Close()
	var out []workplan.Progress
	for rows.Next() {
		var p workplan.Progress
		var c int64
		if err := rows.Scan(&p.ID, &p.ActionID, &p.ActionCode, &p.UID, &p.Date, &p.Org.ID, &p.Org.Name, &p.Org.Country,
			&p.PersonID, &p.Lang, &p.Text, &c); err != nil {
			return nil, err
		}
		p.CreatedAt = fromMillis(c)
		out = append(out, p)
	}
	return out, rows.Err()
}

func wpIndicators(ctx context.Context, q wpQuerier) ([]workplan.Indicator, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.code, COALESCE(i.outcome_id, 0), COALESCE(o.code, ''), COALESCE(i.action_id, 0),
		COALESCE(x.code, ''), i.lang, i.name, i.unit, i.kind, i.measure, i.params, i.baseline, i.baseline_date, i.target, i.target_date,
		i.created_at, i.updated_at
		FROM plan_indicators i LEFT JOIN plan_outcomes o ON o.id = i.outcome_id LEFT JOIN plan_actions x ON x.id = i.action_id
		ORDER BY i.code`)
	if err != nil {
		return nil, fmt.Errorf("store: plan indicators: %w", err)
	}
	defer rows.Close()
	var out []workplan.Indicator
	for rows.Next() {
		var i workplan.Indicator
		var kind string
		var base, target sql.NullFloat64
		var c, u int64
		if err := rows.Scan(&i.ID, &i.Code, &i.OutcomeID, &i.OutcomeCode, &i.ActionID, &i.ActionCode, &i.Lang, &i.Name, &i.Unit,
			&kind, &i.Measure, &i.Params, &base, &i.BaselineDate, &target, &i.TargetDate, &c, &u); err != nil {
			return nil, err
		}
		i.Kind, i.CreatedAt, i.UpdatedAt = workplan.IndicatorKind(kind), fromMillis(c), fromMillis(u)
		if base.Valid {
			i.Baseline = &base.Float64
		}
		if target.Valid {
			i.Target = &target.Float64
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

func wpValues(ctx context.Context, q wpQuerier) ([]workplan.Value, error) {
	rows, err := q.QueryContext(ctx, `SELECT v.id, v.indicator_id, i.code, v.uid, v.value, v.as_of, v.source, COALESCE(v.org_id, 0),
		COALESCE(o.name, ''), COALESCE(v.person_id, 0), v.created_at
		FROM plan_indicator_values v JOIN plan_indicators i ON i.id = v.indicator_id LEFT JOIN organizations o ON o.id = v.org_id
		ORDER BY i.code, v.as_of, v.id`)
	if err != nil {
		return nil, fmt.Errorf("store: plan values: %w", err)
	}
	defer rows.Close()
	var out []workplan.Value
	for rows.Next() {
		var v workplan.Value
		var c int64
		if err := rows.Scan(&v.ID, &v.IndicatorID, &v.IndicatorCode, &v.UID, &v.Value, &v.AsOf, &v.Source, &v.Org.ID, &v.Org.Name,
			&v.PersonID, &c); err != nil {
			return nil, err
		}
		v.CreatedAt = fromMillis(c)
		out = append(out, v)
	}
	return out, rows.Err()
}

func wpTranslations(ctx context.Context, q wpQuerier) ([]workplan.Translation, error) {
	rows, err := q.QueryContext(ctx, "SELECT entity, entity_id, lang, title, body FROM plan_translations ORDER BY entity, entity_id, lang")
	if err != nil {
		return nil, fmt.Errorf("store: plan translations: %w", err)
	}
	defer rows.Close()
	var out []workplan.Translation
	for rows.Next() {
		var t workplan.Translation
		if err := rows.Scan(&t.Entity, &t.ID, &t.Lang, &t.Title, &t.Body); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// wpStakeholders reads every organisation with its profile if it has one,
// or only orgID's when it is not 0.
func wpStakeholders(ctx context.Context, q wpQuerier, orgID int64) ([]workplan.Stakeholder, error) {
	query := `SELECT o.id, o.name, o.type, o.country, o.languages, o.created_at,
		p.org_id IS NOT NULL, COALESCE(p.lang, ''), COALESCE(p.description, ''), COALESCE(p.corridor_work, ''),
		COALESCE(p.contacts, ''), COALESCE(p.public, FALSE)
		FROM organizations o LEFT JOIN stakeholder_profiles p ON p.org_id = o.id`
	args := []any{}
	if orgID != 0 {
		query += " WHERE o.id = $1"
		args = append(args, orgID)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY o.name, o.id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: stakeholders: %w", err)
	}
	defer rows.Close()
	var out []workplan.Stakeholder
	for rows.Next() {
		var s workplan.Stakeholder
		var typ, langs, contacts string
		var created int64
		if err := rows.Scan(&s.Org.ID, &s.Org.Name, &typ, &s.Org.Country, &langs, &created, &s.HasProfile, &s.Profile.Lang,
			&s.Profile.Description, &s.Profile.CorridorWork, &contacts, &s.Profile.Public); err != nil {
			return nil, err
		}
		s.Org.Type, s.Org.CreatedAt, s.Org.Languages = org.Type(typ), fromMillis(created), splitList(langs)
		s.Profile.OrgID = s.Org.ID
		s.Profile.Contacts, _ = workplan.ParseContacts(contacts)
		out = append(out, s)
	}
	return out, rows.Err()
}

// PlanStakeholders returns every organisation with its profile, if any, by name.
func (db *DB) PlanStakeholders(ctx context.Context) ([]workplan.Stakeholder, error) {
	return wpStakeholders(ctx, db.read, 0)
}

// PlanStakeholder returns one organisation with its profile, or NotFound.
func (db *DB) PlanStakeholder(ctx context.Context, orgID int64) (workplan.Stakeholder, error) {
	list, err := wpStakeholders(ctx, db.read, orgID)
	if err != nil {
		return workplan.Stakeholder{}, err
	}
	if len(list) == 0 {
		return workplan.Stakeholder{}, wpNotFound()
	}
	return list[0], nil
}

// PlanAction returns one action with its partners and countries, or NotFound.
func (db *DB) PlanAction(ctx context.Context, id int64) (workplan.Action, error) {
	list, err := wpActions(ctx, db.read, id)
	if err != nil {
		return workplan.Action{}, err
	}
	if len(list) == 0 {
		return workplan.Action{}, wpNotFound()
	}
	return list[0], nil
}

// PlanProgress returns the progress updates of one action, oldest first.
func (db *DB) PlanProgress(ctx context.Context, actionID int64) ([]workplan.Progress, error) {
	return wpProgress(ctx, db.read, actionID)
}

// PlanHistory returns the history of one entity (or of the whole plan when
// entity is ""), newest first, at most limit entries.
func (db *DB) PlanHistory(ctx context.Context, entity string, id int64, limit int) ([]workplan.Change, error) {
	query := `SELECT h.id, h.at, h.actor, COALESCE(h.org_id, 0), COALESCE(o.name, ''), h.entity, h.entity_id, h.code, h.verb, h.changes
		FROM plan_history h LEFT JOIN organizations o ON o.id = h.org_id`
	args := []any{}
	if entity != "" {
		query += " WHERE h.entity = $1 AND h.entity_id = $2"
		args = append(args, entity, id)
	}
	args = append(args, limit)
	rows, err := db.read.QueryContext(ctx, query+fmt.Sprintf(" ORDER BY h.id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: plan history: %w", err)
	}
	defer rows.Close()
	var out []workplan.Change
	for rows.Next() {
		var c workplan.Change
		var at int64
		var changes string
		if err := rows.Scan(&c.ID, &at, &c.Actor, &c.OrgID, &c.OrgName, &c.Entity, &c.EntityID, &c.Code, &c.Verb, &changes); err != nil {
			return nil, err
		}
		c.At = fromMillis(at)
		if changes != "" {
			if err := json.Unmarshal([]byte(changes), &c.Fields); err != nil {
				return nil, fmt.Errorf("store: plan history %d: %w", c.ID, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// --- resolving references ------------------------------------------------

func wpIDByCode(ctx context.Context, q wpQuerier, table, code string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, "SELECT id FROM "+table+" WHERE code = $1", code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func wpCodeByID(ctx context.Context, q wpQuerier, table string, id int64) (string, error) {
	var code string
	err := q.QueryRowContext(ctx, "SELECT code FROM "+table+" WHERE id = $1", id).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return code, err
}

// wpResolveOrg fills in an organisation reference's id from its name or
// its name from its id; ok is false when there is no such organisation.
func wpResolveOrg(ctx context.Context, q wpQuerier, r *workplan.OrgRef) (bool, error) {
	var err error
	switch {
	case r.ID != 0:
		err = q.QueryRowContext(ctx, "SELECT name, country FROM organizations WHERE id = $1", r.ID).Scan(&r.Name, &r.Country)
	case r.Name != "":
		err = q.QueryRowContext(ctx, "SELECT id, country FROM organizations WHERE name = $1 ORDER BY id LIMIT 1", r.Name).Scan(&r.ID, &r.Country)
	default:
		return true, nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func wpUnknown(field string) error {
	return apperr.Validation([]apperr.FieldError{{Field: field, Key: "plan.error.unknown_ref"}})
}

// wpResolveOutcome fills in the area's id or code.
func wpResolveOutcome(ctx context.Context, q wpQuerier, o *workplan.Outcome) error {
	var err error
	if o.AreaCode != "" {
		o.AreaID, err = wpIDByCode(ctx, q, "plan_areas", o.AreaCode)
	} else {
		o.AreaCode, err = wpCodeByID(ctx, q, "plan_areas", o.AreaID)
	}
	if err != nil {
		return err
	}
	if o.AreaID == 0 || o.AreaCode == "" {
		return wpUnknown("area")
	}
	return nil
}

// wpResolveAction fills in ids from codes and names (or codes and names
// from ids) of the action's area, outcome, lead and partners. Codes win
// over ids. Without an area, the outcome's is taken; with both, the
// outcome must be under the area.
func wpResolveAction(ctx context.Context, q wpQuerier, a *workplan.Action) error {
	var err error
	outcomeArea := int64(0)
	if a.OutcomeCode != "" || a.OutcomeID != 0 {
		if a.OutcomeCode != "" {
			err = q.QueryRowContext(ctx, "SELECT id, area_id, code FROM plan_outcomes WHERE code = $1", a.OutcomeCode).Scan(&a.OutcomeID, &outcomeArea, &a.OutcomeCode)
		} else {
			err = q.QueryRowContext(ctx, "SELECT id, area_id, code FROM plan_outcomes WHERE id = $1", a.OutcomeID).Scan(&a.OutcomeID, &outcomeArea, &a.OutcomeCode)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return wpUnknown("outcome")
		}
		if err != nil {
			return err
		}
	}
	switch {
	case a.AreaCode != "":
		a.AreaID, err = wpIDByCode(ctx, q, "plan_areas", a.AreaCode)
	case a.AreaID != 0:
		a.AreaCode, err = wpCodeByID(ctx, q, "plan_areas", a.AreaID)
	case outcomeArea != 0:
		a.AreaID = outcomeArea
		a.AreaCode, err = wpCodeByID(ctx, q, "plan_areas", a.AreaID)
	}
	if err != nil {
		return err
	}
	if a.AreaID == 0 || a.AreaCode == "" {
		return wpUnknown("area")
	}
	if outcomeArea != 0 && outcomeArea != a.AreaID {
		return apperr.Validation([]apperr.FieldError{{Field: "outcome", Key: "plan.error.outcome_area"}})
	}
	if ok, err := wpResolveOrg(ctx, q, &a.Lead); err != nil {
		return err
	} else if !ok {
		return wpUnknown("lead")
	}
	for i := range a.Partners {
		if ok, err := wpResolveOrg(ctx, q, &a.Partners[i]); err != nil {
			return err
		} else if !ok || a.Partners[i].ID == 0 {
			return wpUnknown("partners")
		}
	}
	// The lead is not its own partner, and nobody is a partner twice.
	seen := map[int64]bool{a.Lead.ID: a.Lead.ID != 0}
	var partners []workplan.OrgRef
	for _, p := range a.Partners {
		if !seen[p.ID] {
			seen[p.ID] = true
			partners = append(partners, p)
		}
	}
	a.Partners = partners
	return nil
}

// wpResolveIndicator fills in the id or code of the indicator's outcome or
// action.
func wpResolveIndicator(ctx context.Context, q wpQuerier, ind *workplan.Indicator) error {
	var err error
	switch {
	case ind.OutcomeCode != "":
		ind.OutcomeID, err = wpIDByCode(ctx, q, "plan_outcomes", ind.OutcomeCode)
	case ind.OutcomeID != 0:
		ind.OutcomeCode, err = wpCodeByID(ctx, q, "plan_outcomes", ind.OutcomeID)
	case ind.ActionCode != "":
		ind.ActionID, err = wpIDByCode(ctx, q, "plan_actions", ind.ActionCode)
	case ind.ActionID != 0:
		ind.ActionCode, err = wpCodeByID(ctx, q, "plan_actions", ind.ActionID)
	}
	if err != nil {
		return err
	}
	if (ind.OutcomeID == 0 || ind.OutcomeCode == "") && (ind.ActionID == 0 || ind.ActionCode == "") {
		return wpUnknown("owner")
	}
	return nil
}

// --- writing -------------------------------------------------------------

// SavePlanArea creates the area (ID 0) or updates it, with its history entry,
// in one transaction.
func (db *DB) SavePlanArea(ctx context.Context, a *workplan.Area, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { _, err := wpSaveArea(ctx, tx, a, by); return err })
}

func wpSaveArea(ctx context.Context, tx *sql.Tx, a *workplan.Area, by PlanBy) (bool, error) {
	if a.ID == 0 {
		err := tx.QueryRowContext(ctx, `INSERT INTO plan_areas (code, position, lang, title, description, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, a.Code, a.Position, a.Lang, a.Title, a.Description, millis(by.At)).Scan(&a.ID)
		if isUniqueViolation(err) {
			return false, wpCodeTaken()
		}
		if err != nil {
			return false, fmt.Errorf("store: insert area: %w", err)
		}
		a.CreatedAt, a.UpdatedAt = by.At, by.At
		return true, wpRecord(ctx, tx, by, workplan.EntityArea, a.ID, a.Code, workplan.VerbCreated, workplan.DiffArea(workplan.Area{}, *a))
	}
	var old workplan.Area
	err := tx.QueryRowContext(ctx, "SELECT id, code, position, lang, title, description FROM plan_areas WHERE id = $1", a.ID).
		Scan(&old.ID, &old.Code, &old.Position, &old.Lang, &old.Title, &old.Description)
	if errors.Is(err, sql.ErrNoRows) {
		return false, wpNotFound()
	}
	if err != nil {
		return false, err
	}
	diff := workplan.DiffArea(old, *a)
	if len(diff) == 0 {
		return false, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE plan_areas SET code = $1, position = $2, lang = $3, title = $4, description = $5, updated_at = $6
		WHERE id = $7`, a.Code, a.Position, a.Lang, a.Title, a.Description, millis(by.At), a.ID)
	if isUniqueViolation(err) {
		return false, wpCodeTaken()
	}
	if err != nil {
		return false, fmt.Errorf("store: update area: %w", err)
	}
	return true, wpRecord(ctx, tx, by, workplan.EntityArea, a.ID, a.Code, workplan.VerbUpdated, diff)
}

// SavePlanOutcome creates or updates an outcome.
func (db *DB) SavePlanOutcome(ctx context.Context, o *workplan.Outcome, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { _, err := wpSaveOutcome(ctx, tx, o, by); return err })
}

func wpSaveOutcome(ctx context.Context, tx *sql.Tx, o *workplan.Outcome, by PlanBy) (bool, error) {
	if err := wpResolveOutcome(ctx, tx, o); err != nil {
		return false, err
	}
	if o.ID == 0 {
		err := tx.QueryRowContext(ctx, `INSERT INTO plan_outcomes (area_id, code, position, lang, title, description, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, o.AreaID, o.Code, o.Position, o.Lang, o.Title, o.Description, millis(by.At)).Scan(&o.ID)
		if isUniqueViolation(err) {
			return false, wpCodeTaken()
		}
		if err != nil {
			return false, fmt.Errorf("store: insert outcome: %w", err)
		}
		return true, wpRecord(ctx, tx, by, workplan.EntityOutcome, o.ID, o.Code, workplan.VerbCreated, workplan.DiffOutcome(workplan.Outcome{}, *o))
	}
	var old workplan.Outcome
	err := tx.QueryRowContext(ctx, `SELECT o.id, o.area_id, a.code, o.code, o.position, o.lang, o.title, o.description
		FROM plan_outcomes o JOIN plan_areas a ON a.id = o.area_id WHERE o.id = $1`, o.ID).
		Scan(&old.ID, &old.AreaID, &old.AreaCode, &old.Code, &old.Position, &old.Lang, &old.Title, &old.Description)
	if errors.Is(err, sql.ErrNoRows) {
		return false, wpNotFound()
	}
	if err != nil {
		return false, err
	}
	diff := workplan.DiffOutcome(old, *o)
	if len(diff) == 0 {
		return false, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE plan_outcomes SET area_id = $1, code = $2, position = $3, lang = $4, title = $5, description = $6,
		updated_at = $7 WHERE id = $8`, o.AreaID, o.Code, o.Position, o.Lang, o.Title, o.Description, millis(by.At), o.ID)
	if isUniqueViolation(err) {
		return false, wpCodeTaken()
	}
	if err != nil {
		return false, fmt.Errorf("store: update outcome: %w", err)
	}
	// Actions under the outcome follow it to its area.
	if old.AreaID != o.AreaID {
		if _, err := tx.ExecContext(ctx, "UPDATE plan_actions SET area_id = $1 WHERE outcome_id = $2", o.AreaID, o.ID); err != nil {
			return false, err
		}
	}
	return true, wpRecord(ctx, tx, by, workplan.EntityOutcome, o.ID, o.Code, workplan.VerbUpdated, diff)
}

// SavePlanAction creates or updates an action with its partners and countries.
func (db *DB) SavePlanAction(ctx context.Context, a *workplan.Action, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { _, err := wpSaveAction(ctx, tx, a, by); return err })
}

func wpSaveAction(ctx context.Context, tx *sql.Tx, a *workplan.Action, by PlanBy) (bool, error) {
	if err := wpResolveAction(ctx, tx, a); err != nil {
		return false, err
	}
	var old workplan.Action
	verb := workplan.VerbCreated
	if a.ID == 0 {
		err := tx.QueryRowContext(ctx, `INSERT INTO plan_actions (area_id, outcome_id, code, kind, status, lang, title, description,
			lead_org_id, start_date, end_date, example, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			a.AreaID, wpNullID(a.OutcomeID), a.Code, string(a.Kind), string(a.Status), a.Lang, a.Title, a.Description,
			wpNullID(a.Lead.ID), a.Start, a.End, a.Example, millis(by.At)).Scan(&a.ID)
		if isUniqueViolation(err) {
			return false, wpCodeTaken()
		}
		if err != nil {
			return false, fmt.Errorf("store: insert action: %w", err)
		}
		a.CreatedAt = by.At
	} else {
		list, err := wpActions(ctx, tx, a.ID)
		if err != nil {
			return false, err
		}
		if len(list) == 0 {
			return false, wpNotFound()
		}
		old, verb = list[0], workplan.VerbUpdated
		if len(workplan.DiffAction(old, *a)) == 0 {
			return false, nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE plan_actions SET area_id = $1, outcome_id = $2, code = $3, kind = $4, status = $5, lang = $6,
			title = $7, description = $8, lead_org_id = $9, start_date = $10, end_date = $11, example = $12, updated_at = $13 WHERE id = $14`,
			a.AreaID, wpNullID(a.OutcomeID), a.Code, string(a.Kind), string(a.Status), a.Lang, a.Title, a.Description,
			wpNullID(a.Lead.ID), a.Start, a.End, a.Example, millis(by.At), a.ID)
		if isUniqueViolation(err) {
			return false, wpCodeTaken()
		}
		if err != nil {
			return false, fmt.Errorf("store: update action: %w", err)
		}
		for _, q := range []string{"DELETE FROM plan_action_partners WHERE action_id = $1", "DELETE FROM plan_action_countries WHERE action_id = $1"} {
			if _, err := tx.ExecContext(ctx, q, a.ID); err != nil {
				return false, err
			}
		}
	}
	a.UpdatedAt = by.At
	for i, p := range a.Partners {
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_action_partners (action_id, org_id, position) VALUES ($1, $2, $3)", a.ID, p.ID, i); err != nil {
			return false, fmt.Errorf("store: insert partner: %w", err)
		}
	}
	for _, c := range a.Countries {
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_action_countries (action_id, country) VALUES ($1, $2)", a.ID, c); err != nil {
			return false, fmt.Errorf("store: insert country: %w", err)
		}
	}
	return true, wpRecord(ctx, tx, by, workplan.EntityAction, a.ID, a.Code, verb, workplan.DiffAction(old, *a))
}

// AddPlanProgress adds a progress update to an action (p.ActionID).
func (db *DB) AddPlanProgress(ctx context.Context, p *workplan.Progress, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { _, err := wpAddProgress(ctx, tx, p, by); return err })
}

// wpAddProgress adds a progress update; one whose uid is known already is
// left as it is (an import of the same file adds nothing twice).
func wpAddProgress(ctx context.Context, tx *sql.Tx, p *workplan.Progress, by PlanBy) (bool, error) {
	if p.ActionID == 0 {
		id, err := wpIDByCode(ctx, tx, "plan_actions", p.ActionCode)
		if err != nil {
			return false, err
		}
		if id == 0 {
			return false, wpUnknown("action")
		}
		p.ActionID = id
	} else {
		code, err := wpCodeByID(ctx, tx, "plan_actions", p.ActionID)
		if err != nil {
			return false, err
		}
		if code == "" {
			return false, wpNotFound()
		}
		p.ActionCode = code
	}
	if ok, err := wpResolveOrg(ctx, tx, &p.Org); err != nil {
		return false, err
	} else if !ok {
		return false, wpUnknown("org")
	}
	var existing workplan.Progress
	err := tx.QueryRowContext(ctx, "SELECT id, action_id, on_date, lang, body FROM plan_progress WHERE uid = $1", p.UID).
		Scan(&existing.ID, &existing.ActionID, &existing.Date, &existing.Lang, &existing.Text)
	if err == nil {
		if existing.ActionID == p.ActionID && existing.Date == p.Date && existing.Lang == p.Lang && existing.Text == p.Text {
			p.ID = existing.ID
			return false, nil
		}
		return false, apperr.Validation([]apperr.FieldError{{Field: "uid", Key: "plan.error.uid_taken"}})
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO plan_progress (action_id, uid, on_date, org_id, person_id, lang, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, p.ActionID, p.UID, p.Date, wpNullID(p.Org.ID), wpNullID(p.PersonID),
		p.Lang, p.Text, millis(by.At)).Scan(&p.ID)
	if err != nil {
		return false, fmt.Errorf("store: insert progress: %w", err)
	}
	p.CreatedAt = by.At
	if _, err := tx.ExecContext(ctx, "UPDATE plan_actions SET updated_at = $1 WHERE id = $2", millis(by.At), p.ActionID); err != nil {
		return false, err
	}
	return true, wpRecord(ctx, tx, by, workplan.EntityAction, p.ActionID, p.ActionCode, workplan.VerbProgress,
		[]workplan.FieldChange{{Field: "progress", To: p.Date + " " + p.Text}})
}

// SavePlanIndicator creates or updates an indicator.
func (db *DB) SavePlanIndicator(ctx context.Context, ind *workplan.Indicator, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { _, err := wpSaveIndicator(ctx, tx, ind, by); return err })
}

func wpNullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func wpSaveIndicator(ctx context.Context, tx *sql.Tx, ind *workplan.Indicator, by PlanBy) (bool, error) {
	if err := wpResolveIndicator(ctx, tx, ind); err != nil {
		return false, err
	}
	if ind.OutcomeID != 0 {
		ind.ActionID, ind.ActionCode = 0, ""
	}
	if ind.ID == 0 {
		err := tx.QueryRowContext(ctx, `INSERT INTO plan_indicators (code, outcome_id, action_id, lang, name, unit, kind, measure, params,
			baseline, baseline_date, target, target_date, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			ind.Code, wpNullID(ind.OutcomeID), wpNullID(ind.ActionID), ind.Lang, ind.Name, ind.Unit, string(ind.Kind), ind.Measure, ind.Params,
			wpNullFloat(ind.Baseline), ind.BaselineDate, wpNullFloat(ind.Target), ind.TargetDate, millis(by.At)).Scan(&ind.ID)
		if isUniqueViolation(err) {
			return false, wpCodeTaken()
		}
		if err != nil {
			return false, fmt.Errorf("store: insert indicator: %w", err)
		}
		return true, wpRecord(ctx, tx, by, workplan.EntityIndicator, ind.ID, ind.Code, workplan.VerbCreated,
			workplan.DiffIndicator(workplan.Indicator{}, *ind))
	}
	list, err := wpIndicators(ctx, tx)
	if err != nil {
		return false, err
	}
	var old *workplan.Indicator
	for i := range list {
		if list[i].ID == ind.ID {
			old = &list[i]
		}
	}
	if old == nil {
		return false, wpNotFound()
	}
	diff := workplan.DiffIndicator(*old, *ind)
	if len(diff) == 0 {
		return false, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE plan_indicators SET code = $1, outcome_id = $2, action_id = $3, lang = $4, name = $5, unit = $6,
		kind = $7, measure = $8, params = $9, baseline = $10, baseline_date = $11, target = $12, target_date = $13, updated_at = $14
		WHERE id = $15`, ind.Code, wpNullID(ind.OutcomeID), wpNullID(ind.ActionID), ind.Lang, ind.Name, ind.Unit, string(ind.Kind),
		ind.Measure, ind.Params, wpNullFloat(ind.Baseline), ind.BaselineDate, wpNullFloat(ind.Target), ind.TargetDate, millis(by.At), ind.ID)
	if isUniqueViolation(err) {
		return false, wpCodeTaken()
	}
	if err != nil {
		return false, fmt.Errorf("store: update indicator: %w", err)
	}
	return true, wpRecord(ctx, tx, by, workplan.EntityIndicator, ind.ID, ind.Code, workplan.VerbUpdated, diff)
}

// AddPlanValue adds a manual value to an indicator (v.IndicatorID).
func (db *DB) AddPlanValue(ctx context.Context, v *workplan.Value, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { _, err := wpAddValue(ctx, tx, v, by); return err })
}

func wpAddValue(ctx context.Context, tx *sql.Tx, v *workplan.Value, by PlanBy) (bool, error) {
	var kind string
	var err error
	if v.IndicatorID == 0 {
		err = tx.QueryRowContext(ctx, "SELECT id, kind FROM plan_indicators WHERE code = $1", v.IndicatorCode).Scan(&v.IndicatorID, &kind)
	} else {
		err = tx.QueryRowContext(ctx, "SELECT code, kind FROM plan_indicators WHERE id = $1", v.IndicatorID).Scan(&v.IndicatorCode, &kind)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, wpUnknown("indicator")
	}
	if err != nil {
		return false, err
	}
	if kind != string(workplan.Manual) {
		return false, apperr.Validation([]apperr.FieldError{{Field: "indicator", Key: "plan.error.computed_value"}})
	}
	if ok, err := wpResolveOrg(ctx, tx, &v.Org); err != nil {
		return false, err
	} else if !ok {
		return false, wpUnknown("org")
	}
	var existing workplan.Value
	err = tx.QueryRowContext(ctx, "SELECT id, indicator_id, value, as_of, source FROM plan_indicator_values WHERE uid = $1", v.UID).
		Scan(&existing.ID, &existing.IndicatorID, &existing.Value, &existing.AsOf, &existing.Source)
	if err == nil {
		if existing.IndicatorID == v.IndicatorID && existing.Value == v.Value && existing.AsOf == v.AsOf && existing.Source == v.Source {
			v.ID = existing.ID
			return false, nil
		}
		return false, apperr.Validation([]apperr.FieldError{{Field: "uid", Key: "plan.error.uid_taken"}})
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO plan_indicator_values (indicator_id, uid, value, as_of, source, org_id, person_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, v.IndicatorID, v.UID, v.Value, v.AsOf, v.Source, wpNullID(v.Org.ID),
		wpNullID(v.PersonID), millis(by.At)).Scan(&v.ID)
	if err != nil {
		return false, fmt.Errorf("store: insert value: %w", err)
	}
	val := v.Value
	return true, wpRecord(ctx, tx, by, workplan.EntityIndicator, v.IndicatorID, v.IndicatorCode, workplan.VerbValue,
		[]workplan.FieldChange{{Field: "value", To: workplan.FormatNumber(&val) + " (" + v.AsOf + ", " + v.Source + ")"}})
}

// SavePlanTranslation adds or replaces the translation of an entity's texts
// into one language (t.Entity, t.ID or t.Code, t.Lang).
func (db *DB) SavePlanTranslation(ctx context.Context, t *workplan.Translation, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { _, err := wpSaveTranslation(ctx, tx, t, by); return err })
}

func wpEntityTable(entity string) string {
	switch entity {
	case workplan.EntityArea:
		return "plan_areas"
	case workplan.EntityOutcome:
		return "plan_outcomes"
	case workplan.EntityAction:
		return "plan_actions"
	case workplan.EntityIndicator:
		return "plan_indicators"
	}
	return ""
}

// wpTranslationExists reports whether t (by entity and code) already has
// a translation into t.Lang.
func wpTranslationExists(ctx context.Context, q wpQuerier, t *workplan.Translation) (bool, error) {
	var n int
	var err error
	if t.Entity == workplan.EntityStakeholder {
		err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_translations x JOIN organizations o ON o.id = x.entity_id
			WHERE x.entity = $1 AND o.name = $2 AND x.lang = $3`, t.Entity, t.Code, t.Lang).Scan(&n)
	} else if table := wpEntityTable(t.Entity); table != "" {
		err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_translations x JOIN `+table+` e ON e.id = x.entity_id
			WHERE x.entity = $1 AND e.code = $2 AND x.lang = $3`, t.Entity, t.Code, t.Lang).Scan(&n)
	}
	return n > 0, err
}

func wpSaveTranslation(ctx context.Context, tx *sql.Tx, t *workplan.Translation, by PlanBy) (bool, error) {
	var err error
	if t.Entity == workplan.EntityStakeholder {
		r := workplan.OrgRef{ID: t.ID, Name: t.Code}
		var ok bool
		if ok, err = wpResolveOrg(ctx, tx, &r); err == nil && (!ok || r.ID == 0) {
			return false, wpUnknown("code")
		}
		t.ID, t.Code = r.ID, r.Name
	} else if table := wpEntityTable(t.Entity); table == "" {
		return false, wpUnknown("entity")
	} else if t.ID == 0 {
		if t.ID, err = wpIDByCode(ctx, tx, table, t.Code); err == nil && t.ID == 0 {
			return false, wpUnknown("code")
		}
	} else if t.Code, err = wpCodeByID(ctx, tx, table, t.ID); err == nil && t.Code == "" {
		return false, wpNotFound()
	}
	if err != nil {
		return false, err
	}
	var old workplan.Translation
	err = tx.QueryRowContext(ctx, "SELECT title, body FROM plan_translations WHERE entity = $1 AND entity_id = $2 AND lang = $3",
		t.Entity, t.ID, t.Lang).Scan(&old.Title, &old.Body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, "INSERT INTO plan_translations (entity, entity_id, lang, title, body) VALUES ($1, $2, $3, $4, $5)",
			t.Entity, t.ID, t.Lang, t.Title, t.Body)
	case err == nil:
		if len(workplan.DiffTranslation(old, *t)) == 0 {
			return false, nil
		}
		_, err = tx.ExecContext(ctx, "UPDATE plan_translations SET title = $1, body = $2 WHERE entity = $3 AND entity_id = $4 AND lang = $5",
			t.Title, t.Body, t.Entity, t.ID, t.Lang)
	}
	if err != nil {
		return false, fmt.Errorf("store: save translation: %w", err)
	}
	diff := workplan.DiffTranslation(old, *t)
	for i := range diff {
		diff[i].Field = t.Lang + ":" + diff[i].Field
	}
	return true, wpRecord(ctx, tx, by, t.Entity, t.ID, t.Code, workplan.VerbTranslated, diff)
}

// SaveStakeholderProfile creates or updates an organisation's stakeholder profile.
func (db *DB) SaveStakeholderProfile(ctx context.Context, p *workplan.Profile, by PlanBy) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { _, err := wpSaveProfile(ctx, tx, p, by); return err })
}

func wpSaveProfile(ctx context.Context, tx *sql.Tx, p *workplan.Profile, by PlanBy) (bool, error) {
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT name FROM organizations WHERE id = $1", p.OrgID).Scan(&name); errors.Is(err, sql.ErrNoRows) {
		return false, wpNotFound()
	} else if err != nil {
		return false, err
	}
	list, err := wpStakeholders(ctx, tx, p.OrgID)
	if err != nil {
		return false, err
	}
	old, had := workplan.Profile{}, len(list) == 1 && list[0].HasProfile
	if had {
		old = list[0].Profile
	}
	diff := workplan.DiffProfile(old, *p)
	verb := workplan.VerbUpdated
	if !had {
		verb = workplan.VerbCreated
		_, err = tx.ExecContext(ctx, `INSERT INTO stakeholder_profiles (org_id, lang, description, corridor_work, contacts, public, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.OrgID, p.Lang, p.Description, p.CorridorWork, workplan.FormatContacts(p.Contacts), p.Public, millis(by.At))
	} else {
		if len(diff) == 0 {
			return false, nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE stakeholder_profiles SET lang = $1, description = $2, corridor_work = $3, contacts = $4, public = $5,
			updated_at = $6 WHERE org_id = $7`, p.Lang, p.Description, p.CorridorWork, workplan.FormatContacts(p.Contacts), p.Public, millis(by.At), p.OrgID)
	}
	if err != nil {
		return false, fmt.Errorf("store: save profile: %w", err)
	}
	return true, wpRecord(ctx, tx, by, workplan.EntityStakeholder, p.OrgID, name, verb, diff)
}

// --- import --------------------------------------------------------------

// PlanImport counts what an import changed.
type PlanImport struct {
	Created, Updated, Unchanged int
	Organizations               int // organisations created
}

// ImportPlan merges a portable plan into the database in ONE transaction:
// organisations named but unknown are created, then stakeholder profiles,
// areas, outcomes, actions, indicators, progress, values and translations
// are created or updated by code (by uid for progress and values, by name
// for stakeholders). Nothing is deleted. Each change is in the history and
// the audit trail; entities that did not change leave no trace. The
// entities must have been validated.
func (db *DB) ImportPlan(ctx context.Context, p *workplan.Plan, by PlanBy) (PlanImport, error) {
	var sum PlanImport
	count := func(created bool, changed bool) {
		switch {
		case created:
			sum.Created++
		case changed:
			sum.Updated++
		default:
			sum.Unchanged++
		}
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for i := range p.Stakeholders {
			s := &p.Stakeholders[i]
			ref := workplan.OrgRef{Name: s.Org.Name}
			ok, err := wpResolveOrg(ctx, tx, &ref)
			if err != nil {
				return err
			}
			if !ok {
				o := s.Org
				o.CreatedAt = by.At
				err := tx.QueryRowContext(ctx, "INSERT INTO organizations (name, type, country, languages, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
					o.Name, string(o.Type), o.Country, strings.Join(o.Languages, ","), millis(o.CreatedAt)).Scan(&ref.ID)
				if err != nil {
					return fmt.Errorf("store: insert organization: %w", err)
				}
				if err := appendAudit(ctx, tx, audit.Entry{At: by.At, Actor: by.Actor, Action: "org.created",
					Detail: fmt.Sprintf("org=%d type=%s country=%s via=plan.import", ref.ID, o.Type, o.Country)}); err != nil {
					return err
				}
				sum.Organizations++
			}
			s.Org.ID, s.Profile.OrgID = ref.ID, ref.ID
			if s.Profile.Empty() {
				var n int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM stakeholder_profiles WHERE org_id = $1", ref.ID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					continue // named by the plan, with no profile
				}
			}
			var had int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM stakeholder_profiles WHERE org_id = $1", ref.ID).Scan(&had); err != nil {
				return err
			}
			changed, err := wpSaveProfile(ctx, tx, &s.Profile, by)
			if err != nil {
				return err
			}
			count(had == 0, changed)
		}
		for i := range p.Areas {
			a := &p.Areas[i]
			id, err := wpIDByCode(ctx, tx, "plan_areas", a.Code)
			if err != nil {
				return err
			}
			a.ID = id
			changed, err := wpSaveArea(ctx, tx, a, by)
			if err != nil {
				return err
			}
			count(id == 0, changed)
		}
		for i := range p.Outcomes {
			o := &p.Outcomes[i]
			id, err := wpIDByCode(ctx, tx, "plan_outcomes", o.Code)
			if err != nil {
				return err
			}
			o.ID, o.AreaID = id, 0
			changed, err := wpSaveOutcome(ctx, tx, o, by)
			if err != nil {
				return err
			}
			count(id == 0, changed)
		}
		for i := range p.Actions {
			a := &p.Actions[i]
			id, err := wpIDByCode(ctx, tx, "plan_actions", a.Code)
			if err != nil {
				return err
			}
			a.ID, a.AreaID, a.OutcomeID, a.Lead.ID = id, 0, 0, 0
			for j := range a.Partners {
				a.Partners[j].ID = 0
			}
			changed, err := wpSaveAction(ctx, tx, a, by)
			if err != nil {
				return err
			}
			count(id == 0, changed)
		}
		for i := range p.Indicators {
			ind := &p.Indicators[i]
			id, err := wpIDByCode(ctx, tx, "plan_indicators", ind.Code)
			if err != nil {
				return err
			}
			ind.ID, ind.OutcomeID, ind.ActionID = id, 0, 0
			changed, err := wpSaveIndicator(ctx, tx, ind, by)
			if err != nil {
				return err
			}
			count(id == 0, changed)
		}
		for i := range p.Progress {
			x := &p.Progress[i]
			x.ActionID, x.Org.ID = 0, 0
			created, err := wpAddProgress(ctx, tx, x, by)
			if err != nil {
				return err
			}
			count(created, false)
		}
		for i := range p.Values {
			v := &p.Values[i]
			v.IndicatorID, v.Org.ID = 0, 0
			created, err := wpAddValue(ctx, tx, v, by)
			if err != nil {
				return err
			}
			count(created, false)
		}
		for i := range p.Translations {
			t := &p.Translations[i]
			t.ID = 0
			existed, err := wpTranslationExists(ctx, tx, t)
			if err != nil {
				return err
			}
			changed, err := wpSaveTranslation(ctx, tx, t, by)
			if err != nil {
				return err
			}
			count(!existed, changed)
		}
		return wpRecord(ctx, tx, by, "plan", 0, "", workplan.VerbImported, []workplan.FieldChange{{Field: "summary",
			To: fmt.Sprintf("created=%d updated=%d unchanged=%d organizations=%d", sum.Created, sum.Updated, sum.Unchanged, sum.Organizations)}})
	})
	return sum, err
}

// PlanStakeholderIDs returns the ids of organisations with a profile, for
// the access policy's "is a stakeholder" fact.
func (db *DB) PlanStakeholderIDs(ctx context.Context) (map[int64]bool, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT org_id FROM stakeholder_profiles")
	if err != nil {
		return nil, fmt.Errorf("store: stakeholder ids: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
