package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// numbered is n words: prefix and a three-digit number, w000 w001 ...
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return out
}

// TestWordWrap: the one wrapping helper breaks at spaces; a word wider
// than a line between Han characters (never before a closing mark), a run
// of Latin letters and digits only when it is wider than the line (then at
// the line's edge); it keeps the spaces inside a line and loses nothing.
func TestWordWrap(t *testing.T) {
	w := Width{}
	words := numbered("w", 80)
	for _, n := range []int{4, 5, 13, 60, 62, 200} {
		lines := wordWrap(w, strings.Join(words, " "), n)
		for _, l := range lines {
			assert.LessOrEqual(t, w.Of(l), n, "%q at %d", l, n)
		}
		assert.Equal(t, words, strings.Fields(strings.Join(lines, " ")), "nothing lost, no word split, at %d", n)
	}
	for _, tc := range []struct {
		s    string
		n    int
		want []string
	}{
		{"call t015 13812345678", 12, []string{"call t015", "13812345678"}},
		{"t01 138-1234-5678 x", 14, []string{"t01", "138-1234-5678", "x"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"ab abcdefghij cd", 4, []string{"ab", "abcd", "efgh", "ij", "cd"}},
		{"/tmp/x/ui.db is closed", 8, []string{"/tmp/x/u", "i.db is", "closed"}},
		{"多户村民与承包大户", 6, []string{"多户村", "民与承", "包大户"}},
		{"纠纷，聚集", 4, []string{"纠", "纷，", "聚集"}},
		{"上报 w000 w001", 9, []string{"上报 w000", "w001"}},
		{"a  b", 10, []string{"a  b"}},
		{":after :show ID", 7, []string{":after", ":show", "ID"}},
		{":q （tab键补全）", 14, []string{":q", "（tab键补全）"}},
		{"交接班=handover 战后总结=after", 16, []string{"交接班=handover", "战后总结=after"}},
		{"备注 多户村民与承包大户", 12, []string{"备注 多户村", "民与承包大户"}},
		{"reported 3  acked 2", 12, []string{"reported 3", "acked 2"}},
		{"a\n\nb", 5, []string{"a", "", "b"}},
		{"", 5, []string{""}},
		{"   lead", 4, []string{"lead"}}, // leading spaces with no room beside the word: no blank line
		{"  ab", 4, []string{"  ab"}},
		{"👍🏽 ok", 5, []string{"👍 ok"}},
	} {
		assert.Equal(t, tc.want, wordWrap(w, tc.s, tc.n), "%q at %d", tc.s, tc.n)
	}
	assert.Nil(t, wordWrap(w, "abc", 0))
}

// FuzzWordWrap: every line fits, and nothing but the spaces where it
// broke is lost.
func FuzzWordWrap(f *testing.F) {
	for _, s := range []string{"w000 w001 w002", "多户村民与承包大户，聚集在村委会门口。", "call t015 13812345678 呼叫", "a\n\nb  c", "👍🏽 🇨🇳 x"} {
		f.Add(s, 7)
	}
	f.Add("\r\x1c\t"+strings.Repeat("0", 44), -38) // a line of nothing visible before a run wider than a line
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = max(n%40, -n%40) + 2 // a line holds any character
		w := Width{}
		lines := wordWrap(w, s, n)
		for _, l := range lines {
			if w.Of(l) > n {
				t.Fatalf("%q is wider than %d", l, n)
			}
		}
		squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if got, want := squeeze(strings.Join(lines, " ")), squeeze(w.shown(s)); got != want {
			t.Fatalf("lost text: %q became %q", want, got)
		}
	})
}

// TestDetailShowsEveryWord is the QA finding on the incident detail: the
// timeline's wrapped lines lost text (w024..w026 of an 80-word note never
// showed), the title was cut with … in its field, and the details split
// words (t01 / 5). Every word now shows whole, the title in full under its
// label, at 80 and 120 columns, in both languages.
func TestDetailShowsEveryWord(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	note := numbered("w", 80)
	title := append(numbered("title", 22), "12") // 200 characters
	var text []string
	for i := range 12 {
		text = append(text, "call", fmt.Sprintf("t%03d", i), fmt.Sprintf("13812345%03d", i))
	}
	require.Len(t, strings.Join(title, " "), 200)
	inc, err := f.db.Report(ctx, model.Report{Node: "330784114266-02-01", Category: "traffic", Severity: model.SeverityII,
		Title: strings.Join(title, " "), Text: strings.Join(text, " "), Reporter: model.System})
	require.NoError(t, err)
	_, err = f.db.Note(ctx, inc.ID, strings.Join(note, " "), f.operator(t))
	require.NoError(t, err)
	for _, tm := range terminals([2]int{80, 24}, [2]int{120, 40}) {
		if tm.wide {
			continue
		}
		t.Run(tm.name("detail"), func(t *testing.T) {
			m := runLine(t, f.model(t, tm.lang, tm.w, tm.h), "show "+inc.ID)
			require.Equal(t, overlayDetail, m.overlay)
			rows := ansi.Strip(strings.Join(m.detail.lines(), "\n"))
			for _, word := range append(append(note, title...), text...) {
				assert.Regexp(t, `(^|[ \n])`+word+`([ \n]|$)`, rows, "%q whole", word)
			}
			assert.NotContains(t, rows[strings.Index(rows, m.p.lab.Fields["reported"]):], "…", "the text and the timeline: nothing cut")
			titleRows := fieldRows(rows, m.p.lab.Fields["title"])
			assert.Equal(t, title, strings.Fields(titleRows), "the title in full in its field")
			checkScreen(t, m, tm.w, tm.h, false)
			m = keys(t, m, "G")
			checkScreen(t, m, tm.w, tm.h, false)
		})
	}
}

