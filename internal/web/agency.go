package web

// The agency registry (/registry), an agency's public page (/agencies/{id})
// with its licence, figures from fee reports and grievances (above k) and
// workers' reviews; the review form; and the staff pages: CSV import,
// moderation of reviews, and the agency's one answer.

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/corridor"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/org"
	"remedy/internal/recruitment"
	"remedy/internal/staff"
	"remedy/internal/store"
)

// routesRegistry registers the registry, agency and review routes.
func (s *Server) routesRegistry(mux *http.ServeMux) {
	h := s.handle
	mux.Handle("GET /registry", h(s.registryPage))
	mux.Handle("GET /agencies/{id}", h(s.agencyPage))
	mux.Handle("GET /agencies/{id}/review", h(s.agencyReviewForm))
	mux.Handle("POST /agencies/{id}/review", h(s.agencyReviewSubmit))
	mux.Handle("GET /api/v1/agencies", s.api(s.apiAgencies))
	mux.Handle("GET /api/v1/agencies/{id}", s.api(s.apiAgency))
	mux.Handle("POST /api/v1/agencies/{id}/reviews", s.api(s.apiAgencyReview))

	mux.Handle("GET /staff/registry/import", s.staffPage(s.registryImportPage))
	mux.Handle("POST /staff/registry/import", s.staffPage(s.registryImport))
	mux.Handle("GET /staff/registry/import/template.csv", s.staffPage(s.registryImportTemplate))
	mux.Handle("GET /staff/registry/reviews", s.staffPage(s.reviewsPage))
	mux.Handle("POST /staff/registry/reviews/{id}", s.staffPage(s.reviewModerate))
	mux.Handle("GET /staff/registry/answer", s.staffPage(s.answerPage))
	mux.Handle("POST /staff/registry/answer", s.staffPage(s.answerPublish))
}

// registryPageSize is how many agencies a registry page lists.
const registryPageSize = 50

// agencyRow is an agency as lists show it.
type agencyRow struct {
	ID      int64
	Name    string
	Type    string
	Country string
	Licence string
	Status  string
	Aliases string
}

func agencyRowOf(p *i18n.Printer, a recruitment.Agency) agencyRow {
	return agencyRow{ID: a.Org.ID, Name: a.Org.Name, Type: p.T("orgtype." + string(a.Org.Type)), Country: countryName(p, a.Org.Country),
		Licence: a.LicenceNumber, Status: p.T("registry.licence." + string(a.LicenceStatus)), Aliases: strings.Join(a.Aliases, " · ")}
}

// registryCountries are the countries the registry's filter offers.
func registryCountries() []string {
	return append(append([]string(nil), grievance.OriginCountries...), "JP")
}

type registryPageData struct {
	Page
	Q         string
	Countries []option
	Types     []option
	Rows      []agencyRow
	Total     int
	Found     string
	Prev      string
	Next      string
}

func registryQuery(q url.Values) store.AgencyQuery {
	aq := store.AgencyQuery{Text: strings.TrimSpace(q.Get("q")), Limit: registryPageSize}
	if len([]rune(aq.Text)) > 200 {
		aq.Text = string([]rune(aq.Text)[:200])
	}
	if c := strings.ToUpper(strings.TrimSpace(q.Get("country"))); c != "" && (grievance.IsOriginCountry(c) || c == "JP") {
		aq.Country = c
	}
	if t := org.Type(q.Get("type")); recruitment.IsAgencyType(t) {
		aq.Type = t
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 10000 {
		aq.Offset = (n - 1) * registryPageSize
	}
	return aq
}

func (s *Server) registryPage(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	pg := s.page(r, lang)
	aq := registryQuery(r.URL.Query())
	list, total, err := s.corridorService().SearchAgencies(r.Context(), aq)
	if err != nil {
		return err
	}
	p := pg.P
	data := registryPageData{Page: pg, Q: aq.Text, Total: total, Found: p.T("registry.found", newNumFmt(lang).dec(float64(total), 0))}
	data.Countries = append(data.Countries, option{"", p.T("registry.search.any_country"), aq.Country == ""})
	for _, c := range registryCountries() {
		data.Countries = append(data.Countries, option{c, countryName(p, c), aq.Country == c})
	}
	data.Types = append(data.Types, option{"", p.T("registry.search.any_type"), aq.Type == ""})
	for _, t := range recruitment.AgencyTypes {
		data.Types = append(data.Types, option{string(t), p.T("orgtype." + string(t)), aq.Type == t})
	}
	for _, a := range list {
		data.Rows = append(data.Rows, agencyRowOf(p, a))
	}
	page := aq.Offset/registryPageSize + 1
	link := func(n int) string {
		q := url.Values{}
		if aq.Text != "" {
			q.Set("q", aq.Text)
		}
		if aq.Country != "" {
			q.Set("country", aq.Country)
		}
		if aq.Type != "" {
			q.Set("type", string(aq.Type))
		}
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return "/registry"
		}
		return "/registry?" + q.Encode()
	}
	if page > 1 {
		data.Prev = link(page - 1)
	}
	if aq.Offset+len(list) < total {
		data.Next = link(page + 1)
	}
	return s.render(w, http.StatusOK, "registry", data)
}

