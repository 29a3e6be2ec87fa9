package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"remedy/internal/access"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/org"
	"remedy/internal/stats"
	"remedy/internal/store"
	"remedy/internal/testutil/pgtest"
)

// BenchmarkInbox loads a mechanism of a million cases (REMEDY_BENCH_CASES
// to change the number) into SQLite, and into PostgreSQL when
// REMEDY_TEST_POSTGRES is set, then measures inbox pages and the
// effectiveness report. REMEDY_BENCH_DIR keeps the SQLite database between
// runs (loading a million cases takes a few minutes). It runs only with
// -bench:
//
//	go test -run '^$' -bench BenchmarkInbox -benchtime 20x -timeout 60m ./internal/store/
//
// Rows are written directly in large multi-row INSERTs (the intake path
// hashes every receipt with Argon2id and would take hours).
func BenchmarkInbox(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("REMEDY_BENCH_CASES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("REMEDY_BENCH_CASES=%q: want a number ≥ 1000", v)
		}
	}
	engines := []string{store.SQLite}
	if os.Getenv(pgtest.EnvVar) != "" {
		engines = append(engines, store.Postgres)
	}
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) { benchInbox(b, engine, n) })
	}
}

// ibBenchNow is "now" in the benchmark: the newest case is a day old.
var ibBenchNow = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func benchInbox(b *testing.B, engine string, n int) {
	ctx := context.Background()
	db, raw := ibBenchOpen(b, engine)
	start := time.Now()
	var orgs []int64
	if have, _ := db.CountCases(ctx); have == n {
		// A kept SQLite database (REMEDY_BENCH_DIR) already holds the cases.
		if err := raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations").Scan(new(int)); err != nil {
			b.Fatal(err)
		}
		for i := range int64(40) {
			orgs = append(orgs, i+1)
		}
		b.Logf("%s: reusing %d cases", engine, n)
	} else {
		orgs = ibBenchLoad(b, db, raw, engine, n)
		b.Logf("%s: loaded %d cases in %v", engine, n, time.Since(start).Round(time.Second))
	}
	if engine == store.Postgres {
		// Autovacuum would do this soon after such a load.
		if _, err := raw.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}

	mech := access.Scope{All: true}
	now := ibBenchNow
	page := func(b *testing.B, scope access.Scope, f store.InboxFilter, after store.InboxCursor) {
		b.Helper()
		for b.Loop() {
			p, err := db.Inbox(ctx, scope, f, after, 50, now)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Cases) == 0 {
				b.Fatal("empty page")
			}
		}
	}
	// A cursor 50,000 cases deep into the cases with a deadline, and one
	// deep into those without (closed cases, at the end of the list).
	var deepDeadline, deepID, withDeadline int64
	if err := raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases WHERE deadline_at IS NOT NULL").Scan(&withDeadline); err != nil {
		b.Fatal(err)
	}
	if err := raw.QueryRowContext(ctx, "SELECT deadline_at, id FROM cases WHERE deadline_at IS NOT NULL ORDER BY deadline_at, id LIMIT 1 OFFSET $1",
		min(50_000, withDeadline/2)).Scan(&deepDeadline, &deepID); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d cases with a deadline; deep cursor at position %d", engine, withDeadline, min(50_000, withDeadline/2))
	b.Run("first_page", func(b *testing.B) { page(b, mech, store.InboxFilter{}, store.InboxCursor{}) })
	b.Run("open_first_page", func(b *testing.B) { page(b, mech, store.InboxFilter{Status: store.InboxOpen}, store.InboxCursor{}) })
	b.Run("filtered_status_language_overdue", func(b *testing.B) {
		page(b, mech, store.InboxFilter{Status: "received", Language: "vi", Overdue: true}, store.InboxCursor{})
	})
	b.Run("filtered_category", func(b *testing.B) {
		page(b, mech, store.InboxFilter{Category: "documents.retained"}, store.InboxCursor{})
	})
	b.Run("filtered_referred_org", func(b *testing.B) { page(b, mech, store.InboxFilter{OrgID: orgs[3]}, store.InboxCursor{}) })
	b.Run("deep_page_deadline", func(b *testing.B) {
		page(b, mech, store.InboxFilter{}, store.InboxCursor{HasDeadline: true, Deadline: deepDeadline, ID: deepID})
	})
	b.Run("deep_page_tail", func(b *testing.B) { page(b, mech, store.InboxFilter{}, store.InboxCursor{ID: int64(n) * 9 / 10}) })
	b.Run("referred_org_scope", func(b *testing.B) { page(b, access.Scope{OrgID: orgs[3]}, store.InboxFilter{}, store.InboxCursor{}) })

	from, to := now.Add(-6*365*24*time.Hour), now.Add(24*time.Hour)
	for _, by := range []string{stats.ByNone, stats.ByCategory, stats.ByOrganization} {
		name := "effectiveness_all_cases"
		if by != "" {
			name += "_by_" + by
		}
		b.Run(name, func(b *testing.B) {
			// Peak heap, sampled with runtime/metrics, which (unlike
			// ReadMemStats) does not stop the world.
			sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			heap := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
			runtime.GC()
			base := heap()
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				t := time.NewTicker(10 * time.Millisecond)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						if h := heap(); h > peak.Load() {
							peak.Store(h)
						}
					}
				}
			})
			cases := 0
			for b.Loop() {
				bl := stats.NewBuilder(now)
				cases = 0
				if err := db.EffectivenessCases(ctx, mech, by, from, to, func(c stats.Case) error {
					cases++
					bl.AddCase(c)
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				if err := db.EffectivenessReferrals(ctx, mech, from, to, func(r stats.Referral) error {
					bl.AddReferral(r)
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				if rep := bl.Report(); rep.Total.Cases.N != n {
					b.Fatalf("report of %d cases, want %d", rep.Total.Cases.N, n)
				}
			}
			close(stop)
			wg.Wait()
			if p := peak.Load(); p > base {
				b.ReportMetric(float64(p-base)/(1<<20), "peak-heap-MB")
			}
			b.ReportMetric(float64(cases), "cases")
		})
	}
}

