package stats_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"remedy/internal/stats"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestQuantile checks the interpolation rule on examples worked by hand:
// h = (n−1)·p, Q = x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1]−x[⌊h⌋]).
func TestQuantile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		p      float64
		want   float64
	}{
		{"one value median", []float64{10}, 0.5, 10},
		{"one value p90", []float64{10}, 0.9, 10},
		{"odd median is the middle", []float64{1, 2, 3, 4, 5}, 0.5, 3},
		{"odd p90: h=3.6, 4+0.6·1", []float64{1, 2, 3, 4, 5}, 0.9, 4.6},
		{"even median is the mean of the middle two", []float64{1, 2, 3, 4}, 0.5, 2.5},
		{"even p90: h=2.7, 3+0.7·1", []float64{1, 2, 3, 4}, 0.9, 3.7},
		{"ten values median: h=4.5, (7+9)/2", []float64{2, 4, 4, 5, 7, 9, 10, 12, 15, 30}, 0.5, 8},
		{"ten values p90: h=8.1, 15+0.1·15", []float64{2, 4, 4, 5, 7, 9, 10, 12, 15, 30}, 0.9, 16.5},
		{"p=0 is the minimum", []float64{3, 8, 9}, 0, 3},
		{"p=1 is the maximum", []float64{3, 8, 9}, 1, 9},
		{"p above 1 is the maximum", []float64{3, 8, 9}, 1.5, 9},
		{"ties", []float64{5, 5, 5, 5, 5}, 0.9, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stats.Quantile(tt.sorted, tt.p); !near(got, tt.want) {
				t.Errorf("Quantile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
	if got := stats.Quantile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Quantile(nil) = %v, want NaN", got)
	}
	if got := stats.Median([]float64{1, 3}); got != 2 {
		t.Errorf("Median([1 3]) = %v, want 2", got)
	}
}

// TestSmallCells checks suppression at 4 (withheld) and 5 (published).
func TestSmallCells(t *testing.T) {
	tests := []struct {
		n        int
		suppress bool
	}{{0, true}, {1, true}, {4, true}, {5, false}, {6, false}}
	for _, tt := range tests {
		hours := make([]float64, tt.n)
		for i := range hours {
			hours[i] = float64(tt.n - i) // unsorted on purpose
		}
		d := stats.SummarizeHours(hours)
		if d.Suppressed != tt.suppress {
			t.Errorf("SummarizeHours(%d values).Suppressed = %v, want %v", tt.n, d.Suppressed, tt.suppress)
		}
		if !tt.suppress && (d.N != tt.n || !near(d.Median, stats.Median([]float64{1, 2, 3, 4, 5, 6}[:tt.n]))) {
			t.Errorf("SummarizeHours(%d values) = %+v", tt.n, d)
		}
		if tt.suppress && (d.Median != 0 || d.P90 != 0) {
			t.Errorf("SummarizeHours(%d values) leaks figures: %+v", tt.n, d)
		}
		s := stats.NewShare(1, tt.n)
		if s.Suppressed != tt.suppress {
			t.Errorf("NewShare(1, %d).Suppressed = %v, want %v", tt.n, s.Suppressed, tt.suppress)
		}
		if tt.suppress && (s.Count != 0 || s.Of != 0 || s.Value != 0) {
			t.Errorf("NewShare(1, %d) leaks figures: %+v", tt.n, s)
		}
		if c := stats.NewCount(tt.n); c.Suppressed != tt.suppress {
			t.Errorf("NewCount(%d).Suppressed = %v", tt.n, c.Suppressed)
		}
	}
	if s := stats.NewShare(1, 5); !near(s.Value, 0.2) {
		t.Errorf("NewShare(1, 5).Value = %v, want 0.2", s.Value)
	}
}

func TestJSONWithholdsSmallCells(t *testing.T) {
	b, _ := json.Marshal(map[string]any{
		"d4": stats.SummarizeHours([]float64{1, 2, 3, 4}),
		"d5": stats.SummarizeHours([]float64{1, 2, 3, 4, 5}),
		"s4": stats.NewShare(1, 4),
		"s5": stats.NewShare(1, 5),
		"c4": stats.NewCount(4),
		"c5": stats.NewCount(5),
	})
	want := `{"c4":null,"c5":5,` +
		`"d4":{"median_hours":null,"n":null,"p90_hours":null,"suppressed":true},` +
		`"d5":{"median_hours":3,"n":5,"p90_hours":4.6,"suppressed":false},` +
		`"s4":{"count":null,"of":null,"share":null,"suppressed":true},` +
		`"s5":{"count":1,"of":5,"share":0.2,"suppressed":false}}`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
}

// TestReport builds a report from a hand-checked example: six cases (five
// in Vietnamese, one in Indonesian) and six referrals (five to org A).
func TestReport(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	now := t0.Add(30 * 24 * time.Hour)
	h := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	cases := []stats.Case{
		// Acknowledged after 1, 2, 3, 4, 10 h (vi) and 48 h (id).
		{Groups: []string{"vi"}, Received: t0, Acknowledged: h(1), FirstResponse: h(20), Open: true, Stage: "acknowledge", Deadline: past,
			RemedyTypes: []string{"restitution", "restitution"}, Satisfaction: 5},
		{Groups: []string{"vi"}, Received: t0, Acknowledged: h(2), FirstResponse: h(30), Open: true, Stage: "acknowledge", Deadline: past,
			RemedyTypes: []string{"restitution", "compensation"}, Satisfaction: 4, Retaliation: true},
		{Groups: []string{"vi"}, Received: t0, Acknowledged: h(3), FirstResponse: h(40), Open: true, Stage: "acknowledge", Deadline: future, OverdueFlag: true,
			Satisfaction: 4},
		{Groups: []string{"vi"}, Received: t0, Acknowledged: h(4), Open: true, Stage: "acknowledge", Deadline: future, Satisfaction: 2},
		{Groups: []string{"vi", "vi"}, Received: t0, Acknowledged: h(10), Open: true, Stage: "acknowledge", Deadline: future},
		{Groups: []string{"id"}, Received: t0, Acknowledged: h(48), Open: false, Stage: "acknowledge", Deadline: past, Satisfaction: 1,
			RemedyImplemented: h(100)},
	}
	refs := []stats.Referral{
		{Org: "A", SentAt: t0, AcknowledgeBy: h(120), Acknowledged: h(24)},
		{Org: "A", SentAt: t0, AcknowledgeBy: h(120), Acknowledged: h(48)},
		{Org: "A", SentAt: t0, AcknowledgeBy: h(120), Acknowledged: h(72)},
		{Org: "A", SentAt: t0, AcknowledgeBy: h(120), Acknowledged: h(130)}, // late
		{Org: "A", SentAt: t0, AcknowledgeBy: h(120)},                       // never, and past due
		{Org: "B", SentAt: t0, AcknowledgeBy: h(120), Acknowledged: h(10)},
	}
	b := stats.NewBuilder(now)
	for _, c := range cases {
		b.AddCase(c)
	}
	for _, r := range refs {
		b.AddReferral(r)
	}
	rep := b.Report()

	tot := rep.Total
	if tot.Cases.N != 6 || tot.Cases.Suppressed {
		t.Errorf("total cases = %+v, want 6", tot.Cases)
	}
	// [1 2 3 4 10 48]: median h=2.5 → 3.5; p90 h=4.5 → 10+0.5·38 = 29.
	if a := tot.Acknowledge; a.Suppressed || a.N != 6 || !near(a.Median, 3.5) || !near(a.P90, 29) {
		t.Errorf("total time to acknowledge = %+v, want n=6 median 3.5 p90 29", a)
	}
	if !tot.FirstResponse.Suppressed || tot.FirstResponse.N != 3 {
		t.Errorf("first response from 3 cases must be withheld: %+v", tot.FirstResponse)
	}
	if !tot.Remedy.Suppressed {
		t.Errorf("time to remedy from 1 case must be withheld: %+v", tot.Remedy)
	}
	shares := map[string]stats.Share{}
	for _, ts := range tot.RemedyTypes {
		shares[ts.Type] = ts.Share
	}
	if s := shares["restitution"]; s.Count != 2 || s.Of != 6 {
		t.Errorf("restitution share = %+v, want 2 of 6 (a case counts once)", s)
	}
	if s := shares["compensation"]; s.Count != 1 || s.Of != 6 {
		t.Errorf("compensation share = %+v, want 1 of 6", s)
	}
	if len(tot.RemedyTypes) != len(stats.RemedyTypes) {
		t.Errorf("remedy types = %d, want every type", len(tot.RemedyTypes))
	}
	// Open at the acknowledge stage: 5 (the closed one is not counted);
	// overdue: 2 past their deadline and 1 flagged.
	for _, st := range tot.Overdue {
		switch st.Stage {
		case "acknowledge":
			if st.Share.Count != 3 || st.Share.Of != 5 || !near(st.Share.Value, 0.6) {
				t.Errorf("overdue at acknowledge = %+v, want 3 of 5", st.Share)
			}
		default:
			if !st.Share.Suppressed {
				t.Errorf("overdue at %s from no case must be withheld: %+v", st.Stage, st.Share)
			}
		}
	}
	// Ratings 5 4 4 2 1: mean 3.2; one of five reported retaliation.
	sat := tot.Satisfaction
	if sat.Suppressed || sat.N != 5 || !near(sat.Mean, 3.2) {
		t.Errorf("satisfaction = %+v, want n=5 mean 3.2", sat)
	}
	wantDist := []float64{0.2, 0.2, 0, 0.4, 0.2}
	for i, w := range wantDist {
		if !near(sat.Distribution[i].Value, w) {
			t.Errorf("share of rating %d = %v, want %v", i+1, sat.Distribution[i].Value, w)
		}
	}
	if r := sat.Retaliation; r.Count != 1 || r.Of != 5 {
		t.Errorf("retaliation = %+v, want 1 of 5", r)
	}

	if len(rep.Groups) != 2 || rep.Groups[0].Key != "id" || rep.Groups[1].Key != "vi" {
		t.Fatalf("groups = %+v, want id and vi", rep.Groups)
	}
	id, vi := rep.Groups[0], rep.Groups[1]
	if !id.Cases.Suppressed || !id.Acknowledge.Suppressed || !id.Satisfaction.Suppressed {
		t.Errorf("a group of one case must be withheld: %+v", id)
	}
	// vi counts the case listed twice in its groups once: 5 cases,
	// [1 2 3 4 10]: median 3; p90 h=3.6 → 4+0.6·6 = 7.6.
	if vi.Cases.N != 5 || vi.Cases.Suppressed {
		t.Errorf("vi cases = %+v, want 5", vi.Cases)
	}
	if a := vi.Acknowledge; a.Suppressed || !near(a.Median, 3) || !near(a.P90, 7.6) {
		t.Errorf("vi time to acknowledge = %+v, want median 3 p90 7.6", a)
	}
	if !vi.Satisfaction.Suppressed || !vi.Satisfaction.Retaliation.Suppressed {
		t.Errorf("vi satisfaction from 4 ratings must be withheld: %+v", vi.Satisfaction)
	}

	// Referrals: A acknowledged 4 of 5 (withheld times), 2 of 5 late.
	if len(rep.Referrals) != 2 {
		t.Fatalf("referral groups = %+v", rep.Referrals)
	}
	a := rep.Referrals[0]
	if a.Key != "A" || a.Referrals.N != 5 || !a.Acknowledge.Suppressed || a.Acknowledge.N != 4 {
		t.Errorf("org A = %+v, want 5 referrals, times withheld (4 acknowledged)", a)
	}
	if a.Overdue.Count != 2 || a.Overdue.Of != 5 {
		t.Errorf("org A overdue = %+v, want 2 of 5", a.Overdue)
	}
	if bb := rep.Referrals[1]; !bb.Referrals.Suppressed || !bb.Overdue.Suppressed {
		t.Errorf("org B with one referral must be withheld: %+v", bb)
	}
	// All referrals: [10 24 48 72 130] → median 48, p90 h=3.6 → 72+0.6·58 = 106.8.
	all := rep.ReferralsTotal
	if all.Acknowledge.Suppressed || !near(all.Acknowledge.Median, 48) || !near(all.Acknowledge.P90, 106.8) {
		t.Errorf("all referrals = %+v, want median 48 p90 106.8", all.Acknowledge)
	}
	if all.Overdue.Count != 2 || all.Overdue.Of != 6 {
		t.Errorf("all referrals overdue = %+v, want 2 of 6", all.Overdue)
	}

	// The JSON never carries a withheld figure.
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Groups []struct {
			Key   string `json:"key"`
			Cases *int   `json:"cases"`
			Ack   struct {
				N      *int     `json:"n"`
				Median *float64 `json:"median_hours"`
			} `json:"time_to_acknowledge"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if g := doc.Groups[0]; g.Key != "id" || g.Cases != nil || g.Ack.N != nil || g.Ack.Median != nil {
		t.Errorf("JSON of a withheld group carries figures: %s", raw)
	}
	if g := doc.Groups[1]; g.Cases == nil || *g.Cases != 5 || g.Ack.Median == nil || *g.Ack.Median != 3 {
		t.Errorf("JSON of the vi group: %s", raw)
	}
}

func TestDimensions(t *testing.T) {
	for _, by := range []string{"", "category", "origin", "program", "language", "organization"} {
		if !stats.IsDimension(by) {
			t.Errorf("IsDimension(%q) = false", by)
		}
	}
	for _, by := range []string{"name", "narrative", "Category"} {
		if stats.IsDimension(by) {
			t.Errorf("IsDimension(%q) = true", by)
		}
	}
}

func TestChartSVG(t *testing.T) {
	c := stats.Chart{ID: "ack", Title: `Time to "acknowledge" <median>`, Bars: []stats.Bar{
		{Label: "Tiếng Việt", Value: 10, Mark: 20, Text: "10 h"},
		{Label: "Bahasa <Indonesia>", Value: 5, Text: "5 h"},
		{Label: "ភាសាខ្មែរ", Suppressed: true, Text: "fewer than 5"},
	}}
	svg := c.SVG()
	// Well-formed XML.
	dec := xml.NewDecoder(strings.NewReader(svg))
	rects, texts := 0, 0
	var widths []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "rect":
				rects++
				for _, a := range se.Attr {
					if a.Name.Local == "width" {
						widths = append(widths, a.Value)
					}
				}
			case "text":
				texts++
			case "script", "style", "foreignObject":
				t.Errorf("chart has a <%s>", se.Name.Local)
			}
			for _, a := range se.Attr {
				if a.Name.Local == "style" || strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("chart has attribute %s", a.Name.Local)
				}
			}
		}
	}
	if rects != 2 {
		t.Errorf("rects = %d, want 2 (the withheld bar has none)", rects)
	}
	// The largest value or mark (20) takes the whole width (470): 10 → 235, 5 → 117.5.
	if len(widths) != 2 || widths[0] != "235.0" || widths[1] != "117.5" {
		t.Errorf("bar widths = %v, want [235.0 117.5]", widths)
	}
	if texts != 6 {
		t.Errorf("texts = %d, want a label and a value per bar", texts)
	}
	for _, want := range []string{"Bahasa &lt;Indonesia&gt;", "&lt;median&gt;", "fewer than 5", `role="img"`, `aria-labelledby="ack-t"`, "Tiếng Việt"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "<Indonesia>") {
		t.Error("label not escaped")
	}
	if empty := (stats.Chart{ID: "e", Title: "none"}).SVG(); !strings.HasPrefix(empty, "<svg") {
		t.Errorf("empty chart: %s", empty)
	}
}
