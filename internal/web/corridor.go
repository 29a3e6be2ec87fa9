package web

// The public corridor dashboard (/corridor): recruitment cost and SDG
// 10.7.1 by corridor and programme, by sex, occupation, year and agency;
// cost by kind of item; the share of reports with a violation, by rule.
// Every figure resting on fewer than k reports is suppressed
// (recruitment.BuildView). The page, the CSV and XLSX exports and the JSON
// API (GET /api/v1/stats/recruitment) are all made from one table model,
// so an export holds exactly what the page shows.

import (
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"remedy/internal/apperr"
	"remedy/internal/corridor"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/recruitment"
)

// routesRecruitmentPublic registers the corridor dashboard, the agency
// registry and agency pages, workers' reviews, and their staff pages.
func (s *Server) routesRecruitmentPublic(mux *http.ServeMux) {
	h := s.handle
	mux.Handle("GET /corridor", h(s.corridorPage))
	mux.Handle("GET /corridor.csv", h(s.corridorCSV))
	mux.Handle("GET /corridor.xlsx", h(s.corridorXLSX))
	mux.Handle("GET /api/v1/stats/recruitment", s.api(s.apiRecruitmentStats))
	s.routesRegistry(mux)
}

// corridorService is the registry, reviews and statistics service over
// the server's store and keys.
func (s *Server) corridorService() *corridor.Service {
	return &corridor.Service{DB: s.cfg.DB, Keys: s.cfg.Keys, Now: s.cfg.Now, Rand: rand.Reader, Logger: s.cfg.Logger}
}

// minCell is k: the fewest reports a published figure may rest on.
// TODO(lead): read web.Config.MinCell (--min-cell / REMEDY_MIN_CELL) once
// it exists: `if s.cfg.MinCell > 0 { return s.cfg.MinCell }`.
func (s *Server) minCell() int {
	if s.cfg.MinCell > 0 {
		return s.cfg.MinCell
	}
	return recruitment.DefaultMinCell
}

// corridorFilter reads the filter from the URL; unknown values are errors
// for the API and ignored (all) for pages.
func corridorFilter(q url.Values) (recruitment.Filter, []apperr.FieldError) {
	var f recruitment.Filter
	var errs []apperr.FieldError
	if o := strings.ToUpper(strings.TrimSpace(q.Get("origin"))); o != "" {
		if grievance.IsOriginCountry(o) {
			f.Origin = o
		} else {
			errs = append(errs, apperr.FieldError{Field: "origin", Key: "error.unknown_code"})
		}
	}
	if p := strings.TrimSpace(q.Get("program")); p != "" {
		if grievance.IsProgram(p) {
			f.Program = p
		} else {
			errs = append(errs, apperr.FieldError{Field: "program", Key: "error.unknown_code"})
		}
	}
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err == nil && n >= 1990 && n <= 2200 {
			f.Year = n
		} else {
			errs = append(errs, apperr.FieldError{Field: "year", Key: "error.unknown_code"})
		}
	}
	return f, errs
}

// filterQuery is the filter as URL parameters.
func filterQuery(f recruitment.Filter) url.Values {
	q := url.Values{}
	if f.Origin != "" {
		q.Set("origin", f.Origin)
	}
	if f.Program != "" {
		q.Set("program", f.Program)
	}
	if f.Year != 0 {
		q.Set("year", strconv.Itoa(f.Year))
	}
	return q
}

// numFmt formats numbers in the reader's locale (grouping, decimal mark,
// digits), for pages; exports and JSON carry plain numbers.
type numFmt struct{ p *message.Printer }

func newNumFmt(lang string) numFmt { return numFmt{message.NewPrinter(language.Make(lang))} }

func (n numFmt) dec(v float64, digits int) string {
	return n.p.Sprint(number.Decimal(v, number.MinFractionDigits(digits), number.MaxFractionDigits(digits)))
}

// hiddenMark stands for a suppressed figure in tables and exports.
const hiddenMark = "x"

