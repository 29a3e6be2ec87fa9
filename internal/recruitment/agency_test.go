package recruitment_test

import (
	"strings"
	"testing"
	"time"

	"remedy/internal/org"
	"remedy/internal/recruitment"
)

func TestNormalizeSearch(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Công ty Nhân lực", "cong ty nhan luc"},
		{"CÔNG TY CỔ PHẦN ĐẦU TƯ", "cong ty co phan dau tu"},
		{"  Đà   Nẵng\t", "da nang"},
		{"ＡＢＣ　１２３", "abc 123"},                 // full-width Latin, ideographic space
		{"ｶﾌﾞｼｷｶﾞｲｼｬ", "カブシキガイシャ"},             // half-width katakana
		{"株式会社さくら", "株式会社さくら"},                 // Japanese unchanged
		{"บริษัท จัดหางาน", "บริษัท จัดหางาน"}, // Thai marks kept
		{"ក្រុមហ៊ុន", "ក្រុមហ៊ុន"},             // Khmer marks kept
		{"PT. Tenaga Kerja", "pt. tenaga kerja"},
		{"Nguyễn", "nguyen"},
	}
	for _, c := range cases {
		if got := recruitment.NormalizeSearch(c.in); got != c.want {
			t.Errorf("NormalizeSearch(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := recruitment.CompactLicence("123/LĐTBXH-GP"); got != "123ldtbxhgp" {
		t.Errorf("CompactLicence = %q", got)
	}
}

func TestSearchTerms(t *testing.T) {
	terms := recruitment.SearchTerms("Cong  ty nhân%_ lực cong 123-ABC")
	var got []string
	for _, s := range terms {
		got = append(got, s.Text+"|"+s.Compact)
	}
	want := "cong|cong ty|ty nhan|nhan luc|luc 123-abc|123abc"
	if strings.Join(got, " ") != want {
		t.Errorf("terms %q, want %q", strings.Join(got, " "), want)
	}
	if n := len(recruitment.SearchTerms(strings.Repeat("a b c d e f g h i j k ", 3))); n != recruitment.MaxSearchTerms {
		t.Errorf("%d terms, want at most %d", n, recruitment.MaxSearchTerms)
	}
}

func TestAgencyValidate(t *testing.T) {
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	good := recruitment.Agency{Org: org.Organization{Name: " Công ty A ", Type: org.SendingAgency, Country: "vn"},
		LicenceNumber: "123/LĐTBXH-GP", LicenceCheckedOn: "2026-10-01"}
	if errs := good.Validate(now); len(errs) != 0 {
		t.Fatalf("valid agency: %v", errs)
	}
	if good.Org.Country != "VN" || good.LicenceStatus != recruitment.LicenceUnknown || good.Org.Name != "Công ty A" {
		t.Errorf("normalised: %+v", good)
	}
	bad := []struct {
		name  string
		edit  func(a *recruitment.Agency)
		field string
	}{
		{"employer is not in the registry", func(a *recruitment.Agency) { a.Org.Type = org.Employer }, "type"},
		{"unknown status", func(a *recruitment.Agency) { a.LicenceStatus = "maybe" }, "licence_status"},
		{"bad date", func(a *recruitment.Agency) { a.LicenceCheckedOn = "1/10/2026" }, "licence_checked_on"},
		{"future date", func(a *recruitment.Agency) { a.LicenceCheckedOn = "2027-01-01" }, "licence_checked_on"},
		{"no name", func(a *recruitment.Agency) { a.Org.Name = " " }, "name"},
		{"long licence", func(a *recruitment.Agency) { a.LicenceNumber = strings.Repeat("1", 101) }, "licence_number"},
		{"alias with bar", func(a *recruitment.Agency) { a.Aliases = []string{"a|b"} }, "aliases"},
	}
	for _, c := range bad {
		a := good
		c.edit(&a)
		errs := a.Validate(now)
		found := false
		for _, e := range errs {
			found = found || e.Field == c.field
		}
		if !found {
			t.Errorf("%s: errors %v, want one on %s", c.name, errs, c.field)
		}
	}
}

func TestParseAgencyCSV(t *testing.T) {
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	file := "\ufeffName,Type,Country,Licence_Number,licence_status,aliases,extra\n" +
		"Công ty Nhân lực Sao Mai,sending_agency,VN,123/LĐTBXH-GP,valid,Sao Mai Manpower|サオマイ,x\n" +
		"\n" +
		"\"Quoted, Name\",supervising_org,jp,,,,\n" +
		"Bad,employer,VN,,,,\n"
	rows, err := recruitment.ParseAgencyCSV(strings.NewReader(file), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3: %+v", len(rows), rows)
	}
	a := rows[0].Agency
	if len(rows[0].Errors) != 0 || a.Org.Name != "Công ty Nhân lực Sao Mai" || a.LicenceStatus != recruitment.LicenceValid ||
		len(a.Aliases) != 2 || a.Aliases[1] != "サオマイ" || rows[0].Line != 2 {
		t.Errorf("row 1: %+v", rows[0])
	}
	if rows[1].Agency.Org.Name != "Quoted, Name" || rows[1].Agency.Org.Country != "JP" || len(rows[1].Errors) != 0 || rows[1].Line != 4 {
		t.Errorf("row 2: %+v", rows[1])
	}
	if len(rows[2].Errors) == 0 || rows[2].Line != 5 {
		t.Errorf("row 3 should be refused: %+v", rows[2])
	}
	if _, err := recruitment.ParseAgencyCSV(strings.NewReader("licence_number\n1\n"), now); err != recruitment.ErrImportHeader {
		t.Errorf("no name column: %v", err)
	}
	var big strings.Builder
	big.WriteString("name,type,country\n")
	for range recruitment.MaxImportRows + 1 {
		big.WriteString("A,sending_agency,VN\n")
	}
	if _, err := recruitment.ParseAgencyCSV(strings.NewReader(big.String()), now); err != recruitment.ErrImportTooLong {
		t.Errorf("too many rows: %v", err)
	}
}

func TestSearchText(t *testing.T) {
	a := recruitment.Agency{Org: org.Organization{Name: "Công ty Nhân lực"}, Aliases: []string{"ក្រុមហ៊ុន"}, LicenceNumber: "12/ABC"}
	got := recruitment.SearchText(a)
	for _, want := range []string{"cong ty nhan luc", "ក្រុមហ៊ុន", "12/abc", "12abc"} {
		if !strings.Contains(got, want) {
			t.Errorf("search text %q lacks %q", got, want)
		}
	}
}

func TestReviewValidate(t *testing.T) {
	isLang := func(s string) bool { return s == "vi" || s == "en" }
	ok := recruitment.ReviewSubmission{Rating: 4, Comment: "  Tốt  ", Language: "vi"}
	ok.Normalize()
	if errs := ok.Validate(isLang); len(errs) != 0 || ok.Comment != "Tốt" {
		t.Errorf("valid review: %v %q", errs, ok.Comment)
	}
	for _, r := range []recruitment.ReviewSubmission{
		{Rating: 0, Language: "vi"}, {Rating: 6, Language: "vi"}, {Rating: 3, Language: "xx"},
		{Rating: 3, Language: "vi", Comment: strings.Repeat("a", recruitment.MaxReviewComment+1)},
		{Rating: 3, Language: "vi", Comment: "\xff"},
	} {
		if errs := r.Validate(isLang); len(errs) == 0 {
			t.Errorf("accepted %+v", r)
		}
	}
	m := recruitment.Moderation{Approve: false, Reason: "  "}
	if errs := m.Validate(); len(errs) != 1 || errs[0].Field != "reason" {
		t.Errorf("a rejection without reason: %v", errs)
	}
	m = recruitment.Moderation{Approve: true}
	if errs := m.Validate(); len(errs) != 0 || m.Status() != recruitment.ReviewApproved {
		t.Errorf("approval: %v", errs)
	}
	a := recruitment.AgencyAnswer{Body: " ", Language: "en"}
	if errs := a.Validate(isLang); len(errs) != 1 {
		t.Errorf("empty answer: %v", errs)
	}
	if m := recruitment.PublishedMonth(time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)); m != "2026-03" {
		t.Errorf("month %q", m)
	}
}
