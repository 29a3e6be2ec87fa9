package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/store"
	"remedy/internal/testutil/pgtest"
	"remedy/internal/testutil/stack"
)

// engineDB is a database for one test, with what is needed to reach it
// behind the store's back (to read or tamper with rows).
type engineDB struct {
	*store.DB
	engine string
	dir    string // SQLite data directory
	dsn    string // PostgreSQL DSN (with the test's own schema)
}

// openEngineDB opens a fresh database of engine, migrated when migrate is
// true. It does what stack.OpenDB does, and also keeps the DSN.
func openEngineDB(t *testing.T, engine string, migrate bool) engineDB {
	t.Helper()
	d := engineDB{engine: engine, dir: t.TempDir()}
	opts := store.Options{DataDir: d.dir}
	if engine == store.Postgres {
		d.dsn = pgtest.DSN(t)
		opts.URL = d.dsn
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if db.Engine() != engine {
		t.Fatalf("Engine() = %q, want %q", db.Engine(), engine)
	}
	if migrate {
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("migrate %s: %v", engine, err)
		}
	}
	d.DB = db
	return d
}

// raw opens a second, independent connection pool on the same database.
func (d engineDB) raw(t *testing.T) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if d.engine == store.Postgres {
		db, err = sql.Open("pgx", d.dsn)
	} else {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(d.dir, "remedy.db")+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testTime is when the test cases are created: not on a millisecond, to
// check that times are stored to the millisecond.
var testTime = time.Date(2026, 11, 2, 9, 30, 15, 123456789, time.UTC)

// newSealedCase returns a case ready to store, numbered n so that its
// reference and receipt hash are distinct from other cases'.
func newSealedCase(n int, categories []string, anonymous bool, now time.Time) *store.SealedCase {
	sub := grievance.Submission{
		Language: "vi", OriginCountry: "VN", Program: "technical_intern", Categories: categories,
		Narrative: "narrative", IncidentDate: "2026-10-01", Prefecture: "JP-23",
	}
	if !anonymous {
		sub.Contact = grievance.Contact{Name: "A", Channel: "phone", Value: "090-1234-5678"}
		sub.ShareIdentity = true
	}
	sub.Normalize()
	c := grievance.NewCase(sub, fmt.Sprintf("RM-TEST-%04d", n), now, grievance.DefaultAckPolicy)
	return &store.SealedCase{
		Case:          c,
		ReceiptHash:   receiptHash(n),
		WrappedKey:    []byte(fmt.Sprintf("wrapped-key-%d\x00\xff", n)),
		SealedDetails: []byte(fmt.Sprintf("sealed-details-%d\x00\xfe", n)),
	}
}

func receiptHash(n int) []byte {
	h := sha256.Sum256([]byte(fmt.Sprintf("receipt-%d", n)))
	return h[:]
}

func createdEntry(now time.Time) audit.Entry {
	return audit.Entry{At: now, Actor: "worker", Action: "case.created", Detail: "test"}
}

func mustCreate(t *testing.T, db engineDB, sc *store.SealedCase, idem *store.Idempotency) {
	t.Helper()
	if err := db.CreateCase(context.Background(), sc, idem, createdEntry(sc.Case.CreatedAt)); err != nil {
		t.Fatalf("CreateCase %s: %v", sc.Case.Reference, err)
	}
	if sc.Case.ID == 0 {
		t.Fatalf("CreateCase %s did not set the ID", sc.Case.Reference)
	}
}

func countCases(t *testing.T, db engineDB) int {
	t.Helper()
	n, err := db.CountCases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// verifyChain runs the audit chain through a verifier and checks the head
// row; it returns the verifier's error.
func verifyChain(t *testing.T, db engineDB) (int64, error) {
	t.Helper()
	ctx := context.Background()
	v := audit.NewVerifier()
	err := db.EachAuditEntry(ctx, v.Add)
	if err != nil {
		return v.Count(), err
	}
	seq, hash, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if seq != v.Count() {
		t.Errorf("AuditHead seq = %d, but the chain has %d entries", seq, v.Count())
	}
	if !bytes.Equal(hash, v.Head()) {
		t.Errorf("AuditHead hash = %x, chain head = %x", hash, v.Head())
	}
	return v.Count(), nil
}

func TestStoreEngines(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Run("Migrate", func(t *testing.T) { testMigrate(t, engine) })
			t.Run("ConcurrentMigrate", func(t *testing.T) { testConcurrentMigrate(t, engine) })
			t.Run("CaseRoundTrip", func(t *testing.T) { testCaseRoundTrip(t, engine) })
			t.Run("NotFound", func(t *testing.T) { testNotFound(t, engine) })
			t.Run("DuplicateCase", func(t *testing.T) { testDuplicateCase(t, engine) })
			t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, engine) })
			t.Run("Passphrase", func(t *testing.T) { testPassphrase(t, engine) })
			t.Run("Messages", func(t *testing.T) { testMessages(t, engine) })
			t.Run("WorkerSessions", func(t *testing.T) { testWorkerSessions(t, engine) })
			t.Run("AuditChain", func(t *testing.T) { testAuditChain(t, engine) })
			t.Run("AuditTamper", func(t *testing.T) { testAuditTamper(t, engine) })
			t.Run("ConcurrentCreate", func(t *testing.T) { testConcurrentCreate(t, engine) })
		})
	}
}

