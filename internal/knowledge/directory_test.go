package knowledge_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/knowledge"
)

// TestSeedDirectory: every entry is valid and names its source; every
// phone number comes from the emergency contacts (none is typed here), and
// every contact is in the directory.
func TestSeedDirectory(t *testing.T) {
	known := map[string]bool{}
	for _, origin := range append([]string{""}, grievance.OriginCountries...) {
		for _, c := range grievance.EmergencyContacts(origin, "") {
			known[c.Phone] = true
		}
	}
	entries := knowledge.SeedDirectory()
	keys := map[string]bool{}
	phones := map[string]bool{}
	for _, e := range entries {
		if keys[e.Key] || e.Key == "" {
			t.Errorf("%s: key %q empty or repeated", e.Name, e.Key)
		}
		keys[e.Key] = true
		if errs := e.Validate(now); len(errs) != 0 {
			t.Errorf("%s: %v", e.Name, errs)
		}
		if !e.Active || e.UpdatedBy != knowledge.SeedBy || knowledge.FormatDate(e.LastChecked) != "2026-11-28" {
			t.Errorf("%s: active %v by %q checked %s", e.Name, e.Active, e.UpdatedBy, knowledge.FormatDate(e.LastChecked))
		}
		if strings.TrimSpace(e.Source) == "" || (e.Kind != knowledge.KindEmergency && !strings.Contains(e.Source, "http")) {
			t.Errorf("%s: source %q names no address", e.Name, e.Source)
		}
		for _, p := range e.Phones() {
			if !known[p] {
				t.Errorf("%s: phone %s is not among the emergency contacts", e.Name, p)
			}
			phones[p] = true
		}
	}
	for p := range known {
		if !phones[p] {
			t.Errorf("emergency contact %s is missing from the directory", p)
		}
	}
	// Organisations without a verified number are listed by website only.
	for _, key := range []string{"web:jp-mirai-assist", "web:cinga"} {
		i := slices.IndexFunc(entries, func(e knowledge.Entry) bool { return e.Key == key })
		if i < 0 {
			t.Errorf("%s missing", key)
			continue
		}
		if len(entries[i].Phones()) != 0 || len(entries[i].Channels) != 1 || entries[i].Channels[0].Kind != knowledge.ChannelWebsite {
			t.Errorf("%s: channels %v", key, entries[i].Channels)
		}
	}
}

func TestSearch(t *testing.T) {
	entries := knowledge.SeedDirectory()
	names := func(es []knowledge.Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Name)
		}
		return out
	}
	all := knowledge.Search(entries, knowledge.Filter{}, "en")
	if len(all) != len(entries) {
		t.Fatalf("no filter: %d of %d entries", len(all), len(entries))
	}
	if all[0].Kind != knowledge.KindEmergency || all[1].Kind != knowledge.KindEmergency {
		t.Errorf("emergency numbers do not come first: %v", names(all[:3]))
	}

	// Khmer speakers from Cambodia: police and ambulance, their embassy,
	// then lines answering in Khmer; no embassy of another country, no
	// line that does not speak Khmer.
	km := knowledge.Search(entries, knowledge.Filter{Country: "KH", Language: "km"}, "en")
	for _, e := range km {
		if e.Kind == knowledge.KindEmbassy && !slices.Contains(e.Countries, "KH") {
			t.Errorf("KH/km: embassy of another country: %s", e.Name)
		}
		if !e.Serves("km") {
			t.Errorf("KH/km: %s does not answer in Khmer", e.Name)
		}
	}
	if !slices.ContainsFunc(km, func(e knowledge.Entry) bool { return strings.Contains(e.Name, "(Khmer)") }) {
		t.Errorf("KH/km: no OTIT Khmer line in %v", names(km))
	}
	if !slices.ContainsFunc(km, func(e knowledge.Entry) bool { return e.Kind == knowledge.KindEmergency }) {
		t.Error("KH/km: no emergency numbers")
	}

	// Without a language filter, lines in the reader's language come first
	// within a kind.
	vi := knowledge.Search(entries, knowledge.Filter{Kind: knowledge.KindGovernment}, "vi")
	if !vi[0].Serves("vi") {
		t.Errorf("reader vi: first government line %s does not answer in Vietnamese", vi[0].Name)
	}
	// A prefecture keeps nationwide lines and entries without an office.
	osaka := knowledge.Search(entries, knowledge.Filter{Prefecture: "JP-27"}, "en")
	if len(osaka) != len(entries) {
		t.Errorf("JP-27: %d of %d (every seed entry is nationwide or has no office)", len(osaka), len(entries))
	}
	local := knowledge.Entry{Name: "Local group", Kind: knowledge.KindCSO, Prefecture: "JP-13", Active: true}
	if !(knowledge.Filter{Prefecture: "JP-13"}).Match(local) || (knowledge.Filter{Prefecture: "JP-27"}).Match(local) {
		t.Error("a local entry fits other prefectures, or not its own")
	}
	local.Active = false
	if (knowledge.Filter{}).Match(local) {
		t.Error("an inactive entry fits")
	}
	if got := knowledge.Search(entries, knowledge.Filter{Kind: knowledge.KindShelter}, "en"); len(got) != 0 {
		t.Errorf("shelters: %v (none in the seed)", names(got))
	}
	if kinds := knowledge.KindsIn(entries); !slices.Equal(kinds, []knowledge.Kind{knowledge.KindEmergency, knowledge.KindEmbassy, knowledge.KindGovernment, knowledge.KindCSO}) {
		t.Errorf("KindsIn = %v", kinds)
	}
}

