package grievance

import "strings"

// EmergencyContact is a place a worker can call at once when a case is urgent.
type EmergencyContact struct {
	Kind      string   // "police", "ambulance", "embassy", "helpline"
	Country   string   // ISO 3166-1 alpha-2 of the worker's country for an embassy; "" for lines open to everyone
	Name      string   // official name (English), shown as-is next to a translated label
	Phone     string   // as dialled in Japan, e.g. "03-3466-3311"
	Hours     string   // e.g. "24h", "Mon-Fri 9:00-17:00", "" if unknown
	Languages []string // BCP 47 codes among en ja vi id km fil th my ne served, when known
	Source    string   // where the number was read (URL), and the date of that copy if known
}

// EmergencyContact kinds.
const (
	KindPolice    = "police"
	KindAmbulance = "ambulance"
	KindEmbassy   = "embassy"
	KindHelpline  = "helpline"
)

// emergencyContacts is the static directory behind EmergencyContacts.
//
// RULE: every number here was read in the source named next to it. Do not
// add a number from memory. Embassies of Thailand (TH), Myanmar (MM) and
// Nepal (NP) are missing on purpose: no source with their number was found
// yet. Numbers from older copies should be re-checked against the official
// site before release (see the dates in Source).
var emergencyContacts = []EmergencyContact{
	{
		Kind:   KindPolice,
		Name:   "Police",
		Phone:  "110",
		Hours:  "24h",
		Source: "Japan's national emergency numbers",
	},
	{
		Kind:   KindAmbulance,
		Name:   "Ambulance and Fire",
		Phone:  "119",
		Hours:  "24h",
		Source: "Japan's national emergency numbers",
	},

	// Embassies in Tokyo.
	{
		Kind:      KindEmbassy,
		Country:   "VN",
		Name:      "Embassy of the Socialist Republic of Viet Nam in Japan",
		Phone:     "03-3466-3311", // also listed: 03-3466-3313, 03-3466-3314
		Languages: []string{"vi"},
		Source:    "https://vnembassy-jp.org/en/ibaraki-prefecture-presents-cherry-tree-vietnamese-embassy-japan (official site, 'Quick contact' block; 50-11 Motoyoyogi-cho, Shibuya-ku, Tokyo 151-0062)",
	},
	{
		Kind:      KindEmbassy,
		Country:   "ID",
		Name:      "Embassy of the Republic of Indonesia in Tokyo",
		Phone:     "03-3441-4201",
		Languages: []string{"id"},
		Source:    "https://kbritokyo.jp/layanan-publik-wni/ (official site, copy with a notice dated April 2019; 5-2-9 Higashi-Gotanda, Shinagawa-ku, Tokyo)",
	},
	{
		Kind:      KindEmbassy,
		Country:   "ID",
		Name:      "Embassy of the Republic of Indonesia in Tokyo – emergency hotline for Indonesian citizens",
		Phone:     "080-4940-7419",
		Languages: []string{"id"},
		Source:    "https://m.tribunnews.com/amp/internasional/2020/04/20/antisipasi-penyebaran-covid-19-kbri-tokyo-jepang-terapkan-kebijakan-work-from-home and https://viva.co.id/arsip/1272741-virus-corona-meningkat-di-jepang-kbri-tokyo-tutup-nbsp (news, April 2020, quoting KBRI Tokyo: +818049407419)",
	},
	{
		Kind:      KindEmbassy,
		Country:   "KH",
		Name:      "Royal Embassy of Cambodia in Japan",
		Phone:     "03-5412-8521",
		Languages: []string{"km"},
		Source:    "http://www.asean.or.jp/en/asean/know/country/cambodia.html (ASEAN-Japan Centre: 8-6-9 Akasaka, Minato-ku, Tokyo 107-0052, Tel +81-3-5412-8521/2); same number at https://visit-minato-city.tokyo/ja-jp/places/594",
	},
	{
		Kind:      KindEmbassy,
		Country:   "PH",
		Name:      "Embassy of the Republic of the Philippines in Tokyo – emergency line",
		Phone:     "080-7000-7979",
		Languages: []string{"fil", "en"},
		Source:    "https://tokyo.philembassy.net/advisory-nationwide-state-of-emergency-sa-japan-at-tokyo-call-center-para-sa-foreigners (official site, advisory of April 2020: emergency concerns 080-7000-7979 and 080-4928-7979; 5-15-5 Roppongi, Minato-ku, Tokyo 106-8537)",
	},
	{
		Kind:      KindEmbassy,
		Country:   "PH",
		Name:      "Embassy of the Republic of the Philippines in Tokyo – emergency line",
		Phone:     "080-4928-7979",
		Languages: []string{"fil", "en"},
		Source:    "https://tokyo.philembassy.net/advisory-nationwide-state-of-emergency-sa-japan-at-tokyo-call-center-para-sa-foreigners (official site, advisory of April 2020)",
	},

	// National lines open to every foreign resident.
	{
		Kind:      KindHelpline,
		Name:      "Foreign Residents Support Center (FRESC) Helpdesk",
		Phone:     "0120-76-2029",
		Hours:     "Mon-Fri 9:00-17:00",
		Languages: []string{"ja", "en", "vi", "fil", "ne", "id", "th", "km", "my"},
		Source:    "http://nepemconepal.blogspot.com/2021/07/817.html (copy of BuzzFeed Japan via https://news.yahoo.co.jp/articles/31a405e35d5f291ebda67dce36ee13950c7ebf59, July 2021: 18 languages, weekdays 9:00-17:00)",
	},
	{
		Kind:      KindHelpline,
		Name:      "Immigration Services Agency – Immigration Information Center",
		Phone:     "0570-013904",
		Hours:     "Mon-Fri 8:30-17:15",
		Languages: []string{"ja", "en", "vi", "fil", "ne", "id", "th", "km", "my"},
		Source:    "http://nepemconepal.blogspot.com/2021/07/817.html (copy of BuzzFeed Japan via https://news.yahoo.co.jp/articles/31a405e35d5f291ebda67dce36ee13950c7ebf59, July 2021: 17 languages, weekdays 8:30-17:15)",
	},
	{
		Kind:      KindHelpline,
		Name:      "Immigration Services Agency – Immigration Information Center (from IP phones)",
		Phone:     "03-5796-7112",
		Hours:     "Mon-Fri 8:30-17:15",
		Languages: []string{"ja", "en", "vi", "fil", "ne", "id", "th", "km", "my"},
		Source:    "http://nepemconepal.blogspot.com/2021/07/817.html (same article: number for IP phones and calls from abroad)",
	},

	// OTIT native-language hotline for technical intern trainees, one
	// number per language, 11:00-19:00 on the days shown, free of charge.
	// Read in the Filipino edition of the OTIT Technical Intern Trainee
	// Handbook (copy uploaded 2020-12-01). The Myanmar-language number was
	// cut off in that copy and is not listed.
	{
		Kind:      KindHelpline,
		Name:      "Organization for Technical Intern Training (OTIT) – native language hotline (Vietnamese)",
		Phone:     "0120-250-168",
		Hours:     "Mon-Fri 11:00-19:00",
		Languages: []string{"vi"},
		Source:    otitHandbookSource,
	},
	{
		Kind:      KindHelpline,
		Name:      "Organization for Technical Intern Training (OTIT) – native language hotline (Indonesian)",
		Phone:     "0120-250-192",
		Hours:     "Tue, Thu 11:00-19:00",
		Languages: []string{"id"},
		Source:    otitHandbookSource,
	},
	{
		Kind:      KindHelpline,
		Name:      "Organization for Technical Intern Training (OTIT) – native language hotline (Filipino)",
		Phone:     "0120-250-197",
		Hours:     "Tue, Sat 11:00-19:00",
		Languages: []string{"fil"},
		Source:    otitHandbookSource,
	},
	{
		Kind:      KindHelpline,
		Name:      "Organization for Technical Intern Training (OTIT) – native language hotline (English)",
		Phone:     "0120-250-147",
		Hours:     "Tue, Sat 11:00-19:00",
		Languages: []string{"en"},
		Source:    otitHandbookSource,
	},
	{
		Kind:      KindHelpline,
		Name:      "Organization for Technical Intern Training (OTIT) – native language hotline (Thai)",
		Phone:     "0120-250-198",
		Hours:     "Thu, Sat 11:00-19:00",
		Languages: []string{"th"},
		Source:    otitHandbookSource,
	},
	{
		Kind:      KindHelpline,
		Name:      "Organization for Technical Intern Training (OTIT) – native language hotline (Khmer)",
		Phone:     "0120-250-366",
		Hours:     "Thu 11:00-19:00",
		Languages: []string{"km"},
		Source:    otitHandbookSource,
	},
}