// dashCell is one cell of a dashboard table.
type dashCell struct {
	Text   string  // as the page shows it
	Num    float64 // the number, for exports
	IsNum  bool
	Hidden bool   // suppressed: shown as hiddenMark
	Href   string // a link on the page (an agency)
	Note   string // a line of explanation under the label (a rule's summary)
}

// dashTable is one table of the dashboard, as the page and the exports
// show it.
type dashTable struct {
	ID    string
	Title string
	Head  []string
	Rows  [][]dashCell
	Note  string        // a line under the table (exported too)
	Chart template.HTML // the page's chart of the table, if any (not exported)
}

// Span is how many number columns the table has: the page shows each
// row's label above its numbers, across them.
func (t dashTable) Span() int { return len(t.Head) - 1 }

// dashboard is one filter's dashboard, ready to render or export.
type dashboard struct {
	Filter     recruitment.Filter
	View       recruitment.View
	Snap       corridor.Snapshot
	Tables     []dashTable
	Names      map[string]string // agency names by id
	FilterText string            // the selection in words
}

func (s *Server) buildDashboard(r *http.Request, p *i18n.Printer, lang string, f recruitment.Filter) (dashboard, error) {
	svc := s.corridorService()
	snap, err := svc.Stats(r.Context(), f)
	if err != nil {
		return dashboard{}, err
	}
	v := recruitment.BuildView(f, snap.Stats, s.minCell())
	var keys []string
	for _, a := range v.Agencies {
		keys = append(keys, a.Key)
	}
	names, err := svc.AgencyNames(r.Context(), keys)
	if err != nil {
		return dashboard{}, err
	}
	d := dashboard{Filter: f, View: v, Snap: snap, Names: names}
	d.FilterText = filterText(p, f)
	d.Tables = dashTables(p, newNumFmt(lang), v, names)
	return d, nil
}

// countryName is a country's name in p's language.
func countryName(p *i18n.Printer, code string) string {
	if code == "JP" {
		return p.T("registry.country.JP")
	}
	if p.Has("country." + code) {
		return p.T("country." + code)
	}
	return code
}

// label is the translation of key, or fallback when the catalog has none
// (a code added to the data after the catalogs).
func label(p *i18n.Printer, key, fallback string) string {
	if p.Has(key) {
		return p.T(key)
	}
	return fallback
}

func filterText(p *i18n.Printer, f recruitment.Filter) string {
	parts := []string{p.T("corridor.filter.all_origins")}
	if f.Origin != "" {
		parts[0] = p.T("corridor.corridor", countryName(p, f.Origin))
	}
	if f.Program != "" {
		parts = append(parts, p.T("program."+f.Program))
	} else {
		parts = append(parts, p.T("corridor.filter.all_programs"))
	}
	if f.Year != 0 {
		parts = append(parts, strconv.Itoa(f.Year))
	} else {
		parts = append(parts, p.T("corridor.filter.all_years"))
	}
	return strings.Join(parts, " · ")
}

// ruleSummary is a rule's plain-words summary in p's language (the bundled
// version's; the dashboard counts every version of a rule together), or ""
// for a rule added without one.
func ruleSummary(p *i18n.Printer, id string) string {
	if k := recruitment.SummaryKey(id); p.Has(k) {
		return p.T(k)
	}
	return ""
}

func sexLabel(p *i18n.Printer, key string) string {
	if key == "" {
		return p.T("corridor.not_stated")
	}
	return label(p, "corridor.sex."+key, key)
}

func occupationLabel(p *i18n.Printer, key string) string {
	if key == "" {
		return p.T("corridor.not_stated")
	}
	return label(p, "corridor.occupation."+key, key)
}

func corridorLabel(p *i18n.Printer, key string) string {
	origin, program := recruitment.SplitCorridorKey(key)
	return p.T("corridor.corridor", countryName(p, origin)) + " · " + label(p, "program."+program, program)
}

