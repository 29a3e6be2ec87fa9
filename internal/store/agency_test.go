package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/org"
	"remedy/internal/recruitment"
	"remedy/internal/store"
)

// agAt is when the registry tests act.
var agAt = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func agEntry(action string) audit.Entry {
	return audit.Entry{At: agAt, Actor: "system", Action: action}
}

func agMust(t *testing.T, d engineDB, a recruitment.Agency) recruitment.Agency {
	t.Helper()
	if errs := a.Validate(agAt); len(errs) > 0 {
		t.Fatalf("invalid agency %q: %v", a.Org.Name, errs)
	}
	a.Org.CreatedAt, a.UpdatedAt = agAt, agAt
	if err := d.CreateAgency(context.Background(), &a, agEntry("registry.agency_added")); err != nil {
		t.Fatal(err)
	}
	return a
}

func agNames(as []recruitment.Agency) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Org.Name)
	}
	slices.Sort(out)
	return out
}

// agRegistry is a registry with agencies in five scripts.
var agRegistry = []recruitment.Agency{
	{Org: org.Organization{Name: "Công ty Cổ phần Nhân lực Quốc tế Sao Mai", Type: org.SendingAgency, Country: "VN"},
		LicenceNumber: "123/LĐTBXH-GP", LicenceStatus: recruitment.LicenceValid, Aliases: []string{"Sao Mai Manpower JSC"}},
	{Org: org.Organization{Name: "Công ty TNHH Đào tạo Hà Nội", Type: org.SendingAgency, Country: "VN"}, LicenceNumber: "45/LĐTBXH-GP"},
	{Org: org.Organization{Name: "協同組合さくら監理", Type: org.SupervisingOrg, Country: "JP"}, LicenceNumber: "許1801000123",
		Aliases: []string{"Sakura Kanri Cooperative"}},
	{Org: org.Organization{Name: "ក្រុមហ៊ុន អង្គរ ការងារ", Type: org.SendingAgency, Country: "KH"}, LicenceNumber: "KH-077"},
	{Org: org.Organization{Name: "บริษัท จัดหางาน สยาม", Type: org.SendingAgency, Country: "TH"}, LicenceNumber: "TH 2566/0042"},
	{Org: org.Organization{Name: "PT Tenaga Kerja Nusantara", Type: org.SendingAgency, Country: "ID"}, LicenceNumber: "KEP.123/2024"},
	{Org: org.Organization{Name: "株式会社ミライ登録支援", Type: org.RegisteredSupportOrg, Country: "JP"}},
}

