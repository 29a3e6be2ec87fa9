package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"remedy/internal/demo"
	"remedy/internal/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := parseConfig("serve", args, stderr, getenv)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stdout, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if cfg.Demo {
		n, err := demo.Seed(ctx, demo.Deps{Intake: a.intake, Staff: a.staff})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if n > 0 {
			fmt.Fprintf(stdout, "Demo: added %d sample cases.\n", n)
			printDemoAccounts(stdout)
		}
	}
	srv, err := web.New(web.Config{
		Intake: a.intake, Staff: a.staff, DB: a.db, Keys: a.keys, Bundle: a.bundle, Logger: a.logger, TrustProxy: cfg.TrustProxy,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	engine := a.db.Engine()
	fmt.Fprintf(stdout, "Remedy is running (%s). Open http://%s/ in a browser. Stop with Ctrl+C.\n", engine, displayAddr(ln.Addr()))
	hs := &http.Server{}
	err = srv.Serve(ctx, hs, ln)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	a.logger.Info("stopped")
	return err
}

// displayAddr turns a listening address into one a browser can open.
func displayAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
