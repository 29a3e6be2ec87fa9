package workplan_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"remedy/internal/workplan"
)

func hasField(t *testing.T, list []string, field string) bool {
	t.Helper()
	for _, f := range list {
		if f == field {
			return true
		}
	}
	return false
}

func TestActionValidate(t *testing.T) {
	a := workplan.Action{Code: "GM.1.a", AreaCode: "GM", Kind: workplan.ProposedKind, Status: workplan.Proposed, Lang: "en",
		Title: "  Title  ", Countries: []string{"vn, jp", "VN"}, Start: "2026-01-01", End: "2026-12-31",
		Lead: workplan.OrgRef{ID: 1}, Partners: []workplan.OrgRef{{ID: 2}, {ID: 1}, {ID: 2}, {ID: 3}}}
	if errs := a.Validate(); len(errs) != 0 {
		t.Fatalf("valid action: %v", errs)
	}
	if a.Title != "Title" || !reflect.DeepEqual(a.Countries, []string{"JP", "VN"}) {
		t.Errorf("normalised %q %v", a.Title, a.Countries)
	}
	if got := a.PartnerIDs(); !reflect.DeepEqual(got, []int64{2, 3}) {
		t.Errorf("partners %v: the lead and repeats are dropped", got)
	}
	bad := workplan.Action{Code: "bad code", Kind: "x", Status: "x", Lang: "xx", Title: "", Countries: []string{"Japan"},
		Start: "2026-02-30", End: "2025-01-01", Description: strings.Repeat("a", workplan.MaxText+1)}
	var got []string
	for _, fe := range bad.Validate() {
		got = append(got, fe.Field)
	}
	for _, f := range []string{"code", "area", "kind", "status", "lang", "title", "countries", "start", "description"} {
		if !hasField(t, got, f) {
			t.Errorf("invalid action: no error on %s (%v)", f, got)
		}
	}
	order := workplan.Action{Code: "a", AreaID: 1, Kind: workplan.Existing, Status: workplan.Done, Lang: "km", Title: "t", Start: "2026-05-01", End: "2026-04-01"}
	if errs := order.Validate(); len(errs) != 1 || errs[0].Field != "end" {
		t.Errorf("end before start: %v", errs)
	}
	ctl := workplan.Action{Code: "a", AreaID: 1, Kind: workplan.Existing, Status: workplan.Done, Lang: "km", Title: "t\x07"}
	if errs := ctl.Validate(); len(errs) != 1 || errs[0].Key != "error.invalid_text" {
		t.Errorf("control character: %v", errs)
	}
}

func TestProgressAndValueDates(t *testing.T) {
	p := workplan.Progress{Date: "2026-11-03", Lang: "vi", Text: "x"}
	if errs := p.Validate("2026-11-02"); len(errs) != 1 || errs[0].Key != "error.future_date" {
		t.Errorf("future progress: %v", errs)
	}
	p.Date = "2026-11-02"
	if errs := p.Validate("2026-11-02"); len(errs) != 0 {
		t.Errorf("today's progress: %v", errs)
	}
	v := workplan.Value{Value: 3, AsOf: "2026-01-01", Source: ""}
	if errs := v.Validate("2026-11-02"); len(errs) != 1 || errs[0].Field != "source" {
		t.Errorf("value without source: %v", errs)
	}
}

func TestMeasures(t *testing.T) {
	m, _ := workplan.MeasureByID("median_days_to_remedy")
	day := 24 * time.Hour
	c := m.Compute(workplan.Inputs{Durations: []time.Duration{10 * day, 2 * day, 4 * day, 30 * day, 6 * day}}, "2026-11-02")
	if !c.Available || c.Suppressed || c.Value != 6 || c.N != 5 || !c.Live {
		t.Errorf("median of 5: %+v", c)
	}
	c = m.Compute(workplan.Inputs{Durations: []time.Duration{10 * day, 2 * day, 4 * day, 30 * day, 6 * day, 12 * day}}, "")
	if c.Value != 8 {
		t.Errorf("median of 6: %v", c.Value)
	}
	c = m.Compute(workplan.Inputs{Durations: []time.Duration{day, day}}, "")
	if !c.Suppressed || c.Value != 0 {
		t.Errorf("two cases must be suppressed: %+v", c)
	}
	if c := m.Compute(workplan.Inputs{}, ""); c.Available {
		t.Errorf("no cases: %+v", c)
	}
	share, _ := workplan.MeasureByID("ack_on_time_share")
	if c := share.Compute(workplan.Inputs{OnTime: 2, Due: 3}, ""); !c.Suppressed {
		t.Errorf("3 cases: %+v", c)
	}
	if c := share.Compute(workplan.Inputs{OnTime: 5, Due: 6}, ""); c.Value != 83.3 {
		t.Errorf("share 5/6: %v", c.Value)
	}
	count, _ := workplan.MeasureByID("grievances_filed")
	if c := count.Compute(workplan.Inputs{Count: 0}, ""); !c.Available || c.Suppressed || c.Value != 0 {
		t.Errorf("zero count is shown: %+v", c)
	}
	sdg, _ := workplan.MeasureByID("sdg_10_7_1")
	if c := sdg.Compute(workplan.Inputs{Count: 99}, ""); !c.Pending || c.Available {
		t.Errorf("SDG 10.7.1 is pending: %+v", c)
	}
}

