package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/org"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

type apiPlanText struct {
	Lang        string `json:"lang"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type apiPlanOrg struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country"`
	URL     string `json:"url,omitempty"`
}

type apiPlanCurrent struct {
	Available  bool     `json:"available"`
	Value      *float64 `json:"value"`
	AsOf       string   `json:"as_of,omitempty"`
	Source     string   `json:"source,omitempty"`
	Live       bool     `json:"live"`
	Cases      *int     `json:"cases,omitempty"`
	Suppressed bool     `json:"suppressed"`
	Pending    bool     `json:"pending"`
}

type apiPlanValue struct {
	Value        float64 `json:"value"`
	AsOf         string  `json:"as_of"`
	Source       string  `json:"source"`
	Organization string  `json:"organization,omitempty"`
}

type apiPlanIndicator struct {
	ID           int64          `json:"id"`
	Code         string         `json:"code"`
	Lang         string         `json:"lang"`
	Name         string         `json:"name"`
	Unit         string         `json:"unit"`
	Kind         string         `json:"kind"`
	Measure      string         `json:"measure,omitempty"`
	Params       string         `json:"params,omitempty"`
	Baseline     *float64       `json:"baseline"`
	BaselineDate string         `json:"baseline_date,omitempty"`
	Target       *float64       `json:"target"`
	TargetDate   string         `json:"target_date,omitempty"`
	Current      apiPlanCurrent `json:"current"`
	Values       []apiPlanValue `json:"values"`
	Translations []apiPlanText  `json:"translations"`
}

type apiPlanProgress struct {
	Date         string `json:"date"`
	Organization string `json:"organization,omitempty"`
	Lang         string `json:"lang"`
	Text         string `json:"text"`
}

type apiPlanAction struct {
	ID           int64              `json:"id"`
	Code         string             `json:"code"`
	URL          string             `json:"url"`
	Area         string             `json:"area"`
	Outcome      string             `json:"outcome,omitempty"`
	Kind         string             `json:"kind"`
	Status       string             `json:"status"`
	Lang         string             `json:"lang"`
	Title        string             `json:"title"`
	Description  string             `json:"description"`
	Lead         *apiPlanOrg        `json:"lead"`
	Partners     []apiPlanOrg       `json:"partners"`
	Countries    []string           `json:"countries"`
	Start        string             `json:"start,omitempty"`
	End          string             `json:"end,omitempty"`
	Example      bool               `json:"example"`
	Progress     []apiPlanProgress  `json:"progress"`
	Indicators   []apiPlanIndicator `json:"indicators"`
	Translations []apiPlanText      `json:"translations"`
}

type apiPlanOutcome struct {
	ID           int64              `json:"id"`
	Code         string             `json:"code"`
	Lang         string             `json:"lang"`
	Title        string             `json:"title"`
	Description  string             `json:"description"`
	Indicators   []apiPlanIndicator `json:"indicators"`
	Translations []apiPlanText      `json:"translations"`
}

type apiPlanArea struct {
	ID           int64            `json:"id"`
	Code         string           `json:"code"`
	URL          string           `json:"url"`
	Summary      string           `json:"summary_url"`
	Lang         string           `json:"lang"`
	Title        string           `json:"title"`
	Description  string           `json:"description"`
	Outcomes     []apiPlanOutcome `json:"outcomes"`
	Translations []apiPlanText    `json:"translations"`
}

type apiWorkplan struct {
	AsOf    string          `json:"as_of"`
	Areas   []apiPlanArea   `json:"areas"`
	Actions []apiPlanAction `json:"actions"`
}

func apiTexts(ts []workplan.Translation) []apiPlanText {
	out := []apiPlanText{}
	for _, t := range ts {
		out = append(out, apiPlanText{Lang: t.Lang, Title: t.Title, Description: t.Body})
	}
	return out
}

func apiOrgRef(r workplan.OrgRef, public map[int64]bool) apiPlanOrg {
	o := apiPlanOrg{ID: r.ID, Name: r.Name, Country: r.Country}
	if public[r.ID] {
		o.URL = "/plan/stakeholders/" + strconv.FormatInt(r.ID, 10)
	}
	return o
}

