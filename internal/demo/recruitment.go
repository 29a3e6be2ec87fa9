package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"remedy/internal/recruitment"
	"remedy/internal/recruitment/feeservice"
	"remedy/internal/store"
)

// Fee reports of the demo: 300 fictional reports calibrated on the
// Immigration Services Agency's 2022 survey of technical intern trainees
// (2,184 answers): the mean paid before arrival was ¥542,311 (Viet Nam
// ¥688,143, Cambodia ¥573,607, Myanmar ¥287,405, Indonesia ¥235,343, the
// Philippines ¥94,821) and 54.7% were in debt (Viet Nam 80%, Cambodia
// 83.5%). The survey has no figures for Thailand and Nepal and its Chinese
// answers have no corridor here: their share is carried by a larger
// Vietnamese share, and Thailand and Nepal get the mean that makes the
// overall mean match. Generated with a fixed seed, so every demo is the
// same.

// demoCorridor is one origin's share of the demo and its calibration.
type demoCorridor struct {
	origin    string
	lang      string
	currency  string
	n         int
	meanJPY   float64
	inDebt    int // how many of n owe money for it
	brokerPct float64
	deposit   float64 // share with a deposit or penalty bond
}

var demoCorridors = []demoCorridor{
	{"VN", "vi", "VND", 180, 688_143, 144, 0.172, 0.30},
	{"KH", "km", "USD", 20, 573_607, 17, 0.10, 0.20},
	{"ID", "id", "IDR", 35, 235_343, 1, 0.05, 0.05},
	{"PH", "fil", "PHP", 25, 94_821, 0, 0.02, 0.0},
	{"MM", "my", "USD", 15, 287_405, 1, 0.15, 0.10},
	{"TH", "th", "THB", 13, 497_800, 0, 0.05, 0.05},
	{"NP", "ne", "NPR", 12, 497_800, 1, 0.20, 0.10},
}

// demoAgencies are fictional sending agencies, two per origin.
var demoAgencies = map[string][][2]string{
	"VN": {{"(mẫu) Công ty Cung ứng Nhân lực Sông Hồng", "(mẫu) 101/LĐTBXH-GP"}, {"(mẫu) Công ty Xuất khẩu Lao động Phương Nam", "(mẫu) 202/LĐTBXH-GP"}},
	"KH": {{"(គំរូ) ក្រុមហ៊ុនជ្រើសរើសពលករ អង្គរ", "(sample) MoLVT-031"}, {"(គំរូ) ភ្នាក់ងារ មេគង្គ", "(sample) MoLVT-047"}},
	"ID": {{"(contoh) LPK Sakura Mandiri", "(contoh) KEP-118"}, {"(contoh) PT Nusantara Kerja", "(contoh) KEP-236"}},
	"PH": {{"(sample) Luzon Manpower Services", "(sample) DMW-153-LB"}, {"(sample) Visayas Overseas Placement", "(sample) DMW-284-LB"}},
	"MM": {{"(နမူနာ) ရွှေမြို့ အလုပ်အကိုင် အေဂျင်စီ", "(sample) MOL-077"}, {"(နမူနာ) ဧရာဝတီ အေဂျင်စီ", "(sample) MOL-091"}},
	"TH": {{"(ตัวอย่าง) บริษัท จัดหางานเชียงใหม่", "(sample) DOE-0412"}, {"(ตัวอย่าง) บริษัท จัดหางานอีสาน", "(sample) DOE-0533"}},
	"NP": {{"(नमूना) हिमालय म्यानपावर", "(sample) DoFE-1187"}, {"(नमूना) सगरमाथा ओभरसिज", "(sample) DoFE-1254"}},
}

// demoShares split a report's costs: service fee, training, language
// course, housing during training, medical, documents and visa, travel.
var demoShares = []struct {
	kind  string
	share float64
}{
	{recruitment.KindServiceFee, 0.52}, {recruitment.KindTraining, 0.10}, {recruitment.KindLanguageCourse, 0.08},
	{recruitment.KindAccommodation, 0.07}, {recruitment.KindMedical, 0.03}, {recruitment.KindDocuments, 0.08},
	{recruitment.KindTravel, 0.12},
}

// seedRecruitment adds the demo's fee reports, through the fee service
// (checked against the rules in force on each date) but stored without
// receipts, as a survey import is.
func seedRecruitment(ctx context.Context, d Deps, caseIDs []int64) error {
	svc := feeservice.New(d.Intake, nil)
	reps, err := demoFeeReports(rand.New(rand.NewPCG(2022, 542311)))
	if err != nil {
		return err
	}
	_, err = svc.StoreChecked(ctx, reps, store.ChannelDemo, "system")
	return err
}

