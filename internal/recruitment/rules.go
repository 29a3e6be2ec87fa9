package recruitment

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
)

//go:embed data/fee-rules.json
var bundledRules []byte

// Rule statuses and confidence levels, as fee-rules.json defines them.
const (
	StatusInForce      = "in_force"
	StatusSuperseded   = "superseded"
	StatusDraft        = "draft_or_announced"
	StatusPolicyNotLaw = "policy_not_law"
	StatusUnknown      = "unknown"

	ConfidenceHigh        = "high"
	ConfidenceMedium      = "medium"
	ConfidenceLow         = "low"
	ConfidenceUnconfirmed = "unconfirmed"
)

// Statuses and Confidences list the known values.
var (
	Statuses    = []string{StatusInForce, StatusSuperseded, StatusDraft, StatusPolicyNotLaw, StatusUnknown}
	Confidences = []string{ConfidenceHigh, ConfidenceMedium, ConfidenceLow, ConfidenceUnconfirmed}
)

// Check kinds: what the engine compares.
const (
	CheckZero      = "zero"      // any amount of the items is too much
	CheckCap       = "cap"       // the items' sum may not exceed a cap
	CheckInform    = "inform"    // no limit; the rule says something about an item reported
	CheckBenchmark = "benchmark" // an observed typical cost, not a legal limit
)

// CheckKinds lists the check kinds.
var CheckKinds = []string{CheckZero, CheckCap, CheckInform, CheckBenchmark}

// Salary bases of caps in months of salary.
const (
	BasisContractWage  = "contract_wage"
	BasisFirstMonthPay = "first_month_wage"
)

// Check is one comparison a rule makes. A rule may make several (a cap on
// the service fee and a ban on charging the air ticket, say).
type Check struct {
	Kind   string   `json:"kind"`
	Items  []string `json:"items,omitempty"`  // item kinds counted; none = every kind
	Payees []string `json:"payees,omitempty"` // only items paid to these payees
	// A cap in months of salary: Months x the Basis wage, pro rata for
	// every PerMonths of contract when PerMonths is set.
	Basis     string  `json:"basis,omitempty"`
	Months    float64 `json:"months,omitempty"`
	PerMonths int     `json:"per_months,omitempty"`
	// An absolute cap (or the benchmark's amount): Amount of Currency, pro
	// rata per PerMonths of contract up to MaxAmount when they are set, or
	// one amount per programme.
	Amount          float64            `json:"amount,omitempty"`
	Currency        string             `json:"currency,omitempty"`
	MaxAmount       float64            `json:"max_amount,omitempty"`
	AmountByProgram map[string]float64 `json:"amount_by_program,omitempty"`
	// MinContractMonths: the check applies only to contracts this long.
	MinContractMonths int `json:"min_contract_months,omitempty"`
}

// When holds conditions a report must meet for the rule to apply.
type When struct {
	PublicProgramme bool     `json:"public_programme,omitempty"`
	Occupations     []string `json:"occupations,omitempty"`
}

