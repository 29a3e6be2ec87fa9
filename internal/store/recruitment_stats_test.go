package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"remedy/internal/recruitment"
	"remedy/internal/store"
)

// rsExample is testdata/sdg_example.csv of package recruitment (its
// figures are worked out by hand in sdg_example.md there), as fee reports.
func rsExample(agencyA, agencyB, agencyC int64) []rsRow {
	vn := func(sex, occ, date string, agency, cost, earnings int64, violation bool) rsRow {
		r := rsRow{origin: "VN", program: "technical_intern", sex: sex, occupation: occ, date: date, agency: agency, cost: cost, earnings: earnings,
			items: []rsItem{{kind: "service_fee", jpy: cost}}}
		if violation {
			r.violations = []string{"VN-SERVICE-FEE-CAP"}
		}
		return r
	}
	rows := []rsRow{
		vn("female", "food_manufacturing", "2025-03-01", agencyA, 688000, 137600, true),
		vn("male", "construction", "2025-04-01", agencyA, 550000, 137500, true),
		vn("female", "food_manufacturing", "2025-05-01", agencyB, 412500, 137500, false),
		vn("male", "construction", "2025-06-01", agencyA, 825000, 137500, true),
		vn("female", "food_manufacturing", "2026-01-01", agencyB, 275000, 137500, false),
		vn("male", "construction", "2026-02-01", agencyA, 300000, 0, true),
		vn("female", "agriculture", "2026-03-01", agencyB, 0, 150000, false),
		vn("", "", "2026-04-01", 0, 225000, 150000, false),
	}
	for i, c := range []int64{50000, 100000, 0, 80000, 120000} {
		rows = append(rows, rsRow{origin: "PH", program: "specified_skilled", sex: "female", occupation: "nursing_care",
			date: fmt.Sprintf("2026-0%d-01", i+1), agency: agencyC, cost: c, earnings: 200000,
			items: []rsItem{{kind: "medical", jpy: c}, {kind: "deposit", jpy: 5000, refunded: true}}})
	}
	for _, c := range []int64{600000, 500000, 700000, 550000} {
		rows = append(rows, rsRow{origin: "KH", program: "technical_intern", sex: "male", occupation: "construction",
			date: "2025-07-01", cost: c, earnings: 140000, violations: []string{"JP-TITP-DEPOSIT"}, concerns: []string{"ILO-ZERO-FEE"}})
	}
	for i := range rows {
		rows[i].ref = fmt.Sprintf("FR-%04d", i+1)
	}
	return rows
}

