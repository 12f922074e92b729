package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestWidthFunction(t *testing.T) {
	narrow, wide := Width{}, Width{AmbiguousWide: true}
	cases := []struct {
		s          string
		narrow, wd int
	}{
		{"abc", 3, 3},
		{"渎溪村", 6, 6},
		{"渎溪村 02网格", 13, 13},
		{"·…→①", 4, 8},
		{"╭─│", 3, 6},
		{"e\u0301", 1, 1}, // e + combining acute: one cluster
		{"\u00e9", 1, 2},  // precomposed é is East Asian ambiguous
		{"", 0, 0},
	}
	for _, c := range cases {
		assert.Equal(t, c.narrow, narrow.Of(c.s), "narrow %q", c.s)
		assert.Equal(t, c.wd, wide.Of(c.s), "wide %q", c.s)
	}
	assert.Equal(t, "渎溪…", narrow.Trunc("渎溪村委会", 5, "…"))
	assert.Equal(t, "渎溪 ", narrow.Fit("渎溪村", 5, ""), "a Han character never straddles the edge")
	assert.Equal(t, "  12", narrow.FitRight("12", 4))
	assert.Equal(t, 7, narrow.Of(narrow.Fit("花街居委会", 7, "…")))
	assert.Equal(t, 7, wide.Of(wide.Fit("花街居委会", 7, "…")))
}

// disputed are grapheme clusters terminals draw at different widths, with
// the form the console writes each in and the columns that form takes.
// The columns were measured in tmux 3.3a (the terminal this console is
// tested in), printing "A", the cluster, and reading the cursor's column;
// the raw cluster's own tmux width is in the comment, uniseg's (the width
// the console used to count) after it.
var disputed = []struct {
	kind, s, shown string
	cols           int
}{
	{"skin tone", "👍\U0001f3fd", "👍", 2},                                                      // tmux 4, uniseg 2
	{"tone on a narrow base", "☝\U0001f3fd", "☝", 1},                                          // tmux 3, uniseg 1
	{"tone after a letter", "a\U0001f3fd", "a", 1},                                            // tmux 3, uniseg 1
	{"tone after Han", "渎\U0001f3fd", "渎", 2},                                                 // tmux 4, uniseg 2
	{"tone alone", "\U0001f3fd", "", 0},                                                       // tmux 2, uniseg 0
	{"VS16 on a text-default base", "❤\ufe0f", "❤", 1},                                        // tmux 1, uniseg 2
	{"VS16 on a smiley", "☺\ufe0f", "☺", 1},                                                   // tmux 1, uniseg 2
	{"VS15 on an emoji", "👍\ufe0e", "👍", 2},                                                   // tmux 2, uniseg 1
	{"VS15 on a text-default base", "❤\ufe0e", "❤", 1},                                        // tmux 1, uniseg 1
	{"flag", "🇨🇳", "CN", 2},                                                                   // tmux 2, uniseg 2; other terminals 4
	{"regional indicator alone", "🇨", "C", 1},                                                 // tmux 1, uniseg 2
	{"ZWJ family", "👨\u200d👩\u200d👧", "👨👩👧", 6},                                               // tmux 2, uniseg 2; xterm 6
	{"ZWJ profession", "👨\u200d💻", "👨💻", 4},                                                   // tmux 2, uniseg 2
	{"ZWJ with VS16", "🏳\ufe0f\u200d🌈", "🏳🌈", 3},                                              // tmux 1, uniseg 2
	{"keycap", "1\ufe0f\u20e3", "1", 1},                                                       // tmux 1, uniseg 1; emoji terminals 2
	{"keycap without VS16", "1\u20e3", "1", 1},                                                // tmux 1, uniseg 1
	{"tag sequence", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "🏴", 2}, // tmux 2, uniseg 2
	{"title from the report", "好评👍\U0001f3fd👍\U0001f3fd👍\U0001f3fd 路灯修好了", "好评👍👍👍 路灯修好了", 21}, // tmux 27, uniseg 21
}