// demoFeeReports builds the reports; amounts are in each corridor's usual
// currency, converted from yen at the bundled rate of the day paid.
func demoFeeReports(rng *rand.Rand) ([]recruitment.Report, error) {
	conv := recruitment.Converter{Table: recruitment.NewRateTable(recruitment.BundledRates())}
	start := time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	occupations := []string{"construction", "food_manufacturing", "agriculture", "machinery_metal", "textile_garment",
		"nursing_care", "building_cleaning", "automobile", "food_service", "fishery", "electronics"}
	var out []recruitment.Report
	for _, c := range demoCorridors {
		// Each worker's total, lognormal around 1, then scaled so the
		// corridor's mean is the survey's.
		totals := make([]float64, c.n)
		sum := 0.0
		for i := range totals {
			totals[i] = math.Exp(rng.NormFloat64()*0.45 - 0.1)
			sum += totals[i]
		}
		for i := range totals {
			totals[i] *= c.meanJPY * float64(c.n) / sum
		}
		debtors := rng.Perm(c.n)[:c.inDebt]
		inDebt := map[int]bool{}
		for _, i := range debtors {
			inDebt[i] = true
		}
		for i := range c.n {
			rep := recruitment.Report{Language: c.lang, OriginCountry: c.origin, Destination: recruitment.Destination,
				Program: "technical_intern", ContractMonths: 36, Occupation: occupations[rng.IntN(len(occupations))]}
			switch r := rng.Float64(); {
			case r < 0.12:
				rep.Program, rep.ContractMonths = "specified_skilled", []int{12, 36, 60}[rng.IntN(3)]
			case r < 0.20:
				rep.ContractMonths = 12
			case r < 0.28:
				rep.ContractMonths = 60
			}
			rep.MonthlyWageJPY = int64(160_000 + rng.IntN(41)*1_000)
			if rng.Float64() < 0.85 {
				rep.FirstMonthEarningsJPY = int64(float64(rep.MonthlyWageJPY) * (0.74 + rng.Float64()*0.1))
			}
			switch r := rng.Float64(); {
			case r < 0.58:
				rep.Sex = "male"
			case r < 0.97:
				rep.Sex = "female"
			}
			reportDay := start.AddDate(0, 0, rng.IntN(days))
			rep.ReportDate = reportDay.Format(time.DateOnly)
			paid := reportDay.AddDate(0, 0, -(120 + rng.IntN(240))).Format(time.DateOnly)
			ag := demoAgencies[c.origin][rng.IntN(2)]
			rep.AgencyName, rep.AgencyLicence = ag[0], ag[1]

			total := totals[i]
			yen := map[string]float64{}
			if rng.Float64() < c.brokerPct {
				yen[recruitment.KindBrokerage] = total * 0.30
			}
			if rng.Float64() < c.deposit {
				kind := recruitment.KindDeposit
				if rng.IntN(3) == 0 {
					kind = recruitment.KindPenaltyBond
				}
				yen[kind] = total * 0.08
			}
			rest := total
			for _, v := range yen {
				rest -= v
			}
			for _, s := range demoShares {
				yen[s.kind] += rest * s.share
			}
			for _, k := range recruitment.ItemKinds {
				v, ok := yen[k]
				if !ok || v < 100 {
					continue
				}
				cur := c.currency
				if k == recruitment.KindTravel || k == recruitment.KindDocuments {
					if rng.IntN(2) == 0 {
						cur = "JPY"
					}
				}
				rate, _, _, err := conv.JPYPerUnit(cur, paid)
				if err != nil {
					return nil, fmt.Errorf("demo fee reports: %w", err)
				}
				units := math.Round(v / rate)
				if cur == "VND" || cur == "IDR" || cur == "MMK" || cur == "KHR" {
					units = math.Round(units/1000) * 1000 // as people pay: in round thousands
				}
				rep.Items = append(rep.Items, recruitment.Item{Kind: k, Amount: int64(units) * 100, Currency: cur, PaidOn: paid,
					Payee: demoPayee(k)})
			}
			if inDebt[i] {
				rate, _, _, err := conv.JPYPerUnit(c.currency, paid)
				if err != nil {
					return nil, err
				}
				borrowed := math.Round(total * (0.6 + rng.Float64()*0.4) / rate)
				rep.Loan = &recruitment.Loan{Amount: int64(borrowed) * 100, Currency: c.currency,
					Outstanding: int64(borrowed*(0.2+rng.Float64()*0.7)) * 100}
			}
			out = append(out, rep)
		}
	}
	return out, nil
}

func demoPayee(kind string) string {
	switch kind {
	case recruitment.KindBrokerage:
		return "broker"
	case recruitment.KindTraining, recruitment.KindLanguageCourse, recruitment.KindAccommodation:
		return "training_centre"
	case recruitment.KindMedical, recruitment.KindTravel:
		return ""
	case recruitment.KindDocuments:
		return "government"
	}
	return "sending_agency"
}
