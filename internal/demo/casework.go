package demo

import (
	"context"
	"fmt"

	"remedy/internal/access"
	"remedy/internal/casework"
	"remedy/internal/grievance"
)

// moreSamples are three more fictional cases, so that the demo has a case
// in every status.
var moreSamples = []grievance.Submission{
	{Language: "vi", OriginCountry: "VN", Program: "skill_development", Prefecture: "JP-21",
		Categories: []string{"wages.deductions", "housing.charges"},
		Narrative:  "Công ty trừ tiền nhà và tiền điện quá nhiều, mỗi tháng tôi chỉ còn lại rất ít.",
		Contact:    grievance.Contact{Channel: "none"}},
	{Language: "id", OriginCountry: "ID", Program: "technical_intern", Prefecture: "JP-14",
		Categories: []string{"recruitment.fees"},
		Narrative:  "Saya membayar biaya penempatan yang sangat besar kepada lembaga di Jakarta.",
		Contact:    grievance.Contact{Channel: "none"}},
	{Language: "fil", OriginCountry: "PH", Program: "specified_skilled", Prefecture: "JP-28",
		Categories: []string{"hours.excessive"},
		Narrative:  "Labindalawang oras kami nagtatrabaho araw-araw at walang day off.",
		Contact:    grievance.Contact{Channel: "none"}},
}

