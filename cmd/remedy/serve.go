package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"remedy/internal/demo"
	"remedy/internal/jobs"
	"remedy/internal/notify"
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
		n, accounts, err := demo.Seed(ctx, demo.Deps{Intake: a.intake, Staff: a.staff})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if n > 0 {
			fmt.Fprintf(stdout, "Demo: added %d sample cases.\n", n)
			printDemoAccounts(stdout, accounts)
		}
	}
	srv, err := web.New(web.Config{
		Intake: a.intake, Staff: a.staff, DB: a.db, Keys: a.keys, Bundle: a.bundle, Logger: a.logger, TrustProxy: cfg.TrustProxy,
		Limits: cfg.Limits, MinCell: cfg.MinCell,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	stopWorkers, err := startWorkers(ctx, a, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	engine := a.db.Engine()
	fmt.Fprintf(stdout, "Remedy is running (%s). Open http://%s/ in a browser. Stop with Ctrl+C.\n", engine, displayAddr(ln.Addr()))
	hs := &http.Server{}
	// Serve returns once HTTP has stopped (requests in flight finished);
	// only then do the workers stop, each finishing the job or message in
	// hand, so nothing a last request caused is left half done.
	err = srv.Serve(ctx, hs, ln)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	stopWorkers()
	a.logger.Info("stopped")
	return err
}

// startWorkers starts the deadline and outbox workers and returns the
// function that stops them and waits for them.
func startWorkers(ctx context.Context, a *app, cfg Config) (stop func(), err error) {
	senders := map[string]notify.Sender{}
	if cfg.SMTPAddr != "" {
		smtp, err := notify.NewSMTP(notify.SMTPConfig{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom,
			Username: cfg.SMTPUsername, Password: cfg.SMTPPassword})
		if err != nil {
			return nil, err
		}
		senders[notify.ChannelEmail] = smtp
		a.logger.Info("email notifications through SMTP")
	} else {
		senders[notify.ChannelEmail] = notify.LogOnly{Logger: a.logger}
		a.logger.Warn("no --smtp-addr: email notifications are only logged, not sent")
	}
	deadlines := &jobs.Deadlines{DB: a.db, Keys: a.keys, Now: time.Now, Rand: rand.Reader, Logger: a.logger, Interval: cfg.JobsInterval}
	outbox := &jobs.Outbox{DB: a.db, Keys: a.keys, Bundle: a.bundle, Senders: senders, Now: time.Now, Logger: a.logger, Interval: cfg.JobsInterval}
	// The workers' context is not the signal's: they stop when told, after HTTP.
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { deadlines.Run(wctx) })
	wg.Go(func() { outbox.Run(wctx) })
	a.logger.Info("workers started", "interval", cfg.JobsInterval)
	return func() {
		cancel()
		wg.Wait()
		a.logger.Info("workers stopped")
	}, nil
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
