package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"remedy/internal/corridor"
	"remedy/internal/recruitment"
	"remedy/internal/store"
	"remedy/internal/testutil/pgtest"
)

// BenchmarkRecruitmentStats loads a million fee reports
// (REMEDY_BENCH_FEE_REPORTS to change the number) with three cost items
// each and their findings into SQLite, and into PostgreSQL when
// REMEDY_TEST_POSTGRES is set, then measures what the corridor dashboard
// does:
//
//   - page: one dashboard request with the summary table current (the
//     staleness check, the filter's figures, the filter lists, and the
//     suppression), cycling through filters;
//   - fingerprint: the staleness check alone;
//   - agency: an agency's public page (its row, findings by rule,
//     grievance counts, reviews) for an agency with many reports;
//   - refresh: recomputing the whole summary table (read every report,
//     compute every filter's figures, write them), with its peak heap.
//
// It runs only with -bench:
//
//	go test -run '^$' -bench BenchmarkRecruitmentStats -benchtime 20x -timeout 60m ./internal/store/
//
// Rows are written directly in large multi-row INSERTs.
func BenchmarkRecruitmentStats(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("REMEDY_BENCH_FEE_REPORTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("REMEDY_BENCH_FEE_REPORTS=%q: want a number ≥ 1000", v)
		}
	}
	engines := []string{store.SQLite}
	if os.Getenv(pgtest.EnvVar) != "" {
		engines = append(engines, store.Postgres)
	}
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) { benchRecruitment(b, engine, n) })
	}
}

