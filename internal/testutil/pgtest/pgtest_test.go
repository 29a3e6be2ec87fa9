package pgtest_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"remedy/internal/testutil/pgtest"
)

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(pgtest.DriverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func schemaExists(t *testing.T, db *sql.DB, schema string) bool {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1`, schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestDSNGivesFreshSchema(t *testing.T) {
	ctx := context.Background()
	var schema string

	t.Run("inner", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		schema = pgtest.Schema(dsn)
		if !regexp.MustCompile(`^t_[0-9a-f]{16}$`).MatchString(schema) {
			t.Fatalf("schema %q from DSN %q is not t_<hex>", schema, dsn)
		}
		db := open(t, dsn)

		var current string
		if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
			t.Fatal(err)
		}
		if current != schema {
			t.Fatalf("current_schema() = %q, want %q", current, schema)
		}

		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = $1`, schema).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("new schema has %d tables, want 0", n)
		}

		// An unqualified table lands in the test's schema, on every
		// connection of the pool.
		db.SetMaxOpenConns(3)
		if _, err := db.ExecContext(ctx, `CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO widgets VALUES (1, 'one')`); err != nil {
			t.Fatal(err)
		}
		var tableSchema string
		if err := db.QueryRowContext(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = 'widgets' AND table_schema = $1`, schema).Scan(&tableSchema); err != nil {
			t.Fatalf("widgets is not in schema %s: %v", schema, err)
		}
		conns := make([]*sql.Conn, 3)
		for i := range conns {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			conns[i] = c
			var name string
			if err := c.QueryRowContext(ctx, `SELECT name FROM widgets WHERE id = 1`).Scan(&name); err != nil || name != "one" {
				t.Fatalf("connection %d: name = %q, err = %v", i, name, err)
			}
		}

		// The table is visible from the base DSN only schema-qualified.
		base := open(t, os.Getenv(pgtest.EnvVar))
		if !schemaExists(t, base, schema) {
			t.Fatalf("schema %s does not exist on the server", schema)
		}
		var cnt int
		if err := base.QueryRowContext(ctx, `SELECT count(*) FROM `+schema+`.widgets`).Scan(&cnt); err != nil || cnt != 1 {
			t.Fatalf("%s.widgets via base DSN: count = %d, err = %v", schema, cnt, err)
		}
	})
	if t.Failed() || t.Skipped() || schema == "" {
		return
	}

	// The inner test's cleanup dropped the schema with its table.
	base := open(t, os.Getenv(pgtest.EnvVar))
	if schemaExists(t, base, schema) {
		t.Fatalf("schema %s still exists after the test ended", schema)
	}
}

func TestDSNSchemasAreDistinct(t *testing.T) {
	a, b := pgtest.DSN(t), pgtest.DSN(t)
	if pgtest.Schema(a) == pgtest.Schema(b) {
		t.Fatalf("two calls gave the same schema %s", pgtest.Schema(a))
	}
	// Tables of the same name do not collide.
	for _, dsn := range []string{a, b} {
		if _, err := open(t, dsn).Exec(`CREATE TABLE things (id int)`); err != nil {
			t.Fatal(err)
		}
	}
}

// keywordValue turns a postgres:// URL into the keyword/value DSN form.
func keywordValue(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn // already keyword/value
	}
	var kv []string
	add := func(k, v string) {
		if v != "" {
			kv = append(kv, k+"='"+strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v)+"'")
		}
	}
	add("host", u.Hostname())
	add("port", u.Port())
	add("user", u.User.Username())
	pw, _ := u.User.Password()
	add("password", pw)
	add("dbname", strings.TrimPrefix(u.Path, "/"))
	for k, vs := range u.Query() {
		add(k, vs[0])
	}
	return strings.Join(kv, " ")
}

func TestDSNKeywordValueForm(t *testing.T) {
	base := os.Getenv(pgtest.EnvVar)
	if base == "" {
		pgtest.DSN(t) // skips, or fails in CI, with the standard message
	}
	t.Setenv(pgtest.EnvVar, keywordValue(t, base))
	dsn := pgtest.DSN(t)
	var current string
	if err := open(t, dsn).QueryRow(`SELECT current_schema()`).Scan(&current); err != nil {
		t.Fatal(err)
	}
	if current == "" || current != pgtest.Schema(dsn) {
		t.Fatalf("keyword/value DSN %q: current_schema() = %q", dsn, current)
	}
}

func TestUnreachableServerSkips(t *testing.T) {
	if pgtest.InCI() {
		t.Skip("in CI an unreachable server fails the test; checked locally only")
	}
	t.Setenv(pgtest.EnvVar, "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=5")
	ran := false
	t.Run("inner", func(t *testing.T) {
		pgtest.DSN(t)
		ran = true
	})
	if ran {
		t.Fatal("DSN returned for an unreachable server")
	}
}

func TestMissingEnvSkipsOrFails(t *testing.T) {
	if pgtest.InCI() {
		t.Skip("in CI a missing REMEDY_TEST_POSTGRES fails the test; checked locally only")
	}
	t.Setenv(pgtest.EnvVar, "")
	ran := false
	t.Run("inner", func(t *testing.T) {
		pgtest.DSN(t)
		ran = true
	})
	if ran {
		t.Fatal("DSN returned without REMEDY_TEST_POSTGRES")
	}
}
