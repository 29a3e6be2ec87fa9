package workplan

import (
	"sort"
	"strconv"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/org"
)

// Plan is the whole plan in portable form: entities refer to each other by
// code and to organisations by name, so that it can travel between
// databases as a file and come back unchanged.
type Plan struct {
	Stakeholders []Stakeholder
	Areas        []Area
	Outcomes     []Outcome
	Actions      []Action
	Progress     []Progress
	Indicators   []Indicator
	Values       []Value
	Translations []Translation
	// Lines are, for a plan read from a file, the line of each entity in
	// its sheet, in order: Lines["actions"][i] is the line of Actions[i].
	Lines map[string][]int
}

// line returns the line of the i-th entity of sheet, or 0.
func (p *Plan) line(sheet string, i int) int {
	if l := p.Lines[sheet]; i < len(l) {
		return l[i]
	}
	return 0
}

// Sheet is one table of the tabular form: a sheet of a workbook, or the
// rows of one record type in the single CSV file.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]string
	// Lines are the rows' line numbers in the file they were read from
	// (1-based, the header being line 1 of a sheet); nil when written.
	Lines []int
}

// Sheet names and their columns, in order. A file may order columns
// differently; a missing column is an error, an unknown one too.
var sheetColumns = []struct {
	name string
	cols []string
}{
	{"stakeholders", []string{"name", "type", "country", "languages", "lang", "description", "corridor_work", "contacts", "public"}},
	{"areas", []string{"code", "position", "lang", "title", "description"}},
	{"outcomes", []string{"code", "area", "position", "lang", "title", "description"}},
	{"actions", []string{"code", "area", "outcome", "kind", "status", "lang", "title", "description", "lead", "partners", "countries", "start", "end", "example"}},
	{"progress", []string{"uid", "action", "date", "org", "lang", "text"}},
	{"indicators", []string{"code", "outcome", "action", "lang", "name", "unit", "kind", "measure", "params", "baseline", "baseline_date", "target", "target_date"}},
	{"values", []string{"uid", "indicator", "value", "as_of", "source", "org"}},
	{"translations", []string{"entity", "code", "lang", "title", "body"}},
}

// SheetNames lists the sheets in the order they are written and imported.
func SheetNames() []string {
	out := make([]string, 0, len(sheetColumns))
	for _, s := range sheetColumns {
		out = append(out, s.name)
	}
	return out
}

// Columns returns the columns of a sheet.
func Columns(sheet string) []string {
	for _, s := range sheetColumns {
		if s.name == sheet {
			return s.cols
		}
	}
	return nil
}

// RowError is a problem with one cell (or row) of an imported file.
type RowError struct {
	Sheet  string
	Line   int
	Column string
	Key    string
	Args   []any
}

// FieldErrors turns row errors into field errors whose field names the
// place: "sheet:line:column".
func FieldErrors(rows []RowError) []apperr.FieldError {
	out := make([]apperr.FieldError, 0, len(rows))
	for _, r := range rows {
		out = append(out, apperr.FieldError{Field: r.Sheet + ":" + strconv.Itoa(r.Line) + ":" + r.Column, Key: r.Key, Args: r.Args})
	}
	return out
}

