package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// formulas are cells a spreadsheet would read as a formula (OWASP's CSV
// injection), with what gridcmd writes for each.
var formulas = map[string]string{
	`=HYPERLINK("http://evil","点我")`: `'=HYPERLINK("http://evil","点我")`,
	"+cmd|' /C calc'!A0":             "'+cmd|' /C calc'!A0",
	"-2+3":                           "'-2+3",
	"@SUM(1+1)":                      "'@SUM(1+1)",
	"\t=1+1":                         "'\t=1+1",
	"\r=1+1":                         "'\r=1+1",
}

// Plain text and numbers are written as they are: a signed number is a
// number to a spreadsheet, not a formula (the statement's trend, +3, -2).
var plain = []string{"", "渎溪村 02", "330784114266-02", "3", "+3", "-2", "-0.5", "a=b", "'quoted"}

func TestSpreadsheetCell(t *testing.T) {
	for in, want := range formulas {
		assert.Equal(t, want, spreadsheetCell(in), "%q", in)
	}
	for _, in := range plain {
		assert.Equal(t, in, spreadsheetCell(in), "%q", in)
	}
}

// TestStatementDefusesFormulas: the statement's CSV and workbook write a
// cell a spreadsheet would run (a name imported from a roster) with ' first.
func TestStatementDefusesFormulas(t *testing.T) {
	var rows [][]any
	for in := range formulas {
		rows = append(rows, []any{in, 7, "+3"})
	}
	sheets := []sheet{{name: "汇总", rows: rows}}

	b, err := statementCSV(sheets)
	require.NoError(t, err)
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	recs, err := r.ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, len(rows))
	for i, rec := range recs {
		in := rows[i][0].(string)
		assert.Equal(t, []string{formulas[in], "7", "+3"}, rec, "%q", in)
	}

	b, err = statementXLSX(sheets)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "s.xlsx")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	got, err := f.GetRows("汇总")
	require.NoError(t, err)
	require.Len(t, got, len(rows))
	for i, row := range got {
		in := rows[i][0].(string)
		assert.Equal(t, formulas[in], row[0], "%q", in)
		assert.Equal(t, "+3", row[2])
		formula, err := f.GetCellFormula("汇总", "A"+string(rune('1'+i)))
		require.NoError(t, err)
		assert.Empty(t, formula)
	}
}
