package demo

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// TestSeedWorkplan: the seed gives the four areas, example actions for
// JP-MIRAI, VJ-FERI and the regional network, the Phnom Penh workshop with
// its documents, and a coordinator, quickly; the pages show them.
func TestSeedWorkplan(t *testing.T) {
	for _, engine := range stack.Engines {
		t.Run(engine, func(t *testing.T) {
			s := stack.New(t, engine)
			ctx := context.Background()
			var accounts []Account
			d := Deps{Intake: s.Intake, Staff: s.Staff, accounts: &accounts}
			if err := seedOrganizations(ctx, d, nil); err != nil {
				t.Fatal(err)
			}
			if err := seedWorkplan(ctx, d, nil); err != nil {
				t.Fatal(err)
			}
			p, err := s.DB.LoadPlan(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var areas []string
			for _, a := range p.Areas {
				areas = append(areas, a.Title)
			}
			if strings.Join(areas, "|") != "Grievance mechanisms|Empowerment of migrant workers|Fair and ethical recruitment|Implementation mechanisms and enabling environments" {
				t.Errorf("areas %q", areas)
			}
			leads := map[string]bool{}
			for _, a := range p.Actions {
				if !a.Example {
					t.Errorf("%s is not marked as an example", a.Code)
				}
				leads[a.Lead.Name] = true
			}
			for _, want := range []string{"JP-MIRAI", "VJ-FERI", "International Labour Organization (ILO)"} {
				if !leads[want] {
					t.Errorf("no action led by %s", want)
				}
			}
			events, err := s.DB.NetworkEvents(ctx, store.NetworkFilter{}, 0)
			if err != nil || len(events) != 1 || events[0].Start != "2025-02-11" || events[0].Place != "Phnom Penh" || len(events[0].Actions) == 0 {
				t.Errorf("events %+v %v", events, err)
			}
			res, _ := s.DB.NetworkResources(ctx, store.NetworkFilter{})
			if len(res) != 4 {
				t.Errorf("%d resources", len(res))
			}
			found := false
			for _, a := range accounts {
				if a.Role == "coordinator" && a.Email == "coordinator@demo.remedy" {
					found = true
				}
			}
			if !found {
				t.Error("no demo coordinator account")
			}
			for _, path := range []string{"/plan?lang=ja", "/plan/stakeholders", "/network?lang=km", "/api/v1/workplan"} {
				resp, err := http.Get(s.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(body), "JP-MIRAI") && path != "/network?lang=km" {
					t.Errorf("%s: %d", path, resp.StatusCode)
				}
			}
			v, _ := s.DB.LoadPlan(ctx)
			if len(v.Indicators) == 0 || v.Indicators[0].Kind == "" {
				t.Error("no indicators")
			}
		})
	}
}