// TestWidthOfDisputedClusters: the console writes each disputed cluster in
// the form every terminal agrees on, and Of counts exactly the columns that
// form takes, so a line measured n columns is n columns on the screen.
func TestWidthOfDisputedClusters(t *testing.T) {
	for _, amb := range []bool{false, true} {
		w := Width{AmbiguousWide: amb}
		for _, c := range disputed {
			assert.Equal(t, c.shown, w.Trunc(c.s, 100, "…"), "%s: what the console writes for %q", c.kind, c.s)
			assert.Equal(t, c.cols, w.Of(c.s), "%s: Of(%q)", c.kind, c.s)
			assert.Equal(t, c.cols, w.Of(c.shown), "%s: Of of the written form", c.kind)
			least, most := termColumns(c.shown, amb)
			assert.Equal(t, c.cols, least, "%s: the written form is drawn narrower by some terminal", c.kind)
			assert.Equal(t, c.cols, most, "%s: the written form is drawn wider by some terminal", c.kind)
			fit := w.Fit(c.s, c.cols+3, "…")
			assert.Equal(t, c.shown+"   ", fit, "%s: Fit pads the written form", c.kind)
			if !amb {
				assert.Equal(t, c.cols+3, ansi.StringWidth(fit), "%s: lipgloss measures the written form otherwise", c.kind)
			}
		}
	}
	w := Width{}
	assert.Equal(t, "👍👍…", w.Trunc("👍\U0001f3fd👍\U0001f3fd👍\U0001f3fd", 5, "…"))
	assert.Equal(t, "👍👍 ", w.Fit("👍\U0001f3fd👍\U0001f3fd👍\U0001f3fd", 5, ""), "a wide emoji never straddles the edge")
	assert.Equal(t, "CNJ", w.Fit("🇨🇳🇯🇵", 3, ""))
	assert.Equal(t, "👨👩…", w.Fit("👨\u200d👩\u200d👧", 5, "…"))
	assert.Equal(t, "  1", w.FitRight("1\ufe0f\u20e3", 3))
	assert.Equal(t, "好评👍👍…", w.Trunc("好评👍\U0001f3fd👍\U0001f3fd👍\U0001f3fd 路灯修好了", 9, "…"))
	assert.Equal(t, 9, w.Of(w.Fit("好评👍\U0001f3fd👍\U0001f3fd👍\U0001f3fd 路灯修好了", 9, "…")))
}

// screens are the states the width test draws.
var screens = []struct {
	name string
	keys []string
}{
	{"queue", nil},
	{"detail", []string{"enter"}},
	{"tower", []string{"tab", "tab", "tab", "j", "j", "enter", "j", "enter", "j"}},
	{"roster", []string{":", "r", "o", "s", "t", "e", "r", "enter"}},
	{"help", []string{"?"}},
	{"report form", []string{"n"}},
	{"dispatch form", []string{"s"}},
	{"filter", []string{"/", "渎", "溪"}},
	{"events", []string{"tab"}},
	{"points", []string{":", "p", "o", "i", "n", "t", "s", "enter"}},
	{"points scrolled", []string{":", "p", "o", "i", "n", "t", "s", "enter", "G"}},
}

// TestEveryLineFitsTheTerminal draws every screen in both languages, at
// 80x24, 120x40 and 200x60, with ambiguous characters narrow and wide, and
// checks that the screen has exactly the terminal's lines and every line
// exactly its width. In the narrow case the lines are also measured with
// lipgloss's own function, which must agree.
func TestEveryLineFitsTheTerminal(t *testing.T) {
	f := newFixture(t)
	for _, tm := range terminals() {
		for _, sc := range screens {
			t.Run(tm.name(sc.name), func(t *testing.T) {
				tm.check(t, keys(t, tm.console(t, f), sc.keys...))
			})
		}
	}
}

// TestDisputedClustersFitEveryScreen files reports whose titles hold every
// kind of disputed cluster, types them into the filter, the command line
// and the report form, and checks that every line of every screen is the
// terminal's width as every terminal draws it (before, a title with a skin
// tone made its rows two columns wider per emoji and tmux scrolled).
func TestDisputedClustersFitEveryScreen(t *testing.T) {
	f := newFixture(t)
	var all strings.Builder
	for _, c := range disputed {
		all.WriteString(c.s)
	}
	titles := []struct {
		sev   model.Severity
		title string
	}{
		{model.SeverityI, disputed[len(disputed)-1].s},
		{model.SeverityII, all.String()},
		{model.SeverityIII, "🇨🇳🇯🇵🇺🇸🇩🇪🇫🇷🇬🇧🇰🇷🇮🇹🇪🇸🇷🇺🇧🇷🇮🇳🇨🇦🇦🇺🇲🇽🇳🇱🇸🇪🇨🇭🇦🇹"},
	}
	for _, r := range titles {
		_, err := f.db.Report(context.Background(), model.Report{Node: "330784114266-02-01", Category: "traffic",
			Severity: r.sev, Title: r.title, Text: all.String(), Reporter: model.System})
		require.NoError(t, err)
	}
	steps := []struct {
		name string
		do   func(m Model) Model
	}{
		{"queue", func(m Model) Model { return m }},
		{"detail", func(m Model) Model { return keys(t, m, "enter") }},
		{"events", func(m Model) Model { return keys(t, m, "tab") }},
		{"filter", func(m Model) Model { return typeText(t, keys(t, m, "/"), "👍\U0001f3fd") }},
		{"filter kept", func(m Model) Model { return keys(t, typeText(t, keys(t, m, "/"), "👍\U0001f3fd"), "enter") }},
		{"command line", func(m Model) Model { return typeText(t, keys(t, m, ":"), all.String()) }},
		{"report form", func(m Model) Model {
			m = typeText(t, keys(t, m, "n"), "330784114266-02")
			return typeText(t, keys(t, m, "tab", "tab", "tab"), all.String())
		}},
		{"report form cursor inside", func(m Model) Model {
			m = typeText(t, keys(t, m, "n", "tab", "tab", "tab"), "好评👍\U0001f3fd👨\u200d💻")
			return keys(t, m, "left", "left")
		}},
	}
	for _, tm := range terminals([2]int{80, 24}, [2]int{120, 40}) {
		for _, st := range steps {
			t.Run(tm.name(st.name), func(t *testing.T) {
				tm.check(t, st.do(tm.console(t, f)))
			})
		}
	}
	// The titles are on the screen, in their written form.
	m := f.model(t, "zh", 120, 40)
	assert.Contains(t, m.View(), "好评👍👍👍 路灯修好了")
	assert.Contains(t, m.View(), "CNJPUSDEFR")
}