const otitHandbookSource = "https://vdocuments.pub/efcc-mula-alas-11-ng-umaga-hanggang-alas-7-ng-gabi-walang-bayad.html (copy of the OTIT Technical Intern Trainee Handbook, Filipino edition, uploaded 2020-12-01)"

// EmergencyContacts returns who to call now for a worker from origin (ISO alpha-2; may be unknown): police and ambulance first, then that country's embassy if known, then helplines that serve lang first.
//
// Helplines that do not serve lang are still listed, after those that do,
// since a line in another language is better than none. The result is a
// fresh copy; callers may modify it.
func EmergencyContacts(origin, lang string) []EmergencyContact {
	origin = strings.ToUpper(strings.TrimSpace(origin))
	lang = baseLanguage(lang)

	var first, embassies, served, others []EmergencyContact
	for _, c := range emergencyContacts {
		switch c.Kind {
		case KindPolice, KindAmbulance:
			first = append(first, copyContact(c))
		case KindEmbassy:
			if origin != "" && c.Country == origin {
				embassies = append(embassies, copyContact(c))
			}
		default:
			if lang != "" && serves(c, lang) {
				served = append(served, copyContact(c))
			} else {
				others = append(others, copyContact(c))
			}
		}
	}
	out := make([]EmergencyContact, 0, len(first)+len(embassies)+len(served)+len(others))
	out = append(out, first...)
	out = append(out, embassies...)
	out = append(out, served...)
	return append(out, others...)
}

// baseLanguage reduces a BCP 47 tag such as "vi-VN" to the primary code used
// in EmergencyContact.Languages.
func baseLanguage(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if tag == "tl" { // Tagalog; the lines list Filipino
		return "fil"
	}
	return tag
}

func serves(c EmergencyContact, lang string) bool {
	for _, l := range c.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

func copyContact(c EmergencyContact) EmergencyContact {
	if c.Languages != nil {
		c.Languages = append([]string(nil), c.Languages...)
	}
	return c
}
