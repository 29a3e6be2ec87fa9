package web

import (
	"errors"
	"html/template"
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
	"remedy/internal/staff"
	"remedy/internal/stats"
)

// routesStats registers the effectiveness page and API (UN Guiding
// Principle 31), and the inbox's JSON twin.
func (s *Server) routesStats(mux *http.ServeMux) {
	mux.Handle("GET /staff/stats", s.staffPage(s.statsPage))
	mux.Handle("GET /api/v1/stats/effectiveness", s.staffAPI(s.apiEffectiveness))
	mux.Handle("GET /api/v1/cases", s.staffAPI(s.apiCases))
}

// statsQuery is the period and breakdown, as typed in the URL.
type statsQuery struct {
	From, To, By string
}

// statsPeriodDays is the default period: the last year, ending today.
const statsPeriodDays = 365

func readStatsQuery(q url.Values) statsQuery {
	return statsQuery{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), By: strings.TrimSpace(q.Get("by"))}
}

// period checks the query: dates are days in Japan (YYYY-MM-DD), both
// included; an empty date takes the default. It returns [from, to) as
// instants, and fills the query's dates.
func (q *statsQuery) period(now time.Time) (time.Time, time.Time, error) {
	today := now.In(grievance.Japan)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, grievance.Japan)
	var errs []apperr.FieldError
	day := func(field, v string, def time.Time) time.Time {
		if v == "" {
			return def
		}
		d, err := time.ParseInLocation(time.DateOnly, v, grievance.Japan)
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: field, Key: "error.invalid_date"})
			return def
		}
		return d
	}
	to := day("to", q.To, today)
	from := day("from", q.From, to.AddDate(0, 0, 1-statsPeriodDays))
	if len(errs) == 0 && from.After(to) {
		errs = append(errs, apperr.FieldError{Field: "from", Key: "stats.error.period"})
	}
	if !stats.IsDimension(q.By) {
		errs = append(errs, apperr.FieldError{Field: "by", Key: "error.unknown_code"})
	}
	q.From, q.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	if len(errs) > 0 {
		return from, to, apperr.Validation(errs)
	}
	return from, to.AddDate(0, 0, 1), nil
}

// effectiveness computes the report for who over the query's period.
func (s *Server) effectiveness(r *http.Request, who staff.Signed, q *statsQuery) (stats.Report, error) {
	if !access.Can(who.Actor, access.ViewStats) {
		return stats.Report{}, apperr.New(apperr.NotFound, "error.not_found")
	}
	now := s.cfg.Now()
	from, to, err := q.period(now)
	if err != nil {
		return stats.Report{}, err
	}
	scope := access.CaseScope(who.Actor)
	b := stats.NewBuilder(now)
	if err := s.cfg.DB.EffectivenessCases(r.Context(), scope, q.By, from, to, func(c stats.Case) error {
		b.AddCase(c)
		return nil
	}); err != nil {
		return stats.Report{}, err
	}
	if err := s.cfg.DB.EffectivenessReferrals(r.Context(), scope, from, to, func(rf stats.Referral) error {
		b.AddReferral(rf)
		return nil
	}); err != nil {
		return stats.Report{}, err
	}
	return b.Report(), nil
}

// statsLabels names groups in the reader's language and orders them as
// the taxonomy, the corridor, the programmes, the languages or the
// organisations' names do.
type statsLabels struct {
	p    *i18n.Printer
	by   string
	orgs map[string]string
}

func (s *Server) statsLabels(r *http.Request, p *i18n.Printer, by string) (statsLabels, error) {
	l := statsLabels{p: p, by: by, orgs: map[string]string{}}
	orgs, err := s.cfg.DB.Organizations(r.Context())
	if err != nil {
		return l, err
	}
	for _, o := range orgs {
		l.orgs[strconv.FormatInt(o.ID, 10)] = o.Name
	}
	return l, nil
}

func (l statsLabels) org(key string) string {
	if name, ok := l.orgs[key]; ok {
		return name
	}
	return "#" + key
}

