package intake_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/intake"
	"remedy/internal/store"
	"remedy/internal/testutil/pgtest"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
)

// env is an intake service on a fresh database of one engine, with what is
// needed to look at the database behind the service's back.
type env struct {
	svc    *intake.Service
	db     *store.DB
	clock  *stack.Clock
	engine string
	dir    string // SQLite data directory (and the master key file)
	dsn    string // PostgreSQL DSN with the test's own schema
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{engine: engine, dir: t.TempDir()}
	opts := store.Options{DataDir: e.dir}
	if engine == store.Postgres {
		e.dsn = pgtest.DSN(t)
		opts.URL = e.dsn
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	keys, _, err := vault.LoadOrCreateMasterKey(e.dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// 2026-11-02 09:30 UTC is 18:30 in Japan.
	e.clock = stack.NewClock(time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	e.db = db
	e.svc = &intake.Service{DB: db, Keys: keys, Now: e.clock.Now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy}
	return e
}

// raw opens a second connection pool on the same database.
func (e *env) raw(t *testing.T) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if e.engine == store.Postgres {
		db, err = sql.Open("pgx", e.dsn)
	} else {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(e.dir, "remedy.db")+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func submission() grievance.Submission {
	return grievance.Submission{
		Language:           "vi",
		OriginCountry:      "vn",
		Program:            "technical_intern",
		Categories:         []string{"wages.unpaid", "threats"},
		Narrative:          "  Công ty giữ hộ chiếu của tôi.  ",
		IncidentDate:       "2026-11-02", // today in Japan
		Prefecture:         "JP-23",
		EmployerName:       "Example Foods K.K.",
		SupervisingOrgName: "Example Kumiai",
		SendingOrgName:     "Example JSC",
		Contact:            grievance.Contact{Name: "Nguyen Van A", Channel: "phone", Value: "090-1234-5678"},
		ShareIdentity:      true,
	}
}

func mustSubmit(t *testing.T, e *env, sub grievance.Submission, key string) intake.Receipt {
	t.Helper()
	r, err := e.svc.Submit(context.Background(), sub, key)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return r
}

func countCases(t *testing.T, e *env) int {
	t.Helper()
	n, err := e.db.CountCases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantUnauthorized checks err is the one answer to any wrong receipt or
// passphrase.
func wantUnauthorized(t *testing.T, what string, id int64, err error) {
	t.Helper()
	ae := apperr.As(err)
	if err == nil || ae.Code != apperr.Unauthorized || ae.Key != "error.unauthorized" || len(ae.Args) != 0 || id != 0 {
		t.Errorf("%s: Open = %d, %v; want Unauthorized with key error.unauthorized", what, id, err)
	}
}

func fieldKeys(err error) []string {
	var out []string
	for _, f := range apperr.As(err).Fields {
		out = append(out, f.Field+" "+f.Key)
	}
	return out
}

func TestIntakeEngines(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Run("SubmitOpenView", func(t *testing.T) { testSubmitOpenView(t, engine) })
			t.Run("WrongReceipt", func(t *testing.T) { testWrongReceipt(t, engine) })
			t.Run("Passphrase", func(t *testing.T) { testPassphrase(t, engine) })
			t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, engine) })
			t.Run("IdempotencyConcurrent", func(t *testing.T) { testIdempotencyConcurrent(t, engine) })
			t.Run("Validation", func(t *testing.T) { testValidation(t, engine) })
			t.Run("EncryptionAtRest", func(t *testing.T) { testEncryptionAtRest(t, engine) })
			t.Run("AADBinding", func(t *testing.T) { testAADBinding(t, engine) })
			t.Run("Messages", func(t *testing.T) { testMessages(t, engine) })
			t.Run("Sessions", func(t *testing.T) { testSessions(t, engine) })
		})
	}
}

