package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/recruitment"
)

// FeeReportRecord is a fee report as stored: the report's clear fields,
// the result of its check, and its sealed parts. Report.Items[i].PaidTo
// and Report.Notes are never written in clear: SealedPaidTo[i] and
// SealedNotes hold them, sealed under the report's key.
type FeeReportRecord struct {
	ID             int64
	Reference      string
	ReceiptHash    []byte // nil for imports and the demo
	Channel        string
	Report         recruitment.Report
	Result         recruitment.Result
	WrappedKey     []byte
	SealedNotes    []byte
	SealedPaidTo   [][]byte // per item, nil when empty
	GrantHash      []byte
	GrantExpiresAt time.Time
	CaseID         int64
	CreatedAt      time.Time
}

// Fee report channels.
const (
	ChannelWeb    = "web"
	ChannelAPI    = "api"
	ChannelImport = "import"
	ChannelDemo   = "demo"
)

func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func insertFeeReport(ctx context.Context, tx *sql.Tx, rec *FeeReportRecord) error {
	rep, res := &rec.Report, &rec.Result
	var earnings, months any
	if rep.FirstMonthEarningsJPY > 0 {
		earnings = rep.FirstMonthEarningsJPY
	}
	if res.HasEarnings {
		months = res.MonthsOfEarnings
	}
	var grantExp any
	if len(rec.GrantHash) > 0 {
		grantExp = millis(rec.GrantExpiresAt)
	}
	year, _ := strconv.Atoi(rep.ReportDate[:4])
	err := tx.QueryRowContext(ctx, `INSERT INTO fee_reports (reference, receipt_hash, channel, language, origin_country,
		destination_country, program, occupation, sex, contract_months, monthly_wage_jpy, first_month_earnings_jpy,
		report_date, report_year, public_programme, agency_name, agency_licence, total_cost_jpy, total_cost_usd_cents,
		months_of_earnings, has_violation, has_loan, debt_outstanding_jpy, rates_approximate, grant_hash,
		grant_expires_at, created_at, wrapped_key, sealed_notes)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29)
		RETURNING id`,
		rec.Reference, nullBytes(rec.ReceiptHash), rec.Channel, rep.Language, rep.OriginCountry, rep.Destination,
		rep.Program, rep.Occupation, rep.Sex, rep.ContractMonths, rep.MonthlyWageJPY, earnings, rep.ReportDate, year,
		rep.PublicProgramme, rep.AgencyName, rep.AgencyLicence, res.TotalJPY, res.TotalUSDCents, months,
		res.HasViolation, rep.Loan != nil, res.DebtJPY, res.RatesApprox, nullBytes(rec.GrantHash), grantExp,
		millis(rec.CreatedAt), rec.WrappedKey, nullBytes(rec.SealedNotes)).Scan(&rec.ID)
	if isUniqueViolation(err) {
		return apperr.New(apperr.Conflict, "error.server")
	}
	if err != nil {
		return fmt.Errorf("store: insert fee report: %w", err)
	}
	for i, it := range rep.Items {
		var sealed []byte
		if i < len(rec.SealedPaidTo) {
			sealed = rec.SealedPaidTo[i]
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO fee_items (report_id, position, kind, amount, currency, amount_jpy,
			amount_usd_cents, jpy_per_unit, rate_source, paid_on, payee, sealed_paid_to, refunded)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
			rec.ID, i, it.Kind, it.Amount, it.Currency, it.AmountJPY, it.AmountUSDCents, it.JPYPerUnit, it.RateSource,
			it.PaidOn, it.Payee, nullBytes(sealed), it.Refunded); err != nil {
			return fmt.Errorf("store: insert fee item: %w", err)
		}
	}
	for _, f := range res.Findings {
		var capJPY any
		if f.HasCap {
			capJPY = f.CapJPY
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO fee_findings (report_id, rule_id, rule_version, check_index,
			check_kind, severity, rule_status, confidence, item_kinds, paid_jpy, cap_jpy, over_by_jpy)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
			rec.ID, f.RuleID, f.RuleVersion, f.CheckIndex, f.CheckKind, string(f.Severity), f.Status, f.Confidence,
			strings.Join(f.ItemKinds, ","), f.PaidJPY, capJPY, max(f.OverByJPY, 0)); err != nil {
			return fmt.Errorf("store: insert fee finding: %w", err)
		}
	}
	if l := rep.Loan; l != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fee_loans (report_id, amount, currency, amount_jpy, outstanding, outstanding_jpy)
			VALUES ($1,$2,$3,$4,$5,$6)`, rec.ID, l.Amount, l.Currency, l.AmountJPY, l.Outstanding, l.OutstandingJPY); err != nil {
			return fmt.Errorf("store: insert fee loan: %w", err)
		}
	}
	return nil
}

// CreateFeeReport writes a report, its items, findings and loan, and its
// audit entry in one transaction, and sets rec.ID.
func (db *DB) CreateFeeReport(ctx context.Context, rec *FeeReportRecord, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertFeeReport(ctx, tx, rec); err != nil {
			return err
		}
		return appendAudit(ctx, tx, entry)
	})
}

// InsertFeeReports writes many reports (a survey import, the demo) in one
// transaction with one audit entry. Such reports have no receipt.
func (db *DB) InsertFeeReports(ctx context.Context, recs []FeeReportRecord, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for i := range recs {
			if err := insertFeeReport(ctx, tx, &recs[i]); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, entry)
	})
}

const feeReportColumns = `id, reference, channel, language, origin_country, destination_country, program, occupation,
	sex, contract_months, monthly_wage_jpy, first_month_earnings_jpy, report_date, public_programme, agency_name,
	agency_licence, total_cost_jpy, total_cost_usd_cents, months_of_earnings, has_violation, debt_outstanding_jpy,
	rates_approximate, case_id, grant_expires_at, created_at, wrapped_key, sealed_notes`

func (db *DB) feeReportWhere(ctx context.Context, where string, args ...any) (FeeReportRecord, error) {
	var rec FeeReportRecord
	rep, res := &rec.Report, &rec.Result
	var earnings, caseID, grantExp sql.NullInt64
	var months sql.NullFloat64
	var created int64
	err := db.read.QueryRowContext(ctx, "SELECT "+feeReportColumns+" FROM fee_reports WHERE "+where, args...).Scan(
		&rec.ID, &rec.Reference, &rec.Channel, &rep.Language, &rep.OriginCountry, &rep.Destination, &rep.Program,
		&rep.Occupation, &rep.Sex, &rep.ContractMonths, &rep.MonthlyWageJPY, &earnings, &rep.ReportDate,
		&rep.PublicProgramme, &rep.AgencyName, &rep.AgencyLicence, &res.TotalJPY, &res.TotalUSDCents, &months,
		&res.HasViolation, &res.DebtJPY, &res.RatesApprox, &caseID, &grantExp, &created, &rec.WrappedKey, &rec.SealedNotes)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return rec, fmt.Errorf("store: read fee report: %w", err)
	}
	rep.FirstMonthEarningsJPY = earnings.Int64
	res.MonthsOfEarnings, res.HasEarnings = months.Float64, months.Valid
	res.CheckedOn = rep.ReportDate
	rec.CaseID, rec.CreatedAt = caseID.Int64, fromMillis(created)
	if grantExp.Valid {
		rec.GrantExpiresAt = fromMillis(grantExp.Int64)
	}
	if err := db.feeReportParts(ctx, &rec); err != nil {
		return rec, err
	}
	return rec, nil
}

func (db *DB) feeReportParts(ctx context.Context, rec *FeeReportRecord) error {
	rows, err := db.read.QueryContext(ctx, `SELECT kind, amount, currency, amount_jpy, amount_usd_cents, jpy_per_unit,
		rate_source, paid_on, payee, sealed_paid_to, refunded FROM fee_items WHERE report_id = $1 ORDER BY position`, rec.ID)
	if err != nil {
		return fmt.Errorf("store: read fee items: %w", err)
	}
	for rows.Next() {
		var it recruitment.Item
		var sealed []byte
		if err := rows.Scan(&it.Kind, &it.Amount, &it.Currency, &it.AmountJPY, &it.AmountUSDCents, &it.JPYPerUnit,
			&it.RateSource, &it.PaidOn, &it.Payee, &sealed, &it.Refunded); err != nil {
			rows.Close()
			return err
		}
		rec.Report.Items = append(rec.Report.Items, it)
		rec.SealedPaidTo = append(rec.SealedPaidTo, sealed)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT rule_id, rule_version, check_index, check_kind, severity, rule_status,
		confidence, item_kinds, paid_jpy, cap_jpy, over_by_jpy FROM fee_findings WHERE report_id = $1 ORDER BY id`, rec.ID)
	if err != nil {
		return fmt.Errorf("store: read fee findings: %w", err)
	}
	for rows.Next() {
		var f recruitment.Finding
		var sev, kinds string
		var capJPY sql.NullInt64
		if err := rows.Scan(&f.RuleID, &f.RuleVersion, &f.CheckIndex, &f.CheckKind, &sev, &f.Status, &f.Confidence,
			&kinds, &f.PaidJPY, &capJPY, &f.OverByJPY); err != nil {
			rows.Close()
			return err
		}
		f.Severity, f.ItemKinds = recruitment.Severity(sev), splitList(kinds)
		f.CapJPY, f.HasCap = capJPY.Int64, capJPY.Valid
		rec.Result.Findings = append(rec.Result.Findings, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var l recruitment.Loan
	err = db.read.QueryRowContext(ctx, `SELECT amount, currency, amount_jpy, outstanding, outstanding_jpy
		FROM fee_loans WHERE report_id = $1`, rec.ID).Scan(&l.Amount, &l.Currency, &l.AmountJPY, &l.Outstanding, &l.OutstandingJPY)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("store: read fee loan: %w", err)
	default:
		rec.Report.Loan = &l
	}
	return nil
}

