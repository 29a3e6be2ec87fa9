package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

// wpCanProfile reports whether who may edit orgID's profile.
func wpCanProfile(who staff.Signed, orgID int64) bool {
	return access.CanPlan(who.Actor, access.PlanProfile, access.PlanFacts{ProfileOrg: orgID})
}

// wpCanNetwork reports whether who may edit the network's library and events.
func wpCanNetwork(who staff.Signed) bool {
	return access.CanPlan(who.Actor, access.NetworkEdit, access.PlanFacts{})
}

func wpCoordinator(who staff.Signed) bool {
	return access.CanPlan(who.Actor, access.PlanEdit, access.PlanFacts{})
}

func wpRequireStaff(who staff.Signed) error {
	if !access.CanPlan(who.Actor, access.PlanStaff, access.PlanFacts{}) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return nil
}

type planStaffData struct {
	Page
	L             wpLabels
	Coordinator   bool
	View          *planservice.View
	Leads         []planservice.ActionView
	Joins         []planservice.ActionView
	Profiles      []workplan.Stakeholder // the organisations whose profile who may edit
	ImportErrors  []string
	ImportSummary *store.PlanImport
	Notice        string
}

// planStaffPage: GET /staff/plan, the plan's desk: what who leads and
// joins, and for coordinators the whole plan to edit, import and export.
func (s *Server) planStaffPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.renderPlanStaff(w, r, who, http.StatusOK, nil, nil)
}

func (s *Server) renderPlanStaff(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, sum *store.PlanImport, importErrs []apperr.FieldError) error {
	if err := wpRequireStaff(who); err != nil {
		return err
	}
	page := s.staffPageData(w, r, who)
	v, err := s.plan().View(r.Context(), page.Lang, workplan.Filter{})
	if err != nil {
		return err
	}
	p := planStaffData{Page: page, L: wpLabels{P: page.P}, Coordinator: wpCoordinator(who), View: v, ImportSummary: sum}
	for _, a := range v.Areas {
		for _, x := range a.AllActions() {
			switch {
			case x.Lead.ID == who.Org.ID:
				p.Leads = append(p.Leads, x)
			case x.Involves(who.Org.ID):
				p.Joins = append(p.Joins, x)
			}
		}
	}
	all, err := s.cfg.DB.PlanStakeholders(r.Context())
	if err != nil {
		return err
	}
	for _, st := range all {
		if wpCanProfile(who, st.Org.ID) {
			p.Profiles = append(p.Profiles, st)
		}
	}
	for _, fe := range importErrs {
		p.ImportErrors = append(p.ImportErrors, fe.Field+": "+p.P.T(fe.Key, fe.Args...))
	}
	switch r.URL.Query().Get("saved") {
	case "1":
		p.Notice = p.P.T("plan.saved")
	}
	return s.render(w, status, "plan_staff", p)
}

// planExportCSV: GET /staff/plan/export.csv.
func (s *Server) planExportCSV(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.wpExport(w, r, who, planservice.FormatCSV)
}

// planExportXLSX: GET /staff/plan/export.xlsx.
func (s *Server) planExportXLSX(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.wpExport(w, r, who, planservice.FormatXLSX)
}

func (s *Server) wpExport(w http.ResponseWriter, r *http.Request, who staff.Signed, format string) error {
	b, err := s.plan().Export(r.Context(), who, format)
	if err != nil {
		return err
	}
	wpSendFile(w, format, "joint-work-plan-"+s.plan().Today()+"."+format, b)
	return nil
}

