// Package staff signs staff in (password and TOTP), keeps their sessions,
// and manages organisations, people and invitations. It joins org, vault
// and store, and asks access before every change.
package staff

import (
	"context"
	"fmt"
	"io"
	"time"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// Session and invitation lifetimes.
const (
	SessionLifetime    = 12 * time.Hour
	IdleTimeout        = time.Hour
	InvitationLifetime = 7 * 24 * time.Hour
)

// Service handles staff accounts.
type Service struct {
	DB   *store.DB
	Keys *vault.Keyring
	Now  func() time.Time
	Rand io.Reader
}

// Signed is a signed-in person: who they are, their organisation, and the
// actor the access policy decides for.
type Signed struct {
	Person org.Person
	Org    org.Organization
	Actor  access.Actor
}

func actorOf(r store.PersonRecord) access.Actor {
	return access.Actor{Kind: access.Staff, PersonID: r.Person.ID, OrgID: r.Org.ID, OrgType: r.Org.Type, Role: r.Person.Role}
}

// ActorName is how an actor appears in the audit trail: an id, never a name.
func ActorName(a access.Actor) string {
	switch a.Kind {
	case access.Staff:
		return fmt.Sprintf("staff:%d", a.PersonID)
	case access.Worker:
		return "worker"
	}
	return "system"
}

func (s *Service) sealTOTP(email, secret string) ([]byte, error) {
	return s.Keys.SealWithSecret([]byte("totp"), []byte(secret), []byte("totp:"+email), s.Rand)
}

func (s *Service) openTOTP(email string, sealed []byte) (string, error) {
	b, err := s.Keys.OpenWithSecret([]byte("totp"), sealed, []byte("totp:"+email))
	return string(b), err
}

// AddOrganization creates an organisation. by is who does it ("system" for
// the command line).
func (s *Service) AddOrganization(ctx context.Context, o org.Organization, by string) (org.Organization, error) {
	if errs := o.Validate(); len(errs) > 0 {
		return o, apperr.Validation(errs)
	}
	o.CreatedAt = s.Now().UTC()
	err := s.DB.CreateOrganization(ctx, &o, audit.Entry{At: o.CreatedAt, Actor: by, Action: "org.created"})
	return o, err
}

// AddPerson creates an active person with a password and returns their new
// TOTP secret (base32), to be shown once.
func (s *Service) AddPerson(ctx context.Context, p org.Person, password, by string) (string, error) {
	errs := p.Validate()
	errs = append(errs, org.ValidatePassword(password)...)
	if len(errs) > 0 {
		return "", apperr.Validation(errs)
	}
	if _, err := s.DB.Organization(ctx, p.OrgID); err != nil {
		return "", apperr.Validation([]apperr.FieldError{{Field: "org", Key: "error.unknown_code"}})
	}
	secret, err := vault.NewTOTPSecret(s.Rand)
	if err != nil {
		return "", err
	}
	rec, err := s.newRecord(p, password, secret)
	if err != nil {
		return "", err
	}
	if err := s.DB.CreatePerson(ctx, &rec, audit.Entry{At: rec.Person.CreatedAt, Actor: by, Action: "person.created"}); err != nil {
		return "", err
	}
	return secret, nil
}

func (s *Service) newRecord(p org.Person, password, secret string) (store.PersonRecord, error) {
	hash, err := s.Keys.HashPassword(password, s.Rand)
	if err != nil {
		return store.PersonRecord{}, err
	}
	sealed, err := s.sealTOTP(p.Email, secret)
	if err != nil {
		return store.PersonRecord{}, err
	}
	p.Active, p.CreatedAt = true, s.Now().UTC()
	return store.PersonRecord{Person: p, PasswordHash: hash, SealedTOTP: sealed}, nil
}

func errSignIn() error { return apperr.New(apperr.Unauthorized, "error.signin_failed") }

// SignIn checks email, password and TOTP code and opens a session. Any
// mismatch is the same error, so nobody learns which part was wrong.
func (s *Service) SignIn(ctx context.Context, email, password, code string) (string, Signed, error) {
	rec, err := s.DB.PersonByEmail(ctx, org.NormalizeEmail(email))
	if apperr.CodeOf(err) == apperr.NotFound {
		// Spend the same time as a real check, so timing does not tell
		// which addresses have accounts.
		s.Keys.VerifyPassword("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", password)
		return "", Signed{}, errSignIn()
	}
	if err != nil {
		return "", Signed{}, err
	}
	ok, err := s.Keys.VerifyPassword(rec.PasswordHash, password)
	if err != nil || !ok || !rec.Person.Active {
		return "", Signed{}, errSignIn()
	}
	secret, err := s.openTOTP(rec.Person.Email, rec.SealedTOTP)
	if err != nil {
		return "", Signed{}, fmt.Errorf("staff: open totp secret: %w", err)
	}
	now := s.Now()
	valid, period := vault.VerifyTOTP(secret, code, now)
	if !valid {
		return "", Signed{}, errSignIn()
	}
	if fresh, err := s.DB.UseTOTPPeriod(ctx, rec.Person.ID, period); err != nil || !fresh {
		return "", Signed{}, errSignIn()
	}
	token, err := vault.NewToken(s.Rand)
	if err != nil {
		return "", Signed{}, err
	}
	entry := audit.Entry{At: now, Actor: fmt.Sprintf("staff:%d", rec.Person.ID), Action: "staff.signed_in"}
	if err := s.DB.CreateStaffSession(ctx, s.Keys.MAC("staff-session", []byte(token)), rec.Person.ID, now, now.Add(SessionLifetime), entry); err != nil {
		return "", Signed{}, err
	}
	return token, Signed{Person: rec.Person, Org: rec.Org, Actor: actorOf(rec)}, nil
}

// Session returns who holds a session token, or Unauthorized.
func (s *Service) Session(ctx context.Context, token string) (Signed, error) {
	if token == "" {
		return Signed{}, apperr.New(apperr.Unauthorized, "error.signin_required")
	}
	rec, err := s.DB.StaffSession(ctx, s.Keys.MAC("staff-session", []byte(token)), s.Now(), IdleTimeout)
	if err != nil {
		return Signed{}, err
	}
	return Signed{Person: rec.Person, Org: rec.Org, Actor: actorOf(rec)}, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.DB.DeleteStaffSession(ctx, s.Keys.MAC("staff-session", []byte(token)))
}