var rbNow = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func benchRecruitment(b *testing.B, engine string, n int) {
	ctx := context.Background()
	db, raw := ibBenchOpen(b, engine)
	start := time.Now()
	agencies := rbLoad(b, raw, engine, n)
	b.Logf("%s: loaded %d fee reports in %v", engine, n, time.Since(start).Round(time.Second))
	if engine == store.Postgres {
		if _, err := raw.Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	svc := &corridor.Service{DB: db, Now: func() time.Time { return rbNow }}

	// The phases of a computation, once.
	start = time.Now()
	builder := recruitment.NewStatsBuilder()
	builder.Grow(n)
	in, err := db.LoadStatsInput(ctx, builder.Add)
	if err != nil {
		b.Fatal(err)
	}
	loaded := time.Since(start)
	start = time.Now()
	stats := builder.Stats(in.Items, in.Rules)
	computed := time.Since(start)
	start = time.Now()
	if err := db.SaveRecruitmentStats(ctx, in.Fingerprint, in.Reports, rbNow, stats, in.Agencies); err != nil {
		b.Fatal(err)
	}
	size := 0
	for _, st := range stats {
		raw, _ := json.Marshal(st)
		size += len(raw)
	}
	b.Logf("%s: read %v (%d reports, %d item and %d rule groups), compute %v (%d filters), save %v (%.1f MiB of JSON)",
		engine, loaded.Round(time.Millisecond), in.Reports, len(in.Items), len(in.Rules), computed.Round(time.Millisecond),
		len(stats), time.Since(start).Round(time.Millisecond), float64(size)/(1<<20))
	in, stats = store.StatsInput{}, nil

	// The first computation (a deployment's first page view does it while
	// the page waits; afterwards it runs in the background).
	start = time.Now()
	peak := rbPeakHeap(func() {
		if err := svc.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
	})
	b.Logf("%s: first refresh %v, peak heap %.0f MiB", engine, time.Since(start).Round(time.Millisecond), float64(peak)/(1<<20))

	filters := []recruitment.Filter{{}, {Origin: "VN"}, {Origin: "VN", Program: "technical_intern"},
		{Origin: "VN", Program: "technical_intern", Year: 2025}, {Program: "specified_skilled"}, {Year: 2024}, {Origin: "KH"}}
	b.Run("page", func(b *testing.B) {
		i := 0
		for b.Loop() {
			f := filters[i%len(filters)]
			i++
			snap, err := svc.Stats(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			if snap.Refreshing || snap.Stats == nil {
				b.Fatalf("filter %+v: refreshing=%v", f, snap.Refreshing)
			}
			v := recruitment.BuildView(f, snap.Stats, recruitment.DefaultMinCell)
			if !v.Total.SDG.Median.OK {
				b.Fatalf("filter %+v: suppressed", f)
			}
		}
	})
	b.Run("fingerprint", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.RecruitmentStatsFingerprint(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("agency", func(b *testing.B) {
		for b.Loop() {
			p, err := svc.AgencyProfile(ctx, agencies[0], recruitment.DefaultMinCell)
			if err != nil {
				b.Fatal(err)
			}
			if p.Figures.Suppressed {
				b.Fatal("the busiest agency's figures are suppressed")
			}
		}
	})
	b.Run("refresh", func(b *testing.B) {
		b.ReportAllocs()
		var peak uint64
		for b.Loop() {
			p := rbPeakHeap(func() {
				if err := svc.Refresh(ctx); err != nil {
					b.Fatal(err)
				}
			})
			peak = max(peak, p)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	})
}

// rbPeakHeap runs fn and returns the largest live heap seen meanwhile.
func rbPeakHeap(fn func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return peak.Load()
}

// rbLoad writes n fee reports shaped like the ISA 2022 survey (Viet Nam
// the largest and dearest corridor, the Philippines the cheapest), with
// three items each, a violation in about four reports of ten, and 400
// agencies (each in one origin country); it returns the agencies' ids, the
// busiest first.
func rbLoad(b *testing.B, raw *sql.DB, engine string, n int) []int64 {
	b.Helper()
	ctx := context.Background()
	origins := []struct {
		code   string
		weight int
		mean   float64
	}{{"VN", 40, 688143}, {"ID", 15, 235343}, {"PH", 12, 94821}, {"KH", 8, 573607}, {"MM", 8, 287405}, {"TH", 7, 300000}, {"NP", 7, 450000}, {"ZZ", 3, 400000}}
	programs := []string{"technical_intern", "technical_intern", "technical_intern", "specified_skilled", "specified_skilled", "skill_development"}
	sexes := []string{"female", "male", "female", "male", ""}
	occupations := recruitment.Occupations
	rules := []string{"VN-GEN-SERVICE-FEE-12M", "VN-BROKERAGE-BAN", "JP-TITP-PENALTY-DEPOSIT-PASSPORT", "PH-JP-TITP", "ID-GEN-ZERO-PLACEMENT", "KH-GEN"}
	rng := rand.New(rand.NewPCG(3, 4))

	// Agencies: organisations with details.
	var agencies []int64
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 400 {
		var id int64
		o := origins[i%len(origins)].code
		if err := tx.QueryRow("INSERT INTO organizations (name, type, country, languages, created_at) VALUES ($1, 'sending_agency', $2, '', 0) RETURNING id",
			fmt.Sprintf("Agency %03d", i), o).Scan(&id); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO agency_details (org_id, licence_number, name_search, updated_at) VALUES ($1, $2, $3, 0)",
			id, fmt.Sprintf("L-%d", i), fmt.Sprintf("agency %03d", i)); err != nil {
			b.Fatal(err)
		}
		agencies = append(agencies, id)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}

	ph := engine == store.SQLite
	reports := &rbBatch{positional: ph, head: `INSERT INTO fee_reports (id, reference, channel, language, origin_country, program, occupation, sex,
		contract_months, monthly_wage_jpy, first_month_earnings_jpy, report_date, report_year, agency_org_id, total_cost_jpy,
		total_cost_usd_cents, months_of_earnings, has_violation, created_at, wrapped_key)`}
	items := &rbBatch{positional: ph, head: `INSERT INTO fee_items (report_id, position, kind, amount, currency, amount_jpy, amount_usd_cents, jpy_per_unit, rate_source, refunded)`}
	findings := &rbBatch{positional: ph, head: `INSERT INTO fee_findings (report_id, rule_id, rule_version, check_index, check_kind, severity, rule_status, confidence, paid_jpy)`}
	const perStatement = 500
	const perTx = 50_000
	wrapped := make([]byte, 60)
	totalWeight := 0
	for _, o := range origins {
		totalWeight += o.weight
	}
	if tx, err = raw.BeginTx(ctx, nil); err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		w := rng.IntN(totalWeight)
		oi := 0
		for w >= origins[oi].weight {
			w -= origins[oi].weight
			oi++
		}
		o := origins[oi]
		cost := int64(math.Max(0, o.mean*math.Exp(rng.NormFloat64()*0.5-0.125)))
		var earnings, months any
		if rng.IntN(10) > 0 {
			e := int64(120000 + rng.IntN(60000))
			earnings, months = e, float64(cost)/float64(e)
		}
		year := 2021 + rng.IntN(6)
		violation := rng.IntN(10) < 4
		// Agencies work in one origin country (agency i in origins[i%8]);
		// a few are busy: the first has about a third of Viet Nam's reports.
		var agency any
		if rng.IntN(100) < 85 {
			if oi == 0 && rng.IntN(3) == 0 {
				agency = agencies[0]
			} else {
				agency = agencies[oi+len(origins)*rng.IntN(len(agencies)/len(origins))]
			}
		}
		reports.add(int64(i), "FR-B"+strconv.Itoa(i), "import", "vi", o.code, programs[rng.IntN(len(programs))],
			occupations[rng.IntN(len(occupations))], sexes[rng.IntN(len(sexes))], 36, 160000, earnings,
			fmt.Sprintf("%d-%02d-15", year, 1+rng.IntN(12)), year, agency, cost, cost*100/150, months, violation, rbNow.UnixMilli(), wrapped)
		parts := []struct {
			kind  string
			share float64
		}{{"service_fee", 0.6}, {"training", 0.25}, {"documents_and_visa", 0.15}}
		for p, part := range parts {
			amt := int64(float64(cost) * part.share)
			items.add(int64(i), p, part.kind, amt*100, "JPY", amt, amt*100/150, 1.0, "same", false)
		}
		if violation {
			findings.add(int64(i), rules[rng.IntN(len(rules))], 1, 0, "cap", "violation", "in_force", "high", cost)
			if rng.IntN(3) == 0 {
				findings.add(int64(i), "GLOBAL-ILO-ZERO-FEE", 1, 0, "zero", "concern", "policy_not_law", "high", cost)
			}
		}
		if reports.rows >= perStatement {
			reports.flush(b, tx)
			items.flush(b, tx)
			findings.flush(b, tx)
		}
		if i%perTx == 0 {
			reports.flush(b, tx)
			items.flush(b, tx)
			findings.flush(b, tx)
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			if tx, err = raw.BeginTx(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	reports.flush(b, tx)
	items.flush(b, tx)
	findings.flush(b, tx)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return agencies
}

// rbBatch accumulates rows for one multi-row INSERT. On SQLite it writes
// "?" placeholders: numbered ones ($N) are looked up by name, which is
// quadratic in their number.
type rbBatch struct {
	head       string
	positional bool
	rows       int
	args       []any
	sb         strings.Builder
}

func (bt *rbBatch) add(vals ...any) {
	if bt.rows > 0 {
		bt.sb.WriteString(",")
	}
	bt.sb.WriteString("(")
	for i, v := range vals {
		if i > 0 {
			bt.sb.WriteString(",")
		}
		bt.args = append(bt.args, v)
		if bt.positional {
			bt.sb.WriteString("?")
		} else {
			bt.sb.WriteString("$" + strconv.Itoa(len(bt.args)))
		}
	}
	bt.sb.WriteString(")")
	bt.rows++
}

func (bt *rbBatch) flush(b *testing.B, tx *sql.Tx) {
	if bt.rows == 0 {
		return
	}
	if _, err := tx.Exec(bt.head+" VALUES "+bt.sb.String(), bt.args...); err != nil {
		b.Fatalf("%s: %v", bt.head, err)
	}
	bt.rows, bt.args = 0, bt.args[:0]
	bt.sb.Reset()
}
