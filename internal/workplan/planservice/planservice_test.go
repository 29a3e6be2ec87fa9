package planservice_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/casework"
	"remedy/internal/grievance"
	"remedy/internal/intake"
	"remedy/internal/org"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

type env struct {
	t      *testing.T
	db     *store.DB
	clock  *stack.Clock
	svc    *planservice.Service
	staff  *staff.Service
	intake *intake.Service
	cw     *casework.Service
	keys   *vault.Keyring
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	db, dir := stack.OpenDB(t, engine)
	keys, _, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clock := stack.NewClock(time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	return &env{t: t, db: db, clock: clock, keys: keys,
		svc:    &planservice.Service{DB: db, Now: clock.Now, Rand: rand.Reader},
		staff:  &staff.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader},
		intake: &intake.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy},
		cw:     &casework.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader, Limits: grievance.DefaultStageLimits},
	}
}

var seq atomic.Int64

func (e *env) org(name string, typ org.Type, country string) org.Organization {
	e.t.Helper()
	o, err := e.staff.AddOrganization(context.Background(), org.Organization{Name: name, Type: typ, Country: country}, "system")
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// person adds someone to o and returns them as signed in.
func (e *env) person(o org.Organization, role org.Role) staff.Signed {
	e.t.Helper()
	email := fmt.Sprintf("p%d@example.org", seq.Add(1))
	if _, err := e.staff.AddPerson(context.Background(), org.Person{OrgID: o.ID, Email: email, Role: role, Name: "Person"}, "correct horse battery staple", "system"); err != nil {
		e.t.Fatal(err)
	}
	rec, err := e.db.PersonByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return staff.Signed{Person: rec.Person, Org: o, Actor: access.Actor{Kind: access.Staff, PersonID: rec.Person.ID, OrgID: o.ID, OrgType: o.Type, Role: role}}
}

func engines(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, engine) })
	}
}

// richPlan is a plan whose texts test every way a file can lose them:
// commas, quotes, line breaks, formulas, several scripts, exact numbers.
func richPlan() *workplan.Plan {
	f := func(v float64) *float64 { return &v }
	return &workplan.Plan{
		Stakeholders: []workplan.Stakeholder{
			{Org: org.Organization{Name: "Ministry of Labour, Cambodia (test)", Type: org.Government, Country: "KH", Languages: []string{"km", "en"}},
				Profile: workplan.Profile{Lang: "km", Description: "ក្រសួងការងារ\n\"quoted\"", CorridorWork: "=SUM(A1:A9)",
					Contacts: []workplan.Contact{{Kind: workplan.ContactWebsite, Value: "https://example.org/mol"}, {Kind: workplan.ContactPhone, Value: "+855 00 000 000"}}, Public: true}},
			{Org: org.Organization{Name: "Union JP (test)", Type: org.Union, Country: "JP", Languages: []string{"ja"}},
				Profile: workplan.Profile{Lang: "ja", Description: "労働組合", Public: false}},
			{Org: org.Organization{Name: "Agency VN (test)", Type: org.AgenciesAssociation, Country: "VN"}},
		},
		Areas: []workplan.Area{
			{Code: "GM", Position: 1, Lang: "en", Title: "Grievance mechanisms", Description: "first line\nsecond, with \"quotes\""},
			{Code: "FER", Position: 2, Lang: "vi", Title: "Tuyển dụng công bằng", Description: "-minus first"},
		},
		Outcomes: []workplan.Outcome{{Code: "GM.1", AreaCode: "GM", Position: 1, Lang: "en", Title: "@at first"}},
		Actions: []workplan.Action{
			{Code: "GM.1.a", AreaCode: "GM", OutcomeCode: "GM.1", Kind: workplan.ProposedKind, Status: workplan.InProgress, Lang: "km",
				Title: "សកម្មភាព", Description: "+plus\tand tab", Lead: workplan.OrgRef{Name: "Union JP (test)"},
				Partners:  []workplan.OrgRef{{Name: "Ministry of Labour, Cambodia (test)"}, {Name: "Agency VN (test)"}},
				Countries: []string{"JP", "KH", "VN"}, Start: "2026-01-01", End: "2027-06-30", Example: true},
			{Code: "FER.x", AreaCode: "FER", Kind: workplan.Existing, Status: workplan.Done, Lang: "vi", Title: "'apostrophe"},
		},
		Progress: []workplan.Progress{
			{UID: "progress-test-0001", ActionCode: "GM.1.a", Date: "2026-03-01", Org: workplan.OrgRef{Name: "Agency VN (test)"}, Lang: "vi", Text: "Đã họp, lần 1"},
			{UID: "progress-test-0002", ActionCode: "GM.1.a", Date: "2026-04-01", Lang: "en", Text: "no organisation"},
		},
		Indicators: []workplan.Indicator{
			{Code: "GM.1.ack", OutcomeCode: "GM.1", Lang: "en", Name: "On time", Kind: workplan.Computed, Measure: "ack_on_time_share", Target: f(95), TargetDate: "2026-12-31"},
			{Code: "GM.1.a.n", ActionCode: "GM.1.a", Lang: "en", Name: "Meetings", Unit: "meetings", Kind: workplan.Manual, Baseline: f(-0.5), Target: f(0.1)},
		},
		Values: []workplan.Value{{UID: "value-test-0001", IndicatorCode: "GM.1.a.n", Value: 1.0000000000000002, AsOf: "2026-03-01", Source: "minutes, p. 2"}},
		Translations: []workplan.Translation{
			{Entity: workplan.EntityArea, Code: "GM", Lang: "km", Title: "យន្តការដោះស្រាយបណ្តឹង", Body: "ពីរ\nបន្ទាត់"},
			{Entity: workplan.EntityStakeholder, Code: "Ministry of Labour, Cambodia (test)", Lang: "en", Title: "Ministry", Body: "Labour"},
			{Entity: workplan.EntityIndicator, Code: "GM.1.ack", Lang: "ja", Title: "期限内の受付"},
		},
	}
}