// dashTables lays the view out as the page's tables.
func dashTables(p *i18n.Printer, nf numFmt, v recruitment.View, names map[string]string) []dashTable {
	count := func(x recruitment.Value) dashCell {
		if !x.OK {
			return dashCell{Text: hiddenMark, Hidden: true}
		}
		return dashCell{Text: nf.dec(x.V, 0), Num: x.V, IsNum: true}
	}
	months := func(x recruitment.Value) dashCell {
		if !x.OK {
			return dashCell{Text: hiddenMark, Hidden: true}
		}
		return dashCell{Text: nf.dec(x.V, 2), Num: x.V, IsNum: true}
	}
	share := func(x recruitment.Value) dashCell {
		if !x.OK {
			return dashCell{Text: hiddenMark, Hidden: true}
		}
		return dashCell{Text: nf.dec(x.V, 1), Num: x.V, IsNum: true}
	}
	sdgHead := []string{p.T("corridor.col.group"), p.T("corridor.col.sdg_reports"), p.T("corridor.col.mean"),
		p.T("corridor.col.median"), p.T("corridor.col.q4"), p.T("corridor.col.excluded")}
	costHead := []string{p.T("corridor.col.group"), p.T("corridor.col.reports"), p.T("corridor.col.mean"),
		p.T("corridor.col.median"), p.T("corridor.col.q4"), p.T("corridor.col.violation_share") + " (%)"}
	sdgRow := func(lbl dashCell, x recruitment.Shown) []dashCell {
		return []dashCell{lbl, count(x.SDGReports), months(x.SDG.Mean), months(x.SDG.Median), months(x.SDG.Q4), count(x.Excluded)}
	}
	costRow := func(lbl dashCell, x recruitment.Shown) []dashCell {
		return []dashCell{lbl, count(x.Reports), count(x.Cost.Mean), count(x.Cost.Median), count(x.Cost.Q4), share(x.ViolationShare)}
	}
	total := dashCell{Text: p.T("corridor.group.all")}
	pair := func(id, sdgTitle, costTitle string, rows []recruitment.Shown, lbl func(recruitment.Shown) dashCell) []dashTable {
		sdg := dashTable{ID: "sdg-" + id, Title: p.T(sdgTitle), Head: sdgHead, Rows: [][]dashCell{sdgRow(total, v.Total)}}
		cost := dashTable{ID: "cost-" + id, Title: p.T(costTitle), Head: costHead, Rows: [][]dashCell{costRow(total, v.Total)}}
		for _, x := range rows {
			sdg.Rows = append(sdg.Rows, sdgRow(lbl(x), x))
			cost.Rows = append(cost.Rows, costRow(lbl(x), x))
		}
		return []dashTable{sdg, cost}
	}
	var out []dashTable
	out = append(out, pair("corridor", "corridor.table.sdg_corridor", "corridor.table.cost_corridor", v.Corridors,
		func(x recruitment.Shown) dashCell { return dashCell{Text: corridorLabel(p, x.Key)} })...)
	out = append(out, pair("sex", "corridor.table.sdg_sex", "corridor.table.cost_sex", v.Sex,
		func(x recruitment.Shown) dashCell { return dashCell{Text: sexLabel(p, x.Key)} })...)
	out = append(out, pair("occupation", "corridor.table.sdg_occupation", "corridor.table.cost_occupation", v.Occupation,
		func(x recruitment.Shown) dashCell { return dashCell{Text: occupationLabel(p, x.Key)} })...)
	if v.Filter.Year == 0 {
		out = append(out, pair("year", "corridor.table.sdg_year", "corridor.table.cost_year", v.Years,
			func(x recruitment.Shown) dashCell { return dashCell{Text: x.Key} })...)
	}
	items := dashTable{ID: "items", Title: p.T("corridor.table.items"), Head: []string{p.T("corridor.col.kind"),
		p.T("corridor.col.paid_reports"), p.T("corridor.col.share") + " (%)", p.T("corridor.col.mean_paid"), p.T("corridor.col.mean_per_report")}}
	for _, it := range v.Items {
		items.Rows = append(items.Rows, []dashCell{{Text: label(p, "fees.kind."+it.Kind, it.Kind)},
			count(it.Reports), share(it.Share), count(it.MeanPaid), count(it.MeanPerReport)})
	}
	out = append(out, items)
	rules := dashTable{ID: "rules", Title: p.T("corridor.table.rules"), Head: []string{p.T("corridor.col.rule"),
		p.T("corridor.col.reports"), p.T("corridor.col.share") + " (%)"}}
	for _, rl := range v.Rules {
		rules.Rows = append(rules.Rows, []dashCell{{Text: rl.RuleID, Note: ruleSummary(p, rl.RuleID)},
			count(rl.Reports), share(rl.Share)})
	}
	out = append(out, rules)
	agencies := pair("agency", "corridor.table.sdg_agency", "corridor.table.cost_agency", v.Agencies,
		func(x recruitment.Shown) dashCell {
			if x.Key == "" {
				return dashCell{Text: p.T("corridor.agency_unknown")}
			}
			name := names[x.Key]
			if name == "" {
				name = "#" + x.Key
			}
			return dashCell{Text: name, Href: "/agencies/" + x.Key}
		})
	if v.AgenciesHidden > 0 {
		for i := range agencies {
			agencies[i].Note = p.T("corridor.agencies_hidden", v.AgenciesHidden, v.MinCell)
		}
	}
	return append(out, agencies...)
}

