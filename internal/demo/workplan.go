package demo

import (
	"context"
	"fmt"

	"remedy/internal/org"
	"remedy/internal/workplan"
	"remedy/internal/workplan/planservice"
)

// The plan's seed: the four areas of the ILO/JICA Joint Work Plan (final
// regional workshop, Phnom Penh, 11 February 2025), an outcome under each,
// and example actions drawn from what is public about the initiative,
// each marked as an example to be edited by the plan's coordinators. The
// profiles of real organisations say only what our sources say
// (shared/reference/domain-notes.md, section 0) and are marked as
// examples too.

const (
	orgILO      = "International Labour Organization (ILO)"
	orgJICA     = "Japan International Cooperation Agency (JICA)"
	orgJPMIRAI  = "JP-MIRAI"
	orgVJFERI   = "VJ-FERI"
	orgDesk     = "Joint Work Plan coordination desk (demo)"
	orgUnion    = "Migrant Workers Union Tokyo (demo)"
	orgAgencyVN = "Hanoi Manpower JSC (demo)"
)

// exampleNote ends every seeded profile.
const exampleNote = "Example profile drawn from public sources, to be confirmed by the organisation and edited by the plan's coordinators."

func stakeholder(name string, typ org.Type, country string, langs []string, desc, corridor string, contacts ...workplan.Contact) workplan.Stakeholder {
	return workplan.Stakeholder{
		Org:        org.Organization{Name: name, Type: typ, Country: country, Languages: langs},
		Profile:    workplan.Profile{Lang: "en", Description: desc, CorridorWork: corridor, Contacts: contacts, Public: true},
		HasProfile: true,
	}
}

func num(f float64) *float64 { return &f }