var receiptShape = regexp.MustCompile(`^[0-9]{16}$`)
var referenceShape = regexp.MustCompile(`^RM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

func testSubmitOpenView(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	r := mustSubmit(t, e, submission(), "")
	now := e.clock.Now()
	if !receiptShape.MatchString(r.Receipt) || !referenceShape.MatchString(r.Reference) || r.CaseID == 0 {
		t.Fatalf("receipt = %+v", r)
	}
	if r.Status != grievance.StatusReceived || r.Risk != grievance.RiskUrgent || r.OriginCountry != "VN" || r.Language != "vi" {
		t.Errorf("receipt = %+v", r)
	}
	if want := now.Add(24 * time.Hour); !r.AcknowledgeBy.Equal(want) {
		t.Errorf("AcknowledgeBy = %s, want %s", r.AcknowledgeBy, want)
	}

	digits := r.Receipt
	for _, typed := range []string{
		digits,
		vault.GroupReceipt(digits),
		digits[0:4] + "-" + digits[4:8] + "-" + digits[8:12] + "-" + digits[12:16],
		" " + digits[0:4] + " - " + digits[4:8] + "\t" + digits[8:12] + "　" + digits[12:16] + "\n",
	} {
		id, err := e.svc.Open(ctx, typed, "")
		if err != nil || id != r.CaseID {
			t.Errorf("Open(%q) = %d, %v; want %d", typed, id, err, r.CaseID)
		}
		// A passphrase given when none is set does not matter.
		if id, err := e.svc.Open(ctx, typed, "anything at all"); err != nil || id != r.CaseID {
			t.Errorf("Open(%q, passphrase) = %d, %v; want %d", typed, id, err, r.CaseID)
		}
	}

	v, err := e.svc.View(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	c := v.Case
	if c.ID != r.CaseID || c.Reference != r.Reference || c.Status != grievance.StatusReceived || c.Triage.Risk != grievance.RiskUrgent ||
		c.Triage.Rule != "urgent category: threats" || c.Language != "vi" || c.OriginCountry != "VN" || c.Program != "technical_intern" ||
		c.Prefecture != "JP-23" || c.IncidentDate != "2026-11-02" || c.Anonymous || !c.ShareIdentity ||
		!reflect.DeepEqual(c.Categories, []string{"wages.unpaid", "threats"}) ||
		!reflect.DeepEqual(c.Triage.Indicators, []string{"intimidation_threats", "withholding_of_wages"}) {
		t.Errorf("View.Case = %+v", c)
	}
	if !c.CreatedAt.Equal(now) || !c.AcknowledgeBy.Equal(r.AcknowledgeBy) {
		t.Errorf("View times: created %s ack %s", c.CreatedAt, c.AcknowledgeBy)
	}
	if d, ok := c.NextDeadline(); !ok || !d.Equal(r.AcknowledgeBy) {
		t.Errorf("NextDeadline = %s, %v", d, ok)
	}
	// The worker's own words are not shown again on the case page.
	if c.Details != (grievance.Details{}) {
		t.Errorf("View carries the sealed details: %+v", c.Details)
	}
	if len(v.Messages) != 0 || v.HasPassphrase {
		t.Errorf("View = %d messages, passphrase %v", len(v.Messages), v.HasPassphrase)
	}
	// The details decrypt back, normalized.
	rec, err := e.db.CaseByID(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.Details(rec)
	if err != nil {
		t.Fatalf("Details: %v", err)
	}
	want := grievance.Details{
		Narrative: "Công ty giữ hộ chiếu của tôi.", EmployerName: "Example Foods K.K.",
		SupervisingOrgName: "Example Kumiai", SendingOrgName: "Example JSC",
		Contact: grievance.Contact{Name: "Nguyen Van A", Channel: "phone", Value: "090-1234-5678"},
	}
	if d != want {
		t.Errorf("Details = %+v, want %+v", d, want)
	}
	// Each submission is a new case with a new reference and receipt.
	r2 := mustSubmit(t, e, submission(), "")
	if r2.CaseID == r.CaseID || r2.Reference == r.Reference || r2.Receipt == r.Receipt {
		t.Errorf("second submission reused %+v", r2)
	}
	if id, err := e.svc.Open(ctx, r2.Receipt, ""); err != nil || id != r2.CaseID {
		t.Errorf("Open(second receipt) = %d, %v", id, err)
	}
	if _, err := e.svc.View(ctx, 987654); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("View(unknown) = %v, want NotFound", err)
	}
}

func testWrongReceipt(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	r := mustSubmit(t, e, submission(), "")
	digits := r.Receipt
	flip := func(i int) string {
		b := []byte(digits)
		b[i] = '0' + (b[i]-'0'+1)%10
		return string(b)
	}
	for what, typed := range map[string]string{
		"last digit wrong":   flip(15),
		"first digit wrong":  flip(0),
		"digits swapped":     digits[1:2] + digits[0:1] + digits[2:],
		"15 digits":          digits[:15],
		"17 digits":          digits + "1",
		"empty":              "",
		"letters":            "abcd efgh ijkl mnop",
		"reference":          r.Reference,
		"digits and letters": digits[:15] + "x",
		"overlong input":     strings.Repeat(" ", 300) + digits,
	} {
		if what == "digits swapped" && digits[0] == digits[1] {
			continue
		}
		id, err := e.svc.Open(ctx, typed, "")
		wantUnauthorized(t, what, id, err)
	}
}

func testPassphrase(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	r := mustSubmit(t, e, submission(), "")

	for _, tc := range []struct{ pass, confirm, want string }{
		{"short", "short", "passphrase error.passphrase_short"},
		{"1234567", "1234567", "passphrase error.passphrase_short"},
		{"ありがとうござい", "ありがとうござ", "passphrase_confirm error.passphrase_mismatch"}, // 8 runes: long enough
		{"long enough", "long enougH", "passphrase_confirm error.passphrase_mismatch"},
		{strings.Repeat("x", 1025), strings.Repeat("x", 1025), "passphrase error.too_long"},
	} {
		err := e.svc.SetPassphrase(ctx, r.CaseID, tc.pass, tc.confirm)
		if apperr.CodeOf(err) != apperr.Invalid || !reflect.DeepEqual(fieldKeys(err), []string{tc.want}) {
			t.Errorf("SetPassphrase(%q, %q) = %v %v, want %s", tc.pass, tc.confirm, err, fieldKeys(err), tc.want)
		}
	}
	// Refused passphrases set nothing.
	if id, err := e.svc.Open(ctx, r.Receipt, ""); err != nil || id != r.CaseID {
		t.Fatalf("Open before a passphrase = %d, %v", id, err)
	}

	const pass = "mèo con 8 chữ"
	if err := e.svc.SetPassphrase(ctx, r.CaseID, pass, pass); err != nil {
		t.Fatalf("SetPassphrase: %v", err)
	}
	id, err := e.svc.Open(ctx, r.Receipt, "")
	wantUnauthorized(t, "no passphrase", id, err)
	id, err = e.svc.Open(ctx, r.Receipt, "mèo con 8 chữ ")
	wantUnauthorized(t, "wrong passphrase", id, err)
	id, err = e.svc.Open(ctx, flipLast(r.Receipt), pass)
	wantUnauthorized(t, "right passphrase, wrong receipt", id, err)
	if id, err := e.svc.Open(ctx, vault.GroupReceipt(r.Receipt), pass); err != nil || id != r.CaseID {
		t.Errorf("Open with the passphrase = %d, %v; want %d", id, err, r.CaseID)
	}
	v, err := e.svc.View(ctx, r.CaseID)
	if err != nil || !v.HasPassphrase {
		t.Errorf("View after SetPassphrase: HasPassphrase %v, %v", v.HasPassphrase, err)
	}
	// The stored hash is not the passphrase.
	rec, err := e.db.CaseByID(ctx, r.CaseID)
	if err != nil || rec.PassphraseHash == "" || strings.Contains(rec.PassphraseHash, pass) || !strings.HasPrefix(rec.PassphraseHash, "$argon2id$") {
		t.Errorf("stored passphrase hash %q, %v", rec.PassphraseHash, err)
	}
}

func flipLast(digits string) string {
	b := []byte(digits)
	b[len(b)-1] = '0' + (b[len(b)-1]-'0'+1)%10
	return string(b)
}

func testIdempotency(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	first := mustSubmit(t, e, submission(), "idem-key-1")
	e.clock.Advance(time.Minute) // a retry comes a little later
	// The same request, even spelled with other spaces (it normalizes the same).
	again := submission()
	again.Narrative = "\n" + again.Narrative + "\n"
	second := mustSubmit(t, e, again, "idem-key-1")
	if second.CaseID != first.CaseID || second.Reference != first.Reference || second.Receipt != first.Receipt ||
		!second.AcknowledgeBy.Equal(first.AcknowledgeBy) || second.Risk != first.Risk {
		t.Errorf("retry = %+v, want %+v", second, first)
	}
	if n := countCases(t, e); n != 1 {
		t.Errorf("CountCases = %d, want 1", n)
	}
	// The replayed receipt still opens the case.
	if id, err := e.svc.Open(ctx, second.Receipt, ""); err != nil || id != first.CaseID {
		t.Errorf("Open(replayed receipt) = %d, %v", id, err)
	}
	// Same key, different request: conflict, no new case.
	changed := submission()
	changed.Categories = []string{"other"}
	_, err := e.svc.Submit(ctx, changed, "idem-key-1")
	if apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("same key, different submission: %v, want Conflict", err)
	}
	if n := countCases(t, e); n != 1 {
		t.Errorf("CountCases = %d, want 1", n)
	}
	// An invalid request with a used key is a validation error, first.
	_, err = e.svc.Submit(ctx, grievance.Submission{}, "idem-key-1")
	if apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("invalid submission with a used key: %v, want Invalid", err)
	}
	// Another key is another case; no key is always a new case.
	third := mustSubmit(t, e, submission(), "idem-key-2")
	fourth := mustSubmit(t, e, submission(), "")
	if third.CaseID == first.CaseID || fourth.CaseID == first.CaseID || third.CaseID == fourth.CaseID {
		t.Errorf("cases %d %d %d not distinct", first.CaseID, third.CaseID, fourth.CaseID)
	}
	if n := countCases(t, e); n != 3 {
		t.Errorf("CountCases = %d, want 3", n)
	}
}

func testIdempotencyConcurrent(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	const n = 6
	var wg sync.WaitGroup
	got := make([]intake.Receipt, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i], errs[i] = e.svc.Submit(ctx, submission(), "same-key-everywhere")
		}()
	}
	close(start)
	wg.Wait()
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Errorf("Submit %d: %v", i, errs[i])
			continue
		}
		if got[i].Reference != got[0].Reference || got[i].Receipt != got[0].Receipt || got[i].CaseID != got[0].CaseID {
			t.Errorf("Submit %d = %+v, Submit 0 = %+v", i, got[i], got[0])
		}
	}
	if c := countCases(t, e); c != 1 {
		t.Errorf("CountCases = %d after %d concurrent submits with one key, want 1", c, n)
	}
}

func testValidation(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	bad := submission()
	bad.Categories = nil
	bad.IncidentDate = "2026-11-03" // tomorrow in Japan
	_, err := e.svc.Submit(ctx, bad, "")
	want := []string{"categories error.categories_required", "incident_date error.future_date"}
	if apperr.CodeOf(err) != apperr.Invalid || !reflect.DeepEqual(fieldKeys(err), want) {
		t.Errorf("Submit(invalid) = %v %v, want Invalid %v", err, fieldKeys(err), want)
	}
	unsupported := submission()
	unsupported.Language = "fr"
	_, err = e.svc.Submit(ctx, unsupported, "")
	if !reflect.DeepEqual(fieldKeys(err), []string{"language error.unknown_code"}) {
		t.Errorf("Submit(language fr) = %v", fieldKeys(err))
	}
	if n := countCases(t, e); n != 0 {
		t.Errorf("CountCases = %d after invalid submissions", n)
	}
}

func testEncryptionAtRest(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	markers := []string{
		"NARRATIVEMARKER-q7x2w9",
		"NAMEMARKER-k9v4h1",
		"EMPLOYERMARKER-z3n8",
		"SUPERVISINGMARKER-b6",
		"SENDINGMARKER-c1",
		"7391-4628", // of the phone number
		"MESSAGEMARKER-p5r0",
		"STAFFMARKER-j2d7",
		"PASSPHRASEMARKER-u4",
	}
	sub := submission()
	sub.Narrative = "Đây là NARRATIVEMARKER-q7x2w9, chuyện đã xảy ra."
	sub.Contact = grievance.Contact{Name: "NAMEMARKER-k9v4h1", Channel: "phone", Value: "+81 90-7391-4628"}
	sub.EmployerName = "EMPLOYERMARKER-z3n8"
	sub.SupervisingOrgName = "SUPERVISINGMARKER-b6"
	sub.SendingOrgName = "SENDINGMARKER-c1"
	r := mustSubmit(t, e, sub, "idem-key-for-rest")
	if _, err := e.svc.AddMessage(ctx, r.CaseID, grievance.AuthorWorker, "More: MESSAGEMARKER-p5r0"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddMessage(ctx, r.CaseID, grievance.AuthorStaff, "Reply: STAFFMARKER-j2d7"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetPassphrase(ctx, r.CaseID, "PASSPHRASEMARKER-u4", "PASSPHRASEMARKER-u4"); err != nil {
		t.Fatal(err)
	}
	// The receipt is kept only as a hash, too.
	secrets := append(markers, r.Receipt, vault.GroupReceipt(r.Receipt))

	// What can be read back through the service is what was sent.
	rec, err := e.db.CaseByID(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.Details(rec)
	if err != nil {
		t.Fatal(err)
	}
	if d.Narrative != sub.Narrative || d.Contact.Name != sub.Contact.Name || d.Contact.Value != sub.Contact.Value || d.EmployerName != sub.EmployerName {
		t.Errorf("Details = %+v", d)
	}
	v, err := e.svc.View(ctx, r.CaseID)
	if err != nil || len(v.Messages) != 2 || v.Messages[0].Body != "More: MESSAGEMARKER-p5r0" || v.Messages[1].Body != "Reply: STAFFMARKER-j2d7" {
		t.Fatalf("View = %+v, %v", v.Messages, err)
	}

	if engine == store.SQLite {
		var all []byte
		for _, name := range []string{"remedy.db", "remedy.db-wal", "remedy.db-shm", "remedy.db-journal"} {
			b, err := os.ReadFile(filepath.Join(e.dir, name))
			if errors.Is(err, os.ErrNotExist) && name != "remedy.db" {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s contains %q in clear", name, s)
				}
			}
			all = append(all, b...)
		}
		// The scan sees the data: the clear reference is there.
		if !bytes.Contains(all, []byte(r.Reference)) {
			t.Errorf("the database files do not contain the reference %s: the scan reads the wrong files", r.Reference)
		}
		return
	}

	// PostgreSQL: every text and bytea column of every table of the schema.
	raw := e.raw(t)
	rows, err := raw.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type IN ('text', 'bytea', 'character varying')
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, column string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.column); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	tables := map[string]bool{}
	sawReference := false
	for _, c := range cols {
		tables[c.table] = true
		vals, err := raw.Query(fmt.Sprintf(`SELECT %q FROM %q`, c.column, c.table))
		if err != nil {
			t.Fatalf("%s.%s: %v", c.table, c.column, err)
		}
		for vals.Next() {
			var b []byte
			if err := vals.Scan(&b); err != nil {
				t.Fatalf("%s.%s: %v", c.table, c.column, err)
			}
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s.%s contains %q in clear", c.table, c.column, s)
				}
			}
			if bytes.Equal(b, []byte(r.Reference)) {
				sawReference = true
			}
		}
		if err := vals.Err(); err != nil {
			t.Fatal(err)
		}
		vals.Close()
	}
	if !tables["cases"] || !tables["case_messages"] || !sawReference {
		t.Errorf("scanned tables %v (reference seen: %v): want cases and case_messages with the reference", tables, sawReference)
	}
}

func testAADBinding(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	subA, subB := submission(), submission()
	subA.Narrative, subB.Narrative = "narrative of case A", "narrative of case B"
	a := mustSubmit(t, e, subA, "")
	b := mustSubmit(t, e, subB, "")
	if _, err := e.svc.AddMessage(ctx, a.CaseID, grievance.AuthorWorker, "message of case A"); err != nil {
		t.Fatal(err)
	}
	recA, err := e.db.CaseByID(ctx, a.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := e.svc.Details(recA); err != nil || d.Narrative != "narrative of case A" {
		t.Fatalf("Details(A) = %+v, %v", d, err)
	}

	// Copy A's key and sealed details onto B's row: the key is right, but
	// the details are bound to A's reference, so B cannot show them.
	raw := e.raw(t)
	if _, err := raw.Exec("UPDATE cases SET wrapped_key = $1, sealed_details = $2 WHERE id = $3", recA.WrappedKey, recA.SealedDetails, b.CaseID); err != nil {
		t.Fatal(err)
	}
	recB, err := e.db.CaseByID(ctx, b.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(recB.SealedDetails, recA.SealedDetails) || !bytes.Equal(recB.WrappedKey, recA.WrappedKey) {
		t.Fatal("the copy did not take")
	}
	if d, err := e.svc.Details(recB); err == nil {
		t.Errorf("A's sealed details opened as B's: %+v", d)
	}
	// Only the reference differs, so it is the reference that binds them.
	recB.Case.Reference = recA.Case.Reference
	if _, err := e.svc.Details(recB); err != nil {
		t.Errorf("control: with A's reference the copy opens: %v", err)
	}

	// A's message copied into B's thread (B now has A's key) does not open either.
	msgs, err := e.db.Messages(ctx, a.CaseID)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Messages(A) = %v, %v", msgs, err)
	}
	if _, err := raw.Exec("INSERT INTO case_messages (case_id, author, created_at, sealed_body) VALUES ($1, $2, $3, $4)",
		b.CaseID, "worker", msgs[0].CreatedAt.UnixMilli(), msgs[0].SealedBody); err != nil {
		t.Fatal(err)
	}
	if v, err := e.svc.View(ctx, b.CaseID); err == nil {
		t.Errorf("A's message opened in B's thread: %+v", v.Messages)
	}
	// Sealed details put in A's own thread do not open as a message.
	if _, err := raw.Exec("INSERT INTO case_messages (case_id, author, created_at, sealed_body) VALUES ($1, $2, $3, $4)",
		a.CaseID, "worker", msgs[0].CreatedAt.UnixMilli()+1, recA.SealedDetails); err != nil {
		t.Fatal(err)
	}
	if v, err := e.svc.View(ctx, a.CaseID); err == nil {
		t.Errorf("A's sealed details opened as a message: %+v", v.Messages)
	}
}

func testMessages(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	r := mustSubmit(t, e, submission(), "")

	for _, tc := range []struct{ body, want string }{
		{"", "body error.required"},
		{" \n\t\u3000 ", "body error.required"},
		{strings.Repeat("あ", intake.MaxMessage+1), "body error.too_long"},
		{"bad \xff\xfe text", "body error.invalid_text"},
		{"nul \x00 byte", "body error.invalid_text"},
	} {
		_, err := e.svc.AddMessage(ctx, r.CaseID, grievance.AuthorWorker, tc.body)
		if apperr.CodeOf(err) != apperr.Invalid || !reflect.DeepEqual(fieldKeys(err), []string{tc.want}) {
			t.Errorf("AddMessage(%.20q) = %v %v, want %s", tc.body, err, fieldKeys(err), tc.want)
		}
	}
	if v, err := e.svc.View(ctx, r.CaseID); err != nil || len(v.Messages) != 0 {
		t.Fatalf("refused messages were stored: %+v, %v", v.Messages, err)
	}

	bodies := []struct{ author, body string }{
		{grievance.AuthorWorker, "  first, trimmed  "},
		{grievance.AuthorStaff, "second from staff"},
		{grievance.AuthorWorker, strings.Repeat("あ", intake.MaxMessage)}, // exactly the limit
	}
	var sent []grievance.Message
	for i, m := range bodies {
		e.clock.Advance(time.Duration(i+1) * time.Minute)
		got, err := e.svc.AddMessage(ctx, r.CaseID, m.author, m.body)
		if err != nil {
			t.Fatalf("AddMessage %d: %v", i, err)
		}
		if got.ID == 0 || got.CaseID != r.CaseID || got.Author != m.author || got.Body != strings.TrimSpace(m.body) || !got.CreatedAt.Equal(e.clock.Now()) {
			t.Errorf("AddMessage %d = %+v", i, got)
		}
		sent = append(sent, got)
	}
	v, err := e.svc.View(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Messages) != len(sent) {
		t.Fatalf("View has %d messages, want %d", len(v.Messages), len(sent))
	}
	for i := range sent {
		g, w := v.Messages[i], sent[i]
		if g.ID != w.ID || g.Author != w.Author || g.Body != w.Body || !g.CreatedAt.Equal(w.CreatedAt) || g.CaseID != r.CaseID {
			t.Errorf("View.Messages[%d] = %+v, want %+v", i, g, w)
		}
	}
	if !v.Case.UpdatedAt.Equal(sent[len(sent)-1].CreatedAt) {
		t.Errorf("UpdatedAt = %s, want the last message's %s", v.Case.UpdatedAt, sent[len(sent)-1].CreatedAt)
	}
	if _, err := e.svc.AddMessage(ctx, 987654, grievance.AuthorWorker, "hello"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("AddMessage to an unknown case: %v, want NotFound", err)
	}
}

func testSessions(t *testing.T, engine string) {
	ctx := context.Background()
	e := newEnv(t, engine)
	r := mustSubmit(t, e, submission(), "")
	token, err := e.svc.StartSession(ctx, r.CaseID)
	if err != nil || token == "" {
		t.Fatalf("StartSession = %q, %v", token, err)
	}
	if id, err := e.svc.SessionCase(ctx, token); err != nil || id != r.CaseID {
		t.Errorf("SessionCase = %d, %v", id, err)
	}
	for what, tok := range map[string]string{"empty": "", "unknown": "not-a-token", "altered": token + "x"} {
		if id, err := e.svc.SessionCase(ctx, tok); apperr.CodeOf(err) != apperr.Unauthorized || id != 0 {
			t.Errorf("SessionCase(%s) = %d, %v; want Unauthorized", what, id, err)
		}
	}
	e.clock.Advance(intake.SessionLifetime - time.Second)
	if id, err := e.svc.SessionCase(ctx, token); err != nil || id != r.CaseID {
		t.Errorf("SessionCase just before expiry = %d, %v", id, err)
	}
	e.clock.Advance(time.Second)
	if _, err := e.svc.SessionCase(ctx, token); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Errorf("SessionCase after %s = %v, want Unauthorized", intake.SessionLifetime, err)
	}
	token2, err := e.svc.StartSession(ctx, r.CaseID)
	if err != nil || token2 == token {
		t.Fatalf("second StartSession = %q, %v", token2, err)
	}
	if err := e.svc.EndSession(ctx, token2); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SessionCase(ctx, token2); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Errorf("SessionCase after EndSession = %v, want Unauthorized", err)
	}
}
