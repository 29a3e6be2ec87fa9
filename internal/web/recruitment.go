package web

import "net/http"

// routesRecruitment registers the fee-report pages and API (fees.go), the
// fee-rule administration, and the public recruitment pages of the agency
// registry and corridor statistics (routesRecruitmentPublic, corridor.go).
func (s *Server) routesRecruitment(mux *http.ServeMux) {
	h := s.handle
	mux.Handle("GET /fees", h(s.feesForm))
	mux.Handle("POST /fees", h(s.feesSubmit))
	mux.Handle("POST /fees/grievance", h(s.feesGrievance))
	mux.Handle("GET /fees/open", h(s.feesOpenForm))
	mux.Handle("POST /fees/open", h(s.feesOpen))

	mux.Handle("GET /staff/fees/rules", s.staffPage(s.feeRulesPage))
	mux.Handle("POST /staff/fees/rules", s.staffPage(s.feeRulesAdd))
	mux.Handle("POST /staff/fees/rates", s.staffPage(s.feeRatesImport))
	mux.Handle("GET /staff/fees/import", s.staffPage(s.feeSurveyPage))
	mux.Handle("POST /staff/fees/import", s.staffPage(s.feeSurveyImport))

	mux.Handle("POST /api/v1/fee-reports", s.api(s.apiFeeReportCreate))
	mux.Handle("POST /api/v1/fee-reports/check", s.api(s.apiFeeReportCheck))
	mux.Handle("POST /api/v1/fee-reports/grievance", s.api(s.apiFeeReportGrievance))
	mux.Handle("GET /api/v1/fee-rules", s.api(s.apiFeeRules))
	mux.Handle("POST /api/v1/fee-rules", s.staffAPI(s.apiFeeRulesAdd))

	s.routesRecruitmentPublic(mux)
}
