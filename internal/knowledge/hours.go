package knowledge

import (
	"regexp"
	"strings"
	"time"
)

// Hours is when a place answers, read from the form the directory stores:
// "24h", or days then times, such as "Mon-Fri 9:00-17:00" or
// "Tue, Thu 11:00-19:00" (Japan time).
type Hours struct {
	Always bool      // open day and night, every day
	Days   []DaySpan // empty with Always
	Open   string    // "9:00"
	Close  string    // "17:00"
}

// DaySpan is one day (From == To) or a run of days.
type DaySpan struct {
	From, To time.Weekday
}

var (
	dayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
		"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
	timeSpanRE = regexp.MustCompile(`^([01]?[0-9]|2[0-4]):([0-5][0-9])-([01]?[0-9]|2[0-4]):([0-5][0-9])$`)
)

// DayKey is the short name of a weekday as the message keys spell it
// ("mon" for Monday).
func DayKey(d time.Weekday) string { return strings.ToLower(d.String()[:3]) }

// ParseHours reads hours in the directory's form; ok is false for text in
// any other form (which is then shown as written) and for "".
func ParseHours(s string) (Hours, bool) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "24h") {
		return Hours{Always: true}, true
	}
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return Hours{}, false
	}
	days, span := strings.TrimSpace(s[:i]), s[i+1:]
	m := timeSpanRE.FindStringSubmatch(span)
	if m == nil {
		return Hours{}, false
	}
	h := Hours{Open: m[1] + ":" + m[2], Close: m[3] + ":" + m[4]}
	for _, part := range strings.Split(days, ",") {
		from, to, isRange := strings.Cut(strings.TrimSpace(part), "-")
		f, ok1 := dayNames[strings.ToLower(strings.TrimSpace(from))]
		t, ok2 := f, true
		if isRange {
			t, ok2 = dayNames[strings.ToLower(strings.TrimSpace(to))]
		}
		if !ok1 || !ok2 {
			return Hours{}, false
		}
		h.Days = append(h.Days, DaySpan{From: f, To: t})
	}
	return h, true
}
