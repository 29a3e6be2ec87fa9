package casework

import (
	"fmt"
	"strings"
	"time"
)

// zones are the local times of the countries referrals go to. Fixed
// offsets are enough: none of these countries keeps daylight saving time,
// and no time-zone database needs to be shipped. Countries with several
// zones use their capital's (Jakarta for Indonesia).
var zones = map[string]*time.Location{
	"JP": time.FixedZone("JST", 9*3600),
	"VN": time.FixedZone("ICT", 7*3600),
	"TH": time.FixedZone("ICT", 7*3600),
	"KH": time.FixedZone("ICT", 7*3600),
	"LA": time.FixedZone("ICT", 7*3600),
	"ID": time.FixedZone("WIB", 7*3600),
	"PH": time.FixedZone("PHT", 8*3600),
	"MY": time.FixedZone("MYT", 8*3600),
	"SG": time.FixedZone("SGT", 8*3600),
	"CN": time.FixedZone("CST", 8*3600),
	"TW": time.FixedZone("CST", 8*3600),
	"MN": time.FixedZone("ULAT", 8*3600),
	"KR": time.FixedZone("KST", 9*3600),
	"MM": time.FixedZone("MMT", 6*3600+30*60),
	"BD": time.FixedZone("BST", 6*3600),
	"NP": time.FixedZone("NPT", 5*3600+45*60),
	"IN": time.FixedZone("IST", 5*3600+30*60),
	"LK": time.FixedZone("SLST", 5*3600+30*60),
	"UZ": time.FixedZone("UZT", 5*3600),
	"PK": time.FixedZone("PKT", 5*3600),
}

// Japan is Japan Standard Time.
var Japan = zones["JP"]

// Zone returns the local time of country (ISO 3166-1 alpha-2), and false
// when it is not known.
func Zone(country string) (*time.Location, bool) {
	loc, ok := zones[strings.ToUpper(country)]
	return loc, ok
}

// LocalTime formats t in country's local time with its offset from UTC,
// such as "2026-11-07 07:30 (UTC+7)"; "" when the country is not known.
func LocalTime(t time.Time, country string) string {
	loc, ok := Zone(country)
	if !ok {
		return ""
	}
	t = t.In(loc)
	_, off := t.Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off%3600/60
	offset := fmt.Sprintf("UTC%s%d", sign, h)
	if m != 0 {
		offset += fmt.Sprintf(":%02d", m)
	}
	return t.Format("2006-01-02 15:04") + " (" + offset + ")"
}
