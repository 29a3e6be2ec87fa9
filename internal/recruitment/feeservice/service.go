// Package feeservice is the fee-report side of fair recruitment: it checks
// reports against the rules in force, stores them with a receipt, turns
// them into grievances through the intake service, and keeps the rules
// and exchange rates current. It joins recruitment (the domain), vault,
// store and intake; web and the demo call it.
package feeservice

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/intake"
	"remedy/internal/recruitment"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// GrantLifetime is how long the "make this a grievance" button of a
// result page works.
const GrantLifetime = 2 * time.Hour

// Service handles fee reports, fee rules and exchange rates.
type Service struct {
	DB     *store.DB
	Keys   *vault.Keyring
	Now    func() time.Time
	Rand   io.Reader
	Intake *intake.Service // grievances made from reports go through intake
	Bundle *i18n.Bundle    // for the grievance text, in the worker's language
}

// New returns a Service that shares the intake service's store, keys,
// clock and randomness.
func New(in *intake.Service, bundle *i18n.Bundle) *Service {
	return &Service{DB: in.DB, Keys: in.Keys, Now: in.Now, Rand: in.Rand, Intake: in, Bundle: bundle}
}

// Rules returns every stored rule version, storing first the bundled
// versions (data/fee-rules.json) not stored yet.
func (s *Service) Rules(ctx context.Context) (recruitment.RuleSet, error) {
	keys, err := s.DB.FeeRuleKeys(ctx)
	if err != nil {
		return nil, err
	}
	var missing []recruitment.Rule
	for _, r := range recruitment.BundledRules() {
		if !keys[r.Key()] {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		if _, err := s.DB.EnsureFeeRules(ctx, missing, s.Now()); err != nil {
			return nil, err
		}
	}
	return s.DB.FeeRules(ctx)
}

// Converter returns a converter with the bundled rates, the imported ones
// over them, and the report's own rates over both.
func (s *Service) Converter(ctx context.Context, own map[string]float64) (recruitment.Converter, error) {
	imported, err := s.DB.ExchangeRates(ctx)
	if err != nil {
		return recruitment.Converter{}, err
	}
	return recruitment.Converter{Table: recruitment.NewRateTable(recruitment.BundledRates(), imported), Own: own}, nil
}

// Check normalizes and validates rep (the report date defaults to today
// in Japan) and checks it against the rules in force on its date. It
// stores nothing.
func (s *Service) Check(ctx context.Context, rep recruitment.Report) (recruitment.Report, recruitment.Result, error) {
	rep.Normalize()
	today := recruitment.Today(s.Now())
	if rep.ReportDate == "" {
		rep.ReportDate = today
	}
	if errs := rep.Validate(today, i18n.IsSupported); len(errs) > 0 {
		return rep, recruitment.Result{}, apperr.Validation(errs)
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return rep, recruitment.Result{}, err
	}
	conv, err := s.Converter(ctx, rep.OwnRates)
	if err != nil {
		return rep, recruitment.Result{}, err
	}
	res, err := recruitment.CheckReport(&rep, rules, conv)
	return rep, res, err
}

// Created is what the worker gets back once a report is stored. The
// receipt and the grant token exist only here and in the worker's hands.
type Created struct {
	ID        int64
	Reference string
	Receipt   string
	Grant     string // the "make this a grievance" token of the result page
	Report    recruitment.Report
	Result    recruitment.Result
}

func notesAAD(ref string) []byte { return []byte("fee_report:" + ref + ":notes") }

func paidToAAD(ref string, i int) []byte {
	return []byte(fmt.Sprintf("fee_report:%s:item:%d:paid_to", ref, i))
}

// seal makes the report's data key and seals its free text.
func (s *Service) seal(rec *store.FeeReportRecord) error {
	dek, wrapped, err := s.Keys.NewDataKey(s.Rand)
	if err != nil {
		return err
	}
	rec.WrappedKey = wrapped
	if rec.Report.Notes != "" {
		if rec.SealedNotes, err = vault.Seal(dek, []byte(rec.Report.Notes), notesAAD(rec.Reference), s.Rand); err != nil {
			return err
		}
	}
	rec.SealedPaidTo = make([][]byte, len(rec.Report.Items))
	for i, it := range rec.Report.Items {
		if it.PaidTo == "" {
			continue
		}
		if rec.SealedPaidTo[i], err = vault.Seal(dek, []byte(it.PaidTo), paidToAAD(rec.Reference, i), s.Rand); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) newGrant() (string, []byte, error) {
	token, err := vault.NewToken(s.Rand)
	if err != nil {
		return "", nil, err
	}
	return token, s.Keys.MAC("fee-grievance", []byte(token)), nil
}

// Submit checks a worker's report and stores it with a new receipt, in one
// transaction with its audit entry. channel is store.ChannelWeb or
// store.ChannelAPI.
func (s *Service) Submit(ctx context.Context, rep recruitment.Report, channel string) (Created, error) {
	rep, res, err := s.Check(ctx, rep)
	if err != nil {
		return Created{}, err
	}
	ref, err := recruitment.NewReference(s.Rand)
	if err != nil {
		return Created{}, err
	}
	digits, err := vault.NewReceipt(s.Rand)
	if err != nil {
		return Created{}, err
	}
	grant, grantHash, err := s.newGrant()
	if err != nil {
		return Created{}, err
	}
	now := s.Now().UTC().Truncate(time.Millisecond)
	rec := store.FeeReportRecord{
		Reference: ref, ReceiptHash: s.Keys.ReceiptLookupHash(digits), Channel: channel, Report: rep, Result: res,
		GrantHash: grantHash, GrantExpiresAt: now.Add(GrantLifetime), CreatedAt: now,
	}
	if err := s.seal(&rec); err != nil {
		return Created{}, err
	}
	c := res.Counts()
	entry := audit.Entry{At: now, Actor: "worker", Action: "fee_report.created", Detail: fmt.Sprintf(
		"reference=%s origin=%s program=%s violations=%d concerns=%d notes=%d", ref, rep.OriginCountry, rep.Program,
		c[recruitment.Violation], c[recruitment.Concern], c[recruitment.Note])}
	if err := s.DB.CreateFeeReport(ctx, &rec, entry); err != nil {
		return Created{}, err
	}
	return Created{ID: rec.ID, Reference: ref, Receipt: digits, Grant: grant, Report: rep, Result: res}, nil
}

// View is a stored report as its worker sees it again: free text opened,
// and a fresh grant when it is not a grievance yet.
type View struct {
	Record store.FeeReportRecord
	Grant  string
}

func errWrongReceipt() error { return apperr.New(apperr.Unauthorized, "error.unauthorized") }

// byReceipt finds the report a receipt opens; any mismatch is the same
// Unauthorized error.
func (s *Service) byReceipt(ctx context.Context, receipt string) (store.FeeReportRecord, error) {
	digits, ok := vault.NormalizeReceipt(receipt)
	if !ok {
		return store.FeeReportRecord{}, errWrongReceipt()
	}
	rec, err := s.DB.FeeReportByReceiptHash(ctx, s.Keys.ReceiptLookupHash(digits))
	if apperr.CodeOf(err) == apperr.NotFound {
		return rec, errWrongReceipt()
	}
	return rec, err
}

// Open returns the report a receipt opens, with its free text, and a new
// "make this a grievance" token unless it already is one.
func (s *Service) Open(ctx context.Context, receipt string) (View, error) {
	rec, err := s.byReceipt(ctx, receipt)
	if err != nil {
		return View{}, err
	}
	if err := s.unseal(&rec); err != nil {
		return View{}, err
	}
	v := View{Record: rec}
	if rec.CaseID == 0 {
		token, h, err := s.newGrant()
		if err != nil {
			return View{}, err
		}
		if err := s.DB.SetFeeReportGrant(ctx, rec.ID, h, s.Now().Add(GrantLifetime)); err != nil {
			return View{}, err
		}
		v.Grant = token
	}
	return v, nil
}

func (s *Service) unseal(rec *store.FeeReportRecord) error {
	dek, err := s.Keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		return fmt.Errorf("feeservice: unwrap report key: %w", err)
	}
	if len(rec.SealedNotes) > 0 {
		b, err := vault.Open(dek, rec.SealedNotes, notesAAD(rec.Reference))
		if err != nil {
			return fmt.Errorf("feeservice: open notes: %w", err)
		}
		rec.Report.Notes = string(b)
	}
	for i, sealed := range rec.SealedPaidTo {
		if len(sealed) == 0 || i >= len(rec.Report.Items) {
			continue
		}
		b, err := vault.Open(dek, sealed, paidToAAD(rec.Reference, i))
		if err != nil {
			return fmt.Errorf("feeservice: open item: %w", err)
		}
		rec.Report.Items[i].PaidTo = string(b)
	}
	return nil
}

// Grievance is the case made from a report.
type Grievance struct {
	Receipt intake.Receipt
	Report  store.FeeReportRecord
}

// MakeGrievance turns the report of a result page into a grievance: the
// token is the page's grant. The case is made by the intake service like
// any other (sealed, with its receipt and audit entry), with the report's
// facts and the categories recruitment.fees (+ deposit, debt), and linked
// to the report. Sending the same token again (a double tap) answers with
// the same case and receipt.
func (s *Service) MakeGrievance(ctx context.Context, token string) (Grievance, error) {
	if token == "" || len(token) > 200 {
		return Grievance{}, apperr.New(apperr.NotFound, "fees.error.grant_expired")
	}
	rec, err := s.DB.FeeReportByGrantHash(ctx, s.Keys.MAC("fee-grievance", []byte(token)), s.Now())
	if apperr.CodeOf(err) == apperr.NotFound {
		return Grievance{}, apperr.New(apperr.NotFound, "fees.error.grant_expired")
	}
	if err != nil {
		return Grievance{}, err
	}
	return s.makeGrievance(ctx, rec, "fee-grievance:"+token)
}

// MakeGrievanceByReceipt does the same for the holder of a report's
// receipt (the API). A report that is a grievance already is a conflict.
func (s *Service) MakeGrievanceByReceipt(ctx context.Context, receipt string) (Grievance, error) {
	rec, err := s.byReceipt(ctx, receipt)
	if err != nil {
		return Grievance{}, err
	}
	if rec.CaseID != 0 {
		return Grievance{}, apperr.New(apperr.Conflict, "fees.error.already_grievance")
	}
	key := hex.EncodeToString(s.Keys.MAC("fee-grievance-receipt", []byte(rec.Reference)))
	return s.makeGrievance(ctx, rec, key)
}

func (s *Service) makeGrievance(ctx context.Context, rec store.FeeReportRecord, idemKey string) (Grievance, error) {
	sub := s.submission(rec)
	r, err := s.Intake.Submit(ctx, sub, idemKey)
	if apperr.CodeOf(err) == apperr.Conflict {
		return Grievance{}, apperr.New(apperr.Conflict, "fees.error.already_grievance")
	}
	if err != nil {
		return Grievance{}, err
	}
	entry := audit.Entry{At: s.Now(), Actor: "worker", Action: "fee_report.grievance", CaseRef: r.Reference,
		Detail: "fee_report=" + rec.Reference}
	if err := s.DB.LinkFeeReportCase(ctx, rec.ID, r.CaseID, entry); err != nil {
		return Grievance{}, err
	}
	rec.CaseID = r.CaseID
	return Grievance{Receipt: r, Report: rec}, nil
}

// AttachToCase links a report the worker made from their case page to that
// case (their session proves it is theirs) and returns the case reference.
func (s *Service) AttachToCase(ctx context.Context, reportID, caseID int64) (string, error) {
	c, err := s.DB.CaseByID(ctx, caseID)
	if err != nil {
		return "", err
	}
	entry := audit.Entry{At: s.Now(), Actor: "worker", Action: "fee_report.linked", CaseRef: c.Case.Reference}
	if err := s.DB.LinkFeeReportCase(ctx, reportID, caseID, entry); err != nil {
		return "", err
	}
	return c.Case.Reference, nil
}

// submission is the grievance a report becomes: its facts and findings in
// the worker's language as the story, the agency as the sending
// organisation, anonymous (the worker may add contact details later by
// writing in the case).
func (s *Service) submission(rec store.FeeReportRecord) grievance.Submission {
	rep, res := rec.Report, rec.Result
	p := s.Bundle.Printer(rep.Language)
	var b strings.Builder
	months := "-"
	if res.HasEarnings {
		months = fmt.Sprintf("%.1f", res.MonthsOfEarnings)
	}
	b.WriteString(p.T("fees.grievance.narrative", rec.Reference, recruitment.FormatJPY(res.TotalJPY), months, rep.ReportDate))
	for _, f := range res.Findings {
		if f.Severity == recruitment.Note {
			continue
		}
		b.WriteString("\n\n• [" + p.T("fees.severity."+string(f.Severity)) + "] " + recruitment.Explain(p, f) + " (" + f.RuleID + ")")
	}
	if res.DebtJPY > 0 {
		b.WriteString("\n\n• " + p.T("fees.grievance.debt", recruitment.FormatJPY(res.DebtJPY)))
	}
	narrative := b.String()
	if utf8.RuneCountInString(narrative) > grievance.MaxNarrative-100 {
		narrative = string([]rune(narrative)[:grievance.MaxNarrative-100])
	}
	return grievance.Submission{
		Language: rep.Language, OriginCountry: rep.OriginCountry, Program: rep.Program,
		Categories: recruitment.Categories(&rep), Narrative: narrative, SendingOrgName: rep.AgencyName,
		Contact: grievance.Contact{Channel: "none"},
	}
}

// ImportResult says what a rules import did.
type ImportResult struct {
	Added     []string // "ID@version" added
	Unchanged []string // versions given that exist already
}

// AddRules adds rule versions (a new rule is version 1; a rule that exists
// gets the next version, which closes the window of the one before). A
// rule that names a version that exists already is left as it is. Only
// the mechanism's admins may do it; it is audited.
func (s *Service) AddRules(ctx context.Context, actor access.Actor, rules []recruitment.Rule) (ImportResult, error) {
	var out ImportResult
	if !access.CanRecruitment(actor, access.ManageFeeRules) {
		return out, apperr.New(apperr.NotFound, "error.not_found")
	}
	if len(rules) == 0 || len(rules) > 500 {
		return out, apperr.Validation([]apperr.FieldError{{Field: "rules", Key: "fees.error.rules_empty"}})
	}
	existing, err := s.Rules(ctx)
	if err != nil {
		return out, err
	}
	set := append(recruitment.RuleSet{}, existing...)
	stored := map[string]bool{}
	for _, r := range existing {
		stored[r.Key()] = true
	}
	var added []recruitment.Rule
	closed := map[string]recruitment.Rule{}
	var errs []apperr.FieldError
	for i, r := range rules {
		r.Normalize()
		prefix := ""
		if len(rules) > 1 {
			prefix = fmt.Sprintf("rules.%d.", i)
		}
		if r.Version > 0 && stored[r.Key()] {
			out.Unchanged = append(out.Unchanged, r.Key())
			continue
		}
		fe := r.Validate()
		if len(fe) == 0 {
			var c []recruitment.Rule
			r, c, err = recruitment.Supersede(set, r)
			var ae *apperr.Error
			if errors.As(err, &ae) {
				fe = ae.Fields
			} else if err != nil {
				return out, err
			}
			for _, x := range c {
				replaced := false
				for j := range added {
					if added[j].Key() == x.Key() {
						added[j], replaced = x, true
					}
				}
				for j := range set {
					if set[j].Key() == x.Key() {
						set[j] = x
					}
				}
				if !replaced {
					closed[x.Key()] = x
				}
			}
		}
		if len(fe) > 0 {
			for _, e := range fe {
				e.Field = prefix + e.Field
				errs = append(errs, e)
			}
			continue
		}
		added = append(added, r)
		set = append(set, r)
	}
	if len(errs) > 0 {
		return out, apperr.Validation(errs)
	}
	if len(added) == 0 {
		return out, nil
	}
	var closedList []recruitment.Rule
	for _, c := range closed {
		closedList = append(closedList, c)
	}
	for _, r := range added {
		out.Added = append(out.Added, r.Key())
	}
	now := s.Now()
	by := staffName(actor)
	entry := audit.Entry{At: now, Actor: by, Action: "fee_rules.changed",
		Detail: "added=" + strings.Join(out.Added, ",") + fmt.Sprintf(" closed=%d", len(closedList))}
	return out, s.DB.AddFeeRuleVersions(ctx, added, closedList, by, now, entry)
}

func staffName(a access.Actor) string { return fmt.Sprintf("staff:%d", a.PersonID) }

// ImportRules reads a JSON rules file (as fee-rules.json, an array, or one
// rule) and adds its rules as AddRules does.
func (s *Service) ImportRules(ctx context.Context, actor access.Actor, data []byte) (ImportResult, error) {
	if !access.CanRecruitment(actor, access.ManageFeeRules) {
		return ImportResult{}, apperr.New(apperr.NotFound, "error.not_found")
	}
	rules, err := recruitment.ParseRules(data)
	if err != nil {
		return ImportResult{}, apperr.Validation([]apperr.FieldError{{Field: "rules", Key: "fees.error.rules_json"}})
	}
	return s.AddRules(ctx, actor, rules)
}

// ImportRates reads an exchange-rate CSV (month,currency,per_usd,source)
// and stores its rows over the bundled table. Admins only; audited.
func (s *Service) ImportRates(ctx context.Context, actor access.Actor, data io.Reader) (int, error) {
	if !access.CanRecruitment(actor, access.ManageFeeRules) {
		return 0, apperr.New(apperr.NotFound, "error.not_found")
	}
	rates, err := recruitment.ParseRates(io.LimitReader(data, 4<<20))
	if err != nil || len(rates) == 0 || len(rates) > 20000 {
		return 0, apperr.Validation([]apperr.FieldError{{Field: "rates", Key: "fees.error.rates_csv"}})
	}
	now := s.Now()
	entry := audit.Entry{At: now, Actor: staffName(actor), Action: "exchange_rates.imported", Detail: fmt.Sprintf("rows=%d", len(rates))}
	return len(rates), s.DB.PutExchangeRates(ctx, rates, now, entry)
}

// StoreChecked stores already-built reports without receipts (a survey
// import, the demo): each is checked against the rules in force on its
// date, and all go in one transaction with one audit entry. It does not
// pay the Argon2 cost of receipts.
func (s *Service) StoreChecked(ctx context.Context, reps []recruitment.Report, channel, actor string) (int, error) {
	rules, err := s.Rules(ctx)
	if err != nil {
		return 0, err
	}
	conv, err := s.Converter(ctx, nil)
	if err != nil {
		return 0, err
	}
	now := s.Now().UTC().Truncate(time.Millisecond)
	recs := make([]store.FeeReportRecord, 0, len(reps))
	for i := range reps {
		rep := reps[i]
		rep.Normalize()
		c := conv
		c.Own = rep.OwnRates
		res, err := recruitment.CheckReport(&rep, rules, c)
		if err != nil {
			return 0, err
		}
		ref, err := recruitment.NewReference(s.Rand)
		if err != nil {
			return 0, err
		}
		rec := store.FeeReportRecord{Reference: ref, Channel: channel, Report: rep, Result: res, CreatedAt: now}
		if err := s.seal(&rec); err != nil {
			return 0, err
		}
		recs = append(recs, rec)
	}
	entry := audit.Entry{At: now, Actor: actor, Action: "fee_reports.imported", Detail: fmt.Sprintf("channel=%s reports=%d", channel, len(recs))}
	return len(recs), s.DB.InsertFeeReports(ctx, recs, entry)
}
