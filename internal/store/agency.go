package store

// The agency registry (organizations of an agency type with their
// agency_details), workers' reviews of agencies, agencies' answers, and
// the counts an agency's public page shows.

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
	"remedy/internal/org"
	"remedy/internal/recruitment"
)

// agencyTypesSQL lists the registry's organisation types for IN (…).
func agencyTypesSQL() string {
	var q []string
	for _, t := range recruitment.AgencyTypes {
		q = append(q, "'"+string(t)+"'")
	}
	return strings.Join(q, ", ")
}

const agencyColumns = `o.id, o.name, o.type, o.country, o.languages, o.created_at,
	COALESCE(d.licence_number, ''), COALESCE(d.licence_status, 'unknown'), COALESCE(d.licence_source, ''),
	COALESCE(d.licence_checked_on, ''), COALESCE(d.contact, ''), COALESCE(d.aliases, ''), COALESCE(d.updated_at, o.created_at)`

func scanAgency(row interface{ Scan(...any) error }) (recruitment.Agency, error) {
	var a recruitment.Agency
	var typ, langs, status, aliases string
	var created, updated int64
	err := row.Scan(&a.Org.ID, &a.Org.Name, &typ, &a.Org.Country, &langs, &created,
		&a.LicenceNumber, &status, &a.LicenceSource, &a.LicenceCheckedOn, &a.Contact, &aliases, &updated)
	if err != nil {
		return a, err
	}
	a.Org.Type, a.Org.CreatedAt, a.Org.Languages = org.Type(typ), fromMillis(created), splitList(langs)
	a.LicenceStatus, a.UpdatedAt = recruitment.LicenceStatus(status), fromMillis(updated)
	if aliases != "" {
		a.Aliases = strings.Split(aliases, "|")
	}
	return a, nil
}