func TestAgencyRegistryEngines(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			d := openEngineDB(t, engine, true)
			ctx := context.Background()
			for _, a := range agRegistry {
				agMust(t, d, a)
			}
			// An employer is not in the registry, however it is named.
			emp := org.Organization{Name: "Công ty Nhân lực giả", Type: org.Employer, Country: "JP", CreatedAt: agAt}
			if err := d.CreateOrganization(ctx, &emp, agEntry("org.created")); err != nil {
				t.Fatal(err)
			}
			search := func(q string) []string {
				t.Helper()
				found, total, err := d.SearchAgencies(ctx, store.AgencyQuery{Text: q})
				if err != nil {
					t.Fatalf("search %q: %v", q, err)
				}
				if total != len(found) {
					t.Errorf("search %q: total %d, listed %d", q, total, len(found))
				}
				return agNames(found)
			}
			sao := "Công ty Cổ phần Nhân lực Quốc tế Sao Mai"
			cases := []struct {
				q    string
				want []string
			}{
				{"cong ty nhan luc", []string{sao}},                       // without diacritics, words apart
				{"Công ty Nhân lực", []string{sao}},                       // with them
				{"CÔNG TY", []string{sao, "Công ty TNHH Đào tạo Hà Nội"}}, // upper case
				{"dao tao ha noi", []string{"Công ty TNHH Đào tạo Hà Nội"}},
				{"sao mai manpower", []string{sao}},           // an alias
				{"123/LĐTBXH-GP", []string{sao}},              // licence as written
				{"123 ldtbxh gp", []string{sao}},              // licence, punctuated otherwise
				{"123ldtbxhgp", []string{sao}},                // licence, letters and digits
				{"さくら", []string{"協同組合さくら監理"}},                // Japanese, no spaces
				{"監理", []string{"協同組合さくら監理"}},                 // two characters (below a trigram)
				{"ﾐﾗｲ", []string{"株式会社ミライ登録支援"}},              // half-width katakana
				{"許1801000123", []string{"協同組合さくら監理"}},        // a Japanese licence number
				{"អង្គរ", []string{"ក្រុមហ៊ុន អង្គរ ការងារ"}}, // Khmer
				{"ការងារ", []string{"ក្រុមហ៊ុន អង្គរ ការងារ"}},
				{"จัดหางาน", []string{"บริษัท จัดหางาน สยาม"}}, // Thai
				{"2566/0042", []string{"บริษัท จัดหางาน สยาม"}},
				{"nusantara", []string{"PT Tenaga Kerja Nusantara"}},
				{"kep.123", []string{"PT Tenaga Kerja Nusantara"}},
				{"nhân lực giả", nil}, // the employer is not listed
				{"no such agency", nil},
				{"%", agNames(agRegistry)}, // wildcards are dropped: everything
			}
			for _, c := range cases {
				if got := search(c.q); !slices.Equal(got, c.want) {
					t.Errorf("search %q = %q, want %q", c.q, got, c.want)
				}
			}
			vn, total, err := d.SearchAgencies(ctx, store.AgencyQuery{Country: "vn", Type: org.SendingAgency})
			if err != nil || total != 2 || len(vn) != 2 {
				t.Errorf("VN sending agencies: %d %v", total, err)
			}
			page, total, err := d.SearchAgencies(ctx, store.AgencyQuery{Limit: 2, Offset: 2})
			if err != nil || total != len(agRegistry) || len(page) != 2 {
				t.Errorf("page: %d of %d, %v", len(page), total, err)
			}

			// Read back and update.
			a := vn[0]
			if a.Org.Name != "Công ty Cổ phần Nhân lực Quốc tế Sao Mai" || a.LicenceStatus != recruitment.LicenceValid || len(a.Aliases) != 1 {
				t.Errorf("read back: %+v", a)
			}
			a.LicenceStatus, a.LicenceCheckedOn, a.Aliases = recruitment.LicenceRevoked, "2026-10-30", []string{"Sao Mai HR"}
			if err := d.UpdateAgency(ctx, &a, agEntry("registry.agency_updated")); err != nil {
				t.Fatal(err)
			}
			got, err := d.Agency(ctx, a.Org.ID)
			if err != nil || got.LicenceStatus != recruitment.LicenceRevoked || got.LicenceCheckedOn != "2026-10-30" {
				t.Errorf("after update: %+v %v", got, err)
			}
			if s := search("sao mai hr"); len(s) != 1 {
				t.Errorf("the new alias is not searchable: %v", s)
			}
			if s := search("sao mai manpower"); len(s) != 0 {
				t.Errorf("the old alias is still found: %v", s)
			}
			if _, err := d.Agency(ctx, emp.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("an employer read as an agency: %v", err)
			}
			// An organisation of an agency type made on the organisations
			// page, without details, is listed and found by name.
			plain := org.Organization{Name: "Nepal Overseas Manpower", Type: org.SendingAgency, Country: "NP", CreatedAt: agAt}
			if err := d.CreateOrganization(ctx, &plain, agEntry("org.created")); err != nil {
				t.Fatal(err)
			}
			if s := search("overseas"); !slices.Equal(s, []string{"Nepal Overseas Manpower"}) {
				t.Errorf("an agency without details: %v", s)
			}
			if got, err := d.Agency(ctx, plain.ID); err != nil || got.LicenceStatus != recruitment.LicenceUnknown {
				t.Errorf("an agency without details: %+v %v", got, err)
			}

			// Matching a fee report's agency.
			id, err := d.MatchAgency(ctx, "VN", "123-ldtbxh-gp", "")
			if err != nil || id != a.Org.ID {
				t.Errorf("match by licence: %d %v", id, err)
			}
			id, err = d.MatchAgency(ctx, "VN", "", "CONG TY TNHH DAO TAO HA NOI")
			if err != nil || id == 0 {
				t.Errorf("match by name: %d %v", id, err)
			}
			if id, _ := d.MatchAgency(ctx, "ID", "123/LĐTBXH-GP", ""); id != 0 {
				t.Errorf("matched a licence of another country: %d", id)
			}
			names, err := d.AgencyNames(ctx, []int64{a.Org.ID, 99999})
			if err != nil || names[a.Org.ID] != a.Org.Name || len(names) != 1 {
				t.Errorf("names: %v %v", names, err)
			}
		})
	}
}

