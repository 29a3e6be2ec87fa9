package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

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
	n, accounts, err := demo.Seed(ctx, demo.Deps{Intake: a.intake, Staff: a.staff})
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(stdout, "The store already has cases; the demo adds nothing.")
		return nil
	}
	fmt.Fprintf(stdout, "Demo: added %d sample cases.\n", n)
	printDemoAccounts(stdout, accounts)
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	// --anchor SEQ:HASH checks that entry SEQ still has the hash printed by
	// an earlier run and kept outside the database, so that rewriting the
	// whole chain (which the chain alone cannot show) is caught too.
	var anchors []string
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--anchor" && i+1 < len(args) {
			anchors = append(anchors, args[i+1])
			i++
			continue
		}
		if v, ok := strings.CutPrefix(args[i], "--anchor="); ok {
			anchors = append(anchors, v)
			continue
		}
		rest = append(rest, args[i])
	}
	want := map[int64]string{}
	for _, a := range anchors {
		seqText, hash, ok := strings.Cut(a, ":")
		seq, err := strconv.ParseInt(seqText, 10, 64)
		if !ok || err != nil || seq < 1 {
			return fmt.Errorf("--anchor %q: want SEQ:HASH as printed by remedy audit verify", a)
		}
		want[seq] = strings.ToLower(hash)
	}
	cfg, err := parseConfig("audit verify", rest, stderr, getenv)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	v := audit.NewVerifier()
	err = a.db.EachAuditEntry(ctx, func(e audit.Entry) error {
		if err := v.Add(e); err != nil {
			return err
		}
		if h, ok := want[e.Seq]; ok {
			if hex.EncodeToString(e.Hash) != h {
				return fmt.Errorf("entry %d no longer has the anchored hash", e.Seq)
			}
			delete(want, e.Seq)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("audit trail BROKEN: %w", err)
	}
	for seq := range want {
		return fmt.Errorf("audit trail BROKEN: anchored entry %d is missing", seq)
	}
	seq, head, err := a.db.AuditHead(ctx)
	if err != nil {
		return err
	}
	if seq != v.Count() || (seq > 0 && string(head) != string(v.Head())) {
		return fmt.Errorf("audit trail BROKEN: the chain ends at entry %d but its head records entry %d", v.Count(), seq)
	}
	fmt.Fprintf(stdout, "Audit trail intact: %d entries.\n", v.Count())
	if v.Count() > 0 {
		fmt.Fprintf(stdout, "Head: %d:%s (keep this outside the database; check it later with --anchor)\n", v.Count(), hex.EncodeToString(v.Head()))
	}
	return nil
}