func (l statsLabels) label(key string) string {
	switch l.by {
	case stats.ByCategory:
		return l.p.T("inbox.cat." + key)
	case stats.ByOrigin:
		return l.p.T("country." + key)
	case stats.ByProgram:
		return l.p.T("program." + key)
	case stats.ByLanguage:
		return i18n.Name(key)
	case stats.ByOrganization:
		return l.org(key)
	}
	return key
}

func (l statsLabels) rank(key string) int {
	switch l.by {
	case stats.ByCategory:
		return slices.IndexFunc(grievance.Categories, func(c grievance.Category) bool { return c.Code == key })
	case stats.ByOrigin:
		return slices.Index(grievance.OriginCountries, key)
	case stats.ByProgram:
		return slices.Index(grievance.Programs, key)
	case stats.ByLanguage:
		return slices.IndexFunc(i18n.Supported, func(x i18n.Language) bool { return x.Code == key })
	}
	return 0
}

// order sorts the report's groups and referral groups for reading.
func (l statsLabels) order(rep *stats.Report) {
	slices.SortStableFunc(rep.Groups, func(a, b stats.Group) int {
		if ra, rb := l.rank(a.Key), l.rank(b.Key); ra != rb {
			return ra - rb
		}
		return strings.Compare(l.label(a.Key), l.label(b.Key))
	})
	slices.SortStableFunc(rep.Referrals, func(a, b stats.ReferralGroup) int {
		return strings.Compare(l.org(a.Key), l.org(b.Key))
	})
}

