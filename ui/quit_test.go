package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// q on a console that serves SSH seats says how many are open and that
// they close with it (its question says so in either language); with
// none open it says nothing of seats.
func TestQuitSaysTheSeatsClose(t *testing.T) {
	f := newFixture(t)
	open := 2
	quitOn := func(lang string) Model {
		m := f.model(t, lang, 120, 40)
		m.opt.HoldsFile = true
		m.opt.Seats = func() int { return open }
		m = keys(t, m, "q")
		require.True(t, m.q.active(), "q asks")
		return m
	}
	screen := func(m Model) string { return strings.Join(strings.Fields(m.View()), " ") }

	zh := quitOn("zh")
	assert.Contains(t, zh.q.text, "退出 gridcmd？数据库由本控制台持有，其他命令经由它访问；本控制台服务的 2 个 SSH 席位将随之关闭")
	assert.True(t, strings.Contains(screen(zh), "2 个 SSH 席位将随之关闭"), "on the status line")
	en := quitOn("en")
	assert.Contains(t, en.q.text, "quit gridcmd? it holds the database: the other commands reach it through this console; 2 SSH seats it serves close with it")
	assert.True(t, strings.Contains(screen(en), "2 SSH seats it serves close with it"), "on the status line")

	open = 1
	assert.Contains(t, quitOn("en").q.text, "; 1 SSH seat it serves closes with it")
	assert.Contains(t, quitOn("zh").q.text, "本控制台服务的 1 个 SSH 席位将随之关闭")
	open = 0
	assert.NotContains(t, quitOn("en").q.text, "SSH")
	assert.NotContains(t, quitOn("zh").q.text, "SSH")
}