func TestAgencyImportEngines(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			d := openEngineDB(t, engine, true)
			ctx := context.Background()
			existing := agMust(t, d, agRegistry[0])
			rows := []recruitment.Agency{
				// Same licence, other spelling: updated.
				{Org: org.Organization{Name: "Sao Mai International Manpower", Type: org.SendingAgency, Country: "VN"},
					LicenceNumber: "123 LĐTBXH GP", LicenceStatus: recruitment.LicenceSuspended},
				// New.
				{Org: org.Organization{Name: "Philippine Careers Inc.", Type: org.SendingAgency, Country: "PH"}, LicenceNumber: "POEA-001"},
				// The same new one twice in a file: created once, then updated.
				{Org: org.Organization{Name: "Philippine Careers Inc", Type: org.SendingAgency, Country: "PH"}, LicenceNumber: "poea 001"},
				// No licence: matched by folded name, country and type.
				{Org: org.Organization{Name: "株式会社ミライ登録支援", Type: org.RegisteredSupportOrg, Country: "JP"}},
			}
			for i := range rows {
				rows[i].Validate(agAt)
				rows[i].Org.CreatedAt, rows[i].UpdatedAt = agAt, agAt
			}
			res, err := d.ImportAgencies(ctx, rows, agEntry("registry.imported"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Created != 2 || res.Updated != 2 {
				t.Errorf("first import: %+v, want 2 created and 2 updated", res)
			}
			got, _ := d.Agency(ctx, existing.Org.ID)
			if got.Org.Name != "Sao Mai International Manpower" || got.LicenceStatus != recruitment.LicenceSuspended {
				t.Errorf("updated by licence: %+v", got)
			}
			res, err = d.ImportAgencies(ctx, rows[3:], agEntry("registry.imported"))
			if err != nil || res.Created != 0 || res.Updated != 1 {
				t.Errorf("second import: %+v %v", res, err)
			}
			_, total, _ := d.SearchAgencies(ctx, store.AgencyQuery{})
			if total != 3 {
				t.Errorf("%d agencies, want 3", total)
			}
		})
	}
}