func (e *env) export(format string) []byte {
	e.t.Helper()
	p, err := e.db.LoadPlan(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	var b []byte
	if format == planservice.FormatCSV {
		b, err = planservice.EncodeCSV(p)
	} else {
		b, err = planservice.EncodeXLSX(p)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// TestImportExportRoundTrip: a plan exported as CSV or XLSX and imported
// into an empty database exports the same again; importing an export into
// its own database changes nothing.
func TestImportExportRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		a := newEnv(t, engine)
		if _, err := a.svc.ImportSystem(ctx, richPlan()); err != nil {
			t.Fatal(err)
		}
		csv1, xlsx1 := a.export(planservice.FormatCSV), a.export(planservice.FormatXLSX)
		if !bytes.HasPrefix(csv1, []byte("\ufeffrecord,")) {
			t.Errorf("CSV starts %q", csv1[:20])
		}
		for _, risky := range []string{"'=SUM(A1:A9)", "'-minus first", "'@at first", "'+plus", "''apostrophe"} {
			if !bytes.Contains(csv1, []byte(risky)) {
				t.Errorf("CSV does not neutralise %q", risky)
			}
		}
		for _, format := range []string{planservice.FormatCSV, planservice.FormatXLSX} {
			file := map[string][]byte{planservice.FormatCSV: csv1, planservice.FormatXLSX: xlsx1}[format]
			b := newEnv(t, engine)
			coord := b.person(b.org("Desk "+format, org.InternationalOrg, "TH"), org.Coordinator)
			sum, err := b.svc.Import(ctx, coord, format, file)
			if err != nil {
				t.Fatalf("%s import into an empty database: %v", format, err)
			}
			if sum.Organizations != 3 || sum.Updated != 0 || sum.Created != 15 {
				t.Errorf("%s import summary %+v", format, sum)
			}
			if got := b.export(planservice.FormatCSV); !bytes.Equal(got, csv1) {
				t.Errorf("%s round trip changed the CSV:\n%s\n---\n%s", format, got, csv1)
			}
			gotSheets, errs := planservice.DecodeXLSX(b.export(planservice.FormatXLSX))
			wantSheets, errs2 := planservice.DecodeXLSX(xlsx1)
			if len(errs)+len(errs2) > 0 || fmt.Sprint(gotSheets) != fmt.Sprint(wantSheets) {
				t.Errorf("%s round trip changed the XLSX: %v %v", format, errs, errs2)
			}
		}
		// Importing the export into its own database changes nothing, and
		// leaves only the import itself in the history.
		before, err := a.db.PlanHistory(ctx, "", 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		coord := a.person(a.org("Desk", org.InternationalOrg, "TH"), org.Coordinator)
		sum, err := a.svc.Import(ctx, coord, planservice.FormatCSV, csv1)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created != 0 || sum.Updated != 0 || sum.Organizations != 0 {
			t.Errorf("re-import changed things: %+v", sum)
		}
		after, _ := a.db.PlanHistory(ctx, "", 0, 1000)
		if len(after) != len(before)+1 || after[0].Verb != workplan.VerbImported {
			t.Errorf("re-import history: %d → %d entries", len(before), len(after))
		}
		if got := a.export(planservice.FormatCSV); !bytes.Equal(got, csv1) {
			t.Error("re-import changed the export")
		}
		// A changed file updates what changed, with history, in one go.
		edited := bytes.Replace(csv1, []byte("in_progress"), []byte("stalled"), 1)
		sum, err = a.svc.Import(ctx, coord, planservice.FormatCSV, edited)
		if err != nil || sum.Updated != 1 {
			t.Fatalf("edited import: %+v %v", sum, err)
		}
		h, _ := a.db.PlanHistory(ctx, workplan.EntityAction, actionID(t, a, "GM.1.a"), 10)
		if len(h) == 0 || h[0].Verb != workplan.VerbUpdated || workplan.FieldNames(h[0].Fields) != "status" || h[0].Fields[0].To != "stalled" {
			t.Errorf("history after edited import: %+v", h)
		}
		// A broken file writes nothing and names the line.
		bp := richPlan()
		bp.Stakeholders = bp.Stakeholders[:1]
		bp.Actions[0].Lead.Name = "Nobody at all"
		broken, err := planservice.EncodeCSV(bp)
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.svc.Import(ctx, coord, planservice.FormatCSV, broken)
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("broken import: %v", err)
		}
		found := false
		for _, f := range apperr.As(err).Fields {
			if strings.HasPrefix(f.Field, "actions:") && strings.HasSuffix(f.Field, ":lead") && f.Key == "plan.error.unknown_ref" {
				found = true
			}
		}
		if !found {
			t.Errorf("broken import errors: %+v", apperr.As(err).Fields)
		}
		// Only coordinators import.
		lead := a.person(orgByName(t, a, "Union JP (test)"), org.Admin)
		if _, err := a.svc.Import(ctx, lead, planservice.FormatCSV, csv1); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a lead imports: %v", err)
		}
	})
}