// demoPlan is the seed, in the portable form the import takes.
func demoPlan() *workplan.Plan {
	p := &workplan.Plan{}
	p.Stakeholders = []workplan.Stakeholder{
		stakeholder(orgILO, org.InternationalOrg, "CH", []string{"en"},
			"The United Nations agency for the world of work. "+exampleNote,
			"Ran the survey for co-creating the Joint Work Plan for improving access to remedy of migrant workers from South-East Asia to Japan (RAS/24/03/JPN, 15 March – 22 November 2024), funded by JICA and focused on Cambodia, Indonesia and Viet Nam.",
			workplan.Contact{Kind: workplan.ContactWebsite, Value: "https://www.ilo.org/"}),
		stakeholder(orgJICA, org.InternationalOrg, "JP", []string{"ja", "en"},
			"Japan's agency for international cooperation. "+exampleNote,
			"Funded the survey behind the Joint Work Plan. At the final regional workshop in Phnom Penh (11 February 2025) it presented JP-MIRAI and VJ-FERI.",
			workplan.Contact{Kind: workplan.ContactWebsite, Value: "https://www.jica.go.jp/english/"}),
		stakeholder(orgJPMIRAI, org.Platform, "JP", []string{"ja", "en"},
			"A multi-stakeholder platform in Japan for the responsible acceptance of foreign workers. "+exampleNote,
			"Shares information with foreign workers and runs JP-MIRAI Assist, a consultation helpdesk in 22 languages (ILO, 18 November 2024).",
			workplan.Contact{Kind: workplan.ContactWebsite, Value: "https://jp-mirai.org/"}),
		stakeholder(orgVJFERI, org.Platform, "VN", []string{"vi", "ja", "en"},
			"An initiative for fair and ethical recruitment in the Viet Nam–Japan corridor, presented by JICA at the Phnom Penh workshop (11 February 2025). "+exampleNote,
			"Works on fair and ethical recruitment of Vietnamese workers going to Japan."),
		stakeholder(orgDesk, org.InternationalOrg, "TH", []string{"en", "ja"},
			"A fictional desk that keeps the plan up to date in this demo.",
			"Coordinates the plan: edits areas, outcomes and actions, the network's library and events."),
		stakeholder(orgUnion, org.Union, "JP", []string{"ja", "vi", "fil"},
			"A fictional union for the demo.",
			"Helps migrant workers in Tokyo with unpaid wages and dismissals; takes referrals of grievances.",
			workplan.Contact{Kind: workplan.ContactEmail, Value: "union@example.org"}),
		stakeholder(orgAgencyVN, org.SendingAgency, "VN", []string{"vi"},
			"A fictional sending agency for the demo.",
			"Sends technical intern trainees from Viet Nam to Japan."),
	}
	p.Areas = []workplan.Area{
		{Code: "GM", Position: 1, Lang: "en", Title: "Grievance mechanisms",
			Description: "Migrant workers can raise a grievance in their own language, in Japan or at home, and get a remedy."},
		{Code: "EMP", Position: 2, Lang: "en", Title: "Empowerment of migrant workers",
			Description: "Workers know their rights, the fees they may be charged and where to get help, before departure and in Japan."},
		{Code: "FER", Position: 3, Lang: "en", Title: "Fair and ethical recruitment",
			Description: "Workers do not pay for their recruitment, and agencies in the corridor follow fair recruitment principles."},
		{Code: "IME", Position: 4, Lang: "en", Title: "Implementation mechanisms and enabling environments",
			Description: "The stakeholders of the corridor cooperate, share knowledge and follow the plan together."},
	}
	p.Outcomes = []workplan.Outcome{
		{Code: "GM.1", AreaCode: "GM", Position: 1, Lang: "en", Title: "Grievances are acknowledged on time and remedied quickly"},
		{Code: "EMP.1", AreaCode: "EMP", Position: 1, Lang: "en", Title: "Workers get information and advice in their own language"},
		{Code: "FER.1", AreaCode: "FER", Position: 1, Lang: "en", Title: "Workers in the Viet Nam–Japan corridor pay no recruitment fees"},
		{Code: "IME.1", AreaCode: "IME", Position: 1, Lang: "en", Title: "A regional network keeps the plan alive"},
	}
	all := []string{"KH", "ID", "VN", "JP", "PH", "TH"}
	p.Actions = []workplan.Action{
		{Code: "EMP.1.JPMIRAI-INFO", AreaCode: "EMP", OutcomeCode: "EMP.1", Kind: workplan.Existing, Status: workplan.InProgress, Lang: "en",
			Title:       "JP-MIRAI information sharing with foreign workers",
			Description: "JP-MIRAI shares information with foreign workers in Japan. Mapped as an existing action of a stakeholder.",
			Lead:        workplan.OrgRef{Name: orgJPMIRAI}, Partners: []workplan.OrgRef{{Name: orgJICA}}, Countries: []string{"JP"}, Example: true},
		{Code: "GM.1.JPMIRAI-ASSIST", AreaCode: "GM", OutcomeCode: "GM.1", Kind: workplan.Existing, Status: workplan.InProgress, Lang: "en",
			Title:       "JP-MIRAI Assist: multilingual consultation service",
			Description: "A consultation helpdesk for foreign workers in 22 languages (ILO, 18 November 2024). Its pilot, run by CINGA from May 2022 to April 2024, served 500 people on 3,203 consultation items.",
			Lead:        workplan.OrgRef{Name: orgJPMIRAI}, Countries: []string{"JP"}, Start: "2022-05-01", Example: true},
		{Code: "FER.1.VJFERI", AreaCode: "FER", OutcomeCode: "FER.1", Kind: workplan.Existing, Status: workplan.InProgress, Lang: "en",
			Title:       "VJ-FERI: fair and ethical recruitment in the Viet Nam–Japan corridor",
			Description: "Work on fair and ethical recruitment of Vietnamese workers going to Japan, presented by JICA at the Phnom Penh workshop.",
			Lead:        workplan.OrgRef{Name: orgVJFERI}, Partners: []workplan.OrgRef{{Name: orgJICA}}, Countries: []string{"VN", "JP"}, Example: true},
		{Code: "IME.1.NETWORK", AreaCode: "IME", OutcomeCode: "IME.1", Kind: workplan.ProposedKind, Status: workplan.Proposed, Lang: "en",
			Title:       "Regional network for cooperation and knowledge sharing",
			Description: "A network of the plan's stakeholders that shares documents, workshop outcomes, guidelines and laws, meets regularly, and follows the plan's progress.",
			Lead:        workplan.OrgRef{Name: orgILO}, Partners: []workplan.OrgRef{{Name: orgJICA}, {Name: orgJPMIRAI}}, Countries: all, Example: true},
		{Code: "GM.1.REFERRALS", AreaCode: "GM", OutcomeCode: "GM.1", Kind: workplan.ProposedKind, Status: workplan.Agreed, Lang: "en",
			Title:       "Referral of grievances between Japan and Viet Nam",
			Description: "A union in Japan and a sending agency in Viet Nam agree how a grievance raised in one country reaches whoever can remedy it in the other. (Fictional demo organisations.)",
			Lead:        workplan.OrgRef{Name: orgUnion}, Partners: []workplan.OrgRef{{Name: orgAgencyVN}}, Countries: []string{"JP", "VN"},
			Start: "2025-04-01", End: "2026-12-31", Example: true},
	}
	p.Progress = []workplan.Progress{
		{UID: "demo-progress-vjferi-2025", ActionCode: "FER.1.VJFERI", Date: "2025-02-11", Org: workplan.OrgRef{Name: orgJICA}, Lang: "en",
			Text: "Presented by JICA at the final regional workshop on the Joint Work Plan in Phnom Penh."},
		{UID: "demo-progress-jpmirai-2025", ActionCode: "EMP.1.JPMIRAI-INFO", Date: "2025-02-11", Org: workplan.OrgRef{Name: orgJICA}, Lang: "en",
			Text: "Presented by JICA at the final regional workshop on the Joint Work Plan in Phnom Penh."},
	}
	p.Indicators = []workplan.Indicator{
		{Code: "GM.1.ACK", OutcomeCode: "GM.1", Lang: "en", Name: "Grievances acknowledged on time", Kind: workplan.Computed,
			Measure: "ack_on_time_share", Target: num(95), TargetDate: "2026-12-31"},
		{Code: "GM.1.DAYS", OutcomeCode: "GM.1", Lang: "en", Name: "Median days from grievance to remedy", Kind: workplan.Computed,
			Measure: "median_days_to_remedy", Target: num(60), TargetDate: "2026-12-31"},
		{Code: "GM.1.KHMER", OutcomeCode: "GM.1", Lang: "en", Name: "Grievances filed in Khmer", Kind: workplan.Computed,
			Measure: "grievances_filed", Params: "language=km"},
		{Code: "FER.1.SDG", OutcomeCode: "FER.1", Lang: "en", Name: "SDG 10.7.1, Viet Nam to Japan", Kind: workplan.Computed,
			Measure: "sdg_10_7_1", Params: "corridor=VN-JP"},
		{Code: "GM.1.JPMIRAI-ASSIST.LANGS", ActionCode: "GM.1.JPMIRAI-ASSIST", Lang: "en", Name: "Languages of the consultation service",
			Unit: "languages", Kind: workplan.Manual},
	}
	p.Values = []workplan.Value{
		{UID: "demo-value-jpmirai-langs", IndicatorCode: "GM.1.JPMIRAI-ASSIST.LANGS", Value: 22, AsOf: "2024-11-18",
			Source: "ILO, 18 November 2024 (publicnow.com/view/82EE3AA58BDE96004C0A93D0AF3E1CB3B3FF22B2)"},
	}
	tr := func(entity, code, lang, title string) workplan.Translation {
		return workplan.Translation{Entity: entity, Code: code, Lang: lang, Title: title}
	}
	p.Translations = []workplan.Translation{
		tr(workplan.EntityArea, "GM", "ja", "苦情処理メカニズム"),
		tr(workplan.EntityArea, "EMP", "ja", "移住労働者のエンパワーメント"),
		tr(workplan.EntityArea, "FER", "ja", "公正で倫理的な募集・採用"),
		tr(workplan.EntityArea, "IME", "ja", "実施メカニズムと環境整備"),
		tr(workplan.EntityArea, "GM", "vi", "Cơ chế giải quyết khiếu nại"),
		tr(workplan.EntityArea, "EMP", "vi", "Trao quyền cho lao động di cư"),
		tr(workplan.EntityArea, "FER", "vi", "Tuyển dụng công bằng và có đạo đức"),
		tr(workplan.EntityArea, "IME", "vi", "Cơ chế thực hiện và môi trường thuận lợi"),
		tr(workplan.EntityArea, "GM", "km", "យន្តការដោះស្រាយបណ្តឹង"),
		tr(workplan.EntityArea, "EMP", "km", "ការលើកកម្ពស់សមត្ថភាពពលករចំណាកស្រុក"),
		tr(workplan.EntityArea, "FER", "km", "ការជ្រើសរើសដោយយុត្តិធម៌ និងប្រកបដោយក្រមសីលធម៌"),
		tr(workplan.EntityArea, "IME", "km", "យន្តការអនុវត្ត និងបរិយាកាសអំណោយផល"),
		tr(workplan.EntityArea, "GM", "id", "Mekanisme pengaduan"),
		tr(workplan.EntityArea, "EMP", "id", "Pemberdayaan pekerja migran"),
		tr(workplan.EntityArea, "FER", "id", "Perekrutan yang adil dan etis"),
		tr(workplan.EntityArea, "IME", "id", "Mekanisme pelaksanaan dan lingkungan yang mendukung"),
		tr(workplan.EntityAction, "GM.1.JPMIRAI-ASSIST", "ja", "JP-MIRAIアシスト：多言語相談サービス"),
		tr(workplan.EntityAction, "FER.1.VJFERI", "vi", "VJ-FERI: tuyển dụng công bằng và có đạo đức trên hành lang Việt Nam – Nhật Bản"),
	}
	return p
}