// ibBenchOpen opens a fresh database; for SQLite, REMEDY_BENCH_DIR names a
// directory to keep the loaded database in and reuse on the next run.
func ibBenchOpen(b *testing.B, engine string) (*store.DB, *sql.DB) {
	b.Helper()
	dir := os.Getenv("REMEDY_BENCH_DIR")
	if dir == "" || engine != store.SQLite {
		dir = b.TempDir()
	}
	opts := store.Options{DataDir: dir}
	if engine == store.Postgres {
		opts.URL = pgtest.DSN(b)
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	var raw *sql.DB
	if engine == store.Postgres {
		raw, err = sql.Open("pgx", opts.URL)
	} else {
		// Loading needs no fsync per commit; the store's own connections
		// keep synchronous=FULL.
		raw, err = sql.Open("sqlite", "file:"+filepath.Join(dir, "remedy.db")+"?_pragma=busy_timeout(10000)&_pragma=synchronous(OFF)")
		raw.SetMaxOpenConns(1)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	return db, raw
}

// ibBatch accumulates rows for one multi-row INSERT. SQLite gets "?"
// placeholders: the driver binds "$N" by name, which costs O(n²) for a
// statement of thousands of parameters.
type ibBatch struct {
	head     string
	question bool
	rows     int
	args     []any
	sb       strings.Builder
}

func (bt *ibBatch) add(vals ...any) {
	if bt.rows > 0 {
		bt.sb.WriteString(",")
	}
	bt.sb.WriteString("(")
	for i, v := range vals {
		if i > 0 {
			bt.sb.WriteString(",")
		}
		bt.args = append(bt.args, v)
		if bt.question {
			bt.sb.WriteString("?")
		} else {
			bt.sb.WriteString("$" + strconv.Itoa(len(bt.args)))
		}
	}
	bt.sb.WriteString(")")
	bt.rows++
}

func (bt *ibBatch) flush(b *testing.B, tx *sql.Tx) {
	if bt.rows == 0 {
		return
	}
	if _, err := tx.Exec(bt.head+" VALUES "+bt.sb.String(), bt.args...); err != nil {
		b.Fatalf("%s: %v", bt.head, err)
	}
	bt.rows, bt.args = 0, bt.args[:0]
	bt.sb.Reset()
}

// ibBenchLoad writes n cases with categories, referrals, remedies and
// feedback, shaped like a mechanism after five years: about one case in
// ten still open, most with a deadline (some past it), the rest closed.
// It returns the organisations' ids.
func ibBenchLoad(b *testing.B, db *store.DB, raw *sql.DB, engine string, n int) []int64 {
	b.Helper()
	ctx := context.Background()
	var orgs []int64
	types := []org.Type{org.Employer, org.SendingAgency, org.SupervisingOrg, org.Government}
	for i := range 40 {
		o := org.Organization{Name: fmt.Sprintf("Org %d", i), Type: types[i%len(types)], Country: "JP", CreatedAt: ibBenchNow}
		if err := db.CreateOrganization(ctx, &o, audit.Entry{At: ibBenchNow, Actor: "system", Action: "org.created"}); err != nil {
			b.Fatal(err)
		}
		orgs = append(orgs, o.ID)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	langs := []struct{ lang, origin string }{{"vi", "VN"}, {"vi", "VN"}, {"vi", "VN"}, {"id", "ID"}, {"id", "ID"},
		{"fil", "PH"}, {"km", "KH"}, {"th", "TH"}, {"my", "MM"}, {"ne", "NP"}, {"ja", "ZZ"}, {"en", "ZZ"}}
	risks := []string{"urgent", "high", "high", "high", "normal", "normal", "normal", "normal", "normal", "normal"}
	openStatuses := []string{"received", "acknowledged", "in_review", "in_review", "referred", "referred", "in_dialogue", "remedy_proposed", "remedy_accepted", "escalated"}
	closedStatuses := []string{"closed", "closed", "closed", "closed", "closed", "closed", "closed", "out_of_scope", "withdrawn"}
	wrapped := make([]byte, 60)
	sealed := make([]byte, 400)
	const span = 5 * 365 * 24 * time.Hour
	ms := func(t time.Time) int64 { return t.UnixMilli() }
	hours := func(h int) time.Duration { return time.Duration(h) * time.Hour }

	cases := &ibBatch{head: `INSERT INTO cases (id, reference, receipt_hash, status, risk, risk_rule, indicators, language, origin_country,
		program, anonymous, share_identity, created_at, acknowledge_by, updated_at, wrapped_key, sealed_details,
		deadline_at, deadline_kind, overdue, acknowledged_at, first_response_at, remedy_implemented_at, closed_at)`}
	cats := &ibBatch{head: "INSERT INTO case_categories (case_id, code)"}
	refs := &ibBatch{head: "INSERT INTO referrals (case_id, org_id, status, sent_at, acknowledge_by, acknowledged_at, overdue)"}
	rems := &ibBatch{head: "INSERT INTO remedies (case_id, type, status, proposed_at)"}
	fbs := &ibBatch{head: "INSERT INTO feedback (case_id, round, satisfaction, retaliation, at)"}
	for _, bt := range []*ibBatch{cases, cats, refs, rems, fbs} {
		bt.question = engine == store.SQLite
	}
	const perStatement = 1000
	const perTx = 50_000

	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		id := int64(i)
		// Older cases first: ids grow with time, as they do.
		created := ibBenchNow.Add(-span + time.Duration(float64(span)*float64(i)/float64(n)) - 24*time.Hour)
		l := langs[rng.IntN(len(langs))]
		risk := risks[rng.IntN(len(risks))]
		ackBy := created.Add(grievance.DefaultAckPolicy.For(grievance.Risk(risk)))
		recent := ibBenchNow.Sub(created) < 90*24*time.Hour
		open := recent && rng.IntN(10) < 8 || !recent && rng.IntN(100) < 3
		var status string
		if open {
			status = openStatuses[rng.IntN(len(openStatuses))]
		} else {
			status = closedStatuses[rng.IntN(len(closedStatuses))]
		}
		var deadline, ack, first, impl, closed any
		kind, overdue := "", false
		if status != "received" {
			a := created.Add(hours(1 + rng.IntN(100)))
			ack = ms(a)
			if status != "acknowledged" && status != "in_review" {
				first = ms(a.Add(hours(24 + rng.IntN(400))))
			}
		}
		switch status {
		case "received":
			deadline, kind = ms(ackBy), grievance.DeadlineAcknowledge
		case "acknowledged", "in_review":
			deadline, kind = ms(ibBenchNow.Add(hours(rng.IntN(14*24)-3*24))), grievance.DeadlineFirstResponse
		case "referred", "in_dialogue":
			deadline, kind = ms(ibBenchNow.Add(hours(rng.IntN(30*24)-5*24))), grievance.DeadlineRemedyProposal
		case "closed":
			c := created.Add(hours(200 + rng.IntN(2000)))
			closed = ms(c)
			if rng.IntN(10) < 6 {
				impl = ms(c.Add(-hours(24)))
			}
		}
		if d, ok := deadline.(int64); ok && d < ms(ibBenchNow) {
			overdue = rng.IntN(10) < 9 // the jobs worker flagged most of them already
		}
		h := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
		cases.add(id, fmt.Sprintf("RM-B%07d", i), h[:], status, risk, "bench", "", l.lang, l.origin,
			[]string{"technical_intern", "specified_skilled", "skill_development", "other"}[rng.IntN(4)],
			rng.IntN(3) == 0, rng.IntN(2) == 0, ms(created), ms(ackBy), ms(created), wrapped, sealed,
			deadline, kind, overdue, ack, first, impl, closed)
		k := 1 + rng.IntN(3)
		seen := map[int]bool{}
		for range k {
			c := rng.IntN(len(grievance.Categories))
			if !seen[c] {
				seen[c] = true
				cats.add(id, grievance.Categories[c].Code)
			}
		}
		if status != "received" && status != "acknowledged" && rng.IntN(10) < 3 {
			for r := range 1 + rng.IntN(2) {
				sent := created.Add(hours(48 + rng.IntN(200)))
				o := orgs[(rng.IntN(len(orgs))+r)%len(orgs)]
				var acked any
				st := "sent"
				if rng.IntN(10) < 8 {
					acked, st = ms(sent.Add(hours(1+rng.IntN(150)))), []string{"acknowledged", "responded", "resolved", "declined"}[rng.IntN(4)]
				}
				refs.add(id, o, st, ms(sent), ms(sent.Add(5*24*time.Hour)), acked, acked == nil && rng.IntN(2) == 0)
			}
		}
		if status == "closed" && rng.IntN(10) < 4 {
			for range 1 + rng.IntN(2) {
				rems.add(id, string(grievance.RemedyTypes[rng.IntN(len(grievance.RemedyTypes))]),
					[]string{"implemented", "implemented", "accepted", "refused"}[rng.IntN(4)], ms(created.Add(hours(100))))
			}
			if rng.IntN(2) == 0 {
				fbs.add(id, 0, 1+rng.IntN(5), rng.IntN(20) == 0, ms(created.Add(hours(3000))))
			}
		}
		// Cases first, then the rows that refer to them.
		if cases.rows >= perStatement {
			for _, bt := range []*ibBatch{cases, cats, refs, rems, fbs} {
				bt.flush(b, tx)
			}
		}
		if i%perTx == 0 || i == n {
			for _, bt := range []*ibBatch{cases, cats, refs, rems, fbs} {
				bt.flush(b, tx)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			if i < n {
				if tx, err = raw.BeginTx(ctx, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	return orgs
}
