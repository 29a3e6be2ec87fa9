package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/staff"
	"remedy/internal/store"
)

// The caseworker's inbox: GET /staff (page) and GET /api/v1/cases (JSON),
// with the same filters in the query string, so that a view can be
// bookmarked and shared, and the same keyset cursor ("after").

// inboxPageSize is the page size of the inbox page and the API's default.
const inboxPageSize = 50

// inboxQuery is the inbox's query string, as typed.
type inboxQuery struct {
	Status   string
	Risk     string
	Category string
	Origin   string
	Language string
	Program  string
	Org      string
	Overdue  bool
	After    string
	Limit    string
}

func readInboxQuery(q url.Values) inboxQuery {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	ov := strings.ToLower(get("overdue"))
	return inboxQuery{Status: get("status"), Risk: get("risk"), Category: get("category"), Origin: strings.ToUpper(get("origin")),
		Language: get("language"), Program: get("program"), Org: get("org"),
		Overdue: ov == "1" || ov == "true" || ov == "on" || ov == "yes", After: get("after"), Limit: get("limit")}
}

// values is the query string of the filters (without cursor), in a fixed
// order, for links.
func (q inboxQuery) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"status", q.Status}, {"risk", q.Risk}, {"category", q.Category}, {"origin", q.Origin},
		{"language", q.Language}, {"program", q.Program}, {"org", q.Org}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if q.Overdue {
		v.Set("overdue", "1")
	}
	if q.Limit != "" {
		v.Set("limit", q.Limit)
	}
	return v
}

var inboxRisks = []grievance.Risk{grievance.RiskUrgent, grievance.RiskHigh, grievance.RiskNormal}

// filter checks the query and turns it into a store filter, a cursor and
// a page size; unknown values are field errors, never silently ignored.
func (q inboxQuery) filter() (store.InboxFilter, store.InboxCursor, int, error) {
	f := store.InboxFilter{Status: q.Status, Risk: q.Risk, Category: q.Category, Origin: q.Origin,
		Language: q.Language, Program: q.Program, Overdue: q.Overdue}
	var errs []apperr.FieldError
	bad := func(field string) { errs = append(errs, apperr.FieldError{Field: field, Key: "error.unknown_code"}) }
	if q.Status != "" && q.Status != store.InboxOpen && !slices.Contains(grievance.Statuses, grievance.Status(q.Status)) {
		bad("status")
	}
	if q.Risk != "" && !slices.Contains(inboxRisks, grievance.Risk(q.Risk)) {
		bad("risk")
	}
	if _, ok := grievance.CategoryByCode(q.Category); q.Category != "" && !ok {
		bad("category")
	}
	if q.Origin != "" && !grievance.IsOriginCountry(q.Origin) {
		bad("origin")
	}
	if q.Language != "" && !i18n.IsSupported(q.Language) {
		bad("language")
	}
	if q.Program != "" && !grievance.IsProgram(q.Program) {
		bad("program")
	}
	if q.Org != "" {
		id, err := strconv.ParseInt(q.Org, 10, 64)
		if err != nil || id <= 0 {
			bad("org")
		}
		f.OrgID = id
	}
	limit := inboxPageSize
	if q.Limit != "" {
		n, err := strconv.Atoi(q.Limit)
		if err != nil || n < 1 || n > store.MaxInboxPage {
			errs = append(errs, apperr.FieldError{Field: "limit", Key: "inbox.error.limit", Args: []any{store.MaxInboxPage}})
		}
		limit = n
	}
	after, err := store.ParseInboxCursor(q.After)
	var ae *apperr.Error
	if errors.As(err, &ae) {
		errs = append(errs, ae.Fields...)
	}
	if len(errs) > 0 {
		return f, after, limit, apperr.Validation(errs)
	}
	return f, after, limit, nil
}

// inboxList asks the policy and reads one page of the inbox for who.
func (s *Server) inboxList(r *http.Request, who staff.Signed, q inboxQuery) (store.InboxPage, error) {
	if !access.Can(who.Actor, access.ViewInbox) {
		return store.InboxPage{}, apperr.New(apperr.NotFound, "error.not_found")
	}
	f, after, limit, err := q.filter()
	if err != nil {
		return store.InboxPage{}, err
	}
	return s.cfg.DB.Inbox(r.Context(), access.CaseScope(who.Actor), f, after, limit, s.cfg.Now())
}

