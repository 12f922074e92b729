package cli

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"
)

// spreadsheetCell is s as a cell of a CSV file gridcmd writes: with ' in
// front when a spreadsheet would take it for a formula, that is when it
// starts with =, +, -, @, a tab or a carriage return (OWASP's advice
// against CSV injection: a report titled =HYPERLINK("http://…","点我")
// would be a live link in Excel or WPS). A signed number (+3, -2, -0.5)
// stays a number. Every CSV cell the command line writes goes through it
// (sheetCSV); a workbook has text cells instead (sheetRow).
func spreadsheetCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || signedNumber.MatchString(s) {
		return s
	}
	return "'" + s
}

var signedNumber = regexp.MustCompile(`^[+-][0-9]+(\.[0-9]+)?$`)

// sheetCSV writes CSV records, each cell through spreadsheetCell.
type sheetCSV struct{ w *csv.Writer }

func newSheetCSV(w io.Writer) sheetCSV { return sheetCSV{csv.NewWriter(w)} }

// Write writes one record.
func (s sheetCSV) Write(rec []string) error {
	cells := make([]string, len(rec))
	for i, c := range rec {
		cells[i] = spreadsheetCell(c)
	}
	return s.w.Write(cells)
}

// Flush writes what is buffered and returns the first error met.
func (s sheetCSV) Flush() error {
	s.w.Flush()
	return s.w.Error()
}

// textFormat is the spreadsheet's built-in number format "@", text: a
// cell in it stays text when it is edited (Excel and WPS would otherwise
// read an edited =… as a formula).
const textFormat = 49

// sheetRow writes row r (from 1) of a workbook's sheet. Its text cells are
// text cells, never formulas, whatever they start with, so they need no '
// in front (which a workbook would show); one a spreadsheet would take for
// a formula when typed (spreadsheetCell would change it) gets the text
// style too, so that editing it keeps it text.
func sheetRow(f *excelize.File, sheet string, r int, row []any, text int) error {
	first, err := excelize.CoordinatesToCellName(1, r)
	if err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, first, &row); err != nil {
		return err
	}
	for i, c := range row {
		if s, ok := c.(string); ok && spreadsheetCell(s) != s {
			cell, err := excelize.CoordinatesToCellName(i+1, r)
			if err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, cell, cell, text); err != nil {
				return err
			}
		}
	}
	return nil
}