// FeeReportByReceiptHash returns the report whose receipt hashes to h.
func (db *DB) FeeReportByReceiptHash(ctx context.Context, h []byte) (FeeReportRecord, error) {
	return db.feeReportWhere(ctx, "receipt_hash = $1", h)
}

// FeeReportByGrantHash returns the report whose "make this a grievance"
// token has MAC h and has not expired at now.
func (db *DB) FeeReportByGrantHash(ctx context.Context, h []byte, now time.Time) (FeeReportRecord, error) {
	return db.feeReportWhere(ctx, "grant_hash = $1 AND grant_expires_at > $2", h, millis(now))
}

// FeeReportByReference returns the report with reference.
func (db *DB) FeeReportByReference(ctx context.Context, ref string) (FeeReportRecord, error) {
	return db.feeReportWhere(ctx, "reference = $1", ref)
}

// SetFeeReportGrant gives the report a new "make this a grievance" token
// (its MAC), valid until expires.
func (db *DB) SetFeeReportGrant(ctx context.Context, id int64, h []byte, expires time.Time) error {
	_, err := db.write.ExecContext(ctx, "UPDATE fee_reports SET grant_hash = $1, grant_expires_at = $2 WHERE id = $3",
		h, millis(expires), id)
	if err != nil {
		return fmt.Errorf("store: set fee report grant: %w", err)
	}
	return nil
}

// LinkFeeReportCase records that the grievance caseID was made from the
// report, with entry (its CaseRef is the case's reference), in one
// transaction. Linking the same case again changes nothing; a report
// already linked to another case is a conflict.
func (db *DB) LinkFeeReportCase(ctx context.Context, reportID, caseID int64, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var cur sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT case_id FROM fee_reports WHERE id = $1", reportID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		if err != nil {
			return fmt.Errorf("store: read fee report: %w", err)
		}
		if cur.Valid {
			if cur.Int64 == caseID {
				return nil
			}
			return apperr.New(apperr.Conflict, "fees.error.already_grievance")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE fee_reports SET case_id = $1 WHERE id = $2", caseID, reportID); err != nil {
			return fmt.Errorf("store: link fee report: %w", err)
		}
		return appendAudit(ctx, tx, entry)
	})
}

// CountFeeReports returns how many fee reports are stored.
func (db *DB) CountFeeReports(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM fee_reports").Scan(&n)
	return n, err
}
