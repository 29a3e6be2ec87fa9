package planservice

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"remedy/internal/access"
	"remedy/internal/apperr"
	"remedy/internal/staff"
	"remedy/internal/store"
	"remedy/internal/workplan"
)

// File formats of the plan.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Content types of the formats.
const (
	ContentTypeCSV  = "text/csv; charset=utf-8"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// MaxImport is the largest file an import reads.
const MaxImport = 10 << 20

// utf8BOM starts the CSV file, so that spreadsheet programs read Khmer,
// Japanese or Vietnamese as UTF-8.
const utf8BOM = "\ufeff"

// formulaStart are the characters that make a spreadsheet program read a
// CSV cell as a formula. Such a cell (and one starting with a quote) is
// written with a quote before it, which reading removes again, so that the
// round trip is exact and opening an export never runs a formula.
const formulaStart = "=+-@\t\r'"

func escapeCell(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

func unescapeCell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}

// EncodeCSV writes the plan as one CSV file: a record column names each
// row's table.
func EncodeCSV(p *workplan.Plan) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	for i, row := range workplan.Combine(p.Sheets()) {
		if i > 0 {
			for j := range row {
				row[j] = escapeCell(row[j])
			}
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// DecodeCSV reads the sheets of a CSV file written by EncodeCSV (or edited
// in a spreadsheet program).
func DecodeCSV(b []byte) ([]workplan.Sheet, []workplan.RowError) {
	b = bytes.TrimPrefix(b, []byte(utf8BOM))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := len(rows) + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, []workplan.RowError{{Sheet: "csv", Line: line, Key: "plan.error.csv"}}
		}
		if len(rows) > 0 {
			for j := range row {
				row[j] = unescapeCell(row[j])
			}
		}
		rows = append(rows, row)
	}
	return workplan.Split(rows)
}

// EncodeXLSX writes the plan as a workbook with one sheet a table.
func EncodeXLSX(p *workplan.Plan) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range p.Sheets() {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.Name); err != nil {
			return nil, err
		}
		for r, row := range append([][]string{sh.Header}, sh.Rows...) {
			for c, v := range row {
				cell, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil {
					return nil, err
				}
				// Strings always: a code such as "1.10" or a date stays
				// exactly as written.
				if err := f.SetCellStr(sh.Name, cell, v); err != nil {
					return nil, err
				}
			}
		}
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeXLSX reads the sheets of a workbook; sheets whose names are not the
// plan's are refused.
func DecodeXLSX(b []byte) ([]workplan.Sheet, []workplan.RowError) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20, RawCellValue: true})
	if err != nil {
		return nil, []workplan.RowError{{Sheet: "xlsx", Line: 1, Key: "plan.error.xlsx"}}
	}
	defer f.Close()
	var sheets []workplan.Sheet
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, []workplan.RowError{{Sheet: name, Line: 1, Key: "plan.error.xlsx"}}
		}
		if len(rows) == 0 {
			continue
		}
		sheets = append(sheets, workplan.Sheet{Name: strings.ToLower(strings.TrimSpace(name)), Header: rows[0], Rows: rows[1:]})
	}
	return sheets, nil
}

// Export writes the whole plan in format: every stakeholder it names with
// its profile, areas, outcomes, actions, progress, indicators, manual
// values and translations. Any staff member may export.
func (s *Service) Export(ctx context.Context, who staff.Signed, format string) ([]byte, error) {
	if !access.CanPlan(who.Actor, access.PlanStaff, access.PlanFacts{}) {
		return nil, notFound()
	}
	return s.export(ctx, format)
}

func (s *Service) export(ctx context.Context, format string) ([]byte, error) {
	p, err := s.DB.LoadPlan(ctx)
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatCSV:
		return EncodeCSV(p)
	case FormatXLSX:
		return EncodeXLSX(p)
	}
	return nil, apperr.Validation([]apperr.FieldError{{Field: "format", Key: "error.unknown_code"}})
}