func list(s []string) string { return strings.Join(s, "\n") }

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func boolCell(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Sort puts the plan in its canonical order, the order of an export.
func (p *Plan) Sort() {
	sort.SliceStable(p.Stakeholders, func(i, j int) bool { return p.Stakeholders[i].Org.Name < p.Stakeholders[j].Org.Name })
	areaPos := map[string]int{}
	sort.SliceStable(p.Areas, func(i, j int) bool {
		a, b := p.Areas[i], p.Areas[j]
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return a.Code < b.Code
	})
	for i, a := range p.Areas {
		areaPos[a.Code] = i
	}
	sort.SliceStable(p.Outcomes, func(i, j int) bool {
		a, b := p.Outcomes[i], p.Outcomes[j]
		if areaPos[a.AreaCode] != areaPos[b.AreaCode] {
			return areaPos[a.AreaCode] < areaPos[b.AreaCode]
		}
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return a.Code < b.Code
	})
	sort.SliceStable(p.Actions, func(i, j int) bool { return p.Actions[i].Code < p.Actions[j].Code })
	sort.SliceStable(p.Progress, func(i, j int) bool {
		a, b := p.Progress[i], p.Progress[j]
		if a.ActionCode != b.ActionCode {
			return a.ActionCode < b.ActionCode
		}
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return a.UID < b.UID
	})
	sort.SliceStable(p.Indicators, func(i, j int) bool { return p.Indicators[i].Code < p.Indicators[j].Code })
	sort.SliceStable(p.Values, func(i, j int) bool {
		a, b := p.Values[i], p.Values[j]
		if a.IndicatorCode != b.IndicatorCode {
			return a.IndicatorCode < b.IndicatorCode
		}
		if a.AsOf != b.AsOf {
			return a.AsOf < b.AsOf
		}
		return a.UID < b.UID
	})
	sort.SliceStable(p.Translations, func(i, j int) bool {
		a, b := p.Translations[i], p.Translations[j]
		if a.Entity != b.Entity {
			return a.Entity < b.Entity
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Lang < b.Lang
	})
}

// Sheets writes the plan as tables, in canonical order.
func (p *Plan) Sheets() []Sheet {
	p.Sort()
	sheets := make([]Sheet, 0, len(sheetColumns))
	add := func(name string, rows [][]string) {
		sheets = append(sheets, Sheet{Name: name, Header: Columns(name), Rows: rows})
	}
	var rows [][]string
	for _, s := range p.Stakeholders {
		rows = append(rows, []string{s.Org.Name, string(s.Org.Type), s.Org.Country, strings.Join(s.Org.Languages, " "),
			s.Profile.Lang, s.Profile.Description, s.Profile.CorridorWork, FormatContacts(s.Profile.Contacts), boolCell(s.Profile.Public)})
	}
	add("stakeholders", rows)
	rows = nil
	for _, a := range p.Areas {
		rows = append(rows, []string{a.Code, strconv.Itoa(a.Position), a.Lang, a.Title, a.Description})
	}
	add("areas", rows)
	rows = nil
	for _, o := range p.Outcomes {
		rows = append(rows, []string{o.Code, o.AreaCode, strconv.Itoa(o.Position), o.Lang, o.Title, o.Description})
	}
	add("outcomes", rows)
	rows = nil
	for _, a := range p.Actions {
		partners := make([]string, 0, len(a.Partners))
		for _, x := range a.Partners {
			partners = append(partners, x.Name)
		}
		rows = append(rows, []string{a.Code, a.AreaCode, a.OutcomeCode, string(a.Kind), string(a.Status), a.Lang, a.Title, a.Description,
			a.Lead.Name, list(partners), strings.Join(a.Countries, " "), a.Start, a.End, boolCell(a.Example)})
	}
	add("actions", rows)
	rows = nil
	for _, x := range p.Progress {
		rows = append(rows, []string{x.UID, x.ActionCode, x.Date, x.Org.Name, x.Lang, x.Text})
	}
	add("progress", rows)
	rows = nil
	for _, ind := range p.Indicators {
		rows = append(rows, []string{ind.Code, ind.OutcomeCode, ind.ActionCode, ind.Lang, ind.Name, ind.Unit, string(ind.Kind), ind.Measure, ind.Params,
			FormatNumber(ind.Baseline), ind.BaselineDate, FormatNumber(ind.Target), ind.TargetDate})
	}
	add("indicators", rows)
	rows = nil
	for _, v := range p.Values {
		val := v.Value
		rows = append(rows, []string{v.UID, v.IndicatorCode, FormatNumber(&val), v.AsOf, v.Source, v.Org.Name})
	}
	add("values", rows)
	rows = nil
	for _, t := range p.Translations {
		rows = append(rows, []string{t.Entity, t.Code, t.Lang, t.Title, t.Body})
	}
	add("translations", rows)
	return sheets
}

// rowReader reads the cells of one row by column name and collects errors.
type rowReader struct {
	sheet string
	line  int
	index map[string]int
	row   []string
	errs  *[]RowError
}

func (r rowReader) get(col string) string {
	i, ok := r.index[col]
	if !ok || i >= len(r.row) {
		return ""
	}
	return r.row[i]
}

func (r rowReader) fail(col, key string) {
	*r.errs = append(*r.errs, RowError{Sheet: r.sheet, Line: r.line, Column: col, Key: key})
}

func (r rowReader) number(col string) *float64 {
	s := strings.TrimSpace(r.get(col))
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		r.fail(col, "plan.error.number")
		return nil
	}
	return &f
}

func (r rowReader) integer(col string) int {
	s := strings.TrimSpace(r.get(col))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.fail(col, "plan.error.number")
	}
	return n
}