// apiEffectiveness: GET /api/v1/stats/effectiveness?from=&to=&by= → the
// figures of the page, with the same small cells withheld (null).
func (s *Server) apiEffectiveness(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	q := readStatsQuery(r.URL.Query())
	rep, err := s.effectiveness(r, who, &q)
	if err != nil {
		return err
	}
	labels, err := s.statsLabels(r, s.cfg.Bundle.Printer(apiLanguage(r)), q.By)
	if err != nil {
		return err
	}
	labels.order(&rep)
	type group struct {
		Label string `json:"label"`
		stats.Group
	}
	type referral struct {
		OrganizationID int64  `json:"organization_id"`
		Organization   string `json:"organization"`
		stats.ReferralGroup
	}
	out := struct {
		From           string              `json:"from"`
		To             string              `json:"to"`
		By             string              `json:"by"`
		GeneratedAt    time.Time           `json:"generated_at"`
		MinCell        int                 `json:"min_cell"`
		Total          stats.Group         `json:"total"`
		Groups         []group             `json:"groups"`
		Referrals      []referral          `json:"referrals"`
		ReferralsTotal stats.ReferralGroup `json:"referrals_total"`
	}{From: q.From, To: q.To, By: q.By, GeneratedAt: s.cfg.Now().UTC(), MinCell: rep.MinCell, Total: rep.Total,
		ReferralsTotal: rep.ReferralsTotal, Groups: []group{}, Referrals: []referral{}}
	for _, g := range rep.Groups {
		out.Groups = append(out.Groups, group{Label: labels.label(g.Key), Group: g})
	}
	for _, rf := range rep.Referrals {
		id, _ := strconv.ParseInt(rf.Key, 10, 64)
		out.Referrals = append(out.Referrals, referral{OrganizationID: id, Organization: labels.org(rf.Key), ReferralGroup: rf})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// The page: for each measure, a chart drawn on the server and a table of
// the same numbers.

type statsCell struct {
	Text  string
	Muted bool // a withheld figure
}

type statsRow struct {
	Head  string
	Cells []statsCell
}

type statsTable struct {
	Caption string
	Corner  string
	Head    []string
	Rows    []statsRow
}

type statsSection struct {
	ID     string
	Title  string
	Intro  string
	Legend string
	Charts []template.HTML
	Table  statsTable
	Empty  string
}

type statsView struct {
	Page
	Query    statsQuery
	Errors   map[string]string
	Dims     []inboxOption
	Sections []statsSection
	APIURL   string
	Note     string
	Cases    string
}

func (s *Server) statsPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.Can(who.Actor, access.ViewStats) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	q := readStatsQuery(r.URL.Query())
	v := statsView{Page: s.staffPageData(w, r, who), Errors: map[string]string{}}
	rep, err := s.effectiveness(r, who, &q)
	v.Query = q
	v.Dims = append(v.Dims, inboxOption{Value: "", Label: v.P.T("stats.by.none"), Selected: q.By == ""})
	for _, d := range stats.Dimensions {
		v.Dims = append(v.Dims, inboxOption{Value: d, Label: v.P.T("stats.by." + d), Selected: q.By == d})
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		for _, fe := range ae.Fields {
			v.Errors[fe.Field] = v.P.T(fe.Key, fe.Args...)
		}
		return s.render(w, http.StatusUnprocessableEntity, "stats", v)
	}
	if err != nil {
		return err
	}
	labels, err := s.statsLabels(r, v.P, q.By)
	if err != nil {
		return err
	}
	labels.order(&rep)
	api := url.Values{"from": {q.From}, "to": {q.To}}
	if q.By != "" {
		api.Set("by", q.By)
		v.Note = v.P.T("stats.note.groups")
	}
	v.APIURL = "/api/v1/stats/effectiveness?" + api.Encode()
	f := statsFormat{p: v.P}
	v.Cases = f.count(rep.Total.Cases)
	v.Sections = []statsSection{
		f.timesSection(rep, labels), f.overdueSection(rep, labels), f.remedySection(rep, labels),
		f.satisfactionSection(rep, labels), f.referralSection(rep, labels),
	}
	return s.render(w, http.StatusOK, "stats", v)
}

// statsFormat writes figures in the reader's language.
type statsFormat struct{ p *i18n.Printer }

// decimalComma are the languages that write 3,5 rather than 3.5.
var decimalComma = []string{"vi", "id", "km"}

func (f statsFormat) num(x float64, places int) string {
	s := strconv.FormatFloat(x, 'f', places, 64)
	if slices.Contains(decimalComma, f.p.Lang) {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func (f statsFormat) fewer() statsCell { return statsCell{Text: f.p.T("stats.fewer"), Muted: true} }

func (f statsFormat) hours(h float64) string {
	if h < 48 {
		return f.p.T("stats.hours", f.num(h, 1))
	}
	return f.p.T("stats.days", f.num(h/24, 1))
}

func (f statsFormat) pct(v float64) string {
	places := 0
	if v > 0 && v < 0.1 {
		places = 1
	}
	return f.num(v*100, places) + "%"
}

func (f statsFormat) count(c stats.Count) string {
	if c.Suppressed {
		return f.p.T("stats.fewer")
	}
	return strconv.Itoa(c.N)
}

func (f statsFormat) countCell(c stats.Count) statsCell {
	if c.Suppressed {
		return f.fewer()
	}
	return statsCell{Text: strconv.Itoa(c.N)}
}

func (f statsFormat) share(s stats.Share) statsCell {
	if s.Suppressed {
		return f.fewer()
	}
	return statsCell{Text: f.p.T("stats.share_of", f.pct(s.Value), s.Count, s.Of)}
}

func (f statsFormat) durCells(d stats.Durations) []statsCell {
	if d.Suppressed {
		return []statsCell{f.fewer(), f.fewer()}
	}
	return []statsCell{{Text: f.hours(d.Median)}, {Text: f.hours(d.P90)}}
}

func (f statsFormat) durBar(label string, d stats.Durations) stats.Bar {
	if d.Suppressed {
		return stats.Bar{Label: label, Suppressed: true, Text: f.p.T("stats.fewer")}
	}
	return stats.Bar{Label: label, Value: d.Median, Mark: d.P90, Text: f.p.T("stats.bar.times", f.hours(d.Median), f.hours(d.P90))}
}

func (f statsFormat) shareBar(label string, s stats.Share) stats.Bar {
	if s.Suppressed {
		return stats.Bar{Label: label, Suppressed: true, Text: f.p.T("stats.fewer")}
	}
	return stats.Bar{Label: label, Value: s.Value, Text: f.p.T("stats.share_of", f.pct(s.Value), s.Count, s.Of)}
}

func svg(c stats.Chart) template.HTML {
	// The chart escapes every text it draws (stats.Chart.SVG).
	return template.HTML(c.SVG())
}

// rows are the whole mechanism first, then each group.
func (f statsFormat) groups(rep stats.Report, l statsLabels) ([]string, []stats.Group) {
	names := []string{f.p.T("stats.all")}
	groups := []stats.Group{rep.Total}
	for _, g := range rep.Groups {
		names = append(names, l.label(g.Key))
		groups = append(groups, g)
	}
	return names, groups
}

func (f statsFormat) corner(l statsLabels) string {
	if l.by == "" {
		return f.p.T("stats.group")
	}
	return f.p.T("stats.by." + l.by)
}

func (f statsFormat) timesSection(rep stats.Report, l statsLabels) statsSection {
	p := f.p
	sec := statsSection{ID: "times", Title: p.T("stats.times.title"), Intro: p.T("stats.times.intro"), Legend: p.T("stats.chart.legend")}
	measures := []struct {
		key string
		get func(stats.Group) stats.Durations
	}{
		{"acknowledge", func(g stats.Group) stats.Durations { return g.Acknowledge }},
		{"first_response", func(g stats.Group) stats.Durations { return g.FirstResponse }},
		{"remedy", func(g stats.Group) stats.Durations { return g.Remedy }},
	}
	names, groups := f.groups(rep, l)
	sec.Table = statsTable{Caption: sec.Title, Corner: f.corner(l), Head: []string{p.T("stats.cases")}}
	for _, m := range measures {
		title := p.T("stats.measure." + m.key)
		sec.Table.Head = append(sec.Table.Head, p.T("stats.col.median", title), p.T("stats.col.p90", title))
		chart := stats.Chart{ID: "chart-" + m.key, Title: title}
		for i, g := range groups {
			chart.Bars = append(chart.Bars, f.durBar(names[i], m.get(g)))
		}
		sec.Charts = append(sec.Charts, svg(chart))
	}
	for i, g := range groups {
		row := statsRow{Head: names[i], Cells: []statsCell{f.countCell(g.Cases)}}
		for _, m := range measures {
			row.Cells = append(row.Cells, f.durCells(m.get(g))...)
		}
		sec.Table.Rows = append(sec.Table.Rows, row)
	}
	return sec
}

func (f statsFormat) overdueSection(rep stats.Report, l statsLabels) statsSection {
	p := f.p
	sec := statsSection{ID: "overdue", Title: p.T("stats.overdue.title"), Intro: p.T("stats.overdue.intro")}
	names, groups := f.groups(rep, l)
	sec.Table = statsTable{Caption: sec.Title, Corner: f.corner(l)}
	chart := stats.Chart{ID: "chart-overdue", Title: sec.Title + " — " + names[0], Max: 1}
	for _, st := range rep.Total.Overdue {
		label := p.T("stats.stage." + st.Stage)
		sec.Table.Head = append(sec.Table.Head, label)
		chart.Bars = append(chart.Bars, f.shareBar(label, st.Share))
	}
	for i, g := range groups {
		row := statsRow{Head: names[i]}
		for _, st := range g.Overdue {
			row.Cells = append(row.Cells, f.share(st.Share))
		}
		sec.Table.Rows = append(sec.Table.Rows, row)
	}
	sec.Charts = []template.HTML{svg(chart)}
	return sec
}

func (f statsFormat) remedySection(rep stats.Report, l statsLabels) statsSection {
	p := f.p
	sec := statsSection{ID: "remedies", Title: p.T("stats.remedy.title"), Intro: p.T("stats.remedy.intro")}
	names, groups := f.groups(rep, l)
	sec.Table = statsTable{Caption: sec.Title, Corner: f.corner(l)}
	chart := stats.Chart{ID: "chart-remedies", Title: sec.Title + " — " + names[0], Max: 1}
	for _, ts := range rep.Total.RemedyTypes {
		label := p.T("stats.remedy." + ts.Type)
		sec.Table.Head = append(sec.Table.Head, label)
		chart.Bars = append(chart.Bars, f.shareBar(label, ts.Share))
	}
	for i, g := range groups {
		row := statsRow{Head: names[i]}
		for _, ts := range g.RemedyTypes {
			row.Cells = append(row.Cells, f.share(ts.Share))
		}
		sec.Table.Rows = append(sec.Table.Rows, row)
	}
	sec.Charts = []template.HTML{svg(chart)}
	return sec
}

func (f statsFormat) satisfactionSection(rep stats.Report, l statsLabels) statsSection {
	p := f.p
	sec := statsSection{ID: "satisfaction", Title: p.T("stats.satisfaction.title"), Intro: p.T("stats.satisfaction.intro")}
	names, groups := f.groups(rep, l)
	sec.Table = statsTable{Caption: sec.Title, Corner: f.corner(l),
		Head: []string{p.T("stats.satisfaction.rated"), p.T("stats.satisfaction.mean")}}
	for i := 1; i <= 5; i++ {
		sec.Table.Head = append(sec.Table.Head, p.T("stats.satisfaction.rating", i))
	}
	sec.Table.Head = append(sec.Table.Head, p.T("stats.retaliation"))
	mean := stats.Chart{ID: "chart-satisfaction", Title: p.T("stats.satisfaction.mean"), Max: 5}
	retaliation := stats.Chart{ID: "chart-retaliation", Title: p.T("stats.retaliation"), Max: 1}
	for i, g := range groups {
		s := g.Satisfaction
		row := statsRow{Head: names[i]}
		if s.Suppressed {
			for range 7 {
				row.Cells = append(row.Cells, f.fewer())
			}
			mean.Bars = append(mean.Bars, stats.Bar{Label: names[i], Suppressed: true, Text: p.T("stats.fewer")})
		} else {
			row.Cells = append(row.Cells, statsCell{Text: strconv.Itoa(s.N)}, statsCell{Text: f.num(s.Mean, 1)})
			for _, d := range s.Distribution {
				row.Cells = append(row.Cells, f.share(d))
			}
			mean.Bars = append(mean.Bars, stats.Bar{Label: names[i], Value: s.Mean, Text: f.num(s.Mean, 1)})
		}
		row.Cells = append(row.Cells, f.share(s.Retaliation))
		retaliation.Bars = append(retaliation.Bars, f.shareBar(names[i], s.Retaliation))
		sec.Table.Rows = append(sec.Table.Rows, row)
	}
	sec.Charts = []template.HTML{svg(mean), svg(retaliation)}
	return sec
}

func (f statsFormat) referralSection(rep stats.Report, l statsLabels) statsSection {
	p := f.p
	sec := statsSection{ID: "referrals", Title: p.T("stats.referrals.title"), Intro: p.T("stats.referrals.intro"), Legend: p.T("stats.chart.legend")}
	if rep.ReferralsTotal.Referrals.N == 0 {
		sec.Empty = p.T("stats.referrals.none")
		return sec
	}
	title := p.T("stats.measure.acknowledge")
	sec.Table = statsTable{Caption: sec.Title, Corner: p.T("stats.referrals.org"), Head: []string{p.T("stats.referrals.count"),
		p.T("stats.col.median", title), p.T("stats.col.p90", title), p.T("stats.referrals.overdue")}}
	chart := stats.Chart{ID: "chart-referrals", Title: sec.Title}
	add := func(name string, g stats.ReferralGroup) {
		row := statsRow{Head: name, Cells: []statsCell{f.countCell(g.Referrals)}}
		row.Cells = append(row.Cells, f.durCells(g.Acknowledge)...)
		row.Cells = append(row.Cells, f.share(g.Overdue))
		sec.Table.Rows = append(sec.Table.Rows, row)
		chart.Bars = append(chart.Bars, f.durBar(name, g.Acknowledge))
	}
	add(p.T("stats.referrals.all"), rep.ReferralsTotal)
	for _, g := range rep.Referrals {
		add(l.org(g.Key), g)
	}
	sec.Charts = []template.HTML{svg(chart)}
	return sec
}
