package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

// wpReadUpload reads a multipart form of at most limit bytes of file (plus
// a little for the other fields) and returns the named file, if any. The
// other fields are in r.MultipartForm afterwards.
func wpReadUpload(w http.ResponseWriter, r *http.Request, field string, limit int64) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+maxFormRead)
	if err := r.ParseMultipartForm(limit + maxFormRead); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, apperr.Validation([]apperr.FieldError{{Field: field, Key: "plan.error.file_large"}})
		}
		return "", nil, apperr.New(badRequest, "error.invalid_request")
	}
	f, hdr, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, apperr.New(badRequest, "error.invalid_request")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", nil, apperr.New(badRequest, "error.invalid_request")
	}
	if int64(len(b)) > limit {
		return "", nil, apperr.Validation([]apperr.FieldError{{Field: field, Key: "plan.error.file_large"}})
	}
	return hdr.Filename, b, nil
}

type networkStaffData struct {
	Page
	L         wpLabels
	Form      string // "" (the list), resource, event
	New       bool
	Resources []workplan.Resource
	Events    []workplan.Event
	Resource  workplan.Resource
	Event     workplan.Event
	Errors    map[string]string
	Notice    string

	AreaOpts    []wpOption
	CountryOpts []wpOption
	Others      string // other countries, as typed
	DocLangs    string
	KindOpts    []wpOption
	LangOpts    []wpOption
	EventOpts   []wpOption
	ActionOpts  []wpOption
}

// networkStaffPage: GET /staff/network, the library and events to edit.
func (s *Server) networkStaffPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCanNetwork(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	page := s.staffPageData(w, r, who)
	p := networkStaffData{Page: page, L: wpLabels{P: page.P}, Errors: map[string]string{}}
	var err error
	if p.Resources, err = s.cfg.DB.NetworkResources(r.Context(), store.NetworkFilter{Private: true}); err != nil {
		return err
	}
	if p.Events, err = s.cfg.DB.NetworkEvents(r.Context(), store.NetworkFilter{Private: true}, 0); err != nil {
		return err
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Notice = p.P.T("plan.saved")
	}
	return s.render(w, http.StatusOK, "network_staff", p)
}

func (s *Server) newNetworkEdit(w http.ResponseWriter, r *http.Request, who staff.Signed, form string) (networkStaffData, error) {
	page := s.staffPageData(w, r, who)
	p := networkStaffData{Page: page, L: wpLabels{P: page.P}, Form: form, Errors: map[string]string{}}
	if r.URL.Query().Get("saved") == "1" {
		p.Notice = p.P.T("plan.saved")
	}
	return p, nil
}

func (s *Server) fillNetworkOptions(r *http.Request, p *networkStaffData) error {
	plan, err := s.cfg.DB.LoadPlan(r.Context())
	if err != nil {
		return err
	}
	areas, countries, lang := p.Resource.Areas, p.Resource.Countries, p.Resource.Lang
	if p.Form == "event" {
		areas, countries, lang = p.Event.Areas, p.Event.Countries, p.Event.Lang
	}
	if lang == "" {
		lang = p.Lang
	}
	for _, a := range plan.Areas {
		t := workplan.Localize(p.Lang, a.Lang, a.Title, "", translationsFor(plan, workplan.EntityArea, a.ID))
		p.AreaOpts = append(p.AreaOpts, wpOption{Value: strconv.FormatInt(a.ID, 10), Label: t.Title, Selected: p.L.Has(areas, a.ID)})
	}
	var others []string
	for _, c := range countries {
		if !p.L.HasString(wpPlanCountries, c) {
			others = append(others, c)
		}
	}
	if p.Others == "" {
		p.Others = strings.Join(others, " ")
	}
	for _, c := range wpPlanCountries {
		p.CountryOpts = append(p.CountryOpts, wpOption{Value: c, Label: p.L.Country(c), Selected: p.L.HasString(countries, c)})
	}
	for _, k := range workplan.ResourceKinds {
		p.KindOpts = append(p.KindOpts, wpOption{Value: string(k), Label: p.L.ResourceKind(k), Selected: k == p.Resource.Kind})
	}
	p.LangOpts = wpLangOptions(lang)
	events, err := s.cfg.DB.NetworkEvents(r.Context(), store.NetworkFilter{Private: true}, 0)
	if err != nil {
		return err
	}
	for _, e := range events {
		p.EventOpts = append(p.EventOpts, wpOption{Value: strconv.FormatInt(e.ID, 10), Label: e.Start + " " + e.Title, Selected: e.ID == p.Resource.EventID})
	}
	for _, a := range plan.Actions {
		p.ActionOpts = append(p.ActionOpts, wpOption{Value: strconv.FormatInt(a.ID, 10), Label: a.Code + " — " + a.Title, Selected: p.L.Has(p.Event.Actions, a.ID)})
	}
	if p.DocLangs == "" {
		p.DocLangs = strings.Join(p.Resource.Languages, " ")
	}
	return nil
}

