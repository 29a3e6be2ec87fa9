package demo

import (
	"context"
	"fmt"

	"remedy/internal/access"
	"remedy/internal/audit"
	"remedy/internal/corridor"
	"remedy/internal/org"
	"remedy/internal/recruitment"
	"remedy/internal/store"
)

// The demo's agency registry: fictional agencies in every origin country
// and supervising and support organisations in Japan, some with a licence
// that is suspended or revoked. It names the sending agencies of the demo's
// fee reports (demoAgencies, recruitment.go) exactly, so that their reports
// link to them, and adds licence details to the demo organisations of an
// agency type. Two workers of the sample cases review an agency: one
// review is published, one waits for moderation.

const demoLicenceSource = "(sample) fictional licence list"

// demoRegistryExtra are agencies the fee reports do not name.
var demoRegistryExtra = []recruitment.Agency{
	{Org: org.Organization{Name: "(mẫu) Công ty Cổ phần Nhân lực Quốc tế Sao Mai", Type: org.SendingAgency, Country: "VN", Languages: []string{"vi"}},
		LicenceNumber: "(mẫu) 303/LĐTBXH-GP", LicenceStatus: recruitment.LicenceRevoked, Aliases: []string{"(sample) Sao Mai International Manpower JSC"}},
	{Org: org.Organization{Name: "(contoh) PT Garuda Tenaga Kerja", Type: org.SendingAgency, Country: "ID", Languages: []string{"id"}},
		LicenceNumber: "(contoh) KEP-377", LicenceStatus: recruitment.LicenceSuspended},
	{Org: org.Organization{Name: "(サンプル) 協同組合さくら監理", Type: org.SupervisingOrg, Country: "JP", Languages: []string{"ja", "vi"}},
		LicenceNumber: "(サンプル) 許1801000123", LicenceStatus: recruitment.LicenceValid, Aliases: []string{"(sample) Sakura Supervising Cooperative"}},
	{Org: org.Organization{Name: "(サンプル) 株式会社ミライ登録支援", Type: org.RegisteredSupportOrg, Country: "JP", Languages: []string{"ja", "id", "fil"}},
		LicenceNumber: "(サンプル) 19登-000456", LicenceStatus: recruitment.LicenceValid, Aliases: []string{"(sample) Mirai Registered Support"}},
	{Org: org.Organization{Name: "(サンプル) 北陸技能実習協同組合", Type: org.SupervisingOrg, Country: "JP", Languages: []string{"ja"}},
		LicenceNumber: "(サンプル) 許1707000789", LicenceStatus: recruitment.LicenceExpired},
}

// demoOrgLicences are licence details for the demo organisations of an
// agency type (organizations.go), by name.
var demoOrgLicences = map[string]recruitment.Agency{
	"Hanoi Manpower JSC (demo)":                        {LicenceNumber: "(sample) 404/LĐTBXH-GP", LicenceStatus: recruitment.LicenceValid, Aliases: []string{"(mẫu) Công ty Cổ phần Nhân lực Hà Nội"}},
	"Jakarta Talenta Mandiri (demo)":                   {LicenceNumber: "(sample) KEP-505", LicenceStatus: recruitment.LicenceValid},
	"Chubu Cooperative Supervising Association (demo)": {LicenceNumber: "(sample) 許2301000606", LicenceStatus: recruitment.LicenceValid, Aliases: []string{"(サンプル) 中部協同組合"}},
}

