package store_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"remedy/internal/access"
	"remedy/internal/grievance"
	"remedy/internal/org"
	"remedy/internal/stats"
)

// ibStatsFixture: six cases received on the clock's day, one received 40
// days earlier (outside the period), with milestones, remedies, feedback
// and referrals set as case handling would.
type ibStatsFixture struct {
	e                 *ibEnv
	ids               []int64
	employer, agency  org.Organization
	from, to, now     time.Time
	received, earlier time.Time
}

func ibStatsSetup(t *testing.T, engine string) *ibStatsFixture {
	t.Helper()
	e := ibOpen(t, engine)
	f := &ibStatsFixture{e: e, received: ibStart, earlier: ibStart.Add(-40 * 24 * time.Hour)}
	f.from, f.to, f.now = ibStart.Add(-24*time.Hour), ibStart.Add(24*time.Hour), ibStart.Add(30*24*time.Hour)
	for _, s := range []struct {
		lang, origin, program string
		cats                  []string
	}{
		{"vi", "VN", "technical_intern", []string{"wages.unpaid", "documents.retained"}},
		{"vi", "VN", "technical_intern", []string{"wages.unpaid"}},
		{"id", "ID", "specified_skilled", []string{"housing.charges"}},
		{"km", "KH", "technical_intern", []string{"threats"}},
		{"vi", "VN", "specified_skilled", []string{"hours.excessive"}},
		{"fil", "PH", "other", []string{"recruitment.fees", "wages.unpaid"}},
		{"vi", "VN", "technical_intern", []string{"wages.unpaid"}},
	} {
		f.ids = append(f.ids, e.submit(t, s.lang, s.origin, s.program, s.cats...).CaseID)
	}
	ms := func(base time.Time, hours float64) int64 {
		return base.Add(time.Duration(hours * float64(time.Hour))).UnixMilli()
	}
	r := f.received
	set := "UPDATE cases SET status = $1, acknowledged_at = $2, first_response_at = $3, remedy_implemented_at = $4, deadline_at = $5, deadline_kind = $6, overdue = $7 WHERE id = $8"
	e.exec(t, set, "closed", ms(r, 1), ms(r, 24), ms(r, 240), nil, "", false, f.ids[0])
	e.exec(t, set, "closed", ms(r, 2), ms(r, 48), nil, nil, "", false, f.ids[1])
	e.exec(t, set, "in_review", ms(r, 3), nil, nil, ms(r, 3+14*24), "first_response", false, f.ids[2])
	e.exec(t, set, "acknowledged", ms(r, 4), nil, nil, ms(r, 100), "first_response", false, f.ids[3])
	e.exec(t, set, "in_review", ms(r, 10), nil, nil, ms(f.now, 100), "first_response", true, f.ids[4])
	e.exec(t, set, "received", nil, nil, nil, ms(f.now, 10), "acknowledge", false, f.ids[5])
	e.exec(t, "UPDATE cases SET created_at = $1, acknowledged_at = $2 WHERE id = $3", f.earlier.UnixMilli(), ms(f.earlier, 100), f.ids[6])

	remedy := "INSERT INTO remedies (case_id, type, status, proposed_at) VALUES ($1, $2, $3, $4)"
	e.exec(t, remedy, f.ids[0], "restitution", "implemented", ms(r, 100))
	e.exec(t, remedy, f.ids[0], "restitution", "proposed", ms(r, 101))
	e.exec(t, remedy, f.ids[0], "apology", "refused", ms(r, 102))
	e.exec(t, remedy, f.ids[1], "compensation", "withdrawn", ms(r, 103))
	e.exec(t, remedy, f.ids[6], "sanction", "accepted", ms(r, 104))

	fb := "INSERT INTO feedback (case_id, round, satisfaction, retaliation, at) VALUES ($1, $2, $3, $4, $5)"
	e.exec(t, fb, f.ids[0], 1, 2, true, ms(r, 2400))
	e.exec(t, fb, f.ids[0], 0, 4, false, ms(r, 300))
	e.exec(t, fb, f.ids[1], 0, 5, false, ms(r, 300))

	f.employer = e.org(t, "Tokai Foods KK", org.Employer, "JP")
	f.agency = e.org(t, "Hanoi Manpower JSC", org.SendingAgency, "VN")
	e.refer(t, f.ids[0], f.employer.ID, grievance.ReferralAcknowledged, r.Add(5*time.Hour), r.Add(29*time.Hour), false)
	e.refer(t, f.ids[0], f.agency.ID, grievance.ReferralDeclined, r.Add(5*time.Hour), r.Add(6*time.Hour), false)
	e.refer(t, f.ids[5], f.agency.ID, grievance.ReferralSent, r.Add(7*time.Hour), time.Time{}, true)
	e.refer(t, f.ids[6], f.agency.ID, grievance.ReferralSent, f.earlier, time.Time{}, false)
	return f
}

// ibStatsRow is a stats.Case flattened for comparison (its slices are
// reused by the store between calls).
type ibStatsRow struct {
	ackHours float64
	groups   string
	remedies string
	rating   int
	retal    bool
	open     bool
	stage    string
	overdue  bool
}