func migrationVersions(t *testing.T, engine string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", engine, "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(filepath.Base(f), ".sql"))
	}
	sort.Strings(out)
	return out
}

func TestMigrationsSameOnBothEngines(t *testing.T) {
	sqlite, pg := migrationVersions(t, store.SQLite), migrationVersions(t, store.Postgres)
	if len(sqlite) == 0 || !reflect.DeepEqual(sqlite, pg) {
		t.Errorf("migrations differ: sqlite %q, postgres %q", sqlite, pg)
	}
}

func testMigrate(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, false)
	want := migrationVersions(t, engine)
	if len(want) == 0 || want[0] != "0001_intake" {
		t.Fatalf("migration files: %q", want)
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatalf("first Migrate: %v", err)
	}
	if !reflect.DeepEqual(applied, want) {
		t.Errorf("first Migrate applied %q, want %q", applied, want)
	}
	applied, err = db.Migrate(ctx)
	if err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if len(applied) != 0 {
		t.Errorf("second Migrate applied %q, want nothing", applied)
	}
	raw := db.raw(t)
	var n int
	if err := raw.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(want))
	}
	// The chain starts empty, at the genesis hash.
	seq, hash, err := db.AuditHead(ctx)
	if err != nil || seq != 0 || !bytes.Equal(hash, audit.GenesisHash()) {
		t.Errorf("AuditHead on a new database = %d, %x, %v; want 0, genesis", seq, hash, err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// testConcurrentMigrate starts several processes' worth of stores on one
// fresh PostgreSQL schema at once, as a rolling deploy does: Migrate says
// "Several processes may start at once on one PostgreSQL; one migrates", so
// every Migrate must succeed and the migrations must be applied once.
func testConcurrentMigrate(t *testing.T, engine string) {
	if engine != store.Postgres {
		t.Skip("SQLite is embedded: one process owns the data directory")
	}
	ctx := context.Background()
	const rounds, procs = 4, 4
	for round := 0; round < rounds; round++ {
		dsn := pgtest.DSN(t)
		dbs := make([]*store.DB, procs)
		for i := range dbs {
			db, err := store.Open(ctx, store.Options{URL: dsn})
			if err != nil {
				t.Fatal(err)
			}
			dbs[i] = db
		}
		applied := make([][]string, procs)
		errs := make([]error, procs)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, db := range dbs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				applied[i], errs[i] = db.Migrate(ctx)
			}()
		}
		close(start)
		wg.Wait()
		var total []string
		for i := range dbs {
			if errs[i] != nil {
				t.Errorf("round %d, process %d: Migrate: %v", round, i, errs[i])
			}
			total = append(total, applied[i]...)
		}
		if want := migrationVersions(t, engine); !reflect.DeepEqual(total, want) {
			t.Errorf("round %d: migrations applied %q in all, want %q once", round, total, want)
		}
		for _, db := range dbs {
			db.Close()
		}
		if t.Failed() {
			return
		}
	}
}

