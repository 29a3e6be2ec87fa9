package corridor_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/corridor"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/intake"
	"remedy/internal/org"
	"remedy/internal/recruitment"
	"remedy/internal/store"
	"remedy/internal/testutil/pgtest"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
)

var cdNow = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

type cdEnv struct {
	clock  *stack.Clock
	svc    *corridor.Service
	db     *store.DB
	raw    *sql.DB
	keys   *vault.Keyring
	intake *intake.Service
}

func newEnv(t *testing.T, engine string) cdEnv {
	t.Helper()
	dir := t.TempDir()
	opts := store.Options{DataDir: dir}
	if engine == store.Postgres {
		opts.URL = pgtest.DSN(t)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var raw *sql.DB
	if engine == store.Postgres {
		raw, err = sql.Open("pgx", opts.URL)
	} else {
		raw, err = sql.Open("sqlite", "file:"+filepath.Join(dir, "remedy.db")+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	keys, _, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clock := stack.NewClock(cdNow)
	now := clock.Now
	return cdEnv{
		clock: clock,
		svc:   &corridor.Service{DB: db, Keys: keys, Now: now, Rand: rand.Reader}, db: db, raw: raw, keys: keys,
		intake: &intake.Service{DB: db, Keys: keys, Now: now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy},
	}
}

var engines = []string{store.SQLite, store.Postgres}

func mechanism(role org.Role, person int64) access.Actor {
	return access.Actor{Kind: access.Staff, PersonID: person, OrgID: 1, OrgType: org.Mechanism, Role: role}
}

// person writes a staff member of orgID behind the store (moderators and
// answers refer to people).
func (e cdEnv) person(t *testing.T, orgID int64, email string, role org.Role) int64 {
	t.Helper()
	var id int64
	if err := e.raw.QueryRow(`INSERT INTO people (org_id, email, role, password_hash, sealed_totp, active, created_at)
		VALUES ($1, $2, $3, 'x', $4, TRUE, 0) RETURNING id`, orgID, email, string(role), []byte{1}).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (e cdEnv) agency(t *testing.T, name string, country, licence string) recruitment.Agency {
	t.Helper()
	a, err := e.svc.AddAgency(context.Background(), mechanism(org.Admin, 1), recruitment.Agency{
		Org: org.Organization{Name: name, Type: org.SendingAgency, Country: country}, LicenceNumber: licence})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// feeReport writes a fee report behind the store, with the receipt's
// lookup hash when receipt is not empty.
func (e cdEnv) feeReport(t *testing.T, ref, receipt string, agency int64, origin string, cost, earnings int64, violation bool) int64 {
	t.Helper()
	var hash, ag, earn, months any
	if receipt != "" {
		hash = e.keys.ReceiptLookupHash(receipt)
	}
	if agency != 0 {
		ag = agency
	}
	if earnings > 0 {
		earn, months = earnings, float64(cost)/float64(earnings)
	}
	var id int64
	err := e.raw.QueryRow(`INSERT INTO fee_reports (reference, receipt_hash, channel, language, origin_country, program, contract_months,
		monthly_wage_jpy, first_month_earnings_jpy, report_date, report_year, agency_org_id, total_cost_jpy, total_cost_usd_cents,
		months_of_earnings, has_violation, created_at, wrapped_key)
		VALUES ($1, $2, 'web', 'vi', $3, 'technical_intern', 36, 160000, $4, '2026-10-01', 2026, $5, $6, 0, $7, $8, 0, $9) RETURNING id`,
		ref, hash, origin, earn, ag, cost, months, violation, []byte{1}).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func isLang(s string) bool { return i18n.IsSupported(s) }

func TestReviewsEngines(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			a := e.agency(t, "Công ty Nhân lực A", "VN", "1/GP")
			b := e.agency(t, "Công ty Nhân lực B", "VN", "2/GP")
			r1 := "1111 2222 3333 4444"
			r2 := "5555 6666 7777 8888"
			r3 := "9999 0000 1111 2222"
			e.feeReport(t, "FR-1", r1, a.Org.ID, "VN", 600000, 150000, true)
			e.feeReport(t, "FR-2", r2, b.Org.ID, "VN", 600000, 150000, true)
			e.feeReport(t, "FR-3", r3, 0, "VN", 600000, 150000, false)
			rc, err := e.intake.Submit(ctx, grievance.Submission{Language: "vi", OriginCountry: "VN", Program: "technical_intern",
				Categories: []string{"recruitment.fees"}, Narrative: "Phí quá cao", Contact: grievance.Contact{Channel: "none"}}, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.raw.Exec("INSERT INTO referrals (case_id, org_id, status, sent_at, acknowledge_by) VALUES ($1, $2, 'sent', 0, 0)", rc.CaseID, a.Org.ID); err != nil {
				t.Fatal(err)
			}

			if _, err := e.svc.ProveReviewer(ctx, "1234 5678 9012 3456", ""); apperr.CodeOf(err) != apperr.Unauthorized {
				t.Errorf("a receipt of nothing: %v", err)
			}
			if _, err := e.svc.ProveReviewer(ctx, "not a receipt", ""); apperr.CodeOf(err) != apperr.Unauthorized {
				t.Errorf("not a receipt: %v", err)
			}
			prove := func(receipt string) corridor.Reviewer {
				t.Helper()
				who, err := e.svc.ProveReviewer(ctx, receipt, "")
				if err != nil {
					t.Fatalf("prove %s: %v", receipt, err)
				}
				return who
			}
			w1 := prove(r1)
			if w1.FeeReportID == 0 || w1.ReportAgency != a.Org.ID || w1.CaseID != 0 {
				t.Errorf("fee report reviewer: %+v", w1)
			}
			wc := prove(rc.Receipt)
			if wc.CaseID != rc.CaseID || wc.FeeReportID != 0 {
				t.Errorf("case reviewer: %+v", wc)
			}
			// With a passphrase set, the case's receipt alone is not enough.
			rc2, err := e.intake.Submit(ctx, grievance.Submission{Language: "vi", OriginCountry: "VN", Program: "technical_intern",
				Categories: []string{"recruitment.debt"}, Narrative: "Nợ", Contact: grievance.Contact{Channel: "none"}}, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := e.intake.SetPassphrase(ctx, rc2.CaseID, "long passphrase", "long passphrase"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.ProveReviewer(ctx, rc2.Receipt, ""); apperr.CodeOf(err) != apperr.Unauthorized {
				t.Errorf("case with passphrase, none given: %v", err)
			}
			if who, err := e.svc.ProveReviewer(ctx, rc2.Receipt, "long passphrase"); err != nil || who.CaseID != rc2.CaseID {
				t.Errorf("case with passphrase: %+v %v", who, err)
			}

			secret := "Họ giữ hộ chiếu của tôi — bí mật 7c1f"
			sub := recruitment.ReviewSubmission{Rating: 1, Comment: secret, Language: "vi"}
			rv, err := e.svc.SubmitReview(ctx, a.Org.ID, w1, sub, isLang)
			if err != nil || !rv.Verified || rv.Status != recruitment.ReviewPending {
				t.Fatalf("review with the agency's own report: %+v %v", rv, err)
			}
			if _, err := e.svc.SubmitReview(ctx, a.Org.ID, w1, sub, isLang); apperr.CodeOf(err) != apperr.Conflict {
				t.Errorf("second review with the same report: %v", err)
			}
			if _, err := e.svc.SubmitReview(ctx, a.Org.ID, prove(r2), sub, isLang); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("a report about another agency: %v", err)
			}
			if rv, err := e.svc.SubmitReview(ctx, a.Org.ID, prove(r3), recruitment.ReviewSubmission{Rating: 3, Language: "en"}, isLang); err != nil || rv.Verified {
				t.Errorf("a report naming no agency: %+v %v", rv, err)
			}
			if rv, err := e.svc.SubmitReview(ctx, a.Org.ID, wc, recruitment.ReviewSubmission{Rating: 2, Comment: "Phí cao", Language: "vi"}, isLang); err != nil || !rv.Verified {
				t.Errorf("a case referred to the agency: %+v %v", rv, err)
			}
			if rv, err := e.svc.SubmitReview(ctx, b.Org.ID, wc, recruitment.ReviewSubmission{Rating: 4, Language: "vi"}, isLang); err != nil || rv.Verified {
				t.Errorf("a case not referred to the agency: %+v %v", rv, err)
			}
			if _, err := e.svc.SubmitReview(ctx, a.Org.ID, corridor.Reviewer{}, sub, isLang); apperr.CodeOf(err) != apperr.Unauthorized {
				t.Errorf("a review tied to nothing: %v", err)
			}
			if _, err := e.svc.SubmitReview(ctx, a.Org.ID, prove(r3), recruitment.ReviewSubmission{Rating: 9, Language: "vi"}, isLang); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("rating 9: %v", err)
			}
			if _, err := e.svc.SubmitReview(ctx, 99999, w1, sub, isLang); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("no such agency: %v", err)
			}

			// The comment is sealed at rest.
			var sealed []byte
			if err := e.raw.QueryRow("SELECT sealed_comment FROM agency_reviews WHERE id = $1", rv.ID).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(sealed, []byte("7c1f")) || bytes.Contains(sealed, []byte("hộ chiếu")) {
				t.Error("the review's comment is stored in clear")
			}

			// Moderation: only the mechanism's admins and caseworkers.
			mod := e.person(t, a.Org.ID, "mod@example.org", org.Caseworker) // any real person row
			if _, err := e.svc.ReviewQueue(ctx, mechanism(org.Viewer, mod), recruitment.ReviewPending); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("a viewer sees the queue: %v", err)
			}
			agencyAdmin := access.Actor{Kind: access.Staff, PersonID: mod, OrgID: a.Org.ID, OrgType: org.SendingAgency, Role: org.Admin}
			if _, err := e.svc.ReviewQueue(ctx, agencyAdmin, recruitment.ReviewPending); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("the agency sees the queue: %v", err)
			}
			cw := mechanism(org.Caseworker, mod)
			queue, err := e.svc.ReviewQueue(ctx, cw, recruitment.ReviewPending)
			if err != nil || len(queue) != 4 || queue[0].Comment != secret {
				t.Fatalf("queue: %d %v", len(queue), err)
			}
			if err := e.svc.Moderate(ctx, cw, queue[1].ID, recruitment.Moderation{Approve: false}); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("a rejection without reason: %v", err)
			}
			if err := e.svc.Moderate(ctx, cw, queue[1].ID, recruitment.Moderation{Approve: false, Reason: "Names a person: Mr X"}); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Moderate(ctx, agencyAdmin, queue[0].ID, recruitment.Moderation{Approve: true}); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("the agency moderated its own review: %v", err)
			}
			for _, i := range []int{0, 2} {
				if err := e.svc.Moderate(ctx, cw, queue[i].ID, recruitment.Moderation{Approve: true}); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.svc.Moderate(ctx, cw, queue[0].ID, recruitment.Moderation{Approve: false, Reason: "late"}); apperr.CodeOf(err) != apperr.Conflict {
				t.Errorf("moderating twice: %v", err)
			}
			var reason []byte
			if err := e.raw.QueryRow("SELECT sealed_reason FROM agency_reviews WHERE id = $1", queue[1].ID).Scan(&reason); err != nil {
				t.Fatal(err)
			}
			if len(reason) == 0 || bytes.Contains(reason, []byte("Mr X")) {
				t.Error("the moderator's reason is missing or in clear")
			}
			rejected, err := e.svc.ReviewQueue(ctx, cw, recruitment.ReviewRejected)
			if err != nil || len(rejected) != 1 || rejected[0].Reason != "Names a person: Mr X" {
				t.Errorf("rejected: %+v %v", rejected, err)
			}
			pub, err := e.svc.PublishedReviews(ctx, a.Org.ID)
			if err != nil || len(pub) != 2 {
				t.Fatalf("published: %d %v", len(pub), err)
			}
			for _, p := range pub {
				if p.Reason != "" {
					t.Error("a published review carries its moderation reason")
				}
			}

			// The agency's one answer: its own admins only.
			admin := e.person(t, a.Org.ID, "admin@a.example.org", org.Admin)
			own := access.Actor{Kind: access.Staff, PersonID: admin, OrgID: a.Org.ID, OrgType: org.SendingAgency, Role: org.Admin}
			ans := recruitment.AgencyAnswer{OrgID: a.Org.ID, Body: "Chúng tôi sẽ hoàn phí.", Language: "vi"}
			if err := e.svc.PublishAnswer(ctx, mechanism(org.Admin, admin), ans, isLang); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("the mechanism answered for the agency: %v", err)
			}
			other := own
			other.OrgID = b.Org.ID
			if err := e.svc.PublishAnswer(ctx, other, ans, isLang); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("another agency answered: %v", err)
			}
			if err := e.svc.PublishAnswer(ctx, own, recruitment.AgencyAnswer{OrgID: a.Org.ID, Language: "vi"}, isLang); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("an empty answer: %v", err)
			}
			if err := e.svc.PublishAnswer(ctx, own, ans, isLang); err != nil {
				t.Fatal(err)
			}

			// The public page, with k = 1 so that the one referral counts.
			prof, err := e.svc.AgencyProfile(ctx, a.Org.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(prof.Reviews) != 2 || prof.ReviewCount != 2 || prof.Answer == nil || prof.Answer.Body != ans.Body {
				t.Errorf("profile reviews/answer: %+v", prof)
			}
			if prof.Grievances.N != (recruitment.Value{V: 1, OK: true}) || len(prof.ByCategory) != 1 || prof.ByCategory[0].Key != "recruitment.fees" {
				t.Errorf("profile grievances: %+v %+v", prof.Grievances, prof.ByCategory)
			}
			if !prof.HasFeeReport || prof.Figures.Suppressed || prof.Figures.Reports.V != 1 {
				t.Errorf("profile figures with k=1: %+v", prof.Figures)
			}
			// With k = 5 nothing about one report or one grievance shows.
			prof, err = e.svc.AgencyProfile(ctx, a.Org.ID, 5)
			if err != nil {
				t.Fatal(err)
			}
			if !prof.Figures.Suppressed || prof.Figures.Cost.Mean.OK || !prof.Grievances.Suppressed || prof.ByCategory != nil || prof.FeeReports.OK {
				t.Errorf("profile with k=5: figures %+v grievances %+v", prof.Figures, prof.Grievances)
			}
		})
	}
}