func ibCollect(t *testing.T, f *ibStatsFixture, scope access.Scope, by string) []ibStatsRow {
	t.Helper()
	var out []ibStatsRow
	err := f.e.db.EffectivenessCases(context.Background(), scope, by, f.from, f.to, func(c stats.Case) error {
		row := ibStatsRow{groups: strings.Join(slices.Sorted(slices.Values(c.Groups)), "+"),
			remedies: strings.Join(slices.Sorted(slices.Values(c.RemedyTypes)), "+"),
			rating:   c.Satisfaction, retal: c.Retaliation, open: c.Open, stage: c.Stage, overdue: c.OverdueFlag}
		if !c.Acknowledged.IsZero() {
			row.ackHours = c.Acknowledged.Sub(c.Received).Hours()
		}
		if !c.Received.Equal(f.received) {
			t.Errorf("a case received %v is outside the period", c.Received)
		}
		out = append(out, row)
		return nil
	})
	if err != nil {
		t.Fatalf("EffectivenessCases(%q): %v", by, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ackHours < out[j].ackHours })
	return out
}

func TestEffectivenessCases(t *testing.T) {
	ibEachEngine(t, func(t *testing.T, engine string) {
		f := ibStatsSetup(t, engine)
		all := access.Scope{All: true}
		rows := ibCollect(t, f, all, stats.ByNone)
		if len(rows) != 6 {
			t.Fatalf("%d cases in the period, want 6: %+v", len(rows), rows)
		}
		// Sorted by hours to acknowledge: the unacknowledged case (0) first.
		want := []ibStatsRow{
			{ackHours: 0, open: true, stage: "acknowledge"},
			{ackHours: 1, remedies: "restitution+restitution", rating: 2, retal: true},
			{ackHours: 2, rating: 5},
			{ackHours: 3, open: true, stage: "first_response"},
			{ackHours: 4, open: true, stage: "first_response"},
			{ackHours: 10, open: true, stage: "first_response", overdue: true},
		}
		if !slices.Equal(rows, want) {
			t.Errorf("cases:\n got %+v\nwant %+v", rows, want)
		}
		groups := func(by string) []string {
			var out []string
			for _, r := range ibCollect(t, f, all, by) {
				out = append(out, r.groups)
			}
			return out
		}
		emp, ag := fmt.Sprint(f.employer.ID), fmt.Sprint(f.agency.ID)
		for _, tt := range []struct {
			by   string
			want []string
		}{
			{stats.ByLanguage, []string{"fil", "vi", "vi", "id", "km", "vi"}},
			{stats.ByOrigin, []string{"PH", "VN", "VN", "ID", "KH", "VN"}},
			{stats.ByProgram, []string{"other", "technical_intern", "technical_intern", "specified_skilled", "technical_intern", "specified_skilled"}},
			{stats.ByCategory, []string{"recruitment.fees+wages.unpaid", "documents.retained+wages.unpaid", "wages.unpaid", "housing.charges", "threats", "hours.excessive"}},
			// The declined referral of case 0 does not count.
			{stats.ByOrganization, []string{ag, emp, "", "", "", ""}},
		} {
			if got := groups(tt.by); !slices.Equal(got, tt.want) {
				t.Errorf("groups by %s = %q, want %q", tt.by, got, tt.want)
			}
		}
		if err := f.e.db.EffectivenessCases(context.Background(), all, "narrative", f.from, f.to, func(stats.Case) error { return nil }); err == nil {
			t.Error("an unknown dimension is accepted")
		}
		// The scope holds here too.
		none := 0
		f.e.db.EffectivenessCases(context.Background(), access.Scope{None: true}, "", f.from, f.to, func(stats.Case) error { none++; return nil })
		if none != 0 {
			t.Errorf("an empty scope gets %d cases", none)
		}
		if got := ibCollect(t, f, access.Scope{OrgID: f.employer.ID}, stats.ByNone); len(got) != 1 || got[0].ackHours != 1 {
			t.Errorf("the employer's scope gets %+v", got)
		}

		// The report from the store's rows, as the page computes it.
		b := stats.NewBuilder(f.now)
		if err := f.e.db.EffectivenessCases(context.Background(), all, stats.ByLanguage, f.from, f.to, func(c stats.Case) error {
			b.AddCase(c)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var refs []stats.Referral
		if err := f.e.db.EffectivenessReferrals(context.Background(), all, f.from, f.to, func(r stats.Referral) error {
			refs = append(refs, r)
			b.AddReferral(r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(refs) != 3 {
			t.Errorf("%d referrals in the period, want 3: %+v", len(refs), refs)
		}
		rep := b.Report()
		// [1 2 3 4 10]: median 3, p90 4+0.6·6 = 7.6.
		if a := rep.Total.Acknowledge; a.N != 5 || a.Median != 3 || a.P90 < 7.59 || a.P90 > 7.61 {
			t.Errorf("time to acknowledge = %+v", a)
		}
		if rep.Total.Cases.N != 6 {
			t.Errorf("cases = %+v", rep.Total.Cases)
		}
		for _, st := range rep.Total.Overdue {
			// first_response: 3 open cases (withheld); acknowledge: 1.
			if !st.Share.Suppressed {
				t.Errorf("overdue at %s from fewer than 5 open cases is published: %+v", st.Stage, st.Share)
			}
		}
		for _, g := range rep.Groups {
			if !g.Cases.Suppressed {
				t.Errorf("group %s of fewer than 5 cases is published: %+v", g.Key, g.Cases)
			}
		}
	})
}
