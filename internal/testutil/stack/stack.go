// Package stack builds the whole application for tests: a real database
// (SQLite in a temporary directory, or a fresh PostgreSQL schema), a real
// master key, the intake service and the HTTP server on a loopback port.
package stack

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/intake"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/testutil/fakes"
	"remedy/internal/testutil/pgtest"
	"remedy/internal/vault"
	"remedy/internal/web"
)

// Clock is the settable clock the stack runs on.
type Clock = fakes.Clock

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return fakes.NewClock(t) }

// Stack is a running application.
type Stack struct {
	DB      *store.DB
	Keys    *vault.Keyring
	Bundle  *i18n.Bundle
	Intake  *intake.Service
	Staff   *staff.Service
	Server  *web.Server
	HTTP    *httptest.Server
	URL     string
	Clock   *Clock
	DataDir string
	logs    *fakes.Buffer
}

// Logs returns everything the server logged so far.
func (s *Stack) Logs() string { return s.logs.String() }

// Engines lists the engines a store test runs on.
var Engines = []string{store.SQLite, store.Postgres}

// OpenDB opens and migrates a fresh database of engine for t. PostgreSQL
// tests skip (or fail in CI) as pgtest decides.
func OpenDB(t testing.TB, engine string) (*store.DB, string) {
	t.Helper()
	dir := t.TempDir()
	opts := store.Options{DataDir: dir}
	if engine == store.Postgres {
		opts.URL = pgtest.DSN(t)
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return db, dir
}

// New starts the application on engine, with the clock at a fixed time.
func New(t testing.TB, engine string) *Stack {
	t.Helper()
	db, dir := OpenDB(t, engine)
	keys, _, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clock := NewClock(time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	svc := &intake.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy}
	staffSvc := &staff.Service{DB: db, Keys: keys, Now: clock.Now, Rand: rand.Reader}
	logs := &fakes.Buffer{}
	srv, err := web.New(web.Config{
		Intake: svc, Staff: staffSvc, DB: db, Keys: keys, Bundle: bundle, Now: clock.Now,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &Stack{DB: db, Keys: keys, Bundle: bundle, Intake: svc, Staff: staffSvc, Server: srv, HTTP: hs, URL: hs.URL,
		Clock: clock, DataDir: dir, logs: logs}
}