func agencyID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "error.not_found")
	}
	return id, nil
}

// reviewView is a published review as the page shows it.
type reviewView struct {
	Stars   string
	Rating  int
	Comment string
	Lang    string
	Month   string
}

type countView struct {
	Label string
	Note  string
	Text  string
}

type agencyPageData struct {
	Page
	Agency      agencyRow
	A           recruitment.Agency
	Checked     string
	SourceURL   string // the licence source when it is a web address
	Figures     [][2]string
	FiguresNote string
	Findings    []countView
	Grievances  string
	ByCategory  []countView
	Reviews     []reviewView
	Rating      string
	Answer      *recruitment.AgencyAnswer
	AnswerDate  string
	MinCell     int
}

// webAddress returns s when it is an http(s) address, for a link.
func webAddress(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}

func (s *Server) agencyPage(w http.ResponseWriter, r *http.Request) error {
	id, err := agencyID(r)
	if err != nil {
		return err
	}
	lang := s.language(w, r)
	pg := s.page(r, lang)
	p, nf := pg.P, newNumFmt(lang)
	prof, err := s.corridorService().AgencyProfile(r.Context(), id, s.minCell())
	if err != nil {
		return err
	}
	data := agencyPageData{Page: pg, Agency: agencyRowOf(p, prof.Agency), A: prof.Agency, MinCell: prof.MinCell,
		SourceURL: webAddress(prof.Agency.LicenceSource), Answer: prof.Answer}
	if prof.Agency.LicenceCheckedOn != "" {
		data.Checked = prof.Agency.LicenceCheckedOn
	}
	val := func(v recruitment.Value, digits int, unit string) string {
		if !v.OK {
			return hiddenMark
		}
		return unit + nf.dec(v.V, digits)
	}
	f := prof.Figures
	switch {
	case !prof.HasFeeReport:
		data.FiguresNote = p.T("registry.agency.no_reports")
	case f.Suppressed:
		data.FiguresNote = p.T("registry.agency.few_reports", prof.MinCell)
	default:
		data.Figures = [][2]string{
			{p.T("registry.agency.reports"), val(f.Reports, 0, "")},
			{p.T("registry.agency.cost_median"), val(f.Cost.Median, 0, "¥")},
			{p.T("registry.agency.cost_mean"), val(f.Cost.Mean, 0, "¥")},
			{p.T("registry.agency.sdg_median"), val(f.SDG.Median, 2, "")},
			{p.T("registry.agency.violation_share") + " (%)", val(f.ViolationShare, 1, "")},
		}
		for _, fd := range prof.Findings {
			data.Findings = append(data.Findings, countView{Label: fd.RuleID + " · " + p.T("registry.severity."+fd.Severity),
				Note: ruleSummary(p, fd.RuleID), Text: val(fd.Reports, 0, "")})
		}
	}
	data.Grievances = val(prof.Grievances.N, 0, "")
	for _, c := range prof.ByCategory {
		data.ByCategory = append(data.ByCategory, countView{Label: p.T("category." + c.Key), Text: val(c.N, 0, "")})
	}
	for _, rv := range prof.Reviews {
		data.Reviews = append(data.Reviews, reviewView{Stars: strings.Repeat("★", rv.Rating) + strings.Repeat("☆", 5-rv.Rating),
			Rating: rv.Rating, Comment: rv.Comment, Lang: rv.Language, Month: recruitment.PublishedMonth(rv.CreatedAt)})
	}
	if prof.ReviewCount > 0 {
		data.Rating = p.T("registry.agency.rating", nf.dec(prof.MeanRating, 1), prof.ReviewCount)
	}
	if prof.Answer != nil {
		data.AnswerDate = prof.Answer.PublishedAt.In(grievance.Japan).Format("2006-01-02")
	}
	return s.render(w, http.StatusOK, "agency", data)
}