func TestIndicatorValidate(t *testing.T) {
	ind := workplan.Indicator{Code: "i", OutcomeID: 1, Lang: "en", Name: "n", Kind: workplan.Computed, Measure: "grievances_filed",
		Params: "origin_country=KH language=km"}
	if errs := ind.Validate(); len(errs) != 0 {
		t.Fatalf("valid: %v", errs)
	}
	if ind.Params != "language=km origin_country=KH" || ind.Unit != workplan.UnitCount {
		t.Errorf("canonical params %q unit %q", ind.Params, ind.Unit)
	}
	if q := workplan.Query(ind.Params); q.Language != "km" || q.OriginCountry != "KH" || !q.Since.IsZero() {
		t.Errorf("query %+v", q)
	}
	for _, params := range []string{"corridor=VN-JP", "language=xx", "since=2026-13-01", "nonsense=1"} {
		bad := ind
		bad.Params = params
		if errs := bad.Validate(); len(errs) == 0 {
			t.Errorf("params %q accepted", params)
		}
	}
	both := workplan.Indicator{Code: "i", OutcomeID: 1, ActionID: 2, Lang: "en", Name: "n", Kind: workplan.Manual}
	if errs := both.Validate(); len(errs) != 1 || errs[0].Field != "owner" {
		t.Errorf("two owners: %v", errs)
	}
}

func TestCurrentManualTakesTheLatest(t *testing.T) {
	c := workplan.CurrentManual([]workplan.Value{
		{ID: 1, Value: 10, AsOf: "2025-01-01", Source: "a"},
		{ID: 3, Value: 30, AsOf: "2025-06-01", Source: "c"},
		{ID: 2, Value: 20, AsOf: "2025-06-01", Source: "b"},
	})
	if c.Value != 30 || c.Source != "c" || c.AsOf != "2025-06-01" {
		t.Errorf("current %+v", c)
	}
}

func TestLocalize(t *testing.T) {
	tr := []workplan.Translation{{Lang: "km", Title: "ចំណងជើង", Body: "អត្ថបទ"}}
	if l := workplan.Localize("km", "en", "Title", "Body", tr); !l.Translated || l.Lang != "km" || l.Title != "ចំណងជើង" {
		t.Errorf("km: %+v", l)
	}
	if l := workplan.Localize("ja", "en", "Title", "Body", tr); l.Translated || l.Lang != "en" || l.Title != "Title" {
		t.Errorf("ja without translation: %+v", l)
	}
}

func TestDiffAction(t *testing.T) {
	a := workplan.Action{Title: "A", Status: workplan.Proposed, Partners: []workplan.OrgRef{{Name: "X"}}}
	b := a
	b.Status, b.Partners = workplan.Agreed, []workplan.OrgRef{{Name: "X"}, {Name: "Y"}}
	d := workplan.DiffAction(a, b)
	if workplan.FieldNames(d) != "status,partners" || d[0].From != "proposed" || d[0].To != "agreed" {
		t.Errorf("diff %+v", d)
	}
	if len(workplan.DiffAction(a, a)) != 0 {
		t.Error("no change, yet a diff")
	}
}

