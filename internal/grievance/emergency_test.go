package grievance

import (
	"regexp"
	"strings"
	"testing"
)

var (
	// Digits in groups separated by single hyphens.
	phoneShape = regexp.MustCompile(`^[0-9]+(-[0-9]+)*$`)
	// Once hyphens are removed: a 3-digit emergency number, or a 10-digit
	// (landline, 0120, 0570) or 11-digit (070/080/090 mobile) Japanese number.
	phoneDigits = regexp.MustCompile(`^(11[09]|0[0-9]{9}|0[789]0[0-9]{8})$`)
)

var knownLanguages = map[string]bool{
	"en": true, "ja": true, "vi": true, "id": true, "km": true,
	"fil": true, "th": true, "my": true, "ne": true,
}

func TestEmergencyContactsPoliceAndAmbulanceFirst(t *testing.T) {
	for _, origin := range []string{"VN", "ID", "KH", "PH", "TH", "MM", "NP", "", "XX", "vn"} {
		for _, lang := range []string{"vi", "en", "", "zz"} {
			got := EmergencyContacts(origin, lang)
			if len(got) < 2 {
				t.Fatalf("EmergencyContacts(%q, %q): %d contacts, want at least 2", origin, lang, len(got))
			}
			if got[0].Kind != KindPolice || got[0].Phone != "110" {
				t.Errorf("EmergencyContacts(%q, %q)[0] = %s %s, want police 110", origin, lang, got[0].Kind, got[0].Phone)
			}
			if got[1].Kind != KindAmbulance || got[1].Phone != "119" {
				t.Errorf("EmergencyContacts(%q, %q)[1] = %s %s, want ambulance 119", origin, lang, got[1].Kind, got[1].Phone)
			}
		}
	}
}

func TestEmergencyContactsEmbassy(t *testing.T) {
	cases := []struct {
		origin, phone string
	}{
		{"VN", "03-3466-3311"},
		{"vn", "03-3466-3311"},
		{"ID", "03-3441-4201"},
		{"KH", "03-5412-8521"},
		{"PH", "080-7000-7979"},
	}
	for _, tc := range cases {
		got := EmergencyContacts(tc.origin, "")
		if got[2].Kind != KindEmbassy || got[2].Phone != tc.phone {
			t.Errorf("EmergencyContacts(%q)[2] = %s %s, want embassy %s", tc.origin, got[2].Kind, got[2].Phone, tc.phone)
		}
		for _, c := range got {
			if c.Kind == KindEmbassy && c.Country != strings.ToUpper(tc.origin) {
				t.Errorf("EmergencyContacts(%q) includes the embassy of %s", tc.origin, c.Country)
			}
		}
	}
	for _, origin := range []string{"", "XX"} {
		for _, c := range EmergencyContacts(origin, "") {
			if c.Kind == KindEmbassy {
				t.Errorf("EmergencyContacts(%q) includes an embassy (%s)", origin, c.Name)
			}
		}
	}
}

func TestEmergencyContactsHelplinesServingLangFirst(t *testing.T) {
	for _, lang := range []string{"vi", "vi-VN", "km", "fil", "tl", "ne", "my"} {
		got := EmergencyContacts("", lang)
		want := baseLanguage(lang)
		seenOther := false
		servedCount := 0
		for _, c := range got {
			if c.Kind != KindHelpline {
				continue
			}
			if serves(c, want) {
				servedCount++
				if seenOther {
					t.Errorf("lang %q: %s comes after a helpline that does not serve it", lang, c.Name)
				}
			} else {
				seenOther = true
			}
		}
		if servedCount == 0 {
			t.Errorf("lang %q: no helpline serves it", lang)
		}
	}
}

func TestEmergencyContactsReturnsCopy(t *testing.T) {
	got := EmergencyContacts("VN", "vi")
	got[0].Phone = "000"
	for i := range got {
		if len(got[i].Languages) > 0 {
			got[i].Languages[0] = "xx"
		}
	}
	again := EmergencyContacts("VN", "vi")
	if again[0].Phone != "110" {
		t.Fatalf("changing a result changed the directory: police phone %q", again[0].Phone)
	}
	for _, c := range again {
		for _, l := range c.Languages {
			if l == "xx" {
				t.Fatalf("changing a result changed the languages of %s", c.Name)
			}
		}
	}
}

func TestEmergencyContactsData(t *testing.T) {
	kinds := map[string]bool{KindPolice: true, KindAmbulance: true, KindEmbassy: true, KindHelpline: true}
	for _, c := range emergencyContacts {
		if c.Phone == "" || strings.TrimSpace(c.Source) == "" {
			t.Errorf("%q: Phone and Source are required (phone %q, source %q)", c.Name, c.Phone, c.Source)
		}
		if c.Name == "" {
			t.Errorf("contact %q has no name", c.Phone)
		}
		if !phoneShape.MatchString(c.Phone) || !phoneDigits.MatchString(strings.ReplaceAll(c.Phone, "-", "")) {
			t.Errorf("%q: phone %q is not a Japanese number as dialled in Japan", c.Name, c.Phone)
		}
		if !kinds[c.Kind] {
			t.Errorf("%q: unknown kind %q", c.Name, c.Kind)
		}
		if (c.Kind == KindEmbassy) != (c.Country != "") {
			t.Errorf("%q: kind %q with country %q", c.Name, c.Kind, c.Country)
		}
		if c.Country != "" && !regexp.MustCompile(`^[A-Z]{2}$`).MatchString(c.Country) {
			t.Errorf("%q: country %q is not ISO alpha-2", c.Name, c.Country)
		}
		for _, l := range c.Languages {
			if !knownLanguages[l] {
				t.Errorf("%q: language %q not among the served codes", c.Name, l)
			}
		}
	}
}
