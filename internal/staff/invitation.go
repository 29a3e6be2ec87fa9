package staff

import (
	"context"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/audit"
	"remedy/internal/org"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// Invite creates an invitation into orgID and returns the token for the
// link. Only the policy's admins may invite.
func (s *Service) Invite(ctx context.Context, by access.Actor, orgID int64, email string, role org.Role) (string, error) {
	if !access.CanManagePerson(by, orgID) {
		return "", apperr.New(apperr.NotFound, "error.not_found")
	}
	if !access.CanGrantRole(by, role) {
		return "", apperr.Validation([]apperr.FieldError{{Field: "role", Key: "error.forbidden"}})
	}
	p := org.Person{OrgID: orgID, Email: email, Role: role}
	if errs := p.Validate(); len(errs) > 0 {
		return "", apperr.Validation(errs)
	}
	if _, err := s.DB.Organization(ctx, orgID); err != nil {
		return "", err
	}
	token, err := vault.NewToken(s.Rand)
	if err != nil {
		return "", err
	}
	now := s.Now().UTC()
	inv := store.Invitation{TokenHash: s.Keys.MAC("invitation", []byte(token)), OrgID: orgID, Email: p.Email, Role: role,
		InvitedBy: by.PersonID, ExpiresAt: now.Add(InvitationLifetime), CreatedAt: now}
	if err := s.DB.CreateInvitation(ctx, inv, audit.Entry{At: now, Actor: ActorName(by), Action: "person.invited"}); err != nil {
		return "", err
	}
	return token, nil
}

// Pending is an invitation as its acceptance page shows it.
type Pending struct {
	Email      string
	Role       org.Role
	Org        org.Organization
	TOTPSecret string
}

// Invitation returns the invitation of token with the TOTP secret the new
// person will enrol (made once, then shown again on reload).
func (s *Service) Invitation(ctx context.Context, token string) (Pending, error) {
	hash := s.Keys.MAC("invitation", []byte(token))
	inv, err := s.DB.InvitationByToken(ctx, hash, s.Now())
	if err != nil {
		return Pending{}, err
	}
	if inv.SealedTOTP == nil {
		secret, err := vault.NewTOTPSecret(s.Rand)
		if err != nil {
			return Pending{}, err
		}
		sealed, err := s.sealTOTP(inv.Email, secret)
		if err != nil {
			return Pending{}, err
		}
		if err := s.DB.SetInvitationTOTP(ctx, hash, sealed); err != nil {
			return Pending{}, err
		}
		if inv, err = s.DB.InvitationByToken(ctx, hash, s.Now()); err != nil {
			return Pending{}, err
		}
	}
	secret, err := s.openTOTP(inv.Email, inv.SealedTOTP)
	if err != nil {
		return Pending{}, err
	}
	o, err := s.DB.Organization(ctx, inv.OrgID)
	if err != nil {
		return Pending{}, err
	}
	return Pending{Email: inv.Email, Role: inv.Role, Org: o, TOTPSecret: secret}, nil
}

// Accept creates the invited person once they chose a password and proved,
// with a code, that their authenticator app holds the secret.
func (s *Service) Accept(ctx context.Context, token, name, password, code string) error {
	pend, err := s.Invitation(ctx, token)
	if err != nil {
		return err
	}
	p := org.Person{OrgID: pend.Org.ID, Email: pend.Email, Name: name, Role: pend.Role}
	errs := p.Validate()
	errs = append(errs, org.ValidatePassword(password)...)
	if ok, _ := vault.VerifyTOTP(pend.TOTPSecret, code, s.Now()); !ok {
		errs = append(errs, apperr.FieldError{Field: "code", Key: "error.totp_wrong"})
	}
	if len(errs) > 0 {
		return apperr.Validation(errs)
	}
	rec, err := s.newRecord(p, password, pend.TOTPSecret)
	if err != nil {
		return err
	}
	entry := audit.Entry{At: rec.Person.CreatedAt, Actor: "invitee", Action: "person.created"}
	return s.DB.AcceptInvitation(ctx, s.Keys.MAC("invitation", []byte(token)), &rec, entry)
}
