package web

import (
	"crypto/rand"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/staff"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

// routesWorkplan registers the Joint Work Plan, the stakeholders' public
// profiles and the regional network (public pages, staff pages and the
// API), and the knowledge area's routes.
func (s *Server) routesWorkplan(mux *http.ServeMux) {
	h := s.handle
	// Public, read-only.
	mux.Handle("GET /plan", h(s.planPage))
	mux.Handle("GET /plan/actions/{id}", h(s.planActionPage))
	mux.Handle("GET /plan/areas/{id}/summary", h(s.planSummaryPage))
	mux.Handle("GET /plan/history", h(s.planHistoryPage))
	mux.Handle("GET /plan/print.css", http.HandlerFunc(s.planPrintCSS))
	mux.Handle("GET /plan/stakeholders", h(s.stakeholdersPage))
	mux.Handle("GET /plan/stakeholders/{id}", h(s.stakeholderPage))
	mux.Handle("GET /network", h(s.networkPage))
	mux.Handle("GET /network/resources/{id}", h(s.networkResourcePage))
	mux.Handle("GET /network/resources/{id}/file", h(s.networkFile))
	mux.Handle("GET /network/events/{id}", h(s.networkEventPage))

	// Staff: coordinators edit; leads edit their actions; leads and
	// partners post progress; stakeholders' members comment.
	mux.Handle("GET /staff/plan", s.staffPage(s.planStaffPage))
	mux.Handle("GET /staff/plan/export.csv", s.staffPage(s.planExportCSV))
	mux.Handle("GET /staff/plan/export.xlsx", s.staffPage(s.planExportXLSX))
	mux.Handle("POST /staff/plan/import", s.staffPage(s.planImport))
	mux.Handle("GET /staff/plan/areas/new", s.staffPage(s.planAreaEdit))
	mux.Handle("GET /staff/plan/areas/{id}", s.staffPage(s.planAreaEdit))
	mux.Handle("POST /staff/plan/areas", s.staffPage(s.planAreaSave))
	mux.Handle("POST /staff/plan/areas/{id}", s.staffPage(s.planAreaSave))
	mux.Handle("GET /staff/plan/outcomes/new", s.staffPage(s.planOutcomeEdit))
	mux.Handle("GET /staff/plan/outcomes/{id}", s.staffPage(s.planOutcomeEdit))
	mux.Handle("POST /staff/plan/outcomes", s.staffPage(s.planOutcomeSave))
	mux.Handle("POST /staff/plan/outcomes/{id}", s.staffPage(s.planOutcomeSave))
	mux.Handle("GET /staff/plan/actions/new", s.staffPage(s.planActionEdit))
	mux.Handle("GET /staff/plan/actions/{id}", s.staffPage(s.planActionEdit))
	mux.Handle("POST /staff/plan/actions", s.staffPage(s.planActionSave))
	mux.Handle("POST /staff/plan/actions/{id}", s.staffPage(s.planActionSave))
	mux.Handle("POST /staff/plan/actions/{id}/progress", s.staffPage(s.planProgressSave))
	mux.Handle("GET /staff/plan/indicators/new", s.staffPage(s.planIndicatorEdit))
	mux.Handle("GET /staff/plan/indicators/{id}", s.staffPage(s.planIndicatorEdit))
	mux.Handle("POST /staff/plan/indicators", s.staffPage(s.planIndicatorSave))
	mux.Handle("POST /staff/plan/indicators/{id}", s.staffPage(s.planIndicatorSave))
	mux.Handle("POST /staff/plan/indicators/{id}/values", s.staffPage(s.planValueSave))
	mux.Handle("POST /staff/plan/translations", s.staffPage(s.planTranslationSave))
	mux.Handle("GET /staff/plan/stakeholders/{id}", s.staffPage(s.stakeholderEdit))
	mux.Handle("POST /staff/plan/stakeholders/{id}", s.staffPage(s.stakeholderSave))
	mux.Handle("GET /staff/network", s.staffPage(s.networkStaffPage))
	mux.Handle("GET /staff/network/resources/new", s.staffPage(s.networkResourceEdit))
	mux.Handle("GET /staff/network/resources/{id}", s.staffPage(s.networkResourceEdit))
	mux.Handle("POST /staff/network/resources", s.staffPage(s.networkResourceSave))
	mux.Handle("POST /staff/network/resources/{id}", s.staffPage(s.networkResourceSave))
	mux.Handle("GET /staff/network/events/new", s.staffPage(s.networkEventEdit))
	mux.Handle("GET /staff/network/events/{id}", s.staffPage(s.networkEventEdit))
	mux.Handle("POST /staff/network/events", s.staffPage(s.networkEventSave))
	mux.Handle("POST /staff/network/events/{id}", s.staffPage(s.networkEventSave))
	mux.Handle("POST /staff/network/resources/{id}/comments", s.staffPage(s.networkCommentSave))
	mux.Handle("POST /staff/network/events/{id}/comments", s.staffPage(s.networkCommentSave))

	// API.
	mux.Handle("GET /api/v1/workplan", s.api(s.apiWorkplan))
	mux.Handle("GET /api/v1/workplan/actions/{id}", s.api(s.apiWorkplanAction))
	mux.Handle("GET /api/v1/workplan/history", s.api(s.apiWorkplanHistory))
	mux.Handle("GET /api/v1/workplan/export", s.staffAPI(s.apiWorkplanExport))
	mux.Handle("POST /api/v1/workplan/import", s.staffAPI(s.apiWorkplanImport))
	mux.Handle("POST /api/v1/workplan/actions/{id}/progress", s.staffAPI(s.apiWorkplanProgress))
	mux.Handle("GET /api/v1/stakeholders", s.api(s.apiStakeholders))
	mux.Handle("GET /api/v1/stakeholders/{id}", s.api(s.apiStakeholder))
	mux.Handle("GET /api/v1/network", s.api(s.apiNetwork))

	s.routesKnowledge(mux)
}

// plan returns the plan's service for this request.
func (s *Server) plan() *planservice.Service {
	return &planservice.Service{DB: s.cfg.DB, Now: s.cfg.Now, Rand: rand.Reader}
}

// wpPathID reads the {id} of the path; anything else is not found.
func wpPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "error.not_found")
	}
	return id, nil
}

