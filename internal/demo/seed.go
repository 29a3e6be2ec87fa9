// Package demo fills an empty store with a realistic sample, so that a
// newcomer sees a living system. Every sample is fictional.
package demo

import (
	"context"
	"fmt"

	"remedy/internal/grievance"
	"remedy/internal/intake"
	"remedy/internal/staff"
)

type sample struct {
	sub      grievance.Submission
	messages []struct{ author, body string }
}

func msg(author, body string) struct{ author, body string } {
	return struct{ author, body string }{author, body}
}

// samples are fictional cases in several languages and risks.
var samples = []sample{
	{sub: grievance.Submission{
		Language: "vi", OriginCountry: "VN", Program: "technical_intern", Prefecture: "JP-23",
		Categories:   []string{"wages.unpaid", "wages.overtime", "hours.excessive"},
		Narrative:    "Công ty chưa trả lương tháng 9 và tháng 10. Chúng tôi làm thêm giờ mỗi ngày đến 10 giờ tối nhưng không được trả tiền làm thêm.",
		EmployerName: "(mẫu) Công ty đúc kim loại A", Contact: grievance.Contact{Channel: "none"},
	}, messages: []struct{ author, body string }{
		msg(grievance.AuthorStaff, "Chào bạn, chúng tôi đã nhận được thông tin. Bạn có giữ phiếu lương hoặc ghi chép giờ làm không?"),
		msg(grievance.AuthorWorker, "Tôi có chụp ảnh bảng chấm công trong điện thoại."),
	}},
	{sub: grievance.Submission{
		Language: "id", OriginCountry: "ID", Program: "specified_skilled", Prefecture: "JP-08",
		Categories:    []string{"documents.retained"},
		Narrative:     "Paspor dan kartu izin tinggal saya disimpan oleh kumiai sejak saya datang. Mereka tidak mau mengembalikannya.",
		Contact:       grievance.Contact{Name: "(contoh) Budi", Channel: "whatsapp", Value: "+62 812 0000 0000"},
		ShareIdentity: false,
	}},
	{sub: grievance.Submission{
		Language: "km", OriginCountry: "KH", Program: "technical_intern", Prefecture: "JP-22",
		Categories: []string{"recruitment.debt", "recruitment.fees"},
		Narrative:  "ខ្ញុំបានបង់ប្រាក់ឱ្យភ្នាក់ងារច្រើនណាស់ ហើយនៅតែជំពាក់បំណុល។ ខ្ញុំត្រូវសងពីប្រាក់ខែរបស់ខ្ញុំ។",
		Contact:    grievance.Contact{Channel: "none"},
	}},
	{sub: grievance.Submission{
		Language: "fil", OriginCountry: "PH", Program: "specified_skilled", Prefecture: "JP-13",
		Categories: []string{"harassment.verbal"},
		Narrative:  "Palagi akong sinisigawan at minumura ng supervisor ko sa harap ng ibang tao.",
		Contact:    grievance.Contact{Channel: "email", Value: "sample.worker@example.org"}, ShareIdentity: true,
	}, messages: []struct{ author, body string }{
		msg(grievance.AuthorStaff, "Salamat sa pagsabi sa amin. Kailan po ito huling nangyari?"),
	}},
	{sub: grievance.Submission{
		Language: "th", OriginCountry: "TH", Program: "technical_intern", Prefecture: "JP-11",
		Categories: []string{"housing.conditions", "housing.charges"},
		Narrative:  "หอพักมีคนอยู่ 6 คนในห้องเดียว และบริษัทหักค่าห้องเดือนละ 40,000 เยน",
		Contact:    grievance.Contact{Channel: "line", Value: "sample-line-id"},
	}},
	{sub: grievance.Submission{
		Language: "my", OriginCountry: "MM", Program: "specified_skilled", Prefecture: "JP-40",
		Categories: []string{"safety.injury", "health.access"},
		Narrative:  "အလုပ်မှာ လက်ထိခိုက်ခဲ့ပါတယ်။ ဆရာဝန်ဆီ သွားခွင့်မပေးပါဘူး။",
		Contact:    grievance.Contact{Channel: "messenger", Value: "sample.messenger"},
	}},
	{sub: grievance.Submission{
		Language: "ne", OriginCountry: "NP", Program: "other", Prefecture: "JP-27",
		Categories: []string{"contract.substitution"},
		Narrative:  "मलाई भनिएको काम र तलब फरक छ। सम्झौतामा लेखिएको भन्दा कम तलब दिइन्छ।",
		Contact:    grievance.Contact{Channel: "none"},
	}},
	{sub: grievance.Submission{
		Language: "ja", OriginCountry: "VN", Program: "technical_intern", Prefecture: "JP-34",
		Categories: []string{"discrimination.pregnancy", "threats"},
		Narrative:  "妊娠したと言ったら、国に帰れと言われました。帰らないと給料を払わないと言われています。",
		Contact:    grievance.Contact{Channel: "none"},
	}},
	{sub: grievance.Submission{
		Language: "en", OriginCountry: "PH", Program: "skill_development", Prefecture: "JP-01",
		Categories: []string{"other"},
		Narrative:  "I would like to know how to change to another employer in the same field.",
		Contact:    grievance.Contact{Channel: "none"},
	}},
}

// Deps are the services the demo goes through, exactly as people do.
type Deps struct {
	Intake *intake.Service
	Staff  *staff.Service

	accounts *[]Account // where Seed collects the demo accounts it makes
}

// Seed fills an empty store: sample cases, then what each later capability
// adds (organisations and staff, case handling, fee reports, the plan). It
// returns how many cases it added (0 when the store was not empty) and the
// staff accounts it made, to show how to sign in.
func Seed(ctx context.Context, d Deps) (int, []Account, error) {
	n, err := d.Intake.DB.CountCases(ctx)
	if err != nil {
		return 0, nil, err
	}
	if n > 0 {
		return 0, nil, nil
	}
	var accounts []Account
	d.accounts = &accounts
	ids, err := seedCases(ctx, d)
	if err != nil {
		return 0, nil, err
	}
	for _, seed := range []func(context.Context, Deps, []int64) error{seedOrganizations, seedCasework, seedRecruitment, seedRegistry, seedWorkplan} {
		if err := seed(ctx, d, ids); err != nil {
			return len(ids), accounts, err
		}
	}
	return len(ids), accounts, nil
}

// seedCases files the sample grievances and returns their case ids.
func seedCases(ctx context.Context, d Deps) ([]int64, error) {
	var ids []int64
	for i, s := range samples {
		rec, err := d.Intake.Submit(ctx, s.sub, "")
		if err != nil {
			return ids, fmt.Errorf("sample %d: %w", i, err)
		}
		for _, m := range s.messages {
			if _, err := d.Intake.AddMessage(ctx, rec.CaseID, m.author, m.body); err != nil {
				return ids, fmt.Errorf("sample %d message: %w", i, err)
			}
		}
		ids = append(ids, rec.CaseID)
	}
	return ids, nil
}
