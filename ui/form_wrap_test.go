package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// formErrShown are the lines of an open form's refusal as the screen shows
// them, without the box and the indent.
func formErrShown(t *testing.T, m Model) []string {
	t.Helper()
	var out []string
	for _, l := range errLines(&m.p, m.form.err, m.rightW-2) {
		out = append(out, strings.TrimSpace(ansi.Strip(l)))
	}
	require.NotEmpty(t, out)
	view := m.View()
	for _, l := range out {
		require.Contains(t, view, l)
	}
	return out
}

// A form's refusal is wrapped as a sentence: a quoted place is never
// broken (a QA saw 地点 "渎溪村 / and 03" on the next line), the reason
// follows it on its line, and every line but the last is filled, not left
// half empty with the field's label on it alone.
func TestFormRefusalWrapsAtPhrases(t *testing.T) {
	f := newFixture(t)
	for _, w := range []int{80, 90, 100, 110, 120} {
		m := keys(t, f.model(t, "zh", w, 30), "W", "tab")
		m = typeText(t, m, "渎溪村 / 03")
		m = submitForm(t, m)
		require.True(t, m.formActive, "%d: refused, the form stays", w)
		require.Contains(t, m.form.err, `地点 "渎溪村 / 03"：`)
		lines := formErrShown(t, m)
		joined := strings.Join(lines, "\n")
		assert.Contains(t, joined, `"渎溪村 / 03"：`, "%d: the place whole, its reason after it: %q", w, joined)
		n := m.rightW - 2 - 5
		for i, l := range lines[:len(lines)-1] {
			assert.GreaterOrEqual(t, m.p.w.Of(l), n-2, "%d: line %d is filled: %q", w, i+1, joined)
		}
		checkScreen(t, m, w, 30, false)
	}
}

func TestPhraseWrap(t *testing.T) {
	w := Width{}
	for _, c := range []struct {
		s    string
		n    int
		want []string
	}{
		{`未提交：范围：地点 "渎溪村 / 03"：在花街镇没有这个名称的节点`, 30,
			[]string{`未提交：范围：地点`, `"渎溪村 / 03"：在花街镇没有这`, `个名称的节点`}},
		{`未提交：范围：地点 "渎溪村 / 03"：在花街镇没有这个名称的节点`, 36,
			[]string{`未提交：范围：地点 "渎溪村 / 03"：在`, `花街镇没有这个名称的节点`}},
		{"范围：「上京岭村 02-03」不在战时范围内", 20, []string{"范围：", "「上京岭村 02-03」不", "在战时范围内"}},
		{`a "b c`, 4, []string{`a "b`, "c"}},
	} {
		assert.Equal(t, c.want, phraseWrap(w, c.s, c.n), "%q in %d", c.s, c.n)
	}
}