// --- Charts -------------------------------------------------------------------

// barRow is one bar of a chart: its label, value and an optional mark.
type barRow struct {
	Label string
	Value recruitment.Value
	Mark  recruitment.Value // drawn as a tick (the fourth quintile)
	Text  string            // the value as written beside the bar
}

// svgBars draws a horizontal bar chart on the server: each label on its
// own line with its bar below. Text is in pixels and bar lengths in
// percent of the width, so the chart reads alike on a 360 px phone and a
// desktop. Colours are presentation attributes (the page's CSP allows no
// inline style).
func svgBars(id, title, hidden string, rows []barRow) template.HTML {
	const rowH, maxPct = 46.0, 78.0 // the rest of the width holds the value
	maxV := 0.0
	for _, r := range rows {
		if r.Value.OK && r.Value.V > maxV {
			maxV = r.Value.V
		}
		if r.Mark.OK && r.Mark.V > maxV {
			maxV = r.Mark.V
		}
	}
	if maxV <= 0 {
		maxV = 1
	}
	// A label of two parts ("Viet Nam → Japan · Technical intern
	// trainee…") takes two lines: SVG text does not wrap.
	lines := func(l string) []string {
		if a, b, ok := strings.Cut(l, " · "); ok {
			return []string{a, b}
		}
		return []string{l}
	}
	height := 6.0
	for _, r := range rows {
		height += rowH + 18*float64(len(lines(r.Label))-1)
	}
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-t" width="100%%" height="%.0f" font-family="system-ui, sans-serif" font-size="14">`,
		id, height)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, esc(title))
	y := 0.0
	for _, r := range rows {
		for _, l := range lines(r.Label) {
			fmt.Fprintf(&b, `<text x="0" y="%.0f" fill="#1b1b1b">%s</text>`, y+16, esc(truncateRunes(l, 48)))
			y += 18
		}
		y -= 18
		if !r.Value.OK {
			fmt.Fprintf(&b, `<text x="0" y="%.0f" fill="#4a4a4a" font-style="italic">%s</text>`, y+37, esc(hidden))
			y += rowH
			continue
		}
		w := r.Value.V / maxV * maxPct
		if w < 0.3 && r.Value.V > 0 {
			w = 0.3
		}
		end := w
		fmt.Fprintf(&b, `<rect x="0" y="%.0f" width="%.2f%%" height="16" fill="#0b4fa8"/>`, y+24, w)
		if r.Mark.OK {
			m := r.Mark.V / maxV * maxPct
			fmt.Fprintf(&b, `<line x1="%.2f%%" x2="%.2f%%" y1="%.0f" y2="%.0f" stroke="#1b1b1b" stroke-width="3"/>`, m, m, y+20, y+44)
			end = max(end, m)
		}
		fmt.Fprintf(&b, `<text x="%.2f%%" dx="6" y="%.0f" fill="#1b1b1b">%s</text>`, end, y+37, esc(r.Text))
		y += rowH
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// dashCharts draws the charts of the page, by the id of the table each
// goes with: SDG 10.7.1 by corridor (median, with the fourth quintile as a
// mark), the mean cost per report by kind of item, and the share of
// reports with a violation by rule.
func dashCharts(p *i18n.Printer, nf numFmt, v recruitment.View) map[string]template.HTML {
	hidden := p.T("corridor.chart.hidden")
	out := map[string]template.HTML{}
	if len(v.Corridors) > 0 {
		var rows []barRow
		for _, c := range v.Corridors {
			rows = append(rows, barRow{Label: corridorLabel(p, c.Key), Value: c.SDG.Median, Mark: c.SDG.Q4,
				Text: nf.dec(c.SDG.Median.V, 2)})
		}
		out["sdg-corridor"] = svgBars("chart-sdg", p.T("corridor.chart.sdg"), hidden, rows)
	}
	if len(v.Items) > 0 {
		var rows []barRow
		for _, it := range v.Items {
			rows = append(rows, barRow{Label: label(p, "fees.kind."+it.Kind, it.Kind), Value: it.MeanPerReport,
				Text: "¥" + nf.dec(it.MeanPerReport.V, 0)})
		}
		out["items"] = svgBars("chart-items", p.T("corridor.chart.items"), hidden, rows)
	}
	if len(v.Rules) > 0 {
		var rows []barRow
		for _, rl := range v.Rules {
			rows = append(rows, barRow{Label: rl.RuleID, Value: rl.Share, Text: nf.dec(rl.Share.V, 1) + " %"})
		}
		out["rules"] = svgBars("chart-rules", p.T("corridor.chart.rules")+" (%)", hidden, rows)
	}
	return out
}

// --- The page -------------------------------------------------------------------

type option struct {
	Value, Label string
	Selected     bool
}

type corridorPageData struct {
	Page
	Dash     dashboard
	Tables   []dashTable // Dash.Tables with their charts
	Origins  []option
	Programs []option
	Years    []option
	AsOf     string
	Reports  string
	Query    string // the filter, for the export links
	MinCell  int
	Empty    bool
}

func (s *Server) corridorPage(w http.ResponseWriter, r *http.Request) error {
	lang := s.language(w, r)
	pg := s.page(r, lang)
	f, _ := corridorFilter(r.URL.Query())
	d, err := s.buildDashboard(r, pg.P, lang, f)
	if err != nil {
		return err
	}
	nf := newNumFmt(lang)
	data := corridorPageData{Page: pg, Dash: d, MinCell: d.View.MinCell,
		Query: filterQuery(f).Encode(), Empty: d.Snap.Stats == nil}
	charts := dashCharts(pg.P, nf, d.View)
	for _, t := range d.Tables {
		t.Chart = charts[t.ID]
		data.Tables = append(data.Tables, t)
	}
	if !d.Snap.ComputedAt.IsZero() {
		data.AsOf = japanTime(d.Snap.ComputedAt)
	}
	data.Reports = nf.dec(float64(d.Snap.Reports), 0)
	data.Origins = append(data.Origins, option{"", pg.P.T("corridor.filter.all_origins"), f.Origin == ""})
	for _, o := range grievance.OriginCountries {
		data.Origins = append(data.Origins, option{o, countryName(pg.P, o), f.Origin == o})
	}
	data.Programs = append(data.Programs, option{"", pg.P.T("corridor.filter.all_programs"), f.Program == ""})
	for _, prog := range grievance.Programs {
		data.Programs = append(data.Programs, option{prog, pg.P.T("program." + prog), f.Program == prog})
	}
	data.Years = append(data.Years, option{"", pg.P.T("corridor.filter.all_years"), f.Year == 0})
	years := d.Snap.Years
	if f.Year != 0 && !containsInt(years, f.Year) {
		years = append(years, f.Year)
	}
	for _, y := range years {
		data.Years = append(data.Years, option{strconv.Itoa(y), strconv.Itoa(y), f.Year == y})
	}
	return s.render(w, http.StatusOK, "corridor", data)
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// exportName is the download's file name, from the filter.
func exportName(f recruitment.Filter, ext string) string {
	parts := []string{"remedy-corridor"}
	if f.Origin != "" {
		parts = append(parts, strings.ToLower(f.Origin))
	}
	if f.Program != "" {
		parts = append(parts, f.Program)
	}
	if f.Year != 0 {
		parts = append(parts, strconv.Itoa(f.Year))
	}
	return strings.Join(parts, "-") + "." + ext
}

// exportAbout is the first lines of an export: what it shows and how.
func exportAbout(p *i18n.Printer, d dashboard) [][2]string {
	asOf := ""
	if !d.Snap.ComputedAt.IsZero() {
		asOf = d.Snap.ComputedAt.UTC().Format(time.RFC3339)
	}
	return [][2]string{
		{p.T("corridor.title"), ""},
		{p.T("corridor.export.selection"), d.FilterText},
		{p.T("corridor.export.computed"), asOf},
		{p.T("corridor.export.min_cell"), strconv.Itoa(d.View.MinCell)},
		{hiddenMark, p.T("corridor.suppressed_note", d.View.MinCell)},
		{p.T("corridor.method"), p.T("corridor.method.text")},
	}
}

func (s *Server) exportDashboard(w http.ResponseWriter, r *http.Request) (dashboard, *i18n.Printer, error) {
	lang := s.language(w, r)
	p := s.cfg.Bundle.Printer(lang)
	f, _ := corridorFilter(r.URL.Query())
	d, err := s.buildDashboard(r, p, lang, f)
	return d, p, err
}

// corridorCSV: GET /corridor.csv, the page's tables one after the other,
// with a byte-order mark so that spreadsheets read UTF-8.
func (s *Server) corridorCSV(w http.ResponseWriter, r *http.Request) error {
	d, p, err := s.exportDashboard(w, r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writeDashboardCSV(&buf, exportAbout(p, d), d.Tables); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(d.Filter, "csv")+`"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// exportNumber is a number as exports write it: plain, with a dot.
func exportNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func writeDashboardCSV(w io.Writer, about [][2]string, tables []dashTable) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for _, a := range about {
		if err := cw.Write([]string{a[0], a[1]}); err != nil {
			return err
		}
	}
	for _, t := range tables {
		if err := cw.Write(nil); err != nil {
			return err
		}
		if err := cw.Write([]string{t.Title}); err != nil {
			return err
		}
		if err := cw.Write(t.Head); err != nil {
			return err
		}
		for _, row := range t.Rows {
			rec := make([]string, len(row))
			for i, c := range row {
				switch {
				case c.Hidden:
					rec[i] = hiddenMark
				case c.IsNum:
					rec[i] = exportNumber(c.Num)
				default:
					rec[i] = c.Text
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		if t.Note != "" {
			if err := cw.Write([]string{t.Note}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// corridorXLSX: GET /corridor.xlsx, one sheet per table after a sheet that
// says what the workbook shows.
func (s *Server) corridorXLSX(w http.ResponseWriter, r *http.Request) error {
	d, p, err := s.exportDashboard(w, r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writeDashboardXLSX(&buf, p.T("corridor.export.about"), exportAbout(p, d), d.Tables); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(d.Filter, "xlsx")+`"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// sheetName makes a valid, unique sheet name (at most 31 characters, none
// of : \ / ? * [ ]).
func sheetName(title string, n int, used map[string]bool) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]'`, r) {
			return ' '
		}
		return r
	}, title)
	name := truncateRunes(strconv.Itoa(n)+" "+strings.TrimSpace(clean), 31)
	for i := 2; used[name]; i++ {
		name = truncateRunes(strconv.Itoa(n)+"."+strconv.Itoa(i)+" "+clean, 31)
	}
	used[name] = true
	return name
}