// rsReport writes a fee report (with items and findings) behind the store.
func rsReport(t *testing.T, raw *sql.DB, r rsRow) int64 {
	t.Helper()
	var earnings, months, agency, caseID any
	if r.earnings > 0 {
		earnings = r.earnings
		months = float64(r.cost) / float64(r.earnings)
	}
	if r.agency != 0 {
		agency = r.agency
	}
	if r.caseID != 0 {
		caseID = r.caseID
	}
	var id int64
	err := raw.QueryRow(`INSERT INTO fee_reports (reference, receipt_hash, channel, language, origin_country, program, occupation, sex,
		contract_months, monthly_wage_jpy, first_month_earnings_jpy, report_date, report_year, agency_org_id, total_cost_jpy,
		total_cost_usd_cents, months_of_earnings, has_violation, case_id, created_at, wrapped_key, agency_name, agency_licence)
		VALUES ($1, $2, 'import', 'vi', $3, $4, $5, $6, 36, 160000, $7, $8, $9, $10, $11, 0, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
		r.ref, r.receiptHash, r.origin, r.program, r.occupation, r.sex, earnings, r.date, r.year(), agency, r.cost, months,
		len(r.violations) > 0, caseID, agAt.UnixMilli(), []byte{1}, r.agencyName, r.agencyLicence).Scan(&id)
	if err != nil {
		t.Fatalf("insert fee report: %v", err)
	}
	for i, it := range r.items {
		if _, err := raw.Exec(`INSERT INTO fee_items (report_id, position, kind, amount, currency, amount_jpy, amount_usd_cents,
			jpy_per_unit, rate_source, refunded) VALUES ($1, $2, $3, $4, 'JPY', $5, 0, 1, 'same', $6)`,
			id, i, it.kind, it.jpy*100, it.jpy, it.refunded); err != nil {
			t.Fatalf("insert fee item: %v", err)
		}
	}
	for _, rule := range r.violations {
		if _, err := raw.Exec(`INSERT INTO fee_findings (report_id, rule_id, rule_version, check_index, check_kind, severity,
			rule_status, confidence, paid_jpy) VALUES ($1, $2, 1, 0, 'cap', 'violation', 'in_force', 'high', 0)`, id, rule); err != nil {
			t.Fatalf("insert finding: %v", err)
		}
	}
	for _, rule := range r.concerns {
		if _, err := raw.Exec(`INSERT INTO fee_findings (report_id, rule_id, rule_version, check_index, check_kind, severity,
			rule_status, confidence, paid_jpy) VALUES ($1, $2, 1, 0, 'zero', 'concern', 'in_force', 'high', 0)`, id, rule); err != nil {
			t.Fatalf("insert finding: %v", err)
		}
	}
	return id
}

type rsItem struct {
	kind     string
	jpy      int64
	refunded bool
}

type rsRow struct {
	ref, origin, program, occupation, sex, date string
	agencyName, agencyLicence                   string
	receiptHash                                 []byte
	cost, earnings                              int64
	agency, caseID                              int64
	items                                       []rsItem
	violations, concerns                        []string
}

func (r rsRow) year() int {
	y := 0
	for _, c := range r.date[:4] {
		y = y*10 + int(c-'0')
	}
	return y
}

func TestReviewsEngines(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			d := openEngineDB(t, engine, true)
			raw := d.raw(t)
			ctx := context.Background()
			a := agMust(t, d, agRegistry[0])
			b := agMust(t, d, agRegistry[1])
			rep := rsReport(t, raw, rsRow{ref: "FR-A", origin: "VN", program: "technical_intern", date: "2026-10-01", cost: 1,
				agency: a.Org.ID, receiptHash: []byte("receipt-hash-a")})
			id, agency, err := d.FeeReportForReview(ctx, []byte("receipt-hash-a"))
			if err != nil || id != rep || agency != a.Org.ID {
				t.Errorf("fee report for review: %d %d %v", id, agency, err)
			}
			if id, _, err := d.FeeReportForReview(ctx, []byte("other")); err != nil || id != 0 {
				t.Errorf("unknown receipt: %d %v", id, err)
			}
			rec := store.ReviewRecord{Review: recruitment.Review{Ref: "r1", OrgID: a.Org.ID, FeeReportID: rep, Verified: true, Rating: 2,
				Language: "vi", CreatedAt: agAt}, WrappedKey: []byte{1}, SealedComment: []byte{2}}
			if err := d.CreateReview(ctx, &rec, agEntry("registry.review_submitted")); err != nil {
				t.Fatal(err)
			}
			dup := rec
			dup.Review.Ref = "r2"
			if err := d.CreateReview(ctx, &dup, agEntry("registry.review_submitted")); !errors.Is(err, store.ErrDuplicateReview) {
				t.Errorf("second review with the same report: %v", err)
			}
			other := rec
			other.Review.Ref, other.Review.OrgID = "r3", b.Org.ID
			if err := d.CreateReview(ctx, &other, agEntry("registry.review_submitted")); err != nil {
				t.Errorf("the same report may review another agency: %v", err)
			}
			noLink := rec
			noLink.Review.Ref, noLink.Review.FeeReportID = "r4", 0
			if err := d.CreateReview(ctx, &noLink, agEntry("registry.review_submitted")); err == nil {
				t.Error("a review tied to nothing was stored")
			}
			pending, err := d.ReviewsByStatus(ctx, recruitment.ReviewPending, 10)
			if err != nil || len(pending) != 2 || pending[0].Review.Rating != 2 || pending[0].Review.FeeReportID != rep {
				t.Fatalf("pending: %+v %v", pending, err)
			}
			if n, _, _ := d.ReviewRating(ctx, a.Org.ID); n != 0 {
				t.Errorf("a pending review counts in the rating")
			}
			// A moderator needs a person row.
			mech := org.Organization{Name: "Mechanism", Type: org.Mechanism, Country: "JP", CreatedAt: agAt}
			if err := d.CreateOrganization(ctx, &mech, agEntry("org.created")); err != nil {
				t.Fatal(err)
			}
			var person int64
			if err := raw.QueryRow(`INSERT INTO people (org_id, email, role, password_hash, sealed_totp, active, created_at)
				VALUES ($1, 'm@example.org', 'caseworker', 'x', $2, TRUE, 0) RETURNING id`, mech.ID, []byte{1}).Scan(&person); err != nil {
				t.Fatal(err)
			}
			if err := d.ModerateReview(ctx, rec.Review.ID, recruitment.ReviewApproved, nil, person, agAt, agEntry("registry.review_moderated")); err != nil {
				t.Fatal(err)
			}
			err = d.ModerateReview(ctx, rec.Review.ID, recruitment.ReviewRejected, []byte{3}, person, agAt, agEntry("registry.review_moderated"))
			if apperr.CodeOf(err) != apperr.Conflict {
				t.Errorf("moderating twice: %v", err)
			}
			if err := d.ModerateReview(ctx, 9999, recruitment.ReviewRejected, nil, person, agAt, agEntry("x")); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("moderating nothing: %v", err)
			}
			approved, err := d.ApprovedReviews(ctx, a.Org.ID, 10)
			if err != nil || len(approved) != 1 || approved[0].Review.ModeratedBy != person || approved[0].Review.Status != recruitment.ReviewApproved {
				t.Errorf("approved: %+v %v", approved, err)
			}
			if n, mean, _ := d.ReviewRating(ctx, a.Org.ID); n != 1 || mean != 2 {
				t.Errorf("rating: %d %v", n, mean)
			}
			// The agency's one answer: published, then replaced.
			if _, err := d.Answer(ctx, a.Org.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("answer before any: %v", err)
			}
			for _, body := range []string{"Cảm ơn.", "Chúng tôi đã hoàn tiền."} {
				if err := d.PublishAnswer(ctx, recruitment.AgencyAnswer{OrgID: a.Org.ID, Body: body, Language: "vi", AuthorID: person, PublishedAt: agAt},
					agEntry("registry.answer_published")); err != nil {
					t.Fatal(err)
				}
			}
			ans, err := d.Answer(ctx, a.Org.ID)
			if err != nil || ans.Body != "Chúng tôi đã hoàn tiền." {
				t.Errorf("answer: %+v %v", ans, err)
			}
		})
	}
}

func TestLinkReportsToAgenciesEngines(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			d := openEngineDB(t, engine, true)
			raw := d.raw(t)
			ctx := context.Background()
			a := agMust(t, d, agRegistry[0]) // VN, licence 123/LĐTBXH-GP
			b := agMust(t, d, agRegistry[1]) // VN, "Công ty TNHH Đào tạo Hà Nội"
			byLicence := rsReport(t, raw, rsRow{ref: "L1", origin: "VN", program: "technical_intern", date: "2026-01-01", cost: 1, agencyLicence: "123 LDTBXH GP"})
			byName := rsReport(t, raw, rsRow{ref: "L2", origin: "VN", program: "technical_intern", date: "2026-01-01", cost: 1, agencyName: "CONG TY TNHH DAO TAO HA NOI"})
			unknown := rsReport(t, raw, rsRow{ref: "L3", origin: "VN", program: "technical_intern", date: "2026-01-01", cost: 1, agencyName: "Công ty không có"})
			otherCountry := rsReport(t, raw, rsRow{ref: "L4", origin: "KH", program: "technical_intern", date: "2026-01-01", cost: 1, agencyLicence: "123/LĐTBXH-GP"})
			before, _ := d.RecruitmentStatsFingerprint(ctx)
			n, err := d.LinkFeeReportsToAgencies(ctx, agEntry("registry.reports_linked"))
			if err != nil || n != 2 {
				t.Fatalf("linked %d, %v; want 2", n, err)
			}
			for id, want := range map[int64]int64{byLicence: a.Org.ID, byName: b.Org.ID, unknown: 0, otherCountry: 0} {
				var got sql.NullInt64
				if err := raw.QueryRow("SELECT agency_org_id FROM fee_reports WHERE id = $1", id).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got.Int64 != want {
					t.Errorf("report %d linked to %d, want %d", id, got.Int64, want)
				}
			}
			if after, _ := d.RecruitmentStatsFingerprint(ctx); after == before {
				t.Error("linking did not change the statistics' data version")
			}
			if n, err := d.LinkFeeReportsToAgencies(ctx, agEntry("registry.reports_linked")); err != nil || n != 0 {
				t.Errorf("linking again: %d %v", n, err)
			}
		})
	}
}
