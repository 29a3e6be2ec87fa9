package web

import (
	"net/http"

	"remedy/internal/staff"
)

// routesCasework: the caseworker's inbox, the case page, and the staff API
// for cases, referrals and remedies.
func (s *Server) routesCasework(mux *http.ServeMux) {
	mux.Handle("GET /staff", s.staffPage(s.inboxPage))
}

type inboxPage struct {
	Page
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.render(w, http.StatusOK, "inbox", inboxPage{Page: s.staffPageData(w, r, who)})
}
