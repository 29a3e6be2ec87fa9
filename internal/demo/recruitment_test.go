package demo

import (
	"context"
	"crypto/rand"
	"math"
	mrand "math/rand/v2"
	"testing"
	"time"

	"remedy/internal/grievance"
	"remedy/internal/intake"
	"remedy/internal/recruitment"
	"remedy/internal/store"
	"remedy/internal/testutil/stack"
	"remedy/internal/vault"
)

// TestDemoFeeReportsCalibrated: the demo's fee reports have the 2022
// survey's means by corridor and its debt shares, and are stored quickly.
func TestDemoFeeReportsCalibrated(t *testing.T) {
	reps, err := demoFeeReports(mrand.New(mrand.NewPCG(2022, 542311)))
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 300 {
		t.Fatalf("%d reports, want 300", len(reps))
	}
	db, dir := stack.OpenDB(t, store.SQLite)
	keys, _, err := vault.LoadOrCreateMasterKey(dir, "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	in := &intake.Service{DB: db, Keys: keys, Now: time.Now, Rand: rand.Reader, Deadlines: grievance.DefaultAckPolicy}
	start := time.Now()
	if err := seedRecruitment(context.Background(), Deps{Intake: in}, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("seeding fee reports took %s, want < 2 s", d)
	}
	n, err := db.CountFeeReports(context.Background())
	if err != nil || n != 300 {
		t.Fatalf("%d reports stored, %v", n, err)
	}
	// Means and debt shares, from the reports as built (the check adds
	// only rounding).
	sum, debt := map[string]float64{}, map[string]int{}
	count := map[string]int{}
	var all float64
	var allDebt int
	for i := range reps {
		rep := &reps[i]
		if _, err := recruitment.Convert(rep, recruitment.Converter{Table: recruitment.NewRateTable(recruitment.BundledRates())}); err != nil {
			t.Fatal(err)
		}
		var total float64
		for _, it := range rep.Items {
			total += float64(it.AmountJPY)
		}
		sum[rep.OriginCountry] += total
		count[rep.OriginCountry]++
		all += total
		if rep.Loan != nil && rep.Loan.Outstanding > 0 {
			debt[rep.OriginCountry]++
			allDebt++
		}
	}
	for _, c := range []struct {
		origin string
		mean   float64
	}{{"VN", 688_143}, {"KH", 573_607}, {"MM", 287_405}, {"ID", 235_343}, {"PH", 94_821}} {
		got := sum[c.origin] / float64(count[c.origin])
		if math.Abs(got-c.mean)/c.mean > 0.01 {
			t.Errorf("%s mean ¥%.0f, survey ¥%.0f", c.origin, got, c.mean)
		}
	}
	if mean := all / 300; math.Abs(mean-542_311)/542_311 > 0.01 {
		t.Errorf("overall mean ¥%.0f, survey ¥542,311", mean)
	}
	if share := float64(allDebt) / 300; math.Abs(share-0.547) > 0.005 {
		t.Errorf("in debt %.3f, survey 0.547", share)
	}
	if share := float64(debt["VN"]) / float64(count["VN"]); share != 0.8 {
		t.Errorf("VN in debt %.3f, survey 0.80", share)
	}
}
