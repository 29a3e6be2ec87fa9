package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func runWithStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = os.Environ()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stdout.String(), stderr.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestAdminCommands: `remedy admin org add` prints the new id alone;
// `remedy admin user add` reads the password from standard input and prints
// the TOTP secret once; bad input exits non-zero and says why.
func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runWithStdin(t, "", "admin", "org", "add", "--name", "Secretariat", "--type", "mechanism", "--country", "JP", "--data", dir)
	if code != 0 || strings.TrimSpace(out) != "1" {
		t.Fatalf("org add: exit %d stdout %q stderr %s", code, out, errOut)
	}
	code, out, _ = runWithStdin(t, "", "admin", "org", "add", "--name", "Hanoi Manpower", "--type", "sending_agency", "--country", "VN", "--data", dir)
	if code != 0 || strings.TrimSpace(out) != "2" {
		t.Fatalf("second org add: exit %d stdout %q", code, out)
	}
	code, out, errOut = runWithStdin(t, "a long enough password\n", "admin", "user", "add", "--org", "1", "--role", "caseworker", "--email", "cw@example.org", "--data", dir)
	if code != 0 || !regexp.MustCompile(`^[A-Z2-7]{32}\n$`).MatchString(out) {
		t.Fatalf("user add: exit %d stdout %q stderr %s", code, out, errOut)
	}
	if strings.Contains(errOut, "a long enough password") {
		t.Error("the password was echoed")
	}
	bad := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"admin", "org", "add", "--name", "X", "--type", "bank", "--country", "JP"}, "type"},
		{"", []string{"admin", "org", "add", "--name", "X", "--type", "employer", "--country", "Japan"}, "country"},
		{"short\n", []string{"admin", "user", "add", "--org", "1", "--role", "caseworker", "--email", "b@example.org"}, "password"},
		{"a long enough password\n", []string{"admin", "user", "add", "--org", "1", "--role", "boss", "--email", "c@example.org"}, "role"},
		{"a long enough password\n", []string{"admin", "user", "add", "--org", "99", "--role", "caseworker", "--email", "d@example.org"}, "org"},
		{"a long enough password\n", []string{"admin", "user", "add", "--org", "1", "--role", "caseworker", "--email", "cw@example.org"}, "email"},
		{"", []string{"admin", "nothing"}, "usage"},
	}
	for _, b := range bad {
		code, _, errOut := runWithStdin(t, b.stdin, append(b.args, "--data", dir)...)
		if code == 0 || !strings.Contains(errOut, b.want) {
			t.Errorf("remedy %v: exit %d, stderr %q, want it to name %q", b.args, code, errOut, b.want)
		}
	}
	code, out, _ = runWithStdin(t, "", "totp", "JBSWY3DPEHPK3PXP")
	if code != 0 || !regexp.MustCompile(`^\d{6}\n$`).MatchString(out) {
		t.Errorf("totp: exit %d %q", code, out)
	}
}

// TestMinCellFlag: k of small-cell suppression is configurable and must be
// at least 2.
func TestMinCellFlag(t *testing.T) {
	for _, args := range [][]string{{"--min-cell", "1"}, {"--min-cell", "x"}} {
		code, _, errOut := runWithStdin(t, "", append([]string{"serve", "--data", t.TempDir()}, args...)...)
		if code == 0 || !strings.Contains(errOut, "min-cell") {
			t.Errorf("serve %v: exit %d, stderr %q", args, code, errOut)
		}
	}
	cmd := exec.Command(binary, "serve", "--data", t.TempDir())
	cmd.Env = append(os.Environ(), "REMEDY_MIN_CELL=0")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "REMEDY_MIN_CELL") {
		t.Errorf("REMEDY_MIN_CELL=0: %v %s", err, out)
	}
}