// --- Reviews ----------------------------------------------------------------------

type reviewFormData struct {
	Page
	Agency     agencyRow
	InSession  bool
	Receipt    string
	Rating     int
	Comment    string
	ReviewLang string
	Languages  []i18n.Language
	Errors     map[string]string
	Error      string
	Done       bool
	Ratings    []int
}

func (s *Server) reviewForm(w http.ResponseWriter, r *http.Request, status int, data reviewFormData) error {
	id, err := agencyID(r)
	if err != nil {
		return err
	}
	a, err := s.cfg.DB.Agency(r.Context(), id)
	if err != nil {
		return err
	}
	data.Agency = agencyRowOf(data.P, a)
	data.Languages = i18n.Supported
	data.Ratings = []int{5, 4, 3, 2, 1}
	if data.Errors == nil {
		data.Errors = map[string]string{}
	}
	if data.ReviewLang == "" {
		data.ReviewLang = data.Lang
	}
	if _, err := s.sessionCase(r); err == nil {
		data.InSession = true
	}
	return s.render(w, status, "agency_review", data)
}

func (s *Server) agencyReviewForm(w http.ResponseWriter, r *http.Request) error {
	return s.reviewForm(w, r, http.StatusOK, reviewFormData{Page: s.page(r, s.language(w, r))})
}

// proveReviewer checks a receipt under the same failure limit as the
// follow-up page: after too many wrong tries every try is refused.
func (s *Server) proveReviewer(r *http.Request, receipt, passphrase string) (corridor.Reviewer, error) {
	client := s.clientKey(r)
	now := s.cfg.Now()
	if blocked, wait := s.limiter.blocked(client, now); blocked {
		return corridor.Reviewer{}, rateLimited(wait.Seconds())
	}
	who, err := s.corridorService().ProveReviewer(r.Context(), receipt, passphrase)
	if apperr.CodeOf(err) == apperr.Unauthorized {
		s.limiter.fail(client, now)
	}
	return who, err
}

func (s *Server) agencyReviewSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := agencyID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	lang := s.language(w, r)
	pg := s.page(r, lang)
	rating, _ := strconv.Atoi(form.Get("rating"))
	sub := recruitment.ReviewSubmission{Rating: rating, Comment: form.Get("comment"), Language: form.Get("language")}
	data := reviewFormData{Page: pg, Receipt: form.Get("receipt"), Rating: rating, Comment: sub.Comment, ReviewLang: sub.Language}
	var who corridor.Reviewer
	if caseID, err := s.sessionCase(r); err == nil && strings.TrimSpace(data.Receipt) == "" {
		who = corridor.Reviewer{CaseID: caseID}
	} else {
		who, err = s.proveReviewer(r, data.Receipt, form.Get("passphrase"))
		var ae *apperr.Error
		if errors.As(err, &ae) && (ae.Code == apperr.Unauthorized || ae.Code == apperr.RateLimited) {
			data.Errors = map[string]string{"receipt": pg.P.T(ae.Key, ae.Args...)}
			setRetryAfter(w, err)
			status, _ := s.status(err)
			return s.reviewForm(w, r, status, data)
		}
		if err != nil {
			return err
		}
	}
	_, err = s.corridorService().SubmitReview(r.Context(), id, who, sub, i18n.IsSupported)
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Code == apperr.Invalid || ae.Code == apperr.Conflict) {
		data.Errors = map[string]string{}
		for _, fe := range ae.Fields {
			data.Errors[fe.Field] = pg.P.T(fe.Key, fe.Args...)
		}
		if ae.Code == apperr.Conflict {
			data.Error = pg.P.T(ae.Key)
		}
		status, _ := s.status(err)
		return s.reviewForm(w, r, status, data)
	}
	if err != nil {
		return err
	}
	return s.reviewForm(w, r, http.StatusOK, reviewFormData{Page: pg, Done: true})
}

// --- API --------------------------------------------------------------------------