func writeDashboardXLSX(w io.Writer, aboutName string, about [][2]string, tables []dashTable) error {
	f := excelize.NewFile()
	defer f.Close()
	used := map[string]bool{}
	first := sheetName(aboutName, 0, used)
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, a := range about {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(first, cell, &[]any{a[0], a[1]}); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(first, "A", "A", 30); err != nil {
		return err
	}
	if err := f.SetColWidth(first, "B", "B", 100); err != nil {
		return err
	}
	for n, t := range tables {
		name := sheetName(t.Title, n+1, used)
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := f.SetCellValue(name, "A1", t.Title); err != nil {
			return err
		}
		head := make([]any, len(t.Head))
		for i, h := range t.Head {
			head[i] = h
		}
		if err := f.SetSheetRow(name, "A3", &head); err != nil {
			return err
		}
		if err := f.SetRowStyle(name, 3, 3, bold); err != nil {
			return err
		}
		for i, row := range t.Rows {
			vals := make([]any, len(row))
			for j, c := range row {
				switch {
				case c.Hidden:
					vals[j] = hiddenMark
				case c.IsNum:
					vals[j] = c.Num
				default:
					vals[j] = c.Text
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+4)
			if err := f.SetSheetRow(name, cell, &vals); err != nil {
				return err
			}
		}
		if t.Note != "" {
			cell, _ := excelize.CoordinatesToCellName(1, len(t.Rows)+5)
			if err := f.SetCellValue(name, cell, t.Note); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(name, "A", "A", 45); err != nil {
			return err
		}
		if err := f.SetColWidth(name, "B", "F", 16); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// --- The API ---------------------------------------------------------------------

type apiStatsCorridor struct {
	Origin  string `json:"origin"`
	Program string `json:"program"`
	recruitment.Shown
}

type apiStatsAgency struct {
	AgencyID int64  `json:"agency_id"` // 0: not identified
	Name     string `json:"name"`
	recruitment.Shown
}

type apiStatsYear struct {
	Year int `json:"year"`
	recruitment.Shown
}

type apiStats struct {
	Filter         recruitment.Filter      `json:"filter"`
	MinCell        int                     `json:"min_cell"`
	ComputedAt     *string                 `json:"computed_at"`
	QuantileMethod string                  `json:"quantile_method"`
	Total          recruitment.Shown       `json:"total"`
	Corridors      []apiStatsCorridor      `json:"corridors"`
	Years          []apiStatsYear          `json:"years"`
	Sex            []recruitment.Shown     `json:"sex"`
	Occupation     []recruitment.Shown     `json:"occupation"`
	Agencies       []apiStatsAgency        `json:"agencies"`
	AgenciesHidden int                     `json:"agencies_hidden"`
	Items          []recruitment.ShownItem `json:"items"`
	Rules          []recruitment.ShownRule `json:"rules"`
}

// apiRecruitmentStats: GET /api/v1/stats/recruitment?origin=&program=&year=
// → the dashboard's figures, suppressed alike (null).
func (s *Server) apiRecruitmentStats(w http.ResponseWriter, r *http.Request) error {
	f, errs := corridorFilter(r.URL.Query())
	if len(errs) > 0 {
		return apperr.Validation(errs)
	}
	lang := apiLanguage(r)
	p := s.cfg.Bundle.Printer(lang)
	d, err := s.buildDashboard(r, p, lang, f)
	if err != nil {
		return err
	}
	v := d.View
	out := apiStats{Filter: f, MinCell: v.MinCell, QuantileMethod: "hyndman-fan-7", Total: v.Total,
		Corridors: []apiStatsCorridor{}, Years: []apiStatsYear{}, Sex: v.Sex, Occupation: v.Occupation,
		Agencies: []apiStatsAgency{}, AgenciesHidden: v.AgenciesHidden, Items: v.Items, Rules: v.Rules}
	if !d.Snap.ComputedAt.IsZero() {
		at := d.Snap.ComputedAt.UTC().Format(time.RFC3339)
		out.ComputedAt = &at
	}
	for _, c := range v.Corridors {
		o, prog := recruitment.SplitCorridorKey(c.Key)
		out.Corridors = append(out.Corridors, apiStatsCorridor{Origin: o, Program: prog, Shown: c})
	}
	for _, y := range v.Years {
		n, _ := strconv.Atoi(y.Key)
		out.Years = append(out.Years, apiStatsYear{Year: n, Shown: y})
	}
	for _, a := range v.Agencies {
		id, _ := strconv.ParseInt(a.Key, 10, 64)
		out.Agencies = append(out.Agencies, apiStatsAgency{AgencyID: id, Name: d.Names[a.Key], Shown: a})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