func toAPIIndicators(p *workplan.Plan, list []planservice.IndicatorView) []apiPlanIndicator {
	out := []apiPlanIndicator{}
	for _, iv := range list {
		c := iv.Current
		cur := apiPlanCurrent{Available: c.Available && !c.Suppressed, AsOf: c.AsOf, Source: c.Source, Live: c.Live,
			Suppressed: c.Suppressed, Pending: c.Pending}
		if cur.Available {
			v := c.Value
			cur.Value = &v
		}
		if c.Live && !c.Pending && c.Available && !c.Suppressed {
			n := c.N
			cur.Cases = &n
		}
		ai := apiPlanIndicator{ID: iv.ID, Code: iv.Code, Lang: iv.Lang, Name: iv.Name, Unit: iv.Unit, Kind: string(iv.Kind),
			Measure: iv.Measure, Params: iv.Params, Baseline: iv.Baseline, BaselineDate: iv.BaselineDate, Target: iv.Target,
			TargetDate: iv.TargetDate, Current: cur, Values: []apiPlanValue{},
			Translations: apiTexts(translationsFor(p, workplan.EntityIndicator, iv.ID))}
		for _, v := range iv.Values {
			ai.Values = append(ai.Values, apiPlanValue{Value: v.Value, AsOf: v.AsOf, Source: v.Source, Organization: v.Org.Name})
		}
		out = append(out, ai)
	}
	return out
}

func toAPIAction(v *planservice.View, a planservice.ActionView, public map[int64]bool) apiPlanAction {
	out := apiPlanAction{ID: a.ID, Code: a.Code, URL: "/plan/actions/" + strconv.FormatInt(a.ID, 10), Area: a.AreaCode,
		Outcome: a.OutcomeCode, Kind: string(a.Kind), Status: string(a.Status), Lang: a.Lang, Title: a.Title,
		Description: a.Description, Partners: []apiPlanOrg{}, Countries: a.Countries, Start: a.Start, End: a.End,
		Example: a.Example, Progress: []apiPlanProgress{}, Indicators: toAPIIndicators(v.Plan, a.Indicators),
		Translations: apiTexts(translationsFor(v.Plan, workplan.EntityAction, a.ID))}
	if out.Countries == nil {
		out.Countries = []string{}
	}
	if a.Lead.ID != 0 {
		l := apiOrgRef(a.Lead, public)
		out.Lead = &l
	}
	for _, x := range a.Partners {
		out.Partners = append(out.Partners, apiOrgRef(x, public))
	}
	for _, x := range a.Progress {
		out.Progress = append(out.Progress, apiPlanProgress{Date: x.Date, Organization: x.Org.Name, Lang: x.Lang, Text: x.Text})
	}
	return out
}

func wpPublicOrgs(p *workplan.Plan) map[int64]bool {
	out := map[int64]bool{}
	for _, st := range p.Stakeholders {
		out[st.Org.ID] = st.HasProfile && st.Profile.Public
	}
	return out
}

// apiWorkplan: GET /api/v1/workplan, the whole plan with indicators and
// their current values; actions filtered as on /plan.
func (s *Server) apiWorkplan(w http.ResponseWriter, r *http.Request) error {
	f := wpFilter(r.URL.Query())
	v, err := s.plan().View(r.Context(), apiLanguage(r), f)
	if err != nil {
		return err
	}
	public := wpPublicOrgs(v.Plan)
	out := apiWorkplan{AsOf: v.Today, Areas: []apiPlanArea{}, Actions: []apiPlanAction{}}
	for _, a := range v.Areas {
		aa := apiPlanArea{ID: a.ID, Code: a.Code, URL: "/plan?area=" + strconv.FormatInt(a.ID, 10),
			Summary: "/plan/areas/" + strconv.FormatInt(a.ID, 10) + "/summary", Lang: a.Lang, Title: a.Title,
			Description: a.Description, Outcomes: []apiPlanOutcome{}, Translations: apiTexts(translationsFor(v.Plan, workplan.EntityArea, a.ID))}
		for _, o := range a.Outcomes {
			aa.Outcomes = append(aa.Outcomes, apiPlanOutcome{ID: o.ID, Code: o.Code, Lang: o.Lang, Title: o.Title, Description: o.Description,
				Indicators: toAPIIndicators(v.Plan, o.Indicators), Translations: apiTexts(translationsFor(v.Plan, workplan.EntityOutcome, o.ID))})
		}
		out.Areas = append(out.Areas, aa)
		for _, x := range a.AllActions() {
			out.Actions = append(out.Actions, toAPIAction(v, x, public))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiWorkplanAction: GET /api/v1/workplan/actions/{id}.
func (s *Server) apiWorkplanAction(w http.ResponseWriter, r *http.Request) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	a, v, err := s.plan().Action(r.Context(), apiLanguage(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIAction(v, a, wpPublicOrgs(v.Plan)))
	return nil
}

type apiPlanChange struct {
	At           string                 `json:"at"`
	Organization string                 `json:"organization,omitempty"`
	Entity       string                 `json:"entity"`
	EntityID     int64                  `json:"entity_id"`
	Code         string                 `json:"code"`
	Verb         string                 `json:"verb"`
	Changes      []workplan.FieldChange `json:"changes"`
}

// apiWorkplanHistory: GET /api/v1/workplan/history?limit=, newest first.
func (s *Server) apiWorkplanHistory(w http.ResponseWriter, r *http.Request) error {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	changes, err := s.plan().History(r.Context(), "", 0, limit)
	if err != nil {
		return err
	}
	out := []apiPlanChange{}
	for _, c := range changes {
		fields := c.Fields
		if fields == nil {
			fields = []workplan.FieldChange{}
		}
		out = append(out, apiPlanChange{At: apiTime(c.At), Organization: c.OrgName, Entity: c.Entity, EntityID: c.EntityID,
			Code: c.Code, Verb: c.Verb, Changes: fields})
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": out})
	return nil
}

// apiWorkplanExport: GET /api/v1/workplan/export?format=csv|xlsx (staff).
func (s *Server) apiWorkplanExport(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = planservice.FormatCSV
	}
	b, err := s.plan().Export(r.Context(), who, format)
	if err != nil {
		return err
	}
	wpSendFile(w, format, "joint-work-plan-"+s.plan().Today()+"."+format, b)
	return nil
}

// apiWorkplanImport: POST /api/v1/workplan/import?format=csv|xlsx with the
// file as the body (coordinators).
func (s *Server) apiWorkplanImport(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = planservice.FormatCSV
		if strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			format = planservice.FormatXLSX
		}
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, planservice.MaxImport+1))
	if err != nil {
		return apiBadRequest()
	}
	if len(b) > planservice.MaxImport {
		return apperr.New(apperr.TooLarge, "error.body_too_large")
	}
	sum, err := s.plan().Import(r.Context(), who, format, b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"created": sum.Created, "updated": sum.Updated, "unchanged": sum.Unchanged,
		"organizations_created": sum.Organizations})
	return nil
}

