// Package pgtest gives each test its own empty PostgreSQL schema.
//
// The server comes from $REMEDY_TEST_POSTGRES (scripts/test sets it to the
// local server). Without it, or when the server cannot be reached, tests
// are skipped, unless the environment variable CI is "true", in which case
// they fail, so that CI never goes green by skipping.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// EnvVar names the environment variable holding the server's DSN, for
// example postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvVar = "REMEDY_TEST_POSTGRES"

// DriverName is the database/sql driver this package registers and uses.
const DriverName = "pgx"

// InCI reports whether missing test dependencies must fail rather than
// skip tests: the environment variable CI is "true" (or "1").
func InCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return strings.EqualFold(v, "true") || v == "1"
}

func skipOrFatal(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s (CI=true: missing test dependencies are failures, not skips)", msg)
	}
	t.Skip(msg)
}

// DSN creates a new, empty schema named t_<random hex> on the server named
// by $REMEDY_TEST_POSTGRES and returns a DSN whose connections use it as
// their search_path, so that unqualified CREATE TABLE and queries land in
// it. The schema and everything in it is dropped when the test ends.
//
// Open the DSN with the "pgx" driver (database/sql, imported by this
// package) or with pgx directly (pgx.Connect, pgxpool.New).
func DSN(t testing.TB) string {
	t.Helper()
	base := strings.TrimSpace(os.Getenv(EnvVar))
	if base == "" {
		skipOrFatal(t, "PostgreSQL tests skipped: set %s or run scripts/test", EnvVar)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	db, err := sql.Open(DriverName, base)
	if err != nil {
		skipOrFatal(t, "PostgreSQL tests skipped: %s is not a usable DSN: %v", EnvVar, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		skipOrFatal(t, "PostgreSQL tests skipped: cannot reach the server in %s (run scripts/test to start the local one): %v", EnvVar, err)
	}

	schema := "t_" + randomHex(8)
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("pgtest: creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Errorf("pgtest: dropping schema %s: %v", schema, err)
		}
	})

	dsn, err := withSearchPath(base, schema)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// Schema returns the schema a DSN from DSN points at.
func Schema(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return u.Query().Get("search_path")
	}
	for _, f := range strings.Fields(dsn) {
		if v, ok := strings.CutPrefix(f, "search_path="); ok {
			return v
		}
	}
	return ""
}

// withSearchPath adds search_path=schema to a URL DSN (as a query
// parameter) or a keyword/value DSN. pgx sends parameters it does not know
// to the server as run-time parameters at connection start-up.
func withSearchPath(dsn, schema string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parsing %s: %w", EnvVar, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	var kept []string
	for _, f := range strings.Fields(dsn) {
		if !strings.HasPrefix(f, "search_path=") {
			kept = append(kept, f)
		}
	}
	return strings.Join(append(kept, "search_path="+schema), " "), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