// wantRecord is what reading sc back must give: every clear field, the
// categories in taxonomy order, and the sealed parts; the details are not
// stored in clear, so they read back empty.
func checkRecord(t *testing.T, how string, got store.CaseRecord, sc *store.SealedCase, wantCategories []string) {
	t.Helper()
	want := sc.Case
	want.Details = grievance.Details{}
	want.Categories = wantCategories
	for _, tm := range []struct {
		name      string
		got, want time.Time
	}{
		{"CreatedAt", got.Case.CreatedAt, want.CreatedAt},
		{"AcknowledgeBy", got.Case.AcknowledgeBy, want.AcknowledgeBy},
		{"UpdatedAt", got.Case.UpdatedAt, want.UpdatedAt},
	} {
		if !tm.got.Equal(tm.want) || tm.got.Location() != time.UTC {
			t.Errorf("%s: %s = %s, want %s (UTC)", how, tm.name, tm.got.Format(time.RFC3339Nano), tm.want.Format(time.RFC3339Nano))
		}
	}
	g := got.Case
	g.CreatedAt, g.AcknowledgeBy, g.UpdatedAt = want.CreatedAt, want.AcknowledgeBy, want.UpdatedAt
	if !reflect.DeepEqual(g, want) {
		t.Errorf("%s: case =\n  %+v\nwant\n  %+v", how, g, want)
	}
	if !bytes.Equal(got.WrappedKey, sc.WrappedKey) || !bytes.Equal(got.SealedDetails, sc.SealedDetails) {
		t.Errorf("%s: sealed parts differ: %q %q", how, got.WrappedKey, got.SealedDetails)
	}
	if got.PassphraseHash != "" {
		t.Errorf("%s: PassphraseHash = %q, want empty", how, got.PassphraseHash)
	}
}

func testCaseRoundTrip(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)

	cases := []struct {
		sc         *store.SealedCase
		categories []string // in taxonomy order
	}{
		{
			// Given out of taxonomy order; urgent; named contact who shares identity.
			newSealedCase(1, []string{"threats", "other", "hours.excessive", "wages.unpaid"}, false, testTime),
			[]string{"wages.unpaid", "hours.excessive", "threats", "other"},
		},
		{
			// Anonymous, no indicators, normal.
			newSealedCase(2, []string{"other"}, true, testTime.Add(time.Second)),
			[]string{"other"},
		},
		{
			newSealedCase(3, []string{"recruitment.deception", "movement.restricted", "discrimination.pregnancy"}, true, testTime.Add(1500*time.Microsecond)),
			[]string{"discrimination.pregnancy", "movement.restricted", "recruitment.deception"},
		},
	}
	// Case 2 leaves the optional clear fields empty.
	cases[1].sc.Case.Prefecture, cases[1].sc.Case.IncidentDate = "", ""

	for _, tc := range cases {
		mustCreate(t, db, tc.sc, nil)
	}
	if cases[0].sc.Case.Triage.Risk != grievance.RiskUrgent || !cases[1].sc.Case.Anonymous || cases[1].sc.Case.ShareIdentity ||
		cases[0].sc.Case.Anonymous || !cases[0].sc.Case.ShareIdentity || len(cases[1].sc.Case.Triage.Indicators) != 0 {
		t.Fatal("test cases do not cover what they should")
	}
	ids := map[int64]bool{}
	for _, tc := range cases {
		c := tc.sc.Case
		if ids[c.ID] {
			t.Errorf("ID %d given twice", c.ID)
		}
		ids[c.ID] = true
		// Stored to the millisecond.
		if c.CreatedAt.Nanosecond()%int(time.Millisecond) != 0 {
			t.Fatalf("NewCase kept sub-millisecond time %s", c.CreatedAt)
		}
		r, err := db.CaseByReference(ctx, c.Reference)
		if err != nil {
			t.Fatalf("CaseByReference(%s): %v", c.Reference, err)
		}
		checkRecord(t, "CaseByReference "+c.Reference, r, tc.sc, tc.categories)
		r, err = db.CaseByReceiptHash(ctx, tc.sc.ReceiptHash)
		if err != nil {
			t.Fatalf("CaseByReceiptHash(%s): %v", c.Reference, err)
		}
		checkRecord(t, "CaseByReceiptHash "+c.Reference, r, tc.sc, tc.categories)
		r, err = db.CaseByID(ctx, c.ID)
		if err != nil {
			t.Fatalf("CaseByID(%d): %v", c.ID, err)
		}
		checkRecord(t, "CaseByID "+c.Reference, r, tc.sc, tc.categories)
	}
	if n := countCases(t, db); n != len(cases) {
		t.Errorf("CountCases = %d, want %d", n, len(cases))
	}

	// Each case has its acknowledgement deadline job.
	raw := db.raw(t)
	for _, tc := range cases {
		var kind, state string
		var runAt int64
		err := raw.QueryRow("SELECT kind, run_at, state FROM jobs WHERE case_id = $1", tc.sc.Case.ID).Scan(&kind, &runAt, &state)
		if err != nil {
			t.Fatalf("job of %s: %v", tc.sc.Case.Reference, err)
		}
		if kind != store.JobAcknowledgeDeadline || runAt != tc.sc.Case.AcknowledgeBy.UnixMilli() || state != "pending" {
			t.Errorf("job of %s = %s %d %s, want %s %d pending", tc.sc.Case.Reference, kind, runAt, state,
				store.JobAcknowledgeDeadline, tc.sc.Case.AcknowledgeBy.UnixMilli())
		}
	}
}

