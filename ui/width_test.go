package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
}

// TestEveryLineFitsTheTerminal draws every screen in both languages, at
// 80x24, 120x40 and 200x60, with ambiguous characters narrow and wide, and
// checks that the screen has exactly the terminal's lines and every line
// exactly its width. In the narrow case the lines are also measured with
// lipgloss's own function, which must agree.
func TestEveryLineFitsTheTerminal(t *testing.T) {
	f := newFixture(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		for _, lang := range []string{"zh", "en"} {
			for _, wideAmb := range []bool{false, true} {
				for _, sc := range screens {
					name := fmt.Sprintf("%dx%d/%s/wide=%t/%s", size[0], size[1], lang, wideAmb, sc.name)
					t.Run(name, func(t *testing.T) {
						opt := f.options(t, lang)
						opt.AmbiguousWide = wideAmb
						m := New(f.db, nil, opt)
						m = update(t, m, keyMsgSize(size[0], size[1]))
						m = update(t, m, loadSnapshot(f.db, "")())
						m = keys(t, m, sc.keys...)
						checkScreen(t, m, size[0], size[1], wideAmb)
					})
				}
			}
		}
	}
}

func checkScreen(t *testing.T, m Model, w, h int, wideAmb bool) {
	t.Helper()
	view := m.View()
	lines := strings.Split(view, "\n")
	require.Len(t, lines, h, "the screen must have exactly %d lines", h)
	wf := Width{AmbiguousWide: wideAmb}
	for i, l := range lines {
		plain := ansi.Strip(l)
		assert.Equal(t, w, wf.Of(plain), "line %d is not %d columns: %q", i+1, w, plain)
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
}