func actionID(t *testing.T, e *env, code string) int64 {
	t.Helper()
	p, err := e.db.LoadPlan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range p.Actions {
		if a.Code == code {
			return a.ID
		}
	}
	t.Fatalf("no action %s", code)
	return 0
}

func orgByName(t *testing.T, e *env, name string) org.Organization {
	t.Helper()
	orgs, err := e.db.Organizations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no organisation %s", name)
	return org.Organization{}
}

// remedy takes a case through to an implemented remedy, as people do.
func (e *env) remedy(cw access.Actor, caseID int64, ref string) {
	e.t.Helper()
	ctx := context.Background()
	for _, to := range []grievance.Status{grievance.StatusAcknowledged, grievance.StatusInReview, grievance.StatusInDialogue} {
		if err := e.cw.Transition(ctx, cw, ref, casework.TransitionInput{To: to, Note: "moving on"}); err != nil {
			e.t.Fatalf("transition to %s: %v", to, err)
		}
	}
	m, err := e.cw.ProposeRemedy(ctx, cw, ref, casework.RemedyInput{Type: "restitution", Description: "Back pay"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.cw.DecideRemedy(ctx, caseID, m.ID, true); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.cw.RecordImplemented(ctx, cw, ref, m.ID, "Transfer seen"); err != nil {
		e.t.Fatal(err)
	}
}

func current(t *testing.T, e *env, code string) workplan.Current {
	t.Helper()
	v, err := e.svc.View(context.Background(), "en", workplan.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range v.Areas {
		for _, o := range a.Outcomes {
			for _, i := range o.Indicators {
				if i.Code == code {
					return i.Current
				}
			}
		}
	}
	t.Fatalf("no indicator %s", code)
	return workplan.Current{}
}

// TestComputedIndicatorFollowsTheCases: the median days to remedy and the
// number of grievances filed in Khmer are measured from the cases as they
// are now, and change when a case is remedied or filed.
func TestComputedIndicatorFollowsTheCases(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		p := &workplan.Plan{
			Areas:    []workplan.Area{{Code: "GM", Lang: "en", Title: "Grievance mechanisms"}},
			Outcomes: []workplan.Outcome{{Code: "GM.1", AreaCode: "GM", Lang: "en", Title: "Remedy, quickly"}},
			Indicators: []workplan.Indicator{
				{Code: "days", OutcomeCode: "GM.1", Lang: "en", Name: "Median days", Kind: workplan.Computed, Measure: "median_days_to_remedy"},
				{Code: "khmer", OutcomeCode: "GM.1", Lang: "en", Name: "Filed in Khmer", Kind: workplan.Computed, Measure: "grievances_filed", Params: "language=km"},
				{Code: "ack", OutcomeCode: "GM.1", Lang: "en", Name: "On time", Kind: workplan.Computed, Measure: "ack_on_time_share"},
			},
		}
		if _, err := e.svc.ImportSystem(ctx, p); err != nil {
			t.Fatal(err)
		}
		cw := e.person(e.org("Secretariat", org.Mechanism, "JP"), org.Caseworker).Actor
		type filed struct {
			id  int64
			ref string
		}
		var cases []filed
		for i := 0; i < 7; i++ {
			lang := "km"
			if i == 6 {
				lang = "vi"
			}
			r, err := e.intake.Submit(ctx, grievance.Submission{Language: lang, OriginCountry: "KH", Program: "technical_intern",
				Categories: []string{"wages.unpaid"}, Narrative: "My wages were not paid.", Contact: grievance.Contact{Channel: "none"}}, "")
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, filed{r.CaseID, r.Reference})
		}
		if c := current(t, e, "khmer"); !c.Live || c.Value != 6 || c.Suppressed {
			t.Errorf("Khmer grievances: %+v", c)
		}
		if c := current(t, e, "days"); c.Available {
			t.Errorf("median before any remedy: %+v", c)
		}
		// Remedy four cases, on days 2, 4, 6, 8: too few to show.
		for i := 0; i < 4; i++ {
			e.clock.Advance(2 * 24 * time.Hour)
			e.remedy(cw, cases[i].id, cases[i].ref)
		}
		if c := current(t, e, "days"); !c.Suppressed || c.N != 4 {
			t.Errorf("median of 4 cases is shown: %+v", c)
		}
		e.clock.Advance(2 * 24 * time.Hour) // day 10
		e.remedy(cw, cases[4].id, cases[4].ref)
		c := current(t, e, "days")
		if c.Suppressed || !c.Available || c.N != 5 || c.Value != 6 {
			t.Errorf("median of 2,4,6,8,10 days: %+v", c)
		}
		e.clock.Advance(10 * 24 * time.Hour) // day 20
		e.remedy(cw, cases[5].id, cases[5].ref)
		if c2 := current(t, e, "days"); c2.N != 6 || c2.Value != 7 {
			t.Errorf("after one more remedy (2,4,6,8,10,20): %+v", c2)
		}
		// Acknowledgement: the first six were acknowledged late (remedied
		// days after), the seventh is overdue by now.
		if a := current(t, e, "ack"); !a.Available || a.N != 7 {
			t.Errorf("acknowledgement: %+v", a)
		}
		// The API's numbers are the view's.
		v, err := e.svc.View(ctx, "km", workplan.Filter{})
		if err != nil || len(v.Areas) != 1 {
			t.Fatal(err)
		}
	})
}

