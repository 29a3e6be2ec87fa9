package recruitment

// Workers' reviews of agencies. Only someone who went through an agency
// may review it: a review is tied to the worker's own fee report or case,
// proven by its receipt. Reviews wait for the mechanism's moderation; the
// agency may publish one answer.

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
)

// ReviewStatus is where a review stands in moderation.
type ReviewStatus string

// Review statuses.
const (
	ReviewPending  ReviewStatus = "pending"
	ReviewApproved ReviewStatus = "approved"
	ReviewRejected ReviewStatus = "rejected"
)

// Limits of reviews and answers.
const (
	MaxReviewComment = 2000
	MaxModeration    = 500
	MaxAnswer        = 3000
)

// ReviewLink says how a review is tied to the worker's experience.
type ReviewLink string

// Review links.
const (
	LinkFeeReport ReviewLink = "fee_report"
	LinkCase      ReviewLink = "case"
)

// Review is one worker's review of an agency.
type Review struct {
	ID          int64
	Ref         string // random, bound into the sealed comment's AAD
	OrgID       int64
	FeeReportID int64 // one of FeeReportID and CaseID is set
	CaseID      int64
	// Verified says the fee report names this agency, or the case was
	// referred to it; otherwise the moderator checks the link.
	Verified    bool
	Rating      int
	Comment     string // the worker's words; sealed at rest
	Language    string
	Status      ReviewStatus
	Reason      string // the moderator's reason; sealed at rest
	ModeratedBy int64
	ModeratedAt time.Time
	CreatedAt   time.Time
}

// Link is how the review is tied to the worker.
func (r Review) Link() ReviewLink {
	if r.FeeReportID != 0 {
		return LinkFeeReport
	}
	return LinkCase
}

// ReviewSubmission is what a worker sends.
type ReviewSubmission struct {
	Rating   int    `json:"rating"`
	Comment  string `json:"comment"`
	Language string `json:"language"`
}

// Normalize trims the comment.
func (s *ReviewSubmission) Normalize() {
	s.Comment = strings.TrimSpace(strings.ReplaceAll(s.Comment, "\r\n", "\n"))
	s.Language = strings.TrimSpace(s.Language)
}

// Validate checks a submission; isLanguage says which languages exist.
func (s *ReviewSubmission) Validate(isLanguage func(string) bool) []apperr.FieldError {
	var errs []apperr.FieldError
	if s.Rating < 1 || s.Rating > 5 {
		errs = append(errs, apperr.FieldError{Field: "rating", Key: "error.unknown_code"})
	}
	switch {
	case !utf8.ValidString(s.Comment):
		errs = append(errs, apperr.FieldError{Field: "comment", Key: "error.invalid_text"})
	case utf8.RuneCountInString(s.Comment) > MaxReviewComment:
		errs = append(errs, apperr.FieldError{Field: "comment", Key: "error.too_long"})
	}
	if !isLanguage(s.Language) {
		errs = append(errs, apperr.FieldError{Field: "language", Key: "error.unknown_code"})
	}
	return errs
}

// Moderation is a moderator's decision.
type Moderation struct {
	Approve bool
	Reason  string
}

// Validate checks a decision: a rejection says why.
func (m *Moderation) Validate() []apperr.FieldError {
	m.Reason = strings.TrimSpace(m.Reason)
	switch {
	case !utf8.ValidString(m.Reason):
		return []apperr.FieldError{{Field: "reason", Key: "error.invalid_text"}}
	case utf8.RuneCountInString(m.Reason) > MaxModeration:
		return []apperr.FieldError{{Field: "reason", Key: "error.too_long"}}
	case !m.Approve && m.Reason == "":
		return []apperr.FieldError{{Field: "reason", Key: "error.required"}}
	}
	return nil
}

// Status is the status a decision gives.
func (m Moderation) Status() ReviewStatus {
	if m.Approve {
		return ReviewApproved
	}
	return ReviewRejected
}

// AgencyAnswer is an agency's one published answer to its reviews.
type AgencyAnswer struct {
	OrgID       int64
	Body        string
	Language    string
	AuthorID    int64
	PublishedAt time.Time
}

// Validate checks an answer.
func (a *AgencyAnswer) Validate(isLanguage func(string) bool) []apperr.FieldError {
	a.Body = strings.TrimSpace(strings.ReplaceAll(a.Body, "\r\n", "\n"))
	var errs []apperr.FieldError
	switch {
	case a.Body == "":
		errs = append(errs, apperr.FieldError{Field: "body", Key: "error.required"})
	case !utf8.ValidString(a.Body):
		errs = append(errs, apperr.FieldError{Field: "body", Key: "error.invalid_text"})
	case utf8.RuneCountInString(a.Body) > MaxAnswer:
		errs = append(errs, apperr.FieldError{Field: "body", Key: "error.too_long"})
	}
	if !isLanguage(a.Language) {
		errs = append(errs, apperr.FieldError{Field: "language", Key: "error.unknown_code"})
	}
	return errs
}

// NewReviewRef returns a random reference for a review (16 hex digits).
func NewReviewRef(rand io.Reader) (string, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("recruitment: review reference: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// ReviewCommentAAD binds a sealed comment to its review; ReviewReasonAAD
// binds the moderator's reason.
func ReviewCommentAAD(ref string) []byte { return []byte("review:" + ref + ":comment") }

// ReviewReasonAAD: see ReviewCommentAAD.
func ReviewReasonAAD(ref string) []byte { return []byte("review:" + ref + ":reason") }

// PublishedMonth is how a review's date is shown: the month only, so that
// a date cannot be matched with a worker's other traces.
func PublishedMonth(t time.Time) string { return t.UTC().Format("2006-01") }
