// Package corridor is the public side of fair recruitment in the corridor:
// the registry of agencies, workers' reviews of them and the agencies'
// answers, and the corridor statistics (recruitment cost and SDG 10.7.1).
// It joins the pure rules (package recruitment), the vault and the store,
// and asks access before every change; web and the demo call it.
package corridor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/recruitment"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// Service handles the registry, reviews and corridor statistics.
type Service struct {
	DB     *store.DB
	Keys   *vault.Keyring
	Now    func() time.Time
	Rand   io.Reader
	Logger *slog.Logger // background refreshes report failures here; nil: discarded
	// SyncLimit is the most reports the statistics are recomputed for
	// while a page waits (0: SyncRefreshLimit); see ensureFresh.
	SyncLimit int
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func notFound() error { return apperr.New(apperr.NotFound, "error.not_found") }

// --- Registry ---------------------------------------------------------------

// AddAgency adds an agency to the registry.
func (s *Service) AddAgency(ctx context.Context, by access.Actor, a recruitment.Agency) (recruitment.Agency, error) {
	if !access.CanRegistry(by, access.EditRegistry) {
		return a, notFound()
	}
	now := s.Now().UTC()
	if errs := a.Validate(now); len(errs) > 0 {
		return a, apperr.Validation(errs)
	}
	a.Org.CreatedAt, a.UpdatedAt = now, now
	if err := s.DB.CreateAgency(ctx, &a, audit.Entry{At: now, Actor: staff.ActorName(by), Action: "registry.agency_added"}); err != nil {
		return a, err
	}
	return a, s.LinkReports(ctx, staff.ActorName(by))
}

// LinkReports links the fee reports that name an agency of the registry
// but were not linked to it (the agency was added after them). It runs
// after every change to the registry; by is who made the change.
func (s *Service) LinkReports(ctx context.Context, by string) error {
	_, err := s.DB.LinkFeeReportsToAgencies(ctx, audit.Entry{At: s.Now().UTC(), Actor: by, Action: "registry.reports_linked"})
	return err
}

// UpdateAgency changes an agency's name, type, country and licence details.
func (s *Service) UpdateAgency(ctx context.Context, by access.Actor, a recruitment.Agency) error {
	if !access.CanRegistry(by, access.EditRegistry) {
		return notFound()
	}
	now := s.Now().UTC()
	if errs := a.Validate(now); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	a.UpdatedAt = now
	if err := s.DB.UpdateAgency(ctx, &a, audit.Entry{At: now, Actor: staff.ActorName(by), Action: "registry.agency_updated"}); err != nil {
		return err
	}
	return s.LinkReports(ctx, staff.ActorName(by))
}

// ImportReport says what an import found and did.
type ImportReport struct {
	Rows    []recruitment.ImportRow
	Invalid int // rows with errors; when any, nothing was written
	Result  store.ImportResult
}

// ImportAgencies reads a CSV file of agencies (see recruitment.ParseAgencyCSV)
// and, when every row is valid, writes them all in one transaction: known
// agencies are updated, others created. With any invalid row nothing is
// written and the report says which lines to fix.
func (s *Service) ImportAgencies(ctx context.Context, by access.Actor, r io.Reader) (ImportReport, error) {
	if !access.CanRegistry(by, access.EditRegistry) {
		return ImportReport{}, notFound()
	}
	now := s.Now().UTC()
	rows, err := recruitment.ParseAgencyCSV(r, now)
	switch {
	case errors.Is(err, recruitment.ErrImportHeader):
		return ImportReport{}, apperr.Validation([]apperr.FieldError{{Field: "file", Key: "registry.import.error_header"}})
	case errors.Is(err, recruitment.ErrImportTooLong):
		return ImportReport{}, apperr.Validation([]apperr.FieldError{{Field: "file", Key: "registry.import.error_too_long", Args: []any{recruitment.MaxImportRows}}})
	case err != nil:
		return ImportReport{}, apperr.Validation([]apperr.FieldError{{Field: "file", Key: "registry.import.error_header"}})
	}
	rep := ImportReport{Rows: rows}
	var agencies []recruitment.Agency
	for _, row := range rows {
		if len(row.Errors) > 0 {
			rep.Invalid++
			continue
		}
		a := row.Agency
		a.Org.CreatedAt, a.UpdatedAt = now, now
		agencies = append(agencies, a)
	}
	if rep.Invalid > 0 || len(agencies) == 0 {
		return rep, nil
	}
	rep.Result, err = s.DB.ImportAgencies(ctx, agencies, audit.Entry{At: now, Actor: staff.ActorName(by), Action: "registry.imported"})
	if err != nil {
		return rep, err
	}
	return rep, s.LinkReports(ctx, staff.ActorName(by))
}

// --- Reviews ----------------------------------------------------------------

// Reviewer is what a worker proved with a receipt: their fee report or
// their case.
type Reviewer struct {
	FeeReportID  int64
	ReportAgency int64 // the registry agency the fee report names, or 0
	CaseID       int64
}

// errWrongReceipt is the one answer to any receipt that opens nothing.
func errWrongReceipt() error { return apperr.New(apperr.Unauthorized, "error.unauthorized") }

// ProveReviewer finds the fee report or case a receipt opens (with the
// case's passphrase when its worker set one). Any mismatch is the same
// Unauthorized error; the caller rate-limits failures.
func (s *Service) ProveReviewer(ctx context.Context, receipt, passphrase string) (Reviewer, error) {
	digits, ok := vault.NormalizeReceipt(receipt)
	if !ok {
		return Reviewer{}, errWrongReceipt()
	}
	h := s.Keys.ReceiptLookupHash(digits)
	id, agency, err := s.DB.FeeReportForReview(ctx, h)
	if err != nil {
		return Reviewer{}, err
	}
	if id != 0 {
		return Reviewer{FeeReportID: id, ReportAgency: agency}, nil
	}
	rec, err := s.DB.CaseByReceiptHash(ctx, h)
	if apperr.CodeOf(err) == apperr.NotFound {
		return Reviewer{}, errWrongReceipt()
	}
	if err != nil {
		return Reviewer{}, err
	}
	if rec.PassphraseHash != "" {
		ok, err := s.Keys.VerifyPassword(rec.PassphraseHash, passphrase)
		if err != nil {
			return Reviewer{}, err
		}
		if !ok {
			return Reviewer{}, errWrongReceipt()
		}
	}
	return Reviewer{CaseID: rec.Case.ID}, nil
}

// SubmitReview records a worker's review of the agency orgID, pending
// moderation. A fee report that names another agency of the registry
// cannot review this one; a report that names none, or a case, is checked
// by the moderator (Verified says whether the link was proven here).
func (s *Service) SubmitReview(ctx context.Context, orgID int64, who Reviewer, sub recruitment.ReviewSubmission,
	isLanguage func(string) bool) (recruitment.Review, error) {
	if who.FeeReportID == 0 && who.CaseID == 0 {
		return recruitment.Review{}, errWrongReceipt()
	}
	if _, err := s.DB.Agency(ctx, orgID); err != nil {
		return recruitment.Review{}, err
	}
	sub.Normalize()
	if errs := sub.Validate(isLanguage); len(errs) > 0 {
		return recruitment.Review{}, apperr.Validation(errs)
	}
	r := recruitment.Review{OrgID: orgID, FeeReportID: who.FeeReportID, CaseID: who.CaseID, Rating: sub.Rating,
		Comment: sub.Comment, Language: sub.Language, Status: recruitment.ReviewPending, CreatedAt: s.Now().UTC()}
	switch {
	case who.FeeReportID != 0 && who.ReportAgency != 0 && who.ReportAgency != orgID:
		return r, apperr.Validation([]apperr.FieldError{{Field: "receipt", Key: "registry.review.not_linked"}})
	case who.FeeReportID != 0:
		r.Verified = who.ReportAgency == orgID
	default:
		referred, err := s.DB.CaseReferredTo(ctx, who.CaseID, orgID)
		if err != nil {
			return r, err
		}
		r.Verified = referred
	}
	ref, err := recruitment.NewReviewRef(s.Rand)
	if err != nil {
		return r, err
	}
	r.Ref = ref
	dek, wrapped, err := s.Keys.NewDataKey(s.Rand)
	if err != nil {
		return r, err
	}
	sealed, err := vault.Seal(dek, []byte(r.Comment), recruitment.ReviewCommentAAD(ref), s.Rand)
	if err != nil {
		return r, err
	}
	rec := store.ReviewRecord{Review: r, WrappedKey: wrapped, SealedComment: sealed}
	err = s.DB.CreateReview(ctx, &rec, audit.Entry{At: r.CreatedAt, Actor: "worker", Action: "registry.review_submitted"})
	if errors.Is(err, store.ErrDuplicateReview) {
		return r, apperr.New(apperr.Conflict, "registry.review.duplicate")
	}
	if err != nil {
		return r, err
	}
	return rec.Review, nil
}

// open decrypts a stored review's comment (and reason, when withReason).
func (s *Service) open(rec store.ReviewRecord, withReason bool) (recruitment.Review, error) {
	r := rec.Review
	dek, err := s.Keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		return r, fmt.Errorf("corridor: unwrap review key: %w", err)
	}
	plain, err := vault.Open(dek, rec.SealedComment, recruitment.ReviewCommentAAD(r.Ref))
	if err != nil {
		return r, fmt.Errorf("corridor: open review: %w", err)
	}
	r.Comment = string(plain)
	if withReason && len(rec.SealedReason) > 0 {
		plain, err := vault.Open(dek, rec.SealedReason, recruitment.ReviewReasonAAD(r.Ref))
		if err != nil {
			return r, fmt.Errorf("corridor: open review reason: %w", err)
		}
		r.Reason = string(plain)
	}
	return r, nil
}

