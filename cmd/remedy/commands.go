package main

import (
	"context"
	"fmt"
	"io"

	"remedy/internal/audit"
	"remedy/internal/demo"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := parseConfig("migrate", args, stderr, getenv)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stdout, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "Database (%s) is up to date.\n", a.db.Engine())
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := parseConfig("demo", args, stderr, getenv)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stdout, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := demo.Seed(ctx, demo.Deps{Intake: a.intake, Staff: a.staff})
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(stdout, "The store already has cases; the demo adds nothing.")
		return nil
	}
	fmt.Fprintf(stdout, "Demo: added %d sample cases.\n", n)
	printDemoAccounts(stdout)
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := parseConfig("audit verify", args, stderr, getenv)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stdout, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	v := audit.NewVerifier()
	if err := a.db.EachAuditEntry(ctx, v.Add); err != nil {
		return fmt.Errorf("audit trail BROKEN: %w", err)
	}
	seq, head, err := a.db.AuditHead(ctx)
	if err != nil {
		return err
	}
	if seq != v.Count() || (seq > 0 && string(head) != string(v.Head())) {
		return fmt.Errorf("audit trail BROKEN: the chain ends at entry %d but its head records entry %d", v.Count(), seq)
	}
	fmt.Fprintf(stdout, "Audit trail intact: %d entries.\n", v.Count())
	return nil
}