// inboxOption is one choice of a filter.
type inboxOption struct {
	Value, Label string
	Selected     bool
}

// inboxRow is one line of the inbox table.
type inboxRow struct {
	Reference  string
	Risk       string
	RiskLabel  string
	Status     string
	Due        due
	DueISO     string
	DueJapan   string
	Stage      string
	Overdue    bool
	Language   string
	LangName   string
	Origin     string
	Categories []string
	Referrals  []inboxReferralCell
}

type inboxReferralCell struct {
	Org, Status string
	Overdue     bool
}

// inboxSelect is one filter of the form.
type inboxSelect struct {
	Name, Label, Any, Error string
	Options                 []inboxOption
}

type inboxView struct {
	Page
	Allowed   bool // the person may list cases
	Mechanism bool // sees every case: may filter by referred organisation
	CanStats  bool
	Query     inboxQuery
	Errors    map[string]string
	Rows      []inboxRow
	NextURL   string
	FirstURL  string
	Selects   []inboxSelect
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	q := readInboxQuery(r.URL.Query())
	v := inboxView{Page: s.staffPageData(w, r, who), Query: q, Errors: map[string]string{},
		Allowed: access.Can(who.Actor, access.ViewInbox), Mechanism: who.Actor.IsMechanism(),
		CanStats: access.Can(who.Actor, access.ViewStats)}
	if !v.Allowed {
		// The staff home of a role that lists no cases (an auditor).
		return s.render(w, http.StatusOK, "inbox", v)
	}
	page, err := s.inboxList(r, who, q)
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		for _, fe := range ae.Fields {
			v.Errors[fe.Field] = v.P.T(fe.Key, fe.Args...)
		}
		if err := s.inboxSelects(r, &v); err != nil {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "inbox", v)
	}
	if err != nil {
		return err
	}
	if err := s.inboxSelects(r, &v); err != nil {
		return err
	}
	now := s.cfg.Now()
	for _, c := range page.Cases {
		v.Rows = append(v.Rows, inboxRowOf(v.P, c, now))
	}
	base := q.values()
	if page.Next != nil {
		next := q.values()
		next.Set("after", page.Next.String())
		v.NextURL = "/staff?" + next.Encode()
	}
	if q.After != "" {
		v.FirstURL = "/staff"
		if enc := base.Encode(); enc != "" {
			v.FirstURL += "?" + enc
		}
	}
	return s.render(w, http.StatusOK, "inbox", v)
}

func inboxRowOf(p *i18n.Printer, c store.InboxCase, now time.Time) inboxRow {
	row := inboxRow{Reference: c.Reference, Risk: string(c.Risk), RiskLabel: p.T("inbox.risk." + string(c.Risk)),
		Status: p.T("inbox.status." + string(c.Status)), Overdue: c.Overdue,
		Language: c.Language, LangName: i18n.Name(c.Language), Origin: p.T("country." + c.OriginCountry)}
	if !c.DeadlineAt.IsZero() && grievance.IsOpen(c.Status) {
		row.Due = dueWords(p, c.DeadlineAt, now)
		row.DueISO = c.DeadlineAt.Format(time.RFC3339)
		row.DueJapan = japanTime(c.DeadlineAt)
		if c.DeadlineKind != "" {
			row.Stage = p.T("inbox.stage." + c.DeadlineKind)
		}
	}
	for _, code := range c.Categories {
		row.Categories = append(row.Categories, p.T("inbox.cat."+code))
	}
	for _, ref := range c.Referrals {
		row.Referrals = append(row.Referrals, inboxReferralCell{Org: ref.OrgName, Status: p.T("inbox.referral." + string(ref.Status)), Overdue: ref.Overdue})
	}
	return row
}