// MaxQueue bounds the moderation queue shown at once.
const MaxQueue = 100

// ReviewQueue lists reviews in a status for moderators, with their text.
func (s *Service) ReviewQueue(ctx context.Context, by access.Actor, status recruitment.ReviewStatus) ([]recruitment.Review, error) {
	if !access.CanRegistry(by, access.ModerateReviews) {
		return nil, notFound()
	}
	recs, err := s.DB.ReviewsByStatus(ctx, status, MaxQueue)
	if err != nil {
		return nil, err
	}
	out := make([]recruitment.Review, 0, len(recs))
	for _, rec := range recs {
		r, err := s.open(rec, true)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Moderate approves or rejects a pending review; a rejection says why (the
// reason is sealed with the review).
func (s *Service) Moderate(ctx context.Context, by access.Actor, id int64, m recruitment.Moderation) error {
	if !access.CanRegistry(by, access.ModerateReviews) {
		return notFound()
	}
	if errs := m.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	rec, err := s.DB.Review(ctx, id)
	if err != nil {
		return err
	}
	var sealedReason []byte
	if m.Reason != "" {
		dek, err := s.Keys.UnwrapDataKey(rec.WrappedKey)
		if err != nil {
			return fmt.Errorf("corridor: unwrap review key: %w", err)
		}
		if sealedReason, err = vault.Seal(dek, []byte(m.Reason), recruitment.ReviewReasonAAD(rec.Review.Ref), s.Rand); err != nil {
			return err
		}
	}
	now := s.Now().UTC()
	return s.DB.ModerateReview(ctx, id, m.Status(), sealedReason, by.PersonID, now,
		audit.Entry{At: now, Actor: staff.ActorName(by), Action: "registry.review_moderated"})
}

// MaxPublished bounds the reviews an agency's page shows.
const MaxPublished = 50

// PublishedReviews returns an agency's approved reviews, newest first.
func (s *Service) PublishedReviews(ctx context.Context, orgID int64) ([]recruitment.Review, error) {
	recs, err := s.DB.ApprovedReviews(ctx, orgID, MaxPublished)
	if err != nil {
		return nil, err
	}
	out := make([]recruitment.Review, 0, len(recs))
	for _, rec := range recs {
		r, err := s.open(rec, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// PublishAnswer publishes (or replaces) the agency's one answer to its
// reviews. Only the agency's own admins may.
func (s *Service) PublishAnswer(ctx context.Context, by access.Actor, a recruitment.AgencyAnswer, isLanguage func(string) bool) error {
	if !access.CanAnswerReviews(by, a.OrgID) {
		return notFound()
	}
	if _, err := s.DB.Agency(ctx, a.OrgID); err != nil {
		return err
	}
	if errs := a.Validate(isLanguage); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	a.AuthorID, a.PublishedAt = by.PersonID, s.Now().UTC()
	return s.DB.PublishAnswer(ctx, a, audit.Entry{At: a.PublishedAt, Actor: staff.ActorName(by), Action: "registry.answer_published"})
}

func isNotFound(err error) bool { return apperr.CodeOf(err) == apperr.NotFound }