func wpSendFile(w http.ResponseWriter, format, name string, b []byte) {
	ct := planservice.ContentTypeCSV
	if format == planservice.FormatXLSX {
		ct = planservice.ContentTypeXLSX
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// wpFormatOf picks the format of an uploaded plan file by its name.
func wpFormatOf(name string) string {
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return planservice.FormatXLSX
	}
	return planservice.FormatCSV
}

// planImport: POST /staff/plan/import (multipart: file), coordinators.
func (s *Server) planImport(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCoordinator(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	name, b, err := wpReadUpload(w, r, "file", planservice.MaxImport)
	if err != nil {
		if fields, ok := wpInvalid(err); ok {
			return s.renderPlanStaff(w, r, who, http.StatusUnprocessableEntity, nil, fields)
		}
		return err
	}
	sum, err := s.plan().Import(r.Context(), who, wpFormatOf(name), b)
	if fields, ok := wpInvalid(err); ok {
		return s.renderPlanStaff(w, r, who, http.StatusUnprocessableEntity, nil, fields)
	}
	if err != nil {
		return err
	}
	return s.renderPlanStaff(w, r, who, http.StatusOK, &sum, nil)
}

// planEditData is the edit page of an area, outcome, action or indicator.
type planEditData struct {
	Page
	L           wpLabels
	Form        string // area, outcome, action, indicator
	New         bool
	Today       string
	Coordinator bool
	Errors      map[string]string
	Notice      string

	Area      workplan.Area
	Outcome   workplan.Outcome
	Action    workplan.Action
	Indicator workplan.Indicator
	Baseline  string
	Target    string

	AreaOpts       []wpOption
	OutcomeOpts    []wpOption
	LeadOpts       []wpOption
	PartnerOpts    []wpOption
	CountryOpts    []wpOption
	OtherCountries string
	StatusOpts     []wpOption
	KindOpts       []wpOption
	LangOpts       []wpOption
	MeasureOpts    []wpOption
	IKindOpts      []wpOption
	OwnerOpts      []wpOption
	Params         map[string]string

	// An existing action: its progress, indicators and who may do what.
	CanEdit      bool
	CanProgress  bool
	Progress     []workplan.Progress
	Indicators   []planservice.IndicatorView
	ProgressForm workplan.Progress
	ValueErrors  map[string]string
	ValueFor     int64

	// An existing entity: its translations and the translation form.
	Translations []workplan.Translation
	TransForm    workplan.Translation
	TransErrors  map[string]string
	Entity       string
	EntityID     int64
}

func (s *Server) newPlanEdit(w http.ResponseWriter, r *http.Request, who staff.Signed, form string) (planEditData, *workplan.Plan, error) {
	page := s.staffPageData(w, r, who)
	p := planEditData{Page: page, L: wpLabels{P: page.P}, Form: form, Coordinator: wpCoordinator(who),
		Errors: map[string]string{}, ValueErrors: map[string]string{}, TransErrors: map[string]string{}, Params: map[string]string{},
		Today: s.plan().Today()}
	plan, err := s.cfg.DB.LoadPlan(r.Context())
	if err != nil {
		return p, nil, err
	}
	q := r.URL.Query()
	if q.Get("saved") == "1" {
		p.Notice = p.P.T("plan.saved")
	}
	// Errors of the small forms (values, translations) come back as
	// message keys in the query; only known keys are shown.
	if k := q.Get("value_error"); wpKnownError(p.P.Has, k) {
		p.ValueErrors["value"] = p.P.T(k)
		p.ValueFor, _ = strconv.ParseInt(q.Get("indicator"), 10, 64)
	}
	if k := q.Get("translation_error"); wpKnownError(p.P.Has, k) {
		p.TransErrors["title"] = p.P.T(k)
	}
	return p, plan, nil
}

// fillOptions fills the lists of the forms from the plan and the
// organisations, with the current values selected.
func (s *Server) fillOptions(r *http.Request, p *planEditData, plan *workplan.Plan) error {
	lang := p.Lang
	p.AreaOpts, p.OutcomeOpts, p.OwnerOpts = nil, nil, nil
	areaID := p.Action.AreaID
	if p.Form == "outcome" {
		areaID = p.Outcome.AreaID
	}
	for _, a := range plan.Areas {
		t := workplan.Localize(lang, a.Lang, a.Title, "", translationsFor(plan, workplan.EntityArea, a.ID))
		p.AreaOpts = append(p.AreaOpts, wpOption{Value: strconv.FormatInt(a.ID, 10), Label: t.Title, Selected: a.ID == areaID})
	}
	for _, o := range plan.Outcomes {
		t := workplan.Localize(lang, o.Lang, o.Title, "", translationsFor(plan, workplan.EntityOutcome, o.ID))
		p.OutcomeOpts = append(p.OutcomeOpts, wpOption{Value: strconv.FormatInt(o.ID, 10), Label: o.Code + " — " + t.Title, Selected: o.ID == p.Action.OutcomeID})
		p.OwnerOpts = append(p.OwnerOpts, wpOption{Value: "outcome:" + strconv.FormatInt(o.ID, 10), Label: p.P.T("plan.entity.outcome") + " " + o.Code + " — " + t.Title,
			Selected: o.ID == p.Indicator.OutcomeID})
	}
	for _, a := range plan.Actions {
		t := workplan.Localize(lang, a.Lang, a.Title, "", translationsFor(plan, workplan.EntityAction, a.ID))
		p.OwnerOpts = append(p.OwnerOpts, wpOption{Value: "action:" + strconv.FormatInt(a.ID, 10), Label: p.P.T("plan.entity.action") + " " + a.Code + " — " + t.Title,
			Selected: a.ID == p.Indicator.ActionID})
	}
	orgs, err := s.cfg.DB.Organizations(r.Context())
	if err != nil {
		return err
	}
	partners := p.Action.PartnerIDs()
	for _, o := range orgs {
		label := o.Name + " (" + p.L.Country(o.Country) + ")"
		id := strconv.FormatInt(o.ID, 10)
		p.LeadOpts = append(p.LeadOpts, wpOption{Value: id, Label: label, Selected: o.ID == p.Action.Lead.ID})
		p.PartnerOpts = append(p.PartnerOpts, wpOption{Value: id, Label: label, Selected: p.L.Has(partners, o.ID)})
	}
	var other []string
	for _, c := range p.Action.Countries {
		if !p.L.HasString(wpPlanCountries, c) {
			other = append(other, c)
		}
	}
	if p.OtherCountries == "" {
		p.OtherCountries = strings.Join(other, " ")
	}
	for _, c := range wpPlanCountries {
		p.CountryOpts = append(p.CountryOpts, wpOption{Value: c, Label: p.L.Country(c), Selected: p.Action.HasCountry(c)})
	}
	for _, st := range workplan.Statuses {
		p.StatusOpts = append(p.StatusOpts, wpOption{Value: string(st), Label: p.L.Status(st), Selected: st == p.Action.Status})
	}
	for _, k := range workplan.Kinds {
		p.KindOpts = append(p.KindOpts, wpOption{Value: string(k), Label: p.L.Kind(k), Selected: k == p.Action.Kind})
	}
	textLang := map[string]string{"area": p.Area.Lang, "outcome": p.Outcome.Lang, "action": p.Action.Lang, "indicator": p.Indicator.Lang}[p.Form]
	if textLang == "" {
		textLang = lang
	}
	p.LangOpts = wpLangOptions(textLang)
	for _, m := range workplan.Measures {
		p.MeasureOpts = append(p.MeasureOpts, wpOption{Value: m.ID, Label: p.L.Measure(m.ID), Selected: m.ID == p.Indicator.Measure})
	}
	for _, k := range workplan.IndicatorKinds {
		p.IKindOpts = append(p.IKindOpts, wpOption{Value: string(k), Label: p.P.T("plan.indicator.kind." + string(k)), Selected: k == p.Indicator.Kind})
	}
	if len(p.Params) == 0 {
		p.Params = workplan.ParseParams(p.Indicator.Params)
	}
	if p.Entity != "" {
		p.Translations = translationsFor(plan, p.Entity, p.EntityID)
		if p.TransForm.Lang == "" {
			p.TransForm.Lang = "ja"
			if textLang == "ja" {
				p.TransForm.Lang = "en"
			}
		}
	}
	return nil
}

func wpInt(form url.Values, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(form.Get(name)))
	return n
}

func wpID(form url.Values, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(form.Get(name)), 10, 64)
	return n
}

