package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"remedy/internal/apperr"
	"remedy/internal/grievance"
	"remedy/internal/i18n"
)

type taxonomyCategory struct {
	Code          string   `json:"code"`
	Label         string   `json:"label"`
	ILOIndicators []string `json:"ilo_indicators"`
}

type codeLabel struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

type taxonomyResponse struct {
	Language      string             `json:"language"`
	Categories    []taxonomyCategory `json:"categories"`
	ILOIndicators []codeLabel        `json:"ilo_indicators"`
	Programs      []codeLabel        `json:"programs"`
}

func (s *Server) apiTaxonomy(w http.ResponseWriter, r *http.Request) error {
	lang := i18n.Default
	if q := r.URL.Query().Get("lang"); q != "" {
		code, ok := i18n.Parse(q)
		if !ok {
			return apperr.Validation([]apperr.FieldError{{Field: "lang", Key: "error.unknown_code"}})
		}
		lang = code
	} else {
		lang = apiLanguage(r)
	}
	p := s.cfg.Bundle.Printer(lang)
	out := taxonomyResponse{Language: lang}
	for _, c := range grievance.Categories {
		inds := append([]string{}, c.Indicators...)
		out.Categories = append(out.Categories, taxonomyCategory{Code: c.Code, Label: p.T("category." + c.Code), ILOIndicators: inds})
	}
	for _, ind := range grievance.Indicators {
		out.ILOIndicators = append(out.ILOIndicators, codeLabel{ind, p.T("ilo." + ind)})
	}
	for _, prog := range grievance.Programs {
		out.Programs = append(out.Programs, codeLabel{prog, p.T("program." + prog)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type grievanceRequest struct {
	Language           string             `json:"language"`
	OriginCountry      string             `json:"origin_country"`
	Program            string             `json:"program"`
	Categories         []string           `json:"categories"`
	Narrative          string             `json:"narrative"`
	IncidentDate       string             `json:"incident_date"`
	Prefecture         string             `json:"prefecture"`
	EmployerName       string             `json:"employer_name"`
	SupervisingOrgName string             `json:"supervising_org_name"`
	SendingOrgName     string             `json:"sending_org_name"`
	Contact            *grievance.Contact `json:"contact"`
	Consent            *struct {
		ShareIdentity bool `json:"share_identity"`
	} `json:"consent"`
}

type grievanceCreated struct {
	Reference     string `json:"reference"`
	Receipt       string `json:"receipt"`
	Status        string `json:"status"`
	Risk          string `json:"risk"`
	AcknowledgeBy string `json:"acknowledge_by"`
}

// readJSON reads a JSON body of at most MaxBody bytes into v, refusing
// unknown fields, trailing data and invalid UTF-8 (which encoding/json
// would otherwise silently replace).
func readJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return apiBadRequest()
	}
	if len(body) > MaxBody {
		return apperr.New(apperr.TooLarge, "error.body_too_large")
	}
	if !utf8.Valid(body) {
		return apperr.New(badRequest, "error.invalid_text")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apiBadRequest()
	}
	if dec.More() {
		return apiBadRequest()
	}
	return nil
}

func (s *Server) apiCreateGrievance(w http.ResponseWriter, r *http.Request) error {
	var req grievanceRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if code, ok := i18n.Parse(req.Language); ok {
		*r = *r.WithContext(context.WithValue(r.Context(), apiLangKey{}, code))
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 255 {
		return apperr.Validation([]apperr.FieldError{{Field: "Idempotency-Key", Key: "error.too_long"}})
	}
	sub := grievance.Submission{
		Language: req.Language, OriginCountry: req.OriginCountry, Program: req.Program,
		Categories: req.Categories, Narrative: req.Narrative, IncidentDate: req.IncidentDate,
		Prefecture: req.Prefecture, EmployerName: req.EmployerName,
		SupervisingOrgName: req.SupervisingOrgName, SendingOrgName: req.SendingOrgName,
	}
	if req.Contact != nil {
		sub.Contact = *req.Contact
	}
	if req.Consent != nil {
		sub.ShareIdentity = req.Consent.ShareIdentity
	}
	rec, err := s.cfg.Intake.Submit(r.Context(), sub, key)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, grievanceCreated{
		Reference: rec.Reference, Receipt: rec.Receipt, Status: string(rec.Status),
		Risk: string(rec.Risk), AcknowledgeBy: rec.AcknowledgeBy.Format(time.RFC3339),
	})
	return nil
}

type apiMessage struct {
	ID        int64  `json:"id"`
	Author    string `json:"author"`
	Body      string `json:"body"`
	CreatedAt string `json:"created_at"`
}

type selfResponse struct {
	Reference     string       `json:"reference"`
	Status        string       `json:"status"`
	StatusText    string       `json:"status_text"`
	NextStep      string       `json:"next_step"`
	Risk          string       `json:"risk"`
	Language      string       `json:"language"`
	CreatedAt     string       `json:"created_at"`
	AcknowledgeBy string       `json:"acknowledge_by"`
	Messages      []apiMessage `json:"messages"`
}

func toAPIMessage(m grievance.Message) apiMessage {
	return apiMessage{ID: m.ID, Author: m.Author, Body: m.Body, CreatedAt: m.CreatedAt.Format(time.RFC3339)}
}

// apiWorkerCase opens the case named by the request's receipt header (and
// the Remedy-Passphrase header when the worker set a passphrase).
func (s *Server) apiWorkerCase(r *http.Request) (int64, error) {
	return s.openCase(r, receiptFromHeader(r), r.Header.Get("Remedy-Passphrase"))
}

func (s *Server) apiSelf(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiWorkerCase(r)
	if err != nil {
		return err
	}
	v, err := s.cfg.Intake.View(r.Context(), id)
	if err != nil {
		return err
	}
	c := v.Case
	lang := c.Language
	if q, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		lang = q
	}
	p := s.cfg.Bundle.Printer(lang)
	out := selfResponse{
		Reference: c.Reference, Status: string(c.Status), Risk: string(c.Triage.Risk), Language: c.Language,
		StatusText: p.T("status." + string(c.Status) + ".now"), NextStep: p.T("status." + string(c.Status) + ".next"),
		CreatedAt: c.CreatedAt.Format(time.RFC3339), AcknowledgeBy: c.AcknowledgeBy.Format(time.RFC3339),
		Messages: []apiMessage{},
	}
	for _, m := range v.Messages {
		out.Messages = append(out.Messages, toAPIMessage(m))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiSelfMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiWorkerCase(r)
	if err != nil {
		return err
	}
	var req struct {
		Body string `json:"body"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	m, err := s.cfg.Intake.AddMessage(r.Context(), id, grievance.AuthorWorker, req.Body)
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIMessage(m))
	return nil
}
