package notify

import (
	"fmt"
	"strings"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/i18n"
)

// Render builds the message a template says for p, in p.Language (English
// when that language is not supported). now measures how late a missed
// deadline is at the time of sending.
//
// The texts come from the catalogs under "notify.". A status_changed
// message says only that there is news and how to read it; it takes
// nothing from the case, so it cannot leak anything about it.
func Render(b *i18n.Bundle, template string, p Payload, now time.Time) (Message, error) {
	pr := b.Printer(p.Language)
	m := Message{To: p.To, Language: pr.Lang}
	switch template {
	case TemplateStatusChanged:
		m.Subject = pr.T("notify.status_changed.subject")
		m.Body = paragraphs(
			pr.T("notify.status_changed.body"),
			pr.T("notify.footer"),
		)
	case TemplateDeadlineMissed:
		if p.Reference == "" || p.DeadlineAt.IsZero() {
			return Message{}, fmt.Errorf("notify: deadline_missed needs a reference and a deadline")
		}
		stage := p.Stage
		if key := "notify.stage." + p.Stage; pr.Has(key) {
			stage = pr.T(key)
		}
		m.Subject = pr.T("notify.deadline_missed.subject", p.Reference)
		m.Body = paragraphs(
			pr.T("notify.deadline_missed.intro"),
			strings.Join([]string{
				pr.T("notify.deadline_missed.case", p.Reference),
				pr.T("notify.deadline_missed.stage", stage),
				pr.T("notify.deadline_missed.deadline", formatDeadline(p.DeadlineAt)),
				pr.T("notify.deadline_missed.late", lateness(pr, now.Sub(p.DeadlineAt))),
			}, "\n"),
			pr.T("notify.deadline_missed.action"),
			pr.T("notify.footer"),
		)
	default:
		return Message{}, fmt.Errorf("notify: unknown template %q", template)
	}
	return m, nil
}

func paragraphs(ps ...string) string { return strings.Join(ps, "\n\n") + "\n" }

// formatDeadline shows a deadline in Japan time, where the mechanism
// works, with UTC beside it for the other side of a referral.
func formatDeadline(t time.Time) string {
	return t.In(grievance.Japan).Format("2006-01-02 15:04 MST") + " (" + t.UTC().Format("2006-01-02 15:04 MST") + ")"
}

// lateness says how late, to the minute, in the reader's language.
func lateness(pr *i18n.Printer, d time.Duration) string {
	if d < 0 {
		d = 0
	}
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return pr.T("notify.duration.days", days, hours)
	case hours > 0:
		return pr.T("notify.duration.hours", hours, minutes)
	}
	return pr.T("notify.duration.minutes", minutes)
}
