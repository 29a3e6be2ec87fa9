package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"remedy/internal/audit"

	"remedy/internal/testutil/pgtest"
)

// binary is the remedy command built once for these tests, so that they
// exercise the real process: flags, signals, kill -9.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "remedy-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "remedy")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build remedy: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running remedy process.
type server struct {
	cmd  *exec.Cmd
	url  string
	out  *bytes.Buffer
	done chan error
}

var openLine = regexp.MustCompile(`Open (http://[^ ]+/) in a browser`)

// startServer runs `remedy serve` with args and waits until it says where
// to open it.
func startServer(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, out: &bytes.Buffer{}, done: make(chan error, 1)}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.out.WriteString(sc.Text() + "\n")
			if m := openLine.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case s.url = <-urlc:
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start; stderr:\n%s", stderr.String())
	}
	return s
}

func postJSON(t *testing.T, url string, body any, header map[string]string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func getSelf(t *testing.T, base, receipt string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"api/v1/grievances/self", nil)
	req.Header.Set("Authorization", "Receipt "+receipt)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func runCmd(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

var sample = map[string]any{
	"language": "vi", "origin_country": "VN", "program": "technical_intern",
	"categories": []string{"wages.unpaid"}, "narrative": "Công ty không trả lương tháng 10.",
}

func engineArgs(t *testing.T, engine string, dataDir string) []string {
	args := []string{"--data", dataDir}
	if engine == "postgres" {
		args = append(args, "--database-url", pgtest.DSN(t))
	}
	return args
}

// TestKill9KeepsAcknowledgedCase: once the receipt is returned, the case is
// durable; killing the process at once with SIGKILL loses nothing.
func TestKill9KeepsAcknowledgedCase(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			args := engineArgs(t, engine, t.TempDir())
			s := startServer(t, nil, args...)
			status, created := postJSON(t, s.url+"api/v1/grievances", sample, nil)
			if status != http.StatusCreated {
				t.Fatalf("create: %d %v", status, created)
			}
			if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-s.done

			s2 := startServer(t, nil, args...)
			status, self := getSelf(t, s2.url, created["receipt"].(string))
			if status != http.StatusOK || self["reference"] != created["reference"] {
				t.Fatalf("after kill -9: %d %v, want the case %v", status, self, created["reference"])
			}
			if code, out := runCmd(t, nil, append([]string{"audit", "verify"}, args...)...); code != 0 {
				t.Fatalf("audit verify after kill -9: exit %d\n%s", code, out)
			}
		})
	}
}

// TestGracefulShutdown: SIGTERM stops the server cleanly with exit 0.
func TestGracefulShutdown(t *testing.T) {
	s := startServer(t, nil, "--data", t.TempDir())
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, s.out)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop within 15 s of SIGTERM")
	}
}

