package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/intake"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/testutil/pgtest"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
)

// Helpers of the inbox and statistics tests; every name starts with "ib".

// ibEnv is a migrated database with the intake service on it, and a second
// connection pool to set what case handling would set (statuses,
// deadlines, referrals, remedies, feedback) behind the store's back.
type ibEnv struct {
	db    *store.DB
	raw   *sql.DB
	svc   *intake.Service
	clock *stack.Clock
}

var ibStart = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func ibOpen(t testing.TB, engine string) *ibEnv {
	t.Helper()
	dir := t.TempDir()
	opts := store.Options{DataDir: dir}
	var raw *sql.DB
	var err error
	if engine == store.Postgres {
		opts.URL = pgtest.DSN(t)
		raw, err = sql.Open("pgx", opts.URL)
	}
	db, err2 := store.Open(context.Background(), opts)
	if err2 != nil {
		t.Fatalf("open %s: %v", engine, err2)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	if engine == store.SQLite {
		raw, err = sql.Open("sqlite", "file:"+filepath.Join(dir, "remedy.db")+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	keys, _, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clock := stack.NewClock(ibStart)
	return &ibEnv{db: db, raw: raw, clock: clock,
		svc: &intake.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy}}
}

// ibSubmit files a case through the intake service, as a worker would.
func (e *ibEnv) submit(t testing.TB, lang, origin, program string, categories ...string) intake.Receipt {
	t.Helper()
	r, err := e.svc.Submit(context.Background(), grievance.Submission{
		Language: lang, OriginCountry: origin, Program: program, Categories: categories,
		Narrative: "My name is Nguyen Van A and my employer keeps my passport.",
		Contact:   grievance.Contact{Name: "Nguyen Van A", Channel: "phone", Value: "090-1234-5678"},
	}, "")
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return r
}

func (e *ibEnv) exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := e.raw.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// setCase sets a case's status, current deadline (zero: none) and
// overdue flag, as case handling would.
func (e *ibEnv) setCase(t testing.TB, id int64, status grievance.Status, deadline time.Time, kind string, overdue bool) {
	t.Helper()
	var d any
	if !deadline.IsZero() {
		d = deadline.UnixMilli()
	}
	e.exec(t, "UPDATE cases SET status = $1, deadline_at = $2, deadline_kind = $3, overdue = $4 WHERE id = $5", string(status), d, kind, overdue, id)
}

func (e *ibEnv) org(t testing.TB, name string, typ org.Type, country string) org.Organization {
	t.Helper()
	o := org.Organization{Name: name, Type: typ, Country: country, CreatedAt: e.clock.Now()}
	if err := e.db.CreateOrganization(context.Background(), &o, audit.Entry{At: o.CreatedAt, Actor: "system", Action: "org.created"}); err != nil {
		t.Fatal(err)
	}
	return o
}

// refer inserts a referral of caseID to orgID with status, sent at sent.
func (e *ibEnv) refer(t testing.TB, caseID, orgID int64, status grievance.ReferralStatus, sent, acked time.Time, overdue bool) {
	t.Helper()
	var a any
	if !acked.IsZero() {
		a = acked.UnixMilli()
	}
	e.exec(t, `INSERT INTO referrals (case_id, org_id, status, sent_at, acknowledge_by, acknowledged_at, overdue)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, caseID, orgID, string(status), sent.UnixMilli(),
		sent.Add(grievance.DefaultStageLimits.ReferralAcknowledge).UnixMilli(), a, overdue)
}

func ibRefs(cases []store.InboxCase) []string {
	out := make([]string, len(cases))
	for i, c := range cases {
		out[i] = c.Reference
	}
	return out
}

// ibAll reads every page of the inbox with pages of size n.
func ibAll(t testing.TB, db *store.DB, scope access.Scope, f store.InboxFilter, n int, now time.Time) []store.InboxCase {
	t.Helper()
	var out []store.InboxCase
	var after store.InboxCursor
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("the inbox never ends")
		}
		p, err := db.Inbox(context.Background(), scope, f, after, n, now)
		if err != nil {
			t.Fatalf("Inbox: %v", err)
		}
		if len(p.Cases) > n {
			t.Fatalf("page of %d cases, asked %d", len(p.Cases), n)
		}
		out = append(out, p.Cases...)
		if p.Next == nil {
			return out
		}
		if len(p.Cases) != n {
			t.Fatalf("a page of %d before the end, want %d", len(p.Cases), n)
		}
		// The cursor goes through its opaque form, as through a URL.
		after, err = store.ParseInboxCursor(p.Next.String())
		if err != nil {
			t.Fatalf("ParseInboxCursor(%q): %v", p.Next.String(), err)
		}
	}
}

// ibFixture is a small mechanism: twelve cases in several languages,
// statuses and deadlines, referred to an employer in Japan and an agency
// in Viet Nam.
type ibFixture struct {
	e        *ibEnv
	refs     []string // by case number
	ids      []int64
	employer org.Organization
	agency   org.Organization
	other    org.Organization
	now      time.Time
}

func ibSetup(t testing.TB, engine string) *ibFixture {
	t.Helper()
	e := ibOpen(t, engine)
	f := &ibFixture{e: e}
	type spec struct {
		lang, origin, program string
		cats                  []string
	}
	specs := []spec{
		{"vi", "VN", "technical_intern", []string{"wages.unpaid", "documents.retained"}}, // 0
		{"vi", "VN", "technical_intern", []string{"wages.unpaid"}},                       // 1
		{"id", "ID", "specified_skilled", []string{"housing.charges"}},                   // 2
		{"km", "KH", "technical_intern", []string{"threats"}},                            // 3
		{"vi", "VN", "specified_skilled", []string{"hours.excessive"}},                   // 4
		{"fil", "PH", "other", []string{"recruitment.fees", "wages.unpaid"}},             // 5
		{"ne", "NP", "unknown", []string{"other"}},                                       // 6
		{"vi", "VN", "technical_intern", []string{"safety.injury"}},                      // 7
		{"th", "TH", "skill_development", []string{"wages.deductions"}},                  // 8
		{"my", "MM", "technical_intern", []string{"harassment.verbal"}},                  // 9
		{"vi", "VN", "technical_intern", []string{"recruitment.debt"}},                   // 10
		{"ja", "ZZ", "other", []string{"discrimination.other"}},                          // 11
	}
	for _, s := range specs {
		r := e.submit(t, s.lang, s.origin, s.program, s.cats...)
		f.refs, f.ids = append(f.refs, r.Reference), append(f.ids, r.CaseID)
	}
	now := ibStart.Add(10 * 24 * time.Hour)
	f.now = now
	h := func(n int) time.Time { return now.Add(time.Duration(n) * time.Hour) }
	// Deadlines: 3 in the past (two open, one closed), several ahead, two
	// ties broken by id, and cases without a deadline.
	e.setCase(t, f.ids[0], grievance.StatusReferred, h(48), grievance.DeadlineRemedyProposal, false)
	e.setCase(t, f.ids[1], grievance.StatusReceived, h(-5), grievance.DeadlineAcknowledge, false)      // overdue by its deadline
	e.setCase(t, f.ids[2], grievance.StatusInReview, h(10), grievance.DeadlineFirstResponse, true)     // flagged overdue
	e.setCase(t, f.ids[3], grievance.StatusReceived, h(-30), grievance.DeadlineAcknowledge, false)     // overdue
	e.setCase(t, f.ids[4], grievance.StatusClosed, h(-50), grievance.DeadlineFirstResponse, false)     // closed: not overdue
	e.setCase(t, f.ids[5], grievance.StatusInDialogue, h(10), grievance.DeadlineRemedyProposal, false) // tie with 2
	e.setCase(t, f.ids[6], grievance.StatusClosed, time.Time{}, "", false)
	e.setCase(t, f.ids[7], grievance.StatusRemedyProposed, time.Time{}, "", false)
	e.setCase(t, f.ids[8], grievance.StatusAcknowledged, h(200), grievance.DeadlineFirstResponse, false)
	e.setCase(t, f.ids[9], grievance.StatusWithdrawn, time.Time{}, "", false)
	e.setCase(t, f.ids[10], grievance.StatusReferred, h(300), grievance.DeadlineRemedyProposal, false)
	e.setCase(t, f.ids[11], grievance.StatusOutOfScope, time.Time{}, "", true) // flagged, closed

	f.employer = e.org(t, "Tokai Foods KK", org.Employer, "JP")
	f.agency = e.org(t, "Hanoi Manpower JSC", org.SendingAgency, "VN")
	f.other = e.org(t, "Unrelated Union", org.Union, "JP")
	e.refer(t, f.ids[0], f.employer.ID, grievance.ReferralSent, now.Add(-24*time.Hour), time.Time{}, false)
	e.refer(t, f.ids[0], f.agency.ID, grievance.ReferralAcknowledged, now.Add(-24*time.Hour), now.Add(-2*time.Hour), false)
	e.refer(t, f.ids[5], f.employer.ID, grievance.ReferralDeclined, now.Add(-48*time.Hour), now.Add(-47*time.Hour), false)
	e.refer(t, f.ids[5], f.agency.ID, grievance.ReferralSent, now.Add(-200*time.Hour), time.Time{}, true)
	e.refer(t, f.ids[7], f.employer.ID, grievance.ReferralResponded, now.Add(-72*time.Hour), now.Add(-70*time.Hour), false)
	e.refer(t, f.ids[10], f.agency.ID, grievance.ReferralSent, now.Add(-1*time.Hour), time.Time{}, false)
	return f
}

// order lists the fixture's case references by case numbers.
func (f *ibFixture) order(nums ...int) []string {
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = f.refs[n]
	}
	return out
}

// ibEachEngine runs fn on SQLite and PostgreSQL.
func ibEachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, engine)
		})
	}
}

func TestInboxOrderAndKeysetPaging(t *testing.T) {
	ibEachEngine(t, func(t *testing.T, engine string) {
		f := ibSetup(t, engine)
		all := access.Scope{All: true}
		// Nearest deadline first; 2 and 5 tie at +10 h and go by id; the
		// cases without a deadline come last, by id.
		want := f.order(4, 3, 1, 2, 5, 0, 8, 10, 6, 7, 9, 11)
		for _, n := range []int{1, 2, 3, 5, 8, 12, 13, 200} {
			got := ibRefs(ibAll(t, f.e.db, all, store.InboxFilter{}, n, f.now))
			if !slices.Equal(got, want) {
				t.Errorf("pages of %d: %v\nwant %v", n, got, want)
			}
		}
		p, err := f.e.db.Inbox(context.Background(), all, store.InboxFilter{}, store.InboxCursor{}, 12, f.now)
		if err != nil {
			t.Fatal(err)
		}
		if p.Next != nil {
			t.Errorf("a page holding every case has a next cursor %v", p.Next)
		}
		// Another page size than the maximum is capped.
		if p, err := f.e.db.Inbox(context.Background(), all, store.InboxFilter{}, store.InboxCursor{}, 100000, f.now); err != nil || len(p.Cases) != 12 {
			t.Errorf("huge limit: %d cases, %v", len(p.Cases), err)
		}
	})
}

func TestInboxRowsCarryNoIdentity(t *testing.T) {
	ibEachEngine(t, func(t *testing.T, engine string) {
		f := ibSetup(t, engine)
		p, err := f.e.db.Inbox(context.Background(), access.Scope{All: true}, store.InboxFilter{}, store.InboxCursor{}, 50, f.now)
		if err != nil {
			t.Fatal(err)
		}
		dump := fmt.Sprintf("%+v", p)
		for _, secret := range []string{"Nguyen", "passport", "090-1234"} {
			if strings.Contains(dump, secret) {
				t.Errorf("the inbox carries %q", secret)
			}
		}
		byRef := map[string]store.InboxCase{}
		for _, c := range p.Cases {
			byRef[c.Reference] = c
		}
		c0 := byRef[f.refs[0]]
		if !slices.Equal(c0.Categories, []string{"wages.unpaid", "documents.retained"}) {
			t.Errorf("categories = %v, want the taxonomy's order", c0.Categories)
		}
		if c0.Language != "vi" || c0.OriginCountry != "VN" || c0.Program != "technical_intern" || c0.Status != grievance.StatusReferred {
			t.Errorf("case 0 = %+v", c0)
		}
		if len(c0.Referrals) != 2 || c0.Referrals[0].OrgName != "Tokai Foods KK" || c0.Referrals[1].Status != grievance.ReferralAcknowledged {
			t.Errorf("case 0 referrals = %+v", c0.Referrals)
		}
		if c := byRef[f.refs[1]]; !c.Overdue || c.DeadlineKind != grievance.DeadlineAcknowledge || !c.DeadlineAt.Equal(f.now.Add(-5*time.Hour)) {
			t.Errorf("case 1 (past its deadline) = %+v", c)
		}
		if c := byRef[f.refs[4]]; c.Overdue {
			t.Error("a closed case past an old deadline is shown overdue")
		}
		if c := byRef[f.refs[2]]; !c.Overdue {
			t.Error("a case flagged overdue is not shown overdue")
		}
		if c := byRef[f.refs[6]]; !c.DeadlineAt.IsZero() {
			t.Errorf("case without deadline: %v", c.DeadlineAt)
		}
	})
}

func TestInboxScope(t *testing.T) {
	ibEachEngine(t, func(t *testing.T, engine string) {
		f := ibSetup(t, engine)
		ctx := context.Background()
		// The employer sees the cases referred to it and not declined (0
		// and 7; 5 was declined), and only its own referral of each.
		emp := access.CaseScope(access.Actor{Kind: access.Staff, OrgID: f.employer.ID, OrgType: org.Employer, Role: org.Responder})
		got := ibAll(t, f.e.db, emp, store.InboxFilter{}, 1, f.now)
		if !slices.Equal(ibRefs(got), f.order(0, 7)) {
			t.Errorf("employer sees %v, want %v", ibRefs(got), f.order(0, 7))
		}
		for _, c := range got {
			for _, r := range c.Referrals {
				if r.OrgID != f.employer.ID {
					t.Errorf("employer sees another organisation's referral of %s: %+v", c.Reference, r)
				}
			}
		}
		agency := access.CaseScope(access.Actor{Kind: access.Staff, OrgID: f.agency.ID, OrgType: org.SendingAgency, Role: org.Viewer})
		if got := ibRefs(ibAll(t, f.e.db, agency, store.InboxFilter{}, 2, f.now)); !slices.Equal(got, f.order(5, 0, 10)) {
			t.Errorf("agency sees %v, want %v", got, f.order(5, 0, 10))
		}
		other := access.CaseScope(access.Actor{Kind: access.Staff, OrgID: f.other.ID, OrgType: org.Union, Role: org.Admin})
		if got := ibAll(t, f.e.db, other, store.InboxFilter{}, 5, f.now); len(got) != 0 {
			t.Errorf("an unrelated organisation sees %v", ibRefs(got))
		}
		// Filters cannot widen the scope: the employer asking for the
		// agency's cases gets their intersection.
		if got := ibRefs(ibAll(t, f.e.db, emp, store.InboxFilter{OrgID: f.agency.ID}, 5, f.now)); !slices.Equal(got, f.order(0)) {
			t.Errorf("employer filtering by agency sees %v, want %v", got, f.order(0))
		}
		auditor := access.CaseScope(access.Actor{Kind: access.Staff, OrgID: 1, OrgType: org.Mechanism, Role: org.Auditor})
		if p, err := f.e.db.Inbox(ctx, auditor, store.InboxFilter{}, store.InboxCursor{}, 50, f.now); err != nil || len(p.Cases) != 0 {
			t.Errorf("an auditor sees %d cases (%v)", len(p.Cases), err)
		}
		if p, err := f.e.db.Inbox(ctx, access.Scope{}, store.InboxFilter{}, store.InboxCursor{}, 50, f.now); err != nil || len(p.Cases) != 0 {
			t.Errorf("an empty scope sees %d cases (%v)", len(p.Cases), err)
		}
		worker := access.CaseScope(access.Actor{Kind: access.Worker, CaseID: f.ids[3]})
		if got := ibRefs(ibAll(t, f.e.db, worker, store.InboxFilter{}, 5, f.now)); !slices.Equal(got, f.order(3)) {
			t.Errorf("a worker's scope sees %v", got)
		}
	})
}

func TestInboxFilters(t *testing.T) {
	ibEachEngine(t, func(t *testing.T, engine string) {
		f := ibSetup(t, engine)
		all := access.Scope{All: true}
		tests := []struct {
			name   string
			filter store.InboxFilter
			want   []int
		}{
			{"status", store.InboxFilter{Status: "received"}, []int{3, 1}},
			{"open", store.InboxFilter{Status: store.InboxOpen}, []int{3, 1, 2, 5, 0, 8, 10, 7}},
			{"risk urgent", store.InboxFilter{Risk: "urgent"}, []int{3, 0}},
			{"category", store.InboxFilter{Category: "wages.unpaid"}, []int{1, 5, 0}},
			{"origin", store.InboxFilter{Origin: "VN"}, []int{4, 1, 0, 10, 7}},
			{"language", store.InboxFilter{Language: "vi"}, []int{4, 1, 0, 10, 7}},
			{"program", store.InboxFilter{Program: "specified_skilled"}, []int{4, 2}},
			{"referred to the employer (declined left out)", store.InboxFilter{OrgID: f.employer.ID}, []int{0, 7}},
			{"referred to the agency", store.InboxFilter{OrgID: f.agency.ID}, []int{5, 0, 10}},
			{"overdue", store.InboxFilter{Overdue: true}, []int{3, 1, 2, 11}},
			{"status + language + overdue", store.InboxFilter{Status: "received", Language: "vi", Overdue: true}, []int{1}},
			{"nothing matches", store.InboxFilter{Language: "vi", Origin: "ID"}, nil},
		}
		for _, tt := range tests {
			for _, n := range []int{1, 50} {
				got := ibRefs(ibAll(t, f.e.db, all, tt.filter, n, f.now))
				want := f.order(tt.want...)
				if !slices.Equal(got, want) {
					t.Errorf("%s (pages of %d): %v, want %v", tt.name, n, got, want)
				}
			}
		}
	})
}

func TestInboxCursorToken(t *testing.T) {
	for _, c := range []store.InboxCursor{
		{HasDeadline: true, Deadline: 1793611800000, ID: 42},
		{HasDeadline: true, Deadline: -5, ID: 1},
		{ID: 7},
	} {
		tok := c.String()
		if strings.ContainsAny(tok, "+/=&?# ") {
			t.Errorf("token %q is not URL-safe", tok)
		}
		back, err := store.ParseInboxCursor(tok)
		if err != nil || back != c {
			t.Errorf("ParseInboxCursor(%q) = %+v, %v; want %+v", tok, back, err, c)
		}
	}
	if c, err := store.ParseInboxCursor(""); err != nil || !c.IsZero() {
		t.Errorf(`ParseInboxCursor("") = %+v, %v`, c, err)
	}
	for _, bad := range []string{"!!", "bm90LWEtY3Vyc29y", "ZDE6MA", "bjotMQ", "eDE6Mg", strings.Repeat("QUFB", 40)} {
		if _, err := store.ParseInboxCursor(bad); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("ParseInboxCursor(%q): %v, want a validation error", bad, err)
		}
	}
}

// FuzzParseInboxCursor: the "after" parameter comes from URLs; parsing
// never panics, and whatever it accepts prints back to the same cursor.
func FuzzParseInboxCursor(f *testing.F) {
	for _, seed := range []string{"", "ZDE3OTM2MTE4MDAwMDA6NDI", "bjo3", "!!", "ZC01OjE", strings.Repeat("A", 64)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := store.ParseInboxCursor(token)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("ParseInboxCursor(%q): %v, want a validation error", token, err)
			}
			return
		}
		if token == "" {
			return
		}
		back, err := store.ParseInboxCursor(c.String())
		if err != nil || back != c || c.ID <= 0 {
			t.Fatalf("ParseInboxCursor(%q) = %+v; printed %q parses to %+v, %v", token, c, c.String(), back, err)
		}
	})
}