// Source is a legal source as fee-rules.json names it.
type Source struct {
	Title   string `json:"title"`
	Article string `json:"article,omitempty"`
	URL     string `json:"url,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Rule is one version of a fee rule. Rules are data: fee-rules.json is
// version 1 of each, and admins add or supersede versions; a report is
// checked against the versions in force on its date.
type Rule struct {
	ID            string   `json:"id"`
	Version       int      `json:"version"`
	Origin        string   `json:"origin"`       // ISO alpha-2 or "*"
	Destinations  []string `json:"destinations"` // ISO alpha-2 or "*"
	Programs      []string `json:"programs"`     // programme codes or "*"
	Program       string   `json:"program,omitempty"`
	Status        string   `json:"status"`
	Confidence    string   `json:"confidence"`
	EffectiveFrom string   `json:"effective_from"` // YYYY-MM-DD or "" (not known: always)
	EffectiveTo   string   `json:"effective_to"`   // YYYY-MM-DD or "" (open)
	EffectiveNote string   `json:"effective_note,omitempty"`
	Summary       string   `json:"summary"`
	// Summaries are the summary in other languages (language code to
	// text), for rules added after the bundled ones; the bundled versions
	// are translated in the message catalogs.
	Summaries       map[string]string `json:"summaries,omitempty"`
	Checks          []Check           `json:"checks"`
	When            *When             `json:"when,omitempty"`
	OverriddenBy    []string          `json:"overridden_by,omitempty"`
	SourceURL       string            `json:"source_url,omitempty"`
	Text            string            `json:"rule,omitempty"`
	Cap             json.RawMessage   `json:"cap,omitempty"`
	WorkerMayPay    []string          `json:"worker_may_pay,omitempty"`
	ItemsProhibited []string          `json:"items_prohibited,omitempty"`
	LegalSource     []Source          `json:"legal_source,omitempty"`
	VerifiedFrom    []string          `json:"verified_from,omitempty"`
	Notes           string            `json:"notes,omitempty"`
	AppliesOnlyWhen string            `json:"applies_only_when,omitempty"`
	SupersededBy    int               `json:"superseded_by,omitempty"`
}

// Key is "ID@version".
func (r Rule) Key() string { return r.ID + "@" + strconv.Itoa(r.Version) }

// Citation is the rule's legal source in one line: title and article of
// each source.
func (r Rule) Citation() string {
	var parts []string
	for _, s := range r.LegalSource {
		c := s.Title
		if s.Article != "" {
			c += ", " + s.Article
		}
		parts = append(parts, c)
	}
	return strings.Join(parts, "; ")
}

// Within reports whether the rule version's window contains date.
func (r Rule) Within(date string) bool {
	return (r.EffectiveFrom == "" || r.EffectiveFrom <= date) && (r.EffectiveTo == "" || date <= r.EffectiveTo)
}

// CanFire reports whether any of the rule's checks can produce a finding.
func (r Rule) CanFire() bool { return len(r.Checks) > 0 }

// RuleFile is the shape of fee-rules.json.
type RuleFile struct {
	SchemaVersion string          `json:"schema_version"`
	Transcribed   json.RawMessage `json:"transcribed,omitempty"`
	HowToRead     json.RawMessage `json:"how_to_read,omitempty"`
	Rules         []Rule          `json:"rules"`
	Benchmarks    json.RawMessage `json:"benchmarks_observed_costs,omitempty"`
}

// BundledRules returns the rules transcribed in data/fee-rules.json.
func BundledRules() []Rule {
	var f RuleFile
	if err := json.Unmarshal(bundledRules, &f); err != nil {
		panic(err) // the embedded file is tested
	}
	return f.Rules
}

// BundledRulesJSON returns data/fee-rules.json as shipped.
func BundledRulesJSON() []byte { return bytes.Clone(bundledRules) }

// ParseRules reads rules to import: a file shaped like fee-rules.json
// ({"rules": [...]}), an array of rules, or one rule.
func ParseRules(b []byte) ([]Rule, error) {
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\ufeff")))
	if len(b) == 0 {
		return nil, fmt.Errorf("recruitment: empty rules")
	}
	strict := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return err
		}
		if dec.More() {
			return fmt.Errorf("recruitment: trailing data after the rules")
		}
		return nil
	}
	switch b[0] {
	case '[':
		var rules []Rule
		err := strict(&rules)
		return rules, err
	case '{':
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(b, &probe); err != nil {
			return nil, err
		}
		if _, ok := probe["rules"]; ok {
			var f RuleFile
			err := strict(&f)
			return f.Rules, err
		}
		var r Rule
		err := strict(&r)
		return []Rule{r}, err
	}
	return nil, fmt.Errorf("recruitment: rules must be a JSON object or array")
}

var ruleIDPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,79}$`)