// seedWorkplan adds the plan, its stakeholders, the Phnom Penh workshop
// with its documents, and a coordinator account.
func seedWorkplan(ctx context.Context, d Deps, caseIDs []int64) error {
	svc := &planservice.Service{DB: d.Intake.DB, Now: d.Staff.Now, Rand: d.Staff.Rand}
	if _, err := svc.ImportSystem(ctx, demoPlan()); err != nil {
		return fmt.Errorf("demo plan: %w", err)
	}
	plan, err := d.Intake.DB.LoadPlan(ctx)
	if err != nil {
		return err
	}
	orgID := map[string]int64{}
	for _, s := range plan.Stakeholders {
		orgID[s.Org.Name] = s.Org.ID
	}
	var areas []int64
	for _, a := range plan.Areas {
		areas = append(areas, a.ID)
	}
	actionID := map[string]int64{}
	for _, a := range plan.Actions {
		actionID[a.Code] = a.ID
	}
	workshop := workplan.Event{Lang: "en", Title: "Final regional workshop on the Joint Work Plan", Place: "Phnom Penh", Country: "KH",
		Start:       "2025-02-11",
		Description: "The final regional workshop of the ILO survey for co-creating a Joint Work Plan for improving access to remedy of migrant workers from South-East Asia to Japan, with participants from Cambodia, Indonesia, Viet Nam, the Philippines, Thailand and Japan.",
		Outcomes:    "The Joint Work Plan was developed. It covers four areas: grievance mechanisms, empowerment of migrant workers, fair and ethical recruitment, and implementation mechanisms and enabling environments.\nIt is non-binding.\nJICA presented JP-MIRAI and VJ-FERI.",
		Actions:     []int64{actionID["IME.1.NETWORK"], actionID["GM.1.REFERRALS"], actionID["FER.1.VJFERI"], actionID["EMP.1.JPMIRAI-INFO"]},
		Areas:       areas, Countries: []string{"KH", "ID", "VN", "PH", "TH", "JP"}, Public: true}
	if err := svc.SaveEventSystem(ctx, &workshop); err != nil {
		return fmt.Errorf("demo event: %w", err)
	}
	resources := []struct {
		r    workplan.Resource
		file *planservice.Upload
	}{
		{r: workplan.Resource{Kind: workplan.ResourceWorkshopOutcome, Lang: "en",
			Title:       "Joint Work Plan developed to improve access to remedies for migrant workers from South-East Asia to Japan",
			Description: "Report on the final regional workshop in Phnom Penh (11 February 2025) and the plan's four areas.",
			URL:         "https://www.acv-csciasia.org/2025/03/03/joint-work-plan-developed-to-improve-access-to-remedies-for-migrant-workers-from-south-east-asia-to-japan/",
			Published:   "2025-03-03", EventID: workshop.ID, Areas: areas, Countries: []string{"KH", "ID", "VN", "PH", "TH", "JP"}, Languages: []string{"en"}, Public: true}},
		{r: workplan.Resource{Kind: workplan.ResourceDocument, Lang: "en",
			Title:       "Survey for co-creating a Joint Work Plan for improving access to remedy of migrant workers from South-East Asia to Japan (RAS/24/03/JPN)",
			Description: "The ILO project, funded by JICA, that prepared the plan (15 March – 22 November 2024), focused on Cambodia, Indonesia and Viet Nam.",
			URL:         "http://scassn.org/survey-co-creating-joint-work-plan-improving-access-remedy-migrant-workers.html",
			Areas:       areas, Countries: []string{"KH", "ID", "VN", "JP"}, Languages: []string{"en"}, Public: true}},
		{r: workplan.Resource{Kind: workplan.ResourceGuideline, Lang: "en",
			Title:       "General principles and operational guidelines for fair recruitment (ILO)",
			Description: "The ILO's principles and guidelines for fair recruitment, with the definition of recruitment fees and related costs.",
			URL:         "https://migrationnetwork.un.org/resources/general-principles-and-operational-guidelines-fair-recruitment-and-definition-recruitment",
			Areas:       []int64{plan.Areas[2].ID}, Countries: []string{"VN", "JP", "KH", "ID"}, Languages: []string{"en"}, Public: true}},
		{r: workplan.Resource{Kind: workplan.ResourceWorkshopOutcome, Lang: "en", Title: "Notes for the network's first meeting (demo file)",
			Description: "A small uploaded text file, to show how documents are kept in the library.", EventID: workshop.ID,
			Areas: []int64{plan.Areas[3].ID}, Countries: []string{"KH"}, Languages: []string{"en"}, Public: true},
			file: &planservice.Upload{Name: "network-notes-demo.txt", Content: []byte("Notes for the network's first meeting (demo)\n\n1. Share documents in the library, tagged by area, country and language.\n2. Report progress on each action, with its date.\n3. Review the indicators together every quarter.\n")}},
	}
	for _, x := range resources {
		r := x.r
		if err := svc.SaveResourceSystem(ctx, &r, x.file); err != nil {
			return fmt.Errorf("demo resource %q: %w", r.Title, err)
		}
	}
	const email = "coordinator@demo.remedy"
	secret, err := d.Staff.AddPerson(ctx, org.Person{OrgID: orgID[orgDesk], Email: email, Role: org.Coordinator}, DemoPassword, "system")
	if err != nil {
		return fmt.Errorf("demo person %s: %w", email, err)
	}
	d.addAccount(Account{Email: email, Role: string(org.Coordinator), TOTPSecret: secret})
	return nil
}