// seedRegistry fills the agency registry. Run it after the organisations
// and the fee reports: it links the reports to the agencies they name.
func seedRegistry(ctx context.Context, d Deps, caseIDs []int64) error {
	db := d.Intake.DB
	now := d.Intake.Now().UTC()
	entry := audit.Entry{At: now, Actor: "system", Action: "registry.agency_added"}
	var agencies []recruitment.Agency
	for _, origin := range []string{"VN", "KH", "ID", "PH", "MM", "TH", "NP"} {
		for _, ag := range demoAgencies[origin] {
			agencies = append(agencies, recruitment.Agency{
				Org:           org.Organization{Name: ag[0], Type: org.SendingAgency, Country: origin},
				LicenceNumber: ag[1], LicenceStatus: recruitment.LicenceValid})
		}
	}
	agencies = append(agencies, demoRegistryExtra...)
	byName := map[string]int64{}
	for _, a := range agencies {
		a.LicenceSource, a.LicenceCheckedOn = demoLicenceSource, "2026-10-01"
		a.Contact = "(sample) " + a.Org.Country
		if errs := a.Validate(now); len(errs) > 0 {
			return fmt.Errorf("demo agency %q: %v", a.Org.Name, errs)
		}
		a.Org.CreatedAt, a.UpdatedAt = now, now
		if err := db.CreateAgency(ctx, &a, entry); err != nil {
			return fmt.Errorf("demo agency %q: %w", a.Org.Name, err)
		}
		byName[a.Org.Name] = a.Org.ID
	}
	orgs, err := db.Organizations(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		details, ok := demoOrgLicences[o.Name]
		if !ok || !recruitment.IsAgencyType(o.Type) {
			continue
		}
		details.Org = o
		details.LicenceSource, details.LicenceCheckedOn, details.Contact = demoLicenceSource, "2026-10-01", "(sample) "+o.Country
		if errs := details.Validate(now); len(errs) > 0 {
			return fmt.Errorf("demo agency %q: %v", o.Name, errs)
		}
		details.UpdatedAt = now
		if err := db.UpdateAgency(ctx, &details, audit.Entry{At: now, Actor: "system", Action: "registry.agency_updated"}); err != nil {
			return err
		}
		byName[o.Name] = o.ID
	}
	svc := &corridor.Service{DB: db, Keys: d.Intake.Keys, Now: d.Intake.Now, Rand: d.Intake.Rand}
	if err := svc.LinkReports(ctx, "system"); err != nil {
		return err
	}
	return seedReviews(ctx, svc, db, caseIDs, byName)
}

// seedReviews: the Khmer sample case reviews a Cambodian agency (published
// by the demo caseworker), the first Vietnamese one reviews Hanoi Manpower
// (waiting for moderation).
func seedReviews(ctx context.Context, svc *corridor.Service, db *store.DB, caseIDs []int64, byName map[string]int64) error {
	if len(caseIDs) < 3 {
		return nil
	}
	kh := byName[demoAgencies["KH"][0][0]]
	vn := byName["Hanoi Manpower JSC (demo)"]
	reviews := []struct {
		org     int64
		caseID  int64
		sub     recruitment.ReviewSubmission
		publish bool
	}{
		{kh, caseIDs[2], recruitment.ReviewSubmission{Rating: 1, Language: "km",
			Comment: "(គំរូ) ភ្នាក់ងារយកថ្លៃច្រើនជាងការសន្យា ហើយមិនឱ្យបង្កាន់ដៃ។"}, true},
		{vn, caseIDs[0], recruitment.ReviewSubmission{Rating: 2, Language: "vi",
			Comment: "(mẫu) Công ty thu phí đào tạo hai lần và không giải thích hợp đồng."}, false},
	}
	var moderator access.Actor
	if p, err := db.PersonByEmail(ctx, "caseworker@demo.remedy"); err == nil {
		moderator = access.Actor{Kind: access.Staff, PersonID: p.Person.ID, OrgID: p.Org.ID, OrgType: p.Org.Type, Role: p.Person.Role}
	}
	for _, r := range reviews {
		if r.org == 0 {
			continue
		}
		rv, err := svc.SubmitReview(ctx, r.org, corridor.Reviewer{CaseID: r.caseID}, r.sub, func(string) bool { return true })
		if err != nil {
			return fmt.Errorf("demo review: %w", err)
		}
		if r.publish && moderator.PersonID != 0 {
			if err := svc.Moderate(ctx, moderator, rv.ID, recruitment.Moderation{Approve: true}); err != nil {
				return fmt.Errorf("demo review: %w", err)
			}
		}
	}
	return nil
}