func validCountry(c string) bool {
	return c == "*" || (len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z')
}

// Normalize trims a rule's text fields and upper-cases its codes.
func (r *Rule) Normalize() {
	r.ID = strings.ToUpper(strings.TrimSpace(r.ID))
	r.Origin = strings.ToUpper(strings.TrimSpace(r.Origin))
	for i, d := range r.Destinations {
		r.Destinations[i] = strings.ToUpper(strings.TrimSpace(d))
	}
	for i, p := range r.Programs {
		r.Programs[i] = strings.TrimSpace(p)
	}
	r.Status, r.Confidence = strings.TrimSpace(r.Status), strings.TrimSpace(r.Confidence)
	r.EffectiveFrom, r.EffectiveTo = strings.TrimSpace(r.EffectiveFrom), strings.TrimSpace(r.EffectiveTo)
	r.Summary, r.SourceURL = strings.TrimSpace(r.Summary), strings.TrimSpace(r.SourceURL)
	for i := range r.Checks {
		r.Checks[i].Currency = strings.ToUpper(strings.TrimSpace(r.Checks[i].Currency))
	}
}

// Validate returns what is wrong with a rule version, as field errors.
func (r *Rule) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, key string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Key: key, Args: args})
	}
	if !ruleIDPattern.MatchString(r.ID) {
		add("id", "fees.error.rule_id")
	}
	if r.Version < 0 {
		add("version", "error.unknown_code")
	}
	if !validCountry(r.Origin) {
		add("origin", "error.unknown_code")
	}
	if len(r.Destinations) == 0 {
		add("destinations", "error.required")
	}
	for _, d := range r.Destinations {
		if !validCountry(d) {
			add("destinations", "error.unknown_code")
			break
		}
	}
	if len(r.Programs) == 0 {
		add("programs", "error.required")
	}
	for _, p := range r.Programs {
		if p != "*" && !grievance.IsProgram(p) {
			add("programs", "error.unknown_code")
			break
		}
	}
	if !contains(Statuses, r.Status) {
		add("status", "error.unknown_code")
	}
	if !contains(Confidences, r.Confidence) {
		add("confidence", "error.unknown_code")
	}
	if r.EffectiveFrom != "" && !IsDate(r.EffectiveFrom) {
		add("effective_from", "error.invalid_date")
	}
	if r.EffectiveTo != "" && (!IsDate(r.EffectiveTo) || (r.EffectiveFrom != "" && r.EffectiveTo < r.EffectiveFrom)) {
		add("effective_to", "error.invalid_date")
	}
	for field, v := range map[string]string{"summary": r.Summary, "rule": r.Text, "notes": r.Notes, "effective_note": r.EffectiveNote} {
		if badText(v) {
			add(field, "error.invalid_text")
		} else if utf8.RuneCountInString(v) > 20000 {
			add(field, "error.too_long")
		}
	}
	if r.Summary == "" {
		add("summary", "error.required")
	}
	for lang, text := range r.Summaries {
		if !i18n.IsSupported(lang) || badText(text) || utf8.RuneCountInString(text) > 20000 {
			add("summaries", "error.unknown_code")
			break
		}
	}
	if r.SourceURL != "" {
		u, err := url.Parse(r.SourceURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(r.SourceURL) > 2000 {
			add("source_url", "error.invalid_text")
		}
	}
	if len(r.LegalSource) == 0 && r.SourceURL == "" {
		add("source_url", "fees.error.rule_source")
	}
	for i, c := range r.Checks {
		if !c.valid() {
			add("checks."+strconv.Itoa(i), "fees.error.rule_check")
		}
	}
	for _, o := range r.OverriddenBy {
		if !ruleIDPattern.MatchString(o) {
			add("overridden_by", "fees.error.rule_id")
			break
		}
	}
	if r.When != nil {
		for _, o := range r.When.Occupations {
			if !IsOccupation(o) {
				add("when", "error.unknown_code")
				break
			}
		}
	}
	return errs
}

func (c Check) valid() bool {
	for _, k := range c.Items {
		if !IsItemKind(k) {
			return false
		}
	}
	for _, p := range c.Payees {
		if !IsPayee(p) {
			return false
		}
	}
	if c.MinContractMonths < 0 || c.PerMonths < 0 || c.Months < 0 || c.Amount < 0 || c.MaxAmount < 0 {
		return false
	}
	switch c.Kind {
	case CheckZero, CheckInform:
		return true
	case CheckCap:
		if c.Basis != "" {
			return (c.Basis == BasisContractWage || c.Basis == BasisFirstMonthPay) && c.Months > 0 && c.Amount == 0 && len(c.AmountByProgram) == 0
		}
		if !IsCurrency(c.Currency) {
			return false
		}
		if len(c.AmountByProgram) > 0 {
			for p, a := range c.AmountByProgram {
				if !grievance.IsProgram(p) || !(a > 0) {
					return false
				}
			}
			return c.Amount == 0
		}
		return c.Amount > 0
	case CheckBenchmark:
		return IsCurrency(c.Currency) && c.Amount > 0
	}
	return false
}