// TestFirstRunPrintsAddressAndKeyWarning: a new data directory gets a
// master key, a warning to back it up, and the address to open.
func TestFirstRunPrintsAddressAndKeyWarning(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, nil, "--data", dir)
	if !strings.Contains(s.out.String(), "master key") {
		t.Errorf("no backup warning on first run:\n%s", s.out)
	}
	info, err := os.Stat(filepath.Join(dir, "master.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("master key file: %v %v", info, err)
	}
	for _, path := range []string{"healthz", "readyz"} {
		resp, err := http.Get(s.url + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
}

// TestAuditVerifyDetectsTampering: editing or deleting an audit row makes
// `remedy audit verify` exit non-zero and name the entry.
func TestAuditVerifyDetectsTampering(t *testing.T) {
	cases := map[string]string{
		"edit":           "UPDATE audit_log SET detail = 'risk=normal' WHERE seq = 2",
		"delete middle":  "DELETE FROM audit_log WHERE seq = 2",
		"delete last":    "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
		"reorder actors": "UPDATE audit_log SET actor = 'system' WHERE seq = 1",
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if code, out := runCmd(t, nil, "demo", "--data", dir); code != 0 {
				t.Fatalf("demo: %d %s", code, out)
			}
			code, out := runCmd(t, nil, "audit", "verify", "--data", dir)
			if code != 0 || !strings.Contains(out, "intact") {
				t.Fatalf("verify before tampering: %d %s", code, out)
			}
			db, err := sql.Open("sqlite", filepath.Join(dir, "remedy.db"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(tamper); err != nil {
				t.Fatal(err)
			}
			db.Close()
			code, out = runCmd(t, nil, "audit", "verify", "--data", dir)
			if code == 0 || !strings.Contains(out, "BROKEN") {
				t.Fatalf("verify after %s: exit %d\n%s", name, code, out)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"version"}, 0, "remedy "},
		{nil, 2, "usage"},
		{[]string{"nonsense"}, 2, "unknown command"},
		{[]string{"migrate", "--data", dir}, 0, "up to date"},
		{[]string{"migrate", "--data", dir}, 0, "up to date"},
		{[]string{"demo", "--data", dir}, 0, "added 9 sample cases"},
		{[]string{"demo", "--data", t.TempDir()}, 0, "caseworker@demo.remedy"},
		{[]string{"demo", "--data", dir}, 0, "adds nothing"},
		{[]string{"audit", "verify", "--data", dir}, 0, "intact"},
		{[]string{"audit"}, 2, "usage"},
		{[]string{"serve", "--database-url", "mysql://x"}, 1, "unsupported database URL"},
		{[]string{"serve", "--data", dir, "--ack-urgent", "-1h"}, 1, "positive"},
	}
	for _, tt := range tests {
		code, out := runCmd(t, nil, tt.args...)
		if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
			t.Errorf("remedy %v: exit %d, output:\n%s\nwant exit %d and %q", tt.args, code, out, tt.wantCode, tt.wantOut)
		}
	}
	code, out := runCmd(t, []string{"REMEDY_MASTER_KEY=not-base64"}, "migrate", "--data", t.TempDir())
	if code == 0 || strings.Contains(out, "not-base64") {
		t.Errorf("bad REMEDY_MASTER_KEY: exit %d, output must not echo the key:\n%s", code, out)
	}
}

// TestConfiguredDeadlines: --ack-normal changes the acknowledgement deadline.
func TestConfiguredDeadlines(t *testing.T) {
	s := startServer(t, []string{"REMEDY_ACK_HIGH=10h"}, "--data", t.TempDir())
	_, created := postJSON(t, s.url+"api/v1/grievances", sample, nil)
	status, self := getSelf(t, s.url, created["receipt"].(string))
	if status != 200 {
		t.Fatal(status)
	}
	c, _ := time.Parse(time.RFC3339, self["created_at"].(string))
	a, _ := time.Parse(time.RFC3339, self["acknowledge_by"].(string))
	if got := a.Sub(c); got < 10*time.Hour-time.Second || got > 10*time.Hour+time.Second {
		t.Errorf("high-risk deadline %v after creation, want 10h (REMEDY_ACK_HIGH)", got)
	}
}

// TestAuditAnchorCatchesRewrittenChain: a chain rewritten whole (every hash
// recomputed) still verifies on its own, but not against an anchor kept
// from an earlier run.
func TestAuditAnchorCatchesRewrittenChain(t *testing.T) {
	dir := t.TempDir()
	if code, out := runCmd(t, nil, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	code, out := runCmd(t, nil, "audit", "verify", "--data", dir)
	m := regexp.MustCompile(`Head: (\d+:[0-9a-f]{64})`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("verify: %d\n%s", code, out)
	}
	anchor := m[1]
	if code, out := runCmd(t, nil, "audit", "verify", "--data", dir, "--anchor", anchor); code != 0 {
		t.Fatalf("verify with its own anchor: %d\n%s", code, out)
	}
	// Rewrite the first entry and re-seal the whole chain, as someone with
	// write access to the database could.
	db, err := sql.Open("sqlite", filepath.Join(dir, "remedy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT seq, at, actor, action, case_ref, detail FROM audit_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	var entries []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at int64
		rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.CaseRef, &e.Detail)
		e.At = time.UnixMicro(at).UTC()
		entries = append(entries, e)
	}
	rows.Close()
	entries[0].Detail = "risk=normal categories=1 language=en"
	prev := audit.GenesisHash()
	for _, e := range entries {
		e = audit.Seal(prev, e)
		if _, err := db.Exec("UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4", e.Detail, e.PrevHash, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	if _, err := db.Exec("UPDATE audit_head SET hash = $1", prev); err != nil {
		t.Fatal(err)
	}
	if code, out := runCmd(t, nil, "audit", "verify", "--data", dir); code != 0 {
		t.Fatalf("the rewritten chain should verify on its own (that is why anchors exist): %d\n%s", code, out)
	}
	if code, out := runCmd(t, nil, "audit", "verify", "--data", dir, "--anchor", anchor); code == 0 || !strings.Contains(out, "BROKEN") {
		t.Fatalf("verify against the old anchor: exit %d\n%s", code, out)
	}
}
