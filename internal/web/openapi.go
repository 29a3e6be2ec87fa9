package web

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var openAPIJSON []byte

func openAPIDocument() []byte { return openAPIJSON }

// openAPI serves the API's OpenAPI 3.1 document.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(s.openapi)
}
