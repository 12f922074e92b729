package ui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Below MinWidth x MinHeight the console draws only the size it needs.
// Keys do not go on to what the officer cannot see: a letter would land
// in a form field unseen, and q, typed in a word, would quit and take the
// form with it. Input is paused, and the screen says so, with what is kept
// (the form, the filter, the ':' line as typed) and how many keys were not
// taken; once the terminal is big enough again the status line says it
// once more. q quits (asking first, as it does) where no input is open;
// ctrl+c always does (asking over a half-filled form). A question on the
// status line still takes its y/n (it is drawn on the small screen).

// onSmallKey is a key while the terminal is too small.
func (m Model) onSmallKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.Quit) && !m.inputActive() {
		return m.quit() // its question, if it asks, is on the small screen too (View)
	}
	n := 1
	if msg.Type == tea.KeyRunes {
		n = len(msg.Runes)
	}
	m.smallLost += n
	return m, nil
}

// smallText is what the too-small screen says: the size it needs, that
// input is paused and what is kept, the keys not taken, and how to quit.
func (m Model) smallText() string {
	text := fmt.Sprintf(m.p.lab.TooSmall, m.width, m.height, MinWidth, MinHeight)
	if m.q.active() {
		return text + "\n\n" + m.q.text + "  y/n"
	}
	var paused string
	switch {
	case m.formActive:
		paused = m.say("Input is paused: the form is kept as typed; enlarge the terminal to go on with it.",
			"输入已暂停：表单已保留，放大终端后继续填写。")
	case m.filterActive:
		paused = m.say("Input is paused: the filter is kept as typed; enlarge the terminal to go on.",
			"输入已暂停：筛选已保留，放大终端后继续。")
	case m.cmdActive:
		paused = m.say("Input is paused: the ':' line is kept as typed; enlarge the terminal to go on.",
			"输入已暂停：命令行已保留，放大终端后继续。")
	default:
		paused = m.say("Input is paused until the terminal is larger.", "输入已暂停，放大终端后继续。")
	}
	if m.smallLost > 0 {
		paused += m.say(fmt.Sprintf(" %d keys typed meanwhile were not taken.", m.smallLost),
			fmt.Sprintf("期间的 %d 次按键未录入。", m.smallLost))
	}
	quit := m.say(" q quits.", "q 退出。")
	if m.inputActive() {
		quit = m.say(" ctrl+c quits.", "ctrl+c 退出。")
	}
	return text + "\n\n" + paused + quit
}

// onResize lays the console out for its new size; back to a size it
// draws, it says once more how many keys typed while it was too small
// were not taken.
func (m Model) onResize(msg tea.WindowSizeMsg) (tea.Model, tea.Cmd) {
	m.width, m.height = msg.Width, msg.Height
	m.layout()
	if m.smallLost == 0 || m.tooSmall() {
		return m, nil
	}
	n := m.smallLost
	m.smallLost = 0
	return m.flashInfo(m.say(fmt.Sprintf("%d keys typed while the terminal was too small were not taken", n),
		fmt.Sprintf("终端过小期间的 %d 次按键未录入", n)))
}
