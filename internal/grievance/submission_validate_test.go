package grievance_test

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
)

// validationLanguages stands in for i18n.IsSupported: the contract's
// languages ("Languages" in taxonomy.md).
func validationLanguageOK(code string) bool {
	switch code {
	case "en", "ja", "vi", "id", "km", "fil", "th", "my", "ne":
		return true
	}
	return false
}

// validationNow is 2026-05-31 15:30 UTC, which is already 2026-06-01
// 00:30 in Japan.
var validationNow = time.Date(2026, 5, 31, 15, 30, 0, 0, time.UTC)

// validSubmission returns a submission that passes validation, with every
// optional field filled in.
func validSubmission() grievance.Submission {
	return grievance.Submission{
		Language:           "vi",
		OriginCountry:      "VN",
		Program:            "technical_intern",
		Categories:         []string{"wages.unpaid", "hours.excessive"},
		Narrative:          "Công ty không trả lương ba tháng.",
		IncidentDate:       "2026-04-01",
		Prefecture:         "JP-23",
		EmployerName:       "Example Foods K.K.",
		SupervisingOrgName: "Example Kyodo Kumiai",
		SendingOrgName:     "Example JSC",
		Contact:            grievance.Contact{Name: "Nguyen Van A", Channel: "phone", Value: "090-1234-5678"},
		ShareIdentity:      true,
	}
}

type fieldKey struct{ Field, Key string }

func fieldKeys(errs []apperr.FieldError) []fieldKey {
	var out []fieldKey
	for _, e := range errs {
		out = append(out, fieldKey{e.Field, e.Key})
	}
	return out
}

func validate(s grievance.Submission) []fieldKey {
	s.Normalize()
	return fieldKeys(s.Validate(validationNow, validationLanguageOK))
}

func TestValidateValidSubmission(t *testing.T) {
	if got := validate(validSubmission()); len(got) != 0 {
		t.Fatalf("valid submission: errors %v", got)
	}
	minimal := grievance.Submission{Language: "en", OriginCountry: "ZZ", Program: "unknown", Categories: []string{"other"}, Narrative: "x"}
	if got := validate(minimal); len(got) != 0 {
		t.Fatalf("minimal submission: errors %v", got)
	}
}