func rsNear(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func rsInsertCase(t *testing.T, raw *sql.DB, ref string, categories ...string) int64 {
	t.Helper()
	var id int64
	err := raw.QueryRow(`INSERT INTO cases (reference, receipt_hash, status, risk, risk_rule, language, origin_country, program,
		anonymous, share_identity, created_at, acknowledge_by, updated_at, wrapped_key, sealed_details)
		VALUES ($1, $2, 'received', 'normal', 'r', 'vi', 'VN', 'technical_intern', TRUE, FALSE, 0, 0, 0, $3, $3) RETURNING id`,
		ref, []byte(ref), []byte{1}).Scan(&id)
	if err != nil {
		t.Fatalf("insert case: %v", err)
	}
	for _, c := range categories {
		if _, err := raw.Exec("INSERT INTO case_categories (case_id, code) VALUES ($1, $2)", id, c); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func TestRecruitmentStatsEngines(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			d := openEngineDB(t, engine, true)
			raw := d.raw(t)
			ctx := context.Background()

			fp0, err := d.RecruitmentStatsFingerprint(ctx)
			if err != nil || fp0 != "v0" {
				t.Fatalf("empty fingerprint: %q %v", fp0, err)
			}
			meta, err := d.RecruitmentStatsMeta(ctx)
			if err != nil || !meta.ComputedAt.IsZero() || meta.Fingerprint != "" {
				t.Fatalf("empty meta: %+v %v", meta, err)
			}
			a := agMust(t, d, agRegistry[0])
			b := agMust(t, d, agRegistry[1])
			c := agMust(t, d, agRegistry[5])
			for _, r := range rsExample(a.Org.ID, b.Org.ID, c.Org.ID) {
				rsReport(t, raw, r)
			}
			fp, err := d.RecruitmentStatsFingerprint(ctx)
			if err != nil || fp == fp0 {
				t.Fatalf("fingerprint after 17 reports: %q %v", fp, err)
			}
			var obs []recruitment.Observation
			in, err := d.LoadStatsInput(ctx, func(o recruitment.Observation) { obs = append(obs, o) })
			if err != nil {
				t.Fatal(err)
			}
			if len(obs) != 17 || in.Reports != 17 || in.Fingerprint != fp {
				t.Fatalf("loaded %d reports, fingerprint %q", len(obs), in.Fingerprint)
			}
			stats := recruitment.ComputeStats(obs, in.Items, in.Rules)
			at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
			if err := d.SaveRecruitmentStats(ctx, in.Fingerprint, in.Reports, at, stats, in.Agencies); err != nil {
				t.Fatal(err)
			}
			// Saving twice replaces, it does not add.
			if err := d.SaveRecruitmentStats(ctx, in.Fingerprint, in.Reports, at, stats, in.Agencies); err != nil {
				t.Fatal(err)
			}
			meta, _ = d.RecruitmentStatsMeta(ctx)
			if meta.Fingerprint != fp || !meta.Fresh() || meta.Reports != 17 || !meta.ComputedAt.Equal(at) {
				t.Errorf("meta: %+v", meta)
			}

			// The hand-checked figures, read back from the summary table.
			vn, err := d.RecruitmentStats(ctx, recruitment.Filter{Origin: "VN", Program: "technical_intern"})
			if err != nil || vn == nil {
				t.Fatalf("VN stats: %v", err)
			}
			rsNear(t, "VN SDG mean", vn.Total.SDG.Mean, 21.5/7)
			rsNear(t, "VN SDG median", vn.Total.SDG.Median, 3)
			rsNear(t, "VN SDG Q4", vn.Total.SDG.Q4, 4.8)
			rsNear(t, "VN cost median", vn.Total.Cost.Median, 356250)
			rsNear(t, "VN cost Q4", vn.Total.Cost.Q4, 632800)
			if vn.Total.Excluded() != 1 || vn.Total.Violations != 4 {
				t.Errorf("VN excluded %d violations %d", vn.Total.Excluded(), vn.Total.Violations)
			}
			all, _ := d.RecruitmentStats(ctx, recruitment.Filter{})
			if all == nil || all.Total.Reports != 17 {
				t.Fatalf("all: %+v", all)
			}
			// Items: refunded deposits are not costs.
			var kinds []string
			for _, it := range all.Items {
				kinds = append(kinds, it.Kind)
				if it.Kind == "medical" && (it.Reports != 4 || it.SumJPY != 350000) {
					t.Errorf("medical: %+v, want 4 reports (an amount of 0 is no payment) and 350000", it)
				}
			}
			if slices.Contains(kinds, "deposit") {
				t.Errorf("a refunded deposit counted as a cost: %v", kinds)
			}
			// Violations by rule; concerns are not violations.
			var rules []string
			for _, r := range all.Rules {
				rules = append(rules, fmt.Sprintf("%s=%d", r.RuleID, r.Reports))
			}
			if !slices.Equal(rules, []string{"JP-TITP-DEPOSIT=4", "VN-SERVICE-FEE-CAP=4"}) {
				t.Errorf("rules: %v", rules)
			}
			if f, err := d.RecruitmentStats(ctx, recruitment.Filter{Origin: "NP"}); err != nil || f != nil {
				t.Errorf("a filter without reports: %+v %v", f, err)
			}
			dims := meta.Dimensions
			origins, programs, years := dims.Origins, dims.Programs, dims.Years
			slices.Sort(origins)
			slices.Sort(programs)
			slices.Sort(years)
			if !slices.Equal(origins, []string{"KH", "PH", "VN"}) || !slices.Equal(programs, []string{"specified_skilled", "technical_intern"}) ||
				!slices.Equal(years, []int{2025, 2026}) {
				t.Errorf("dimensions: %v %v %v", origins, programs, years)
			}

			// Suppression at k−1 and k, on figures read back from the store:
			// PH has 5 reports, KH 4.
			for _, tc := range []struct {
				origin string
				n      int
			}{{"PH", 5}, {"KH", 4}} {
				s, err := d.RecruitmentStats(ctx, recruitment.Filter{Origin: tc.origin})
				if err != nil || s == nil {
					t.Fatal(err)
				}
				below := recruitment.BuildView(s.Filter, s, tc.n+1)
				at := recruitment.BuildView(s.Filter, s, tc.n)
				if !below.Total.Suppressed || below.Total.Cost.Mean.OK || below.Total.SDG.Median.OK || below.Total.Reports.OK {
					t.Errorf("%s with k=%d (k−1 reports): %+v", tc.origin, tc.n+1, below.Total)
				}
				if at.Total.Suppressed || !at.Total.Cost.Mean.OK || !at.Total.SDG.Median.OK || at.Total.Reports != (recruitment.Value{V: float64(tc.n), OK: true}) {
					t.Errorf("%s with k=%d (k reports): %+v", tc.origin, tc.n, at.Total)
				}
			}

			// The refresh lease: one taker at a time, free again when it ends
			// or when the figures are saved.
			now := at.Add(time.Hour)
			if ok, err := d.ClaimStatsRefresh(ctx, now, now.Add(time.Minute)); !ok || err != nil {
				t.Errorf("first claim: %v %v", ok, err)
			}
			if ok, _ := d.ClaimStatsRefresh(ctx, now.Add(30*time.Second), now.Add(2*time.Minute)); ok {
				t.Error("a second claim within the lease succeeded")
			}
			if ok, _ := d.ClaimStatsRefresh(ctx, now.Add(2*time.Minute), now.Add(3*time.Minute)); !ok {
				t.Error("a claim after the lease failed")
			}
			if err := d.InvalidateRecruitmentStats(ctx); err != nil {
				t.Fatal(err)
			}
			if meta, _ := d.RecruitmentStatsMeta(ctx); meta.Fresh() {
				t.Errorf("invalidated meta: %+v", meta)
			}
			// The triggers: a change the figures use moves the version; one
			// they do not use (the link to a grievance) does not.
			before, _ := d.RecruitmentStatsFingerprint(ctx)
			if _, err := raw.Exec("UPDATE fee_reports SET agency_org_id = $1 WHERE reference = 'FR-0008'", b.Org.ID); err != nil {
				t.Fatal(err)
			}
			after, _ := d.RecruitmentStatsFingerprint(ctx)
			if after == before {
				t.Error("linking a report to an agency did not change the data version")
			}
			if _, err := raw.Exec("UPDATE fee_reports SET grant_expires_at = 1 WHERE reference = 'FR-0008'"); err != nil {
				t.Fatal(err)
			}
			if again, _ := d.RecruitmentStatsFingerprint(ctx); again != after {
				t.Error("a change the figures do not use changed the data version")
			}
			for _, q := range []string{"UPDATE fee_items SET refunded = TRUE WHERE kind = 'medical'",
				"DELETE FROM fee_findings WHERE rule_id = 'JP-TITP-DEPOSIT'"} {
				before, _ := d.RecruitmentStatsFingerprint(ctx)
				if _, err := raw.Exec(q); err != nil {
					t.Fatal(err)
				}
				if after, _ := d.RecruitmentStatsFingerprint(ctx); after == before {
					t.Errorf("%s did not change the data version", q)
				}
			}

			// An agency's findings and grievances.
			findings, err := d.AgencyFeeFindings(ctx, a.Org.ID)
			if err != nil || len(findings) != 1 || findings[0] != (store.AgencyFinding{OrgID: a.Org.ID, RuleID: "VN-SERVICE-FEE-CAP", Severity: "violation", Reports: 4}) {
				t.Errorf("agency findings: %+v %v", findings, err)
			}
			// KH reports name no agency: their findings count for no agency.
			var n int
			if err := raw.QueryRow("SELECT COUNT(*) FROM recruitment_agency_findings").Scan(&n); err != nil || n != 1 {
				t.Errorf("agency findings rows: %d %v", n, err)
			}
			c1 := rsInsertCase(t, raw, "C-1", "recruitment.fees", "recruitment.debt")
			c2 := rsInsertCase(t, raw, "C-2", "recruitment.fees")
			rsInsertCase(t, raw, "C-3", "wages.unpaid") // about nobody
			if _, err := raw.Exec(`INSERT INTO referrals (case_id, org_id, status, sent_at, acknowledge_by) VALUES ($1, $2, 'sent', 0, 0)`, c1, a.Org.ID); err != nil {
				t.Fatal(err)
			}
			rsReport(t, raw, rsRow{ref: "FR-CASE", origin: "VN", program: "technical_intern", date: "2026-05-01", cost: 1, agency: a.Org.ID, caseID: c2})
			// c1 is also made from a report of the agency: counted once.
			rsReport(t, raw, rsRow{ref: "FR-CASE2", origin: "VN", program: "technical_intern", date: "2026-05-01", cost: 1, agency: a.Org.ID, caseID: c1})
			n, byCat, err := d.AgencyGrievances(ctx, a.Org.ID)
			if err != nil || n != 2 || byCat["recruitment.fees"] != 2 || byCat["recruitment.debt"] != 1 || len(byCat) != 2 {
				t.Errorf("agency grievances: %d %v %v", n, byCat, err)
			}
			// Two items of one kind in one report: one report paid for it;
			// two findings of one rule in one report: one report broke it.
			rsReport(t, raw, rsRow{ref: "FR-NP", origin: "NP", program: "specified_skilled", date: "2026-05-01", cost: 300,
				items: []rsItem{{kind: "other", jpy: 100}, {kind: "other", jpy: 200}}, violations: []string{"NP-JP", "NP-JP"}})
			obs = nil
			in, err = d.LoadStatsInput(ctx, func(o recruitment.Observation) { obs = append(obs, o) })
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range recruitment.ComputeStats(obs, in.Items, in.Rules) {
				if s.Filter != (recruitment.Filter{Origin: "NP"}) {
					continue
				}
				if len(s.Items) != 1 || s.Items[0] != (recruitment.ItemCell{Kind: "other", Reports: 1, SumJPY: 300}) {
					t.Errorf("NP items: %+v", s.Items)
				}
				if len(s.Rules) != 1 || s.Rules[0].Reports != 1 {
					t.Errorf("NP rules: %+v", s.Rules)
				}
			}
			if ok, _ := d.CaseReferredTo(ctx, c1, a.Org.ID); !ok {
				t.Error("c1 is referred to the agency")
			}
			if ok, _ := d.CaseReferredTo(ctx, c2, a.Org.ID); ok {
				t.Error("c2 is not referred to the agency")
			}
		})
	}
}