// Parse reads and validates a plan file against what the database holds.
func (s *Service) Parse(ctx context.Context, format string, b []byte) (*workplan.Plan, error) {
	if len(b) > MaxImport {
		return nil, apperr.New(apperr.TooLarge, "error.body_too_large")
	}
	var sheets []workplan.Sheet
	var rowErrs []workplan.RowError
	switch format {
	case FormatCSV:
		sheets, rowErrs = DecodeCSV(b)
	case FormatXLSX:
		sheets, rowErrs = DecodeXLSX(b)
	default:
		return nil, apperr.Validation([]apperr.FieldError{{Field: "format", Key: "error.unknown_code"}})
	}
	if len(rowErrs) > 0 {
		return nil, apperr.Validation(workplan.FieldErrors(rowErrs))
	}
	p, rowErrs := workplan.PlanFromSheets(sheets)
	if len(rowErrs) > 0 {
		return nil, apperr.Validation(workplan.FieldErrors(rowErrs))
	}
	known, err := s.known(ctx)
	if err != nil {
		return nil, err
	}
	if rowErrs := p.Validate(s.Today(), known); len(rowErrs) > 0 {
		if len(rowErrs) > 50 {
			rowErrs = rowErrs[:50]
		}
		return nil, apperr.Validation(workplan.FieldErrors(rowErrs))
	}
	return p, nil
}

func (s *Service) known(ctx context.Context) (workplan.Known, error) {
	k := workplan.Known{Areas: map[string]bool{}, Outcomes: map[string]bool{}, Actions: map[string]bool{},
		Organizations: map[string]bool{}, Indicators: map[string]workplan.IndicatorKind{}, OutcomeArea: map[string]string{}}
	p, err := s.DB.LoadPlan(ctx)
	if err != nil {
		return k, err
	}
	for _, a := range p.Areas {
		k.Areas[a.Code] = true
	}
	for _, o := range p.Outcomes {
		k.Outcomes[o.Code], k.OutcomeArea[o.Code] = true, o.AreaCode
	}
	for _, a := range p.Actions {
		k.Actions[a.Code] = true
	}
	for _, i := range p.Indicators {
		k.Indicators[i.Code] = i.Kind
	}
	orgs, err := s.DB.Organizations(ctx)
	if err != nil {
		return k, err
	}
	for _, o := range orgs {
		k.Organizations[o.Name] = true
	}
	return k, nil
}

// Import merges a plan file into the plan: coordinators only. Nothing is
// written unless the whole file is valid, and then all of it is written in
// one transaction.
func (s *Service) Import(ctx context.Context, who staff.Signed, format string, b []byte) (store.PlanImport, error) {
	if !access.CanPlan(who.Actor, access.PlanEdit, access.PlanFacts{}) {
		return store.PlanImport{}, notFound()
	}
	return s.importAs(ctx, s.by(who), format, b)
}

func (s *Service) importAs(ctx context.Context, by store.PlanBy, format string, b []byte) (store.PlanImport, error) {
	p, err := s.Parse(ctx, format, b)
	if err != nil {
		return store.PlanImport{}, err
	}
	sum, err := s.DB.ImportPlan(ctx, p, by)
	if err != nil {
		return sum, fmt.Errorf("planservice: import: %w", err)
	}
	return sum, nil
}

// ImportSystem validates and merges a plan in the name of the system (the
// demo, the command line): no person, no access check.
func (s *Service) ImportSystem(ctx context.Context, p *workplan.Plan) (store.PlanImport, error) {
	known, err := s.known(ctx)
	if err != nil {
		return store.PlanImport{}, err
	}
	if rowErrs := p.Validate(s.Today(), known); len(rowErrs) > 0 {
		return store.PlanImport{}, apperr.Validation(workplan.FieldErrors(rowErrs))
	}
	return s.DB.ImportPlan(ctx, p, s.System())
}