// upsertAgencyDetails writes a's details (and folded search text).
func upsertAgencyDetails(ctx context.Context, tx *sql.Tx, a *recruitment.Agency) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO agency_details (org_id, licence_number, licence_status, licence_source,
			licence_checked_on, contact, aliases, name_search, licence_key, name_key, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (org_id) DO UPDATE SET licence_number = excluded.licence_number, licence_status = excluded.licence_status,
			licence_source = excluded.licence_source, licence_checked_on = excluded.licence_checked_on,
			contact = excluded.contact, aliases = excluded.aliases, name_search = excluded.name_search,
			licence_key = excluded.licence_key, name_key = excluded.name_key, updated_at = excluded.updated_at`,
		a.Org.ID, a.LicenceNumber, string(a.LicenceStatus), a.LicenceSource, a.LicenceCheckedOn, a.Contact,
		strings.Join(a.Aliases, "|"), recruitment.SearchText(*a), recruitment.CompactLicence(a.LicenceNumber),
		recruitment.NormalizeSearch(a.Org.Name), millis(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: agency details: %w", err)
	}
	return nil
}

func insertAgency(ctx context.Context, tx *sql.Tx, a *recruitment.Agency) error {
	err := tx.QueryRowContext(ctx, "INSERT INTO organizations (name, type, country, languages, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
		a.Org.Name, string(a.Org.Type), a.Org.Country, strings.Join(a.Org.Languages, ","), millis(a.Org.CreatedAt)).Scan(&a.Org.ID)
	if err != nil {
		return fmt.Errorf("store: insert agency: %w", err)
	}
	return upsertAgencyDetails(ctx, tx, a)
}

func updateAgency(ctx context.Context, tx *sql.Tx, a *recruitment.Agency) error {
	res, err := tx.ExecContext(ctx, "UPDATE organizations SET name = $1, type = $2, country = $3 WHERE id = $4 AND type IN ("+agencyTypesSQL()+")",
		a.Org.Name, string(a.Org.Type), a.Org.Country, a.Org.ID)
	if err != nil {
		return fmt.Errorf("store: update agency: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return upsertAgencyDetails(ctx, tx, a)
}

// CreateAgency writes a new organisation of an agency type with its
// details, and audits it; it sets a.Org.ID.
func (db *DB) CreateAgency(ctx context.Context, a *recruitment.Agency, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertAgency(ctx, tx, a); err != nil {
			return err
		}
		entry.Detail = fmt.Sprintf("org=%d type=%s country=%s", a.Org.ID, a.Org.Type, a.Org.Country)
		return appendAudit(ctx, tx, entry)
	})
}

// UpdateAgency changes an agency's name, type, country and details.
func (db *DB) UpdateAgency(ctx context.Context, a *recruitment.Agency, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := updateAgency(ctx, tx, a); err != nil {
			return err
		}
		entry.Detail = fmt.Sprintf("org=%d licence_status=%s", a.Org.ID, a.LicenceStatus)
		return appendAudit(ctx, tx, entry)
	})
}

// Agency returns the registry's organisation with id, or NotFound when
// there is none or it is not of an agency type.
func (db *DB) Agency(ctx context.Context, id int64) (recruitment.Agency, error) {
	a, err := scanAgency(db.read.QueryRowContext(ctx, "SELECT "+agencyColumns+
		" FROM organizations o LEFT JOIN agency_details d ON d.org_id = o.id WHERE o.id = $1 AND o.type IN ("+agencyTypesSQL()+")", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return a, fmt.Errorf("store: read agency: %w", err)
	}
	return a, nil
}

// AgencyQuery selects agencies of the registry.
type AgencyQuery struct {
	Text    string   // names or licence number, in any script; "" for all
	Country string   // ISO code or ""
	Type    org.Type // an agency type or ""
	Limit   int      // at most this many (default and maximum 200)
	Offset  int
}

// MaxAgencyPage bounds one page of the registry.
const MaxAgencyPage = 200

// SearchAgencies lists the agencies matching q, by name. Every word of
// q.Text must occur in an agency's folded names or licence number (see
// recruitment.SearchTerms). It also returns how many match in all.
func (db *DB) SearchAgencies(ctx context.Context, q AgencyQuery) ([]recruitment.Agency, int, error) {
	where := []string{"o.type IN (" + agencyTypesSQL() + ")"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Country != "" {
		where = append(where, "o.country = "+arg(strings.ToUpper(q.Country)))
	}
	if q.Type != "" {
		where = append(where, "o.type = "+arg(string(q.Type)))
	}
	for _, t := range recruitment.SearchTerms(q.Text) {
		if db.engine == SQLite {
			where = append(where, agencySearchSQLite(t, arg))
		} else {
			where = append(where, agencySearchPostgres(t, arg))
		}
	}
	from := " FROM organizations o LEFT JOIN agency_details d ON d.org_id = o.id WHERE " + strings.Join(where, " AND ")
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count agencies: %w", err)
	}
	limit := q.Limit
	if limit <= 0 || limit > MaxAgencyPage {
		limit = MaxAgencyPage
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+agencyColumns+from+" ORDER BY o.name, o.id LIMIT "+arg(limit)+" OFFSET "+arg(max(q.Offset, 0)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search agencies: %w", err)
	}
	defer rows.Close()
	var out []recruitment.Agency
	for rows.Next() {
		a, err := scanAgency(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: search agencies: %w", err)
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// agencySearchSQLite matches one search term through the FTS5 trigram
// index (agency_search), which serves LIKE '%…%' for terms of three
// characters or more and scans for shorter ones. Organisations of an
// agency type without details (created on the organisations page) are
// matched on their name.
func agencySearchSQLite(t recruitment.SearchTerm, arg func(any) string) string {
	like := arg("%" + t.Text + "%")
	cond := "o.id IN (SELECT rowid FROM agency_search WHERE name_search LIKE " + like
	if t.Compact != t.Text {
		cond += " OR name_search LIKE " + arg("%"+t.Compact+"%")
	}
	return "(" + cond + ") OR (d.org_id IS NULL AND lower(o.name) LIKE " + like + "))"
}

// agencySearchPostgres matches one search term with LIKE on the folded
// column agency_details.name_search (already lower case, so LIKE, not
// ILIKE). The pg_trgm GIN index agency_details_search_trgm serves it when
// the extension could be created (migration 0010); without it the same
// query scans.
func agencySearchPostgres(t recruitment.SearchTerm, arg func(any) string) string {
	like := arg("%" + t.Text + "%")
	cond := "d.name_search LIKE " + like
	if t.Compact != t.Text {
		cond += " OR d.name_search LIKE " + arg("%"+t.Compact+"%")
	}
	return "(" + cond + " OR (d.org_id IS NULL AND lower(o.name) LIKE " + like + "))"
}

// MatchAgency finds the registry's agency a fee report names: first by
// licence number (letters and digits) in the origin country, then by the
// exact folded name. It returns 0 when none or several match.
func (db *DB) MatchAgency(ctx context.Context, country, licence, name string) (int64, error) {
	try := func(query string, args ...any) (int64, error) {
		rows, err := db.read.QueryContext(ctx, query, args...)
		if err != nil {
			return 0, fmt.Errorf("store: match agency: %w", err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return 0, err
			}
			ids = append(ids, id)
		}
		if len(ids) == 1 {
			return ids[0], rows.Err()
		}
		return 0, rows.Err()
	}
	base := "SELECT o.id FROM organizations o JOIN agency_details d ON d.org_id = o.id WHERE o.type IN (" + agencyTypesSQL() + ") AND "
	if key := recruitment.CompactLicence(licence); key != "" {
		id, err := try(base+"d.licence_key = $1 AND (o.country = $2 OR $2 = '') LIMIT 2", key, strings.ToUpper(country))
		if id != 0 || err != nil {
			return id, err
		}
	}
	if key := recruitment.NormalizeSearch(name); key != "" {
		return try(base+"d.name_key = $1 AND (o.country = $2 OR $2 = '') LIMIT 2", key, strings.ToUpper(country))
	}
	return 0, nil
}

// AgencyNames returns the names of the given agencies.
func (db *DB) AgencyNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		var ph []string
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
			ph = append(ph, "$"+strconv.Itoa(i+1))
		}
		rows, err := db.read.QueryContext(ctx, "SELECT id, name FROM organizations WHERE id IN ("+strings.Join(ph, ", ")+")", args...)
		if err != nil {
			return nil, fmt.Errorf("store: agency names: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ImportResult says what an import did.
type ImportResult struct {
	Created, Updated int
}

// ImportAgencies writes agencies in one transaction with one audit entry:
// an agency already in the registry (same country and licence number, or
// same country, type and folded name) is updated, any other is created.
func (db *DB) ImportAgencies(ctx context.Context, agencies []recruitment.Agency, entry audit.Entry) (ImportResult, error) {
	var res ImportResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res = ImportResult{}
		for i := range agencies {
			a := &agencies[i]
			id, err := findForImport(ctx, tx, a)
			if err != nil {
				return err
			}
			if id == 0 {
				if err := insertAgency(ctx, tx, a); err != nil {
					return err
				}
				res.Created++
				continue
			}
			a.Org.ID = id
			if err := updateAgency(ctx, tx, a); err != nil {
				return err
			}
			res.Updated++
		}
		entry.Detail = fmt.Sprintf("created=%d updated=%d", res.Created, res.Updated)
		return appendAudit(ctx, tx, entry)
	})
	return res, err
}

func findForImport(ctx context.Context, tx *sql.Tx, a *recruitment.Agency) (int64, error) {
	var id int64
	base := "SELECT o.id FROM organizations o JOIN agency_details d ON d.org_id = o.id WHERE o.country = $1 AND "
	if key := recruitment.CompactLicence(a.LicenceNumber); key != "" {
		err := tx.QueryRowContext(ctx, base+"d.licence_key = $2 ORDER BY o.id LIMIT 1", a.Org.Country, key).Scan(&id)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return id, wrapErr("store: import match", err)
		}
	}
	err := tx.QueryRowContext(ctx, base+"o.type = $2 AND d.name_key = $3 ORDER BY o.id LIMIT 1",
		a.Org.Country, string(a.Org.Type), recruitment.NormalizeSearch(a.Org.Name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, wrapErr("store: import match", err)
}

func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// ReviewRecord is a review as stored: the sealed comment and reason with
// the review's wrapped data key.
type ReviewRecord struct {
	Review        recruitment.Review
	WrappedKey    []byte
	SealedComment []byte
	SealedReason  []byte
}

// ErrDuplicateReview is returned when the fee report or case has already
// been used to review this agency.
var ErrDuplicateReview = errors.New("store: this agency was already reviewed with this report or case")

// CreateReview writes a pending review and its audit entry; it sets ID.
func (db *DB) CreateReview(ctx context.Context, rec *ReviewRecord, entry audit.Entry) error {
	r := &rec.Review
	nullID := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO agency_reviews (ref, org_id, fee_report_id, case_id, verified, rating, language,
				wrapped_key, sealed_comment, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			r.Ref, r.OrgID, nullID(r.FeeReportID), nullID(r.CaseID), r.Verified, r.Rating, r.Language,
			rec.WrappedKey, rec.SealedComment, string(recruitment.ReviewPending), millis(r.CreatedAt)).Scan(&r.ID)
		if isUniqueViolation(err) {
			return ErrDuplicateReview
		}
		if err != nil {
			return fmt.Errorf("store: insert review: %w", err)
		}
		entry.Detail = fmt.Sprintf("review=%d org=%d link=%s verified=%t rating=%d", r.ID, r.OrgID, r.Link(), r.Verified, r.Rating)
		return appendAudit(ctx, tx, entry)
	})
	return err
}

const reviewColumns = `id, ref, org_id, COALESCE(fee_report_id, 0), COALESCE(case_id, 0), verified, rating, language,
	wrapped_key, sealed_comment, status, sealed_reason, COALESCE(moderated_by, 0), COALESCE(moderated_at, 0), created_at`

func scanReview(row interface{ Scan(...any) error }) (ReviewRecord, error) {
	var rec ReviewRecord
	r := &rec.Review
	var status string
	var modAt, created int64
	err := row.Scan(&r.ID, &r.Ref, &r.OrgID, &r.FeeReportID, &r.CaseID, &r.Verified, &r.Rating, &r.Language,
		&rec.WrappedKey, &rec.SealedComment, &status, &rec.SealedReason, &r.ModeratedBy, &modAt, &created)
	if err != nil {
		return rec, err
	}
	r.Status, r.CreatedAt = recruitment.ReviewStatus(status), fromMillis(created)
	if modAt != 0 {
		r.ModeratedAt = fromMillis(modAt)
	}
	return rec, nil
}

func (db *DB) reviews(ctx context.Context, query string, args ...any) ([]ReviewRecord, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+reviewColumns+" FROM agency_reviews "+query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list reviews: %w", err)
	}
	defer rows.Close()
	var out []ReviewRecord
	for rows.Next() {
		rec, err := scanReview(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list reviews: %w", err)
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// ReviewsByStatus lists reviews in a status, oldest first.
func (db *DB) ReviewsByStatus(ctx context.Context, status recruitment.ReviewStatus, limit int) ([]ReviewRecord, error) {
	return db.reviews(ctx, "WHERE status = $1 ORDER BY id LIMIT $2", string(status), limit)
}

// ApprovedReviews lists an agency's approved reviews, newest first.
func (db *DB) ApprovedReviews(ctx context.Context, orgID int64, limit int) ([]ReviewRecord, error) {
	return db.reviews(ctx, "WHERE org_id = $1 AND status = $2 ORDER BY id DESC LIMIT $3", orgID, string(recruitment.ReviewApproved), limit)
}

// ReviewRating is the count and mean rating of an agency's approved reviews.
func (db *DB) ReviewRating(ctx context.Context, orgID int64) (int, float64, error) {
	var n int
	var mean sql.NullFloat64
	err := db.read.QueryRowContext(ctx, "SELECT COUNT(*), AVG(rating) FROM agency_reviews WHERE org_id = $1 AND status = $2",
		orgID, string(recruitment.ReviewApproved)).Scan(&n, &mean)
	if err != nil {
		return 0, 0, fmt.Errorf("store: review rating: %w", err)
	}
	return n, mean.Float64, nil
}

// Review returns one review, or NotFound.
func (db *DB) Review(ctx context.Context, id int64) (ReviewRecord, error) {
	rec, err := scanReview(db.read.QueryRowContext(ctx, "SELECT "+reviewColumns+" FROM agency_reviews WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return rec, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return rec, fmt.Errorf("store: read review: %w", err)
	}
	return rec, nil
}

// ModerateReview records a decision on a pending review with its audit
// entry. A review already decided is a Conflict.
func (db *DB) ModerateReview(ctx context.Context, id int64, status recruitment.ReviewStatus, sealedReason []byte, by int64, at time.Time, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE agency_reviews SET status = $1, sealed_reason = $2, moderated_by = $3, moderated_at = $4
			WHERE id = $5 AND status = $6`, string(status), sealedReason, by, millis(at), id, string(recruitment.ReviewPending))
		if err != nil {
			return fmt.Errorf("store: moderate review: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM agency_reviews WHERE id = $1", id).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return apperr.New(apperr.NotFound, "error.not_found")
			}
			return apperr.New(apperr.Conflict, "registry.review.already_moderated")
		}
		entry.Detail = fmt.Sprintf("review=%d status=%s", id, status)
		return appendAudit(ctx, tx, entry)
	})
}

