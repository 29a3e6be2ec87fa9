package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"remedy/internal/i18n"
	"remedy/internal/intake"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// app is the wired application: explicit dependencies, no globals.
type app struct {
	cfg    Config
	db     *store.DB
	keys   *vault.Keyring
	bundle *i18n.Bundle
	intake *intake.Service
	staff  *staff.Service
	logger *slog.Logger
}

// openApp opens and migrates the database, loads the master key (creating
// it on first run, with a warning to back it up) and wires the services.
// Notices (such as the new-key warning) go to notices: stdout for serve,
// stderr for commands whose stdout is read by scripts.
func openApp(ctx context.Context, cfg Config, notices, stderr io.Writer) (*app, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		logger.Info("migrations applied", "engine", db.Engine(), "versions", applied)
	}
	keys, created, err := vault.LoadOrCreateMasterKey(cfg.DataDir, cfg.MasterKey, rand.Reader)
	if err != nil {
		db.Close()
		return nil, err
	}
	if created {
		path, _ := filepath.Abs(filepath.Join(cfg.DataDir, "master.key"))
		fmt.Fprintf(notices, "\nWARNING: a new master key was created at %s\n"+
			"Back it up now, somewhere other than the database backups. Without it,\n"+
			"no narrative or contact in this database can ever be read again.\n\n", path)
	}
	bundle, err := i18n.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	svc := &intake.Service{DB: db, Keys: keys, Now: time.Now, Rand: rand.Reader, Deadlines: cfg.Ack}
	staffSvc := &staff.Service{DB: db, Keys: keys, Now: time.Now, Rand: rand.Reader}
	return &app{cfg: cfg, db: db, keys: keys, bundle: bundle, intake: svc, staff: staffSvc, logger: logger}, nil
}

func (a *app) Close() error { return a.db.Close() }
