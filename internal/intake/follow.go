package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// MinPassphrase is the shortest passphrase a worker may set.
const MinPassphrase = 8

// MaxMessage is the longest message a worker may send, in characters.
const MaxMessage = 10000

// errWrongReceipt is the one answer to any wrong receipt or passphrase, so
// that nobody learns which of the two was wrong or whether a case exists.
func errWrongReceipt() error { return apperr.New(apperr.Unauthorized, "error.unauthorized") }

// Open finds the case a receipt (and the passphrase, if the worker set one)
// opens. Any mismatch is the same Unauthorized error.
func (s *Service) Open(ctx context.Context, receipt, passphrase string) (int64, error) {
	digits, ok := vault.NormalizeReceipt(receipt)
	if !ok {
		return 0, errWrongReceipt()
	}
	rec, err := s.DB.CaseByReceiptHash(ctx, s.Keys.ReceiptLookupHash(digits))
	if apperr.CodeOf(err) == apperr.NotFound {
		return 0, errWrongReceipt()
	}
	if err != nil {
		return 0, err
	}
	if rec.PassphraseHash != "" {
		ok, err := s.Keys.VerifyPassword(rec.PassphraseHash, passphrase)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, errWrongReceipt()
		}
	}
	return rec.Case.ID, nil
}

// StartSession opens the case page on this device for SessionLifetime and
// returns the token for the cookie. Only a MAC of it is stored.
func (s *Service) StartSession(ctx context.Context, caseID int64) (string, error) {
	token, err := vault.NewToken(s.Rand)
	if err != nil {
		return "", err
	}
	now := s.Now()
	if err := s.DB.CreateWorkerSession(ctx, s.Keys.MAC("worker-session", []byte(token)), caseID, now, now.Add(SessionLifetime)); err != nil {
		return "", err
	}
	return token, nil
}

// SessionCase returns the case a session token opens, or Unauthorized.
func (s *Service) SessionCase(ctx context.Context, token string) (int64, error) {
	if token == "" {
		return 0, errWrongReceipt()
	}
	return s.DB.WorkerSessionCase(ctx, s.Keys.MAC("worker-session", []byte(token)), s.Now())
}

// EndSession closes the case page on this device.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.DB.DeleteWorkerSession(ctx, s.Keys.MAC("worker-session", []byte(token)))
}

// View is what a worker sees of their own case.
type View struct {
	Case          grievance.Case
	Messages      []grievance.Message
	HasPassphrase bool
}

// View returns the worker's view of their case: its status, deadline and
// thread, decrypted. The worker's own narrative is not shown again, so a
// phone left open shows as little as possible.
func (s *Service) View(ctx context.Context, caseID int64) (View, error) {
	rec, err := s.DB.CaseByID(ctx, caseID)
	if err != nil {
		return View{}, err
	}
	dek, err := s.Keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		return View{}, fmt.Errorf("intake: unwrap case key: %w", err)
	}
	sealed, err := s.DB.Messages(ctx, caseID)
	if err != nil {
		return View{}, err
	}
	v := View{Case: rec.Case, HasPassphrase: rec.PassphraseHash != ""}
	for _, m := range sealed {
		body, err := vault.Open(dek, m.SealedBody, messageAAD(rec.Case.Reference))
		if err != nil {
			return View{}, fmt.Errorf("intake: open message %d: %w", m.ID, err)
		}
		v.Messages = append(v.Messages, grievance.Message{ID: m.ID, CaseID: caseID, Author: m.Author, Body: string(body), CreatedAt: m.CreatedAt})
	}
	return v, nil
}

// Details decrypts the sealed part of a case. Callers outside the worker's
// own session must audit the read.
func (s *Service) Details(rec store.CaseRecord) (grievance.Details, error) {
	var d grievance.Details
	dek, err := s.Keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		return d, fmt.Errorf("intake: unwrap case key: %w", err)
	}
	plain, err := vault.Open(dek, rec.SealedDetails, detailsAAD(rec.Case.Reference))
	if err != nil {
		return d, fmt.Errorf("intake: open details: %w", err)
	}
	err = json.Unmarshal(plain, &d)
	return d, err
}

// AddMessage adds a message to the case's thread from author ("worker" or
// "staff"). An empty or over-long body is a validation error on "body".
func (s *Service) AddMessage(ctx context.Context, caseID int64, author, body string) (grievance.Message, error) {
	body = strings.TrimSpace(body)
	switch {
	case !utf8.ValidString(body) || strings.ContainsRune(body, 0):
		return grievance.Message{}, apperr.Validation([]apperr.FieldError{{Field: "body", Key: "error.invalid_text"}})
	case body == "":
		return grievance.Message{}, apperr.Validation([]apperr.FieldError{{Field: "body", Key: "error.required"}})
	case utf8.RuneCountInString(body) > MaxMessage:
		return grievance.Message{}, apperr.Validation([]apperr.FieldError{{Field: "body", Key: "error.too_long"}})
	}
	rec, err := s.DB.CaseByID(ctx, caseID)
	if err != nil {
		return grievance.Message{}, err
	}
	dek, err := s.Keys.UnwrapDataKey(rec.WrappedKey)
	if err != nil {
		return grievance.Message{}, fmt.Errorf("intake: unwrap case key: %w", err)
	}
	sealed, err := vault.Seal(dek, []byte(body), messageAAD(rec.Case.Reference), s.Rand)
	if err != nil {
		return grievance.Message{}, err
	}
	now := s.Now().UTC().Truncate(time.Millisecond)
	m := &store.SealedMessage{CaseID: caseID, Author: author, CreatedAt: now, SealedBody: sealed}
	entry := audit.Entry{At: now, Actor: author, Action: "message.added"}
	if err := s.DB.AddMessage(ctx, m, entry); err != nil {
		return grievance.Message{}, err
	}
	return grievance.Message{ID: m.ID, CaseID: caseID, Author: author, Body: body, CreatedAt: now}, nil
}

// SetPassphrase adds a passphrase the worker will need with the receipt.
func (s *Service) SetPassphrase(ctx context.Context, caseID int64, pass, confirm string) error {
	switch {
	case utf8.RuneCountInString(pass) < MinPassphrase:
		return apperr.Validation([]apperr.FieldError{{Field: "passphrase", Key: "error.passphrase_short"}})
	case pass != confirm:
		return apperr.Validation([]apperr.FieldError{{Field: "passphrase_confirm", Key: "error.passphrase_mismatch"}})
	case len(pass) > 1024:
		return apperr.Validation([]apperr.FieldError{{Field: "passphrase", Key: "error.too_long"}})
	}
	hash, err := s.Keys.HashPassword(pass, s.Rand)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.DB.SetPassphrase(ctx, caseID, hash, audit.Entry{At: now, Actor: "worker", Action: "passphrase.set"}, now)
}