// terminal is a screen a test draws on: its size, the console's language
// and whether ambiguous characters are wide.
type terminal struct {
	w, h int
	lang string
	wide bool
}

// terminals are the sizes given (80x24, 120x40 and 200x60 when none), each
// in both languages, with ambiguous characters narrow and wide.
func terminals(sizes ...[2]int) []terminal {
	if len(sizes) == 0 {
		sizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}
	}
	var out []terminal
	for _, s := range sizes {
		for _, lang := range []string{"zh", "en"} {
			for _, wide := range []bool{false, true} {
				out = append(out, terminal{w: s[0], h: s[1], lang: lang, wide: wide})
			}
		}
	}
	return out
}

// name is a subtest's name for what it draws on the terminal.
func (tm terminal) name(what string) string {
	return fmt.Sprintf("%dx%d/%s/wide=%t/%s", tm.w, tm.h, tm.lang, tm.wide, what)
}

// console is f's console on the terminal with its snapshot loaded; set,
// when given, changes its options first.
func (tm terminal) console(t testing.TB, f fixture, set ...func(*Options)) Model {
	t.Helper()
	opt := f.options(t, tm.lang)
	opt.AmbiguousWide = tm.wide
	for _, s := range set {
		s(&opt)
	}
	return loaded(t, f.db, opt, tm.w, tm.h)
}

// check is checkScreen on the terminal.
func (tm terminal) check(t *testing.T, m Model) {
	t.Helper()
	checkScreen(t, m, tm.w, tm.h, tm.wide)
}

// checkScreen checks that the screen has exactly h lines, each exactly w
// columns: by Of, by lipgloss (when ambiguous characters are narrow), and
// by termColumns, which counts every cluster terminals disagree on at its
// narrowest and at its widest (so a line holding one fails).
func checkScreen(t *testing.T, m Model, w, h int, wideAmb bool) {
	t.Helper()
	view := m.View()
	lines := strings.Split(view, "\n")
	require.Len(t, lines, h, "the screen must have exactly %d lines", h)
	wf := Width{AmbiguousWide: wideAmb}
	for i, l := range lines {
		plain := ansi.Strip(l)
		assert.Equal(t, w, wf.Of(plain), "line %d is not %d columns: %q", i+1, w, plain)
		least, most := termColumns(plain, wideAmb)
		assert.Equal(t, [2]int{w, w}, [2]int{least, most}, "line %d: some terminal draws it narrower or wider than %d columns: %q", i+1, w, plain)
		if !wideAmb {
			assert.Equal(t, w, ansi.StringWidth(l), "line %d: lipgloss measures it otherwise: %q", i+1, plain)
		} else {
			for _, r := range plain {
				assert.NotContains(t, "╭╮╰╯─│●▾▸…", string(r), "line %d draws an ambiguous glyph the ASCII set should replace", i+1)
			}
		}
	}
}

func TestTooSmall(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"zh", "en"} {
		m := f.model(t, lang, 79, 23)
		view := m.View()
		assert.Contains(t, view, "80x24")
		assert.Contains(t, view, "79x23")
		for _, l := range strings.Split(view, "\n") {
			assert.Equal(t, 79, Width{}.Of(l))
		}
		// Growing the terminal brings the console back.
		m = update(t, m, keyMsgSize(120, 40))
		assert.Contains(t, m.View(), "强降雨致山体滑坡隐患")
	}
	// Narrower than the sentence, it breaks at a space, never leaving its
	// last mark on a line alone.
	view := f.model(t, "zh", 40, 12).View()
	assert.Contains(t, view, "80x24。")
	for _, l := range strings.Split(view, "\n") {
		assert.NotEqual(t, "。", strings.TrimSpace(l))
	}
}

// A tower count fits its five columns at every size: the county's
// 222,513 households were shown as "222.5" (the k cut off).
func TestCompactCountsFitFiveColumns(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "0"}, {9999, "9999"}, {10000, "10.0k"}, {15049, "15.0k"}, {99949, "99.9k"},
		{99950, "100k"}, {222513, "223k"}, {999499, "999k"}, {999500, "1.0M"},
		{1871242, "1.9M"}, {9949999, "9.9M"}, {9950000, "10M"}, {18712420, "19M"},
	} {
		got := compact(c.n)
		if got != c.want || len(got) > 5 {
			t.Errorf("compact(%d) = %q, want %q (at most 5 columns)", c.n, got, c.want)
		}
	}
}