func TestImportEngines(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			bad := "name,type,country\nCông ty A,sending_agency,VN\nEmployer,employer,JP\n"
			if _, err := e.svc.ImportAgencies(ctx, mechanism(org.Viewer, 1), strings.NewReader(bad)); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("a viewer imported: %v", err)
			}
			rep, err := e.svc.ImportAgencies(ctx, mechanism(org.Admin, 1), strings.NewReader(bad))
			if err != nil || rep.Invalid != 1 || rep.Result.Created != 0 {
				t.Errorf("import with a bad row: %+v %v", rep, err)
			}
			if _, total, _ := e.db.SearchAgencies(ctx, store.AgencyQuery{}); total != 0 {
				t.Errorf("a file with a bad row wrote %d agencies", total)
			}
			if _, err := e.svc.ImportAgencies(ctx, mechanism(org.Admin, 1), strings.NewReader("just,some,columns\n")); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("no header: %v", err)
			}
			good := "name,type,country,licence_number,aliases\nCông ty A,sending_agency,VN,1/GP,Company A\nSakura,supervising_org,JP,,さくら\n"
			rep, err = e.svc.ImportAgencies(ctx, mechanism(org.Caseworker, 1), strings.NewReader(good))
			if err != nil || rep.Invalid != 0 || rep.Result.Created != 2 {
				t.Fatalf("good import: %+v %v", rep, err)
			}
			found, _, err := e.svc.SearchAgencies(ctx, store.AgencyQuery{Text: "さくら"})
			if err != nil || len(found) != 1 || found[0].Org.Name != "Sakura" {
				t.Errorf("search after import: %+v %v", found, err)
			}
		})
	}
}