// inboxSelects builds the filters, labelled in the reader's language; it
// runs after the query was checked, so that errors show beside their field.
func (s *Server) inboxSelects(r *http.Request, v *inboxView) error {
	p, q := v.P, v.Query
	add := func(name, current string, options []inboxOption) {
		for i := range options {
			options[i].Selected = options[i].Value == current
		}
		v.Selects = append(v.Selects, inboxSelect{Name: name, Label: p.T("inbox.filter." + name), Any: p.T("inbox.filter.any"),
			Error: v.Errors[name], Options: options})
	}
	statuses := []inboxOption{{Value: store.InboxOpen, Label: p.T("inbox.filter.open")}}
	for _, st := range grievance.Statuses {
		statuses = append(statuses, inboxOption{Value: string(st), Label: p.T("inbox.status." + string(st))})
	}
	add("status", q.Status, statuses)
	var risks, cats, origins, langs, programs, orgs []inboxOption
	for _, rk := range inboxRisks {
		risks = append(risks, inboxOption{Value: string(rk), Label: p.T("inbox.risk." + string(rk))})
	}
	add("risk", q.Risk, risks)
	for _, c := range grievance.Categories {
		cats = append(cats, inboxOption{Value: c.Code, Label: p.T("inbox.cat." + c.Code)})
	}
	add("category", q.Category, cats)
	for _, cc := range grievance.OriginCountries {
		origins = append(origins, inboxOption{Value: cc, Label: p.T("country." + cc)})
	}
	add("origin", q.Origin, origins)
	for _, l := range i18n.Supported {
		langs = append(langs, inboxOption{Value: l.Code, Label: l.Name})
	}
	add("language", q.Language, langs)
	for _, pr := range grievance.Programs {
		programs = append(programs, inboxOption{Value: pr, Label: p.T("program." + pr)})
	}
	add("program", q.Program, programs)
	if v.Mechanism {
		all, err := s.cfg.DB.Organizations(r.Context())
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.Type != org.Mechanism {
				orgs = append(orgs, inboxOption{Value: strconv.FormatInt(o.ID, 10), Label: o.Name + " (" + o.Country + ")"})
			}
		}
		add("org", q.Org, orgs)
	}
	return nil
}

// apiInboxCase is one case of GET /api/v1/cases: no narrative, no name.
type apiInboxCase struct {
	Reference     string             `json:"reference"`
	Status        string             `json:"status"`
	Risk          string             `json:"risk"`
	Language      string             `json:"language"`
	OriginCountry string             `json:"origin_country"`
	Program       string             `json:"program"`
	Categories    []string           `json:"categories"`
	DeadlineAt    *time.Time         `json:"deadline_at"`
	DeadlineKind  string             `json:"deadline_kind"`
	Overdue       bool               `json:"overdue"`
	ReceivedAt    time.Time          `json:"received_at"`
	Referrals     []apiInboxReferral `json:"referrals"`
}

type apiInboxReferral struct {
	ID             int64  `json:"id"`
	OrganizationID int64  `json:"organization_id"`
	Organization   string `json:"organization"`
	Status         string `json:"status"`
	Overdue        bool   `json:"overdue"`
}

// apiCases: GET /api/v1/cases?status=&risk=&category=&origin=&language=&
// program=&org=&overdue=&after=&limit= → {cases, next}.
func (s *Server) apiCases(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	page, err := s.inboxList(r, who, readInboxQuery(r.URL.Query()))
	if err != nil {
		return err
	}
	out := struct {
		Cases []apiInboxCase `json:"cases"`
		Next  *string        `json:"next"`
	}{Cases: make([]apiInboxCase, 0, len(page.Cases))}
	for _, c := range page.Cases {
		a := apiInboxCase{Reference: c.Reference, Status: string(c.Status), Risk: string(c.Risk), Language: c.Language,
			OriginCountry: c.OriginCountry, Program: c.Program, Categories: c.Categories, DeadlineKind: c.DeadlineKind,
			Overdue: c.Overdue, ReceivedAt: c.CreatedAt, Referrals: make([]apiInboxReferral, 0, len(c.Referrals))}
		if a.Categories == nil {
			a.Categories = []string{}
		}
		if !c.DeadlineAt.IsZero() {
			d := c.DeadlineAt
			a.DeadlineAt = &d
		}
		for _, ref := range c.Referrals {
			a.Referrals = append(a.Referrals, apiInboxReferral{ID: ref.ID, OrganizationID: ref.OrgID, Organization: ref.OrgName,
				Status: string(ref.Status), Overdue: ref.Overdue})
		}
		out.Cases = append(out.Cases, a)
	}
	if page.Next != nil {
		next := page.Next.String()
		out.Next = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
