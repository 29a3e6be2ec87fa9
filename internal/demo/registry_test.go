package demo

import (
	"context"
	"testing"

	"remedy/internal/recruitment"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// TestSeedRegistry: the demo registry has agencies in every origin country
// and in Japan, the demo's fee reports are linked to the agencies they
// name, and one review is published.
func TestSeedRegistry(t *testing.T) {
	s := stack.New(t, store.SQLite)
	ctx := context.Background()
	d := Deps{Intake: s.Intake, Staff: s.Staff}
	ids, err := seedCases(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []func(context.Context, Deps, []int64) error{seedOrganizations, seedRecruitment, seedRegistry} {
		if err := seed(ctx, d, ids); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"VN", "KH", "ID", "PH", "MM", "TH", "NP", "JP"} {
		if _, n, err := s.DB.SearchAgencies(ctx, store.AgencyQuery{Country: c}); err != nil || n < 2 {
			t.Errorf("%s: %d agencies, %v", c, n, err)
		}
	}
	found, _, err := s.DB.SearchAgencies(ctx, store.AgencyQuery{Text: "cung ung nhan luc song hong"})
	if err != nil || len(found) != 1 {
		t.Fatalf("search without diacritics: %v %v", found, err)
	}
	var linked, all int
	in, err := s.DB.LoadStatsInput(ctx, func(o recruitment.Observation) {
		all++
		if o.AgencyID != 0 {
			linked++
		}
	})
	if err != nil || in.Reports == 0 || linked != all {
		t.Errorf("%d of %d demo reports linked to an agency (%v)", linked, all, err)
	}
	pending, err := s.DB.ReviewsByStatus(ctx, recruitment.ReviewPending, 10)
	if err != nil || len(pending) != 1 {
		t.Errorf("pending reviews: %d %v", len(pending), err)
	}
	approved, err := s.DB.ReviewsByStatus(ctx, recruitment.ReviewApproved, 10)
	if err != nil || len(approved) != 1 {
		t.Errorf("published reviews: %d %v", len(approved), err)
	}
}
