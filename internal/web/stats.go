package web

import "net/http"

// routesStats registers the stats pages and API.
func (s *Server) routesStats(mux *http.ServeMux) {}