func TestValidateTable(t *testing.T) {
	invalid := "bad\xff\xfetext"
	nul := "bad\x00text"
	cases := []struct {
		name string
		edit func(*grievance.Submission)
		want []fieldKey // nil: valid
	}{
		// Required fields, each missing alone.
		{"language missing", func(s *grievance.Submission) { s.Language = "" }, []fieldKey{{"language", "error.required"}}},
		{"language blank", func(s *grievance.Submission) { s.Language = "   " }, []fieldKey{{"language", "error.required"}}},
		{"categories missing", func(s *grievance.Submission) { s.Categories = nil }, []fieldKey{{"categories", "error.categories_required"}}},
		{"categories only blanks", func(s *grievance.Submission) { s.Categories = []string{"", "  "} }, []fieldKey{{"categories", "error.categories_required"}}},
		{"narrative missing", func(s *grievance.Submission) { s.Narrative = "" }, []fieldKey{{"narrative", "error.required"}}},
		{"narrative only spaces", func(s *grievance.Submission) { s.Narrative = " \n\t\u3000 " }, []fieldKey{{"narrative", "error.required"}}},
		{"program missing", func(s *grievance.Submission) { s.Program = "" }, []fieldKey{{"program", "error.required"}}},
		{"origin country missing", func(s *grievance.Submission) { s.OriginCountry = "" }, []fieldKey{{"origin_country", "error.required"}}},
		{"contact value missing for phone", func(s *grievance.Submission) { s.Contact.Value = "" }, []fieldKey{{"contact.value", "error.contact_value_required"}}},
		{"contact value missing for an app", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "zalo"} }, []fieldKey{{"contact.value", "error.contact_value_required"}}},
		{"everything missing", func(s *grievance.Submission) { *s = grievance.Submission{} }, []fieldKey{
			{"language", "error.required"}, {"categories", "error.categories_required"}, {"narrative", "error.required"},
			{"program", "error.required"}, {"origin_country", "error.required"},
		}},

		// Optional fields may be empty.
		{"no incident date", func(s *grievance.Submission) { s.IncidentDate = "" }, nil},
		{"no prefecture", func(s *grievance.Submission) { s.Prefecture = "" }, nil},
		{"no organisations", func(s *grievance.Submission) { s.EmployerName, s.SupervisingOrgName, s.SendingOrgName = "", "", "" }, nil},
		{"anonymous", func(s *grievance.Submission) { s.Contact = grievance.Contact{} }, nil},

		// Unknown codes.
		{"unknown language", func(s *grievance.Submission) { s.Language = "xx" }, []fieldKey{{"language", "error.unknown_code"}}},
		{"unknown category", func(s *grievance.Submission) { s.Categories = []string{"wages.unpaid", "wages.stolen"} }, []fieldKey{{"categories", "error.unknown_code"}}},
		{"category in upper case", func(s *grievance.Submission) { s.Categories = []string{"WAGES.UNPAID"} }, []fieldKey{{"categories", "error.unknown_code"}}},
		{"unknown prefecture", func(s *grievance.Submission) { s.Prefecture = "JP-48" }, []fieldKey{{"prefecture", "error.unknown_code"}}},
		{"prefecture name instead of code", func(s *grievance.Submission) { s.Prefecture = "Aichi" }, []fieldKey{{"prefecture", "error.unknown_code"}}},
		{"unknown program", func(s *grievance.Submission) { s.Program = "titp" }, []fieldKey{{"program", "error.unknown_code"}}},
		{"unknown origin country", func(s *grievance.Submission) { s.OriginCountry = "US" }, []fieldKey{{"origin_country", "error.unknown_code"}}},
		{"origin country in lower case is accepted", func(s *grievance.Submission) { s.OriginCountry = " vn " }, nil},
		{"unknown contact channel", func(s *grievance.Submission) { s.Contact.Channel = "fax" }, []fieldKey{{"contact.channel", "error.unknown_code"}}},

		// Lengths, in characters (runes), not bytes.
		{"narrative of MaxNarrative runes", func(s *grievance.Submission) { s.Narrative = strings.Repeat("あ", grievance.MaxNarrative) }, nil},
		{"narrative of MaxNarrative+1 runes", func(s *grievance.Submission) { s.Narrative = strings.Repeat("あ", grievance.MaxNarrative+1) }, []fieldKey{{"narrative", "error.too_long"}}},
		{"narrative of MaxNarrative+1 ASCII", func(s *grievance.Submission) { s.Narrative = strings.Repeat("a", grievance.MaxNarrative+1) }, []fieldKey{{"narrative", "error.too_long"}}},
		{"employer of MaxName runes", func(s *grievance.Submission) { s.EmployerName = strings.Repeat("社", grievance.MaxName) }, nil},
		{"employer too long", func(s *grievance.Submission) { s.EmployerName = strings.Repeat("社", grievance.MaxName+1) }, []fieldKey{{"employer_name", "error.too_long"}}},
		{"supervising org too long", func(s *grievance.Submission) { s.SupervisingOrgName = strings.Repeat("x", grievance.MaxName+1) }, []fieldKey{{"supervising_org_name", "error.too_long"}}},
		{"sending org too long", func(s *grievance.Submission) { s.SendingOrgName = strings.Repeat("x", grievance.MaxName+1) }, []fieldKey{{"sending_org_name", "error.too_long"}}},
		{"contact name too long", func(s *grievance.Submission) { s.Contact.Name = strings.Repeat("x", grievance.MaxName+1) }, []fieldKey{{"contact.name", "error.too_long"}}},
		{"contact value too long", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "line", Value: strings.Repeat("x", grievance.MaxContact+1)}
		}, []fieldKey{{"contact.value", "error.too_long"}}},
		{"contact value of MaxContact", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "line", Value: strings.Repeat("x", grievance.MaxContact)}
		}, nil},

		// Invalid UTF-8 and NUL bytes, in each text field.
		{"invalid UTF-8 in language", func(s *grievance.Submission) { s.Language = invalid }, []fieldKey{{"language", "error.invalid_text"}}},
		{"invalid UTF-8 in a category", func(s *grievance.Submission) { s.Categories = []string{"wages.unpaid", invalid} }, []fieldKey{{"categories", "error.invalid_text"}}},
		{"invalid UTF-8 in narrative", func(s *grievance.Submission) { s.Narrative = invalid }, []fieldKey{{"narrative", "error.invalid_text"}}},
		{"invalid UTF-8 in incident date", func(s *grievance.Submission) { s.IncidentDate = "2026-04-0\xff" }, []fieldKey{{"incident_date", "error.invalid_text"}}},
		{"invalid UTF-8 in prefecture", func(s *grievance.Submission) { s.Prefecture = invalid }, []fieldKey{{"prefecture", "error.invalid_text"}}},
		{"invalid UTF-8 in program", func(s *grievance.Submission) { s.Program = invalid }, []fieldKey{{"program", "error.invalid_text"}}},
		{"invalid UTF-8 in origin country", func(s *grievance.Submission) { s.OriginCountry = invalid }, []fieldKey{{"origin_country", "error.invalid_text"}}},
		{"invalid UTF-8 in employer", func(s *grievance.Submission) { s.EmployerName = invalid }, []fieldKey{{"employer_name", "error.invalid_text"}}},
		{"invalid UTF-8 in supervising org", func(s *grievance.Submission) { s.SupervisingOrgName = invalid }, []fieldKey{{"supervising_org_name", "error.invalid_text"}}},
		{"invalid UTF-8 in sending org", func(s *grievance.Submission) { s.SendingOrgName = invalid }, []fieldKey{{"sending_org_name", "error.invalid_text"}}},
		{"invalid UTF-8 in contact channel", func(s *grievance.Submission) { s.Contact.Channel = invalid }, []fieldKey{{"contact.channel", "error.invalid_text"}}},
		{"invalid UTF-8 in contact name", func(s *grievance.Submission) { s.Contact.Name = invalid }, []fieldKey{{"contact.name", "error.invalid_text"}}},
		{"invalid UTF-8 in contact value", func(s *grievance.Submission) { s.Contact.Value = invalid }, []fieldKey{{"contact.value", "error.invalid_text"}}},
		{"NUL in narrative", func(s *grievance.Submission) { s.Narrative = nul }, []fieldKey{{"narrative", "error.invalid_text"}}},
		{"NUL in employer", func(s *grievance.Submission) { s.EmployerName = nul }, []fieldKey{{"employer_name", "error.invalid_text"}}},
		{"NUL in contact name", func(s *grievance.Submission) { s.Contact.Name = nul }, []fieldKey{{"contact.name", "error.invalid_text"}}},
		{"NUL in contact value", func(s *grievance.Submission) { s.Contact.Value = "090\x001234-5678" }, []fieldKey{{"contact.value", "error.invalid_text"}}},
		{"NUL in language", func(s *grievance.Submission) { s.Language = "vi\x00" }, []fieldKey{{"language", "error.invalid_text"}}},

		// Dates: YYYY-MM-DD, not in the future in Japan.
		{"today in Japan while UTC is still yesterday", func(s *grievance.Submission) { s.IncidentDate = "2026-06-01" }, nil},
		{"yesterday in Japan", func(s *grievance.Submission) { s.IncidentDate = "2026-05-31" }, nil},
		{"tomorrow in Japan", func(s *grievance.Submission) { s.IncidentDate = "2026-06-02" }, []fieldKey{{"incident_date", "error.future_date"}}},
		{"next year", func(s *grievance.Submission) { s.IncidentDate = "2027-01-01" }, []fieldKey{{"incident_date", "error.future_date"}}},
		{"long ago", func(s *grievance.Submission) { s.IncidentDate = "1999-12-31" }, nil},
		{"date with slashes", func(s *grievance.Submission) { s.IncidentDate = "2026/04/01" }, []fieldKey{{"incident_date", "error.invalid_date"}}},
		{"date day first", func(s *grievance.Submission) { s.IncidentDate = "01-04-2026" }, []fieldKey{{"incident_date", "error.invalid_date"}}},
		{"date without zero padding", func(s *grievance.Submission) { s.IncidentDate = "2026-4-1" }, []fieldKey{{"incident_date", "error.invalid_date"}}},
		{"impossible date", func(s *grievance.Submission) { s.IncidentDate = "2026-02-30" }, []fieldKey{{"incident_date", "error.invalid_date"}}},
		{"date with time", func(s *grievance.Submission) { s.IncidentDate = "2026-04-01T10:00:00Z" }, []fieldKey{{"incident_date", "error.invalid_date"}}},
		{"date in words", func(s *grievance.Submission) { s.IncidentDate = "last week" }, []fieldKey{{"incident_date", "error.invalid_date"}}},

		// Contact channels.
		{"email ok", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "email", Value: "worker@example.com"}
		}, nil},
		{"email without @", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "email", Value: "worker.example.com"}
		}, []fieldKey{{"contact.value", "error.invalid_email"}}},
		{"email with display name", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "email", Value: "Worker <worker@example.com>"}
		}, []fieldKey{{"contact.value", "error.invalid_email"}}},
		{"email with two addresses", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "email", Value: "a@example.com, b@example.com"}
		}, []fieldKey{{"contact.value", "error.invalid_email"}}},
		{"phone ok, Japanese mobile", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "phone", Value: "090-1234-5678"} }, nil},
		{"phone ok, international", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "phone", Value: "+81 (90) 1234 5678"}
		}, nil},
		{"phone ok, 6 digits", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "phone", Value: "123456"} }, nil},
		{"phone ok, 15 digits", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "phone", Value: "+123456789012345"}
		}, nil},
		{"phone with 5 digits", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "phone", Value: "12345"} }, []fieldKey{{"contact.value", "error.invalid_phone"}}},
		{"phone with 16 digits", func(s *grievance.Submission) {
			s.Contact = grievance.Contact{Channel: "phone", Value: "1234567890123456"}
		}, []fieldKey{{"contact.value", "error.invalid_phone"}}},
		{"phone with letters", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "phone", Value: "090-CALL-ME"} }, []fieldKey{{"contact.value", "error.invalid_phone"}}},
		{"phone with + inside", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "phone", Value: "81+9012345678"} }, []fieldKey{{"contact.value", "error.invalid_phone"}}},
		{"phone that is an email", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "phone", Value: "a@example.com"} }, []fieldKey{{"contact.value", "error.invalid_phone"}}},
		{"messaging app id is free text", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "line", Value: "@my_line-id.01"} }, nil},
		{"channel none ignores a bad value", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "none", Value: "not a phone"} }, nil},
		{"empty channel means none", func(s *grievance.Submission) { s.Contact = grievance.Contact{Channel: "", Value: "x"} }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := validSubmission()
			tc.edit(&s)
			got := validate(s)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValidateFutureDateAroundJapaneseMidnight(t *testing.T) {
	cases := []struct {
		now    time.Time
		date   string
		future bool
	}{
		// 2026-05-31 14:59:59 UTC is 23:59:59 on 05-31 in Japan.
		{time.Date(2026, 5, 31, 14, 59, 59, 0, time.UTC), "2026-05-31", false},
		{time.Date(2026, 5, 31, 14, 59, 59, 0, time.UTC), "2026-06-01", true},
		// One second later it is 06-01 in Japan.
		{time.Date(2026, 5, 31, 15, 0, 0, 0, time.UTC), "2026-06-01", false},
		{time.Date(2026, 5, 31, 15, 0, 0, 0, time.UTC), "2026-06-02", true},
		// The same instants given in another zone give the same answers.
		{time.Date(2026, 5, 31, 15, 0, 0, 0, time.UTC).In(time.FixedZone("PST", -8*3600)), "2026-06-01", false},
		{time.Date(2026, 5, 31, 14, 59, 59, 0, time.UTC).In(time.FixedZone("PST", -8*3600)), "2026-06-01", true},
	}
	for _, tc := range cases {
		s := validSubmission()
		s.IncidentDate = tc.date
		s.Normalize()
		got := fieldKeys(s.Validate(tc.now, validationLanguageOK))
		var want []fieldKey
		if tc.future {
			want = []fieldKey{{"incident_date", "error.future_date"}}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("now %s, date %s: errors %v, want %v", tc.now.Format(time.RFC3339), tc.date, got, want)
		}
	}
}

func TestValidateReportsEveryProblemInFormOrder(t *testing.T) {
	s := grievance.Submission{
		Language:      "xx",
		Categories:    []string{"nope"},
		Narrative:     strings.Repeat("a", grievance.MaxNarrative+1),
		IncidentDate:  "tomorrow",
		Prefecture:    "JP-99",
		Program:       "x",
		OriginCountry: "US",
		EmployerName:  strings.Repeat("a", grievance.MaxName+1),
		Contact:       grievance.Contact{Name: strings.Repeat("a", grievance.MaxName+1), Channel: "email", Value: "nope"},
	}
	got := validate(s)
	want := []fieldKey{
		{"language", "error.unknown_code"},
		{"categories", "error.unknown_code"},
		{"narrative", "error.too_long"},
		{"incident_date", "error.invalid_date"},
		{"prefecture", "error.unknown_code"},
		{"program", "error.unknown_code"},
		{"origin_country", "error.unknown_code"},
		{"employer_name", "error.too_long"},
		{"contact.name", "error.too_long"},
		{"contact.value", "error.invalid_email"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors =\n  %v\nwant\n  %v", got, want)
	}
}

func TestNormalize(t *testing.T) {
	s := grievance.Submission{
		Language:           " vi ",
		OriginCountry:      " vn\t",
		Program:            " technical_intern\n",
		Categories:         []string{" threats", "wages.unpaid", "threats", "", "  ", "wages.unpaid "},
		Narrative:          "\u3000\n  first line\n  second line \u00a0\n",
		IncidentDate:       " 2026-04-01 ",
		Prefecture:         " JP-13 ",
		EmployerName:       "  Example K.K.  ",
		SupervisingOrgName: " Kumiai ",
		SendingOrgName:     " Agency ",
		Contact:            grievance.Contact{Name: " A ", Channel: " email ", Value: " a@example.com "},
	}
	s.Normalize()
	want := grievance.Submission{
		Language:           "vi",
		OriginCountry:      "VN",
		Program:            "technical_intern",
		Categories:         []string{"threats", "wages.unpaid"},
		Narrative:          "first line\n  second line",
		IncidentDate:       "2026-04-01",
		Prefecture:         "JP-13",
		EmployerName:       "Example K.K.",
		SupervisingOrgName: "Kumiai",
		SendingOrgName:     "Agency",
		Contact:            grievance.Contact{Name: "A", Channel: "email", Value: "a@example.com"},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Normalize =\n  %#v\nwant\n  %#v", s, want)
	}
	// Normalize is idempotent.
	again := s
	again.Categories = append([]string(nil), s.Categories...)
	again.Normalize()
	if !reflect.DeepEqual(again, s) {
		t.Errorf("second Normalize changed the submission: %#v", again)
	}
}

func TestNormalizeContact(t *testing.T) {
	cases := []struct {
		in        grievance.Contact
		want      grievance.Contact
		anonymous bool
	}{
		{grievance.Contact{}, grievance.Contact{Channel: "none"}, true},
		{grievance.Contact{Channel: "none"}, grievance.Contact{Channel: "none"}, true},
		{grievance.Contact{Channel: "  "}, grievance.Contact{Channel: "none"}, true},
		// Channel none clears the value, so nothing that could reach the
		// worker is stored against their choice.
		{grievance.Contact{Channel: "none", Value: "090-1234-5678"}, grievance.Contact{Channel: "none"}, true},
		{grievance.Contact{Channel: "", Value: "a@example.com"}, grievance.Contact{Channel: "none"}, true},
		// A name alone is not anonymous.
		{grievance.Contact{Name: "A", Channel: "none", Value: "x"}, grievance.Contact{Name: "A", Channel: "none"}, false},
		{grievance.Contact{Name: " ", Channel: "none"}, grievance.Contact{Channel: "none"}, true},
		// A way to reach the worker is not anonymous, with or without a name.
		{grievance.Contact{Channel: "phone", Value: "090-1234-5678"}, grievance.Contact{Channel: "phone", Value: "090-1234-5678"}, false},
		{grievance.Contact{Name: "A", Channel: "line", Value: "id"}, grievance.Contact{Name: "A", Channel: "line", Value: "id"}, false},
	}
	for _, tc := range cases {
		s := validSubmission()
		s.Contact = tc.in
		s.Normalize()
		if s.Contact != tc.want {
			t.Errorf("Normalize(%+v).Contact = %+v, want %+v", tc.in, s.Contact, tc.want)
		}
		if got := s.Contact.Anonymous(); got != tc.anonymous {
			t.Errorf("Normalize(%+v).Contact.Anonymous() = %v, want %v", tc.in, got, tc.anonymous)
		}
		c := grievance.NewCase(s, "RM-0000-0000", validationNow, grievance.DefaultAckPolicy)
		if c.Anonymous != tc.anonymous {
			t.Errorf("NewCase with contact %+v: Anonymous = %v, want %v", tc.in, c.Anonymous, tc.anonymous)
		}
	}
}

func TestContactChannels(t *testing.T) {
	want := []string{"none", "phone", "email", "line", "messenger", "whatsapp", "zalo", "viber"}
	if !reflect.DeepEqual(grievance.ContactChannels, want) {
		t.Errorf("ContactChannels = %q, want %q", grievance.ContactChannels, want)
	}
	brands := map[string]string{"line": "LINE", "messenger": "Messenger", "whatsapp": "WhatsApp", "zalo": "Zalo", "viber": "Viber"}
	for _, ch := range grievance.ContactChannels {
		if got := grievance.ChannelBrand(ch); got != brands[ch] {
			t.Errorf("ChannelBrand(%q) = %q, want %q", ch, got, brands[ch])
		}
		if !grievance.IsContactChannel(ch) {
			t.Errorf("IsContactChannel(%q) = false", ch)
		}
	}
	for _, ch := range []string{"", "sms", "PHONE", "fax"} {
		if grievance.IsContactChannel(ch) {
			t.Errorf("IsContactChannel(%q) = true", ch)
		}
	}
}

func TestPrefectures(t *testing.T) {
	if len(grievance.Prefectures) != 47 {
		t.Fatalf("%d prefectures, want 47", len(grievance.Prefectures))
	}
	for i, p := range grievance.Prefectures {
		want := "JP-" + string(rune('0'+(i+1)/10)) + string(rune('0'+(i+1)%10))
		if p.Code != want {
			t.Errorf("Prefectures[%d].Code = %q, want %q (JIS X 0401 order)", i, p.Code, want)
		}
		if !grievance.IsPrefecture(p.Code) {
			t.Errorf("IsPrefecture(%q) = false", p.Code)
		}
		if p.Romaji == "" || p.Kanji == "" {
			t.Errorf("%s has an empty name: %+v", p.Code, p)
		}
	}
	for _, code := range []string{"", "JP-00", "JP-48", "JP-1", "jp-13", "13"} {
		if grievance.IsPrefecture(code) {
			t.Errorf("IsPrefecture(%q) = true", code)
		}
	}
}

func TestOriginCountries(t *testing.T) {
	want := []string{"VN", "ID", "KH", "PH", "TH", "MM", "NP", "ZZ"}
	if !reflect.DeepEqual(grievance.OriginCountries, want) {
		t.Errorf("OriginCountries = %q, want %q", grievance.OriginCountries, want)
	}
}

// knownValidationKeys are the message keys Validate may return.
var knownValidationKeys = map[string]bool{
	"error.required": true, "error.categories_required": true, "error.unknown_code": true,
	"error.too_long": true, "error.invalid_text": true, "error.invalid_date": true,
	"error.future_date": true, "error.contact_value_required": true,
	"error.invalid_email": true, "error.invalid_phone": true,
}

var knownValidationFields = map[string]bool{
	"language": true, "origin_country": true, "program": true, "categories": true,
	"narrative": true, "incident_date": true, "prefecture": true, "employer_name": true,
	"supervising_org_name": true, "sending_org_name": true, "contact.name": true,
	"contact.channel": true, "contact.value": true,
}

// FuzzValidate puts arbitrary strings in every field: Normalize and Validate
// must never panic, must only report known fields and keys, at most one
// error per field, and a submission they accept must make a case.
func FuzzValidate(f *testing.F) {
	v := validSubmission()
	f.Add(v.Language, v.OriginCountry, v.Program, "wages.unpaid", "threats", v.Narrative, v.IncidentDate, v.Prefecture, v.EmployerName, v.Contact.Name, v.Contact.Channel, v.Contact.Value)
	f.Add("", "", "", "", "", "", "", "", "", "", "", "")
	f.Add("\xff", "\x00", "\xfe", "\xff", "\x00", "\xff\xfe", "2026-13-45", "JP-\x00", "\xff", "\xff", "\xff", "\xff")
	f.Add("en", "v\xffn", "other", "other", "", "ok", "", "", "", "", "none", "")
	f.Add("en", "zz", "other", "other", "other", " \u3000 ", "0000-00-00", "JP-01", "", "", "email", "<@>")
	f.Add("ja", "PH", "unknown", "movement.restricted", "", "ok", "9999-12-31", "", "", "", "phone", "+++")
	f.Add("fil", "NP", "skill_development", "recruitment.debt", "x", "ok", "2026-06-01", "", "", "n", "email", "a@b")
	f.Fuzz(func(t *testing.T, lang, country, program, cat1, cat2, narrative, date, pref, employer, name, channel, value string) {
		s := grievance.Submission{
			Language: lang, OriginCountry: country, Program: program, Categories: []string{cat1, cat2},
			Narrative: narrative, IncidentDate: date, Prefecture: pref, EmployerName: employer,
			SupervisingOrgName: employer, SendingOrgName: name,
			Contact: grievance.Contact{Name: name, Channel: channel, Value: value},
		}
		s.Normalize()
		errs := s.Validate(validationNow, validationLanguageOK)
		// Text that is not valid UTF-8 or holds a NUL is reported as such
		// on its field (the contact value only when a channel is chosen:
		// channel none drops it).
		badText := func(v string) bool { return !utf8.ValidString(v) || strings.ContainsRune(v, 0) }
		inputs := []struct{ field, v string }{
			{"language", lang}, {"origin_country", country}, {"program", program}, {"narrative", narrative},
			{"incident_date", date}, {"prefecture", pref}, {"employer_name", employer},
			{"supervising_org_name", employer}, {"sending_org_name", name}, {"contact.name", name},
			{"contact.channel", channel},
		}
		if s.Contact.Channel != "none" {
			inputs = append(inputs, struct{ field, v string }{"contact.value", value})
		}
		if !utf8.ValidString(cat1) || !utf8.ValidString(cat2) {
			inputs = append(inputs, struct{ field, v string }{"categories", "\xff"})
		}
		for _, in := range inputs {
			if !badText(in.v) {
				continue
			}
			found := false
			for _, e := range errs {
				found = found || (e.Field == in.field && e.Key == "error.invalid_text")
			}
			if !found {
				t.Errorf("%s = %q: no error.invalid_text in %v", in.field, in.v, fieldKeys(errs))
			}
		}
		seen := map[string]bool{}
		for _, e := range errs {
			if !knownValidationFields[e.Field] {
				t.Errorf("unknown field %q", e.Field)
			}
			if !knownValidationKeys[e.Key] {
				t.Errorf("unknown key %q on %s", e.Key, e.Field)
			}
			if seen[e.Field] {
				t.Errorf("field %s reported twice: %v", e.Field, errs)
			}
			seen[e.Field] = true
		}
		if len(errs) > 0 {
			return
		}
		// Accepted: every text is valid UTF-8 without NUL, and a case can be made.
		for _, txt := range []string{s.Language, s.OriginCountry, s.Program, s.Narrative, s.IncidentDate, s.Prefecture,
			s.EmployerName, s.SupervisingOrgName, s.SendingOrgName, s.Contact.Name, s.Contact.Channel, s.Contact.Value} {
			if !utf8.ValidString(txt) || strings.ContainsRune(txt, 0) {
				t.Errorf("accepted text %q", txt)
			}
		}
		if s.Narrative == "" || len(s.Categories) == 0 {
			t.Errorf("accepted a submission without narrative or categories: %+v", s)
		}
		c := grievance.NewCase(s, "RM-0000-0000", validationNow, grievance.DefaultAckPolicy)
		if c.Triage.Risk == "" || c.Triage.Rule == "" {
			t.Errorf("case without triage: %+v", c.Triage)
		}
	})
}
