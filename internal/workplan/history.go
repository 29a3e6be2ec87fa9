package workplan

import (
	"strconv"
	"strings"
	"time"
)

// Verbs of the history.
const (
	VerbCreated    = "created"
	VerbUpdated    = "updated"
	VerbProgress   = "progress"   // a progress update was posted
	VerbValue      = "value"      // a manual value was entered
	VerbTranslated = "translated" // a translation was added or changed
	VerbImported   = "imported"   // a file was imported
)

// FieldChange is one field of an entity that changed.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Change is one entry of the plan's history: who changed what, when.
type Change struct {
	ID       int64
	At       time.Time
	Actor    string // "staff:<id>" or "system"
	OrgID    int64  // the organisation of the person who acted
	OrgName  string
	Entity   string
	EntityID int64
	Code     string
	Verb     string
	Fields   []FieldChange
}

// differ collects the fields that differ.
type differ []FieldChange

func (d *differ) str(field, from, to string) {
	if from != to {
		*d = append(*d, FieldChange{Field: field, From: from, To: to})
	}
}

func (d *differ) num(field string, from, to *float64) {
	d.str(field, FormatNumber(from), FormatNumber(to))
}

// FormatNumber writes an optional number the shortest way that reads back
// exactly; nil is "".
func FormatNumber(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func orgNames(refs []OrgRef) string {
	names := make([]string, 0, len(refs))
	for _, r := range refs {
		names = append(names, r.Name)
	}
	return strings.Join(names, "; ")
}

// DiffArea lists the fields that differ between two versions of an area.
func DiffArea(a, b Area) []FieldChange {
	var d differ
	d.str("code", a.Code, b.Code)
	d.str("position", strconv.Itoa(a.Position), strconv.Itoa(b.Position))
	d.str("lang", a.Lang, b.Lang)
	d.str("title", a.Title, b.Title)
	d.str("description", a.Description, b.Description)
	return d
}

// DiffOutcome lists the fields that differ between two versions of an outcome.
func DiffOutcome(a, b Outcome) []FieldChange {
	var d differ
	d.str("code", a.Code, b.Code)
	d.str("area", a.AreaCode, b.AreaCode)
	d.str("position", strconv.Itoa(a.Position), strconv.Itoa(b.Position))
	d.str("lang", a.Lang, b.Lang)
	d.str("title", a.Title, b.Title)
	d.str("description", a.Description, b.Description)
	return d
}

// DiffAction lists the fields that differ between two versions of an action.
func DiffAction(a, b Action) []FieldChange {
	var d differ
	d.str("code", a.Code, b.Code)
	d.str("area", a.AreaCode, b.AreaCode)
	d.str("outcome", a.OutcomeCode, b.OutcomeCode)
	d.str("kind", string(a.Kind), string(b.Kind))
	d.str("status", string(a.Status), string(b.Status))
	d.str("lang", a.Lang, b.Lang)
	d.str("title", a.Title, b.Title)
	d.str("description", a.Description, b.Description)
	d.str("lead", a.Lead.Name, b.Lead.Name)
	d.str("partners", orgNames(a.Partners), orgNames(b.Partners))
	d.str("countries", strings.Join(a.Countries, " "), strings.Join(b.Countries, " "))
	d.str("start", a.Start, b.Start)
	d.str("end", a.End, b.End)
	d.str("example", strconv.FormatBool(a.Example), strconv.FormatBool(b.Example))
	return d
}

// DiffIndicator lists the fields that differ between two versions of an
// indicator.
func DiffIndicator(a, b Indicator) []FieldChange {
	var d differ
	d.str("code", a.Code, b.Code)
	d.str("outcome", a.OutcomeCode, b.OutcomeCode)
	d.str("action", a.ActionCode, b.ActionCode)
	d.str("lang", a.Lang, b.Lang)
	d.str("name", a.Name, b.Name)
	d.str("unit", a.Unit, b.Unit)
	d.str("kind", string(a.Kind), string(b.Kind))
	d.str("measure", a.Measure, b.Measure)
	d.str("params", a.Params, b.Params)
	d.num("baseline", a.Baseline, b.Baseline)
	d.str("baseline_date", a.BaselineDate, b.BaselineDate)
	d.num("target", a.Target, b.Target)
	d.str("target_date", a.TargetDate, b.TargetDate)
	return d
}

// DiffProfile lists the fields that differ between two versions of a
// stakeholder profile.
func DiffProfile(a, b Profile) []FieldChange {
	var d differ
	d.str("lang", a.Lang, b.Lang)
	d.str("description", a.Description, b.Description)
	d.str("corridor_work", a.CorridorWork, b.CorridorWork)
	d.str("contacts", FormatContacts(a.Contacts), FormatContacts(b.Contacts))
	d.str("public", strconv.FormatBool(a.Public), strconv.FormatBool(b.Public))
	return d
}

// DiffTranslation lists the fields that differ between two versions of a
// translation.
func DiffTranslation(a, b Translation) []FieldChange {
	var d differ
	d.str("title", a.Title, b.Title)
	d.str("body", a.Body, b.Body)
	return d
}

// FieldNames lists the names of changed fields, for the audit trail (which
// never holds the texts themselves).
func FieldNames(fs []FieldChange) string {
	names := make([]string, 0, len(fs))
	for _, f := range fs {
		names = append(names, f.Field)
	}
	return strings.Join(names, ",")
}