func testNotFound(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	mustCreate(t, db, newSealedCase(1, []string{"other"}, true, testTime), nil)
	checks := map[string]func() error{
		"CaseByReference": func() error { _, err := db.CaseByReference(ctx, "RM-NONE-0000"); return err },
		"CaseByReceiptHash": func() error {
			_, err := db.CaseByReceiptHash(ctx, receiptHash(99))
			return err
		},
		"CaseByID":        func() error { _, err := db.CaseByID(ctx, 987654); return err },
		"FindIdempotency": func() error { _, err := db.FindIdempotency(ctx, []byte("no such key")); return err },
		"SetPassphrase": func() error {
			return db.SetPassphrase(ctx, 987654, "hash", audit.Entry{At: testTime, Actor: "worker", Action: "passphrase.set"}, testTime)
		},
	}
	for name, fn := range checks {
		err := fn()
		if code := apperr.CodeOf(err); code != apperr.NotFound {
			t.Errorf("%s of an unknown case: %v (code %s), want NotFound", name, err, code)
		}
	}
	// A failed SetPassphrase audits nothing.
	if n, err := verifyChain(t, db); err != nil || n != 1 {
		t.Errorf("chain after failed operations: %d entries, %v; want 1", n, err)
	}
}

func testDuplicateCase(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	first := newSealedCase(1, []string{"other"}, true, testTime)
	mustCreate(t, db, first, nil)

	sameReceipt := newSealedCase(2, []string{"threats"}, true, testTime)
	sameReceipt.ReceiptHash = first.ReceiptHash
	if err := db.CreateCase(ctx, sameReceipt, nil, createdEntry(testTime)); err == nil {
		t.Error("CreateCase with a duplicate receipt hash succeeded")
	}
	sameRef := newSealedCase(3, []string{"threats"}, true, testTime)
	sameRef.Case.Reference = first.Case.Reference
	if err := db.CreateCase(ctx, sameRef, nil, createdEntry(testTime)); err == nil {
		t.Error("CreateCase with a duplicate reference succeeded")
	}
	if n := countCases(t, db); n != 1 {
		t.Errorf("CountCases = %d after duplicates, want 1", n)
	}
	// Nothing of the failed creates is left: no audit entry, no categories.
	if n, err := verifyChain(t, db); err != nil || n != 1 {
		t.Errorf("chain after failed creates: %d entries, %v; want 1", n, err)
	}
	r, err := db.CaseByReference(ctx, first.Case.Reference)
	if err != nil || !reflect.DeepEqual(r.Case.Categories, []string{"other"}) {
		t.Errorf("first case after duplicates: %v, %v", r.Case.Categories, err)
	}
	// The store still works after the failed transactions.
	mustCreate(t, db, newSealedCase(4, []string{"other"}, true, testTime), nil)
}

