package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// In :gaps the footer, the help and the list's own hint name enter and x
// alike (enter drafts there, it opens nothing), and ? there lists the
// list's keys, x among them.
func TestGapsKeysAgree(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		m, _ := wartimeModel(t, f, lang, 120, 40)
		m = runLine(t, m, "gaps")
		require.Equal(t, overlayGaps, m.overlay)
		draft, release, open := map[string]string{"zh": "enter 征调", "en": "enter draft"}[lang],
			map[string]string{"zh": "x 解除征调", "en": "x release"}[lang],
			map[string]string{"zh": "enter 打开", "en": "enter open"}[lang]
		view := m.View()
		foot := footerLine(m)
		assert.Contains(t, foot, draft, lang)
		assert.Contains(t, foot, release, lang)
		assert.NotContains(t, foot, open, lang)
		body := strings.Join(strings.Split(view, "\n")[1:strings.Count(view, "\n")], "\n")
		assert.Contains(t, body, draft, "the list's hint: %s", lang)
		assert.Contains(t, body, release, "the list's hint: %s", lang)

		m = keys(t, m, "?")
		require.Equal(t, overlayHelp, m.overlay)
		help := strings.Join(m.help.lines(), "\n")
		assert.Regexp(t, `x +`+strings.TrimPrefix(release, "x "), help, "x in the help of :gaps: %s", lang)
		assert.Regexp(t, `enter +`+strings.TrimPrefix(draft, "enter "), help, lang)
		assert.NotRegexp(t, `enter +`+strings.TrimPrefix(open, "enter "), help, "enter opens nothing there: %s", lang)
		expand := map[string]string{"zh": "展开", "en": "expand"}[lang]
		assert.NotRegexp(t, `l/right +`+expand, help, "l is the list's next reserve there: %s", lang)
		m = keys(t, m, "esc")
		assert.Equal(t, overlayGaps, m.overlay, "esc back to the list")
		checkScreen(t, m, 120, 40, false)
	}
}

// A command that runs clears an earlier command's refusal from the status
// line.
func TestCommandClearsAnEarlierRefusal(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		for _, next := range []string{"roster", "handover", "help"} {
			m := newFixture(t).model(t, lang, 120, 40)
			m = runLine(t, m, "q extra")
			unknown := map[string]string{"zh": "未知命令 :q extra", "en": "unknown command :q extra"}[lang]
			require.Contains(t, m.View(), unknown)
			m = runLine(t, m, next)
			require.NotEqual(t, overlayNone, m.overlay, next)
			assert.NotContains(t, m.View(), unknown, "%s %s", lang, next)
		}
	}
}

// :show with an end no incident here has, or many have, says so plainly,
// naming those that have it (a QA: the whole ids, to type one).
func TestShowByItsEndSaysSoPlainly(t *testing.T) {
	for lang, want := range map[string][]string{
		"zh": {"这里没有以 9999 结尾的事件；请给出完整编号", "这里有 2 个事件以 0005 结尾（HJ-20261128-0005、HJ-20261129-0005）；请给出完整编号"},
		"en": {"no incident here ends in 9999; give the whole id", "2 incidents here end in 0005 (HJ-20261128-0005, HJ-20261129-0005); give the whole id"},
	} {
		m := newFixture(t).model(t, lang, 200, 60)
		m = runLine(t, m, "show 9999")
		assert.Contains(t, m.View(), want[0], lang)
		assert.NotContains(t, m.View(), "(0 do)")
		m = runLine(t, m, "show 0005")
		assert.Contains(t, m.View(), want[1], "two incidents end in 0005 (1128-0005, 1129-0005): %s", lang)
	}
}
