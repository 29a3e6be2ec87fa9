package demo

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"remedy/internal/access"
	"remedy/internal/grievance"
	"remedy/internal/intake"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// TestSeedCaseworkEveryStatus seeds the demo on SQLite and checks that
// case handling left a case in every status, quickly.
func TestSeedCaseworkEveryStatus(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	keys, _, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{
		Intake: &intake.Service{DB: db, Keys: keys, Now: time.Now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy},
		Staff:  &staff.Service{DB: db, Keys: keys, Now: time.Now, Rand: rand.Reader},
	}
	ctx := context.Background()
	ids, err := seedCases(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedOrganizations(ctx, d, ids); err != nil {
		t.Fatal(err)
	}
	if err := seedCasework(ctx, d, ids); err != nil {
		t.Fatal(err)
	}
	n, err := db.CountCases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[grievance.Status]bool{}
	for id := int64(1); id <= int64(n); id++ {
		rec, err := db.CaseworkByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		seen[rec.Case.Status] = true
		if _, err := db.CaseInScope(ctx, rec.Case.Reference, access.Scope{All: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range grievance.Statuses {
		if !seen[s] {
			t.Errorf("no demo case is %s", s)
		}
	}
}