type apiAgency struct {
	ID               int64    `json:"id"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	Country          string   `json:"country"`
	LicenceNumber    string   `json:"licence_number"`
	LicenceStatus    string   `json:"licence_status"`
	LicenceSource    string   `json:"licence_source"`
	LicenceCheckedOn string   `json:"licence_checked_on"`
	Contact          string   `json:"contact"`
	Aliases          []string `json:"aliases"`
}

func toAPIAgency(a recruitment.Agency) apiAgency {
	out := apiAgency{ID: a.Org.ID, Name: a.Org.Name, Type: string(a.Org.Type), Country: a.Org.Country, LicenceNumber: a.LicenceNumber,
		LicenceStatus: string(a.LicenceStatus), LicenceSource: a.LicenceSource, LicenceCheckedOn: a.LicenceCheckedOn,
		Contact: a.Contact, Aliases: a.Aliases}
	if out.Aliases == nil {
		out.Aliases = []string{}
	}
	return out
}

// apiAgencies: GET /api/v1/agencies?q=&country=&type=&page= → a page of
// the registry.
func (s *Server) apiAgencies(w http.ResponseWriter, r *http.Request) error {
	aq := registryQuery(r.URL.Query())
	list, total, err := s.corridorService().SearchAgencies(r.Context(), aq)
	if err != nil {
		return err
	}
	out := struct {
		Total    int         `json:"total"`
		Agencies []apiAgency `json:"agencies"`
	}{Total: total, Agencies: []apiAgency{}}
	for _, a := range list {
		out.Agencies = append(out.Agencies, toAPIAgency(a))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiReview struct {
	Rating   int    `json:"rating"`
	Comment  string `json:"comment"`
	Language string `json:"language"`
	Month    string `json:"month"`
}

// apiAgency: GET /api/v1/agencies/{id} → the agency's public page as JSON.
func (s *Server) apiAgency(w http.ResponseWriter, r *http.Request) error {
	id, err := agencyID(r)
	if err != nil {
		return err
	}
	prof, err := s.corridorService().AgencyProfile(r.Context(), id, s.minCell())
	if err != nil {
		return err
	}
	out := struct {
		Agency      apiAgency               `json:"agency"`
		MinCell     int                     `json:"min_cell"`
		FeeReports  recruitment.Shown       `json:"fee_reports"`
		Findings    []corridor.ShownFinding `json:"findings"`
		Grievances  recruitment.Count       `json:"grievances"`
		ByCategory  []recruitment.Count     `json:"grievances_by_category"`
		ReviewCount int                     `json:"review_count"`
		MeanRating  *float64                `json:"mean_rating"`
		Reviews     []apiReview             `json:"reviews"`
		Answer      *map[string]string      `json:"answer"`
	}{Agency: toAPIAgency(prof.Agency), MinCell: prof.MinCell, FeeReports: prof.Figures, Findings: prof.Findings,
		Grievances: prof.Grievances, ByCategory: prof.ByCategory, ReviewCount: prof.ReviewCount, Reviews: []apiReview{}}
	if out.Findings == nil {
		out.Findings = []corridor.ShownFinding{}
	}
	if out.ByCategory == nil {
		out.ByCategory = []recruitment.Count{}
	}
	if prof.ReviewCount > 0 {
		m := float64(int(prof.MeanRating*10+0.5)) / 10
		out.MeanRating = &m
	}
	for _, rv := range prof.Reviews {
		out.Reviews = append(out.Reviews, apiReview{Rating: rv.Rating, Comment: rv.Comment, Language: rv.Language, Month: recruitment.PublishedMonth(rv.CreatedAt)})
	}
	if prof.Answer != nil {
		out.Answer = &map[string]string{"body": prof.Answer.Body, "language": prof.Answer.Language,
			"published_on": prof.Answer.PublishedAt.In(grievance.Japan).Format("2006-01-02")}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiAgencyReview: POST /api/v1/agencies/{id}/reviews with the receipt of
// the worker's fee report or case in "Authorization: Receipt …" (and the
// case's passphrase in Remedy-Passphrase) → 202, pending moderation.
func (s *Server) apiAgencyReview(w http.ResponseWriter, r *http.Request) error {
	id, err := agencyID(r)
	if err != nil {
		return err
	}
	var sub recruitment.ReviewSubmission
	if err := readJSON(r, &sub); err != nil {
		return err
	}
	who, err := s.proveReviewer(r, receiptFromHeader(r), r.Header.Get("Remedy-Passphrase"))
	if err != nil {
		return err
	}
	rv, err := s.corridorService().SubmitReview(r.Context(), id, who, sub, i18n.IsSupported)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"status": string(rv.Status), "verified": rv.Verified})
	return nil
}

// --- Staff: import -----------------------------------------------------------------

// maxImportBody bounds an uploaded import file.
const maxImportBody = 4 << 20

type importPageData struct {
	Page
	Columns string
	Done    string
	Invalid string
	Rows    []importLine
	Error   string
}

type importLine struct {
	Line   int
	Name   string
	Errors []string
}

func (s *Server) registryImportPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRegistry(who.Actor, access.EditRegistry) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return s.render(w, http.StatusOK, "agency_import", importPageData{Page: s.staffPageData(w, r, who),
		Columns: strings.Join(recruitment.AgencyCSVColumns, ", ")})
}

func (s *Server) registryImportTemplate(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRegistry(who.Actor, access.EditRegistry) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="remedy-agencies.csv"`)
	_, err := w.Write([]byte(strings.Join(recruitment.AgencyCSVColumns, ",") + "\n" +
		"Công ty Cổ phần Nhân lực (example),sending_agency,VN,123/LĐTBXH-GP,valid,https://example.org/licences,2026-10-01,Hà Nội,Example Manpower JSC,vi\n"))
	return err
}