func testIdempotency(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	idem := &store.Idempotency{KeyHash: []byte("key-hash-1"), RequestHash: []byte("request-hash-1"), SealedResponse: []byte("sealed\x00response")}
	first := newSealedCase(1, []string{"other"}, true, testTime)
	mustCreate(t, db, first, idem)

	got, err := db.FindIdempotency(ctx, idem.KeyHash)
	if err != nil {
		t.Fatalf("FindIdempotency: %v", err)
	}
	if !bytes.Equal(got.KeyHash, idem.KeyHash) || !bytes.Equal(got.RequestHash, idem.RequestHash) || !bytes.Equal(got.SealedResponse, idem.SealedResponse) {
		t.Errorf("FindIdempotency = %+v, want %+v", got, idem)
	}

	second := newSealedCase(2, []string{"threats"}, true, testTime)
	again := &store.Idempotency{KeyHash: []byte("key-hash-1"), RequestHash: []byte("request-hash-2"), SealedResponse: []byte("other")}
	err = db.CreateCase(ctx, second, again, createdEntry(testTime))
	if !errors.Is(err, store.ErrDuplicateIdempotencyKey) {
		t.Errorf("second CreateCase with the same key: %v, want ErrDuplicateIdempotencyKey", err)
	}
	if n := countCases(t, db); n != 1 {
		t.Errorf("CountCases = %d, want 1", n)
	}
	if _, err := db.CaseByReference(ctx, second.Case.Reference); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("the refused case was stored: %v", err)
	}
	// The remembered answer is still the first one.
	got, err = db.FindIdempotency(ctx, idem.KeyHash)
	if err != nil || !bytes.Equal(got.RequestHash, idem.RequestHash) {
		t.Errorf("FindIdempotency after the duplicate = %+v, %v", got, err)
	}
	// Another key is another case.
	mustCreate(t, db, newSealedCase(3, []string{"other"}, true, testTime),
		&store.Idempotency{KeyHash: []byte("key-hash-2"), RequestHash: []byte("r"), SealedResponse: []byte("s")})
	if n := countCases(t, db); n != 2 {
		t.Errorf("CountCases = %d, want 2", n)
	}
	if n, err := verifyChain(t, db); err != nil || n != 2 {
		t.Errorf("chain: %d entries, %v; want 2", n, err)
	}
}