// TestAccess: only coordinators edit the plan; a lead edits its own
// actions; partners post progress; others get "not found".
func TestAccess(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		if _, err := e.svc.ImportSystem(ctx, richPlan()); err != nil {
			t.Fatal(err)
		}
		coord := e.person(e.org("Desk", org.InternationalOrg, "TH"), org.Coordinator)
		union := orgByName(t, e, "Union JP (test)")
		lead := e.person(union, org.Caseworker)
		leadViewer := e.person(union, org.Viewer)
		partner := e.person(orgByName(t, e, "Agency VN (test)"), org.Responder)
		outsider := e.person(e.org("Someone else", org.CSO, "PH"), org.Admin)
		mechAdmin := e.person(e.org("Mechanism", org.Mechanism, "JP"), org.Admin)
		id := actionID(t, e, "GM.1.a")
		load := func() workplan.Action {
			a, err := e.db.PlanAction(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		notFound := func(err error, what string) {
			t.Helper()
			if apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s: %v, want not found", what, err)
			}
		}

		// Creating an action: coordinators only.
		newAction := func() *workplan.Action {
			return &workplan.Action{Code: fmt.Sprintf("new.%d", seq.Add(1)), AreaCode: "GM", Kind: workplan.ProposedKind, Status: workplan.Proposed, Lang: "en", Title: "New"}
		}
		for _, who := range []staff.Signed{lead, partner, outsider, mechAdmin} {
			notFound(e.svc.CreateAction(ctx, who, newAction()), "create by "+string(who.Person.Role))
			notFound(e.svc.SaveArea(ctx, who, &workplan.Area{Code: "X", Lang: "en", Title: "X"}), "area by "+string(who.Person.Role))
		}
		if err := e.svc.CreateAction(ctx, coord, newAction()); err != nil {
			t.Errorf("coordinator creates: %v", err)
		}

		// The lead edits its action, but cannot hand it over or move it.
		a := load()
		a.Status, a.Title, a.Lead = workplan.Agreed, "Renamed by the lead", workplan.OrgRef{ID: partner.Org.ID}
		a.AreaID, a.AreaCode, a.OutcomeID, a.OutcomeCode = 0, "FER", 0, ""
		if err := e.svc.UpdateAction(ctx, lead, &a); err != nil {
			t.Fatalf("lead edits: %v", err)
		}
		got := load()
		if got.Status != workplan.Agreed || got.Title != "Renamed by the lead" || got.Lead.ID != union.ID || got.AreaCode != "GM" || got.OutcomeCode != "GM.1" {
			t.Errorf("after the lead's edit: %+v", got)
		}
		for _, who := range []staff.Signed{leadViewer, partner, outsider, mechAdmin} {
			b := load()
			b.Title = "Hijacked"
			notFound(e.svc.UpdateAction(ctx, who, &b), "update by "+string(who.Person.Role)+" of org "+who.Org.Name)
		}
		// The coordinator may hand it over.
		c := load()
		c.Lead = workplan.OrgRef{ID: outsider.Org.ID}
		if err := e.svc.UpdateAction(ctx, coord, &c); err != nil || load().Lead.ID != outsider.Org.ID {
			t.Errorf("coordinator changes the lead: %v", err)
		}
		c = load()
		c.Lead = workplan.OrgRef{ID: union.ID}
		if err := e.svc.UpdateAction(ctx, coord, &c); err != nil {
			t.Fatal(err)
		}

		// Progress: lead, partners, coordinators.
		for _, who := range []staff.Signed{lead, partner, coord} {
			p := workplan.Progress{ActionID: id, Date: "2026-11-01", Lang: "en", Text: "Met on " + who.Org.Name}
			if err := e.svc.AddProgress(ctx, who, &p); err != nil {
				t.Errorf("progress by %s: %v", who.Org.Name, err)
			} else if p.Org.ID != who.Org.ID || !workplan.ValidUID(p.UID) {
				t.Errorf("progress written as %+v", p)
			}
		}
		for _, who := range []staff.Signed{leadViewer, outsider, mechAdmin} {
			p := workplan.Progress{ActionID: id, Date: "2026-11-01", Lang: "en", Text: "x"}
			notFound(e.svc.AddProgress(ctx, who, &p), "progress by "+who.Org.Name+" "+string(who.Person.Role))
		}
		future := workplan.Progress{ActionID: id, Date: "2026-12-01", Lang: "en", Text: "x"}
		if err := e.svc.AddProgress(ctx, lead, &future); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("progress in the future: %v", err)
		}

		// Manual values: the lead of the action, coordinators.
		plan, _ := e.db.LoadPlan(ctx)
		var manual, computed int64
		for _, i := range plan.Indicators {
			if i.Kind == workplan.Manual {
				manual = i.ID
			} else {
				computed = i.ID
			}
		}
		v := workplan.Value{IndicatorID: manual, Value: 2, AsOf: "2026-10-01", Source: "minutes"}
		if err := e.svc.AddValue(ctx, lead, &v); err != nil {
			t.Errorf("lead enters a value: %v", err)
		}
		v2 := workplan.Value{IndicatorID: manual, Value: 3, AsOf: "2026-10-01", Source: "minutes"}
		notFound(e.svc.AddValue(ctx, partner, &v2), "partner enters a value")
		v3 := workplan.Value{IndicatorID: computed, Value: 3, AsOf: "2026-10-01", Source: "x"}
		notFound(e.svc.AddValue(ctx, lead, &v3), "lead enters a value on an outcome's indicator")
		if err := e.svc.AddValue(ctx, coord, &v3); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("a value on a computed indicator: %v", err)
		}

		// Profiles: the organisation's admin, coordinators.
		unionAdmin := e.person(union, org.Admin)
		prof := workplan.Profile{OrgID: union.ID, Lang: "ja", Description: "更新", Public: true}
		if err := e.svc.SaveProfile(ctx, unionAdmin, &prof); err != nil {
			t.Errorf("admin edits own profile: %v", err)
		}
		notFound(e.svc.SaveProfile(ctx, lead, &prof), "caseworker edits profile")
		notFound(e.svc.SaveProfile(ctx, outsider, &prof), "another admin edits profile")
		if err := e.svc.SaveProfile(ctx, coord, &prof); err != nil {
			t.Errorf("coordinator edits a profile: %v", err)
		}

		// Comments on the network: stakeholders' members and coordinators.
		ev := workplan.Event{Lang: "en", Title: "Workshop", Start: "2025-02-11", Public: true}
		notFound(e.svc.SaveEvent(ctx, lead, &ev), "lead creates an event")
		if err := e.svc.SaveEvent(ctx, coord, &ev); err != nil {
			t.Fatal(err)
		}
		for _, who := range []staff.Signed{lead, partner, coord} {
			// The agency has no profile of its own: not a stakeholder.
			err := e.svc.AddComment(ctx, who, &workplan.Comment{Owner: workplan.OwnerEvent, OwnerID: ev.ID, Body: "Thanks"})
			if who.Org.ID == partner.Org.ID {
				notFound(err, "comment by an organisation without a profile")
			} else if err != nil {
				t.Errorf("comment by %s: %v", who.Org.Name, err)
			}
		}
		notFound(e.svc.AddComment(ctx, leadViewer, &workplan.Comment{Owner: workplan.OwnerEvent, OwnerID: ev.ID, Body: "x"}), "viewer comments")
		if cs, _ := e.svc.Comments(ctx, outsider, workplan.OwnerEvent, ev.ID); len(cs) != 0 {
			t.Errorf("an outsider reads comments: %v", cs)
		}
		if cs, _ := e.svc.Comments(ctx, leadViewer, workplan.OwnerEvent, ev.ID); len(cs) != 2 {
			t.Errorf("a stakeholder's viewer reads %d comments", len(cs))
		}

		// Every change is in the history and the audit trail.
		h, _ := e.db.PlanHistory(ctx, workplan.EntityAction, id, 100)
		verbs := map[string]int{}
		for _, c := range h {
			verbs[c.Verb]++
		}
		if verbs[workplan.VerbUpdated] != 3 || verbs[workplan.VerbProgress] != 5 {
			t.Errorf("history verbs %v", verbs)
		}
		n := 0
		_ = e.db.EachAuditEntry(ctx, func(a audit.Entry) error {
			if strings.HasPrefix(a.Action, "plan.action.") {
				n++
			}
			return nil
		})
		if n < len(h) {
			t.Errorf("%d plan.action audit entries for %d history entries", n, len(h))
		}
	})
}

