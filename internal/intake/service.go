// Package intake is the worker's side of a case: submitting a grievance,
// coming back with the receipt, reading the thread and answering. It joins
// the domain (grievance), the vault and the store; web and the demo call it.
package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// SessionLifetime is how long a worker's case page stays open on a device
// without asking for the receipt again.
const SessionLifetime = 30 * time.Minute

// Service handles the worker's side of cases.
type Service struct {
	DB        *store.DB
	Keys      *vault.Keyring
	Now       func() time.Time
	Rand      io.Reader
	Deadlines grievance.AckPolicy
}

// Receipt is what a worker gets back once the case is durably stored. The
// receipt digits exist only here and in the worker's hands.
type Receipt struct {
	CaseID        int64            `json:"case_id"`
	Reference     string           `json:"reference"`
	Receipt       string           `json:"receipt"`
	Status        grievance.Status `json:"status"`
	Risk          grievance.Risk   `json:"risk"`
	AcknowledgeBy time.Time        `json:"acknowledge_by"`
	OriginCountry string           `json:"origin_country"`
	Language      string           `json:"language"`
}

// Submit validates s and stores it as a new case. With an idempotency key,
// a repeat of the same request returns the first answer (with the same
// receipt) instead of a second case; the same key with a different request
// is a conflict.
func (s *Service) Submit(ctx context.Context, sub grievance.Submission, idemKey string) (Receipt, error) {
	sub.Normalize()
	now := s.Now()
	if errs := sub.Validate(now, i18n.IsSupported); len(errs) > 0 {
		return Receipt{}, apperr.Validation(errs)
	}
	var idem *store.Idempotency
	if idemKey != "" {
		reqJSON, err := json.Marshal(sub)
		if err != nil {
			return Receipt{}, err
		}
		idem = &store.Idempotency{
			KeyHash:     s.Keys.MAC("idempotency-key", []byte(idemKey)),
			RequestHash: s.Keys.MAC("idempotency-request", reqJSON),
		}
		if r, err := s.replay(ctx, idem, idemKey); err == nil || apperr.CodeOf(err) != apperr.NotFound {
			return r, err
		}
	}
	r, err := s.create(ctx, sub, now, idem, idemKey)
	if errors.Is(err, store.ErrDuplicateIdempotencyKey) {
		// Another copy of the same request committed first: answer as it did.
		return s.replay(ctx, idem, idemKey)
	}
	return r, err
}

func (s *Service) replay(ctx context.Context, idem *store.Idempotency, key string) (Receipt, error) {
	found, err := s.DB.FindIdempotency(ctx, idem.KeyHash)
	if err != nil {
		return Receipt{}, err
	}
	if string(found.RequestHash) != string(idem.RequestHash) {
		return Receipt{}, apperr.New(apperr.Conflict, "error.conflict")
	}
	plain, err := s.Keys.OpenWithSecret([]byte(key), found.SealedResponse, []byte("idempotent-receipt"))
	if err != nil {
		return Receipt{}, fmt.Errorf("intake: open remembered receipt: %w", err)
	}
	var r Receipt
	if err := json.Unmarshal(plain, &r); err != nil {
		return Receipt{}, fmt.Errorf("intake: decode remembered receipt: %w", err)
	}
	rec, err := s.DB.CaseByReference(ctx, r.Reference)
	if err != nil {
		return Receipt{}, err
	}
	r.CaseID = rec.Case.ID
	return r, nil
}

func (s *Service) create(ctx context.Context, sub grievance.Submission, now time.Time, idem *store.Idempotency, idemKey string) (Receipt, error) {
	ref, err := grievance.NewReference(s.Rand)
	if err != nil {
		return Receipt{}, err
	}
	digits, err := vault.NewReceipt(s.Rand)
	if err != nil {
		return Receipt{}, err
	}
	c := grievance.NewCase(sub, ref, now, s.Deadlines)
	dek, wrapped, err := s.Keys.NewDataKey(s.Rand)
	if err != nil {
		return Receipt{}, err
	}
	details, err := json.Marshal(c.Details)
	if err != nil {
		return Receipt{}, err
	}
	sealed, err := vault.Seal(dek, details, detailsAAD(ref), s.Rand)
	if err != nil {
		return Receipt{}, err
	}
	r := Receipt{
		Reference: ref, Receipt: digits, Status: c.Status, Risk: c.Triage.Risk,
		AcknowledgeBy: c.AcknowledgeBy, OriginCountry: c.OriginCountry, Language: c.Language,
	}
	sc := &store.SealedCase{Case: c, ReceiptHash: s.Keys.ReceiptLookupHash(digits), WrappedKey: wrapped, SealedDetails: sealed}
	if idem != nil {
		// The case id is not known before the insert; a replay finds it
		// again by reference.
		plain, err := json.Marshal(r)
		if err != nil {
			return Receipt{}, err
		}
		idem.SealedResponse, err = s.Keys.SealWithSecret([]byte(idemKey), plain, []byte("idempotent-receipt"), s.Rand)
		if err != nil {
			return Receipt{}, err
		}
	}
	entry := audit.Entry{At: now, Actor: "worker", Action: "case.created",
		Detail: fmt.Sprintf("risk=%s categories=%d language=%s", c.Triage.Risk, len(c.Categories), c.Language)}
	if err := s.DB.CreateCase(ctx, sc, idem, entry); err != nil {
		return Receipt{}, err
	}
	r.CaseID = sc.Case.ID
	return r, nil
}

func detailsAAD(ref string) []byte { return []byte("case:" + ref + ":details") }

func messageAAD(ref string) []byte { return []byte("case:" + ref + ":message") }
