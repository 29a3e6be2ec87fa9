package web_test

// Tests of the effectiveness page and API (GET /staff/stats, GET
// /api/v1/stats/effectiveness). Every top-level name starts with "sx".

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// sxWorld: six cases filed at the same moment, five in Vietnamese and one
// in Indonesian; the Vietnamese ones acknowledged after 1, 2, 3, 4 and 5
// hours. Median 3 h; 90th percentile h = 4·0.9 = 3.6 → 4 + 0.6·1 = 4.6 h.
type sxWorld struct {
	s          *stack.Stack
	mech, emp  org.Organization
	viewer     *stack.StaffUser // a caseworker of the mechanism, signed in last
	responder  *stack.StaffUser // a responder of the mechanism
	empStaff   *stack.StaffUser
	refs       []string
	receivedAt time.Time
}

func sxSetup(t *testing.T, engine string) *sxWorld {
	t.Helper()
	s := stack.New(t, engine)
	w := &sxWorld{s: s, receivedAt: s.Clock.Now()}
	w.mech = s.NewOrg(t, org.Mechanism, "JP")
	w.emp = s.NewOrg(t, org.Employer, "JP")
	for i := range 6 {
		sub := grievance.Submission{Language: "vi", OriginCountry: "VN", Program: "technical_intern",
			Categories: []string{"wages.unpaid"}, Narrative: "Nobody pays me; my name is Pham Thi Lan."}
		if i == 5 {
			sub.Language, sub.OriginCountry, sub.Categories = "id", "ID", []string{"housing.charges"}
		}
		r, err := s.Intake.Submit(t.Context(), sub, "")
		if err != nil {
			t.Fatal(err)
		}
		w.refs = append(w.refs, r.Reference)
	}
	for i := range 5 {
		s.Clock.Advance(time.Hour)
		cw := s.NewStaff(t, w.mech, org.Caseworker)
		if st, _, body := ixDo(t, s, cw, http.MethodPost, "/api/v1/cases/"+w.refs[i]+"/transitions", map[string]string{"to": "acknowledged"}); st != http.StatusOK {
			t.Fatalf("acknowledge %d: %d %s", i, st, body)
		}
	}
	w.viewer = s.NewStaff(t, w.mech, org.Caseworker)
	w.responder = s.NewStaff(t, w.mech, org.Responder)
	w.empStaff = s.NewStaff(t, w.emp, org.Admin)
	return w
}

// sxReport is the part of GET /api/v1/stats/effectiveness the tests read.
type sxReport struct {
	From, To, By string
	MinCell      int `json:"min_cell"`
	Total        sxGroup
	Groups       []sxGroup
}

type sxGroup struct {
	Key   string
	Label string
	Cases *int
	Ack   struct {
		N      *int     `json:"n"`
		Median *float64 `json:"median_hours"`
		P90    *float64 `json:"p90_hours"`
		Supp   bool     `json:"suppressed"`
	} `json:"time_to_acknowledge"`
	Overdue []struct {
		Stage string
		Share struct {
			Count *int
			Of    *int
			Share *float64
		}
	} `json:"overdue_by_stage"`
}