// TestUploads: the library keeps only small PDF, PNG, JPEG, text, DOCX and
// XLSX files, judged by their content.
func TestUploads(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	coord := e.person(e.org("Desk", org.InternationalOrg, "TH"), org.Coordinator)
	zipOf := func(names ...string) []byte {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		for _, n := range names {
			f, _ := w.Create(n)
			f.Write([]byte("<x/>"))
		}
		w.Close()
		return buf.Bytes()
	}
	cases := []struct {
		name    string
		content []byte
		want    string // content type, or "" for refused
	}{
		{"report.pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), workplan.TypePDF},
		{"notes.txt", []byte("ខ្មែរ notes\n"), workplan.TypeText},
		{"photo.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 20)...), workplan.TypePNG},
		{"guide.docx", zipOf("[Content_Types].xml", "word/document.xml"), workplan.TypeDOCX},
		{"sheet.xlsx", zipOf("[Content_Types].xml", "xl/workbook.xml"), workplan.TypeXLSX},
		{"page.html", []byte("<!doctype html><script>alert(1)</script>"), ""},
		{"page.txt", []byte("<html><script>alert(1)</script>"), ""},
		{"report.pdf", []byte("MZ\x90\x00 not a pdf"), ""},
		{"guide.docx", zipOf("evil.exe"), ""},
		{"big.pdf", append([]byte("%PDF-1.7\n"), make([]byte, workplan.MaxFile)...), ""},
	}
	for _, c := range cases {
		r := workplan.Resource{Kind: workplan.ResourceDocument, Lang: "en", Title: c.name, Public: true}
		err := e.svc.SaveResource(ctx, coord, &r, &planservice.Upload{Name: c.name, Content: c.content})
		if c.want == "" {
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("%s accepted: %v", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s refused: %v", c.name, err)
			continue
		}
		if r.ContentType != c.want || r.Size != int64(len(c.content)) {
			t.Errorf("%s kept as %q (%d bytes)", c.name, r.ContentType, r.Size)
		}
		b, err := e.db.NetworkFile(ctx, r.ID)
		if err != nil || !bytes.Equal(b, c.content) {
			t.Errorf("%s read back: %v", c.name, err)
		}
	}
	// Link or file, not both; an update without a new file keeps the file.
	r := workplan.Resource{Kind: workplan.ResourceLaw, Lang: "en", Title: "Both", URL: "https://example.org/law"}
	if err := e.svc.SaveResource(ctx, coord, &r, &planservice.Upload{Name: "a.pdf", Content: []byte("%PDF-1.4\n")}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("link and file: %v", err)
	}
	r = workplan.Resource{Kind: workplan.ResourceLaw, Lang: "en", Title: "Law", Public: true}
	if err := e.svc.SaveResource(ctx, coord, &r, &planservice.Upload{Name: "law.pdf", Content: []byte("%PDF-1.4\n")}); err != nil {
		t.Fatal(err)
	}
	r.Title = "Law, renamed"
	if err := e.svc.SaveResource(ctx, coord, &r, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := e.db.NetworkResource(ctx, r.ID, true)
	if got.FileName != "law.pdf" || got.Title != "Law, renamed" {
		t.Errorf("after update: %+v", got)
	}
	if _, err := e.db.NetworkFile(ctx, r.ID); err != nil {
		t.Errorf("file lost on update: %v", err)
	}
}
