package knowledge

import (
	"slices"
	"strings"
	"time"

	"remedy/internal/grievance"
)

// SeedChecked is the day the seed's sources were read (see
// shared/reference/domain-notes.md, compiled 2026-11-28).
var SeedChecked = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// seedExtra adds to an entry taken from grievance's emergency contacts
// what other sources say about the same organisation: its official
// website (the site its number was read on), where its office is, and a
// note. Keyed by the entry's seed key.
var seedExtra = map[string]struct {
	website    string
	prefecture string
	note       string
	source     string
}{
	"phone:0333663311": {website: "https://vnembassy-jp.org/", prefecture: "JP-13",
		note: "Also listed: 03-3466-3313, 03-3466-3314. Office: 50-11 Motoyoyogi-cho, Shibuya-ku, Tokyo."},
	"phone:0334414201": {website: "https://kbritokyo.jp/", prefecture: "JP-13",
		note: "Office: 5-2-9 Higashi-Gotanda, Shinagawa-ku, Tokyo."},
	"phone:08049407419": {prefecture: "JP-13", note: "Emergency hotline for Indonesian citizens, read in April 2020 news; re-check on https://kbritokyo.jp/."},
	"phone:0354128521":  {prefecture: "JP-13", note: "Office: 8-6-9 Akasaka, Minato-ku, Tokyo."},
	"phone:08070007979": {website: "https://tokyo.philembassy.net/", prefecture: "JP-13",
		note: "Emergency line from an April 2020 advisory; re-check on the official site. Office: 5-15-5 Roppongi, Minato-ku, Tokyo."},
	"phone:08049287979": {prefecture: "JP-13", note: "Second emergency line from the same April 2020 advisory."},
	"phone:0120762029": {prefecture: "JP-13",
		note:   "The Foreign Residents Support Center in Yotsuya, Tokyo, hosts 8 agencies, among them the Immigration Services Agency, the Tokyo Labour Bureau, the Legal Affairs Bureau's human rights department and Houterasu (Japan Legal Support Center, legal aid). The helpdesk answers in 18 languages.",
		source: "https://meicis.jp/en/we-visited-foreign-resident-support-center-fresc/ (the 8 agencies at FRESC)"},
	"phone:0570013904": {note: "Answers in 17 languages."},
	"phone:0357967112": {note: "For IP phones and calls from abroad."},
}

// notesEntries are organisations named in shared/reference/domain-notes.md
// with a website read there but no verified phone number: they are listed
// with their website only.
var notesEntries = []Entry{
	{
		Key: "web:jp-mirai-assist", Name: "JP-MIRAI Assist", NameLang: "en", Kind: KindCSO, Nationwide: true,
		Channels: []Channel{{Kind: ChannelWebsite, Value: "https://jp-mirai.org/"}},
		Note: "Helpdesk for foreign workers in 22 languages (ILO, 18 Nov 2024); the list of languages was not read, so none is listed. " +
			"Its pilot (May 2022 - Apr 2024, run by CINGA) helped with labour, daily life, health, status of residence, tax and social insurance.",
		Source: "https://publicnow.com/view/82EE3AA58BDE96004C0A93D0AF3E1CB3B3FF22B2 (ILO news, 18 Nov 2024: 22-language helpdesk); " +
			"https://jp-mirai.org/activity-report/jp-mirai-member-forum-for-the-first-half-of-2025-part-i-current-status-and-issues-of-safety-nets-for-the-rapidly-increasing-number-of-foreign-workers/?lang=en (JP-MIRAI's site)",
	},
	{
		Key: "web:cinga", Name: "CINGA", NameLang: "en", Kind: KindCSO,
		Channels: []Channel{{Kind: ChannelWebsite, Value: "https://cinga.or.jp/"}},
		Note:     "Non-profit that ran the JP-MIRAI Assist pilot (May 2022 - Apr 2024): accompaniment, consultations with experts and referral to dispute resolution (ADR) for 500 people.",
		Source:   "https://cinga.or.jp/reports/6427 (CINGA's report on the pilot)",
	},
}

// SeedDirectory builds the directory a new installation starts with: every
// emergency contact of grievance.EmergencyContacts (police, ambulance,
// embassies, national help lines, the OTIT lines), with its source, plus
// the organisations of notesEntries. No number is added here: each comes
// from the one list the urgent receipt page also shows.
func SeedDirectory() []Entry {
	var contacts []grievance.EmergencyContact
	seen := map[string]bool{}
	for _, origin := range append([]string{""}, grievance.OriginCountries...) {
		for _, c := range grievance.EmergencyContacts(origin, "") {
			if k := c.Name + "|" + c.Phone; !seen[k] {
				seen[k] = true
				contacts = append(contacts, c)
			}
		}
	}
	var out []Entry
	for i, c := range contacts {
		e := Entry{
			Key: "phone:" + digits(c.Phone), Name: c.Name, NameLang: "en", Kind: kindOf(c.Kind),
			Nationwide: true, Languages: slices.Clone(c.Languages),
			Channels: []Channel{{Kind: ChannelPhone, Value: c.Phone}},
			Hours:    c.Hours, Source: c.Source, LastChecked: SeedChecked, Active: true,
			Position: (i + 1) * 10, UpdatedBy: SeedBy,
		}
		if c.Country != "" {
			e.Countries = []string{c.Country}
		}
		if x, ok := seedExtra[e.Key]; ok {
			if x.website != "" {
				e.Channels = append(e.Channels, Channel{Kind: ChannelWebsite, Value: x.website})
			}
			e.Prefecture, e.Note = x.prefecture, x.note
			if x.source != "" {
				e.Source += "; " + x.source
			}
		}
		out = append(out, e)
	}
	for i, e := range notesEntries {
		e.Channels = slices.Clone(e.Channels)
		e.LastChecked, e.Active, e.Position, e.UpdatedBy = SeedChecked, true, 1000+(i+1)*10, SeedBy
		out = append(out, e)
	}
	return out
}

func kindOf(emergencyKind string) Kind {
	switch emergencyKind {
	case grievance.KindPolice, grievance.KindAmbulance:
		return KindEmergency
	case grievance.KindEmbassy:
		return KindEmbassy
	}
	return KindGovernment
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
