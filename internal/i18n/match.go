package i18n

import (
	"sort"
	"strconv"
	"strings"
)

// Match picks the best supported language for an Accept-Language header,
// or Default when none is acceptable.
func Match(acceptLanguage string) string {
	type choice struct {
		code string
		q    float64
	}
	var choices []choice
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				continue
			}
			q = f
		}
		if q <= 0 {
			continue
		}
		if code := normalize(tag); code != "" {
			choices = append(choices, choice{code, q})
		}
	}
	if len(choices) == 0 {
		return Default
	}
	sort.SliceStable(choices, func(a, b int) bool { return choices[a].q > choices[b].q })
	return choices[0].code
}

// Parse returns the supported code for a language given in a query, cookie
// or API body, and whether it is supported.
func Parse(code string) (string, bool) {
	c := normalize(code)
	return c, c != ""
}