func (r rowReader) boolean(col string) bool {
	switch strings.ToLower(strings.TrimSpace(r.get(col))) {
	case "true", "yes", "1":
		return true
	case "false", "no", "0", "":
		return false
	}
	r.fail(col, "plan.error.boolean")
	return false
}

// PlanFromSheets reads a plan from its tables. It checks the shape of the
// file (sheets, columns, numbers, booleans); Validate checks the entities.
func PlanFromSheets(sheets []Sheet) (*Plan, []RowError) {
	var errs []RowError
	p := &Plan{Lines: map[string][]int{}}
	for _, sh := range sheets {
		cols := Columns(sh.Name)
		if cols == nil {
			errs = append(errs, RowError{Sheet: sh.Name, Line: 1, Key: "plan.error.sheet"})
			continue
		}
		index := map[string]int{}
		for i, h := range sh.Header {
			h = strings.ToLower(strings.TrimSpace(h))
			if !contains(cols, h) {
				errs = append(errs, RowError{Sheet: sh.Name, Line: 1, Column: h, Key: "plan.error.column"})
				continue
			}
			index[h] = i
		}
		missing := false
		for _, c := range cols {
			if _, ok := index[c]; !ok {
				errs = append(errs, RowError{Sheet: sh.Name, Line: 1, Column: c, Key: "plan.error.column_missing"})
				missing = true
			}
		}
		if missing {
			continue
		}
		for i, row := range sh.Rows {
			line := i + 2
			if sh.Lines != nil {
				line = sh.Lines[i]
			}
			if blank(row) {
				continue
			}
			r := rowReader{sheet: sh.Name, line: line, index: index, row: row, errs: &errs}
			p.readRow(sh.Name, r)
			p.Lines[sh.Name] = append(p.Lines[sh.Name], line)
		}
	}
	return p, errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (p *Plan) readRow(sheet string, r rowReader) {
	switch sheet {
	case "stakeholders":
		contacts, _ := ParseContacts(r.get("contacts"))
		p.Stakeholders = append(p.Stakeholders, Stakeholder{
			Org: org.Organization{Name: r.get("name"), Type: org.Type(r.get("type")), Country: r.get("country"),
				Languages: strings.Fields(r.get("languages"))},
			Profile: Profile{Lang: r.get("lang"), Description: r.get("description"), CorridorWork: r.get("corridor_work"),
				Contacts: contacts, Public: r.boolean("public")},
			HasProfile: true,
		})
	case "areas":
		p.Areas = append(p.Areas, Area{Code: r.get("code"), Position: r.integer("position"), Lang: r.get("lang"),
			Title: r.get("title"), Description: r.get("description")})
	case "outcomes":
		p.Outcomes = append(p.Outcomes, Outcome{Code: r.get("code"), AreaCode: r.get("area"), Position: r.integer("position"),
			Lang: r.get("lang"), Title: r.get("title"), Description: r.get("description")})
	case "actions":
		var partners []OrgRef
		for _, n := range splitLines(r.get("partners")) {
			partners = append(partners, OrgRef{Name: n})
		}
		a := Action{Code: r.get("code"), AreaCode: r.get("area"), OutcomeCode: r.get("outcome"), Kind: Kind(r.get("kind")),
			Status: Status(r.get("status")), Lang: r.get("lang"), Title: r.get("title"), Description: r.get("description"),
			Lead: OrgRef{Name: strings.TrimSpace(r.get("lead"))}, Partners: partners, Countries: NormalizeCountries([]string{r.get("countries")}),
			Start: r.get("start"), End: r.get("end"), Example: r.boolean("example")}
		p.Actions = append(p.Actions, a)
	case "progress":
		p.Progress = append(p.Progress, Progress{UID: strings.TrimSpace(r.get("uid")), ActionCode: r.get("action"), Date: r.get("date"),
			Org: OrgRef{Name: strings.TrimSpace(r.get("org"))}, Lang: r.get("lang"), Text: r.get("text")})
	case "indicators":
		p.Indicators = append(p.Indicators, Indicator{Code: r.get("code"), OutcomeCode: r.get("outcome"), ActionCode: r.get("action"),
			Lang: r.get("lang"), Name: r.get("name"), Unit: r.get("unit"), Kind: IndicatorKind(r.get("kind")), Measure: r.get("measure"),
			Params: r.get("params"), Baseline: r.number("baseline"), BaselineDate: r.get("baseline_date"), Target: r.number("target"),
			TargetDate: r.get("target_date")})
	case "values":
		v := Value{UID: strings.TrimSpace(r.get("uid")), IndicatorCode: r.get("indicator"), AsOf: r.get("as_of"), Source: r.get("source"),
			Org: OrgRef{Name: strings.TrimSpace(r.get("org"))}}
		if f := r.number("value"); f != nil {
			v.Value = *f
		} else {
			r.fail("value", "error.required")
		}
		p.Values = append(p.Values, v)
	case "translations":
		p.Translations = append(p.Translations, Translation{Entity: r.get("entity"), Code: r.get("code"), Lang: r.get("lang"),
			Title: r.get("title"), Body: r.get("body")})
	}
}

// CombinedHeader is the header of the single CSV file: the record type,
// then every column of every sheet once, in sheet order.
func CombinedHeader() []string {
	out := []string{"record"}
	for _, s := range sheetColumns {
		for _, c := range s.cols {
			if !contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Combine writes the sheets as the rows of one table under
// CombinedHeader: each row names its record type.
func Combine(sheets []Sheet) [][]string {
	header := CombinedHeader()
	pos := map[string]int{}
	for i, h := range header {
		pos[h] = i
	}
	out := [][]string{header}
	for _, sh := range sheets {
		for _, row := range sh.Rows {
			line := make([]string, len(header))
			line[0] = sh.Name
			for i, c := range sh.Header {
				if i < len(row) {
					line[pos[c]] = row[i]
				}
			}
			out = append(out, line)
		}
	}
	return out
}

// Split reads the rows of the single CSV file back into sheets; the first
// row is the header.
func Split(rows [][]string) ([]Sheet, []RowError) {
	if len(rows) == 0 {
		return nil, []RowError{{Sheet: "csv", Line: 1, Key: "plan.error.empty"}}
	}
	header := rows[0]
	rec := -1
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		if header[i] == "record" {
			rec = i
		}
	}
	if rec < 0 {
		return nil, []RowError{{Sheet: "csv", Line: 1, Column: "record", Key: "plan.error.column_missing"}}
	}
	known := CombinedHeader()
	for _, h := range header {
		if !contains(known, h) {
			return nil, []RowError{{Sheet: "csv", Line: 1, Column: h, Key: "plan.error.column"}}
		}
	}
	byName := map[string]*Sheet{}
	var errs []RowError
	for i, row := range rows[1:] {
		if blank(row) {
			continue
		}
		name := ""
		if rec < len(row) {
			name = strings.TrimSpace(row[rec])
		}
		cols := Columns(name)
		if cols == nil {
			errs = append(errs, RowError{Sheet: "csv", Line: i + 2, Column: "record", Key: "plan.error.sheet"})
			continue
		}
		sh := byName[name]
		if sh == nil {
			sh = &Sheet{Name: name, Header: cols}
			byName[name] = sh
		}
		out := make([]string, len(cols))
		for j, c := range cols {
			for k, h := range header {
				if h == c && k < len(row) {
					out[j] = row[k]
				}
			}
		}
		sh.Rows = append(sh.Rows, out)
		sh.Lines = append(sh.Lines, i+2)
	}
	// The sheets in the canonical order, whatever the file's order.
	var sheets []Sheet
	for _, n := range SheetNames() {
		if sh := byName[n]; sh != nil {
			sheets = append(sheets, *sh)
		}
	}
	return sheets, errs
}

// Known is what the database already holds, for checking the references
// of an imported plan: codes of areas, outcomes, actions and indicators,
// the kind of each indicator, and organisation names.
type Known struct {
	Areas, Outcomes, Actions, Organizations map[string]bool
	Indicators                              map[string]IndicatorKind
	// OutcomeArea maps an outcome's code to its area's code.
	OutcomeArea map[string]string
}

func fieldRows(sheet string, line int, fes []apperr.FieldError) []RowError {
	out := make([]RowError, 0, len(fes))
	for _, fe := range fes {
		out = append(out, RowError{Sheet: sheet, Line: line, Column: fe.Field, Key: fe.Key, Args: fe.Args})
	}
	return out
}

// Validate checks every entity of a plan read from a file, that codes and
// uids are not repeated, and that every reference names something in the
// file or in the database (known). today bounds the dates of progress and
// values.
func (p *Plan) Validate(today string, known Known) []RowError {
	var errs []RowError
	orgs := map[string]bool{}
	for k := range known.Organizations {
		orgs[k] = true
	}
	seen := map[string]map[string]bool{}
	dup := func(sheet, key string, line int, col string) {
		if seen[sheet] == nil {
			seen[sheet] = map[string]bool{}
		}
		if seen[sheet][key] {
			errs = append(errs, RowError{Sheet: sheet, Line: line, Column: col, Key: "plan.error.duplicate"})
		}
		seen[sheet][key] = true
	}
	for i := range p.Stakeholders {
		s := &p.Stakeholders[i]
		line := p.line("stakeholders", i)
		dup("stakeholders", s.Org.Name, line, "name")
		if !known.Organizations[strings.TrimSpace(s.Org.Name)] {
			errs = append(errs, fieldRows("stakeholders", line, s.Org.Validate())...)
		} else {
			s.Org.Name = strings.TrimSpace(s.Org.Name)
		}
		if s.Profile.Lang == "" && s.Profile.Empty() {
			s.Profile.Lang = "en"
		}
		errs = append(errs, fieldRows("stakeholders", line, s.Profile.Validate())...)
		orgs[s.Org.Name] = true
	}
	areas := map[string]bool{}
	for k := range known.Areas {
		areas[k] = true
	}
	for i := range p.Areas {
		a := &p.Areas[i]
		errs = append(errs, fieldRows("areas", p.line("areas", i), a.Validate())...)
		dup("areas", a.Code, p.line("areas", i), "code")
		areas[a.Code] = true
	}
	outcomeArea := map[string]string{}
	for k, v := range known.OutcomeArea {
		outcomeArea[k] = v
	}
	for i := range p.Outcomes {
		o := &p.Outcomes[i]
		line := p.line("outcomes", i)
		errs = append(errs, fieldRows("outcomes", line, o.Validate())...)
		dup("outcomes", o.Code, line, "code")
		if o.AreaCode != "" && !areas[o.AreaCode] {
			errs = append(errs, RowError{Sheet: "outcomes", Line: line, Column: "area", Key: "plan.error.unknown_ref"})
		}
		outcomeArea[o.Code] = o.AreaCode
	}
	actions := map[string]bool{}
	for k := range known.Actions {
		actions[k] = true
	}
	for i := range p.Actions {
		a := &p.Actions[i]
		line := p.line("actions", i)
		if a.AreaCode == "" && a.OutcomeCode != "" {
			a.AreaCode = outcomeArea[a.OutcomeCode]
		}
		errs = append(errs, fieldRows("actions", line, a.Validate())...)
		dup("actions", a.Code, line, "code")
		switch {
		case a.AreaCode != "" && !areas[a.AreaCode]:
			errs = append(errs, RowError{Sheet: "actions", Line: line, Column: "area", Key: "plan.error.unknown_ref"})
		case a.OutcomeCode != "" && outcomeArea[a.OutcomeCode] == "":
			errs = append(errs, RowError{Sheet: "actions", Line: line, Column: "outcome", Key: "plan.error.unknown_ref"})
		case a.OutcomeCode != "" && outcomeArea[a.OutcomeCode] != a.AreaCode:
			errs = append(errs, RowError{Sheet: "actions", Line: line, Column: "outcome", Key: "plan.error.outcome_area"})
		}
		if a.Lead.Name != "" && !orgs[a.Lead.Name] {
			errs = append(errs, RowError{Sheet: "actions", Line: line, Column: "lead", Key: "plan.error.unknown_ref"})
		}
		for _, x := range a.Partners {
			if !orgs[x.Name] {
				errs = append(errs, RowError{Sheet: "actions", Line: line, Column: "partners", Key: "plan.error.unknown_ref"})
				break
			}
		}
		actions[a.Code] = true
	}
	indicators := map[string]IndicatorKind{}
	for k, v := range known.Indicators {
		indicators[k] = v
	}
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		line := p.line("indicators", i)
		errs = append(errs, fieldRows("indicators", line, ind.Validate())...)
		dup("indicators", ind.Code, line, "code")
		if ind.OutcomeCode != "" && outcomeArea[ind.OutcomeCode] == "" {
			errs = append(errs, RowError{Sheet: "indicators", Line: line, Column: "outcome", Key: "plan.error.unknown_ref"})
		}
		if ind.ActionCode != "" && !actions[ind.ActionCode] {
			errs = append(errs, RowError{Sheet: "indicators", Line: line, Column: "action", Key: "plan.error.unknown_ref"})
		}
		indicators[ind.Code] = ind.Kind
	}
	for i := range p.Progress {
		x := &p.Progress[i]
		line := p.line("progress", i)
		errs = append(errs, fieldRows("progress", line, x.Validate(today))...)
		if !ValidUID(x.UID) {
			errs = append(errs, RowError{Sheet: "progress", Line: line, Column: "uid", Key: "plan.error.uid"})
		}
		dup("progress", x.UID, line, "uid")
		if !actions[x.ActionCode] {
			errs = append(errs, RowError{Sheet: "progress", Line: line, Column: "action", Key: "plan.error.unknown_ref"})
		}
		if x.Org.Name != "" && !orgs[x.Org.Name] {
			errs = append(errs, RowError{Sheet: "progress", Line: line, Column: "org", Key: "plan.error.unknown_ref"})
		}
	}
	for i := range p.Values {
		v := &p.Values[i]
		line := p.line("values", i)
		errs = append(errs, fieldRows("values", line, v.Validate(today))...)
		if !ValidUID(v.UID) {
			errs = append(errs, RowError{Sheet: "values", Line: line, Column: "uid", Key: "plan.error.uid"})
		}
		dup("values", v.UID, line, "uid")
		switch kind, ok := indicators[v.IndicatorCode]; {
		case !ok:
			errs = append(errs, RowError{Sheet: "values", Line: line, Column: "indicator", Key: "plan.error.unknown_ref"})
		case kind != Manual:
			errs = append(errs, RowError{Sheet: "values", Line: line, Column: "indicator", Key: "plan.error.computed_value"})
		}
		if v.Org.Name != "" && !orgs[v.Org.Name] {
			errs = append(errs, RowError{Sheet: "values", Line: line, Column: "org", Key: "plan.error.unknown_ref"})
		}
	}
	for i := range p.Translations {
		t := &p.Translations[i]
		line := p.line("translations", i)
		errs = append(errs, fieldRows("translations", line, t.Validate())...)
		dup("translations", t.Entity+"\x00"+t.Code+"\x00"+t.Lang, line, "code")
		var ok bool
		switch t.Entity {
		case EntityArea:
			ok = areas[t.Code]
		case EntityOutcome:
			ok = outcomeArea[t.Code] != ""
		case EntityAction:
			ok = actions[t.Code]
		case EntityIndicator:
			_, ok = indicators[t.Code]
		case EntityStakeholder:
			ok = orgs[t.Code]
		default:
			ok = true // reported by Validate
		}
		if !ok {
			errs = append(errs, RowError{Sheet: "translations", Line: line, Column: "code", Key: "plan.error.unknown_ref"})
		}
	}
	return errs
}
