package web

import "net/http"

// routes lists every route in one place. Worker pages need no account; the
// case pages need a worker session opened with a receipt.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := s.handle

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /static/", s.static())

	mux.Handle("GET /{$}", h(s.intakeForm))
	mux.Handle("POST /grievances", h(s.intakeSubmit))
	mux.Handle("GET /grievances", http.RedirectHandler("/", http.StatusSeeOther))
	mux.Handle("GET /follow", h(s.followForm))
	mux.Handle("POST /follow", h(s.followOpen))
	mux.Handle("GET /case", h(s.casePage))
	mux.Handle("POST /case/messages", h(s.caseMessage))
	mux.Handle("POST /case/passphrase", h(s.casePassphrase))
	mux.Handle("POST /case/close", h(s.caseClose))

	mux.Handle("GET /staff/signin", h(s.signinForm))
	mux.Handle("POST /staff/signin", h(s.signinSubmit))
	mux.Handle("POST /staff/signout", h(s.signout))
	s.routesAdmin(mux)
	s.routesCasework(mux)
	s.routesStats(mux)
	s.routesRecruitment(mux)
	s.routesWorkplan(mux)

	mux.HandleFunc("GET /api/openapi.json", s.openAPI)
	mux.Handle("POST /api/v1/session", s.api(s.apiSession))
	mux.Handle("GET /api/v1/taxonomy", s.api(s.apiTaxonomy))
	mux.Handle("POST /api/v1/grievances", s.api(s.apiCreateGrievance))
	mux.Handle("GET /api/v1/grievances/self", s.api(s.apiSelf))
	mux.Handle("POST /api/v1/grievances/self/messages", s.api(s.apiSelfMessage))

	mux.Handle("/api/", s.api(s.notFound))
	mux.Handle("/", h(s.notFound))
	return mux
}