// wpOptionalID reads the {id} of the path; 0 for the "new" routes.
func wpOptionalID(r *http.Request) (int64, error) {
	if r.PathValue("id") == "" {
		return 0, nil
	}
	return wpPathID(r)
}

// wpKnownError reports whether key is an error message key of the catalog.
func wpKnownError(has func(string) bool, key string) bool {
	return (strings.HasPrefix(key, "plan.error.") || strings.HasPrefix(key, "error.")) && has(key)
}

// planEditForm renders the edit form of an area, outcome, action or
// indicator: fill puts in the record (found in plan, or as typed), and
// fields, when a save was refused, the problems next to their fields.
func (s *Server) planEditForm(w http.ResponseWriter, r *http.Request, who staff.Signed, form string, status int, fields []apperr.FieldError, fill func(*planEditData, *workplan.Plan) error) error {
	p, plan, err := s.newPlanEdit(w, r, who, form)
	if err != nil {
		return err
	}
	if err := fill(&p, plan); err != nil {
		return err
	}
	if fields != nil {
		p.Errors = wpErrors(p.P, fields)
	}
	if err := s.fillOptions(r, &p, plan); err != nil {
		return err
	}
	return s.render(w, status, "plan_edit", p)
}

// planEditAgain shows an edit form again with what was typed (set by fill)
// and each problem next to its field.
func (s *Server) planEditAgain(w http.ResponseWriter, r *http.Request, who staff.Signed, form string, fields []apperr.FieldError, fill func(*planEditData) error) error {
	return s.planEditForm(w, r, who, form, http.StatusUnprocessableEntity, fields, func(p *planEditData, _ *workplan.Plan) error { return fill(p) })
}

