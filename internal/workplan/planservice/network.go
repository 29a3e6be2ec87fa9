package planservice

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/workplan"
)

// Upload is a file sent with a library resource.
type Upload struct {
	Name    string
	Content []byte
}

// CheckFile decides whether an upload may enter the library: at most
// workplan.MaxFile bytes, and a PDF, PNG, JPEG, plain text, DOCX or XLSX
// by its content (sniffed), whatever the browser said it was.
func CheckFile(u *Upload) (contentType string, err error) {
	if len(u.Content) > workplan.MaxFile {
		return "", apperr.Validation([]apperr.FieldError{{Field: "file", Key: "plan.error.file_large"}})
	}
	if len(u.Content) == 0 {
		return "", apperr.Validation([]apperr.FieldError{{Field: "file", Key: "error.required"}})
	}
	sniffed := http.DetectContentType(u.Content)
	var entries []string
	if sniffed == "application/zip" {
		zr, err := zip.NewReader(bytes.NewReader(u.Content), int64(len(u.Content)))
		if err != nil {
			return "", apperr.Validation([]apperr.FieldError{{Field: "file", Key: "plan.error.file_type"}})
		}
		for _, f := range zr.File {
			entries = append(entries, f.Name)
		}
	}
	ct, ok := workplan.FileType(sniffed, u.Name, entries)
	if !ok {
		return "", apperr.Validation([]apperr.FieldError{{Field: "file", Key: "plan.error.file_type"}})
	}
	return ct, nil
}

// SaveResource creates (ID 0) or updates a library resource, with an
// uploaded file or a link: coordinators only. A resource being updated
// without a new file or link keeps its file.
func (s *Service) SaveResource(ctx context.Context, who staff.Signed, r *workplan.Resource, up *Upload) error {
	if !access.CanPlan(who.Actor, access.NetworkEdit, access.PlanFacts{}) {
		return notFound()
	}
	return s.saveResource(ctx, s.by(who), r, up)
}

func (s *Service) saveResource(ctx context.Context, by store.PlanBy, r *workplan.Resource, up *Upload) error {
	var old workplan.Resource
	if r.ID != 0 {
		var err error
		if old, err = s.DB.NetworkResource(ctx, r.ID, true); err != nil {
			return err
		}
	}
	keep := r.ID != 0 && up == nil && r.URL == "" && old.FileName != ""
	if errs := r.Validate(up != nil || keep); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	var file []byte
	switch {
	case up != nil:
		ct, err := CheckFile(up)
		if err != nil {
			return err
		}
		r.FileName, r.ContentType, r.Size, file = workplan.SafeFileName(up.Name), ct, int64(len(up.Content)), up.Content
	case keep:
		r.FileName, r.ContentType, r.Size = old.FileName, old.ContentType, old.Size
	default:
		r.FileName, r.ContentType, r.Size = "", "", 0
	}
	if r.EventID != 0 {
		if _, err := s.DB.NetworkEvent(ctx, r.EventID, true); err != nil {
			return apperr.Validation([]apperr.FieldError{{Field: "event", Key: "plan.error.unknown_ref"}})
		}
	}
	if r.ID == 0 {
		return s.DB.CreateNetworkResource(ctx, r, file, by)
	}
	return s.DB.UpdateNetworkResource(ctx, r, file, by)
}

// SaveEvent creates (ID 0) or updates an event: coordinators only.
func (s *Service) SaveEvent(ctx context.Context, who staff.Signed, e *workplan.Event) error {
	if !access.CanPlan(who.Actor, access.NetworkEdit, access.PlanFacts{}) {
		return notFound()
	}
	return s.saveEvent(ctx, s.by(who), e)
}

func (s *Service) saveEvent(ctx context.Context, by store.PlanBy, e *workplan.Event) error {
	if errs := e.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	for _, id := range e.Actions {
		if _, err := s.DB.PlanAction(ctx, id); err != nil {
			return apperr.Validation([]apperr.FieldError{{Field: "actions", Key: "plan.error.unknown_ref"}})
		}
	}
	if e.ID == 0 {
		return s.DB.CreateNetworkEvent(ctx, e, by)
	}
	return s.DB.UpdateNetworkEvent(ctx, e, by)
}

// CanComment reports whether who may read and write comments.
func (s *Service) CanComment(ctx context.Context, who staff.Signed) (read, write bool, err error) {
	st, err := s.IsStakeholder(ctx, who.Org.ID)
	if err != nil {
		return false, false, err
	}
	f := access.PlanFacts{Stakeholder: st}
	return access.CanPlan(who.Actor, access.NetworkNotes, f), access.CanPlan(who.Actor, access.NetworkRemark, f), nil
}

// AddComment writes a comment on a resource or an event: members of a
// stakeholder organisation, and coordinators.
func (s *Service) AddComment(ctx context.Context, who staff.Signed, c *workplan.Comment) error {
	_, write, err := s.CanComment(ctx, who)
	if err != nil {
		return err
	}
	if !write {
		return notFound()
	}
	if errs := c.Validate(); len(errs) > 0 {
		return apperr.Validation(errs)
	}
	return s.DB.AddNetworkComment(ctx, c, s.by(who))
}

// Comments returns the comments on a resource or an event, to those who
// may read them.
func (s *Service) Comments(ctx context.Context, who staff.Signed, owner string, id int64) ([]workplan.Comment, error) {
	read, _, err := s.CanComment(ctx, who)
	if err != nil {
		return nil, err
	}
	if !read {
		return nil, nil
	}
	return s.DB.NetworkComments(ctx, owner, id)
}

// SaveResourceSystem and SaveEventSystem write in the name of the system
// (the demo): no person, no access check.
func (s *Service) SaveResourceSystem(ctx context.Context, r *workplan.Resource, up *Upload) error {
	return s.saveResource(ctx, s.System(), r, up)
}

// SaveEventSystem: see SaveResourceSystem.
func (s *Service) SaveEventSystem(ctx context.Context, e *workplan.Event) error {
	return s.saveEvent(ctx, s.System(), e)
}