// RuleSet is every version of every rule.
type RuleSet []Rule

// InForce returns, for each rule id, the version whose window contains
// date (the highest version when windows overlap), ordered by id.
func (rs RuleSet) InForce(date string) []Rule {
	best := map[string]Rule{}
	for _, r := range rs {
		if !r.Within(date) {
			continue
		}
		if cur, ok := best[r.ID]; !ok || r.Version > cur.Version {
			best[r.ID] = r
		}
	}
	out := make([]Rule, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Latest returns the highest version of each rule id, ordered by id.
func (rs RuleSet) Latest() []Rule {
	best := map[string]Rule{}
	for _, r := range rs {
		if cur, ok := best[r.ID]; !ok || r.Version > cur.Version {
			best[r.ID] = r
		}
	}
	out := make([]Rule, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Versions returns every version of id, oldest first.
func (rs RuleSet) Versions(id string) []Rule {
	var out []Rule
	for _, r := range rs {
		if r.ID == id {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// Supersede prepares next as the newest version of its rule, given the
// versions already stored: it numbers next, and returns the earlier
// versions whose window it closes (effective_to the day before next starts,
// superseded_by next's version). A first version needs no start date; a
// later one must say when it starts.
func Supersede(existing []Rule, next Rule) (Rule, []Rule, error) {
	maxV := 0
	for _, r := range existing {
		if r.ID == next.ID && r.Version > maxV {
			maxV = r.Version
		}
	}
	next.Version = maxV + 1
	next.SupersededBy = 0
	if maxV == 0 {
		return next, nil, nil
	}
	if next.EffectiveFrom == "" {
		return next, nil, apperr.Validation([]apperr.FieldError{{Field: "effective_from", Key: "fees.error.effective_from_required"}})
	}
	start, _ := time.Parse(time.DateOnly, next.EffectiveFrom)
	dayBefore := start.AddDate(0, 0, -1).Format(time.DateOnly)
	var closed []Rule
	for _, r := range existing {
		if r.ID != next.ID {
			continue
		}
		if r.EffectiveTo == "" || r.EffectiveTo >= next.EffectiveFrom {
			r.EffectiveTo = dayBefore
			r.SupersededBy = next.Version
			closed = append(closed, r)
		}
	}
	return next, closed, nil
}

// Severity of findings.
type Severity string

// Severities, from the most serious.
const (
	Violation Severity = "violation"
	Concern   Severity = "concern"
	Note      Severity = "note"
)

// Severities lists the severities, most serious first.
var Severities = []Severity{Violation, Concern, Note}

func (s Severity) rank() int {
	switch s {
	case Violation:
		return 0
	case Concern:
		return 1
	}
	return 2
}

// SeverityOf says how serious it is that a report breaks check c of rule
// r. Only a rule in force whose source we read well (high or medium
// confidence) gives a violation; international standards and rules of low
// confidence give a concern; unconfirmed, announced, superseded rules and
// checks that are not limits give a note.
func SeverityOf(r Rule, c Check) Severity {
	if c.Kind == CheckInform || c.Kind == CheckBenchmark || r.Confidence == ConfidenceUnconfirmed {
		return Note
	}
	switch r.Status {
	case StatusPolicyNotLaw, StatusUnknown:
		return Concern
	case StatusInForce:
		if r.Confidence == ConfidenceHigh || r.Confidence == ConfidenceMedium {
			return Violation
		}
		return Concern
	}
	return Note // superseded, draft_or_announced
}

// Matches reports whether the rule is about a report like rep: its origin,
// destination, programme and the rule's extra conditions.
func (r Rule) Matches(rep *Report) bool {
	if r.Origin != "*" && r.Origin != rep.OriginCountry {
		return false
	}
	dest := rep.Destination
	if dest == "" {
		dest = Destination
	}
	if !contains(r.Destinations, "*") && !contains(r.Destinations, dest) {
		return false
	}
	if !contains(r.Programs, "*") && !contains(r.Programs, rep.Program) {
		return false
	}
	if w := r.When; w != nil {
		if w.PublicProgramme && !rep.PublicProgramme {
			return false
		}
		if len(w.Occupations) > 0 && !contains(w.Occupations, rep.Occupation) {
			return false
		}
	}
	return true
}