// findByID returns the item of list whose id is id, or NotFound.
func findByID[T any](list []T, id int64, idOf func(T) int64) (T, error) {
	for _, x := range list {
		if idOf(x) == id {
			return x, nil
		}
	}
	var zero T
	return zero, apperr.New(apperr.NotFound, "error.not_found")
}

// --- areas ---

func (s *Server) planAreaEdit(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCoordinator(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	return s.planEditForm(w, r, who, "area", http.StatusOK, nil, func(p *planEditData, plan *workplan.Plan) error {
		p.New = id == 0
		if id == 0 {
			p.Area.Position = len(plan.Areas) + 1
			return nil
		}
		p.Entity, p.EntityID = workplan.EntityArea, id
		p.Area, err = findByID(plan.Areas, id, func(a workplan.Area) int64 { return a.ID })
		return err
	})
}

func (s *Server) planAreaSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	a := workplan.Area{ID: id, Code: form.Get("code"), Position: wpInt(form, "position"), Lang: form.Get("lang"),
		Title: form.Get("title"), Description: form.Get("description")}
	err = s.plan().SaveArea(r.Context(), who, &a)
	if fields, ok := wpInvalid(err); ok {
		return s.planEditAgain(w, r, who, "area", fields, func(p *planEditData) error {
			p.New, p.Area = id == 0, a
			if id != 0 {
				p.Entity, p.EntityID = workplan.EntityArea, id
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/plan/areas/"+strconv.FormatInt(a.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// --- outcomes ---

func (s *Server) planOutcomeEdit(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCoordinator(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	return s.planEditForm(w, r, who, "outcome", http.StatusOK, nil, func(p *planEditData, plan *workplan.Plan) error {
		p.New = id == 0
		if id == 0 {
			p.Outcome.AreaID, _ = strconv.ParseInt(r.URL.Query().Get("area"), 10, 64)
			p.Outcome.Position = 1
			return nil
		}
		p.Entity, p.EntityID = workplan.EntityOutcome, id
		p.Outcome, err = findByID(plan.Outcomes, id, func(o workplan.Outcome) int64 { return o.ID })
		return err
	})
}

func (s *Server) planOutcomeSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	o := workplan.Outcome{ID: id, AreaID: wpID(form, "area"), Code: form.Get("code"), Position: wpInt(form, "position"),
		Lang: form.Get("lang"), Title: form.Get("title"), Description: form.Get("description")}
	err = s.plan().SaveOutcome(r.Context(), who, &o)
	if fields, ok := wpInvalid(err); ok {
		return s.planEditAgain(w, r, who, "outcome", fields, func(p *planEditData) error {
			p.New, p.Outcome = id == 0, o
			if id != 0 {
				p.Entity, p.EntityID = workplan.EntityOutcome, id
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/plan/outcomes/"+strconv.FormatInt(o.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// --- actions ---

// planActionEdit: GET /staff/plan/actions/new (coordinators) and
// /staff/plan/actions/{id}: the edit form for a coordinator or the lead,
// the progress form for the lead and partners.
func (s *Server) planActionEdit(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	return s.planEditForm(w, r, who, "action", http.StatusOK, nil, func(p *planEditData, _ *workplan.Plan) error {
		if id != 0 {
			return s.loadActionEdit(r, who, p, id)
		}
		if !p.Coordinator {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		p.New, p.CanEdit = true, true
		p.Action = workplan.Action{Kind: workplan.ProposedKind, Status: workplan.Proposed, Lang: p.Lang}
		p.Action.AreaID, _ = strconv.ParseInt(r.URL.Query().Get("area"), 10, 64)
		p.Action.OutcomeID, _ = strconv.ParseInt(r.URL.Query().Get("outcome"), 10, 64)
		return nil
	})
}

// loadActionEdit fills the edit page of an existing action; an action who
// may neither edit nor add progress to is not found.
func (s *Server) loadActionEdit(r *http.Request, who staff.Signed, p *planEditData, id int64) error {
	av, _, err := s.plan().Action(r.Context(), p.Lang, id)
	if err != nil {
		return err
	}
	p.CanEdit, p.CanProgress = s.plan().CanEditAction(who, av.Action)
	if !p.CanEdit && !p.CanProgress {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	if p.Action.ID == 0 {
		p.Action = av.Action
	}
	p.Progress, p.Indicators = av.Progress, av.Indicators
	p.Entity, p.EntityID = workplan.EntityAction, id
	if p.ProgressForm.Date == "" {
		p.ProgressForm.Date = s.plan().Today()
	}
	if p.ProgressForm.Lang == "" {
		p.ProgressForm.Lang = p.Lang
	}
	return nil
}

func wpActionFromForm(form url.Values, id int64) workplan.Action {
	a := workplan.Action{ID: id, AreaID: wpID(form, "area"), OutcomeID: wpID(form, "outcome"), Code: form.Get("code"),
		Kind: workplan.Kind(form.Get("kind")), Status: workplan.Status(form.Get("status")), Lang: form.Get("lang"),
		Title: form.Get("title"), Description: form.Get("description"), Lead: workplan.OrgRef{ID: wpID(form, "lead")},
		Start: form.Get("start"), End: form.Get("end"), Example: form.Get("example") == "1"}
	for _, v := range form["partners"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			a.Partners = append(a.Partners, workplan.OrgRef{ID: n})
		}
	}
	a.Countries = workplan.NormalizeCountries(append(append([]string(nil), form["countries"]...), form.Get("other_countries")))
	return a
}

func (s *Server) planActionSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	a := wpActionFromForm(form, id)
	svc := s.plan()
	if id == 0 {
		err = svc.CreateAction(r.Context(), who, &a)
	} else {
		err = svc.UpdateAction(r.Context(), who, &a)
	}
	if fields, ok := wpInvalid(err); ok {
		return s.planEditAgain(w, r, who, "action", fields, func(p *planEditData) error {
			p.Action, p.OtherCountries = a, form.Get("other_countries")
			if id == 0 {
				p.New, p.CanEdit = true, true
				return nil
			}
			return s.loadActionEdit(r, who, p, id)
		})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/plan/actions/"+strconv.FormatInt(a.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// planProgressSave: POST /staff/plan/actions/{id}/progress.
func (s *Server) planProgressSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	pr := workplan.Progress{ActionID: id, Date: form.Get("date"), Lang: form.Get("lang"), Text: form.Get("text")}
	err = s.plan().AddProgress(r.Context(), who, &pr)
	if fields, ok := wpInvalid(err); ok {
		return s.planEditAgain(w, r, who, "action", fields, func(p *planEditData) error {
			p.ProgressForm = pr
			return s.loadActionEdit(r, who, p, id)
		})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/plan/actions/"+strconv.FormatInt(id, 10)+"?saved=1#progress", http.StatusSeeOther)
	return nil
}

// --- indicators ---

func wpParseNumber(s string) (*float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return nil, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, false
	}
	return &f, true
}

func (s *Server) planIndicatorEdit(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCoordinator(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	return s.planEditForm(w, r, who, "indicator", http.StatusOK, nil, func(p *planEditData, plan *workplan.Plan) error {
		p.New = id == 0
		if id == 0 {
			p.Indicator.Kind = workplan.Manual
			p.Indicator.OutcomeID, _ = strconv.ParseInt(r.URL.Query().Get("outcome"), 10, 64)
			p.Indicator.ActionID, _ = strconv.ParseInt(r.URL.Query().Get("action"), 10, 64)
			return nil
		}
		p.Entity, p.EntityID = workplan.EntityIndicator, id
		p.Indicator, err = findByID(plan.Indicators, id, func(ind workplan.Indicator) int64 { return ind.ID })
		p.Baseline, p.Target = workplan.FormatNumber(p.Indicator.Baseline), workplan.FormatNumber(p.Indicator.Target)
		return err
	})
}

func (s *Server) planIndicatorSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	ind := workplan.Indicator{ID: id, Code: form.Get("code"), Lang: form.Get("lang"), Name: form.Get("name"), Unit: form.Get("unit"),
		Kind: workplan.IndicatorKind(form.Get("kind")), Measure: form.Get("measure"),
		BaselineDate: form.Get("baseline_date"), TargetDate: form.Get("target_date")}
	kind, ownerID, _ := strings.Cut(form.Get("owner"), ":")
	n, _ := strconv.ParseInt(ownerID, 10, 64)
	if kind == "outcome" {
		ind.OutcomeID = n
	} else if kind == "action" {
		ind.ActionID = n
	}
	params := map[string]string{}
	for _, k := range []workplan.Param{workplan.ParamLanguage, workplan.ParamOrigin, workplan.ParamSince, workplan.ParamCorridor} {
		params[string(k)] = strings.TrimSpace(form.Get("param_" + string(k)))
	}
	if ind.Kind == workplan.Computed {
		if m, ok := workplan.MeasureByID(ind.Measure); ok {
			kept := map[string]string{}
			for _, k := range m.Params {
				if v := params[string(k)]; v != "" {
					kept[string(k)] = v
				}
			}
			ind.Params = workplan.FormatParams(kept)
		}
	}
	var numErrs []apperr.FieldError
	var ok bool
	baseline, target := form.Get("baseline"), form.Get("target")
	if ind.Baseline, ok = wpParseNumber(baseline); !ok {
		numErrs = append(numErrs, apperr.FieldError{Field: "baseline", Key: "plan.error.number"})
	}
	if ind.Target, ok = wpParseNumber(target); !ok {
		numErrs = append(numErrs, apperr.FieldError{Field: "target", Key: "plan.error.number"})
	}
	if len(numErrs) > 0 {
		err = apperr.Validation(numErrs)
	} else {
		err = s.plan().SaveIndicator(r.Context(), who, &ind)
	}
	if fields, ok := wpInvalid(err); ok {
		return s.planEditAgain(w, r, who, "indicator", fields, func(p *planEditData) error {
			p.New, p.Indicator, p.Baseline, p.Target, p.Params = id == 0, ind, baseline, target, params
			if id != 0 {
				p.Entity, p.EntityID = workplan.EntityIndicator, id
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/plan/indicators/"+strconv.FormatInt(ind.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// planValueSave: POST /staff/plan/indicators/{id}/values, a manual value
// with its source and date; back to where the form was.
func (s *Server) planValueSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	v := workplan.Value{IndicatorID: id, AsOf: form.Get("as_of"), Source: form.Get("source")}
	f, ok := wpParseNumber(form.Get("value"))
	if !ok || f == nil {
		err = apperr.Validation([]apperr.FieldError{{Field: "value", Key: "plan.error.number"}})
	} else {
		v.Value = *f
		err = s.plan().AddValue(r.Context(), who, &v)
	}
	back := wpBack(form.Get("back"))
	if fields, ok := wpInvalid(err); ok {
		// The form is small; its errors are shown where it was sent from.
		q := url.Values{"value_error": {fields[0].Key}, "indicator": {strconv.FormatInt(id, 10)}}
		http.Redirect(w, r, back+"?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, back+"?saved=1", http.StatusSeeOther)
	return nil
}

// wpBack keeps a return path only when it is one of the plan's staff pages.
func wpBack(path string) string {
	if strings.HasPrefix(path, "/staff/plan") && !strings.ContainsAny(path, "?#\\") && !strings.HasPrefix(path, "//") {
		return path
	}
	return "/staff/plan"
}

// planTranslationSave: POST /staff/plan/translations.
func (s *Server) planTranslationSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	t := workplan.Translation{Entity: form.Get("entity"), ID: wpID(form, "entity_id"), Lang: form.Get("lang"), Title: form.Get("title"), Body: form.Get("body")}
	err = s.plan().SaveTranslation(r.Context(), who, &t)
	back := wpBack(form.Get("back"))
	if fields, ok := wpInvalid(err); ok {
		q := url.Values{"translation_error": {fields[0].Key}}
		http.Redirect(w, r, back+"?"+q.Encode()+"#translations", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, back+"?saved=1#translations", http.StatusSeeOther)
	return nil
}

// --- stakeholder profiles ---

type stakeholderEditData struct {
	Page
	L            wpLabels
	S            workplan.Stakeholder
	Contacts     string
	LangOpts     []wpOption
	Errors       map[string]string
	Notice       string
	Translations []workplan.Translation
	TransForm    workplan.Translation
}

func (s *Server) stakeholderEdit(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	if !wpCanProfile(who, id) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	st, err := s.cfg.DB.PlanStakeholder(r.Context(), id)
	if err != nil {
		return err
	}
	if !st.HasProfile {
		st.Profile.Lang = s.language(w, r)
	}
	return s.renderStakeholderEdit(w, r, who, http.StatusOK, st, workplan.FormatContacts(st.Profile.Contacts), nil)
}

func (s *Server) renderStakeholderEdit(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, st workplan.Stakeholder, contacts string, fields []apperr.FieldError) error {
	page := s.staffPageData(w, r, who)
	p := stakeholderEditData{Page: page, L: wpLabels{P: page.P}, S: st, Contacts: contacts, LangOpts: wpLangOptions(st.Profile.Lang),
		Errors: wpErrors(page.P, fields)}
	if r.URL.Query().Get("saved") == "1" {
		p.Notice = p.P.T("plan.saved")
	}
	plan, err := s.cfg.DB.LoadPlan(r.Context())
	if err != nil {
		return err
	}
	p.Translations = translationsFor(plan, workplan.EntityStakeholder, st.Org.ID)
	p.TransForm.Lang = "ja"
	if st.Profile.Lang == "ja" {
		p.TransForm.Lang = "en"
	}
	return s.render(w, status, "stakeholder_edit", p)
}

func (s *Server) stakeholderSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	if !wpCanProfile(who, id) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	st, err := s.cfg.DB.PlanStakeholder(r.Context(), id)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	contacts, cerrs := workplan.ParseContacts(form.Get("contacts"))
	st.Profile = workplan.Profile{OrgID: id, Lang: form.Get("lang"), Description: form.Get("description"),
		CorridorWork: form.Get("corridor_work"), Contacts: contacts, Public: form.Get("public") == "1"}
	if len(cerrs) > 0 {
		err = apperr.Validation(cerrs)
	} else {
		err = s.plan().SaveProfile(r.Context(), who, &st.Profile)
	}
	if fields, ok := wpInvalid(err); ok {
		return s.renderStakeholderEdit(w, r, who, http.StatusUnprocessableEntity, st, form.Get("contacts"), fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/plan/stakeholders/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}