func TestContacts(t *testing.T) {
	cs, errs := workplan.ParseContacts("website https://example.org/a\n\nEMAIL info@example.org\r\nphone +81 3-0000-0000")
	if len(errs) != 0 || len(cs) != 3 || cs[1].Kind != workplan.ContactEmail {
		t.Fatalf("%v %v", cs, errs)
	}
	if cs[2].Href() != "tel:+81300000000" || cs[0].Href() != "https://example.org/a" {
		t.Errorf("hrefs %q %q", cs[2].Href(), cs[0].Href())
	}
	if workplan.FormatContacts(cs) != "website https://example.org/a\nemail info@example.org\nphone +81 3-0000-0000" {
		t.Errorf("format %q", workplan.FormatContacts(cs))
	}
	for _, bad := range []string{"website javascript:alert(1)", "email not-an-address", "fax 123", "website"} {
		if _, errs := workplan.ParseContacts(bad); len(errs) == 0 {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFileType(t *testing.T) {
	cases := []struct {
		sniffed, name string
		entries       []string
		want          string
	}{
		{"application/pdf", "a.pdf", nil, workplan.TypePDF},
		{"image/png", "x", nil, workplan.TypePNG},
		{"image/jpeg", "a.jpg", nil, workplan.TypeJPEG},
		{"text/plain; charset=utf-8", "notes.txt", nil, workplan.TypeText},
		{"text/plain; charset=utf-8", "page.html", nil, ""},
		{"text/html; charset=utf-8", "page.txt", nil, ""},
		{"application/zip", "a.docx", []string{"[Content_Types].xml", "word/document.xml"}, workplan.TypeDOCX},
		{"application/zip", "a.xlsx", []string{"[Content_Types].xml", "xl/workbook.xml"}, workplan.TypeXLSX},
		{"application/zip", "a.docx", []string{"[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"}, ""},
		{"application/zip", "a.docx", []string{"evil.exe"}, ""},
		{"application/zip", "a.zip", []string{"[Content_Types].xml", "word/document.xml"}, ""},
		{"application/octet-stream", "a.exe", nil, ""},
		{"image/gif", "a.gif", nil, ""},
	}
	for _, c := range cases {
		got, ok := workplan.FileType(c.sniffed, c.name, c.entries)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("FileType(%q, %q) = %q, %v; want %q", c.sniffed, c.name, got, ok, c.want)
		}
	}
	if n := workplan.SafeFileName(`..\..\a"b;c.pdf`); n != "abc.pdf" {
		t.Errorf("SafeFileName = %q", n)
	}
}

// tricky is a plan whose texts try every way a table can lose them.
func tricky() *workplan.Plan {
	f := func(v float64) *float64 { return &v }
	return &workplan.Plan{
		Areas: []workplan.Area{{Code: "A", Position: 2, Lang: "km", Title: "=HYPERLINK(\"x\")", Description: "line one\nline \"two\", with comma"}},
		Outcomes: []workplan.Outcome{{Code: "A.1", AreaCode: "A", Position: 1, Lang: "en", Title: "-starts with a dash"},
			{Code: "A.2", AreaCode: "A", Lang: "ja", Title: "'quoted"}},
		Actions: []workplan.Action{{Code: "A.1.x", AreaCode: "A", OutcomeCode: "A.1", Kind: workplan.ProposedKind, Status: workplan.Stalled,
			Lang: "vi", Title: "@mention", Description: "+plus", Lead: workplan.OrgRef{Name: "Org, with comma"},
			Partners: []workplan.OrgRef{{Name: "B org"}, {Name: "A org"}}, Countries: []string{"JP", "VN"}, Start: "2026-01-01", Example: true}},
		Indicators: []workplan.Indicator{{Code: "I", OutcomeCode: "A.1", Lang: "en", Name: "n", Kind: workplan.Manual, Unit: "%",
			Baseline: f(-0.1), Target: f(1e21), TargetDate: "2030-01-01"}},
		Values:       []workplan.Value{{UID: "value-0001", IndicatorCode: "I", Value: 0.30000000000000004, AsOf: "2026-01-01", Source: "\tsource"}},
		Progress:     []workplan.Progress{{UID: "progress-0001", ActionCode: "A.1.x", Date: "2026-02-01", Org: workplan.OrgRef{Name: "A org"}, Lang: "my", Text: "မြန်မာ"}},
		Translations: []workplan.Translation{{Entity: workplan.EntityArea, Code: "A", Lang: "ja", Title: "分野", Body: ""}},
	}
}

func TestSheetsRoundTrip(t *testing.T) {
	p := tricky()
	sheets := p.Sheets()
	// Through the single-table (CSV) form and back.
	rows := workplan.Combine(sheets)
	back, errs := workplan.Split(rows)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	q, errs := workplan.PlanFromSheets(back)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got, want := q.Sheets(), p.Sheets(); !reflect.DeepEqual(stripLines(got), stripLines(want)) {
		t.Errorf("round trip differs:\n got %v\nwant %v", got, want)
	}
	known := workplan.Known{Organizations: map[string]bool{"Org, with comma": true, "A org": true, "B org": true}}
	if errs := q.Validate("2026-11-02", known); len(errs) != 0 {
		t.Errorf("validate: %+v", errs)
	}
}

func stripLines(s []workplan.Sheet) []workplan.Sheet {
	out := append([]workplan.Sheet(nil), s...)
	for i := range out {
		out[i].Lines = nil
	}
	return out
}

func TestPlanValidateReportsLines(t *testing.T) {
	p := tricky()
	p.Actions = append(p.Actions, p.Actions[0])
	p.Actions[1].Lead.Name = "Nobody"
	p.Values[0].IndicatorCode = "missing"
	sheets := p.Sheets()
	q, errs := workplan.PlanFromSheets(sheets)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := map[string]bool{}
	for _, e := range q.Validate("2026-11-02", workplan.Known{Organizations: map[string]bool{"Org, with comma": true, "A org": true, "B org": true}}) {
		got[e.Sheet+":"+e.Column+":"+e.Key] = true
		if e.Line < 2 {
			t.Errorf("error without a line: %+v", e)
		}
	}
	for _, want := range []string{"actions:code:plan.error.duplicate", "actions:lead:plan.error.unknown_ref", "values:indicator:plan.error.unknown_ref"} {
		if !got[want] {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	// A bad header.
	sheets[1].Header = append(sheets[1].Header[:0:0], "code", "nonsense")
	if _, errs := workplan.PlanFromSheets(sheets); len(errs) == 0 {
		t.Error("a sheet with an unknown column and missing ones was read")
	}
}