func (s *Server) registryImport(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRegistry(who.Actor, access.EditRegistry) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	pg := s.staffPageData(w, r, who)
	data := importPageData{Page: pg, Columns: strings.Join(recruitment.AgencyCSVColumns, ", ")}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBody)
	if err := r.ParseMultipartForm(maxImportBody); err != nil {
		data.Error = pg.P.T("error.body_too_large")
		return s.render(w, http.StatusUnprocessableEntity, "agency_import", data)
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		data.Error = pg.P.T("error.required")
		return s.render(w, http.StatusUnprocessableEntity, "agency_import", data)
	}
	defer file.Close()
	rep, err := s.corridorService().ImportAgencies(r.Context(), who.Actor, file)
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		for _, fe := range ae.Fields {
			data.Error = pg.P.T(fe.Key, fe.Args...)
		}
		return s.render(w, http.StatusUnprocessableEntity, "agency_import", data)
	}
	if err != nil {
		return err
	}
	switch {
	case rep.Invalid > 0:
		data.Invalid = pg.P.T("registry.import.invalid", rep.Invalid)
		for _, row := range rep.Rows {
			if len(row.Errors) == 0 {
				continue
			}
			line := importLine{Line: row.Line, Name: row.Agency.Org.Name}
			for _, fe := range row.Errors {
				line.Errors = append(line.Errors, fe.Field+": "+pg.P.T(fe.Key, fe.Args...))
			}
			data.Rows = append(data.Rows, line)
		}
		return s.render(w, http.StatusUnprocessableEntity, "agency_import", data)
	case len(rep.Rows) == 0:
		data.Error = pg.P.T("registry.import.empty")
		return s.render(w, http.StatusUnprocessableEntity, "agency_import", data)
	}
	data.Done = pg.P.T("registry.import.done", rep.Result.Created, rep.Result.Updated)
	return s.render(w, http.StatusOK, "agency_import", data)
}

// --- Staff: moderation --------------------------------------------------------------

type moderationItem struct {
	ID       int64
	Agency   string
	AgencyID int64
	Stars    string
	Rating   int
	Comment  string
	Lang     string
	LangName string
	Link     string
	Verified bool
	Received string
	Reason   string
}

type reviewsPageData struct {
	Page
	Status   string
	Statuses []option
	Items    []moderationItem
	Errors   map[int64]string
	Notice   string
}

func (s *Server) reviewsPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.renderReviews(w, r, who, http.StatusOK, nil, "")
}