func testPassphrase(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	sc := newSealedCase(1, []string{"other"}, true, testTime)
	mustCreate(t, db, sc, nil)
	later := testTime.Add(time.Hour)
	if err := db.SetPassphrase(ctx, sc.Case.ID, "$argon2id$fake", audit.Entry{At: later, Actor: "worker", Action: "passphrase.set"}, later); err != nil {
		t.Fatal(err)
	}
	r, err := db.CaseByID(ctx, sc.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.PassphraseHash != "$argon2id$fake" {
		t.Errorf("PassphraseHash = %q", r.PassphraseHash)
	}
	if !r.Case.UpdatedAt.Equal(later.Truncate(time.Millisecond)) {
		t.Errorf("UpdatedAt = %s, want %s", r.Case.UpdatedAt, later)
	}
	entries, err := db.AuditEntriesForCase(ctx, sc.Case.Reference)
	if err != nil || len(entries) != 2 || entries[1].Action != "passphrase.set" || entries[1].CaseRef != sc.Case.Reference {
		t.Errorf("audit of the case = %+v, %v", entries, err)
	}
}

func testMessages(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	sc := newSealedCase(1, []string{"other"}, true, testTime)
	mustCreate(t, db, sc, nil)
	other := newSealedCase(2, []string{"other"}, true, testTime)
	mustCreate(t, db, other, nil)

	var sent []store.SealedMessage
	for i, author := range []string{grievance.AuthorWorker, grievance.AuthorStaff, grievance.AuthorWorker, grievance.AuthorWorker} {
		m := store.SealedMessage{
			CaseID:     sc.Case.ID,
			Author:     author,
			CreatedAt:  testTime.Add(time.Duration(i+1) * time.Minute).Truncate(time.Millisecond),
			SealedBody: []byte(fmt.Sprintf("body %d \x00\xff", i)),
		}
		if err := db.AddMessage(ctx, &m, audit.Entry{At: m.CreatedAt, Actor: author, Action: "message.added"}); err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 {
			t.Fatal("AddMessage did not set the ID")
		}
		sent = append(sent, m)
		// A message in another case in between.
		om := store.SealedMessage{CaseID: other.Case.ID, Author: "staff", CreatedAt: m.CreatedAt, SealedBody: []byte("other")}
		if err := db.AddMessage(ctx, &om, audit.Entry{At: m.CreatedAt, Actor: "staff", Action: "message.added"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Messages(ctx, sc.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sent) {
		t.Fatalf("Messages: %d, want %d", len(got), len(sent))
	}
	for i := range sent {
		g, w := got[i], sent[i]
		if g.ID != w.ID || g.CaseID != w.CaseID || g.Author != w.Author || !g.CreatedAt.Equal(w.CreatedAt) || !bytes.Equal(g.SealedBody, w.SealedBody) {
			t.Errorf("Messages[%d] = %+v, want %+v", i, g, w)
		}
		if i > 0 && g.ID <= got[i-1].ID {
			t.Errorf("Messages not in order: id %d after %d", g.ID, got[i-1].ID)
		}
	}
	// Adding a message touches the case.
	r, err := db.CaseByID(ctx, sc.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Case.UpdatedAt.Equal(sent[len(sent)-1].CreatedAt) {
		t.Errorf("UpdatedAt = %s, want the last message's time %s", r.Case.UpdatedAt, sent[len(sent)-1].CreatedAt)
	}
	// No messages: an empty thread, not an error.
	third := newSealedCase(3, []string{"other"}, true, testTime)
	mustCreate(t, db, third, nil)
	if got, err := db.Messages(ctx, third.Case.ID); err != nil || len(got) != 0 {
		t.Errorf("Messages of a case without messages = %v, %v", got, err)
	}
	// A message for an unknown case is refused and audits nothing.
	before, _ := verifyChain(t, db)
	bad := store.SealedMessage{CaseID: 987654, Author: "worker", CreatedAt: testTime, SealedBody: []byte("x")}
	if err := db.AddMessage(ctx, &bad, audit.Entry{At: testTime, Actor: "worker", Action: "message.added"}); err == nil {
		t.Error("AddMessage to an unknown case succeeded")
	}
	if after, err := verifyChain(t, db); err != nil || after != before {
		t.Errorf("chain after a refused message: %d entries (was %d), %v", after, before, err)
	}
}

func testWorkerSessions(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	sc := newSealedCase(1, []string{"other"}, true, testTime)
	mustCreate(t, db, sc, nil)
	now := testTime
	token := []byte("token-hash-1")
	if err := db.CreateWorkerSession(ctx, token, sc.Case.ID, now, now.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	unauthorized := func(what string, token []byte, at time.Time) {
		t.Helper()
		id, err := db.WorkerSessionCase(ctx, token, at)
		if apperr.CodeOf(err) != apperr.Unauthorized || id != 0 {
			t.Errorf("%s: WorkerSessionCase = %d, %v; want Unauthorized", what, id, err)
		}
	}
	for _, at := range []time.Time{now, now.Add(29*time.Minute + 59*time.Second)} {
		if id, err := db.WorkerSessionCase(ctx, token, at); err != nil || id != sc.Case.ID {
			t.Errorf("valid session at %s: %d, %v; want %d", at, id, err, sc.Case.ID)
		}
	}
	unauthorized("at expiry", token, now.Add(30*time.Minute))
	unauthorized("expired", token, now.Add(31*time.Minute))
	unauthorized("unknown token", []byte("token-hash-2"), now)

	// Creating a session purges expired ones.
	short := []byte("token-hash-short")
	if err := db.CreateWorkerSession(ctx, short, sc.Case.ID, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateWorkerSession(ctx, []byte("token-hash-3"), sc.Case.ID, now.Add(2*time.Minute), now.Add(32*time.Minute)); err != nil {
		t.Fatal(err)
	}
	unauthorized("purged session, asked with an old clock", short, now)
	if id, err := db.WorkerSessionCase(ctx, token, now.Add(2*time.Minute)); err != nil || id != sc.Case.ID {
		t.Errorf("live session after purge: %d, %v", id, err)
	}

	if err := db.DeleteWorkerSession(ctx, token); err != nil {
		t.Fatal(err)
	}
	unauthorized("deleted", token, now)
	if err := db.DeleteWorkerSession(ctx, []byte("never existed")); err != nil {
		t.Errorf("DeleteWorkerSession of an unknown token: %v", err)
	}
}

func testAuditChain(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	a := newSealedCase(1, []string{"threats"}, false, testTime)
	b := newSealedCase(2, []string{"other"}, true, testTime.Add(time.Second))
	mustCreate(t, db, a, nil)
	mustCreate(t, db, b, nil)
	// Times with nanoseconds: only microseconds are stored and hashed.
	at := testTime.Add(time.Minute + 987*time.Nanosecond)
	m := store.SealedMessage{CaseID: a.Case.ID, Author: "worker", CreatedAt: at.Truncate(time.Millisecond), SealedBody: []byte("x")}
	if err := db.AddMessage(ctx, &m, audit.Entry{At: at, Actor: "worker", Action: "message.added"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassphrase(ctx, b.Case.ID, "h", audit.Entry{At: at, Actor: "worker", Action: "passphrase.set"}, at); err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(ctx, audit.Entry{At: at.In(time.FixedZone("JST", 9*3600)), Actor: "system", Action: "test.standalone", Detail: "détail ✓"}); err != nil {
		t.Fatal(err)
	}
	n, err := verifyChain(t, db)
	if err != nil {
		t.Fatalf("chain does not verify: %v", err)
	}
	if n != 5 {
		t.Errorf("chain has %d entries, want 5", n)
	}
	var all []audit.Entry
	if err := db.EachAuditEntry(ctx, func(e audit.Entry) error { all = append(all, e); return nil }); err != nil {
		t.Fatal(err)
	}
	wantActions := []string{"case.created", "case.created", "message.added", "passphrase.set", "test.standalone"}
	wantRefs := []string{a.Case.Reference, b.Case.Reference, a.Case.Reference, b.Case.Reference, ""}
	for i, e := range all {
		if e.Seq != int64(i+1) || e.Action != wantActions[i] || e.CaseRef != wantRefs[i] {
			t.Errorf("entry %d = seq %d %s %q, want seq %d %s %q", i, e.Seq, e.Action, e.CaseRef, i+1, wantActions[i], wantRefs[i])
		}
		if e.At.Location() != time.UTC || e.At.Nanosecond()%1000 != 0 {
			t.Errorf("entry %d: At = %s, want UTC to the microsecond", i, e.At)
		}
	}
	if want := at.UTC().Truncate(time.Microsecond); !all[2].At.Equal(want) {
		t.Errorf("entry 3 At = %s, want %s", all[2].At, want)
	}
	if all[4].Detail != "détail ✓" {
		t.Errorf("entry 5 detail = %q", all[4].Detail)
	}
	// Stopping early returns fn's error.
	stop := errors.New("stop")
	calls := 0
	if err := db.EachAuditEntry(ctx, func(audit.Entry) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("EachAuditEntry with a failing fn: %v after %d calls", err, calls)
	}
	forA, err := db.AuditEntriesForCase(ctx, a.Case.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if len(forA) != 2 || forA[0].Seq != 1 || forA[1].Seq != 3 {
		t.Errorf("AuditEntriesForCase(a) = %+v, want seq 1 and 3", forA)
	}
	for i, e := range forA {
		if !reflect.DeepEqual(e, all[e.Seq-1]) {
			t.Errorf("AuditEntriesForCase(a)[%d] = %+v, differs from EachAuditEntry's %+v", i, e, all[e.Seq-1])
		}
	}
	if none, err := db.AuditEntriesForCase(ctx, "RM-NONE-0000"); err != nil || len(none) != 0 {
		t.Errorf("AuditEntriesForCase(unknown) = %v, %v", none, err)
	}
}

func testAuditTamper(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	for i := 1; i <= 3; i++ {
		mustCreate(t, db, newSealedCase(i, []string{"other"}, true, testTime.Add(time.Duration(i)*time.Second)), nil)
	}
	if n, err := verifyChain(t, db); err != nil || n != 3 {
		t.Fatalf("chain before tampering: %d, %v", n, err)
	}
	raw := db.raw(t)
	res, err := raw.Exec("UPDATE audit_log SET detail = 'x' WHERE seq = 2")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tampering updated %d rows", n)
	}
	v := audit.NewVerifier()
	err = db.EachAuditEntry(ctx, v.Add)
	var brk *audit.BreakError
	if !errors.As(err, &brk) || brk.Seq != 2 {
		t.Fatalf("verifying a tampered chain: %v, want a break at seq 2", err)
	}
	if v.Count() != 1 {
		t.Errorf("verified %d entries before the break, want 1", v.Count())
	}

	// Cutting the last entry is caught by the head row, not by the chain.
	db2 := openEngineDB(t, engine, true)
	for i := 1; i <= 3; i++ {
		mustCreate(t, db2, newSealedCase(i, []string{"other"}, true, testTime), nil)
	}
	if _, err := db2.raw(t).Exec("DELETE FROM audit_log WHERE seq = 3"); err != nil {
		t.Fatal(err)
	}
	v = audit.NewVerifier()
	if err := db2.EachAuditEntry(ctx, v.Add); err != nil {
		t.Fatalf("a truncated chain still verifies on its own: %v", err)
	}
	seq, hash, err := db2.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if seq == v.Count() || bytes.Equal(hash, v.Head()) {
		t.Errorf("AuditHead (%d) does not reveal the cut entry (chain has %d)", seq, v.Count())
	}
}

func testConcurrentCreate(t *testing.T, engine string) {
	ctx := context.Background()
	db := openEngineDB(t, engine, true)
	const n = 20
	cases := make([]*store.SealedCase, n)
	for i := range cases {
		cases[i] = newSealedCase(i+1, []string{"wages.unpaid", "threats"}, i%2 == 0, testTime.Add(time.Duration(i)*time.Millisecond))
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = db.CreateCase(ctx, cases[i], nil, createdEntry(cases[i].Case.CreatedAt))
		}()
	}
	close(start)
	wg.Wait()
	ids := map[int64]bool{}
	for i, err := range errs {
		if err != nil {
			t.Errorf("CreateCase %d: %v", i, err)
			continue
		}
		if ids[cases[i].Case.ID] {
			t.Errorf("ID %d given twice", cases[i].Case.ID)
		}
		ids[cases[i].Case.ID] = true
	}
	if got := countCases(t, db); got != n {
		t.Errorf("CountCases = %d, want %d", got, n)
	}
	count, err := verifyChain(t, db)
	if err != nil {
		t.Fatalf("chain after concurrent creates does not verify: %v", err)
	}
	if count != n {
		t.Errorf("chain has %d entries, want %d", count, n)
	}
	// Each case has exactly one entry.
	refs := map[string]int{}
	if err := db.EachAuditEntry(ctx, func(e audit.Entry) error { refs[e.CaseRef]++; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, sc := range cases {
		if refs[sc.Case.Reference] != 1 {
			t.Errorf("case %s has %d audit entries, want 1", sc.Case.Reference, refs[sc.Case.Reference])
		}
	}
}

// TestOpenRejectsUnknownURL checks the only Open error that needs no server.
func TestOpenRejectsUnknownURL(t *testing.T) {
	if _, err := store.Open(context.Background(), store.Options{URL: "mysql://x"}); err == nil {
		t.Error("Open(mysql://) succeeded")
	}
	if _, err := store.Open(context.Background(), store.Options{}); err == nil {
		t.Error("Open without URL or data directory succeeded")
	}
	dir := t.TempDir()
	db, err := store.Open(context.Background(), store.Options{DataDir: filepath.Join(dir, "sub", "dir")})
	if err != nil {
		t.Fatalf("Open creates its data directory: %v", err)
	}
	defer db.Close()
	if db.Engine() != store.SQLite {
		t.Errorf("Engine = %q", db.Engine())
	}
	if fi, err := os.Stat(filepath.Join(dir, "sub", "dir")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
}