func sxGet(t *testing.T, w *sxWorld, query string) sxReport {
	t.Helper()
	st, _, body := ixDo(t, w.s, w.viewer, http.MethodGet, "/api/v1/stats/effectiveness"+query, nil)
	if st != http.StatusOK {
		t.Fatalf("GET /api/v1/stats/effectiveness%s: %d %s", query, st, body)
	}
	var r sxReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func sxNear(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-6 }

func TestEffectivenessAPI(t *testing.T) {
	ixEachEngine(t, func(t *testing.T, engine string) {
		w := sxSetup(t, engine)
		r := sxGet(t, w, "")
		if r.MinCell != 5 || r.By != "" {
			t.Errorf("min_cell %d, by %q", r.MinCell, r.By)
		}
		// The default period is the year up to today in Japan.
		today := w.s.Clock.Now().In(grievance.Japan).Format(time.DateOnly)
		if r.To != today || r.From != w.s.Clock.Now().In(grievance.Japan).AddDate(0, 0, -364).Format(time.DateOnly) {
			t.Errorf("period %s – %s, want a year to %s", r.From, r.To, today)
		}
		if r.Total.Cases == nil || *r.Total.Cases != 6 {
			t.Errorf("cases = %v, want 6", r.Total.Cases)
		}
		a := r.Total.Ack
		if a.Supp || a.N == nil || *a.N != 5 || !sxNear(a.Median, 3) || !sxNear(a.P90, 4.6) {
			t.Errorf("time to acknowledge = %+v, want n=5 median 3 p90 4.6", a)
		}
		for _, st := range r.Total.Overdue {
			switch st.Stage {
			case "first_response": // the five acknowledged cases, none late
				if st.Share.Of == nil || *st.Share.Of != 5 || *st.Share.Count != 0 {
					t.Errorf("overdue at first response = %+v", st.Share)
				}
			default:
				if st.Share.Of != nil || st.Share.Share != nil {
					t.Errorf("overdue at %s rests on fewer than 5 cases and is published: %+v", st.Stage, st.Share)
				}
			}
		}

		// By language: Vietnamese (5 cases) is published, Indonesian (1) is not.
		r = sxGet(t, w, "?by=language")
		if len(r.Groups) != 2 || r.Groups[0].Key != "vi" || r.Groups[1].Key != "id" {
			t.Fatalf("groups = %+v", r.Groups)
		}
		vi, id := r.Groups[0], r.Groups[1]
		if vi.Label != "Tiếng Việt" || vi.Cases == nil || *vi.Cases != 5 || !sxNear(vi.Ack.Median, 3) {
			t.Errorf("vi = %+v", vi)
		}
		if id.Cases != nil || id.Ack.N != nil || id.Ack.Median != nil || !id.Ack.Supp {
			t.Errorf("a group of one case is published: %+v", id)
		}

		// A period without cases publishes nothing.
		r = sxGet(t, w, "?from=2026-11-03&to=2026-11-30")
		if r.Total.Cases != nil || r.Total.Ack.Median != nil {
			t.Errorf("empty period: %+v", r.Total)
		}

		// Wrong input is refused with the field named.
		for _, tt := range []struct{ query, field string }{
			{"?from=2026-12-01&to=2026-11-01", "from"}, {"?by=name", "by"}, {"?from=yesterday", "from"}, {"?to=2026-13-01", "to"},
		} {
			st, _, body := ixDo(t, w.s, w.viewer, http.MethodGet, "/api/v1/stats/effectiveness"+tt.query, nil)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"`+tt.field+`"`) {
				t.Errorf("%s: %d %s, want 422 on %s", tt.query, st, body, tt.field)
			}
		}
		// Only the mechanism's staff who may see figures.
		for name, u := range map[string]*stack.StaffUser{"mechanism responder": w.responder, "employer admin": w.empStaff} {
			if st, _, _ := ixDo(t, w.s, u, http.MethodGet, "/api/v1/stats/effectiveness", nil); st != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", name, st)
			}
		}
		if st, _, _ := ixDo(t, w.s, nil, http.MethodGet, "/api/v1/stats/effectiveness", nil); st != http.StatusUnauthorized {
			t.Errorf("no token: %d, want 401", st)
		}
	})
}

func TestEffectivenessPage(t *testing.T) {
	ixEachEngine(t, func(t *testing.T, engine string) {
		w := sxSetup(t, engine)
		st, _, body := ixDo(t, w.s, w.viewer, http.MethodGet, "/staff/stats?by=language", nil)
		if st != http.StatusOK {
			t.Fatalf("GET /staff/stats: %d\n%s", st, body)
		}
		text := html.UnescapeString(body)
		for _, want := range []string{
			htT(t, "en", "stats.title"), htT(t, "en", "stats.times.title"), htT(t, "en", "stats.referrals.none"),
			// The same numbers in the chart and in the table.
			htT(t, "en", "stats.bar.times", "3.0 h", "4.6 h"), "<td>3.0 h</td>", "<td>4.6 h</td>",
			htT(t, "en", "stats.fewer"), "Tiếng Việt", "Bahasa Indonesia",
			htT(t, "en", "stats.share_of", "0%", 0, 5),
			`<option value="language" selected>`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(body, "<script") || strings.Contains(body, " style=") {
			t.Error("the page has a script or an inline style")
		}
		if strings.Contains(text, "Pham Thi Lan") {
			t.Error("the page shows a worker's name")
		}
		// Every chart is well-formed SVG with a title, drawn on the server.
		charts := strings.Count(body, "<svg xmlns")
		if charts < 5 {
			t.Errorf("%d charts, want one per measure", charts)
		}
		for rest := body; ; {
			at := strings.Index(rest, "<svg xmlns")
			if at < 0 {
				break
			}
			end := strings.Index(rest[at:], "</svg>") + at + len("</svg>")
			dec := xml.NewDecoder(strings.NewReader(rest[at:end]))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("chart is not well-formed: %v", err)
				}
			}
			if !strings.Contains(rest[at:end], `role="img"`) || !strings.Contains(rest[at:end], "<title") {
				t.Error("chart without role or title")
			}
			rest = rest[end:]
		}

		// In Vietnamese: words and decimal comma.
		_, _, body = ixDo(t, w.s, w.viewer, http.MethodGet, "/staff/stats?lang=vi", nil)
		if !strings.Contains(html.UnescapeString(body), htT(t, "vi", "stats.hours", "3,0")) {
			t.Error("Vietnamese page does not write 3,0 giờ")
		}

		// A wrong period comes back with the message beside the field.
		st, _, body = ixDo(t, w.s, w.viewer, http.MethodGet, "/staff/stats?from=2026-12-01&to=2026-11-01&lang=en", nil)
		if st != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), htT(t, "en", "stats.error.period")) ||
			!strings.Contains(body, `aria-describedby="e-from"`) {
			t.Errorf("wrong period: %d", st)
		}
		// Not for the mechanism's responders nor for other organisations.
		for _, u := range []*stack.StaffUser{w.responder, w.empStaff} {
			if st, _, _ := ixDo(t, w.s, u, http.MethodGet, "/staff/stats", nil); st != http.StatusNotFound {
				t.Errorf("%s of %s: %d, want 404", u.Person.Role, u.Org.Type, st)
			}
		}
		if st, hdr, _ := ixDo(t, w.s, nil, http.MethodGet, "/staff/stats", nil); st != http.StatusSeeOther || hdr.Get("Location") != "/staff/signin" {
			t.Errorf("anonymous: %d", st)
		}
	})
}

func TestEffectivenessAPIMatchesOpenAPI(t *testing.T) {
	w := sxSetup(t, store.SQLite)
	_, _, raw := ixDo(t, w.s, nil, http.MethodGet, "/api/openapi.json", nil)
	var doc oaDoc
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	const path = "/api/v1/stats/effectiveness"
	for _, tt := range []struct{ query, status string }{
		{"", "200"}, {"?by=language", "200"}, {"?by=category", "200"}, {"?by=organization", "200"}, {"?by=name", "422"},
	} {
		_, _, body := ixDo(t, w.s, w.viewer, http.MethodGet, path+tt.query, nil)
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		oaValidate(t, doc, oaResponseSchema(t, doc, path, "get", tt.status), v, path+tt.query)
	}
	_, _, body := ixDo(t, w.s, w.responder, http.MethodGet, path, nil)
	var v any
	json.Unmarshal([]byte(body), &v)
	oaValidate(t, doc, oaResponseSchema(t, doc, path, "get", "404"), v, "404")
}