func TestStatsRefreshEngines(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			snap, err := e.svc.Stats(ctx, recruitment.Filter{})
			if err != nil || snap.Stats != nil || snap.ComputedAt.IsZero() {
				t.Fatalf("no reports: %+v %v", snap, err)
			}
			for i := range 4 {
				e.feeReport(t, fmt.Sprintf("FR-%d", i), "", 0, "VN", int64(100000*(i+1)), 150000, false)
			}
			// Few reports: recomputed before the page is served.
			snap, err = e.svc.Stats(ctx, recruitment.Filter{Origin: "VN"})
			if err != nil || snap.Stats == nil || snap.Stats.Total.Reports != 4 || snap.Refreshing {
				t.Fatalf("4 reports: %+v %v", snap, err)
			}
			v := recruitment.BuildView(snap.Stats.Filter, snap.Stats, 5)
			if !v.Total.Suppressed {
				t.Error("4 reports, k=5: shown")
			}
			e.feeReport(t, "FR-5", "", 0, "VN", 500000, 150000, true)
			snap, _ = e.svc.Stats(ctx, recruitment.Filter{Origin: "VN"})
			if v := recruitment.BuildView(snap.Stats.Filter, snap.Stats, 5); v.Total.Suppressed || v.Total.SDG.Median != (recruitment.Value{V: 2, OK: true}) {
				t.Errorf("5 reports, k=5: %+v", v.Total)
			}
			// Many reports: the page is served at once from the summary as
			// it is, and the summary is recomputed in the background, at
			// most once a minute.
			e.svc.SyncLimit = 3
			e.feeReport(t, "FR-6", "", 0, "VN", 900000, 150000, true)
			snap, err = e.svc.Stats(ctx, recruitment.Filter{Origin: "VN"})
			if err != nil || !snap.Refreshing || snap.Stats.Total.Reports != 5 {
				t.Fatalf("above the limit: refreshing=%v reports=%d %v", snap.Refreshing, snap.Stats.Total.Reports, err)
			}
			time.Sleep(100 * time.Millisecond)
			if meta, _ := e.db.RecruitmentStatsMeta(ctx); meta.Fresh() {
				t.Fatal("refreshed within a minute of the last refresh")
			}
			e.clock.Advance(corridor.MinRefreshInterval)
			if snap, err = e.svc.Stats(ctx, recruitment.Filter{Origin: "VN"}); err != nil || !snap.Refreshing {
				t.Fatalf("a minute later: refreshing=%v %v", snap.Refreshing, err)
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				if meta, _ := e.db.RecruitmentStatsMeta(ctx); meta.Fresh() {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the background refresh never finished")
				}
				time.Sleep(20 * time.Millisecond)
			}
			snap, err = e.svc.Stats(ctx, recruitment.Filter{Origin: "VN"})
			if err != nil || snap.Refreshing || snap.Stats.Total.Reports != 6 {
				t.Errorf("after the background refresh: refreshing=%v reports=%d %v", snap.Refreshing, snap.Stats.Total.Reports, err)
			}
		})
	}
}
