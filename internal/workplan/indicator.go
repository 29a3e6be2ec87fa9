package workplan

import (
	"math"
	"sort"
	"strings"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/i18n"
)

// IndicatorKind says where an indicator's current value comes from.
type IndicatorKind string

// Indicator kinds.
const (
	// Manual values are entered by hand, each with its source and date.
	Manual IndicatorKind = "manual"
	// Computed values are measured live from Remedy's own data.
	Computed IndicatorKind = "computed"
)

// IndicatorKinds lists every kind.
var IndicatorKinds = []IndicatorKind{Manual, Computed}

// Units of computed measures; a manual indicator may name any unit.
const (
	UnitDays    = "days"
	UnitPercent = "percent"
	UnitCount   = "count"
)

// MinCases is the smallest number of cases a computed value is shown for:
// below it, the value is suppressed, so that a figure about one or two
// cases cannot point at them.
const MinCases = 5

// Indicator measures an outcome or an action.
type Indicator struct {
	ID           int64
	Code         string
	OutcomeID    int64
	OutcomeCode  string
	ActionID     int64
	ActionCode   string
	Lang         string
	Name         string
	Unit         string
	Kind         IndicatorKind
	Measure      string // computed: a Measure's ID
	Params       string // computed: "key=value key=value", canonical
	Baseline     *float64
	BaselineDate string
	Target       *float64
	TargetDate   string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Value is a value of a manual indicator, entered by hand.
type Value struct {
	ID            int64
	IndicatorID   int64
	IndicatorCode string
	UID           string
	Value         float64
	AsOf          string // YYYY-MM-DD
	Source        string
	Org           OrgRef
	PersonID      int64
	CreatedAt     time.Time
}

// Current is an indicator's value now.
type Current struct {
	Available  bool    // there is a value to show
	Value      float64 // valid when Available and not Suppressed
	AsOf       string  // manual: the value's date; computed: today
	Source     string  // manual: where it comes from
	Live       bool    // computed from Remedy's data at this moment
	N          int     // computed: how many cases it is measured on
	Suppressed bool    // computed on fewer than MinCases cases
	Pending    bool    // the measure needs data Remedy does not hold yet
}

// Param is a parameter a computed measure accepts.
type Param string

// Parameters of computed measures.
const (
	ParamLanguage Param = "language"       // a supported language code
	ParamOrigin   Param = "origin_country" // two letters
	ParamSince    Param = "since"          // YYYY-MM-DD: cases received from this day
	ParamCorridor Param = "corridor"       // "VN-JP": origin and destination
)

// Measure is a computed indicator Remedy knows how to measure.
type Measure struct {
	ID     string
	Unit   string
	Params []Param
	// Lower is true when a lower value is better.
	Lower bool
	// Pending measures need data Remedy does not hold yet; they show as
	// "not yet measured".
	Pending bool
}

// Measures is the registry of computed measures.
var Measures = []Measure{
	{ID: "median_days_to_remedy", Unit: UnitDays, Params: []Param{ParamLanguage, ParamOrigin, ParamSince}, Lower: true},
	{ID: "ack_on_time_share", Unit: UnitPercent, Params: []Param{ParamLanguage, ParamOrigin, ParamSince}},
	{ID: "grievances_filed", Unit: UnitCount, Params: []Param{ParamLanguage, ParamOrigin, ParamSince}},
	{ID: "sdg_10_7_1", Unit: UnitPercent, Params: []Param{ParamCorridor}, Lower: true, Pending: true},
}

// MeasureByID returns the measure with id.
func MeasureByID(id string) (Measure, bool) {
	for _, m := range Measures {
		if m.ID == id {
			return m, true
		}
	}
	return Measure{}, false
}

// ParseParams reads "key=value key=value" into a map.
func ParseParams(s string) map[string]string {
	out := map[string]string{}
	for _, f := range strings.Fields(s) {
		k, v, _ := strings.Cut(f, "=")
		out[k] = v
	}
	return out
}

// FormatParams writes parameters canonically: sorted by key, empty values
// left out.
func FormatParams(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, " ")
}

// CaseQuery is what a computed measure asks of the case data: aggregate
// figures over the cases that match, never a case itself.
type CaseQuery struct {
	Language      string
	OriginCountry string
	Since         time.Time // zero: all cases
}

// Query returns the case query of a computed indicator's parameters.
func Query(params string) CaseQuery {
	p := ParseParams(params)
	q := CaseQuery{Language: p[string(ParamLanguage)], OriginCountry: p[string(ParamOrigin)]}
	if t, err := time.Parse(time.DateOnly, p[string(ParamSince)]); err == nil {
		q.Since = t
	}
	return q
}

// Inputs are the aggregate figures a measure is computed from.
type Inputs struct {
	Durations []time.Duration // median_days_to_remedy: from receipt to remedy, one a case
	OnTime    int             // ack_on_time_share: acknowledged by the deadline
	Due       int             // ack_on_time_share: acknowledged, or whose deadline has passed
	Count     int             // grievances_filed
}

