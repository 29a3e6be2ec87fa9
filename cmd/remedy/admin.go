package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"remedy/internal/apperr"
	"remedy/internal/org"
)

const adminUsage = `usage:
  remedy admin org add --name N --type T --country CC [--languages "ja vi"]
  remedy admin user add --org ID --role R --email E [--name N]   (password on standard input)
`

func cmdAdmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) < 2 || args[1] != "add" || (args[0] != "org" && args[0] != "user") {
		fmt.Fprint(stderr, adminUsage)
		return errUsage
	}
	what, rest := args[0], args[2:]
	fs := flag.NewFlagSet("remedy admin "+what+" add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "name")
	typ := fs.String("type", "", "organisation type: "+typesList())
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country code")
	languages := fs.String("languages", "", "languages, space-separated BCP 47 codes")
	orgID := fs.Int64("org", 0, "organisation id")
	role := fs.String("role", "", "role: admin, caseworker, responder, viewer or auditor")
	email := fs.String("email", "", "email address")
	// The storage flags are shared with the other commands.
	var storage []string
	var appArgs []string
	for i := 0; i < len(rest); i++ {
		switch a := rest[i]; {
		case a == "--data" || a == "--database-url" || a == "-data" || a == "-database-url":
			if i+1 < len(rest) {
				storage = append(storage, a, rest[i+1])
				i++
			}
		case strings.HasPrefix(a, "--data=") || strings.HasPrefix(a, "--database-url="):
			storage = append(storage, a)
		default:
			appArgs = append(appArgs, a)
		}
	}
	if err := fs.Parse(appArgs); err != nil {
		return errUsage
	}
	cfg, err := parseConfig("admin", storage, stderr, getenv)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	switch what {
	case "org":
		o, err := a.staff.AddOrganization(ctx, org.Organization{Name: *name, Type: org.Type(*typ), Country: *country,
			Languages: strings.Fields(*languages)}, "system")
		if err != nil {
			return explain(err)
		}
		fmt.Fprintln(stdout, o.ID)
	case "user":
		password, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		password = strings.TrimRight(password, "\r\n")
		secret, err := a.staff.AddPerson(ctx, org.Person{OrgID: *orgID, Email: *email, Name: *name, Role: org.Role(*role)}, password, "system")
		if err != nil {
			return explain(err)
		}
		fmt.Fprintln(stdout, secret)
	}
	return nil
}

// explain turns a validation error into a line per field.
func explain(err error) error {
	var ae *apperr.Error
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		var parts []string
		for _, f := range ae.Fields {
			parts = append(parts, f.Field+": "+strings.TrimPrefix(f.Key, "error."))
		}
		return errors.New(strings.Join(parts, "; "))
	}
	return err
}

func typesList() string {
	var s []string
	for _, t := range org.Types {
		s = append(s, string(t))
	}
	return strings.Join(s, ", ")
}
