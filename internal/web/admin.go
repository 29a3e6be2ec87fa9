package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/org"
	"remedy/internal/staff"
)

// routesAdmin: organisations, people and invitations.
func (s *Server) routesAdmin(mux *http.ServeMux) {
	mux.Handle("GET /staff/orgs", s.staffPage(s.orgsPage))
	mux.Handle("POST /staff/orgs", s.staffPage(s.orgsCreate))
	mux.Handle("GET /staff/orgs/{id}", s.staffPage(s.orgPage))
	mux.Handle("POST /staff/orgs/{id}/invitations", s.staffPage(s.orgInvite))
	mux.Handle("GET /staff/invite/{token}", s.handle(s.invitePage))
	mux.Handle("POST /staff/invite/{token}", s.handle(s.inviteAccept))
}

type orgsPage struct {
	Page
	Orgs      []org.Organization
	CanCreate bool
	Form      org.Organization
	Errors    map[string]string
	Types     []org.Type
}

func (s *Server) orgsPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	return s.renderOrgs(w, r, who, http.StatusOK, org.Organization{}, nil)
}

func (s *Server) renderOrgs(w http.ResponseWriter, r *http.Request, who staff.Signed, status int, form org.Organization, errs []apperr.FieldError) error {
	if !access.Can(who.Actor, access.ManagePeople) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	all, err := s.cfg.DB.Organizations(r.Context())
	if err != nil {
		return err
	}
	p := orgsPage{Page: s.staffPageData(w, r, who), CanCreate: access.Can(who.Actor, access.ManageOrgs),
		Form: form, Errors: map[string]string{}, Types: org.Types}
	for _, o := range all {
		if access.CanManagePerson(who.Actor, o.ID) {
			p.Orgs = append(p.Orgs, o)
		}
	}
	for _, fe := range errs {
		p.Errors[fe.Field] = p.P.T(fe.Key, fe.Args...)
	}
	return s.render(w, status, "orgs", p)
}

func (s *Server) orgsCreate(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	if !access.Can(who.Actor, access.ManageOrgs) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	o := org.Organization{Name: form.Get("name"), Type: org.Type(form.Get("type")), Country: form.Get("country"),
		Languages: strings.Fields(strings.ReplaceAll(form.Get("languages"), ",", " "))}
	created, err := s.cfg.Staff.AddOrganization(r.Context(), o, staff.ActorName(who.Actor))
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		return s.renderOrgs(w, r, who, http.StatusUnprocessableEntity, o, ae.Fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/orgs/"+strconv.FormatInt(created.ID, 10), http.StatusSeeOther)
	return nil
}

type orgPage struct {
	Page
	Org        org.Organization
	People     []org.Person
	Roles      []org.Role
	InviteLink string
	Email      string
	Role       string
	Errors     map[string]string
}

func (s *Server) orgFromPath(r *http.Request, who staff.Signed) (org.Organization, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !access.CanManagePerson(who.Actor, id) {
		return org.Organization{}, apperr.New(apperr.NotFound, "error.not_found")
	}
	return s.cfg.DB.Organization(r.Context(), id)
}

func (s *Server) orgPage(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	o, err := s.orgFromPath(r, who)
	if err != nil {
		return err
	}
	return s.renderOrg(w, r, who, o, http.StatusOK, orgPage{})
}

func (s *Server) renderOrg(w http.ResponseWriter, r *http.Request, who staff.Signed, o org.Organization, status int, p orgPage) error {
	people, err := s.cfg.DB.People(r.Context(), o.ID)
	if err != nil {
		return err
	}
	p.Page, p.Org, p.People, p.Roles = s.staffPageData(w, r, who), o, people, org.Roles
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	return s.render(w, status, "org", p)
}

func (s *Server) orgInvite(w http.ResponseWriter, r *http.Request, who staff.Signed) error {
	o, err := s.orgFromPath(r, who)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	email, role := form.Get("email"), form.Get("role")
	token, err := s.cfg.Staff.Invite(r.Context(), who.Actor, o.ID, email, org.Role(role))
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		p := orgPage{Email: email, Role: role, Errors: map[string]string{}}
		printer := s.cfg.Bundle.Printer(s.language(w, r))
		for _, fe := range ae.Fields {
			p.Errors[fe.Field] = printer.T(fe.Key, fe.Args...)
		}
		return s.renderOrg(w, r, who, o, http.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	// The link is shown once, to the admin who sends it; it is never logged.
	return s.renderOrg(w, r, who, o, http.StatusOK, orgPage{InviteLink: "/staff/invite/" + token})
}

type invitePage struct {
	Page
	Pending staff.Pending
	Token   string
	Name    string
	Errors  map[string]string
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	pend, err := s.cfg.Staff.Invitation(r.Context(), token)
	if err != nil {
		return err
	}
	p := invitePage{Page: s.page(r, s.language(w, r)), Pending: pend, Token: token, Errors: map[string]string{}}
	return s.render(w, http.StatusOK, "invite", p)
}

func (s *Server) inviteAccept(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	err = s.cfg.Staff.Accept(r.Context(), token, form.Get("name"), form.Get("password"), form.Get("code"))
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		pend, perr := s.cfg.Staff.Invitation(r.Context(), token)
		if perr != nil {
			return perr
		}
		p := invitePage{Page: s.page(r, s.language(w, r)), Pending: pend, Token: token, Name: form.Get("name"), Errors: map[string]string{}}
		for _, fe := range ae.Fields {
			p.Errors[fe.Field] = p.P.T(fe.Key, fe.Args...)
		}
		return s.render(w, http.StatusUnprocessableEntity, "invite", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/signin?welcome=1", http.StatusSeeOther)
	return nil
}