// networkResourceEdit: GET /staff/network/resources/new and …/{id}.
func (s *Server) networkResourceEdit(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCanNetwork(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	p, err := s.newNetworkEdit(w, r, who, "resource")
	if err != nil {
		return err
	}
	p.New = id == 0
	if id != 0 {
		if p.Resource, err = s.cfg.DB.NetworkResource(r.Context(), id, true); err != nil {
			return err
		}
	} else {
		p.Resource = workplan.Resource{Kind: workplan.ResourceDocument, Public: true, Lang: p.Lang}
	}
	if err := s.fillNetworkOptions(r, &p); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "network_staff", p)
}

func wpIDs(values []string) []int64 {
	var out []int64
	for _, v := range values {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// networkResourceSave: POST /staff/network/resources and …/{id}, a
// multipart form with the file, if one is uploaded.
func (s *Server) networkResourceSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCanNetwork(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	name, content, uerr := wpReadUpload(w, r, "file", workplan.MaxFile)
	var form url.Values
	if r.MultipartForm != nil {
		form = url.Values(r.MultipartForm.Value)
	} else {
		form = url.Values{}
	}
	res := workplan.Resource{ID: id, Kind: workplan.ResourceKind(form.Get("kind")), Lang: form.Get("lang"), Title: form.Get("title"),
		Description: form.Get("description"), URL: form.Get("url"), Published: form.Get("published"), EventID: wpID(form, "event"),
		Areas: wpIDs(form["areas"]), Countries: append(append([]string(nil), form["countries"]...), form.Get("other_countries")),
		Languages: []string{form.Get("languages")}, Public: form.Get("public") == "1"}
	err = uerr
	if err == nil {
		var up *planservice.Upload
		if content != nil || name != "" {
			up = &planservice.Upload{Name: name, Content: content}
		}
		err = s.plan().SaveResource(r.Context(), who, &res, up)
	}
	if fields, ok := wpInvalid(err); ok {
		p, err := s.newNetworkEdit(w, r, who, "resource")
		if err != nil {
			return err
		}
		p.New, p.Resource, p.Errors, p.Others, p.DocLangs = id == 0, res, wpErrors(p.P, fields), form.Get("other_countries"), form.Get("languages")
		if err := s.fillNetworkOptions(r, &p); err != nil {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "network_staff", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/network/resources/"+strconv.FormatInt(res.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// networkEventEdit: GET /staff/network/events/new and …/{id}.
func (s *Server) networkEventEdit(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCanNetwork(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	p, err := s.newNetworkEdit(w, r, who, "event")
	if err != nil {
		return err
	}
	p.New = id == 0
	if id != 0 {
		if p.Event, err = s.cfg.DB.NetworkEvent(r.Context(), id, true); err != nil {
			return err
		}
	} else {
		p.Event = workplan.Event{Public: true, Lang: p.Lang}
	}
	if err := s.fillNetworkOptions(r, &p); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "network_staff", p)
}

// networkEventSave: POST /staff/network/events and …/{id}.
func (s *Server) networkEventSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !wpCanNetwork(who) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	id, err := wpOptionalID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	e := workplan.Event{ID: id, Lang: form.Get("lang"), Title: form.Get("title"), Description: form.Get("description"),
		Place: form.Get("place"), Country: form.Get("country"), Start: form.Get("start"), End: form.Get("end"),
		Outcomes: form.Get("outcomes"), Actions: wpIDs(form["actions"]), Areas: wpIDs(form["areas"]),
		Countries: append(append([]string(nil), form["countries"]...), form.Get("other_countries")), Public: form.Get("public") == "1"}
	err = s.plan().SaveEvent(r.Context(), who, &e)
	if fields, ok := wpInvalid(err); ok {
		p, err := s.newNetworkEdit(w, r, who, "event")
		if err != nil {
			return err
		}
		p.New, p.Event, p.Errors, p.Others = id == 0, e, wpErrors(p.P, fields), form.Get("other_countries")
		if err := s.fillNetworkOptions(r, &p); err != nil {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "network_staff", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/network/events/"+strconv.FormatInt(e.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// networkCommentSave: POST /staff/network/{resources|events}/{id}/comments.
func (s *Server) networkCommentSave(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	owner, page := workplan.OwnerResource, "/network/resources/"
	if strings.HasPrefix(r.URL.Path, "/staff/network/events/") {
		owner, page = workplan.OwnerEvent, "/network/events/"
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	c := workplan.Comment{Owner: owner, OwnerID: id, Body: form.Get("body")}
	err = s.plan().AddComment(r.Context(), who, &c)
	if fields, ok := wpInvalid(err); ok {
		p, err := s.wpNetworkItem(w, r, owner, id)
		if err != nil {
			return err
		}
		p.Body, p.Errors = c.Body, wpErrors(p.P, fields)
		if owner == workplan.OwnerResource {
			if p.Resource, err = s.cfg.DB.NetworkResource(r.Context(), id, true); err != nil {
				return err
			}
			return s.render(w, http.StatusUnprocessableEntity, "network_resource", p)
		}
		if p.Event, err = s.cfg.DB.NetworkEvent(r.Context(), id, true); err != nil {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "network_event", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, page+strconv.FormatInt(id, 10)+"?posted=1#comments", http.StatusSeeOther)
	return nil
}