// Compute measures m on in, at today.
func (m Measure) Compute(in Inputs, today string) Current {
	c := Current{Live: true, AsOf: today, Available: true}
	if m.Pending {
		return Current{Pending: true, Live: true, AsOf: today}
	}
	switch m.ID {
	case "median_days_to_remedy":
		c.N = len(in.Durations)
		if c.N == 0 {
			c.Available = false
			break
		}
		d := append([]time.Duration(nil), in.Durations...)
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		var med float64
		if c.N%2 == 1 {
			med = d[c.N/2].Hours() / 24
		} else {
			med = (d[c.N/2-1].Hours() + d[c.N/2].Hours()) / 48
		}
		c.Value = round1(med)
	case "ack_on_time_share":
		c.N = in.Due
		if c.N == 0 {
			c.Available = false
			break
		}
		c.Value = round1(100 * float64(in.OnTime) / float64(in.Due))
	case "grievances_filed":
		c.N = in.Count
		c.Value = float64(in.Count)
	default:
		return Current{Live: true, AsOf: today}
	}
	if c.Available && c.N > 0 && c.N < MinCases {
		c.Suppressed, c.Value = true, 0
	}
	return c
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// CurrentManual is the current value of a manual indicator: its latest
// value by date (and, on the same date, the last entered).
func CurrentManual(values []Value) Current {
	var best *Value
	for i := range values {
		v := &values[i]
		if best == nil || v.AsOf > best.AsOf || (v.AsOf == best.AsOf && v.ID > best.ID) {
			best = v
		}
	}
	if best == nil {
		return Current{}
	}
	return Current{Available: true, Value: best.Value, AsOf: best.AsOf, Source: best.Source}
}

// Validate checks an indicator and trims its texts; for a computed one it
// checks the measure and its parameters and sets the unit.
func (ind *Indicator) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	errs = checkCode(errs, "code", &ind.Code)
	hasOutcome := ind.OutcomeID != 0 || ind.OutcomeCode != ""
	hasAction := ind.ActionID != 0 || ind.ActionCode != ""
	if hasOutcome == hasAction {
		errs = append(errs, apperr.FieldError{Field: "owner", Key: "plan.error.indicator_owner"})
	}
	errs = checkLang(errs, "lang", &ind.Lang)
	errs = checkLine(errs, "name", &ind.Name, true, MaxTitle)
	errs = checkDate(errs, "baseline_date", &ind.BaselineDate, false)
	errs = checkDate(errs, "target_date", &ind.TargetDate, false)
	for _, f := range []*float64{ind.Baseline, ind.Target} {
		if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
			errs = append(errs, apperr.FieldError{Field: "target", Key: "plan.error.number"})
		}
	}
	switch ind.Kind {
	case Manual:
		ind.Measure, ind.Params = "", ""
		errs = checkLine(errs, "unit", &ind.Unit, false, 50)
	case Computed:
		m, ok := MeasureByID(ind.Measure)
		if !ok {
			errs = append(errs, apperr.FieldError{Field: "measure", Key: "error.unknown_code"})
			break
		}
		ind.Unit = m.Unit
		params := ParseParams(ind.Params)
		for k, v := range params {
			if !paramAllowed(m, k) || !validParam(Param(k), v) {
				errs = append(errs, apperr.FieldError{Field: "params", Key: "plan.error.params"})
				break
			}
		}
		ind.Params = FormatParams(params)
	default:
		errs = append(errs, apperr.FieldError{Field: "kind", Key: "error.unknown_code"})
	}
	return errs
}

func paramAllowed(m Measure, k string) bool {
	for _, p := range m.Params {
		if string(p) == k {
			return true
		}
	}
	return false
}

func validParam(p Param, v string) bool {
	switch p {
	case ParamLanguage:
		return i18n.IsSupported(v)
	case ParamOrigin:
		return ValidCountry(v)
	case ParamSince:
		return ValidDate(v)
	case ParamCorridor:
		from, to, ok := strings.Cut(v, "-")
		return ok && ValidCountry(from) && ValidCountry(to)
	}
	return false
}

// Validate checks a manual value and trims its source. Values are dated no
// later than today.
func (v *Value) Validate(today string) []apperr.FieldError {
	var errs []apperr.FieldError
	if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
		errs = append(errs, apperr.FieldError{Field: "value", Key: "plan.error.number"})
	}
	errs = checkDate(errs, "as_of", &v.AsOf, true)
	if v.AsOf != "" && ValidDate(v.AsOf) && today != "" && v.AsOf > today {
		errs = append(errs, apperr.FieldError{Field: "as_of", Key: "error.future_date"})
	}
	errs = checkLine(errs, "source", &v.Source, true, MaxShort)
	return errs
}
