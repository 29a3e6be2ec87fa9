package jobs_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"log/slog"
	"path/filepath"
	"sort"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/intake"
	"remedy/internal/jobs"
	"remedy/internal/notify"
	"remedy/internal/org"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/testutil/fakes"
	"remedy/internal/testutil/pgtest"
	"remedy/internal/vault"
)

// env is the application's services on a fresh database of one engine,
// with an injected clock, a second pool to look (and act, where the
// casework service would) behind the services' back, and a log buffer.
type env struct {
	engine string
	opts   store.Options
	db     *store.DB
	raw    *sql.DB
	keys   *vault.Keyring
	bundle *i18n.Bundle
	clock  *fakes.Clock
	intake *intake.Service
	staff  *staff.Service
	logs   *fakes.Buffer
}

// engines are the engines every test runs on (PostgreSQL when
// REMEDY_TEST_POSTGRES is set, as pgtest decides).
var engines = []string{store.SQLite, store.Postgres}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{engine: engine, opts: store.Options{DataDir: t.TempDir()}, logs: &fakes.Buffer{}}
	if engine == store.Postgres {
		e.opts.URL = pgtest.DSN(t)
	}
	e.db = e.open(t)
	if _, err := e.db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	var err error
	if e.keys, _, err = vault.LoadOrCreateMasterKey(e.opts.DataDir, "", rand.Reader); err != nil {
		t.Fatal(err)
	}
	if e.bundle, err = i18n.Load(); err != nil {
		t.Fatal(err)
	}
	if engine == store.Postgres {
		e.raw, err = sql.Open("pgx", e.opts.URL)
	} else {
		e.raw, err = sql.Open("sqlite", "file:"+filepath.Join(e.opts.DataDir, "remedy.db")+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.raw.Close() })
	e.clock = fakes.NewClock(time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	e.intake = &intake.Service{DB: e.db, Keys: e.keys, Now: e.clock.Now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy}
	e.staff = &staff.Service{DB: e.db, Keys: e.keys, Now: e.clock.Now, Rand: rand.Reader}
	return e
}

// open opens another handle on the same database, as a second process would.
func (e *env) open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), e.opts)
	if err != nil {
		t.Fatalf("open %s: %v", e.engine, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// deadlines is a fresh deadline worker (a new instance is a restart).
func (e *env) deadlines(db *store.DB) *jobs.Deadlines {
	return &jobs.Deadlines{DB: db, Keys: e.keys, Now: e.clock.Now, Rand: rand.Reader, Logger: e.logger()}
}

func (e *env) mustOrg(t *testing.T, name string, typ org.Type, country string, langs ...string) int64 {
	t.Helper()
	o, err := e.staff.AddOrganization(context.Background(), org.Organization{Name: name, Type: typ, Country: country, Languages: langs}, "system")
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func (e *env) mustPerson(t *testing.T, orgID int64, role org.Role, email string) {
	t.Helper()
	if _, err := e.staff.AddPerson(context.Background(), org.Person{OrgID: orgID, Email: email, Role: role}, "correct horse battery staple", "system"); err != nil {
		t.Fatal(err)
	}
}

// world is a mechanism in Japan with two admins and a caseworker, an
// employer and a sending agency in Viet Nam, each with an admin.
type world struct {
	mechanism, employer, agency int64
}

var mechanismAdmins = []string{"admin1@mechanism.example", "admin2@mechanism.example"}

func (e *env) mustWorld(t *testing.T) world {
	t.Helper()
	w := world{
		mechanism: e.mustOrg(t, "Mechanism", org.Mechanism, "JP", "ja", "en"),
		employer:  e.mustOrg(t, "Example Foods", org.Employer, "JP", "ja"),
		agency:    e.mustOrg(t, "Example JSC", org.SendingAgency, "VN", "vi"),
	}
	e.mustPerson(t, w.mechanism, org.Admin, mechanismAdmins[0])
	e.mustPerson(t, w.mechanism, org.Admin, mechanismAdmins[1])
	e.mustPerson(t, w.mechanism, org.Caseworker, "caseworker@mechanism.example")
	e.mustPerson(t, w.employer, org.Admin, "admin@employer.example")
	e.mustPerson(t, w.agency, org.Admin, "admin@agency.example")
	e.mustPerson(t, w.agency, org.Responder, "responder@agency.example")
	return w
}

const (
	narrative = "Công ty không trả lương tháng 10 và giữ hộ chiếu của tôi."
	employer  = "Example Foods K.K."
	worker    = "worker@example.com"
)

func (e *env) mustSubmit(t *testing.T, channel, value string) intake.Receipt {
	t.Helper()
	r, err := e.intake.Submit(context.Background(), grievance.Submission{
		Language: "vi", OriginCountry: "VN", Program: "technical_intern",
		Categories: []string{"wages.unpaid"}, Narrative: narrative, EmployerName: employer,
		Contact: grievance.Contact{Name: "Nguyen Van A", Channel: channel, Value: value},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := e.raw.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.raw.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (e *env) caseOverdue(t *testing.T, id int64) bool {
	t.Helper()
	var b bool
	if err := e.raw.QueryRow("SELECT overdue FROM cases WHERE id = $1", id).Scan(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

// escalation is what one missed deadline left behind.
type escalation struct {
	events, audits int
	recipients     []string // of deadline_missed notifications, sorted
	languages      map[string]string
	stages         map[string]bool
}

func (e *env) escalations(t *testing.T, c intake.Receipt) escalation {
	t.Helper()
	ctx := context.Background()
	x := escalation{languages: map[string]string{}, stages: map[string]bool{}}
	x.events = e.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = $1 AND kind = 'deadline_missed' AND actor = 'system'", c.CaseID)
	entries, err := e.db.AuditEntriesForCase(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if en.Action == "case.deadline_missed" {
			x.audits++
			if en.Actor != "system" {
				t.Errorf("escalation audited as %q", en.Actor)
			}
		}
	}
	rec, err := e.db.CaseByID(ctx, c.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	dek, err := e.keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.db.OutboxOfCase(ctx, c.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Template != notify.TemplateDeadlineMissed {
			continue
		}
		if r.Channel != notify.ChannelEmail || r.Status != store.OutboxPending {
			t.Errorf("notification %d: channel %s status %s", r.ID, r.Channel, r.Status)
		}
		p, err := notify.OpenPayload(dek, c.Reference, r.SealedPayload)
		if err != nil {
			t.Fatal(err)
		}
		if p.Reference != c.Reference || p.DeadlineAt.IsZero() {
			t.Errorf("payload %+v", p)
		}
		x.recipients = append(x.recipients, p.To)
		x.languages[p.To] = p.Language
		x.stages[p.Stage] = true
	}
	sort.Strings(x.recipients)
	return x
}

func (e *env) jobsOf(t *testing.T, caseID int64) map[string]store.Job {
	t.Helper()
	js, err := e.db.JobsOfCase(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Job{}
	for _, j := range js {
		out[j.Kind] = j
	}
	return out
}

func verifyAudit(t *testing.T, db *store.DB) {
	t.Helper()
	v := audit.NewVerifier()
	if err := db.EachAuditEntry(context.Background(), v.Add); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
}