// apiWorkplanProgress: POST /api/v1/workplan/actions/{id}/progress
// {date, lang, text} (the action's lead or partners, or a coordinator).
func (s *Server) apiWorkplanProgress(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	var req struct {
		Date string `json:"date"`
		Lang string `json:"lang"`
		Text string `json:"text"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	p := workplan.Progress{ActionID: id, Date: req.Date, Lang: req.Lang, Text: req.Text}
	if err := s.plan().AddProgress(r.Context(), who, &p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiPlanProgress{Date: p.Date, Organization: who.Org.Name, Lang: p.Lang, Text: p.Text})
	return nil
}

type apiContact struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type apiStakeholderAction struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Role string `json:"role"`
	URL  string `json:"url"`
}

type apiStakeholder struct {
	ID           int64                  `json:"id"`
	Name         string                 `json:"name"`
	Type         string                 `json:"type"`
	Country      string                 `json:"country"`
	Languages    []string               `json:"languages"`
	URL          string                 `json:"url"`
	Lang         string                 `json:"lang"`
	Description  string                 `json:"description"`
	CorridorWork string                 `json:"corridor_work"`
	Contacts     []apiContact           `json:"contacts"`
	Actions      []apiStakeholderAction `json:"actions"`
	Translations []apiPlanText          `json:"translations"`
}

func toAPIStakeholder(p *workplan.Plan, row wpStakeholderRow) apiStakeholder {
	st := row.Stakeholder
	out := apiStakeholder{ID: st.Org.ID, Name: st.Org.Name, Type: string(st.Org.Type), Country: st.Org.Country, Languages: st.Org.Languages,
		URL: "/plan/stakeholders/" + strconv.FormatInt(st.Org.ID, 10), Lang: st.Profile.Lang, Description: st.Profile.Description,
		CorridorWork: st.Profile.CorridorWork, Contacts: []apiContact{}, Actions: []apiStakeholderAction{}, Translations: []apiPlanText{}}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	for _, c := range st.Profile.Contacts {
		out.Contacts = append(out.Contacts, apiContact{Kind: string(c.Kind), Value: c.Value})
	}
	for _, t := range translationsFor(p, workplan.EntityStakeholder, st.Org.ID) {
		out.Translations = append(out.Translations, apiPlanText{Lang: t.Lang, Title: t.Title, Description: t.Body})
	}
	for _, a := range p.Actions {
		role := ""
		switch {
		case a.Lead.ID == st.Org.ID:
			role = "lead"
		case a.Involves(st.Org.ID):
			role = "partner"
		default:
			continue
		}
		out.Actions = append(out.Actions, apiStakeholderAction{ID: a.ID, Code: a.Code, Role: role, URL: "/plan/actions/" + strconv.FormatInt(a.ID, 10)})
	}
	return out
}

// apiStakeholders: GET /api/v1/stakeholders?type=&country=, the
// organisations with a public profile.
func (s *Server) apiStakeholders(w http.ResponseWriter, r *http.Request) error {
	p, err := s.cfg.DB.LoadPlan(r.Context())
	if err != nil {
		return err
	}
	typ, country := r.URL.Query().Get("type"), strings.ToUpper(r.URL.Query().Get("country"))
	if typ != "" && !org.IsType(typ) {
		return apperr.Validation([]apperr.FieldError{{Field: "type", Key: "error.unknown_code"}})
	}
	out := []apiStakeholder{}
	for _, row := range wpPublicStakeholders(p, apiLanguage(r)) {
		if (typ != "" && string(row.Org.Type) != typ) || (country != "" && row.Org.Country != country) {
			continue
		}
		out = append(out, toAPIStakeholder(p, row))
	}
	writeJSON(w, http.StatusOK, map[string]any{"stakeholders": out})
	return nil
}

// apiStakeholder: GET /api/v1/stakeholders/{id}.
func (s *Server) apiStakeholder(w http.ResponseWriter, r *http.Request) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	p, err := s.cfg.DB.LoadPlan(r.Context())
	if err != nil {
		return err
	}
	for _, row := range wpPublicStakeholders(p, apiLanguage(r)) {
		if row.Org.ID == id {
			writeJSON(w, http.StatusOK, toAPIStakeholder(p, row))
			return nil
		}
	}
	return apperr.New(apperr.NotFound, "error.not_found")
}

type apiNetworkFile struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

type apiNetworkResource struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Lang        string          `json:"lang"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Link        string          `json:"link,omitempty"`
	File        *apiNetworkFile `json:"file"`
	Published   string          `json:"published,omitempty"`
	EventID     int64           `json:"event_id,omitempty"`
	Areas       []string        `json:"areas"`
	Countries   []string        `json:"countries"`
	Languages   []string        `json:"languages"`
	URL         string          `json:"url"`
}

type apiNetworkEvent struct {
	ID          int64    `json:"id"`
	Lang        string   `json:"lang"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Place       string   `json:"place"`
	Country     string   `json:"country"`
	Start       string   `json:"start"`
	End         string   `json:"end,omitempty"`
	Outcomes    string   `json:"outcomes"`
	Actions     []string `json:"actions"`
	Areas       []string `json:"areas"`
	Countries   []string `json:"countries"`
	URL         string   `json:"url"`
}

func wpStrings(in []string) []string {
	if in == nil {
		return []string{}
	}
	return in
}

// apiNetwork: GET /api/v1/network?area=&country=&language=&kind=, the
// public library and events.
func (s *Server) apiNetwork(w http.ResponseWriter, r *http.Request) error {
	f := wpNetworkFilter(r)
	resources, err := s.cfg.DB.NetworkResources(r.Context(), f)
	if err != nil {
		return err
	}
	events, err := s.cfg.DB.NetworkEvents(r.Context(), store.NetworkFilter{AreaID: f.AreaID, Country: f.Country}, 0)
	if err != nil {
		return err
	}
	p, err := s.cfg.DB.LoadPlan(r.Context())
	if err != nil {
		return err
	}
	areaCode, actionCode := map[int64]string{}, map[int64]string{}
	for _, a := range p.Areas {
		areaCode[a.ID] = a.Code
	}
	for _, a := range p.Actions {
		actionCode[a.ID] = a.Code
	}
	codes := func(ids []int64, m map[int64]string) []string {
		out := []string{}
		for _, id := range ids {
			if c, ok := m[id]; ok {
				out = append(out, c)
			}
		}
		return out
	}
	out := struct {
		Resources []apiNetworkResource `json:"resources"`
		Events    []apiNetworkEvent    `json:"events"`
	}{Resources: []apiNetworkResource{}, Events: []apiNetworkEvent{}}
	for _, x := range resources {
		res := apiNetworkResource{ID: x.ID, Kind: string(x.Kind), Lang: x.Lang, Title: x.Title, Description: x.Description, Link: x.URL,
			Published: x.Published, EventID: x.EventID, Areas: codes(x.Areas, areaCode), Countries: wpStrings(x.Countries),
			Languages: wpStrings(x.Languages), URL: "/network/resources/" + strconv.FormatInt(x.ID, 10)}
		if x.FileName != "" {
			res.File = &apiNetworkFile{Name: x.FileName, ContentType: x.ContentType, Size: x.Size, URL: res.URL + "/file"}
		}
		out.Resources = append(out.Resources, res)
	}
	for _, e := range events {
		out.Events = append(out.Events, apiNetworkEvent{ID: e.ID, Lang: e.Lang, Title: e.Title, Description: e.Description, Place: e.Place,
			Country: e.Country, Start: e.Start, End: e.End, Outcomes: e.Outcomes, Actions: codes(e.Actions, actionCode),
			Areas: codes(e.Areas, areaCode), Countries: wpStrings(e.Countries), URL: "/network/events/" + strconv.FormatInt(e.ID, 10)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
