// Package web serves the worker pages, the JSON API and the health probes.
// Handlers decode input, call the intake service, and render; they return
// errors that one function turns into a translated page or JSON.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/intake"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// MaxBody is the largest request body accepted, without attachments.
const MaxBody = 64 << 10

// Config wires a Server.
type Config struct {
	Intake *intake.Service
	Staff  *staff.Service
	DB     *store.DB
	Keys   *vault.Keyring
	Bundle *i18n.Bundle
	Logger *slog.Logger
	Now    func() time.Time
	// TrustProxy takes the client address from X-Forwarded-For (set it only
	// behind a proxy that overwrites that header). The address is used for
	// rate limits only, as a MAC, and is never logged.
	TrustProxy bool
	// MinCell is the smallest number of reports or cases a published figure
	// may rest on (k of small-cell suppression); 0 means the default, 5.
	MinCell int
	// Limits are the stage time limits of case handling (zero: defaults).
	Limits grievance.StageLimits
	// ReceiptTries and ReceiptWindow bound failed receipt tries per client.
	ReceiptTries  int
	ReceiptWindow time.Duration
}

// Server is the HTTP side of Remedy.
type Server struct {
	cfg     Config
	pages   map[string]*template.Template
	limiter *failureLimiter
	// signinLimiter bounds failed staff sign-ins per client and per address.
	signinLimiter *failureLimiter
	cssHash       string
	openapi       []byte
}

// New parses the templates and builds a Server.
func New(cfg Config) (*Server, error) {
	if cfg.ReceiptTries == 0 {
		cfg.ReceiptTries = 10
	}
	if cfg.ReceiptWindow == 0 {
		cfg.ReceiptWindow = 10 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	doc, err := openAPIDocument()
	if err != nil {
		return nil, err
	}
	return &Server{
		cfg:           cfg,
		pages:         pages,
		limiter:       newFailureLimiter(cfg.ReceiptTries, cfg.ReceiptWindow),
		signinLimiter: newFailureLimiter(10, 15*time.Minute),
		cssHash:       staticHash("app.css"),
		openapi:       doc,
	}, nil
}

// Handler returns the routed handler with its middleware.
func (s *Server) Handler() http.Handler {
	return s.middleware(s.routes())
}

// Serve serves on ln until ctx ends, then shuts down gracefully: it stops
// accepting, lets requests in flight finish, and returns.
func (s *Server) Serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	srv.Handler = s.Handler()
	srv.ReadHeaderTimeout = 10 * time.Second
	srv.ReadTimeout = 60 * time.Second
	srv.WriteTimeout = 60 * time.Second
	srv.IdleTimeout = 120 * time.Second
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
