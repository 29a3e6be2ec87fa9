package web

import "net/http"

// routesRecruitment registers the recruitment pages and API.
func (s *Server) routesRecruitment(mux *http.ServeMux) {}
