package web

import "net/http"

// routesWorkplan registers the workplan pages and API.
func (s *Server) routesWorkplan(mux *http.ServeMux) {}