// PublishAnswer writes an agency's one answer, replacing any earlier one,
// with its audit entry.
func (db *DB) PublishAnswer(ctx context.Context, a recruitment.AgencyAnswer, entry audit.Entry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO agency_answers (org_id, body, language, author_id, published_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org_id) DO UPDATE SET body = excluded.body, language = excluded.language,
				author_id = excluded.author_id, published_at = excluded.published_at`,
			a.OrgID, a.Body, a.Language, a.AuthorID, millis(a.PublishedAt))
		if err != nil {
			return fmt.Errorf("store: publish answer: %w", err)
		}
		entry.Detail = fmt.Sprintf("org=%d language=%s", a.OrgID, a.Language)
		return appendAudit(ctx, tx, entry)
	})
}

// Answer returns an agency's published answer, or NotFound.
func (db *DB) Answer(ctx context.Context, orgID int64) (recruitment.AgencyAnswer, error) {
	a := recruitment.AgencyAnswer{OrgID: orgID}
	var at int64
	err := db.read.QueryRowContext(ctx, "SELECT body, language, author_id, published_at FROM agency_answers WHERE org_id = $1", orgID).
		Scan(&a.Body, &a.Language, &a.AuthorID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "error.not_found")
	}
	if err != nil {
		return a, fmt.Errorf("store: read answer: %w", err)
	}
	a.PublishedAt = fromMillis(at)
	return a, nil
}

// CaseReferredTo reports whether a case was ever referred to orgID.
func (db *DB) CaseReferredTo(ctx context.Context, caseID, orgID int64) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM referrals WHERE case_id = $1 AND org_id = $2", caseID, orgID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: case referral: %w", err)
	}
	return n > 0, nil
}

// agencyCasesSQL selects the cases about an agency: referred to it, or
// made from a fee report that names it.
const agencyCasesSQL = `SELECT case_id FROM referrals WHERE org_id = $1
	UNION SELECT case_id FROM fee_reports WHERE agency_org_id = $1 AND case_id IS NOT NULL`

// AgencyGrievances counts the grievances about an agency (see
// agencyCasesSQL), in all and by category. Only counts leave the store;
// the page suppresses those below k.
func (db *DB) AgencyGrievances(ctx context.Context, orgID int64) (int, map[string]int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+agencyCasesSQL+") AS c", orgID).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("store: agency grievances: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT code, COUNT(*) FROM case_categories WHERE case_id IN ("+agencyCasesSQL+") GROUP BY code", orgID)
	if err != nil {
		return 0, nil, fmt.Errorf("store: agency grievances: %w", err)
	}
	defer rows.Close()
	by := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return 0, nil, err
		}
		by[code] = n
	}
	return total, by, rows.Err()
}

// LinkFeeReportsToAgencies links the fee reports that name an agency (its
// licence number or name, as the worker wrote them) but are not linked yet
// to the registry's agency they match (MatchAgency), in one transaction
// with its audit entry. Reports naming an agency not (yet) in the registry
// stay unlinked and are tried again after the next change to the registry.
// It returns how many reports were linked.
func (db *DB) LinkFeeReportsToAgencies(ctx context.Context, entry audit.Entry) (int, error) {
	type named struct{ origin, licence, name string }
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT origin_country, agency_licence, agency_name FROM fee_reports
		WHERE agency_org_id IS NULL AND (agency_licence <> '' OR agency_name <> '')`)
	if err != nil {
		return 0, fmt.Errorf("store: unlinked reports: %w", err)
	}
	var list []named
	for rows.Next() {
		var n named
		if err := rows.Scan(&n.origin, &n.licence, &n.name); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	type link struct {
		named
		id int64
	}
	var links []link
	for _, n := range list {
		id, err := db.MatchAgency(ctx, n.origin, n.licence, n.name)
		if err != nil {
			return 0, err
		}
		if id != 0 {
			links = append(links, link{n, id})
		}
	}
	if len(links) == 0 {
		return 0, nil
	}
	total := 0
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		total = 0
		for _, l := range links {
			res, err := tx.ExecContext(ctx, `UPDATE fee_reports SET agency_org_id = $1 WHERE agency_org_id IS NULL
				AND origin_country = $2 AND agency_licence = $3 AND agency_name = $4`, l.id, l.origin, l.licence, l.name)
			if err != nil {
				return fmt.Errorf("store: link reports: %w", err)
			}
			n, _ := res.RowsAffected()
			total += int(n)
		}
		entry.Detail = fmt.Sprintf("reports=%d agencies=%d", total, len(links))
		return appendAudit(ctx, tx, entry)
	})
	return total, err
}
