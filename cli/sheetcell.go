package cli

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
)

// spreadsheetCell is s as a cell of a CSV file or a workbook gridcmd
// writes: with ' in front when a spreadsheet would take it for a formula,
// that is when it starts with =, +, -, @, a tab or a carriage return
// (OWASP's advice against CSV injection: a report titled
// =HYPERLINK("http://…","点我") would be a live link in Excel or WPS). A
// signed number (+3, -2, -0.5) stays a number. Every CSV and workbook
// cell the command line writes goes through it (sheetCSV, sheetRow).
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

// sheetRow is a workbook's row with its text cells through
// spreadsheetCell; numbers are numbers already.
func sheetRow(row []any) []any {
	out := make([]any, len(row))
	for i, c := range row {
		if s, ok := c.(string); ok {
			c = spreadsheetCell(s)
		}
		out[i] = c
	}
	return out
}
