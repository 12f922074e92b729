package cli

import (
	"encoding/csv"
	"fmt"
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

// TestStatementDefusesFormulas: the statement's CSV writes a cell a
// spreadsheet would run (a name imported from a roster) with ' first; its
// workbook writes it as it is, as a text cell in the text format (@), which
// no spreadsheet runs, edited or not, and which shows no '.
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
		in, cell := rows[i][0].(string), fmt.Sprintf("A%d", i+1)
		assert.Equal(t, in, row[0], "%q: as it is", in)
		assert.Equal(t, "+3", row[2])
		formula, err := f.GetCellFormula("汇总", cell)
		require.NoError(t, err)
		assert.Empty(t, formula)
		typ, err := f.GetCellType("汇总", cell)
		require.NoError(t, err)
		assert.Contains(t, []excelize.CellType{excelize.CellTypeSharedString, excelize.CellTypeInlineString}, typ, "%q: a text cell", in)
		id, err := f.GetCellStyle("汇总", cell)
		require.NoError(t, err)
		st, err := f.GetStyle(id)
		require.NoError(t, err)
		assert.Equal(t, textFormat, st.NumFmt, "%q: in the text format", in)
	}
}