func (s *Server) renderReviews(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, errs map[int64]string, notice string) error {
	if !access.CanRegistry(who.Actor, access.ModerateReviews) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	st := recruitment.ReviewStatus(r.URL.Query().Get("status"))
	if st != recruitment.ReviewApproved && st != recruitment.ReviewRejected {
		st = recruitment.ReviewPending
	}
	list, err := s.corridorService().ReviewQueue(r.Context(), who.Actor, st)
	if err != nil {
		return err
	}
	pg := s.staffPageData(w, r, who)
	data := reviewsPageData{Page: pg, Status: string(st), Errors: errs, Notice: notice}
	for _, x := range []recruitment.ReviewStatus{recruitment.ReviewPending, recruitment.ReviewApproved, recruitment.ReviewRejected} {
		data.Statuses = append(data.Statuses, option{string(x), pg.P.T("registry.moderation.status." + string(x)), x == st})
	}
	var ids []int64
	for _, rv := range list {
		ids = append(ids, rv.OrgID)
	}
	names, err := s.cfg.DB.AgencyNames(r.Context(), ids)
	if err != nil {
		return err
	}
	for _, rv := range list {
		data.Items = append(data.Items, moderationItem{ID: rv.ID, Agency: names[rv.OrgID], AgencyID: rv.OrgID,
			Stars: strings.Repeat("★", rv.Rating) + strings.Repeat("☆", 5-rv.Rating), Rating: rv.Rating,
			Comment: rv.Comment, Lang: rv.Language, LangName: i18n.Name(rv.Language),
			Link: pg.P.T("registry.moderation.link." + string(rv.Link())), Verified: rv.Verified,
			Received: japanTime(rv.CreatedAt), Reason: rv.Reason})
	}
	return s.render(w, status, "agency_reviews", data)
}

func (s *Server) reviewModerate(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanRegistry(who.Actor, access.ModerateReviews) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	m := recruitment.Moderation{Approve: form.Get("decision") == "approve", Reason: form.Get("reason")}
	err = s.corridorService().Moderate(r.Context(), who.Actor, id, m)
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Code == apperr.Invalid || ae.Code == apperr.Conflict) {
		printer := s.cfg.Bundle.Printer(s.language(w, r))
		msg := printer.T(ae.Key, ae.Args...)
		for _, fe := range ae.Fields {
			msg = printer.T(fe.Key, fe.Args...)
		}
		status, _ := s.status(err)
		return s.renderReviews(w, r, who, status, map[int64]string{id: msg}, "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/registry/reviews", http.StatusSeeOther)
	return nil
}

// --- Staff: the agency's answer -------------------------------------------------------

type answerPageData struct {
	Page
	Agency    agencyRow
	Body      string
	Language  string
	Languages []i18n.Language
	Current   *recruitment.AgencyAnswer
	Errors    map[string]string
	Notice    string
}

func (s *Server) renderAnswer(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, data answerPageData) error {
	if !access.CanAnswerReviews(who.Actor, who.Org.ID) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	a, err := s.cfg.DB.Agency(r.Context(), who.Org.ID)
	if err != nil {
		return err
	}
	data.Page = s.staffPageData(w, r, who)
	data.Agency = agencyRowOf(data.P, a)
	data.Languages = i18n.Supported
	if data.Errors == nil {
		data.Errors = map[string]string{}
	}
	cur, err := s.cfg.DB.Answer(r.Context(), who.Org.ID)
	switch {
	case err == nil:
		data.Current = &cur
		if data.Body == "" && status == http.StatusOK && data.Notice == "" {
			data.Body, data.Language = cur.Body, cur.Language
		}
	case apperr.CodeOf(err) != apperr.NotFound:
		return err
	}
	if data.Language == "" {
		data.Language = data.Lang
	}
	return s.render(w, status, "agency_answer", data)
}

func (s *Server) answerPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.renderAnswer(w, r, who, http.StatusOK, answerPageData{})
}

func (s *Server) answerPublish(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.CanAnswerReviews(who.Actor, who.Org.ID) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	ans := recruitment.AgencyAnswer{OrgID: who.Org.ID, Body: form.Get("body"), Language: form.Get("language")}
	err = s.corridorService().PublishAnswer(r.Context(), who.Actor, ans, i18n.IsSupported)
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		data := answerPageData{Body: ans.Body, Language: ans.Language, Errors: map[string]string{}}
		printer := s.cfg.Bundle.Printer(s.language(w, r))
		for _, fe := range ae.Fields {
			data.Errors[fe.Field] = printer.T(fe.Key, fe.Args...)
		}
		return s.renderAnswer(w, r, who, http.StatusUnprocessableEntity, data)
	}
	if err != nil {
		return err
	}
	printer := s.cfg.Bundle.Printer(s.language(w, r))
	return s.renderAnswer(w, r, who, http.StatusOK, answerPageData{Notice: printer.T("registry.answer.published")})
}