// seedCasework walks the sample cases through case handling with the demo
// staff, so that every status, referral status and remedy type shows up:
// received, acknowledged, in review, referred (awaiting acknowledgement),
// in dialogue, remedy proposed, accepted and implemented, closed with the
// worker's rating, out of scope, withdrawn and escalated.
func seedCasework(ctx context.Context, d Deps, caseIDs []int64) error {
	db := d.Intake.DB
	cw := &casework.Service{DB: db, Keys: d.Intake.Keys, Now: d.Intake.Now, Rand: d.Intake.Rand, Limits: grievance.DefaultStageLimits}
	cw.Limits.Acknowledge = d.Intake.Deadlines
	actor := func(email string) (access.Actor, error) {
		rec, err := db.PersonByEmail(ctx, email)
		if err != nil {
			return access.Actor{}, fmt.Errorf("demo person %s: %w", email, err)
		}
		return access.Actor{Kind: access.Staff, PersonID: rec.Person.ID, OrgID: rec.Org.ID, OrgType: rec.Org.Type, Role: rec.Person.Role}, nil
	}
	people := map[string]access.Actor{}
	for _, email := range []string{"caseworker@demo.remedy", "employer@demo.remedy", "kumiai@demo.remedy", "agency.vn@demo.remedy",
		"agency.id@demo.remedy", "inspector@demo.remedy", "union@demo.remedy"} {
		a, err := actor(email)
		if err != nil {
			return err
		}
		people[email] = a
	}
	staffer := people["caseworker@demo.remedy"]
	orgOf := func(email string) int64 { return people[email].OrgID }

	ids := append([]int64(nil), caseIDs...)
	for i, sub := range moreSamples {
		r, err := d.Intake.Submit(ctx, sub, "")
		if err != nil {
			return fmt.Errorf("demo sample %d: %w", len(caseIDs)+i, err)
		}
		ids = append(ids, r.CaseID)
	}
	if len(ids) < 12 {
		return fmt.Errorf("demo: %d cases, want 12", len(ids))
	}
	refs := make([]string, len(ids))
	for i, id := range ids {
		rec, err := db.CaseworkByID(ctx, id)
		if err != nil {
			return err
		}
		refs[i] = rec.Case.Reference
	}

	var err error
	step := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	move := func(i int, to ...grievance.Status) {
		for _, s := range to {
			step(func() error {
				return cw.Transition(ctx, staffer, refs[i], casework.TransitionInput{To: s})
			})
		}
	}
	refer := func(i int, email, note string) (id int64) {
		step(func() error {
			r, e := cw.Refer(ctx, staffer, refs[i], orgOf(email), note)
			id = r.ID
			return e
		})
		return id
	}
	ack := func(email string, referral int64, accept bool, reason string) {
		step(func() error {
			_, _, e := cw.AcknowledgeReferral(ctx, people[email], referral, accept, reason)
			return e
		})
	}
	say := func(email string, i int, body string, referral int64) {
		step(func() error {
			who := staffer
			if email != "" {
				who = people[email]
			}
			_, e := cw.AddMessage(ctx, who, refs[i], body, referral)
			return e
		})
	}
	propose := func(email string, i int, in casework.RemedyInput) (id int64) {
		step(func() error {
			who := staffer
			if email != "" {
				who = people[email]
			}
			m, e := cw.ProposeRemedy(ctx, who, refs[i], in)
			id = m.ID
			return e
		})
		return id
	}
	decide := func(i int, remedy int64, accept bool) {
		step(func() error { return cw.DecideRemedy(ctx, ids[i], remedy, accept) })
	}
	implemented := func(i int, remedy int64, evidence string) {
		step(func() error {
			_, e := cw.RecordImplemented(ctx, staffer, refs[i], remedy, evidence)
			return e
		})
	}
	ackd := []grievance.Status{grievance.StatusAcknowledged, grievance.StatusInReview}

	// 0, Vietnamese wages case: referred to the employer and to the
	// sending agency in Viet Nam; the employer proposes back pay.
	move(0, ackd...)
	r := refer(0, "employer@demo.remedy", "Unpaid wages for September and October and unpaid overtime (sample).")
	refer(0, "agency.vn@demo.remedy", "Please check the contract the worker signed in Viet Nam (sample).")
	ack("employer@demo.remedy", r, true, "")
	say("employer@demo.remedy", 0, "We are checking the payroll records (sample).", 0)
	propose("employer@demo.remedy", 0, casework.RemedyInput{Type: string(grievance.RemedyRestitution), Amount: "480000", Currency: "JPY",
		DueDate: "2026-12-25", Description: "Trả đủ lương tháng 9 và tháng 10 (mẫu)."})

	// 1, Indonesian passport case: referred, awaiting acknowledgement.
	move(1, ackd...)
	refer(1, "kumiai@demo.remedy", "Passport and residence card kept by the supervising organisation (sample).")
	refer(1, "inspector@demo.remedy", "For information: documents retained (sample).")

	// 2, Khmer debt case: in review.
	move(2, ackd...)

	// 3, Filipino harassment case: in dialogue with the caseworker.
	move(3, append(ackd, grievance.StatusInDialogue)...)
	say("", 3, "Maaari po ba kayong makipag-usap sa amin sa telepono ngayong linggo? (sample)", 0)

	// 4, Thai housing case: closed after the rent was refunded; rated.
	move(4, ackd...)
	r = refer(4, "employer@demo.remedy", "Dormitory: 6 people in one room, 40,000 yen a month (sample).")
	ack("employer@demo.remedy", r, true, "")
	m := propose("employer@demo.remedy", 4, casework.RemedyInput{Type: string(grievance.RemedyCompensation), Amount: "90000", Currency: "JPY",
		Description: "คืนค่าห้องที่เก็บเกินสามเดือน (ตัวอย่าง)"})
	decide(4, m, true)
	implemented(4, m, "Refund seen on the pay slip of December (sample).")
	move(4, grievance.StatusClosed)
	step(func() error {
		no := false
		_, e := cw.GiveFeedback(ctx, ids[4], 4, &no)
		return e
	})

	// 5, Burmese injury case: the worker accepted medical care.
	move(5, append(ackd, grievance.StatusInDialogue)...)
	m = propose("", 5, casework.RemedyInput{Type: string(grievance.RemedyRehabilitation), Description: "ဆေးရုံတွင် ကုသမှု ခံယူရန် (နမူနာ)"})
	decide(5, m, true)

	// 6, Nepali contract case: acknowledged.
	move(6, grievance.StatusAcknowledged)

	// 7, pregnancy and threats: escalated to the labour inspection office.
	move(7, grievance.StatusAcknowledged)
	step(func() error {
		return cw.Transition(ctx, staffer, refs[7], casework.TransitionInput{To: grievance.StatusEscalated,
			EscalatedTo: grievance.EscalateLabourInspection, Note: "Dismissal threat over pregnancy (sample)."})
	})

	// 8, a question about changing employer: out of scope, with where to go.
	step(func() error {
		return cw.Transition(ctx, staffer, refs[8], casework.TransitionInput{To: grievance.StatusOutOfScope,
			Reason:     "This is a question about the rules, not a complaint (sample).",
			RedirectTo: "Foreign Residents Support Center (FRESC), 0120-76-2029 (sample)."})
	})

	// 9 stays received. 10, the Indonesian fee case: the agency refunds the
	// fee, carried out. 11, the Filipino hours case: withdrawn.
	move(10, ackd...)
	r = refer(10, "agency.id@demo.remedy", "Placement fee above the legal cap (sample).")
	ack("agency.id@demo.remedy", r, true, "")
	m = propose("agency.id@demo.remedy", 10, casework.RemedyInput{Type: string(grievance.RemedyRestitution), Amount: "15000000", Currency: "IDR",
		Description: "Pengembalian biaya penempatan (contoh)."})
	decide(10, m, true)
	implemented(10, m, "Transfer receipt from the agency (sample).")
	move(11, grievance.StatusAcknowledged)
	step(func() error { return cw.Withdraw(ctx, ids[11]) })
	return err
}
