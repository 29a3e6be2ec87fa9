package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/staff"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

// wpOption is one choice of a filter or form list.
type wpOption struct {
	Value    string
	Label    string
	Selected bool
}

type planPageData struct {
	Page
	L         wpLabels
	View      *planservice.View
	Areas     []wpOption
	Countries []wpOption
	Orgs      []wpOption
	Statuses  []wpOption
	Kinds     []wpOption
	Query     string // the filter as a query string, for the API link
	Staff     *staff.Signed
	Blocks    []wpAreaBlock
}

// wpAreaBlock is an area as the plan page shows it: its outcomes, then the
// actions under no outcome, as groups.
type wpAreaBlock struct {
	planservice.AreaView
	Groups []wpGroup
}

type wpGroup struct {
	ID         int64
	Text       workplan.Localized
	Other      bool // the actions under no outcome
	Indicators []planservice.IndicatorView
	Actions    []planservice.ActionView
}

func wpBlocks(v *planservice.View) []wpAreaBlock {
	var out []wpAreaBlock
	for _, a := range v.Areas {
		b := wpAreaBlock{AreaView: a}
		for _, o := range a.Outcomes {
			b.Groups = append(b.Groups, wpGroup{ID: o.ID, Text: o.Text, Indicators: o.Indicators, Actions: o.Actions})
		}
		if len(a.Actions) > 0 {
			b.Groups = append(b.Groups, wpGroup{Other: true, Actions: a.Actions})
		}
		out = append(out, b)
	}
	return out
}

// wpFilter reads the public view's filter from the query string.
func wpFilter(q url.Values) workplan.Filter {
	var f workplan.Filter
	f.AreaID, _ = strconv.ParseInt(q.Get("area"), 10, 64)
	f.Stakeholder, _ = strconv.ParseInt(q.Get("stakeholder"), 10, 64)
	if c := strings.ToUpper(strings.TrimSpace(q.Get("country"))); workplan.ValidCountry(c) {
		f.Country = c
	}
	if st := q.Get("status"); workplan.IsStatus(st) {
		f.Status = workplan.Status(st)
	}
	if k := q.Get("kind"); workplan.IsKind(k) {
		f.Kind = workplan.Kind(k)
	}
	return f
}

func wpFilterQuery(f workplan.Filter) string {
	q := url.Values{}
	if f.AreaID != 0 {
		q.Set("area", strconv.FormatInt(f.AreaID, 10))
	}
	if f.Country != "" {
		q.Set("country", f.Country)
	}
	if f.Stakeholder != 0 {
		q.Set("stakeholder", strconv.FormatInt(f.Stakeholder, 10))
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Kind != "" {
		q.Set("kind", string(f.Kind))
	}
	return q.Encode()
}

// planPage: GET /plan, the public view of the plan, filterable by area,
// country, stakeholder, status and kind.
func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	f := wpFilter(r.URL.Query())
	v, err := s.plan().View(r.Context(), lang, f)
	if err != nil {
		return err
	}
	p := planPageData{Page: s.page(r, lang), View: v, Query: wpFilterQuery(f), Staff: s.wpOptionalStaff(r), Blocks: wpBlocks(v)}
	p.L = wpLabels{P: p.P}
	for _, a := range v.Plan.Areas {
		t := workplan.Localize(lang, a.Lang, a.Title, "", translationsFor(v.Plan, workplan.EntityArea, a.ID))
		p.Areas = append(p.Areas, wpOption{Value: strconv.FormatInt(a.ID, 10), Label: t.Title, Selected: a.ID == f.AreaID})
	}
	for _, c := range wpPlanCountries {
		p.Countries = append(p.Countries, wpOption{Value: c, Label: p.L.Country(c), Selected: c == f.Country})
	}
	involved := map[int64]bool{}
	for _, a := range v.Plan.Actions {
		involved[a.Lead.ID] = true
		for _, x := range a.Partners {
			involved[x.ID] = true
		}
	}
	for _, st := range v.Plan.Stakeholders {
		if involved[st.Org.ID] {
			p.Orgs = append(p.Orgs, wpOption{Value: strconv.FormatInt(st.Org.ID, 10), Label: st.Org.Name, Selected: st.Org.ID == f.Stakeholder})
		}
	}
	for _, st := range workplan.Statuses {
		p.Statuses = append(p.Statuses, wpOption{Value: string(st), Label: p.L.Status(st), Selected: st == f.Status})
	}
	for _, k := range workplan.Kinds {
		p.Kinds = append(p.Kinds, wpOption{Value: string(k), Label: p.L.Kind(k), Selected: k == f.Kind})
	}
	return s.render(w, http.StatusOK, "plan", p)
}

