package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"remedy/internal/grievance"
)

var errUsage = errors.New("usage")

// Config is everything a command needs, from flags and environment.
type Config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	MasterKey   string // base64; empty means the key file in DataDir
	Demo        bool
	TrustProxy  bool
	LogLevel    string
	// MinCell is k of small-cell suppression in public statistics.
	MinCell int
	Ack     grievance.AckPolicy
	// Limits are the time limits of every stage; Limits.Acknowledge is Ack.
	// The casework service takes them (casework.Service.Limits).
	Limits grievance.StageLimits
	// SMTP delivers email notifications; with no SMTPAddr they are only
	// logged (development). Username and password come from the
	// environment only, so they never show in a process list.
	SMTPAddr     string
	SMTPFrom     string
	SMTPUsername string
	SMTPPassword string
	// JobsInterval is how often the deadline and outbox workers poll.
	JobsInterval time.Duration
}

// parseConfig reads flags, with environment variables as defaults.
func parseConfig(name string, args []string, stderr io.Writer, getenv func(string) string) (Config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	cfg := Config{Ack: grievance.DefaultAckPolicy, Limits: grievance.DefaultStageLimits, JobsInterval: 5 * time.Second}
	fs := flag.NewFlagSet("remedy "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", env("REMEDY_ADDR", "127.0.0.1:8080"), "address to listen on (REMEDY_ADDR)")
	fs.StringVar(&cfg.DataDir, "data", env("REMEDY_DATA", "./remedy-data"), "data directory: SQLite database and master key (REMEDY_DATA)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", env("REMEDY_DATABASE_URL", ""), "postgres:// URL to use PostgreSQL instead of SQLite (REMEDY_DATABASE_URL)")
	fs.BoolVar(&cfg.Demo, "demo", env("REMEDY_DEMO", "") == "true", "fill an empty store with sample cases (REMEDY_DEMO=true)")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", env("REMEDY_TRUST_PROXY", "") == "true", "take client addresses from X-Forwarded-For (REMEDY_TRUST_PROXY=true)")
	fs.StringVar(&cfg.LogLevel, "log-level", env("REMEDY_LOG_LEVEL", "info"), "debug, info, warn or error (REMEDY_LOG_LEVEL)")
	minCell := 5
	if v := getenv("REMEDY_MIN_CELL"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 {
			return cfg, fmt.Errorf("REMEDY_MIN_CELL: %q is not a whole number of at least 2", v)
		}
		minCell = n
	}
	fs.IntVar(&cfg.MinCell, "min-cell", minCell, "publish no figure computed from fewer reports or cases than this (REMEDY_MIN_CELL)")
	fs.StringVar(&cfg.SMTPAddr, "smtp-addr", env("REMEDY_SMTP_ADDR", ""), "mail server host:port for email notifications; none: notifications are only logged (REMEDY_SMTP_ADDR)")
	fs.StringVar(&cfg.SMTPFrom, "smtp-from", env("REMEDY_SMTP_FROM", ""), "sender of email notifications, e.g. \"Remedy <no-reply@example.org>\" (REMEDY_SMTP_FROM)")
	cfg.SMTPUsername, cfg.SMTPPassword = getenv("REMEDY_SMTP_USERNAME"), getenv("REMEDY_SMTP_PASSWORD")
	durations := []struct {
		flag, env string
		dst       *time.Duration
		what      string
	}{
		{"ack-urgent", "REMEDY_ACK_URGENT", &cfg.Ack.Urgent, "time to acknowledge an urgent case"},
		{"ack-high", "REMEDY_ACK_HIGH", &cfg.Ack.High, "time to acknowledge a high-risk case"},
		{"ack-normal", "REMEDY_ACK_NORMAL", &cfg.Ack.Normal, "time to acknowledge a normal case"},
		{"limit-first-response", "REMEDY_LIMIT_FIRST_RESPONSE", &cfg.Limits.FirstResponse, "time from acknowledgement to a first substantive response"},
		{"limit-referral-ack", "REMEDY_LIMIT_REFERRAL_ACK", &cfg.Limits.ReferralAcknowledge, "time for a referred organisation to accept or decline"},
		{"limit-remedy-proposal", "REMEDY_LIMIT_REMEDY_PROPOSAL", &cfg.Limits.RemedyProposal, "time from referral or dialogue to a remedy proposal"},
		{"jobs-interval", "REMEDY_JOBS_INTERVAL", &cfg.JobsInterval, "how often the deadline and notification workers look for work"},
	}
	for _, d := range durations {
		def := *d.dst
		if v := getenv(d.env); v != "" {
			parsed, err := time.ParseDuration(v)
			if err != nil || parsed <= 0 {
				return cfg, fmt.Errorf("%s: %q is not a positive duration such as 72h", d.env, v)
			}
			def = parsed
		}
		fs.DurationVar(d.dst, d.flag, def, d.what+" ("+d.env+")")
	}
	cfg.MasterKey = getenv("REMEDY_MASTER_KEY")
	if err := fs.Parse(args); err != nil {
		return cfg, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "remedy %s: unexpected argument %q\n", name, fs.Arg(0))
		return cfg, errUsage
	}
	if cfg.MinCell < 2 {
		return cfg, fmt.Errorf("--min-cell must be at least 2")
	}
	for _, d := range durations {
		if *d.dst <= 0 {
			return cfg, fmt.Errorf("--%s must be positive", d.flag)
		}
	}
	cfg.Limits.Acknowledge = cfg.Ack
	if cfg.SMTPAddr != "" && cfg.SMTPFrom == "" {
		return cfg, errors.New("--smtp-addr needs --smtp-from (REMEDY_SMTP_FROM), the sender address")
	}
	return cfg, nil
}