// fieldRows is the value of the detail's field label: its row and the
// rows under it with no label of their own.
func fieldRows(rows, label string) string {
	var out []string
	in := false
	for _, r := range strings.Split(rows, "\n") {
		head := regexp.MustCompile(`^ (\S+)`).FindStringSubmatch(r)
		switch {
		case head != nil && head[1] == label:
			in = true
			out = append(out, strings.TrimPrefix(r, " "+label))
		case in && head == nil && strings.TrimSpace(r) != "":
			out = append(out, r)
		default:
			in = false
		}
	}
	return strings.Join(out, " ")
}

// The events pane's id column says a wartime's or directive's id: its note
// does not begin with it again.
func TestAfterID(t *testing.T) {
	for _, tc := range []struct{ note, id, want string }{
		{"W-0001：防台，范围 花街镇", "W-0001", "防台，范围 花街镇"},
		{"W-0001: typhoon, scope 花街镇", "W-0001", "typhoon, scope 花街镇"},
		{"D-0001 → 11 个微网格（渎溪村）", "D-0001", "→ 11 个微网格（渎溪村）"},
		{"D-0001 to 11 micro-grids (渎溪村)", "D-0001", "to 11 micro-grids (渎溪村)"},
		{"W-0001 ended after 2h00m", "W-0001", "W-0001 ended after 2h00m"},
		{"D-0001，用时 37s（应海霞 代 渎溪村 01-02 330784114266-01-02 签收）", "D-0001", "用时 37s（应海霞 代 渎溪村 01-02 330784114266-01-02 签收）"},
		{"W-00012: other", "W-0001", "W-00012: other"},
		{"note", "", "note"},
	} {
		assert.Equal(t, tc.want, afterID(tc.note, tc.id), tc.note)
	}
}

// At a width of 0 to 3 cells the wrapping helpers added for the status
// line, a form's refusal and a holder's phone answer without a panic (a
// question with a detail indexed the last of no lines at width 1).
func TestNarrowWrapsDoNotPanic(t *testing.T) {
	m := demoConsole(t, "zh", 80, 24)
	texts := []string{"", " ", "a", "y/n", "中", "渎溪村 02-01 向“渎溪村 / 03”", "👍🏽🇨🇳", "carrying on 3 directives"}
	for _, width := range []int{0, 1, 2, 3} {
		for _, s := range texts {
			m.width = width
			m.q = question{text: s, detail: s + "续办 2 条指令", yes: func(m Model, _ string) (Model, tea.Cmd) { return m, nil }}
			assert.NotPanics(t, func() { m.detailLines() }, "detailLines %q at %d", s, width)
			assert.NotPanics(t, func() { m.questionLines() }, "questionLines %q at %d", s, width)
			m.q.note = true
			assert.NotPanics(t, func() { m.detailLines() }, "detailLines with a note %q at %d", s, width)
			m.flash = flash{text: s + " 未提交：范围"}
			assert.NotPanics(t, func() { m.flashLines() }, "flashLines %q at %d", s, width)
			assert.NotPanics(t, func() { m.flashFits(s) }, "flashFits %q at %d", s, width)
			assert.NotPanics(t, func() { phraseWrap(m.p.w, s, width) }, "phraseWrap %q at %d", s, width)
			assert.NotPanics(t, func() { errLines(&m.p, s, width) }, "errLines %q at %d", s, width)
			assert.NotPanics(t, func() { phoneLines(m.p.w, s, "  ", "13550276348", "  村干部", width, "…") }, "phoneLines %q at %d", s, width)
			assert.NotPanics(t, func() { withPhone(m.p.w, s, "  ", "", "  村干部", width, "…") }, "withPhone %q at %d", s, width)
		}
	}
}
