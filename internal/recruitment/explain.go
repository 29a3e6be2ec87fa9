package recruitment

import (
	"strings"

	"remedy/internal/i18n"
)

// SummaryKey is the message key of the plain-words summary of a bundled
// rule (version 1); versions added later carry their own summaries.
func SummaryKey(ruleID string) string { return "fees.rule." + ruleID }

// KindLabels returns the translated names of item kinds, joined.
func KindLabels(p *i18n.Printer, kinds []string) string {
	var out []string
	for _, k := range kinds {
		out = append(out, p.T("fees.kind."+k))
	}
	return strings.Join(out, ", ")
}

// RuleSummary returns the plain-words summary of a rule in p's language,
// as the catalog has it for the bundled version, else fallback. Use
// VersionSummary for what one version says.
func RuleSummary(p *i18n.Printer, ruleID, fallback string) string {
	if k := SummaryKey(ruleID); p.Has(k) {
		return p.T(k)
	}
	return fallback
}

// VersionSummary returns a rule version's plain-words summary in p's
// language: the version's own translation, else the catalog's for a
// bundled version (version 1), else the version's English summary. A later
// version never borrows the catalog text of version 1, which may say
// something else.
func VersionSummary(p *i18n.Printer, ruleID string, version int, english string, translations map[string]string) string {
	if t := translations[p.Lang]; t != "" {
		return t
	}
	if k := SummaryKey(ruleID); version <= 1 && p.Has(k) {
		return p.T(k)
	}
	return english
}

// Explain says in plain words, in p's language, what a finding means: what
// the rule says, what the worker paid against it, and how serious it is.
func Explain(p *i18n.Printer, f Finding) string {
	kinds := KindLabels(p, f.ItemKinds)
	var facts string
	switch f.CheckKind {
	case CheckZero:
		facts = p.T("fees.explain.zero", FormatJPY(f.PaidJPY), kinds)
	case CheckCap:
		facts = p.T("fees.explain.cap", FormatJPY(f.PaidJPY), kinds, FormatJPY(f.CapJPY), FormatJPY(f.OverByJPY))
	case CheckBenchmark:
		facts = p.T("fees.explain.benchmark", FormatJPY(f.PaidJPY), FormatJPY(f.CapJPY), FormatJPY(f.OverByJPY))
	default:
		facts = p.T("fees.explain.inform", kinds, FormatJPY(f.PaidJPY))
	}
	return VersionSummary(p, f.RuleID, f.RuleVersion, f.Summary, f.Summaries) + " " + facts + " " + p.T("fees.severity."+string(f.Severity)+".means")
}
