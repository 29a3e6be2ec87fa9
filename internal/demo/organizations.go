package demo

import (
	"context"
	"fmt"

	"remedy/internal/org"
)

// DemoPassword is the password of every demo account. The demo is for
// looking around on a laptop, never for a deployment with real cases.
const DemoPassword = "remedy-demo-password"

// demoOrgs are fictional organisations in Japan and the origin countries.
var demoOrgs = []org.Organization{
	{Name: "Remedy Secretariat (demo)", Type: org.Mechanism, Country: "JP", Languages: []string{"ja", "en", "vi"}},
	{Name: "Aichi Metal Casting Co. (demo)", Type: org.Employer, Country: "JP", Languages: []string{"ja"}},
	{Name: "Chubu Cooperative Supervising Association (demo)", Type: org.SupervisingOrg, Country: "JP", Languages: []string{"ja"}},
	{Name: "Hanoi Manpower JSC (demo)", Type: org.SendingAgency, Country: "VN", Languages: []string{"vi"}},
	{Name: "Jakarta Talenta Mandiri (demo)", Type: org.SendingAgency, Country: "ID", Languages: []string{"id"}},
	{Name: "Labour Standards Inspection Office, Toyota (demo)", Type: org.Government, Country: "JP", Languages: []string{"ja"}},
	{Name: "Migrant Workers Union Tokyo (demo)", Type: org.Union, Country: "JP", Languages: []string{"ja", "vi", "fil"}},
}

// demoPeople are the staff accounts: one per role in the secretariat, a
// responder in each other organisation. Their TOTP secrets are printed by
// seedOrganizations' caller only in the demo.
var demoPeople = []struct {
	org   int // index in demoOrgs
	email string
	role  org.Role
}{
	{0, "admin@demo.remedy", org.Admin},
	{0, "caseworker@demo.remedy", org.Caseworker},
	{0, "viewer@demo.remedy", org.Viewer},
	{0, "auditor@demo.remedy", org.Auditor},
	{1, "employer@demo.remedy", org.Responder},
	{2, "kumiai@demo.remedy", org.Responder},
	{3, "agency.vn@demo.remedy", org.Responder},
	{4, "agency.id@demo.remedy", org.Responder},
	{5, "inspector@demo.remedy", org.Responder},
	{6, "union@demo.remedy", org.Caseworker},
}

// Account is a demo sign-in: address, password and TOTP secret.
type Account struct {
	Email, Role, TOTPSecret string
}

// addAccount remembers a demo account for Seed to return.
func (d Deps) addAccount(a Account) {
	if d.accounts != nil {
		*d.accounts = append(*d.accounts, a)
	}
}

func seedOrganizations(ctx context.Context, d Deps, _ []int64) error {
	ids := make([]int64, len(demoOrgs))
	for i, o := range demoOrgs {
		created, err := d.Staff.AddOrganization(ctx, o, "system")
		if err != nil {
			return fmt.Errorf("demo organisation %q: %w", o.Name, err)
		}
		ids[i] = created.ID
	}
	for _, p := range demoPeople {
		secret, err := d.Staff.AddPerson(ctx, org.Person{OrgID: ids[p.org], Email: p.email, Role: p.role}, DemoPassword, "system")
		if err != nil {
			return fmt.Errorf("demo person %s: %w", p.email, err)
		}
		d.addAccount(Account{Email: p.email, Role: string(p.role), TOTPSecret: secret})
	}
	return nil
}
