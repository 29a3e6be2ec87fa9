package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"remedy/internal/i18n"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/workplan"
)

// storeNetworkPublic is the filter of what the public sees.
func storeNetworkPublic() store.NetworkFilter { return store.NetworkFilter{} }

// wpNetworkFilter reads the library's filter from the query string.
func wpNetworkFilter(r *http.Request) store.NetworkFilter {
	q := r.URL.Query()
	var f store.NetworkFilter
	f.AreaID, _ = strconv.ParseInt(q.Get("area"), 10, 64)
	if c := strings.ToUpper(strings.TrimSpace(q.Get("country"))); workplan.ValidCountry(c) {
		f.Country = c
	}
	if l := strings.ToLower(strings.TrimSpace(q.Get("language"))); l != "" && len(l) <= 8 {
		f.Language = l
	}
	if k := q.Get("kind"); workplan.IsResourceKind(k) {
		f.Kind = k
	}
	return f
}

type networkPageData struct {
	Page
	L         wpLabels
	Resources []workplan.Resource
	Events    []workplan.Event
	AreaNames map[int64]string
	Areas     []wpOption
	Countries []wpOption
	LangOpts  []wpOption
	Kinds     []wpOption
	Filtered  bool
	Staff     *staff.Signed
	CanEdit   bool
}

// wpAreaNames names the plan's areas in lang.
func (s *Server) wpAreaNames(r *http.Request, lang string) (map[int64]string, []workplan.Area, error) {
	plan, err := s.cfg.DB.LoadPlan(r.Context())
	if err != nil {
		return nil, nil, err
	}
	names := map[int64]string{}
	for _, a := range plan.Areas {
		names[a.ID] = workplan.Localize(lang, a.Lang, a.Title, "", translationsFor(plan, workplan.EntityArea, a.ID)).Title
	}
	return names, plan.Areas, nil
}

// networkPage: GET /network, the regional network's library (filterable
// by area, country, language and kind) and its events.
func (s *Server) networkPage(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	f := wpNetworkFilter(r)
	resources, err := s.cfg.DB.NetworkResources(r.Context(), f)
	if err != nil {
		return err
	}
	events, err := s.cfg.DB.NetworkEvents(r.Context(), store.NetworkFilter{AreaID: f.AreaID, Country: f.Country}, 0)
	if err != nil {
		return err
	}
	names, areas, err := s.wpAreaNames(r, lang)
	if err != nil {
		return err
	}
	p := networkPageData{Page: s.page(r, lang), Resources: resources, Events: events, AreaNames: names,
		Filtered: f.AreaID != 0 || f.Country != "" || f.Language != "" || f.Kind != "", Staff: s.wpOptionalStaff(r)}
	p.L = wpLabels{P: p.P}
	for _, a := range areas {
		p.Areas = append(p.Areas, wpOption{Value: strconv.FormatInt(a.ID, 10), Label: names[a.ID], Selected: a.ID == f.AreaID})
	}
	for _, c := range wpPlanCountries {
		p.Countries = append(p.Countries, wpOption{Value: c, Label: p.L.Country(c), Selected: c == f.Country})
	}
	for _, l := range i18n.Supported {
		p.LangOpts = append(p.LangOpts, wpOption{Value: l.Code, Label: l.Name, Selected: l.Code == f.Language})
	}
	for _, k := range workplan.ResourceKinds {
		p.Kinds = append(p.Kinds, wpOption{Value: string(k), Label: p.L.ResourceKind(k), Selected: string(k) == f.Kind})
	}
	if p.Staff != nil {
		p.CanEdit = wpCanNetwork(*p.Staff)
	}
	return s.render(w, http.StatusOK, "network", p)
}

type networkItemData struct {
	Page
	L         wpLabels
	Resource  workplan.Resource
	Event     workplan.Event
	Actions   []workplan.Action // the event's actions
	Resources []workplan.Resource
	AreaNames map[int64]string
	Comments  []workplan.Comment
	CanRead   bool // comments
	CanWrite  bool
	CanEdit   bool
	Body      string
	Errors    map[string]string
	Posted    bool
}

// wpNetworkItem fills what the resource and event pages share: area
// names, and for signed-in staff the comments and what they may do.
func (s *Server) wpNetworkItem(w http.ResponseWriter, r *http.Request, owner string, id int64) (networkItemData, error) {
	lang := s.language(w, r)
	p := networkItemData{Page: s.page(r, lang), Errors: map[string]string{}}
	p.L = wpLabels{P: p.P}
	names, _, err := s.wpAreaNames(r, lang)
	if err != nil {
		return p, err
	}
	p.AreaNames = names
	if who := s.wpOptionalStaff(r); who != nil {
		svc := s.plan()
		if p.CanRead, p.CanWrite, err = svc.CanComment(r.Context(), *who); err != nil {
			return p, err
		}
		if p.Comments, err = svc.Comments(r.Context(), *who, owner, id); err != nil {
			return p, err
		}
		p.CanEdit = wpCanNetwork(*who)
	}
	p.Posted = r.URL.Query().Get("posted") == "1"
	return p, nil
}

// networkResourcePage: GET /network/resources/{id}.
func (s *Server) networkResourcePage(w http.ResponseWriter, r *http.Request) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	res, err := s.cfg.DB.NetworkResource(r.Context(), id, s.wpOptionalStaff(r) != nil)
	if err != nil {
		return err
	}
	p, err := s.wpNetworkItem(w, r, workplan.OwnerResource, id)
	if err != nil {
		return err
	}
	p.Resource = res
	if res.EventID != 0 {
		if ev, err := s.cfg.DB.NetworkEvent(r.Context(), res.EventID, true); err == nil {
			p.Event = ev
		}
	}
	return s.render(w, http.StatusOK, "network_resource", p)
}

// networkEventPage: GET /network/events/{id}, an event with its outcomes,
// the actions it produced and its documents.
func (s *Server) networkEventPage(w http.ResponseWriter, r *http.Request) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	private := s.wpOptionalStaff(r) != nil
	ev, err := s.cfg.DB.NetworkEvent(r.Context(), id, private)
	if err != nil {
		return err
	}
	p, err := s.wpNetworkItem(w, r, workplan.OwnerEvent, id)
	if err != nil {
		return err
	}
	p.Event = ev
	for _, aid := range ev.Actions {
		if a, err := s.cfg.DB.PlanAction(r.Context(), aid); err == nil {
			p.Actions = append(p.Actions, a)
		}
	}
	if p.Resources, err = s.cfg.DB.NetworkResources(r.Context(), store.NetworkFilter{EventID: id, Private: private}); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "network_event", p)
}

// networkFile: GET /network/resources/{id}/file, the uploaded file, always
// as a download (never shown inline, never sniffed by the browser).
func (s *Server) networkFile(w http.ResponseWriter, r *http.Request) error {
	id, err := wpPathID(r)
	if err != nil {
		return err
	}
	res, err := s.cfg.DB.NetworkResource(r.Context(), id, s.wpOptionalStaff(r) != nil)
	if err != nil {
		return err
	}
	if res.FileName == "" {
		return s.notFound(w, r)
	}
	b, err := s.cfg.DB.NetworkFile(r.Context(), id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", res.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": res.FileName}))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}