func TestFilterNormalize(t *testing.T) {
	f := knowledge.Filter{Country: " vn ", Prefecture: "jp-13", Language: "vi-VN", Kind: "embassy"}
	if errs := f.Normalize(); len(errs) != 0 || f != (knowledge.Filter{Country: "VN", Prefecture: "JP-13", Language: "vi", Kind: "embassy"}) {
		t.Errorf("Normalize: %v %+v", errs, f)
	}
	f = knowledge.Filter{Country: "ZZ", Prefecture: "JP-48", Language: "xx", Kind: "bank"}
	errs := f.Normalize()
	if len(errs) != 4 || !f.Empty() {
		t.Errorf("unknown values: %v %+v", errs, f)
	}
}

func TestEntryValidate(t *testing.T) {
	d, _ := knowledge.ParseDate("2026-11-20")
	good := func() knowledge.Entry {
		return knowledge.Entry{Name: "Union", Kind: knowledge.KindUnion, Countries: []string{"vn", "VN"}, Languages: []string{"vi"},
			Channels: []knowledge.Channel{{Kind: "phone", Value: "03-1234-5678"}, {Kind: "website", Value: "https://u.example/"}, {Kind: "email", Value: "a@u.example"}},
			Hours:    "Mon-Sat 10:00-18:00", Source: "leaflet, 2026-11", LastChecked: d, Active: true}
	}
	e := good()
	if errs := e.Validate(now); len(errs) != 0 {
		t.Fatalf("valid entry: %v", errs)
	}
	if !slices.Equal(e.Countries, []string{"VN"}) || e.NameLang != "en" {
		t.Errorf("normalised: %+v", e)
	}
	for name, tc := range map[string]struct {
		change func(*knowledge.Entry)
		field  string
	}{
		"no name":    {func(e *knowledge.Entry) { e.Name = "" }, "name"},
		"no source":  {func(e *knowledge.Entry) { e.Source = " " }, "source"},
		"kind":       {func(e *knowledge.Entry) { e.Kind = "bank" }, "kind"},
		"country":    {func(e *knowledge.Entry) { e.Countries = []string{"ZZ"} }, "countries"},
		"language":   {func(e *knowledge.Entry) { e.Languages = []string{"zh"} }, "languages"},
		"prefecture": {func(e *knowledge.Entry) { e.Prefecture = "JP-99" }, "prefecture"},
		"hours":      {func(e *knowledge.Entry) { e.Hours = "weekdays" }, "hours"},
		"no channel": {func(e *knowledge.Entry) { e.Channels = nil }, "channels"},
		"phone":      {func(e *knowledge.Entry) { e.Channels = []knowledge.Channel{{Kind: "phone", Value: "call me"}} }, "channels"},
		"website": {func(e *knowledge.Entry) {
			e.Channels = []knowledge.Channel{{Kind: "website", Value: "javascript:alert(1)"}}
		}, "channels"},
		"email":         {func(e *knowledge.Entry) { e.Channels = []knowledge.Channel{{Kind: "email", Value: "nobody"}} }, "channels"},
		"channel kind":  {func(e *knowledge.Entry) { e.Channels = []knowledge.Channel{{Kind: "fax", Value: "03"}} }, "channels"},
		"future check":  {func(e *knowledge.Entry) { e.LastChecked = now.AddDate(0, 1, 0) }, "last_checked"},
		"no check date": {func(e *knowledge.Entry) { e.LastChecked = time.Time{} }, "last_checked"},
	} {
		e := good()
		tc.change(&e)
		errs := e.Validate(now)
		found := false
		for _, fe := range errs {
			found = found || fe.Field == tc.field
		}
		if !found {
			t.Errorf("%s: errors %v, want one on %s", name, errs, tc.field)
		}
	}
}