func translationsFor(p *workplan.Plan, entity string, id int64) []workplan.Translation {
	var out []workplan.Translation
	for _, t := range p.Translations {
		if t.Entity == entity && t.ID == id {
			out = append(out, t)
		}
	}
	return out
}

type planActionPageData struct {
	Page
	L           wpLabels
	Action      planservice.ActionView
	Area        workplan.Localized
	Outcome     workplan.Localized
	Public      map[int64]bool // organisations with a public profile
	Events      []workplan.Event
	History     []workplan.Change
	CanEdit     bool
	CanProgress bool
}

// planActionPage: GET /plan/actions/{id}, one action with its progress,
// indicators, the events that produced it and its history.
func (s *Server) planActionPage(w http.ResponseWriter, r *http.Request) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	lang := s.language(w, r)
	svc := s.plan()
	a, v, err := svc.Action(r.Context(), lang, id)
	if err != nil {
		return err
	}
	p := planActionPageData{Page: s.page(r, lang), Action: a, Public: map[int64]bool{}}
	p.L = wpLabels{P: p.P}
	for _, st := range v.Plan.Stakeholders {
		p.Public[st.Org.ID] = st.HasProfile && st.Profile.Public
	}
	for _, ar := range v.Plan.Areas {
		if ar.ID == a.AreaID {
			p.Area = workplan.Localize(lang, ar.Lang, ar.Title, "", translationsFor(v.Plan, workplan.EntityArea, ar.ID))
		}
	}
	for _, o := range v.Plan.Outcomes {
		if o.ID == a.OutcomeID {
			p.Outcome = workplan.Localize(lang, o.Lang, o.Title, "", translationsFor(v.Plan, workplan.EntityOutcome, o.ID))
		}
	}
	if p.Events, err = s.cfg.DB.NetworkEvents(r.Context(), storeNetworkPublic(), a.ID); err != nil {
		return err
	}
	if p.History, err = svc.History(r.Context(), workplan.EntityAction, a.ID, 100); err != nil {
		return err
	}
	if who := s.wpOptionalStaff(r); who != nil {
		p.CanEdit, p.CanProgress = svc.CanEditAction(*who, a.Action)
	}
	return s.render(w, http.StatusOK, "plan_action", p)
}

type planSummaryData struct {
	Page
	L        wpLabels
	Area     planservice.AreaView
	Actions  []planservice.ActionView
	ByStatus []wpOption // status label and count
	Today    string
	URL      string
}

// planSummaryPage: GET /plan/areas/{id}/summary, a printable one-page
// summary of an area: its outcomes with their indicators, and its actions.
func (s *Server) planSummaryPage(w http.ResponseWriter, r *http.Request) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	lang := s.language(w, r)
	v, err := s.plan().View(r.Context(), lang, workplan.Filter{AreaID: id})
	if err != nil {
		return err
	}
	var area *planservice.AreaView
	for i := range v.Areas {
		if v.Areas[i].ID == id {
			area = &v.Areas[i]
		}
	}
	if area == nil {
		return s.notFound(w, r)
	}
	p := planSummaryData{Page: s.page(r, lang), Area: *area, Actions: area.AllActions(), Today: v.Today, URL: "/plan?area=" + strconv.FormatInt(id, 10)}
	p.L = wpLabels{P: p.P}
	counts := map[workplan.Status]int{}
	for _, a := range p.Actions {
		counts[a.Status]++
	}
	for _, st := range workplan.Statuses {
		if counts[st] > 0 {
			p.ByStatus = append(p.ByStatus, wpOption{Value: strconv.Itoa(counts[st]), Label: p.L.Status(st)})
		}
	}
	// A document of its own (no site header or footer), with a print
	// stylesheet that fits it on one A4 page.
	t, ok := s.pages["plan_summary"]
	if !ok {
		return fmt.Errorf("web: no page plan_summary")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "plan-summary-document", p); err != nil {
		return fmt.Errorf("web: render plan summary: %w", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err = w.Write(buf.Bytes())
	return err
}

// planPrintCSS is the summary's stylesheet: compact, black on white, one
// A4 page.
func (s *Server) planPrintCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Write([]byte(planPrintStyles))
}

const planPrintStyles = `body{max-width:50rem;font-size:.95rem;line-height:1.4}
.summary h1{font-size:1.4rem;margin:.5rem 0}
.summary h2{font-size:1.05rem;margin:.8rem 0 .3rem}
.summary table{border-collapse:collapse;width:100%;font-size:.85rem}
.summary th,.summary td{border-bottom:1px solid #999;padding:.2rem .3rem;text-align:start;vertical-align:top}
.summary .meta{font-size:.85rem;color:#333}
.summary .noprint{margin:1rem 0}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;font-size:9pt;padding:0}.summary .noprint{display:none}.summary table{font-size:8pt}.summary h1{font-size:14pt}.summary h2{font-size:10.5pt}a{color:#000;text-decoration:none}}
`