// wpOptionalStaff returns who is signed in on a public page, if anyone, so
// that the page can offer them its staff links.
func (s *Server) wpOptionalStaff(r *http.Request) *staff.Signed {
	if staffToken(r) == "" {
		return nil
	}
	who, err := s.signedIn(r)
	if err != nil {
		return nil
	}
	return &who
}

// wpLabels turns the plan's codes into the reader's words; templates call
// its methods as {{$.L.Status .Status}}.
type wpLabels struct {
	P *i18n.Printer
}

func (l wpLabels) key(prefix, code string) string {
	if code == "" {
		return ""
	}
	if l.P.Has(prefix + code) {
		return l.P.T(prefix + code)
	}
	return code
}

// Country names a country in the reader's language (its code when the
// catalog does not know it).
func (l wpLabels) Country(code string) string { return l.key("country.", code) }

// Countries names several countries.
func (l wpLabels) Countries(codes []string) string {
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		names = append(names, l.Country(c))
	}
	return strings.Join(names, ", ")
}

// OrgType names an organisation type.
func (l wpLabels) OrgType(t org.Type) string { return l.key("orgtype.", string(t)) }

// Status names an action status.
func (l wpLabels) Status(s workplan.Status) string { return l.key("plan.status.", string(s)) }

// Kind names an action kind.
func (l wpLabels) Kind(k workplan.Kind) string { return l.key("plan.kind.", string(k)) }

// Unit names a unit (a manual indicator's own unit is shown as written).
func (l wpLabels) Unit(u string) string { return l.key("plan.unit.", u) }

// Measure names a computed measure.
func (l wpLabels) Measure(id string) string { return l.key("plan.measure.", id) }

// ResourceKind names a kind of library resource.
func (l wpLabels) ResourceKind(k workplan.ResourceKind) string {
	return l.key("plan.resource.", string(k))
}

// ContactKind names a kind of contact channel.
func (l wpLabels) ContactKind(k workplan.ContactKind) string {
	return l.key("plan.contact.", string(k))
}

// Verb names what happened in the history.
func (l wpLabels) Verb(v string) string { return l.key("plan.verb.", v) }

// Entity names a kind of entity of the plan.
func (l wpLabels) Entity(e string) string { return l.key("plan.entity.", e) }

// Lang names a language in its own script.
func (l wpLabels) Lang(code string) string { return i18n.Name(code) }

// Langs names several languages.
func (l wpLabels) Langs(codes []string) string {
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		names = append(names, i18n.Name(c))
	}
	return strings.Join(names, ", ")
}

// Num writes a number.
func (l wpLabels) Num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// NumP writes an optional number, or a dash.
func (l wpLabels) NumP(f *float64) string {
	if f == nil {
		return "—"
	}
	return l.Num(*f)
}

// WithUnit writes a number with its unit.
func (l wpLabels) WithUnit(f *float64, unit string) string {
	if f == nil {
		return "—"
	}
	if unit == workplan.UnitPercent {
		return l.Num(*f) + "%"
	}
	if u := l.Unit(unit); u != "" {
		return l.Num(*f) + " " + u
	}
	return l.Num(*f)
}

// Current writes an indicator's current value, or why there is none.
func (l wpLabels) Current(c workplan.Current, unit string) string {
	switch {
	case c.Pending:
		return l.P.T("plan.indicator.pending")
	case c.Suppressed:
		return l.P.T("plan.indicator.suppressed", workplan.MinCases)
	case !c.Available:
		return l.P.T("plan.indicator.none")
	}
	v := c.Value
	return l.WithUnit(&v, unit)
}

// Paras splits a text into paragraphs (one a line).
func (l wpLabels) Paras(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Time writes a moment in Japan time.
func (l wpLabels) Time(t time.Time) string { return japanTime(t) }

// Href is a contact's link: web, mail and phone links only, checked when
// the profile was saved.
func (l wpLabels) Href(c workplan.Contact) template.URL {
	return template.URL(c.Href())
}

// Has reports whether ids holds id (for checked boxes).
func (l wpLabels) Has(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// HasString reports whether list holds s.
func (l wpLabels) HasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// wpErrors translates field errors for a form.
func wpErrors(p *i18n.Printer, fields []apperr.FieldError) map[string]string {
	out := map[string]string{}
	for _, fe := range fields {
		if _, ok := out[fe.Field]; !ok {
			out[fe.Field] = p.T(fe.Key, fe.Args...)
		}
	}
	return out
}

// wpInvalid returns the field errors of a validation error, or ok false.
func wpInvalid(err error) ([]apperr.FieldError, bool) {
	if apperr.CodeOf(err) != apperr.Invalid {
		return nil, false
	}
	return apperr.As(err).Fields, true
}

// wpPlanCountries are the countries offered in forms and filters: the
// plan's, then Myanmar and Nepal.
var wpPlanCountries = append(append([]string(nil), workplan.FocusCountries...), "MM", "NP")
