package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// questionWords are the words of a question over two lines, as one string
// without its spaces (a break between words drops one), the keys at the
// end of the second taken off.
func questionWords(t *testing.T, m Model) string {
	t.Helper()
	lines := m.statusLines()
	require.Len(t, lines, 2, "the question wraps onto a second line")
	first := strings.TrimSpace(ansi.Strip(lines[0]))
	second := strings.TrimSpace(ansi.Strip(lines[1]))
	require.True(t, strings.HasSuffix(second, "y/n"), "the keys end the second line: %q", second)
	return strings.ReplaceAll(first+strings.TrimSuffix(second, "y/n"), " ", "")
}

// A question with a ZWJ sequence or a flag in it wraps onto two lines
// without saying any words twice or losing its end: the wrap was measured
// on the stored text and the lines drawn from the written one (the joiners
// left out, the flag as letters), so a QA saw "，老人" twice and
// "前完成？" cut. The same in the new report's question.
func TestQuestionWithEmojiWrapsOnce(t *testing.T) {
	const text = "向 22 个微网格下达「👨‍👩‍👧‍👦全员撤离🇨🇳，老人儿童优先转移至村文化礼堂，清点人数后逐户回报」（0 个无人在岗），04:40 前完成？"
	m := demoConsole(t, "zh", 80, 24)
	m, _ = m.ask(text, func(m Model) (Model, tea.Cmd) { return m, nil })
	want := strings.ReplaceAll(m.p.w.shown(text), " ", "")
	assert.Equal(t, want, questionWords(t, m))
	checkScreen(t, m, 80, 24, false)

	title := "👨‍👩‍👧‍👦一家四口被困🇨🇳二楼阳台，水位仍在上涨，请求冲锋舟救援并通知村卫生室待命"
	r := askReport(t, demoConsole(t, "zh", 80, 24), title)
	require.True(t, r.q.active())
	got := questionWords(t, r)
	assert.Contains(t, got, strings.ReplaceAll(r.p.w.shown(title), " ", ""), "the title once, whole")
	assert.True(t, strings.HasSuffix(got, "（III纠纷）？"), "the end of the question: %q", got)
	assert.Equal(t, 1, strings.Count(got, "水位仍在上涨"), got)
	checkScreen(t, r, 80, 24, false)
}

// A flash over two lines (a refusal at 80 columns) says each word once,
// a flag and a ZWJ sequence in it too.
func TestLongFlashWithEmojiOnce(t *testing.T) {
	m := demoConsole(t, "zh", 80, 24)
	const text = "未提交：标题「👨‍👩‍👧‍👦一家四口被困🇨🇳二楼阳台」与 HJ-20261129-0007 重复，请在原事件上补充备注，或改写标题后重新提交上报"
	m, _ = m.flashErr(said(model.EINVALID, text))
	lines := m.statusLines()
	require.Len(t, lines, 2)
	got := strings.ReplaceAll(strings.TrimSpace(ansi.Strip(lines[0]))+strings.TrimSpace(ansi.Strip(lines[1])), " ", "")
	assert.Equal(t, strings.ReplaceAll(m.p.w.shown(text), " ", ""), got)
}