type planHistoryData struct {
	Page
	L       wpLabels
	Changes []workplan.Change
}

// planHistoryPage: GET /plan/history, every change to the plan, newest
// first (the last 300).
func (s *Server) planHistoryPage(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	changes, err := s.plan().History(r.Context(), "", 0, 300)
	if err != nil {
		return err
	}
	p := planHistoryData{Page: s.page(r, lang), Changes: changes}
	p.L = wpLabels{P: p.P}
	return s.render(w, http.StatusOK, "plan_history", p)
}

type stakeholdersData struct {
	Page
	L            wpLabels
	Stakeholders []wpStakeholderRow
	Types        []wpOption
	Countries    []wpOption
}

type wpStakeholderRow struct {
	workplan.Stakeholder
	Text    workplan.Localized
	Leads   int
	Partner int
}

// wpPublicStakeholders returns the organisations with a public profile,
// with their texts for lang and what they take part in.
func wpPublicStakeholders(p *workplan.Plan, lang string) []wpStakeholderRow {
	var out []wpStakeholderRow
	for _, st := range p.Stakeholders {
		if !st.HasProfile || !st.Profile.Public {
			continue
		}
		row := wpStakeholderRow{Stakeholder: st,
			Text: workplan.Localize(lang, st.Profile.Lang, st.Profile.Description, st.Profile.CorridorWork, translationsFor(p, workplan.EntityStakeholder, st.Org.ID))}
		for _, a := range p.Actions {
			if a.Lead.ID == st.Org.ID {
				row.Leads++
			} else if a.Involves(st.Org.ID) {
				row.Partner++
			}
		}
		out = append(out, row)
	}
	return out
}

// stakeholdersPage: GET /plan/stakeholders, the organisations with a
// public profile, filterable by type and country.
func (s *Server) stakeholdersPage(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	plan, err := s.cfg.DB.LoadPlan(r.Context())
	if err != nil {
		return err
	}
	typ, country := r.URL.Query().Get("type"), strings.ToUpper(r.URL.Query().Get("country"))
	p := stakeholdersData{Page: s.page(r, lang)}
	p.L = wpLabels{P: p.P}
	seenCountry := map[string]bool{}
	for _, row := range wpPublicStakeholders(plan, lang) {
		if !seenCountry[row.Org.Country] {
			seenCountry[row.Org.Country] = true
			p.Countries = append(p.Countries, wpOption{Value: row.Org.Country, Label: p.L.Country(row.Org.Country), Selected: row.Org.Country == country})
		}
		if (typ != "" && string(row.Org.Type) != typ) || (country != "" && row.Org.Country != country) {
			continue
		}
		p.Stakeholders = append(p.Stakeholders, row)
	}
	for _, t := range org.Types {
		p.Types = append(p.Types, wpOption{Value: string(t), Label: p.L.OrgType(t), Selected: string(t) == typ})
	}
	return s.render(w, http.StatusOK, "stakeholders", p)
}

type stakeholderData struct {
	Page
	L       wpLabels
	S       wpStakeholderRow
	Leads   []planservice.ActionView
	Joins   []planservice.ActionView
	CanEdit bool
}

// stakeholderPage: GET /plan/stakeholders/{id}, an organisation's public
// profile and the actions it leads or joins. Without a public profile the
// page does not exist.
func (s *Server) stakeholderPage(w http.ResponseWriter, r *http.Request) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	lang := s.language(w, r)
	v, err := s.plan().View(r.Context(), lang, workplan.Filter{})
	if err != nil {
		return err
	}
	var row *wpStakeholderRow
	for _, x := range wpPublicStakeholders(v.Plan, lang) {
		if x.Org.ID == id {
			row = &x
		}
	}
	if row == nil {
		return s.notFound(w, r)
	}
	p := stakeholderData{Page: s.page(r, lang), S: *row}
	p.L = wpLabels{P: p.P}
	for _, a := range v.Areas {
		for _, x := range a.AllActions() {
			switch {
			case x.Lead.ID == id:
				p.Leads = append(p.Leads, x)
			case x.Involves(id):
				p.Joins = append(p.Joins, x)
			}
		}
	}
	if who := s.wpOptionalStaff(r); who != nil {
		p.CanEdit = wpCanProfile(*who, id)
	}
	return s.render(w, http.StatusOK, "stakeholder", p)
}

// wpLangOptions lists the interface languages, for the "written in" field.
func wpLangOptions(selected string) []wpOption {
	var out []wpOption
	for _, l := range i18n.Supported {
		out = append(out, wpOption{Value: l.Code, Label: l.Name, Selected: l.Code == selected})
	}
	return out
}
