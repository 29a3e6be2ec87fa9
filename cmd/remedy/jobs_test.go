package main

import (
	"bytes"
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"remedy/internal/notify/notifytest"
)

// adminAdd runs `remedy admin … add` with stdin and returns the last line
// it printed on standard output.
func adminAdd(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"admin"}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("remedy admin %v: %v\n%s%s", args, err, stdout.String(), stderr.String())
	}
	lines := strings.Fields(stdout.String())
	if len(lines) == 0 {
		t.Fatalf("remedy admin %v printed nothing", args)
	}
	return lines[len(lines)-1]
}

var dsnArg = regexp.MustCompile(`^postgres(ql)?://`)

// TestServeRunsWorkers: `remedy serve` starts the deadline and outbox
// workers — a case nobody acknowledges in time is escalated to the
// mechanism's admin by email through the configured SMTP server — and
// still stops cleanly on SIGTERM.
func TestServeRunsWorkers(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			storage := engineArgs(t, engine, dir)
			orgID := adminAdd(t, "", append([]string{"org", "add", "--name", "Mechanism", "--type", "mechanism", "--country", "JP", "--languages", "en"}, storage...)...)
			adminAdd(t, "correct horse battery staple\n", append([]string{"user", "add", "--org", orgID, "--role", "admin", "--email", "admin@mechanism.example"}, storage...)...)

			mail := notifytest.Start(t, notifytest.Options{})
			args := append(append([]string(nil), storage...),
				"--ack-urgent", "1s", "--ack-high", "1s", "--ack-normal", "1s", "--jobs-interval", "100ms",
				"--smtp-addr", mail.Addr, "--smtp-from", "Remedy <no-reply@remedy.example>")
			s := startServer(t, nil, args...)
			status, created := postJSON(t, s.url+"api/v1/grievances", sample, nil)
			if status != http.StatusCreated {
				t.Fatalf("create: %d %v", status, created)
			}
			ref := created["reference"].(string)

			got := mail.WaitMails(t, 1, 30*time.Second)[0]
			d, err := got.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if len(got.To) != 1 || got.To[0] != "admin@mechanism.example" || !strings.Contains(d.Subject, ref) || !strings.Contains(d.Body, ref) {
				t.Errorf("escalation mail to %v: %q\n%s", got.To, d.Subject, d.Body)
			}
			if strings.Contains(d.Body, sample["narrative"].(string)) {
				t.Error("the escalation mail carries the narrative")
			}

			if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-s.done:
				if err != nil {
					t.Fatalf("exit after SIGTERM: %v\n%s", err, s.out)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("server with running workers did not stop within 15 s of SIGTERM")
			}

			// The escalation is durable, recorded once, and the mail is
			// marked sent.
			var db *sql.DB
			if engine == "postgres" {
				for _, a := range storage {
					if dsnArg.MatchString(a) {
						db, err = sql.Open("pgx", a)
					}
				}
			} else {
				db, err = sql.Open("sqlite", filepath.Join(dir, "remedy.db"))
			}
			if err != nil || db == nil {
				t.Fatalf("open the database: %v", err)
			}
			defer db.Close()
			var overdue bool
			var events, sent int
			if err := db.QueryRow("SELECT overdue FROM cases WHERE reference = $1", ref).Scan(&overdue); err != nil || !overdue {
				t.Errorf("case overdue = %v (%v)", overdue, err)
			}
			if err := db.QueryRow("SELECT COUNT(*) FROM case_events WHERE kind = 'deadline_missed'").Scan(&events); err != nil || events != 1 {
				t.Errorf("%d escalation events (%v), want 1", events, err)
			}
			if err := db.QueryRow("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").Scan(&sent); err != nil || sent != 1 {
				t.Errorf("%d notifications sent (%v), want 1", sent, err)
			}
		})
	}
}

// TestServeRefusesHalfAnSMTPConfiguration: a mail server without a sender
// address is a configuration error, not a silent log-only mode.
func TestServeRefusesHalfAnSMTPConfiguration(t *testing.T) {
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--smtp-addr", "127.0.0.1:25")
	cmd.Env = append(os.Environ(), "REMEDY_SMTP_FROM=")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "--smtp-from") {
		t.Errorf("serve --smtp-addr without --smtp-from: %v\n%s", err, out)
	}
	code, out2 := runCmd(t, nil, "serve", "--data", t.TempDir(), "--limit-referral-ack", "0s")
	if code != 1 || !strings.Contains(out2, "positive") {
		t.Errorf("--limit-referral-ack 0s: exit %d\n%s", code, out2)
	}
}
