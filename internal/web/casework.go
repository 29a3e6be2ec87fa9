package web

import (
	"net/http"
	"time"

	"remedy/internal/casework"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
)

// routesCasework: the caseworker's inbox, the case page, and the staff API
// for cases, referrals and remedies; the worker's decisions on /case and
// through the API.
func (s *Server) routesCasework(mux *http.ServeMux) {
	mux.Handle("GET /staff", s.staffPage(s.inboxPage))
	mux.Handle("GET /staff/cases/{reference}", s.staffPage(s.staffCasePage))
	mux.Handle("POST /staff/cases/{reference}/transitions", s.staffPage(s.staffCaseTransition))
	mux.Handle("POST /staff/cases/{reference}/messages", s.staffPage(s.staffCaseMessage))
	mux.Handle("POST /staff/cases/{reference}/referrals", s.staffPage(s.staffCaseRefer))
	mux.Handle("POST /staff/cases/{reference}/remedies", s.staffPage(s.staffCaseRemedy))
	mux.Handle("POST /staff/cases/{reference}/remedies/{id}/implemented", s.staffPage(s.staffCaseImplemented))
	mux.Handle("POST /staff/referrals/{id}/acknowledge", s.staffPage(s.staffReferralAck))

	mux.Handle("POST /case/consent", s.handle(s.caseConsent))
	mux.Handle("POST /case/remedies/{id}/decision", s.handle(s.caseRemedyDecision))
	mux.Handle("POST /case/feedback", s.handle(s.caseFeedback))
	mux.Handle("POST /case/withdraw", s.handle(s.caseWithdraw))

	mux.Handle("GET /api/v1/cases/{reference}", s.staffAPI(s.apiCase))
	mux.Handle("POST /api/v1/cases/{reference}/transitions", s.staffAPI(s.apiCaseTransition))
	mux.Handle("POST /api/v1/cases/{reference}/messages", s.staffAPI(s.apiCaseMessage))
	mux.Handle("POST /api/v1/cases/{reference}/referrals", s.staffAPI(s.apiCaseReferral))
	mux.Handle("POST /api/v1/cases/{reference}/remedies", s.staffAPI(s.apiCaseRemedy))
	mux.Handle("POST /api/v1/cases/{reference}/remedies/{id}/implemented", s.staffAPI(s.apiCaseImplemented))
	mux.Handle("POST /api/v1/referrals/{id}/acknowledge", s.staffAPI(s.apiReferralAck))
	mux.Handle("POST /api/v1/grievances/self/consent", s.api(s.apiSelfConsent))
	mux.Handle("POST /api/v1/grievances/self/remedies/{id}/decision", s.api(s.apiSelfRemedyDecision))
	mux.Handle("POST /api/v1/grievances/self/feedback", s.api(s.apiSelfFeedback))
	mux.Handle("POST /api/v1/grievances/self/withdraw", s.api(s.apiSelfWithdraw))
}

// casework is the case-handling service, on the same database, keys and
// clock as intake, with intake's acknowledgement limits and the default
// limits of the later stages.
func (s *Server) casework() *casework.Service {
	limits := s.cfg.Limits
	if limits == (grievance.StageLimits{}) {
		limits = grievance.DefaultStageLimits
	}
	if s.cfg.Intake != nil {
		limits.Acknowledge = s.cfg.Intake.Deadlines
	}
	svc := &casework.Service{DB: s.cfg.DB, Keys: s.cfg.Keys, Now: s.cfg.Now, Limits: limits}
	if s.cfg.Intake != nil {
		svc.Rand = s.cfg.Intake.Rand
	}
	return svc
}

// due says how far a deadline is, as staff read it at a glance: "in 5 h",
// "overdue 2 d", with a class that colours it (and words, never colour
// alone).
type due struct {
	Words string
	Class string // "overdue", "soon" or ""
}

func dueWords(p *i18n.Printer, at, now time.Time) due {
	d := at.Sub(now)
	switch {
	case d < 0:
		d = -d
		if d < 48*time.Hour {
			return due{p.T("casework.due.overdue_h", max(1, int(d.Hours()))), "overdue"}
		}
		return due{p.T("casework.due.overdue_d", int(d.Hours()/24)), "overdue"}
	case d < time.Hour:
		return due{p.T("casework.due.in_min", max(1, int(d.Minutes()))), "overdue"}
	case d < 48*time.Hour:
		class := ""
		if d < 24*time.Hour {
			class = "risk-high"
		}
		return due{p.T("casework.due.in_h", int(d.Hours())), class}
	}
	return due{p.T("casework.due.in_d", int(d.Hours()/24)), ""}
}
