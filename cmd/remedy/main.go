// Command remedy runs the Remedy grievance platform: the server, its
// migrations, the audit verifier and the demo data.
//
//	remedy serve [--addr 127.0.0.1:8080] [--data ./remedy-data] [--database-url postgres://…] [--demo]
//	remedy migrate
//	remedy audit verify
//	remedy demo
//	remedy admin org add --name N --type T --country CC
//	remedy admin user add --org ID --role R --email E < password
//	remedy version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

const usage = `usage: remedy <command> [flags]

commands:
  serve         run the server (SQLite in --data by default; --database-url for PostgreSQL)
  migrate       apply database migrations and exit
  demo          fill an empty store with sample cases and exit
  audit verify  check the audit trail's hash chain; exits 1 if it is broken
  admin org add --name N --type T --country CC
                add an organisation; prints its id
  admin user add --org ID --role R --email E [--name N]
                add a person; reads the password from standard input,
                prints their TOTP secret (base32) once
  totp SECRET   print the current code of a TOTP secret (for the demo accounts)
  version       print the version

Run "remedy <command> -h" for the flags of a command.
`

// run is main without the process: testable, with its environment passed in.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr, getenv)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], stdout, stderr, getenv)
	case "demo":
		err = cmdDemo(ctx, args[1:], stdout, stderr, getenv)
	case "audit":
		if len(args) < 2 || args[1] != "verify" {
			fmt.Fprint(stderr, "usage: remedy audit verify [flags]\n")
			return 2
		}
		err = cmdAuditVerify(ctx, args[2:], stdout, stderr, getenv)
	case "admin":
		err = cmdAdmin(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "totp":
		err = cmdTOTP(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "remedy %s\n", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "remedy: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if err == errUsage {
			return 2
		}
		fmt.Fprintf(stderr, "remedy: %v\n", err)
		return 1
	}
	return 0
}
