package main

import (
	"fmt"
	"io"
	"time"

	"remedy/internal/demo"
	"remedy/internal/vault"
)

// printDemoAccounts shows how to sign in to the demo's staff accounts.
func printDemoAccounts(w io.Writer, accounts []demo.Account) {
	if len(accounts) == 0 {
		return
	}
	fmt.Fprintf(w, "Demo staff accounts (password %q; sign in at /staff/signin; get the code with `remedy totp SECRET`):\n", demo.DemoPassword)
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-26s %-11s TOTP secret %s\n", a.Email, a.Role, a.TOTPSecret)
	}
}

func cmdTOTP(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: remedy totp SECRET")
		return errUsage
	}
	code, err := vault.TOTPCode(args[0], time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, code)
	return nil
}
